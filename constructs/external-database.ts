import { Construct } from 'constructs';
import { cidrProblem } from './_cidr';
import { ConfigIssue, throwIfAny } from './_errors';
import { DatabaseConfig, ExternalDatabaseConfig, PostgresSslMode } from './stack-config';
import { SecretKeyRef } from './app-secrets';

/** Props of `ExternalDatabase`: `database.external` plus where its password is read. */
export interface ExternalDatabaseProps extends ExternalDatabaseConfig {
  /** The stack name, from which the database and user names default. */
  readonly stackName: string;
  /** Where the pods read the password (a key of `secrets.keys`). */
  readonly password: SecretKeyRef;
}

/**
 * A managed Postgres outside the cluster (RDS, Cloud SQL...): nothing is created for it; the
 * app gets its connection settings, the password by `secretKeyRef`, and egress to `cidr` on
 * `port` only (instead of the internet).
 */
export class ExternalDatabase extends Construct {
  /**
   * Validates `database.external` within its section: with it, the keys that configure the
   * in-cluster Postgres mean nothing; `passwordKey` must be one of the app's secret keys.
   */
  public static validate(props: DatabaseConfig, secretKeys: readonly string[], path = 'database'): ConfigIssue[] {
    const external = props.external;
    if (!external) return [];
    const issues: ConfigIssue[] = [];
    for (const key of ['image', 'name', 'user', 'storage', 'resources'] as const) {
      if (props[key] !== undefined) {
        issues.push({ path: `${path}.${key}`, message: 'configures the in-cluster Postgres, and database.external replaces it', allowed: key === 'name' || key === 'user' ? `database.external.${key}` : 'remove it, or remove database.external' });
      }
    }
    if (!secretKeys.includes(external.passwordKey)) {
      issues.push({ path: `${path}.external.passwordKey`, message: 'is not a key of secrets.keys', value: external.passwordKey, allowed: secretKeys.length ? `one of ${secretKeys.join(', ')}, or add it to secrets.keys` : 'a key you add to secrets.keys (the password is read from the Secret only)' });
    }
    const problem = cidrProblem(external.cidr);
    if (problem) issues.push({ path: `${path}.external.cidr`, message: problem, value: external.cidr });
    return issues;
  }

  public readonly host: string;
  public readonly port: number;
  public readonly databaseName: string;
  public readonly user: string;
  public readonly sslMode: PostgresSslMode;
  /** The network the server is in. */
  public readonly cidr: string;
  /** Where the pods read the password. */
  public readonly password: SecretKeyRef;

  constructor(scope: Construct, id: string, props: ExternalDatabaseProps) {
    super(scope, id);
    const stackDefault = props.stackName.replace(/-/g, '_');
    this.host = props.host;
    this.port = props.port ?? 5432;
    this.databaseName = props.name ?? stackDefault;
    this.user = props.user ?? stackDefault;
    this.sslMode = props.sslMode ?? 'require';
    this.cidr = props.cidr;
    this.password = props.password;
    const problem = cidrProblem(this.cidr);
    throwIfAny(problem ? [{ path: 'database.external.cidr', message: problem, value: this.cidr }] : []);
  }

  /** The connection settings of the app's ConfigMap (libpq's names). */
  public connectionSettings(): Record<string, string> {
    return { PGHOST: this.host, PGPORT: String(this.port), PGDATABASE: this.databaseName, PGUSER: this.user, PGSSLMODE: this.sslMode };
  }
}
