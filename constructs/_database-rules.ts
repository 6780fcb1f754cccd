import { ConfigIssue } from './_errors';
import { isQuantity, parseQuantity } from './_quantity';
import { objectStoreCloud, WORKLOAD_IDENTITY_ANNOTATION } from './_workload-identity';
import { DatabaseConfig, Environment } from './stack-config';

/** Keys of the `database` section that only one engine reads. */
const CNPG_ONLY = ['instances', 'pooler', 'importFrom'] as const;

/** The official Postgres image by digest: no CloudNativePG image can be derived from it. */
const OFFICIAL_POSTGRES_DIGEST = /^(docker\.io\/)?(library\/)?postgres(:[^@]*)?@/;

/**
 * The rules of the `database` section that depend on its engine and on the environment:
 * which keys each engine reads, where each engine's backups go, and "no silent no-backup" in
 * production.
 */
export function databaseEngineIssues(db: DatabaseConfig, environment: Environment, path = 'database'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (db.external) {
    // A managed server: nothing in the cluster to run, back up or import into.
    for (const key of ['engine', 'instances', 'pooler', 'backup', 'importFrom'] as const) {
      if (db[key] !== undefined) issues.push({ path: `${path}.${key}`, message: 'configures the in-cluster Postgres, and database.external replaces it', allowed: 'remove it, or remove database.external' });
    }
    return issues;
  }
  // Read, not defaulted: the engine's default lives in resolveDatabase.
  const cnpg = db.engine === 'cloudnative-pg';
  const backup = db.backup;
  if (!cnpg) {
    for (const key of CNPG_ONLY) {
      if (db[key] !== undefined) issues.push({ path: `${path}.${key}`, message: 'is only used when engine is cloudnative-pg', allowed: 'engine: cloudnative-pg, or remove it' });
    }
    if (backup && backup.objectStore) {
      issues.push({ path: `${path}.backup.objectStore`, message: 'is for engine cloudnative-pg; a statefulset database dumps to backup.volume', allowed: 'backup.volume, or engine: cloudnative-pg' });
    }
  } else {
    if (backup && !backup.objectStore) {
      issues.push({ path: `${path}.backup.objectStore`, message: 'is required when engine is cloudnative-pg (backups go to object storage)', allowed: 'destinationPath, endpointURL, credentialsSecret' });
    }
    if (backup && backup.volume) {
      issues.push({ path: `${path}.backup.volume`, message: 'is for engine statefulset; CloudNativePG backs up to backup.objectStore', allowed: 'backup.objectStore' });
    }
    if (db.image && OFFICIAL_POSTGRES_DIGEST.test(db.image)) {
      issues.push({ path: `${path}.image`, message: 'is the official postgres image by digest, which CloudNativePG cannot run and no CloudNativePG image can be derived from', value: db.image, allowed: 'postgres:<version> (CloudNativePG runs its own image of that version), or a CloudNativePG operand image such as ghcr.io/cloudnative-pg/postgresql:16.4' });
    }
  }
  const size = backup ? backup.volume?.size : undefined;
  if (size !== undefined && isQuantity(size) && parseQuantity(size) < 2 ** 20) {
    issues.push({ path: `${path}.backup.volume.size`, message: 'is too small for database dumps', value: size, allowed: 'at least 1Gi is sensible, e.g. 20Gi' });
  }
  if (environment === 'production' && backup === undefined) {
    issues.push({
      path: `${path}.backup`,
      message: 'is required in production: an in-cluster database without backups loses its data with its volume',
      allowed: cnpg
        ? 'a mapping with schedule and objectStore, or backup: false to go without, said explicitly'
        : 'a mapping with schedule (and volume), or backup: false to go without, said explicitly',
    });
  }
  return issues;
}

/** What `databaseWarnings` reads besides the `database` section. */
export interface DatabaseWarningContext {
  readonly environment: Environment;
  /** `serviceAccount.annotations`: the cloud identity object-store backups use without `credentialsSecret`. */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /** The ServiceAccount CloudNativePG makes for the Cluster (named after it). */
  readonly clusterServiceAccount: string;
}

/** The warnings of a valid `database` section: what is allowed but risky. */
export function databaseWarnings(db: DatabaseConfig, context: DatabaseWarningContext, path = 'database'): string[] {
  const warnings: string[] = [];
  if (context.environment === 'staging' && db.backup === undefined) {
    warnings.push(`${path}.backup is not set: this staging database has no backups (set a backup mapping, or backup: false to say so)`);
  }
  // Without a Secret the Barman Cloud plugin authenticates as the Postgres pods, which get the
  // stack's cloud identity only from serviceAccount.annotations. An identity given some other way
  // (EKS Pod Identity, the nodes' own) is possible, so this is a warning, not an error.
  const store = db.backup ? db.backup.objectStore : undefined;
  if (store && !store.credentialsSecret && Object.keys(context.serviceAccountAnnotations).length === 0) {
    const annotation = WORKLOAD_IDENTITY_ANNOTATION[objectStoreCloud(store.destinationPath)];
    warnings.push(`${path}.backup.objectStore has no credentialsSecret and serviceAccount.annotations is empty: backups to ${store.destinationPath} `
      + `authenticate as ServiceAccount ${context.clusterServiceAccount}, which gets no cloud identity, and fail unless it gets one another way `
      + `(set serviceAccount.annotations, e.g. ${annotation}, or a credentialsSecret)`);
  }
  return warnings;
}
