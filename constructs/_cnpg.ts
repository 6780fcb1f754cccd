/**
 * Names and labels that CloudNativePG itself gives the objects it creates for a Cluster or a
 * Pooler: the operator's conventions, in one place, for the constructs that connect to them and
 * the checks that verify the connections.
 * @see https://cloudnative-pg.io/documentation/current/labels_annotations/
 */
import { MONITORING_API_VERSION } from './_metrics';

/**
 * The API versions of the custom resources the stack emits. The objects are plain ApiObjects,
 * validated strictly against the vendored CRDs at every synth: the classes cdk8s generates from
 * the Cluster and Pooler CRDs (imports/) are larger than the whole rest of the package.
 */
export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';
/** The Barman Cloud plugin's ObjectStore. */
export const BARMAN_CLOUD_API_VERSION = 'barmancloud.cnpg.io/v1';
/** Prometheus Operator's PodMonitor. */
export const PODMONITOR_API_VERSION = MONITORING_API_VERSION;

/** The label CloudNativePG puts on every pod of a Cluster (instances and its bootstrap Jobs). */
export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';
/** `instance` on Postgres pods, `pooler` on PgBouncer pods. */
export const CNPG_POD_ROLE_LABEL = 'cnpg.io/podRole';
/** The label CloudNativePG puts on a Pooler's pods: the Pooler's name. */
export const CNPG_POOLER_LABEL = 'cnpg.io/poolerName';
/** The label of the Jobs (initdb, import, join) that CloudNativePG runs for a Cluster. */
export const CNPG_JOB_ROLE_LABEL = 'cnpg.io/jobRole';

/** The instance manager's status port, which the operator polls. */
export const CNPG_STATUS_PORT = 8000;
/** The Postgres exporter port of every instance (port name `metrics`). */
export const CNPG_METRICS_PORT = 9187;
/** PgBouncer's exporter port of every pooler pod (port name `metrics`). */
export const CNPG_POOLER_METRICS_PORT = 9127;
/** The name Cluster.spec.plugins and ScheduledBackups use for the Barman Cloud plugin. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/**
 * The Secret CloudNativePG creates for the application owner of a Cluster bootstrapped with
 * `initdb` (no `initdb.secret`), and the keys it holds.
 */
export function cnpgAppSecret(cluster: string): { readonly name: string; readonly keys: readonly string[] } {
  return { name: `${cluster}-app`, keys: ['dbname', 'fqdn-jdbc-uri', 'fqdn-uri', 'host', 'jdbc-uri', 'password', 'pgpass', 'port', 'uri', 'user', 'username'] };
}

/** The Services CloudNativePG creates for a Cluster: read-write (the primary), read-only (replicas), any. */
export function cnpgClusterServices(cluster: string): string[] {
  return [`${cluster}-rw`, `${cluster}-ro`, `${cluster}-r`];
}
