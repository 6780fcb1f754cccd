import { ConfigIssue } from './_errors';
import { databaseEnvList } from './_database-env';
import { REDIS_PASSWORD_KEY } from './app-secrets';
import { STACK_ENV } from './python-web-service';
import { ResolvedStack } from './resolve-stack';
import { PythonWebStackProps } from './stack-config';

/**
 * The env names the stack sets from the `redis` section: the names of `redis.env` (the URL) and,
 * for the in-cluster Redis, `REDIS_PASSWORD`. With `external`, a name that is the `urlKey` itself
 * is the app's secret key, not the stack's.
 */
export function redisEnvNames(m: ResolvedStack): string[] {
  if (m.redis) return [...m.redis.env, REDIS_PASSWORD_KEY];
  const external = m.externalRedis;
  return external ? external.env.filter((name) => name !== external.urlKey) : [];
}

/** The `redis` section against the rest of the stack: external vs in-cluster, secrets, env. */
export function redisIssues(props: PythonWebStackProps, m: ResolvedStack): ConfigIssue[] {
  const redis = props.redis;
  if (!redis) return [];
  const issues: ConfigIssue[] = [];
  const keys = props.secrets?.keys ?? [];
  const stackNames = redisEnvNames(m);
  if (redis.external) {
    const inCluster = (['image', 'storage', 'resources'] as const).filter((k) => redis[k] !== undefined);
    for (const key of inCluster) {
      issues.push({ path: `redis.${key}`, message: 'configures the in-cluster Redis, which redis.external replaces', allowed: 'remove it, or remove redis.external' });
    }
    const urlKey = redis.external.urlKey;
    if (!keys.includes(urlKey)) {
      issues.push({ path: 'redis.external.urlKey', message: 'is not one of secrets.keys, where the URL (with its password) must come from', value: urlKey, allowed: keys.length ? keys.join(', ') : `add ${urlKey} to secrets.keys` });
    }
    keys.forEach((key, i) => {
      if (stackNames.includes(key)) issues.push({ path: `secrets.keys[${i}]`, message: `is one of redis.env, which the stack sets to the URL of ${urlKey}: the app would get it twice`, value: key, allowed: `remove it, or make it the urlKey` });
    });
  } else {
    keys.forEach((key, i) => {
      if (stackNames.includes(key)) issues.push({ path: `secrets.keys[${i}]`, message: 'is set by the stack for its in-cluster Redis', value: key, allowed: 'remove it, or use redis.external with a urlKey' });
    });
  }
  const databaseNames = (m.database ?? m.externalDatabase)?.env;
  const fromDatabase: readonly string[] = databaseNames ? databaseEnvList(databaseNames) : [];
  (redis.env ?? []).forEach((name, i) => {
    const at = `redis.env[${i}]`;
    if (redis.env!.indexOf(name) !== i) issues.push({ path: at, message: 'is listed twice', value: name, allowed: 'each name once' });
    else if (!redis.external && name === REDIS_PASSWORD_KEY) issues.push({ path: at, message: "is the in-cluster Redis's password, which the URL is built from", value: name, allowed: 'a name for the URL, such as CELERY_BROKER_URL' });
    else if (STACK_ENV.includes(name)) issues.push({ path: at, message: 'is an env var the stack sets itself', value: name, allowed: `any name but ${STACK_ENV.join(', ')}` });
    else if (fromDatabase.includes(name)) issues.push({ path: at, message: 'is an env var the database section sets', value: name, allowed: `any name but ${fromDatabase.join(', ')}` });
  });
  for (const name of Object.keys(props.web?.env ?? {}).filter((n) => stackNames.includes(n))) {
    issues.push({ path: `web.env.${name}`, message: 'is set by the stack from the redis section', allowed: 'remove it; for a managed Redis use redis.external.urlKey' });
  }
  return issues;
}
