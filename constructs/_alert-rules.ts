/**
 * The alerts of a stack, from metrics every cluster with kube-prometheus-stack has
 * (kube-state-metrics, the kubelet's volume stats, ingress-nginx) and from the stack's own
 * exporters. Pure: the same stack gives the same rules. Each alert has a summary, a description
 * and a runbook line in the README (section "Runbooks", under the alert's name).
 */

/** What the alerts watch, by the names the stack gave it. */
export interface MonitoredStack {
  /** The namespace every series of the stack carries (`namespace` label). */
  readonly namespace: string;
  /** The web Deployment. */
  readonly deployment: string;
  /** The worker Deployments. @default [] */
  readonly workers?: readonly string[];
  /** The web HorizontalPodAutoscaler. @default - none: fixed replicas */
  readonly autoscaler?: string;
  /** The prefix of the migration Jobs' names (`<name>-migrate-`). @default - no migrations */
  readonly migrationJobPrefix?: string;
  /** The Ingress, whose ingress-nginx request metrics give the 5xx ratio. @default - no Ingress */
  readonly ingress?: string;
  /** Whether the web pods have the nginx exporter. @default false */
  readonly nginxExporter?: boolean;
  /**
   * The in-cluster database: the statefulset's postgres_exporter sidecar, or the exporter that
   * CloudNativePG's instance manager runs in every instance (scraped by its PodMonitor).
   * @default - no database metrics
   */
  readonly postgres?: { readonly database: string; /** @default 'statefulset' */ readonly engine?: 'statefulset' | 'cloudnative-pg' };
  /** Whether the stack has PersistentVolumeClaims. @default false */
  readonly claims?: boolean;
  /** Whether the stack has a Redis with redis_exporter. @default false */
  readonly redis?: boolean;
  /** The job queues (Redis lists) whose length redis_exporter exports. @default [] */
  readonly queues?: readonly string[];
}

/** One alerting rule, as Prometheus (and the PrometheusRule CRD) spell it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** The share of 5xx answers above which the 5xx alert fires. */
export const ERROR_RATIO = 0.05;

/** How full a volume may get before its alert fires. */
export const VOLUME_FULL_RATIO = 0.85;

/** The Postgres series of the stack's engine: postgres_exporter's names, or CloudNativePG's (its default queries). */
export function postgresSeries(s: MonitoredStack): { up: string; connections: string; maxConnections: string; size: string } | undefined {
  if (!s.postgres) return undefined;
  const ns = `namespace="${s.namespace}"`;
  const datname = `datname="${s.postgres.database}"`;
  return s.postgres.engine === 'cloudnative-pg'
    ? {
      up: `cnpg_collector_up{${ns}}`,
      connections: `cnpg_backends_total{${ns}}`,
      maxConnections: `cnpg_pg_settings_setting{${ns}, name="max_connections"}`,
      // Every instance reports the same database: its largest value, once.
      size: `max by (datname) (cnpg_pg_database_size_bytes{${ns}, ${datname}})`,
    }
    : { up: `pg_up{${ns}}`, connections: `pg_stat_activity_count{${ns}}`, maxConnections: `pg_settings_max_connections{${ns}}`, size: `pg_database_size_bytes{${ns}, ${datname}}` };
}

/** The matcher of the stack's Deployments: the web's, and the workers' (DNS labels: no regex characters). */
export function deployments(s: MonitoredStack): string {
  const names = [s.deployment, ...(s.workers ?? [])];
  return names.length === 1 ? `deployment="${names[0]}"` : `deployment=~"${names.join('|')}"`;
}

