import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import {
  BARMAN_CLOUD_API_VERSION, BARMAN_CLOUD_PLUGIN, CNPG_API_VERSION, CNPG_CLUSTER_LABEL, PODMONITOR_API_VERSION, CNPG_METRICS_PORT, CNPG_POD_ROLE_LABEL, CNPG_POOLER_LABEL, CNPG_POOLER_METRICS_PORT,
  CNPG_STATUS_PORT, cnpgAppSecret, cnpgClusterServices,
} from './_cnpg';
import { StackIdentity, imageVersion } from './_identity';
import { objectStoreCloud, workloadIdentityPodLabels } from './_workload-identity';
import { dnsEgress, namespaceSelector } from './_network';
import { ResolvedResources } from './_resources';
import { restrictedContainerSecurityContext } from './_security';
import { SecretKeyRef } from './app-secrets';
import { IDatabaseConnection } from './database-connection';
import { PodBudget } from './namespace-resource-policy';
import { DatabaseEnvNames, namedSettings, passwordAndUrlEnv } from './_database-env';
import { POSTGRES_PORT } from './postgres-database';
import { resolveDatabase } from './resolve-stack';
import { BackupObjectStoreConfig, DatabaseConfig, PoolMode } from './stack-config';

/** Requests and limits of each PgBouncer container. */
export const POOLER_RESOURCES: ResolvedResources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } };

/** Requests and limits of the Barman Cloud plugin's sidecar in each instance pod. */
export const BACKUP_SIDECAR_RESOURCES: ResolvedResources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/** The name of the externalClusters entry that an import reads from. */
export const IMPORT_SOURCE_NAME = 'statefulset';

/** The in-cluster database a new Cluster imports from (`database.importFrom`). */
export interface DatabaseImportSourceProps {
  /** The old database's client Service. */
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly user: string;
  /** Where the old password is. */
  readonly password: SecretKeyRef;
  /** The label of the old database's pods, which the import Job connects to. */
  readonly policySelector: Record<string, string>;
}

/** Props of `CloudNativePgDatabase`: the `database` section plus its wiring. */
export interface CloudNativePgDatabaseProps extends Omit<DatabaseConfig, 'importFrom' | 'engine'> {
  /** Names, namespace, labels and environment. */
  readonly stack: StackIdentity;
  /**
   * Policy selectors (`StackIdentity.policySelector`) of the pods allowed to connect (web, migrations).
   * @default - none
   */
  readonly clients?: Array<Record<string, string>>;
  /** The CloudNativePG operator's namespace, which must reach every instance (`networkPolicy.databaseOperatorNamespace`). */
  readonly operatorNamespace: string;
  /** The namespace of the Prometheus that scrapes the PodMonitors. */
  readonly prometheusNamespace: string;
  /**
   * Labels Prometheus selects monitors by (`monitoring.labels`), put on the PodMonitors.
   * @default {}
   */
  readonly monitorLabels?: Readonly<Record<string, string>>;
  /** Bootstrap from this database with `initdb.import`. @default - a new, empty database */
  readonly importSource?: DatabaseImportSourceProps;
  /**
   * The cloud identity of the stack (`serviceAccount.annotations`: IRSA, GKE Workload Identity,
   * Azure Workload Identity), given to the ServiceAccount the operator makes for the Cluster when
   * backups authenticate as the pods (an object store without `credentialsSecret`); otherwise
   * the database pods get no identity of the app's.
   * @default {}
   */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
}

/**
 * A CloudNativePG `Cluster` `<name>-postgres` and what belongs to it: a PgBouncer `Pooler`
 * `<name>-postgres-pooler` when `pooler` is set, an `ObjectStore` and a `ScheduledBackup` for the
 * Barman Cloud plugin when `backup` is set, `PodMonitor`s, and NetworkPolicies for every
 * connection the operator's pods make.
 *
 * The operator creates the pods, the Services (`-rw`, `-ro`, `-r`, and one per Pooler) and the
 * Secret `<name>-postgres-app` with the owner's generated password; the app reads that Secret
 * by `secretKeyRef` and connects through the pooler when there is one.
 * @see https://cloudnative-pg.io/documentation/current/
 */
