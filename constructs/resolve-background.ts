import type { ResolvedResources } from './_resources';
import { resolveResources } from './resolve-stack';
import type { RedisConfig } from './stack-config';

/**
 * The defaults of the background-work sections (`redis`; `workers` and `schedules` next), split
 * from resolve-stack.ts by concept; `resolveStack` calls these and nothing else resolves them.
 */

/** Defaults of the Redis container's resources. */
export const DEFAULT_REDIS_RESOURCES: ResolvedResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

/** The in-cluster `redis` section, every default filled in. */
export interface ResolvedRedis {
  readonly image: string;
  /** @default - no volume: data in memory only */
  readonly storage?: { readonly size: string; readonly storageClassName?: string };
  readonly resources: ResolvedResources;
}

/** `redis.external`. */
export interface ResolvedExternalRedis {
  readonly urlKey: string;
}

/** The in-cluster `redis` section (`redis.external` aside). */
export function resolveRedis(r: Omit<RedisConfig, 'external'>): ResolvedRedis {
  const storageClassName = r.storage?.storageClassName;
  return {
    image: r.image ?? 'redis:7.4.1',
    ...(r.storage ? { storage: { size: r.storage.size ?? '1Gi', ...(storageClassName !== undefined ? { storageClassName } : {}) } } : {}),
    resources: resolveResources(r.resources, DEFAULT_REDIS_RESOURCES),
  };
}