/** The alerts of a stack, in a fixed order. */
export function alertRules(s: MonitoredStack): AlertRule[] {
  const ns = `namespace="${s.namespace}"`;
  const rules: AlertRule[] = [
    {
      alert: 'PodCrashLooping',
      expr: `max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{${ns}, reason="CrashLoopBackOff"}[5m])) >= 1`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A container keeps crashing',
        description: 'Container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }} has been in CrashLoopBackOff for 15 minutes.',
      },
    },
    {
      alert: 'DeploymentReplicasUnavailable',
      expr: `kube_deployment_status_replicas_unavailable{${ns}, ${deployments(s)}} > 0`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Pods of a Deployment of the stack (web or worker) are unavailable',
        description: '{{ $value }} replicas of Deployment {{ $labels.deployment }} in {{ $labels.namespace }} have been unavailable for 15 minutes.',
      },
    },
    {
      alert: 'MetricsTargetDown',
      expr: `up{${ns}} == 0`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Prometheus cannot scrape a metrics endpoint of the stack',
        description: '{{ $labels.job }} at {{ $labels.instance }} in {{ $labels.namespace }} has not answered Prometheus for 10 minutes.',
      },
    },
    {
      // Jobs a CronJob created; the migration Job has its own alert.
      alert: 'CronJobFailed',
      expr: `max by (namespace, job_name, owner_name) (kube_job_failed{${ns}, condition="true"} * on (namespace, job_name) group_left(owner_name) kube_job_owner{${ns}, owner_kind="CronJob"}) > 0`,
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A scheduled job failed',
        description: 'Job {{ $labels.job_name }} of CronJob {{ $labels.owner_name }} in {{ $labels.namespace }} failed.',
      },
    },
  ];
  if (s.autoscaler) {
    const hpa = `${ns}, horizontalpodautoscaler="${s.autoscaler}"`;
    rules.push({
      alert: 'HorizontalPodAutoscalerMaxedOut',
      expr: `kube_horizontalpodautoscaler_status_current_replicas{${hpa}} >= kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The web autoscaler is pinned at its maximum',
        description: 'HorizontalPodAutoscaler {{ $labels.horizontalpodautoscaler }} in {{ $labels.namespace }} has run at maxReplicas for 15 minutes: the load may need more.',
      },
    });
  }
  if (s.claims) {
    rules.push(
      {
        alert: 'PersistentVolumeAlmostFull',
        expr: `kubelet_volume_stats_used_bytes{${ns}} / kubelet_volume_stats_capacity_bytes{${ns}} > ${VOLUME_FULL_RATIO}`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: `A volume is over ${VOLUME_FULL_RATIO * 100}% full`,
          description: 'PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} full.',
        },
      },
      {
        alert: 'PersistentVolumeFullIn4Days',
        expr: `predict_linear(kubelet_volume_stats_available_bytes{${ns}}[6h], 4 * 24 * 3600) < 0`,
        for: '1h',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'A volume will be full within 4 days',
          description: 'At the rate of the last 6 hours, PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} fills up within 4 days.',
        },
      },
    );
  }
  const pg = postgresSeries(s);
  if (pg) {
    rules.push(
      {
        alert: 'PostgresDown',
        expr: `${pg.up} == 0`,
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Postgres is down',
          description: 'The Postgres exporter of pod {{ $labels.pod }} in {{ $labels.namespace }} has not reached the database for 5 minutes.',
        },
      },
      {
        alert: 'PostgresTooManyConnections',
        expr: `sum by (namespace, pod) (${pg.connections}) > 0.8 * max by (namespace, pod) (${pg.maxConnections})`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Postgres is near max_connections',
          description: 'Postgres in pod {{ $labels.pod }} in {{ $labels.namespace }} has used over 80% of max_connections for 5 minutes.',
        },
      },
    );
  }
  if (s.redis) {
    rules.push({
      alert: 'RedisMemoryNearLimit',
      expr: `redis_memory_used_bytes{${ns}} / redis_memory_max_bytes{${ns}} > 0.9 and redis_memory_max_bytes{${ns}} > 0`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Redis is near its maxmemory',
        description: 'Redis in pod {{ $labels.pod }} in {{ $labels.namespace }} uses over 90% of its maxmemory.',
      },
    });
  }
  if (s.migrationJobPrefix) {
    rules.push({
      alert: 'MigrationJobFailed',
      expr: `kube_job_failed{${ns}, job_name=~"${s.migrationJobPrefix}.*", condition="true"} > 0`,
      labels: { severity: 'critical' },
      annotations: {
        summary: "The release's database migration failed",
        description: "Migration Job {{ $labels.job_name }} in {{ $labels.namespace }} failed: the new release's pods wait for it and do not serve.",
      },
    });
  }
  if (s.ingress) {
    const requests = `nginx_ingress_controller_requests{exported_namespace="${s.namespace}", ingress="${s.ingress}"`;
    rules.push({
      alert: 'Ingress5xxRatioHigh',
      expr: `sum(rate(${requests}, status=~"5.."}[5m])) / sum(rate(${requests}}[5m])) > ${ERROR_RATIO}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `Over ${ERROR_RATIO * 100}% of requests fail with 5xx`,
        description: `{{ $value | humanizePercentage }} of the requests to Ingress ${s.ingress} in ${s.namespace} were answered with a 5xx status over 5 minutes.`,
      },
    });
  }
  return rules;
}