export class CloudNativePgDatabase extends Construct implements IDatabaseConnection {
  public readonly stack: StackIdentity;
  public readonly image: string;
  public readonly databaseName: string;
  public readonly user: string;
  public readonly instances: number;
  public readonly storageSize: string;
  public readonly resources: ResolvedResources;
  /** The Cluster's name, also the prefix of what the operator creates for it. */
  public readonly clusterName: string;
  /** The Pooler's name (and its Service's), when there is a pooler. */
  public readonly poolerName?: string;
  public readonly poolerInstances?: number;
  public readonly poolMode?: PoolMode;
  /** The Service the app connects to: the pooler's, or the Cluster's read-write one. */
  public readonly host: string;
  public readonly port = POSTGRES_PORT;
  public readonly password: SecretKeyRef;
  /** The env var names clients read the connection from (`database.env`). */
  public readonly env: DatabaseEnvNames;
  /** The label of the pods behind `host`. */
  public readonly policySelector: Record<string, string>;
  /** The labels of the Cluster's pods (instances and the operator's Jobs for it). */
  public readonly clusterSelector: Record<string, string>;
  public readonly cluster: ApiObject;
  public readonly pods: readonly PodBudget[];
  public readonly claims: readonly string[];
  /** The annotations of the Cluster's ServiceAccount (`spec.serviceAccountTemplate`): the cloud identity backups upload with. */
  public readonly serviceAccountAnnotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CloudNativePgDatabaseProps) {
    super(scope, id);
    const stack = this.stack = props.stack;
    const db = resolveDatabase({ ...props, engine: 'cloudnative-pg' }, stack.name, stack.environment);
    this.image = db.image;
    this.env = db.env;
    this.databaseName = db.name;
    this.user = db.user;
    this.instances = db.instances!;
    this.storageSize = db.storage.size;
    this.resources = db.resources;
    this.clusterName = stack.objectName('postgres');
    this.clusterSelector = cnpgClusterSelector(this.clusterName);
    const appSecret = cnpgAppSecret(this.clusterName);
    this.password = { name: appSecret.name, key: 'password' };
    const backup = db.backup || undefined;
    const { operatorNamespace, prometheusNamespace } = props;
    const meta = (suffix: string, withVersion = false) =>
      stack.metadata(suffix, 'database', { instance: this.clusterName, version: withVersion ? imageVersion(this.image) : undefined });

    const storeName = backup?.objectStore ? stack.objectName('postgres-backups') : undefined;
    // Backups without a credentials Secret upload as the instance pods' ServiceAccount, which the
    // operator makes from this template: the stack's cloud identity goes there, and nowhere else.
    const identity = backup?.objectStore && !backup.objectStore.credentialsSecret ? { ...props.serviceAccountAnnotations } : {};
    this.serviceAccountAnnotations = identity;
    if (backup?.objectStore && storeName) {
      new ApiObject(this, 'ObjectStore', {
        apiVersion: BARMAN_CLOUD_API_VERSION,
        kind: 'ObjectStore',
        metadata: meta('postgres-backups'),
        spec: {
          retentionPolicy: backup.retention,
          configuration: objectStoreConfiguration(backup.objectStore),
          instanceSidecarConfiguration: {
            resources: {
              requests: { ...BACKUP_SIDECAR_RESOURCES.requests },
              limits: { ...BACKUP_SIDECAR_RESOURCES.limits },
            },
          },
        },
      });
    }

    const source = props.importSource;
    this.cluster = new ApiObject(this, 'Cluster', {
      apiVersion: CNPG_API_VERSION,
      kind: 'Cluster',
      metadata: meta('postgres', true),
      spec: {
        instances: this.instances,
        imageName: this.image,
        // Our stack labels on every pod and PVC the operator makes, so they are found like ours;
        // but not the instance label, which the old StatefulSet's Service and policy select by.
        inheritedMetadata: { labels: { ...withoutInstance(stack.labels('database', this.clusterName)), ...workloadIdentityPodLabels(identity) } },
        ...(Object.keys(identity).length ? { serviceAccountTemplate: { metadata: { annotations: identity } } } : {}),
        bootstrap: {
          initdb: {
            database: this.databaseName,
            owner: this.user,
            ...(source ? { import: { type: 'microservice', databases: [source.databaseName], source: { externalCluster: IMPORT_SOURCE_NAME } } } : {}),
          },
        },
        ...(source ? {
          externalClusters: [{
            name: IMPORT_SOURCE_NAME,
            // The official postgres image serves no TLS: prefer TLS, accept plain inside the namespace.
            connectionParameters: { host: source.host, port: String(source.port), user: source.user, dbname: source.databaseName, sslmode: 'prefer' },
            password: { name: source.password.name, key: source.password.key },
          }],
        } : {}),
        storage: { size: this.storageSize, ...(db.storage.storageClassName ? { storageClass: db.storage.storageClassName } : {}) },
        resources: {
          ...plainResources(this.resources),
        },
        // Replicas on other nodes (required where there are enough nodes is the operator's
        // "preferred" default made explicit) and spread across zones.
        affinity: { enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'preferred' },
        topologySpreadConstraints: [{
          maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { ...this.clusterSelector, [CNPG_POD_ROLE_LABEL]: 'instance' } },
        }],
        // The operator's own PodDisruptionBudgets keep the primary up through drains.
        enablePDB: true,
        ...(storeName ? { plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: storeName } }] } : {}),
      },
    });

    if (backup?.objectStore) {
      new ApiObject(this, 'ScheduledBackup', {
        apiVersion: CNPG_API_VERSION,
        kind: 'ScheduledBackup',
        metadata: meta('postgres-backup'),
        spec: {
          cluster: { name: this.clusterName },
          schedule: withSeconds(backup.schedule),
          method: 'plugin',
          pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
          backupOwnerReference: 'self',
          // A first base backup right away: WAL archiving alone cannot restore anything.
          immediate: true,
        },
      });
    }

    const instanceSelector = { ...this.clusterSelector, [CNPG_POD_ROLE_LABEL]: 'instance' };
    // A kube-prometheus-stack Prometheus picks PodMonitors by its release label: the stack's.
    const monitorMeta = (suffix: string) => { const m = meta(suffix); return { ...m, labels: { ...m.labels, ...props.monitorLabels } }; };
    new ApiObject(this, 'PodMonitor', {
      apiVersion: PODMONITOR_API_VERSION,
      kind: 'PodMonitor',
      metadata: monitorMeta('postgres'),
      spec: { selector: { matchLabels: instanceSelector }, podMetricsEndpoints: [{ port: 'metrics' }] },
    });

    if (db.pooler) {
      this.poolerName = stack.objectName('postgres-pooler');
      this.poolerInstances = db.pooler.instances;
      this.poolMode = db.pooler.poolMode;
      this.addPooler(meta('postgres-pooler'));
      new ApiObject(this, 'PoolerPodMonitor', {
        apiVersion: PODMONITOR_API_VERSION,
        kind: 'PodMonitor',
        metadata: monitorMeta('postgres-pooler'),
        spec: { selector: { matchLabels: { [CNPG_POOLER_LABEL]: this.poolerName } }, podMetricsEndpoints: [{ port: 'metrics' }] },
      });
    }
    this.host = this.poolerName ? this.poolerName : cnpgClusterServices(this.clusterName)[0];
    this.policySelector = this.poolerName ? { [CNPG_POOLER_LABEL]: this.poolerName } : this.clusterSelector;

    this.addNetworkPolicies({ clients: props.clients ? [...props.clients] : [], operatorNamespace, prometheusNamespace, source, store: backup?.objectStore, meta });

    const instanceContainers = [this.resources, ...(storeName ? [BACKUP_SIDECAR_RESOURCES] : [])];
    this.pods = [
      // Every instance, and one bootstrap or join Job pod (as large as an instance) at a time.
      { count: this.instances + 1, containers: instanceContainers },
      ...(this.poolerInstances ? [{ count: this.poolerInstances + Math.ceil(this.poolerInstances * 0.25), containers: [POOLER_RESOURCES] }] : []),
    ];
    this.claims = Array.from({ length: this.instances }, () => this.storageSize);
  }

  /** The connection settings of a client's ConfigMap: the pooler's Service, or the primary's. */
  public connectionSettings(): Record<string, string> {
    return namedSettings({ PGHOST: this.host, PGPORT: String(this.port), PGDATABASE: this.databaseName, PGUSER: this.user }, this.env);
  }

  /** PGPASSWORD from the operator's `<cluster>-app` Secret by `secretKeyRef`, and DATABASE_URL. */
  public clientEnv(): k8s.EnvVar[] {
    return passwordAndUrlEnv(this.env, this.password);
  }

  private addPooler(metadata: k8s.ObjectMeta): void {
    new ApiObject(this, 'Pooler', {
      apiVersion: CNPG_API_VERSION,
      kind: 'Pooler',
      metadata,
      spec: {
        cluster: { name: this.clusterName },
        instances: this.poolerInstances,
        type: 'rw',
        pgbouncer: { poolMode: this.poolMode },
        // The operator fills in the container; the template adds resources, the restricted
        // profile and a spread over nodes and zones.
        template: {
          metadata: { labels: this.stack.labels('database', this.poolerName!) },
          spec: {
            containers: [{
              name: 'pgbouncer',
              resources: plainResources(POOLER_RESOURCES),
              securityContext: restrictedContainerSecurityContext(),
            }],
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
              maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { [CNPG_POOLER_LABEL]: this.poolerName! } },
            })),
          },
        },
      },
    });
  }

  private addNetworkPolicies(o: {
    clients: Array<Record<string, string>>; operatorNamespace: string; prometheusNamespace: string;
    source?: DatabaseImportSourceProps; store?: BackupObjectStoreConfig; meta: (suffix: string) => k8s.ObjectMeta;
  }): void {
    const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
    const peers = (selectors: Array<Record<string, string>>) => selectors.map((matchLabels) => ({ podSelector: { matchLabels } }));
    // The instance manager in every pod watches the Kubernetes API (443 or 6443 on the API
    // server, an address a policy cannot name portably); backups go to the object store on HTTPS.
    const apiAndStore: k8s.NetworkPolicyEgressRule = { ports: tcp(...new Set([443, 6443, ...storePorts(o.store)])) };
    const cluster = { podSelector: { matchLabels: this.clusterSelector } };
    const clients = this.poolerName ? [{ [CNPG_POOLER_LABEL]: this.poolerName }] : o.clients;

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: o.meta('postgres'),
      spec: {
        // Instances and the operator's bootstrap Jobs; not the pooler, which has its own policy.
        podSelector: { matchLabels: this.clusterSelector, matchExpressions: [{ key: CNPG_POD_ROLE_LABEL, operator: 'NotIn', values: ['pooler'] }] },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [{ namespaceSelector: namespaceSelector(o.operatorNamespace) }], ports: tcp(CNPG_STATUS_PORT, POSTGRES_PORT) },
          // Replication and joins between the instances.
          { from: [cluster], ports: tcp(POSTGRES_PORT, CNPG_STATUS_PORT) },
          ...(clients.length ? [{ from: peers(clients), ports: tcp(POSTGRES_PORT) }] : []),
          { from: [{ namespaceSelector: namespaceSelector(o.prometheusNamespace) }], ports: tcp(CNPG_METRICS_PORT) },
        ],
        egress: [
          dnsEgress(),
          { to: [cluster], ports: tcp(POSTGRES_PORT, CNPG_STATUS_PORT) },
          apiAndStore,
          ...(o.source ? [{ to: peers([o.source.policySelector]), ports: tcp(o.source.port) }] : []),
        ],
      },
    });

    if (!this.poolerName) return;
    new k8s.KubeNetworkPolicy(this, 'PoolerNetworkPolicy', {
      metadata: o.meta('postgres-pooler'),
      spec: {
        podSelector: { matchLabels: { [CNPG_POOLER_LABEL]: this.poolerName } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          ...(o.clients.length ? [{ from: peers(o.clients), ports: tcp(POSTGRES_PORT) }] : []),
          { from: [{ namespaceSelector: namespaceSelector(o.prometheusNamespace) }], ports: tcp(CNPG_POOLER_METRICS_PORT) },
        ],
        egress: [dnsEgress(), { to: [cluster], ports: tcp(POSTGRES_PORT) }, { ports: tcp(443, 6443) }],
      },
    });
  }
}

