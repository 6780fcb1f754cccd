/**
 * Cross-references to and between the objects an operator acts on, which no schema catches: a
 * CloudNativePG Pooler or ScheduledBackup names a Cluster, a Cluster names the Barman Cloud
 * ObjectStore its WAL goes to, a ScheduledBackup's plugin is one its Cluster runs, and the
 * database host the app connects to is a Service the output or CloudNativePG creates.
 */
import { cnpgClusterServices } from '../../../constructs/_cnpg';
import { PodRef, containersOf, nsOf } from './k8s';
import { Issue, objectRule, podRule } from './define';
import { Model } from './model';
import { Rule } from './types';

const CNPG_GROUP = 'postgresql.cnpg.io/';
const BARMAN_GROUP = 'barmancloud.cnpg.io/';

function isCnpg(obj: any, kind: string): boolean {
  return obj?.kind === kind && String(obj.apiVersion ?? '').startsWith(CNPG_GROUP);
}

/** The CloudNativePG Clusters of a namespace, by name. */
function clustersIn(m: Model, ns: string): Map<string, any> {
  return new Map(m.ofKindIn('Cluster', ns).filter((c) => isCnpg(c, 'Cluster')).map((c) => [c.metadata?.name ?? '', c]));
}

/** The Services CloudNativePG creates in a namespace: each Cluster's `-rw`, `-ro`, `-r`, and one per Pooler. */
function operatorServices(m: Model, ns: string): string[] {
  return [
    ...[...clustersIn(m, ns).keys()].flatMap(cnpgClusterServices),
    ...m.ofKindIn('Pooler', ns).filter((p) => isCnpg(p, 'Pooler')).map((p) => p.metadata?.name ?? ''),
  ];
}

/** `spec.cluster.name` of a Pooler or ScheduledBackup: a Cluster of the output in its namespace. */
function clusterRefIssue(obj: any, m: Model): Issue | undefined {
  const name = obj.spec?.cluster?.name;
  const clusters = clustersIn(m, nsOf(obj));
  if (typeof name !== 'string' || clusters.has(name)) return undefined;
  return { path: 'spec.cluster.name', message: `Cluster ${name} is not in the output (Clusters here: ${[...clusters.keys()].sort().join(', ') || 'none'})` };
}

/**
 * Env var names that hold a Postgres host: libpq's `PGHOST` and the app's own spellings
 * (`DB_HOST`, `PAPERLESS_DBHOST`, `DATABASE_HOST`, `POSTGRES_HOST`...).
 */
export const DATABASE_HOST_ENV = /^(PG|(.*_)?(DB_?|DATABASE_|POSTGRES(QL)?_))HOST$/;

/** The host of a `postgres://` or `postgresql://` URL, or undefined. */
function postgresUrlHost(value: string): string | undefined {
  const match = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(value);
  return match ? match[1] : undefined;
}

/**
 * The Service a host names in namespace `ns`: `name`, `name.ns`, `name.ns.svc` or
 * `name.ns.svc.cluster.local`; undefined for a host elsewhere (another namespace, outside the cluster).
 */
function serviceIn(host: string, ns: string): string | undefined {
  const [name, ...rest] = host.toLowerCase().replace(/\.$/, '').split('.');
  const suffix = rest.join('.');
  return ['', ns, `${ns}.svc`, `${ns}.svc.cluster.local`].includes(suffix) ? name : undefined;
}

/** One database host a container reads: where it is written, and the value. */
interface HostRead {
  readonly path: string;
  readonly via: string;
  readonly host: string;
}

/**
 * The database hosts a pod's containers read: host-named env vars (literal, from a ConfigMap of
 * the output by `configMapKeyRef` or `envFrom`) and the hosts of Postgres URLs, with the kubelet's
 * `$(VAR)` expansion over the variables defined before.
 */
