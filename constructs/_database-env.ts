import * as k8s from '../imports/k8s';
import { ConfigIssue } from './_errors';
import { ResolvedDatabaseEnv } from './resolve-stack';
import { DatabaseConfig } from './stack-config';
import { SecretKeyRef } from './app-secrets';

/** The env var names the app reads the database connection from, resolved (see `resolveStack`). */
export type DatabaseEnvNames = ResolvedDatabaseEnv;

/** Every name the database section sets. */
export function databaseEnvList(names: DatabaseEnvNames): string[] {
  return (['host', 'port', 'name', 'user', 'password', 'url', 'sslMode'] as const).map((k) => names[k]).filter((n): n is string => n !== undefined);
}

/** Validates `database.env`. */
export function databaseEnvIssues(database: DatabaseConfig, path = 'database.env'): ConfigIssue[] {
  const env = database.env;
  if (!env) return [];
  const issues: ConfigIssue[] = [];
  if (env.url) {
    const missing = (['host', 'port', 'name', 'user'] as const).filter((k) => !env[k]);
    if (missing.length) issues.push({ path: `${path}.url`, message: `is built from the other names, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not named`, value: env.url, allowed: `name ${missing.join(', ')} too, or remove url` });
  }
  if (env.sslMode && !database.external) issues.push({ path: `${path}.sslMode`, message: 'is only set with database.external (the in-cluster Postgres is reached inside the cluster)', value: env.sslMode, allowed: 'remove it' });
  const seen = new Map<string, string>();
  for (const [key, name] of Object.entries(env)) {
    const other = seen.get(name);
    if (other) issues.push({ path: `${path}.${key}`, message: `is the name of ${other} too`, value: name, allowed: 'a name of its own' });
    seen.set(name, key);
  }
  return issues;
}

/**
 * The connection settings under the app's names (for its ConfigMap), from libpq-named ones.
 */
export function namedSettings(settings: Record<string, string>, names: DatabaseEnvNames): Record<string, string> {
  const pairs: Array<[string | undefined, string | undefined]> = [
    [names.host, settings.PGHOST], [names.port, settings.PGPORT], [names.name, settings.PGDATABASE],
    [names.user, settings.PGUSER], [names.sslMode, settings.PGSSLMODE],
  ];
  return Object.fromEntries(pairs.filter((p): p is [string, string] => p[0] !== undefined && p[1] !== undefined));
}

/**
 * The password by `secretKeyRef` only, and the URL built by the kubelet's `$(VAR)` expansion
 * from the variables before it, so the password is never a literal anywhere. `skipPassword`: the
 * app already reads the same Secret key under that name (a managed database's `passwordKey`).
 */
export function passwordAndUrlEnv(names: DatabaseEnvNames, password: SecretKeyRef, options: { sslMode?: boolean; skipPassword?: boolean } = {}): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = options.skipPassword ? [] : [{ name: names.password, valueFrom: { secretKeyRef: password } }];
  if (names.url) {
    // A managed server is reached over a network the stack does not control: the URL says the
    // TLS mode too, for drivers that read the URL and ignore PGSSLMODE.
    const query = options.sslMode && names.sslMode ? `?sslmode=$(${names.sslMode})` : '';
    env.push({ name: names.url, value: `postgresql://$(${names.user}):$(${names.password})@$(${names.host}):$(${names.port})/$(${names.name})${query}` });
  }
  return env;
}
