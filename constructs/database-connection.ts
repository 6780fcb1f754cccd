import * as k8s from '../imports/k8s';
import { SecretKeyRef } from './app-secrets';
import { PodBudget } from './namespace-resource-policy';

/**
 * An in-cluster database as its clients and the namespace see it, whichever engine runs it:
 * where the app, the migration Job (and the backup CronJob) connect, and what it takes of the
 * namespace's quota.
 */
export interface IDatabaseConnection {
  /** The Service clients connect to: PGHOST. */
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly user: string;
  /** Where clients read the password, by `secretKeyRef` only. */
  readonly password: SecretKeyRef;
  /** The label of the pods behind `host`, which the clients' NetworkPolicies let them reach on `port`. */
  readonly policySelector: Record<string, string>;
  /** The pods that run the database, for the namespace quota. */
  readonly pods: readonly PodBudget[];
  /** The sizes of the claims the database uses, for the namespace quota. */
  readonly claims: readonly string[];
  /** The connection settings of a client's ConfigMap (PGHOST, PGPORT, PGDATABASE, PGUSER). */
  connectionSettings(): Record<string, string>;
  /** A client's env after its ConfigMap's: PGPASSWORD by `secretKeyRef`, and DATABASE_URL. */
  clientEnv(): k8s.EnvVar[];
}