function databaseHosts(pod: PodRef, m: Model): HostRead[] {
  const out: HostRead[] = [];
  const configMap = (name: string): Record<string, string> => m.get('ConfigMap', pod.ns, name)?.data ?? {};
  for (const c of containersOf(pod, 'all')) {
    const env = new Map<string, string>();
    const seen = (name: string, value: string, path: string, via: string): void => {
      env.set(name, value);
      const host = DATABASE_HOST_ENV.test(name) ? value : postgresUrlHost(value);
      if (host) out.push({ path, via, host });
    };
    (c.c.envFrom ?? []).forEach((from: any, i: number) => {
      const name = from?.configMapRef?.name;
      if (!name) return;
      for (const [key, value] of Object.entries(configMap(name))) seen(`${from.prefix ?? ''}${key}`, String(value), `${c.path}.envFrom[${i}]`, `envFrom ConfigMap ${name}, key ${key}`);
    });
    (c.c.env ?? []).forEach((e: any, i: number) => {
      const ref = e?.valueFrom?.configMapKeyRef;
      if (ref) {
        const value = configMap(ref.name ?? '')[ref.key ?? ''];
        if (value !== undefined) seen(e.name, String(value), `${c.path}.env[${i}].valueFrom.configMapKeyRef`, `env ${e.name} (ConfigMap ${ref.name})`);
      } else if (typeof e?.value === 'string') {
        const value = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole: string, name: string) => env.get(name) ?? whole);
        seen(e.name, value, `${c.path}.env[${i}].value`, `env ${e.name}`);
      }
    });
  }
  return out;
}

/** CloudNativePG's cross-references, and the database host the app connects to. */
export const XREF_OPERATOR_RULES: readonly Rule[] = [
  objectRule('xref', 'cnpg-cluster-ref', "A CloudNativePG Pooler's or ScheduledBackup's spec.cluster.name names a Cluster of the output in its namespace.", ['Pooler', 'ScheduledBackup'], (obj, m) =>
    (isCnpg(obj, 'Pooler') || isCnpg(obj, 'ScheduledBackup')) && clusterRefIssue(obj, m),
  ),
  objectRule('xref', 'cnpg-backup-plugin', "A ScheduledBackup by method plugin names a plugin its Cluster runs (spec.plugins), and each Barman Cloud plugin of a Cluster names an ObjectStore of the output (parameters.barmanObjectName).", ['ScheduledBackup', 'Cluster'], (obj, m) => {
    const ns = nsOf(obj);
    if (isCnpg(obj, 'ScheduledBackup')) {
      if (obj.spec?.method !== 'plugin') return undefined;
      const cluster = clustersIn(m, ns).get(obj.spec?.cluster?.name ?? '');
      const plugin = obj.spec?.pluginConfiguration?.name;
      const plugins: string[] = (cluster?.spec?.plugins ?? []).map((p: any) => p?.name);
      return cluster && !plugins.includes(plugin) && { path: 'spec.pluginConfiguration.name', message: `Cluster ${cluster.metadata.name} does not run plugin ${plugin} (its plugins: ${plugins.join(', ') || 'none'}): the backup would never start` };
    }
    if (!isCnpg(obj, 'Cluster')) return undefined;
    const stores = new Set(m.ofKindIn('ObjectStore', ns).filter((s) => String(s.apiVersion ?? '').startsWith(BARMAN_GROUP)).map((s) => s.metadata?.name));
    return (obj.spec?.plugins ?? []).flatMap((p: any, i: number) => {
      const store = p?.parameters?.barmanObjectName;
      return store === undefined || stores.has(store) ? [] : [{ path: `spec.plugins[${i}].parameters.barmanObjectName`, message: `ObjectStore ${store} is not in the output` }];
    });
  }),
  podRule(
    'xref',
    'database-host',
    'A database host the pods read (PGHOST, DB_HOST and the like, or a postgres:// URL) that names a Service of their namespace which the output does not hold is one CloudNativePG creates: a Cluster\'s -rw, -ro or -r Service, or a Pooler.',
    (pod, m) => {
      const services = operatorServices(m, pod.ns);
      return databaseHosts(pod, m).flatMap((read): Issue[] => {
        const name = serviceIn(read.host, pod.ns);
        if (name === undefined || m.get('Service', pod.ns, name) || services.includes(name)) return [];
        // Only a host that points at CloudNativePG: its Service suffixes, or a namespace it manages.
        if (!/-(rw|ro|r)$/.test(name) && services.length === 0) return [];
        return [{ path: read.path, message: `${read.via} names Service ${name}, which neither the output nor CloudNativePG creates (CloudNativePG creates here: ${services.join(', ') || 'none, there is no Cluster'})` }];
      });
    },
  ),
];
