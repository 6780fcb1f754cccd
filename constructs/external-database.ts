import { Construct } from 'constructs';
import { cidrProblem } from './_cidr';
import { ConfigIssue, throwIfAny } from './_errors';
import { DatabaseConfig, DatabaseEnvConfig, ExternalDatabaseConfig, PostgresSslMode } from './stack-config';
import * as k8s from '../imports/k8s';
import { SecretKeyRef } from './app-secrets';
import { DATABASE_ENV } from './postgres-database';
import { DEFAULT_SSL_MODE_ENV, resolveExternalDatabase } from './resolve-stack';
import { DatabaseEnvNames, namedSettings, passwordAndUrlEnv } from './_database-env';

/** The env a client of a managed database gets by default, by name. */
export const EXTERNAL_DATABASE_ENV: readonly string[] = [...DATABASE_ENV, DEFAULT_SSL_MODE_ENV];

/** Props of `ExternalDatabase`: `database.external` plus where its password is read. */
export interface ExternalDatabaseProps extends ExternalDatabaseConfig {
  /** The stack name, from which the database and user names default. */
  readonly stackName: string;
  /** Where the pods read the password (a key of `secrets.keys`). */
  readonly password: SecretKeyRef;
  /** The env var names the app reads (`database.env`). @default - libpq's, PGSSLMODE and DATABASE_URL */
  readonly env?: DatabaseEnvConfig;
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
  /** The env var names clients read the connection from. */
  public readonly env: DatabaseEnvNames;

  constructor(scope: Construct, id: string, props: ExternalDatabaseProps) {
    super(scope, id);
    const { host, port, name, user, sslMode, cidr, env } = resolveExternalDatabase(props, props.stackName, props.env);
    [this.host, this.port, this.databaseName, this.user, this.sslMode, this.cidr] = [host, port, name, user, sslMode, cidr];
    this.env = env;
    this.password = props.password;
    const problem = cidrProblem(this.cidr);
    throwIfAny(problem ? [{ path: 'database.external.cidr', message: problem, value: this.cidr }] : []);
  }

  /** The connection settings of the app's ConfigMap (libpq's names). */
  public connectionSettings(): Record<string, string> {
    return namedSettings({ PGHOST: this.host, PGPORT: String(this.port), PGDATABASE: this.databaseName, PGUSER: this.user, PGSSLMODE: this.sslMode }, this.env);
  }

  /**
   * The client env after the ConfigMap's (see `postgresClientEnv`). A managed server is reached
   * over a network the stack does not control: the URL says the TLS mode too, for drivers that
   * read DATABASE_URL and ignore PGSSLMODE.
   */
  public clientEnv(): k8s.EnvVar[] {
    // The app reads the password under the name of its secret key already: it is set once.
    return passwordAndUrlEnv(this.env, this.password, { sslMode: true, skipPassword: this.env.password === this.password.key });
  }
}
