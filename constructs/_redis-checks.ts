import { ConfigIssue } from './_errors';
import { REDIS_PASSWORD_KEY } from './app-secrets';
import { PythonWebStackProps } from './stack-config';

/** Env names the stack sets from the `redis` section. */
export const REDIS_ENV = ['REDIS_URL', REDIS_PASSWORD_KEY];

/** The `redis` section against the rest of the stack: external vs in-cluster, secrets, env. */
export function redisIssues(props: PythonWebStackProps): ConfigIssue[] {
  const redis = props.redis;
  if (!redis) return [];
  const issues: ConfigIssue[] = [];
  const keys = props.secrets?.keys ?? [];
  if (redis.external) {
    const inCluster = (['image', 'storage', 'resources'] as const).filter((k) => redis[k] !== undefined);
    for (const key of inCluster) {
      issues.push({ path: `redis.${key}`, message: 'configures the in-cluster Redis, which redis.external replaces', allowed: 'remove it, or remove redis.external' });
    }
    const urlKey = redis.external.urlKey;
    if (!keys.includes(urlKey)) {
      issues.push({ path: 'redis.external.urlKey', message: 'is not one of secrets.keys, where the URL (with its password) must come from', value: urlKey, allowed: keys.length ? keys.join(', ') : `add ${urlKey} to secrets.keys` });
    }
  } else {
    keys.forEach((key, i) => {
      if (REDIS_ENV.includes(key)) issues.push({ path: `secrets.keys[${i}]`, message: 'is set by the stack for its in-cluster Redis', value: key, allowed: 'remove it, or use redis.external with a urlKey' });
    });
  }
  for (const name of Object.keys(props.web?.env ?? {}).filter((n) => REDIS_ENV.includes(n))) {
    issues.push({ path: `web.env.${name}`, message: 'is set by the stack from the redis section', allowed: 'remove it; for a managed Redis use redis.external.urlKey' });
  }
  return issues;
}
