/**
 * The stack file's background-work sections: `redis` (the broker and cache), and the workers and
 * schedules that use it. Like stack-config.ts, these types are the JSON Schema (see there for
 * what the JSDoc tags mean).
 */

import { Command, DnsLabel, EnvVarName, ImageReference, MemoryQuantity, UnprivilegedPort } from './stack-config-values';
import type { ResourcesConfig } from './stack-config';

/** Redis's volume: an append-only file on a PersistentVolumeClaim. */
export interface RedisStorageConfig {
  /** The volume size; growing it later is an apply when the storage class allows expansion. @default '1Gi' */
  readonly size?: MemoryQuantity;
  /** The storage class. @default - the cluster's default storage class */
  readonly storageClassName?: DnsLabel;
}

/** A managed Redis outside the cluster, instead of the in-cluster one. */
export interface RedisExternalConfig {
  /**
   * The key of `secrets.keys` that holds the Redis URL, password included (`redis://:<password>@host:6379/0`
   * or `rediss://...`); the app, workers and schedules read it under the names of `redis.env`.
   */
  readonly urlKey: EnvVarName;
}

/** Redis: the broker of the workers and a cache. */
export interface RedisConfig {
  /** An official-style Redis image (uid 999, `redis-server` and `redis-cli` on the PATH). @default 'redis:7.4.1' */
  readonly image?: ImageReference;
  /**
   * Keep the data in an append-only file on the claim `<name>-redis-data`.
   * @default - no volume: Redis keeps its data in memory only (a cache or a broker whose queued jobs may be lost on a restart)
   */
  readonly storage?: RedisStorageConfig;
  /**
   * Requests and limits of the Redis container; `maxmemory` is three quarters of the memory limit.
   * @default { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }
   */
  readonly resources?: ResourcesConfig;
  /** Use a managed Redis instead: no Redis is deployed. @default - an in-cluster Redis */
  readonly external?: RedisExternalConfig;
  /**
   * The env var names that receive the Redis URL, in the app's own words: `CELERY_BROKER_URL`
   * (Celery), `PAPERLESS_REDIS` (paperless-ngx)... Each holds the same URL, in-cluster built by the
   * kubelet from `REDIS_PASSWORD` (read by `secretKeyRef`), with `external` read from `urlKey`.
   * @minItems 1
   * @allowed at least one env var name, such as [REDIS_URL, CELERY_BROKER_URL]
   * @default ['REDIS_URL']
   */
  readonly env?: EnvVarName[];
}

/** KEDA scaling by the length of a Redis list (the queue a Celery or RQ worker consumes). */
export interface QueueScalingConfig {
  /**
   * The queue's Redis list, e.g. `celery` (Celery's default queue).
   * @minLength 1
   * @allowed a non-empty Redis key, such as celery
   */
  readonly name: string;
  /**
   * Jobs waiting per worker pod that the autoscaler aims for.
   * @asType integer
   * @minimum 1
   */
  readonly length: number;
}

/** Autoscaling of a worker Deployment: by CPU (a HorizontalPodAutoscaler) or by queue length (KEDA). */
export interface WorkerAutoscalingConfig {
  /**
   * Scale by the queue's length with a KEDA ScaledObject (which needs the in-cluster `redis`)
   * instead of by CPU.
   * @default - by CPU
   */
  readonly queue?: QueueScalingConfig;
  /**
   * The fewest pods: 0 only with `queue` (KEDA starts a worker when jobs arrive); by CPU at least 2.
   * @asType integer
   * @minimum 0
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * The most pods.
   * @asType integer
   * @minimum 1
   * @default 10
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU utilization (percent of the request) the autoscaler aims for; by CPU only.
   * @asType integer
   * @minimum 1
   * @maximum 100
   * @default - 70 by CPU; not used with `queue`
   */
  readonly targetCPUUtilization?: number;
}

/** A worker's own Prometheus endpoint (prometheus_client's `start_http_server`, celery-exporter...). */
export interface WorkerMetricsConfig {
  /**
   * The HTTP path Prometheus scrapes.
   * @pattern ^/[A-Za-z0-9._~/-]*$
   * @allowed an absolute URL path of letters, digits and ._~/-, such as /metrics
   * @default '/metrics'
   */
  readonly path?: string;
  /** The port the worker's process serves its metrics on: with `monitoring`, the container port `metrics`. */
  readonly port: UnprivilegedPort;
}

/** A background worker: a Deployment `<name>-worker-<key>` running the web image with the web's env. */
export interface WorkerConfig {
  /** The worker's command, e.g. `[celery, -A, shop, worker, --loglevel=INFO]`. */
  readonly command: Command;
  /**
   * The pod count without `autoscaling`.
   * @asType integer
   * @minimum 1
   * @default 2
   */
  readonly replicas?: number;
  /** Autoscaling instead of a fixed `replicas`. @default - none: `replicas` pods */
  readonly autoscaling?: WorkerAutoscalingConfig;
  /** Requests and limits of the worker container. @default - the web's defaults */
  readonly resources?: ResourcesConfig;
  /**
   * Plain settings merged over `web.env` (the same rules: nothing secret).
   * @default {}
   */
  readonly env?: { [name: EnvVarName]: string };
  /**
   * Seconds a running job may take to finish after the pod is told to stop (SIGTERM), before it is killed.
   * @asType integer
   * @minimum 1
   * @maximum 86400
   * @default 60
   */
  readonly stopGracePeriod?: number;
  /** A command that fails when the worker is stuck: the liveness probe. @default - no liveness probe */
  readonly healthCommand?: Command;
  /**
   * Mount the media volume at `media.mountPath` (ReadWriteMany when more than one pod can run).
   * @default false
   */
  readonly mountMedia?: boolean;
  /**
   * Exactly one pod (a scheduler such as Celery beat): replicas 1, strategy Recreate, no autoscaler, no disruption budget.
   * @default false
   */
  readonly singleton?: boolean;
  /**
   * Where the worker serves its own metrics: with `monitoring`, a PodMonitor `<name>-worker-<key>`
   * scrapes it, and only Prometheus's namespace may reach the port.
   * @default - the worker exposes no metrics
   */
  readonly metrics?: WorkerMetricsConfig;
}

/** A command on a schedule: a CronJob `<name>-cron-<key>` running the web image with the web's env. */
export interface ScheduleConfig {
  /**
   * When it runs: five cron fields, or a macro.
   * @allowed five fields (minute hour day-of-month month day-of-week) such as "15 3 * * *", or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly
   */
  readonly schedule: string;
  /** The command, e.g. `[python, manage.py, clearsessions]`. */
  readonly command: Command;
  /** The time zone of `schedule`: an IANA name. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** What happens when a run is due while the last one still runs. @default 'Forbid' */
  readonly concurrencyPolicy?: 'Forbid' | 'Allow' | 'Replace';
  /**
   * Seconds a run may take before it is stopped.
   * @asType integer
   * @minimum 1
   * @default 3600
   */
  readonly activeDeadline?: number;
}
