import { createHash } from 'crypto';
import { MonitoredStack, postgresSeries } from './_alert-rules';

/**
 * A Grafana dashboard of one stack: traffic, errors, pods, resources against requests and limits,
 * autoscaling, the database and the volumes. Plain PromQL with the namespace written in, so every
 * query also runs as it is against Prometheus's API (the test suite does that); the data source is
 * a dashboard variable, as Grafana's import expects.
 */

/** One panel: a title, its queries, and the unit of its values. */
export interface DashboardPanel {
  readonly title: string;
  readonly unit: string;
  readonly queries: ReadonlyArray<{ readonly expr: string; readonly legend: string }>;
}

/** The panels of a stack's dashboard, in order (two per row). */
export function dashboardPanels(s: MonitoredStack): DashboardPanel[] {
  const ns = `namespace="${s.namespace}"`;
  const web = `${ns}, pod=~"${s.deployment}-.*"`;
  const panels: DashboardPanel[] = [];
  if (s.ingress) {
    const requests = `exported_namespace="${s.namespace}", ingress="${s.ingress}"`;
    panels.push(
      { title: 'Requests per second (ingress)', unit: 'reqps', queries: [{ expr: `sum by (status) (rate(nginx_ingress_controller_requests{${requests}}[5m]))`, legend: '{{status}}' }] },
      {
        title: 'Request latency (ingress)',
        unit: 's',
        queries: [0.5, 0.95, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{${requests}}[5m])))`, legend: `p${q * 100}` })),
      },
      { title: '5xx ratio (ingress)', unit: 'percentunit', queries: [{ expr: `sum(rate(nginx_ingress_controller_requests{${requests}, status=~"5.."}[5m])) / sum(rate(nginx_ingress_controller_requests{${requests}}[5m]))`, legend: '5xx' }] },
    );
  }
  if (s.nginxExporter) {
    panels.push({
      title: 'nginx requests and connections (web pods)',
      unit: 'short',
      queries: [
        { expr: `sum(rate(nginx_http_requests_total{${ns}}[5m]))`, legend: 'requests/s' },
        { expr: `sum(nginx_connections_active{${ns}})`, legend: 'active connections' },
      ],
    });
  }
  panels.push(
    {
      title: 'Pods and restarts',
      unit: 'short',
      queries: [
        { expr: `count(kube_pod_status_phase{${ns}, phase="Running"} == 1)`, legend: 'running pods' },
        { expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${ns}}[1h]))`, legend: 'restarts/h {{pod}}' },
      ],
    },
    {
      title: 'CPU of the web pods against requests and limits',
      unit: 'cores',
      queries: [
        { expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${web}, container!=""}[5m]))`, legend: 'used {{pod}}' },
        { expr: `sum by (pod) (kube_pod_container_resource_requests{${web}, resource="cpu"})`, legend: 'requested {{pod}}' },
        { expr: `sum by (pod) (kube_pod_container_resource_limits{${web}, resource="cpu"})`, legend: 'limit {{pod}}' },
      ],
    },
    {
      title: 'Memory of the web pods against requests and limits',
      unit: 'bytes',
      queries: [
        { expr: `sum by (pod) (container_memory_working_set_bytes{${web}, container!=""})`, legend: 'used {{pod}}' },
        { expr: `sum by (pod) (kube_pod_container_resource_requests{${web}, resource="memory"})`, legend: 'requested {{pod}}' },
        { expr: `sum by (pod) (kube_pod_container_resource_limits{${web}, resource="memory"})`, legend: 'limit {{pod}}' },
      ],
    },
  );
  if (s.workers?.length) {
    const workers = `${ns}, deployment=~"${s.workers.join('|')}"`;
    panels.push({
      title: 'Worker pods',
      unit: 'short',
      queries: [
        { expr: `sum by (deployment) (kube_deployment_status_replicas_available{${workers}})`, legend: 'available {{deployment}}' },
        { expr: `sum by (deployment) (kube_deployment_spec_replicas{${workers}})`, legend: 'desired {{deployment}}' },
      ],
    });
  }
  if (s.autoscaler) {
    const hpa = `${ns}, horizontalpodautoscaler="${s.autoscaler}"`;
    panels.push({
      title: 'Web replicas (autoscaler)',
      unit: 'short',
      queries: [
        { expr: `kube_horizontalpodautoscaler_status_current_replicas{${hpa}}`, legend: 'current' },
        { expr: `kube_horizontalpodautoscaler_status_desired_replicas{${hpa}}`, legend: 'desired' },
        { expr: `kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`, legend: 'max' },
      ],
    });
  }
  const pg = postgresSeries(s);
  if (pg) {
    panels.push(
      {
        title: 'Database connections',
        unit: 'short',
        queries: [
          { expr: `sum(${pg.connections})`, legend: 'connections' },
          { expr: `max(${pg.maxConnections})`, legend: 'max_connections' },
        ],
      },
      { title: 'Database size', unit: 'bytes', queries: [{ expr: pg.size, legend: '{{datname}}' }] },
    );
  }
  if (s.redis) {
    panels.push({
      title: 'Redis memory',
      unit: 'bytes',
      queries: [
        { expr: `sum(redis_memory_used_bytes{${ns}})`, legend: 'used' },
        { expr: `max(redis_memory_max_bytes{${ns}})`, legend: 'maxmemory' },
      ],
    });
    if (s.queues?.length) {
      // redis_exporter reports an empty queue (no key at all in Redis) as 0.
      const keys = s.queues.map(escapeRegex).join('|');
      panels.push({
        title: 'Queue length (jobs waiting)',
        unit: 'short',
        queries: [{ expr: `max by (key) (redis_key_size{${ns}, db="db0", key=~"${keys}"})`, legend: '{{key}}' }],
      });
    }
  }
  if (s.claims) {
    panels.push({
      title: 'Volume usage',
      unit: 'percentunit',
      queries: [{ expr: `kubelet_volume_stats_used_bytes{${ns}} / kubelet_volume_stats_capacity_bytes{${ns}}`, legend: '{{persistentvolumeclaim}}' }],
    });
  }
  return panels;
}

/** A literal for a PromQL regex matcher inside double quotes: escaped for RE2, then for the string. */
function escapeRegex(text: string): string {
  const regex = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return regex.replace(/[\\"]/g, '\\$&');
}

/** The dashboard JSON Grafana imports (its sidecar reads it from the ConfigMap). */
export function renderDashboard(title: string, s: MonitoredStack): string {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  const panels = dashboardPanels(s).map((p, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: p.title,
    datasource,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets: p.queries.map((q, j) => ({ datasource, expr: q.expr, legendFormat: q.legend, refId: String.fromCharCode(65 + j) })),
  }));
  const dashboard = {
    // Stable and unique per namespace and title, within Grafana's 40 characters.
    uid: `pyweb-${createHash('sha256').update(`${s.namespace}/${title}`).digest('hex').slice(0, 16)}`,
    title,
    tags: ['pyweb-cdk8s'],
    timezone: 'browser',
    schemaVersion: 39,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }] },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
