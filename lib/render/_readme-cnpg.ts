/**
 * CloudNativePG in a target README: the Cluster, its Pooler and backups as nodes, the app's
 * connection through the Services the operator makes, and the Secret it creates; each as far
 * as the rendered objects say, like the rest of the README.
 */
import { cnpgAppSecret, cnpgClusterServices } from '../../constructs/_cnpg';
import { Flowchart, nodeId } from './_readme-mermaid';
import { envValues, nameOf, namesService, podTemplate } from './_readme-k8s';

const isCnpg = (o: any, kind: string) => o.kind === kind && /^postgresql\.cnpg\.io\//.test(String(o.apiVersion ?? ''));

/** Notes of a CloudNativePG or backup object for the README table; undefined for other kinds. */
export function cnpgNotes(o: any): string[] | undefined {
  const spec = o.spec ?? {};
  if (isCnpg(o, 'Cluster')) {
    return [`${spec.instances} instance(s) (CloudNativePG)`, spec.imageName ? `\`${spec.imageName}\`` : '', spec.storage?.size ? `${spec.storage.size} each` : '',
      spec.bootstrap?.initdb?.import ? `imports from ${spec.externalClusters?.[0]?.connectionParameters?.host ?? '?'}` : ''];
  }
  if (isCnpg(o, 'Pooler')) return [`${spec.instances ?? 1} PgBouncer pod(s)`, `pool mode ${spec.pgbouncer?.poolMode ?? 'session'}`, `to Cluster ${spec.cluster?.name}`];
  if (isCnpg(o, 'ScheduledBackup')) return [`schedule ${spec.schedule} (with seconds, UTC)`, `Cluster ${spec.cluster?.name}`, spec.method ?? ''];
  if (o.kind === 'ObjectStore') return [spec.configuration?.destinationPath ?? '', spec.retentionPolicy ? `retention ${spec.retentionPolicy}` : ''];
  return undefined;
}

/**
 * Adds the Clusters, Poolers and ObjectStores, the edges from workloads to the operator-made
 * Services they name (PGHOST), and the `<cluster>-app` Secret with the Cluster that makes it.
 */
export function addCnpg(chart: Flowchart, objects: readonly any[], workloads: readonly any[], groupOf: (o: any) => string | undefined): void {
  const clusters = objects.filter((o) => isCnpg(o, 'Cluster'));
  const poolers = objects.filter((o) => isCnpg(o, 'Pooler'));
  const id = (o: any) => nodeId(String(o.kind), nameOf(o));
  for (const c of clusters) {
    const spec = c.spec ?? {};
    chart.node(id(c), [`Cluster ${nameOf(c)}`, `${spec.instances} instance(s), CloudNativePG`, spec.storage?.size ? `${spec.storage.size} each` : ''], groupOf(c));
    const secret = cnpgAppSecret(nameOf(c)).name;
    chart.edge(id(c), chart.node(nodeId('Secret', secret), [`Secret ${secret}`, 'created by CloudNativePG'], groupOf(c)));
    for (const plugin of spec.plugins ?? []) {
      const store = objects.find((o) => o.kind === 'ObjectStore' && nameOf(o) === plugin.parameters?.barmanObjectName);
      if (store) chart.edge(id(c), chart.node(id(store), [`ObjectStore ${nameOf(store)}`, store.spec?.configuration?.destinationPath ?? ''], groupOf(store)), 'WAL and base backups');
    }
  }
  for (const p of poolers) {
    chart.node(id(p), [`Pooler ${nameOf(p)}`, `${p.spec?.instances ?? 1} PgBouncer pod(s), ${p.spec?.pgbouncer?.poolMode ?? 'session'}`], groupOf(p));
    const cluster = clusters.find((c) => nameOf(c) === p.spec?.cluster?.name);
    if (cluster) chart.edge(id(p), id(cluster));
  }
  const configMaps = new Map<string, Record<string, string>>(objects.filter((o) => o.kind === 'ConfigMap').map((c) => [nameOf(c), c.data ?? {}]));
  for (const w of workloads) {
    const ns = String(w.metadata?.namespace ?? '');
    const env = envValues(podTemplate(w)!.spec, configMaps);
    const targets: Array<[any, string[]]> = [...poolers.map((p): [any, string[]] => [p, [nameOf(p)]]), ...clusters.map((c): [any, string[]] => [c, cnpgClusterServices(nameOf(c))])];
    for (const [target, services] of targets) {
      if (target.metadata?.namespace !== w.metadata?.namespace) continue;
      for (const [name, value] of env) if (services.some((s) => namesService(value, s, ns))) chart.edge(id(w), id(target), name);
    }
  }
}
