import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Argo CD: never prune or delete it, even when it leaves git or the Application is deleted. */
export const ARGO_KEEP = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' };
/** Flux: never garbage-collect it when it leaves git. */
export const FLUX_KEEP = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

/** Argo CD's sync wave annotation, which the stack sets on every object. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** Kinds whose deletion loses data: a rename in git is a delete in the cluster (`plan` names them in this order). */
export const DATA_BEARING_KINDS = ['PersistentVolumeClaim', 'StatefulSet', 'Cluster', 'Namespace'] as const;
const DATA_KINDS = new Set<string>(DATA_BEARING_KINDS);

/**
 * Argo CD sync waves, in the order an empty cluster needs: the namespace; what others read
 * (config, secrets, accounts, claims, policies); the database and Redis; the migration; the web
 * service. Argo CD applies a wave only when the previous one is healthy, so the migration Job runs
 * against a ready database and Redis, and the web pods start after it. kubectl and Flux ignore the
 * annotation; they get the same order from the file itself.
 */
const WAVE = { namespace: -4, config: -3, database: -2, migrations: -1, web: 0 } as const;

/**
 * Adds the GitOps annotations to every ApiObject below `scope`: sync waves, and "never delete"
 * on the objects that hold data (Namespace, PersistentVolumeClaims, the database StatefulSet, a
 * CloudNativePG Cluster, whose deletion deletes its volumes).
 */
export function addGitOpsAnnotations(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    if (!(construct instanceof ApiObject)) continue;
    construct.metadata.addAnnotation(SYNC_WAVE, String(waveOf(construct)));
    if (DATA_KINDS.has(construct.kind)) {
      for (const [key, value] of Object.entries({ ...ARGO_KEEP, ...FLUX_KEEP })) construct.metadata.addAnnotation(key, value);
    }
  }
}

function waveOf(o: ApiObject): number {
  const component = o.metadata.getLabel('app.kubernetes.io/component');
  if (o.kind === 'Namespace') return WAVE.namespace;
  if (o.kind === 'Job') return WAVE.migrations;
  // Redis shares the database's wave: both are ready before the migration and the web pods need them.
  // CloudNativePG's Cluster, its Pooler and ScheduledBackup too; its ObjectStore before them (config).
  if (['StatefulSet', 'Service', 'PodDisruptionBudget', 'Cluster', 'Pooler', 'ScheduledBackup'].includes(o.kind) && (component === 'database' || component === 'redis')) return WAVE.database;
  // Workers, schedules and their autoscalers start with the web, after the migration.
  if (['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'CronJob', 'ScaledObject'].includes(o.kind)) return WAVE.web;
  return WAVE.config;
}