/** The ObjectStore's configuration: the bucket, and credentials from a Secret or the pods' cloud identity. */
function objectStoreConfiguration(store: BackupObjectStoreConfig): Record<string, unknown> {
  const secret = store.credentialsSecret;
  const ref = (key: string) => ({ name: secret!, key });
  const provider = objectStoreCloud(store.destinationPath);
  const credentials: Record<string, unknown> =
    provider === 's3' ? { s3Credentials: secret ? { accessKeyId: ref('ACCESS_KEY_ID'), secretAccessKey: ref('ACCESS_SECRET_KEY') } : { inheritFromIAMRole: true } }
      : provider === 'gs' ? { googleCredentials: secret ? { applicationCredentials: ref('APPLICATION_CREDENTIALS') } : { gkeEnvironment: true } }
        : { azureCredentials: secret ? { connectionString: ref('AZURE_CONNECTION_STRING') } : { inheritFromAzureAD: true } };
  return {
    destinationPath: store.destinationPath,
    ...(store.endpointURL ? { endpointURL: store.endpointURL } : {}),
    ...credentials,
    wal: { compression: 'gzip' },
    data: { compression: 'gzip' },
  };
}

/** The keys a `credentialsSecret` must hold, by provider, for the cross-reference checks. */
export function objectStoreSecretKeys(store: BackupObjectStoreConfig): string[] {
  const provider = objectStoreCloud(store.destinationPath);
  return provider === 's3' ? ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'] : provider === 'gs' ? ['APPLICATION_CREDENTIALS'] : ['AZURE_CONNECTION_STRING'];
}

