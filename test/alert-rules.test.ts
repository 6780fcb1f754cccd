import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { MonitoredStack, alertRules } from '../constructs/_alert-rules';
import { dashboardPanels } from '../constructs/_dashboard';
import { findStackFiles, loadStackFiles } from '../lib';
import { ROOT } from './_cli';
import { only, stack, synthStack } from './_helpers';
import { requireProgram } from './_servers';

// Prometheus's own promtool (Debian package `prometheus`) on every PrometheusRule the stack
// writes: the rules load (`check rules`), and the expressions select and compare what they should
// (`test rules`, on series written here).

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-rules-test-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `promtool <args>` in the temp folder; its status and output. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(requireProgram('promtool'), args, { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The rule groups of a synthesized PrometheusRule, as a Prometheus rule file. */
function ruleFile(rule: any, name: string): string {
  const file = path.join(dir, `${name}.rules.yaml`);
  fs.writeFileSync(file, yaml.dump({ groups: rule.spec.groups }));
  return file;
}

const FULL: MonitoredStack = {
  namespace: 'shop', deployment: 'shop-web', workers: ['shop-worker-jobs'], autoscaler: 'shop-web', migrationJobPrefix: 'shop-migrate-', ingress: 'shop-web',
  nginxExporter: true, postgres: { database: 'shop' }, claims: true, redis: true, queues: ['celery'],
};

describe('promtool check rules', () => {
  test('accepts the PrometheusRule of every example target, every alert with a summary and a description', () => {
    const targets = loadStackFiles(findStackFiles(path.join(ROOT, 'examples'))).filter((t) => t.config.monitoring);
    const rules = targets.map((t) => only(synthStack(t.config), 'PrometheusRule'));
    expect(rules.length).toBeGreaterThanOrEqual(4);
    rules.forEach((rule, i) => {
      const alerts = rule.spec.groups.flatMap((g: any) => g.rules);
      for (const a of alerts) expect(Object.keys(a.annotations).sort()).toEqual(['description', 'summary']);
      const r = promtool('check', 'rules', ruleFile(rule, `example-${i}`));
      expect(r.output).toContain(`SUCCESS: ${alerts.length} rules found`);
      expect(r.status).toBe(0);
    });
  });

  test.each<[string, Partial<MonitoredStack>]>([
    ['every part of a stack', {}],
    ['a bare stack (no HPA, migrations, ingress, exporters or claims)', { autoscaler: undefined, migrationJobPrefix: undefined, ingress: undefined, nginxExporter: false, postgres: undefined, claims: false, redis: false }],
  ])('accepts the alerts of %s', (name, change) => {
    const rules = alertRules({ ...FULL, ...change });
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.rules.yaml`);
    fs.writeFileSync(file, yaml.dump({ groups: [{ name: 'x', rules }] }));
    const r = promtool('check', 'rules', file);
    expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  test('fails if a rule is broken: the check is real', () => {
    const file = path.join(dir, 'broken.rules.yaml');
    fs.writeFileSync(file, yaml.dump({ groups: [{ name: 'x', rules: [{ alert: 'Broken', expr: 'sum(rate(x[5m])' }] }] }));
    expect(promtool('check', 'rules', file).status).not.toBe(0);
  });
});

describe('promtool test rules: each alert expression fires on the case it names, and not on a healthy one', () => {
  const rules = alertRules(FULL);
  const exprOf = (alert: string) => rules.find((r) => r.alert === alert)!.expr;

  /** Runs one promtool unit test of an expression: `series` over 1-minute steps, the result at `at`. */
  function evaluates(alert: string, series: Array<[string, string]>, at: string, expected: Array<{ labels: string; value: number }>): void {
    const file = path.join(dir, `${alert}.test.yaml`);
    fs.writeFileSync(file, yaml.dump({
      tests: [{
        interval: '1m',
        input_series: series.map(([s, values]) => ({ series: s, values })),
        promql_expr_test: [{ expr: exprOf(alert), eval_time: at, exp_samples: expected }],
      }],
    }));
    const r = promtool('test', 'rules', file);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  }

  test('DeploymentReplicasUnavailable: the web and worker Deployments of this namespace, no other', () => {
    evaluates('DeploymentReplicasUnavailable', [
      ['kube_deployment_status_replicas_unavailable{namespace="shop", deployment="shop-web"}', '0 0 2 2'],
      ['kube_deployment_status_replicas_unavailable{namespace="shop", deployment="shop-worker-jobs"}', '0 1 1 1'],
      ['kube_deployment_status_replicas_unavailable{namespace="shop", deployment="shop-worker-jobs-old"}', '1 1 1 1'],
      ['kube_deployment_status_replicas_unavailable{namespace="other", deployment="shop-web"}', '1 1 1 1'],
    ], '3m', [
      { labels: 'kube_deployment_status_replicas_unavailable{namespace="shop", deployment="shop-web"}', value: 2 },
      { labels: 'kube_deployment_status_replicas_unavailable{namespace="shop", deployment="shop-worker-jobs"}', value: 1 },
    ]);
  });

  test('HorizontalPodAutoscalerMaxedOut: at maxReplicas, not below', () => {
    evaluates('HorizontalPodAutoscalerMaxedOut', [
      ['kube_horizontalpodautoscaler_status_current_replicas{namespace="shop", horizontalpodautoscaler="shop-web"}', '9 10'],
      ['kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop", horizontalpodautoscaler="shop-web"}', '10 10'],
    ], '1m', [{ labels: 'kube_horizontalpodautoscaler_status_current_replicas{namespace="shop", horizontalpodautoscaler="shop-web"}', value: 10 }]);
  });

  test('PersistentVolumeAlmostFull: over 85%', () => {
    evaluates('PersistentVolumeAlmostFull', [
      ['kubelet_volume_stats_used_bytes{namespace="shop", persistentvolumeclaim="shop-postgres-data"}', '90'],
      ['kubelet_volume_stats_capacity_bytes{namespace="shop", persistentvolumeclaim="shop-postgres-data"}', '100'],
      ['kubelet_volume_stats_used_bytes{namespace="shop", persistentvolumeclaim="shop-media"}', '80'],
      ['kubelet_volume_stats_capacity_bytes{namespace="shop", persistentvolumeclaim="shop-media"}', '100'],
    ], '0m', [{ labels: '{namespace="shop", persistentvolumeclaim="shop-postgres-data"}', value: 0.9 }]);
  });

  test('PersistentVolumeFullIn4Days: a volume losing 1 GiB an hour with 50 GiB left, not one with 200 GiB', () => {
    const gib = 2 ** 30;
    const shrinking = (start: number) => Array.from({ length: 61 }, (_, i) => start - (i * gib) / 60).join(' ');
    evaluates('PersistentVolumeFullIn4Days', [
      ['kubelet_volume_stats_available_bytes{namespace="shop", persistentvolumeclaim="shop-media"}', shrinking(50 * gib)],
      ['kubelet_volume_stats_available_bytes{namespace="shop", persistentvolumeclaim="shop-postgres-data"}', shrinking(200 * gib)],
    ], '60m', [{ labels: '{namespace="shop", persistentvolumeclaim="shop-media"}', value: 49 * gib - 96 * gib }]);
  });

  test('PostgresTooManyConnections: over 80% of max_connections', () => {
    evaluates('PostgresTooManyConnections', [
      ['pg_stat_activity_count{namespace="shop", pod="shop-postgres-0", datname="shop", state="active"}', '50'],
      ['pg_stat_activity_count{namespace="shop", pod="shop-postgres-0", datname="shop", state="idle"}', '35'],
      ['pg_settings_max_connections{namespace="shop", pod="shop-postgres-0"}', '100'],
    ], '0m', [{ labels: '{namespace="shop", pod="shop-postgres-0"}', value: 85 }]);
  });

  test('MigrationJobFailed: a failed migration Job, not a failed CronJob run', () => {
    evaluates('MigrationJobFailed', [
      ['kube_job_failed{namespace="shop", job_name="shop-migrate-1a2b3c4d5e", condition="true"}', '1'],
      ['kube_job_failed{namespace="shop", job_name="shop-cron-report-29000000", condition="true"}', '1'],
    ], '0m', [{ labels: 'kube_job_failed{namespace="shop", job_name="shop-migrate-1a2b3c4d5e", condition="true"}', value: 1 }]);
  });

  test('CronJobFailed: a failed Job that a CronJob owns', () => {
    evaluates('CronJobFailed', [
      ['kube_job_failed{namespace="shop", job_name="shop-cron-report-29000000", condition="true"}', '1'],
      ['kube_job_owner{namespace="shop", job_name="shop-cron-report-29000000", owner_kind="CronJob", owner_name="shop-cron-report"}', '1'],
      ['kube_job_failed{namespace="shop", job_name="shop-migrate-1a2b3c4d5e", condition="true"}', '1'],
      ['kube_job_owner{namespace="shop", job_name="shop-migrate-1a2b3c4d5e", owner_kind="<none>", owner_name="<none>"}', '1'],
    ], '0m', [{ labels: '{namespace="shop", job_name="shop-cron-report-29000000", owner_name="shop-cron-report"}', value: 1 }]);
  });

  test('Ingress5xxRatioHigh: 10% of 5xx over 5 minutes', () => {
    // 100 requests a minute, 10 of them 500s.
    const counter = (perMinute: number) => Array.from({ length: 11 }, (_, i) => i * perMinute).join(' ');
    evaluates('Ingress5xxRatioHigh', [
      ['nginx_ingress_controller_requests{exported_namespace="shop", ingress="shop-web", status="200"}', counter(90)],
      ['nginx_ingress_controller_requests{exported_namespace="shop", ingress="shop-web", status="500"}', counter(10)],
      ['nginx_ingress_controller_requests{exported_namespace="other", ingress="shop-web", status="500"}', counter(1000)],
    ], '10m', [{ labels: '{}', value: 0.1 }]);
  });

  describe('with CloudNativePG, the same alerts read its metrics', () => {
    const cnpgRules = alertRules({ ...FULL, postgres: { database: 'shop', engine: 'cloudnative-pg' } });
    const cnpgEvaluates = (alert: string, series: Array<[string, string]>, expected: Array<{ labels: string; value: number }>) => {
      const file = path.join(dir, `cnpg-${alert}.test.yaml`);
      fs.writeFileSync(file, yaml.dump({
        tests: [{ interval: '1m', input_series: series.map(([x, values]) => ({ series: x, values })), promql_expr_test: [{ expr: cnpgRules.find((r) => r.alert === alert)!.expr, eval_time: '0m', exp_samples: expected }] }],
      }));
      const r = promtool('test', 'rules', file);
      expect(r.output).toContain('SUCCESS');
    };

    test('PostgresDown: an instance whose instance manager cannot reach Postgres', () => {
      cnpgEvaluates('PostgresDown', [
        ['cnpg_collector_up{namespace="shop", pod="shop-postgres-1", cluster="shop-postgres"}', '1'],
        ['cnpg_collector_up{namespace="shop", pod="shop-postgres-2", cluster="shop-postgres"}', '0'],
      ], [{ labels: 'cnpg_collector_up{namespace="shop", pod="shop-postgres-2", cluster="shop-postgres"}', value: 0 }]);
    });

    test('PostgresTooManyConnections: over 80% of max_connections, per instance', () => {
      cnpgEvaluates('PostgresTooManyConnections', [
        ['cnpg_backends_total{namespace="shop", pod="shop-postgres-1", datname="shop", state="active", usename="shop", application_name=""}', '60'],
        ['cnpg_backends_total{namespace="shop", pod="shop-postgres-1", datname="shop", state="idle", usename="shop", application_name=""}', '25'],
        ['cnpg_pg_settings_setting{namespace="shop", pod="shop-postgres-1", name="max_connections"}', '100'],
        ['cnpg_pg_settings_setting{namespace="shop", pod="shop-postgres-1", name="shared_buffers"}', '16384'],
        ['cnpg_backends_total{namespace="shop", pod="shop-postgres-2", datname="shop", state="idle", usename="shop", application_name=""}', '5'],
        ['cnpg_pg_settings_setting{namespace="shop", pod="shop-postgres-2", name="max_connections"}', '100'],
      ], [{ labels: '{namespace="shop", pod="shop-postgres-1"}', value: 85 }]);
    });

    test('promtool check rules accepts them', () => {
      const file = path.join(dir, 'cnpg.rules.yaml');
      fs.writeFileSync(file, yaml.dump({ groups: [{ name: 'x', rules: cnpgRules }] }));
      expect(promtool('check', 'rules', file).output).toContain(`SUCCESS: ${cnpgRules.length} rules found`);
    });
  });

  test('RedisMemoryNearLimit: over 90% of maxmemory, never without a maxmemory', () => {
    evaluates('RedisMemoryNearLimit', [
      ['redis_memory_used_bytes{namespace="shop", pod="shop-redis-0"}', '95'],
      ['redis_memory_max_bytes{namespace="shop", pod="shop-redis-0"}', '100'],
      ['redis_memory_used_bytes{namespace="shop", pod="shop-redis-1"}', '95'],
      ['redis_memory_max_bytes{namespace="shop", pod="shop-redis-1"}', '0'],
    ], '0m', [{ labels: '{namespace="shop", pod="shop-redis-0"}', value: 0.95 }]);
  });
});

describe('the alerts and the dashboard follow the stack', () => {
  test('each alert watches only what the stack has', () => {
    const names = (s: Partial<MonitoredStack>) => alertRules({ namespace: 'shop', deployment: 'shop-web', ...s }).map((r) => r.alert);
    expect(names({})).toEqual(['PodCrashLooping', 'DeploymentReplicasUnavailable', 'MetricsTargetDown', 'CronJobFailed']);
    expect(names(FULL)).toEqual([
      'PodCrashLooping', 'DeploymentReplicasUnavailable', 'MetricsTargetDown', 'CronJobFailed', 'HorizontalPodAutoscalerMaxedOut',
      'PersistentVolumeAlmostFull', 'PersistentVolumeFullIn4Days', 'PostgresDown', 'PostgresTooManyConnections', 'RedisMemoryNearLimit',
      'MigrationJobFailed', 'Ingress5xxRatioHigh',
    ]);
  });

  test('the README has a runbook line for every alert', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const runbooks = readme.slice(readme.indexOf('### Runbooks'));
    for (const r of alertRules(FULL)) expect(runbooks).toMatch(new RegExp(`^\\| \`${r.alert}\` \\|`, 'm'));
  });

  test('a stack with monitoring gets a PrometheusRule and a dashboard ConfigMap, both selected as configured', () => {
    const objects = synthStack(stack({ database: {}, secrets: { source: 'generated' }, ingress: { host: 'shop.example.com' }, monitoring: { labels: { release: 'kps' } } }));
    const rule = only(objects, 'PrometheusRule', 'shop-alerts');
    expect(rule.metadata.labels.release).toBe('kps');
    expect(rule.spec.groups[0].rules.map((r: any) => r.alert)).toContain('Ingress5xxRatioHigh');
    const board = only(objects, 'ConfigMap', 'shop-dashboard');
    expect(board.metadata.labels.grafana_dashboard).toBe('1');
    const json = JSON.parse(board.data['shop.json']);
    expect(json.title).toBe('shop (shop)');
    expect(json.uid).toMatch(/^pyweb-[0-9a-f]{16}$/);
    expect(json.panels.map((p: any) => p.title)).toContain('Database size');
  });

  test('alerts: false and dashboard: false leave them out', () => {
    const objects = synthStack(stack({ monitoring: { alerts: false, dashboard: false } }));
    expect(objects.filter((o) => o.kind === 'PrometheusRule' || o.metadata.name === 'shop-dashboard')).toEqual([]);
  });

  test('the dashboard has the panels the issue names for a full stack', () => {
    expect(dashboardPanels(FULL).map((p) => p.title)).toEqual([
      'Requests per second (ingress)', 'Request latency (ingress)', '5xx ratio (ingress)', 'nginx requests and connections (web pods)',
      'Pods and restarts', 'CPU of the web pods against requests and limits', 'Memory of the web pods against requests and limits',
      'Worker pods', 'Web replicas (autoscaler)', 'Database connections', 'Database size', 'Redis memory', 'Queue length (jobs waiting)', 'Volume usage',
    ]);
  });
});
