import type { ResolvedResources } from './_resources';
import { DEFAULT_WEB_RESOURCES, resolveResources } from './resolve-stack';
import type { RedisConfig, ScheduleConfig, WorkerConfig } from './stack-config';

/**
 * The defaults of the background-work sections (`redis`, `workers`, `schedules`), split
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
  /** The env var names that receive the URL. */
  readonly env: string[];
}

/** `redis.external`. */
export interface ResolvedExternalRedis {
  readonly urlKey: string;
  /** The env var names that receive the URL. */
  readonly env: string[];
}

/** The env var name of the Redis URL unless `redis.env` names others. */
export const DEFAULT_REDIS_URL_ENV = 'REDIS_URL';

/** `redis.env`. */
export function resolveRedisEnv(r: Pick<RedisConfig, 'env'>): string[] {
  return [...(r.env ?? [DEFAULT_REDIS_URL_ENV])];
}

/** The Redis image when `redis.image` is not set. */
export const DEFAULT_REDIS_IMAGE = 'redis:7.4.1';

/** The in-cluster `redis` section (`redis.external` aside). */
export function resolveRedis(r: Omit<RedisConfig, 'external'>): ResolvedRedis {
  const storageClassName = r.storage?.storageClassName;
  return {
    image: r.image ?? DEFAULT_REDIS_IMAGE,
    ...(r.storage ? { storage: { size: r.storage.size ?? '1Gi', ...(storageClassName !== undefined ? { storageClassName } : {}) } } : {}),
    resources: resolveResources(r.resources, DEFAULT_REDIS_RESOURCES),
    env: resolveRedisEnv(r),
  };
}

/** A worker's autoscaling, every default filled in. */
export interface ResolvedWorkerAutoscaling {
  /** @default - by CPU */
  readonly queue?: { readonly name: string; readonly length: number };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** By CPU only. */
  readonly targetCPUUtilization?: number;
}

/** One of `workers`, every default filled in. */
export interface ResolvedWorker {
  readonly command: string[];
  /** The fixed pod count: 1 for a singleton; undefined with autoscaling. */
  readonly replicas?: number;
  /** @default - a fixed `replicas` */
  readonly autoscaling?: ResolvedWorkerAutoscaling;
  readonly resources: ResolvedResources;
  readonly env: Readonly<Record<string, string>>;
  readonly stopGracePeriod: number;
  /** @default - no liveness probe */
  readonly healthCommand?: string[];
  readonly mountMedia: boolean;
  readonly singleton: boolean;
  /** @default - no metrics endpoint */
  readonly metrics?: { readonly path: string; readonly port: number };
}

/** One of `schedules`, every default filled in. */
export interface ResolvedSchedule {
  readonly schedule: string;
  readonly command: string[];
  readonly timeZone: string;
  readonly concurrencyPolicy: 'Forbid' | 'Allow' | 'Replace';
  readonly activeDeadline: number;
}

/** A worker: two pods, the web's default resources, a minute to finish a job. */
export function resolveWorker(w: WorkerConfig): ResolvedWorker {
  const singleton = w.singleton ?? false;
  const a = singleton ? undefined : w.autoscaling;
  const autoscaling: ResolvedWorkerAutoscaling | undefined = a && {
    ...(a.queue ? { queue: { name: a.queue.name, length: a.queue.length } } : {}),
    minReplicas: a.minReplicas ?? 2,
    maxReplicas: a.maxReplicas ?? 10,
    ...(a.queue ? {} : { targetCPUUtilization: a.targetCPUUtilization ?? 70 }),
  };
  return {
    command: [...w.command],
    ...(autoscaling ? { autoscaling } : { replicas: singleton ? 1 : w.replicas ?? 2 }),
    resources: resolveResources(w.resources, DEFAULT_WEB_RESOURCES),
    env: { ...w.env },
    stopGracePeriod: w.stopGracePeriod ?? 60,
    ...(w.healthCommand ? { healthCommand: [...w.healthCommand] } : {}),
    mountMedia: w.mountMedia ?? false,
    singleton,
    ...(w.metrics ? { metrics: { path: w.metrics.path ?? '/metrics', port: w.metrics.port } } : {}),
  };
}

/** The most pods a resolved worker runs at once (rollouts aside). */
export function maxWorkerPods(w: ResolvedWorker): number {
  return w.autoscaling ? w.autoscaling.maxReplicas : w.replicas ?? 1;
}

/** A schedule: in UTC, never two runs at once, an hour at most. */
export function resolveSchedule(s: ScheduleConfig): ResolvedSchedule {
  return {
    schedule: s.schedule.trim(),
    command: [...s.command],
    timeZone: s.timeZone ?? 'Etc/UTC',
    concurrencyPolicy: s.concurrencyPolicy ?? 'Forbid',
    activeDeadline: s.activeDeadline ?? 3600,
  };
}