/** A port of the object store other than HTTPS's, from its endpoint URL. */
function storePorts(store?: BackupObjectStoreConfig): number[] {
  const url = store?.endpointURL;
  if (!url) return [];
  const match = /^(https?):\/\/[^/:]+(?::([0-9]+))?/.exec(url);
  if (!match) return [];
  return [match[2] ? Number(match[2]) : match[1] === 'http' ? 80 : 443];
}

function withoutInstance(labels: Record<string, string>): Record<string, string> {
  const { ['app.kubernetes.io/instance']: _instance, ...rest } = labels;
  return rest;
}

/** A container's resources as plain JSON (an ApiObject's props are not resolved like the generated classes'). */
function plainResources(r: ResolvedResources): { requests: Record<string, string>; limits: Record<string, string> } {
  return { requests: { ...r.requests }, limits: { ...(r.limits.cpu ? { cpu: r.limits.cpu } : {}), memory: r.limits.memory } };
}

/** The labels of a Cluster's pods (instances and the operator's Jobs for it). */
export function cnpgClusterSelector(cluster: string): Record<string, string> {
  return { [CNPG_CLUSTER_LABEL]: cluster };
}

/** CloudNativePG's schedules have a seconds field first: `0 2 * * *` runs as `0 0 2 * * *`. */
export function withSeconds(schedule: string): string {
  return `0 ${schedule.trim().split(/\s+/).join(' ')}`;
}
