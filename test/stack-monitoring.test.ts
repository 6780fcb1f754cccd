import { Testing } from 'cdk8s';
import { PythonWebStack } from '../constructs';
import { NGINX_EXPORTER, POSTGRES_EXPORTER, REDIS_EXPORTER } from '../constructs/_exporters';
import { StackMonitoring } from '../constructs/stack-monitoring';
import { StackIdentity } from '../constructs/_identity';
import { container, only, podSpec, stack, synthStack } from './_helpers';

const APP = { image: 'ghcr.io/acme/shop:1.4.2', framework: 'flask' as const };
const STATIC = { copyFrom: '/app/static' };

/** Every port name of a pod's regular containers. */
function portNames(spec: any): string[] {
  return spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name));
}

describe('monitoring', () => {
  test('is off by default: no monitors, no exporters, no exporter password', () => {
    const objects = synthStack(stack({ web: { ...APP, metrics: {} }, static: STATIC, database: {}, secrets: { source: 'generated' } }));
    expect(objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
    expect(podSpec(only(objects, 'Deployment')).containers.map((c: any) => c.name)).toEqual(['app', 'nginx']);
    expect(podSpec(only(objects, 'StatefulSet')).containers.map((c: any) => c.name)).toEqual(['postgres']);
    expect(Object.keys(only(objects, 'Secret').stringData)).toEqual(['POSTGRES_PASSWORD']);
    expect(only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf']).not.toContain('stub_status');
  });

  test('monitors the web pods: the app on its serving port and the nginx exporter, by the Deployment\'s own selector', () => {
    // GIVEN the app's metrics on web.port, behind the nginx sidecar
    const objects = synthStack(stack({ web: { ...APP, metrics: {} }, static: STATIC, monitoring: { labels: { release: 'kps' } } }));
    const deployment = only(objects, 'Deployment');
    const monitor = only(objects, 'PodMonitor', 'shop-web');
    expect(monitor.metadata.labels).toMatchObject({ release: 'kps', 'app.kubernetes.io/component': 'web' });
    expect(monitor.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'app', path: '/metrics' }, { port: 'nginx-metrics', path: '/metrics' }]);
    for (const e of monitor.spec.podMetricsEndpoints) expect(portNames(podSpec(deployment))).toContain(e.port);
    // THEN nginx keeps the app's /metrics from the public, and serves stub_status on loopback only
    const conf = only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf'];
    expect(conf).toContain('location = /metrics {\n      return 404;');
    expect(conf).toContain('listen 127.0.0.1:8081;');
    expect(container(podSpec(deployment), 'nginx-exporter').args).toEqual([
      '--nginx.scrape-uri=http://127.0.0.1:8081/stub_status', '--web.listen-address=:9113', '--web.telemetry-path=/metrics',
    ]);
  });

  test('admits only the Prometheus namespace, and only to the metrics ports', () => {
    const objects = synthStack(stack({ web: { ...APP, metrics: {} }, static: STATIC, database: {}, secrets: { source: 'generated' }, monitoring: { prometheusNamespace: 'observability' } }));
    const web = only(objects, 'NetworkPolicy', 'shop-web-metrics');
    expect(web.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-web' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
        ports: [{ protocol: 'TCP', port: 'app' }, { protocol: 'TCP', port: 'nginx-metrics' }],
      }],
    });
    const db = only(objects, 'NetworkPolicy', 'shop-postgres-metrics');
    expect(db.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'shop-postgres' });
    expect(db.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }], ports: [{ protocol: 'TCP', port: 'pg-metrics' }] }]);
  });

  test('a metrics port of its own becomes a container port, and nginx leaves the path alone', () => {
    const objects = synthStack(stack({ web: { ...APP, metrics: { port: 9000, path: '/prom' } }, static: STATIC, monitoring: {} }));
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    expect(app.ports).toEqual([{ name: 'app', containerPort: 8000, protocol: 'TCP' }, { name: 'metrics', containerPort: 9000, protocol: 'TCP' }]);
    expect(only(objects, 'PodMonitor', 'shop-web').spec.podMetricsEndpoints[0]).toEqual({ port: 'metrics', path: '/prom' });
    expect(only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf']).not.toContain('location = /prom');
    // The Service still targets only nginx.
    expect(only(objects, 'Service', 'shop-web').spec.ports.map((p: any) => p.targetPort)).toEqual(['http']);
  });

  test('without the sidecar, the app alone is monitored on its http port; without web.metrics, no web monitor', () => {
    const alone = synthStack(stack({ web: { ...APP, metrics: {} }, monitoring: {} }));
    expect(only(alone, 'PodMonitor').spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics' }]);
    expect(synthStack(stack({ monitoring: {} })).filter((o) => o.kind === 'PodMonitor')).toEqual([]);
  });

  test('adds postgres_exporter as a restricted sidecar, connecting as a pg_monitor role whose password comes by secretKeyRef', () => {
    const objects = synthStack(stack({ database: { name: 'shopdb' }, secrets: { source: 'generated' }, monitoring: {} }));
    const pod = podSpec(only(objects, 'StatefulSet'));
    const exporter = container(pod, 'postgres-exporter');
    expect(exporter.image).toBe(POSTGRES_EXPORTER.image);
    expect(exporter.env).toEqual([
      { name: 'DATA_SOURCE_URI', value: '127.0.0.1:5432/shopdb?sslmode=disable' },
      { name: 'DATA_SOURCE_USER', value: 'metrics_exporter' },
      { name: 'DATA_SOURCE_PASS', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'POSTGRES_EXPORTER_PASSWORD' } } },
    ]);
    expect(exporter.securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(exporter.resources).toEqual({ requests: { cpu: '10m', memory: '24Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
    expect(exporter.readinessProbe.httpGet.port).toBe('pg-metrics');
    // The role is made by the Postgres container itself, from the same Secret key.
    const postgres = container(pod, 'postgres');
    expect(postgres.env).toContainEqual({ name: 'EXPORTER_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'POSTGRES_EXPORTER_PASSWORD' } } });
    const script = postgres.lifecycle.postStart.exec.command[2];
    expect(script).toContain('GRANT pg_monitor TO metrics_exporter;');
    expect(script).toContain('"$EXPORTER_PASSWORD"');
    expect(script).toContain('WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION');
    expect(Object.keys(only(objects, 'Secret').stringData).sort()).toEqual(['POSTGRES_EXPORTER_PASSWORD', 'POSTGRES_PASSWORD']);
    expect(only(objects, 'PodMonitor', 'shop-postgres').spec).toEqual({
      selector: { matchLabels: only(objects, 'StatefulSet').spec.selector.matchLabels },
      podMetricsEndpoints: [{ port: 'pg-metrics', path: '/metrics' }],
    });
  });

  test('with external secrets, the exporter password is generated in the cluster in a Secret of its own', () => {
    const objects = synthStack(stack({ environment: 'production', database: { backup: false }, secrets: { source: 'external', external: { storeName: 's', remoteKey: 'k' } }, monitoring: {} }));
    expect(only(objects, 'Password', 'shop-postgres-exporter-password').spec.secretKeys).toEqual(['POSTGRES_EXPORTER_PASSWORD']);
    const es = only(objects, 'ExternalSecret', 'shop-postgres-exporter-password');
    expect(es.spec).toMatchObject({ refreshPolicy: 'CreatedOnce', target: { name: 'shop-postgres-exporter-password', creationPolicy: 'Orphan' } });
    expect(container(podSpec(only(objects, 'StatefulSet')), 'postgres-exporter').env[2].valueFrom.secretKeyRef)
      .toEqual({ name: 'shop-postgres-exporter-password', key: 'POSTGRES_EXPORTER_PASSWORD' });
  });

  test('with an existing Secret, the exporter password is one more key it must hold', () => {
    const app = Testing.app();
    const chart = new PythonWebStack(app, 'shop', stack({ environment: 'production', database: { backup: false }, secrets: { source: 'existing' }, monitoring: {} }));
    expect(chart.secrets.requiredKeys()).toEqual({ 'shop-secrets': ['POSTGRES_PASSWORD', 'POSTGRES_EXPORTER_PASSWORD'] });
  });

  test('counts the exporters in the namespace quota', () => {
    const quota = (monitoring: boolean) => only(synthStack(stack({ environment: 'production', static: STATIC, database: { backup: false }, ...(monitoring ? { monitoring: {} } : {}) })), 'ResourceQuota').spec.hard;
    // 10 web pods at most plus 25% surge = 13 exporters, and one beside Postgres: 14 x 10m of CPU
    // requests, plus the quota's 20% headroom (each total rounded up to a millicore).
    const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    expect(Math.abs(milli(quota(true)['requests.cpu']) - milli(quota(false)['requests.cpu']) - 14 * 10 * 1.2)).toBeLessThanOrEqual(1);
  });

  test('fails if web.metrics.port is the nginx port or the nginx exporter port', () => {
    expect(() => synthStack(stack({ web: { ...APP, metrics: { port: 8080 } }, static: STATIC }))).toThrow(/web\.metrics\.port: collides with static\.port \(8080\)/);
    expect(() => synthStack(stack({ web: { ...APP, metrics: { port: NGINX_EXPORTER.port.port } }, static: STATIC, monitoring: {} })))
      .toThrow(/web\.metrics\.port: is the port of the nginx exporter/);
  });

  test('fails if database.user is the exporter role', () => {
    expect(() => synthStack(stack({ database: { user: 'metrics_exporter' }, secrets: { source: 'generated' }, monitoring: {} })))
      .toThrow(/database\.user: is the role the Postgres exporter connects as/);
  });

  test('fails if monitoring.labels are not valid labels', () => {
    expect(() => synthStack(stack({ monitoring: { labels: { 'bad key!': 'x', release: 'not valid!' } } })))
      .toThrow(/monitoring\.labels\["bad key!"\]: is not a valid label key[\s\S]*monitoring\.labels\["release"\]: is not a valid label value/);
  });

  test('fails if secrets.keys lists the exporter password', () => {
    expect(() => synthStack(stack({ database: {}, secrets: { source: 'generated', keys: ['POSTGRES_EXPORTER_PASSWORD'] }, monitoring: {} })))
      .toThrow(/secrets\.keys\[0\]: is the database exporter's password/);
  });

  test('snapshot: the monitoring objects of a stack', () => {
    const chart = Testing.chart();
    const stackIdentity = new StackIdentity({ name: 'shop' });
    new StackMonitoring(chart, 'Monitoring', {
      stack: stackIdentity,
      prometheusNamespace: 'monitoring',
      labels: { release: 'kube-prometheus-stack' },
      targets: [{ name: 'web', component: 'web', instance: 'shop-web', selector: stackIdentity.selectorLabels('shop-web'), policySelector: stackIdentity.policySelector('shop-web'), endpoints: [{ port: 'http', path: '/metrics' }] }],
      watched: { namespace: 'shop', deployment: 'shop-web' },
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });
});

describe('monitoring of the in-cluster Redis', () => {
  const CELERY = ['celery', '-A', 'shop', 'worker'];
  const redisStack = (extra: Record<string, unknown> = {}) => stack({ redis: {}, secrets: { source: 'generated' }, monitoring: { labels: { release: 'kps' } }, ...extra });

  test('adds redis_exporter as a restricted sidecar that reads Redis on loopback with the Secret\'s password, never in its arguments', () => {
    const objects = synthStack(redisStack({ workers: { jobs: { command: CELERY } } }));
    const sts = only(objects, 'StatefulSet', 'shop-redis');
    const redis = container(podSpec(sts), 'redis');
    const exporter = container(podSpec(sts), 'redis-exporter');
    expect(exporter.image).toBe(REDIS_EXPORTER.image);
    expect(exporter.args).toEqual(['--redis.addr=redis://127.0.0.1:6379', '--check-single-keys=db0=celery', '--web.listen-address=:9121', '--web.telemetry-path=/metrics']);
    // The very key Redis itself requires.
    expect(exporter.env).toEqual([{ name: 'REDIS_PASSWORD', valueFrom: redis.env.find((e: any) => e.name === 'REDISCLI_AUTH').valueFrom }]);
    expect(exporter.env[0].valueFrom.secretKeyRef).toEqual({ name: 'shop-secrets', key: 'REDIS_PASSWORD' });
    expect(exporter.securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(exporter.resources).toEqual({ requests: { cpu: '10m', memory: '24Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
    expect(only(objects, 'PodMonitor', 'shop-redis')).toMatchObject({
      metadata: { labels: { release: 'kps', 'app.kubernetes.io/component': 'redis' } },
      spec: { selector: { matchLabels: sts.spec.selector.matchLabels }, podMetricsEndpoints: [{ port: 'redis-metrics', path: '/metrics' }] },
    });
    expect(only(objects, 'NetworkPolicy', 'shop-redis-metrics').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-redis' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 'redis-metrics' }] }],
    });
    expect(only(objects, 'PrometheusRule').spec.groups[0].rules.map((r: any) => r.alert)).toContain('RedisMemoryNearLimit');
    const panels = JSON.parse(only(objects, 'ConfigMap', 'shop-dashboard').data['shop.json']).panels;
    expect(panels.find((p: any) => p.title === 'Queue length (jobs waiting)').targets.map((t: any) => t.expr))
      .toEqual(['max by (key) (redis_key_size{namespace="shop", db="db0", key=~"celery"})']);
    expect(panels.map((p: any) => p.title)).toContain('Redis memory');
  });

  test('watches the queues the workers scale by, each once, or none without workers', () => {
    const queue = (name: string) => ({ command: CELERY, autoscaling: { queue: { name, length: 10 }, minReplicas: 0 } });
    const exporterArgs = (extra: Record<string, unknown>) => container(podSpec(only(synthStack(redisStack(extra)), 'StatefulSet', 'shop-redis')), 'redis-exporter').args;
    expect(exporterArgs({ workers: { a: queue('mail'), b: queue('reports'), c: queue('mail') } })).toContain('--check-single-keys=db0=mail,db0=reports');
    expect(exporterArgs({}).filter((a: string) => a.startsWith('--check-single-keys'))).toEqual([]);
    const board = JSON.parse(only(synthStack(redisStack({ workers: { a: queue('mail.high') } })), 'ConfigMap', 'shop-dashboard').data['shop.json']);
    // A regex matcher of the literal name: the dot escaped for RE2, the backslash for the PromQL string.
    expect(board.panels.find((p: any) => p.title === 'Queue length (jobs waiting)').targets[0].expr).toContain('key=~"mail\\\\.high"');
  });

  test('counts the exporter in the namespace quota', () => {
    const cpu = (monitoring: boolean) => only(synthStack(stack({ environment: 'staging', redis: {}, ...(monitoring ? { monitoring: {} } : {}) })), 'ResourceQuota').spec.hard['requests.cpu'];
    const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    expect(Math.abs(milli(cpu(true)) - milli(cpu(false)) - 10 * 1.2)).toBeLessThanOrEqual(1);
  });

  test('without monitoring, or with an external Redis, there is no exporter and no Redis alert', () => {
    const off = synthStack(stack({ redis: {}, secrets: { source: 'generated' } }));
    expect(podSpec(only(off, 'StatefulSet', 'shop-redis')).containers.map((c: any) => c.name)).toEqual(['redis']);
    const external = synthStack(stack({ redis: { external: { urlKey: 'REDIS_URL' } }, secrets: { source: 'generated', keys: ['REDIS_URL'] }, monitoring: {} }));
    expect(external.filter((o) => o.kind === 'PodMonitor' && o.metadata.name === 'shop-redis')).toEqual([]);
    expect(only(external, 'PrometheusRule').spec.groups[0].rules.map((r: any) => r.alert)).not.toContain('RedisMemoryNearLimit');
  });

  test('fails if a watched queue name holds a comma, = or a space', () => {
    const workers = { jobs: { command: CELERY, autoscaling: { queue: { name: 'a,b', length: 5 }, minReplicas: 0 } } };
    expect(() => synthStack(redisStack({ workers }))).toThrow(/workers\.jobs\.autoscaling\.queue\.name: cannot be watched by the Redis exporter of monitoring/);
  });
});

describe('monitoring with database.engine cloudnative-pg', () => {
  const cnpgStack = (monitoring?: object) => synthStack(stack({
    environment: 'production', database: { engine: 'cloudnative-pg', backup: false, pooler: {} }, secrets: { source: 'existing' }, ...(monitoring ? { monitoring } : {}),
  }));

  test('its PodMonitors carry monitoring.labels, so the Prometheus that selects by them scrapes the database', () => {
    const objects = cnpgStack({ labels: { release: 'kps' } });
    for (const name of ['shop-postgres', 'shop-postgres-pooler']) expect(only(objects, 'PodMonitor', name).metadata.labels.release).toBe('kps');
    // No postgres_exporter sidecar: the instance manager exports the metrics.
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
  });

  test('the Postgres alerts and panels read CloudNativePG\'s metrics', () => {
    const objects = cnpgStack({});
    const rules = Object.fromEntries(only(objects, 'PrometheusRule').spec.groups[0].rules.map((r: any) => [r.alert, r.expr]));
    expect(rules.PostgresDown).toBe('cnpg_collector_up{namespace="shop"} == 0');
    expect(rules.PostgresTooManyConnections).toBe('sum by (namespace, pod) (cnpg_backends_total{namespace="shop"}) > 0.8 * max by (namespace, pod) (cnpg_pg_settings_setting{namespace="shop", name="max_connections"})');
    expect(rules.PersistentVolumeAlmostFull).toBeDefined(); // the instances' claims
    const panels = JSON.parse(only(objects, 'ConfigMap', 'shop-dashboard').data['shop.json']).panels;
    expect(panels.find((p: any) => p.title === 'Database size').targets[0].expr).toBe('max by (datname) (cnpg_pg_database_size_bytes{namespace="shop", datname="shop"})');
  });

  test('without monitoring, the PodMonitors are there with the stack\'s labels only', () => {
    expect(only(cnpgStack(), 'PodMonitor', 'shop-postgres').metadata.labels.release).toBeUndefined();
  });
});

describe('monitoring of the workers', () => {
  const worker = { command: ['celery', '-A', 'shop', 'worker'], metrics: { port: 9100 } };

  test('a worker with metrics gets the container port metrics, a PodMonitor and a NetworkPolicy for Prometheus only', () => {
    const objects = synthStack(stack({ workers: { jobs: worker, beat: { command: ['celery', 'beat'], singleton: true } }, monitoring: { labels: { release: 'kps' } } }));
    const deployment = only(objects, 'Deployment', 'shop-worker-jobs');
    expect(container(podSpec(deployment), 'worker').ports).toEqual([{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
    expect(only(objects, 'PodMonitor', 'shop-worker-jobs')).toMatchObject({
      metadata: { labels: { release: 'kps', 'app.kubernetes.io/component': 'worker' } },
      spec: { selector: { matchLabels: deployment.spec.selector.matchLabels }, podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }] },
    });
    expect(only(objects, 'NetworkPolicy', 'shop-worker-jobs-metrics').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-worker-jobs' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }] }],
    });
    // A worker without metrics has no monitor, but its Deployment is watched like every other.
    expect(objects.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name)).toEqual(['shop-worker-jobs']);
    const alert = only(objects, 'PrometheusRule').spec.groups[0].rules.find((r: any) => r.alert === 'DeploymentReplicasUnavailable');
    expect(alert.expr).toBe('kube_deployment_status_replicas_unavailable{namespace="shop", deployment=~"shop-web|shop-worker-beat|shop-worker-jobs"} > 0');
    const panels = JSON.parse(only(objects, 'ConfigMap', 'shop-dashboard').data['shop.json']).panels;
    expect(panels.find((p: any) => p.title === 'Worker pods').targets[0].expr)
      .toBe('sum by (deployment) (kube_deployment_status_replicas_available{namespace="shop", deployment=~"shop-worker-beat|shop-worker-jobs"})');
  });

  test('without monitoring, metrics opens no port and emits no monitor', () => {
    const objects = synthStack(stack({ workers: { jobs: worker } }));
    expect(container(podSpec(only(objects, 'Deployment', 'shop-worker-jobs')), 'worker').ports).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'PodMonitor')).toEqual([]);
  });

  test('fails if a worker\'s metrics has no port, or a privileged one', () => {
    expect(() => synthStack(stack({ workers: { jobs: { ...worker, metrics: { path: '/metrics' } as never } }, monitoring: {} }))).toThrow(/workers\.jobs\.metrics.*port/);
    expect(() => synthStack(stack({ workers: { jobs: { ...worker, metrics: { port: 80 } } }, monitoring: {} }))).toThrow(/workers\.jobs\.metrics\.port/);
  });
});

describe('logs.format json', () => {
  test('points gunicorn at the JSON logger config, mounted from its ConfigMap, and rolls the pods when it changes', () => {
    const objects = synthStack(stack({ static: STATIC, logs: { format: 'json' } }));
    expect(only(objects, 'ConfigMap', 'shop-web-env').data.GUNICORN_CMD_ARGS).toBe('--config /etc/pyweb/gunicorn/gunicorn.conf.py');
    expect(only(objects, 'ConfigMap', 'shop-gunicorn').data['gunicorn.conf.py']).toContain('logger_class = JsonAccessLogger');
    const pod = podSpec(only(objects, 'Deployment'));
    expect(pod.volumes).toContainEqual({ name: 'gunicorn-config', configMap: { name: 'shop-gunicorn' } });
    expect(container(pod, 'app').volumeMounts).toContainEqual({ name: 'gunicorn-config', mountPath: '/etc/pyweb/gunicorn', readOnly: true });
    expect(only(objects, 'Deployment').spec.template.metadata.annotations['checksum/gunicorn']).toMatch(/^[0-9a-f]{64}$/);
    const conf = only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf'];
    expect(conf).toContain('access_log /dev/stdout json;');
    expect(conf).toContain('proxy_set_header X-Request-ID $req_id;');
  });

  test('text (the default) leaves gunicorn and nginx as they are', () => {
    const objects = synthStack(stack({ static: STATIC }));
    expect(only(objects, 'ConfigMap', 'shop-web-env').data.GUNICORN_CMD_ARGS).toBeUndefined();
    expect(objects.filter((o) => o.metadata.name === 'shop-gunicorn')).toEqual([]);
    expect(only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf']).not.toContain('X-Request-ID');
  });

  test('fails if web.env sets GUNICORN_CMD_ARGS', () => {
    expect(() => synthStack(stack({ web: { ...APP, env: { GUNICORN_CMD_ARGS: '--workers 3' } }, logs: { format: 'json' } })))
      .toThrow(/web\.env\.GUNICORN_CMD_ARGS: is set by the stack for logs\.format json/);
  });

  test('with an app server that cannot write JSON, nginx\'s lines are JSON and a warning says the app\'s stay text', () => {
    const app = Testing.app();
    const chart = new PythonWebStack(app, 'shop', stack({ web: { ...APP, framework: 'fastapi', server: 'uvicorn' }, static: STATIC, logs: { format: 'json' } }));
    const objects = Testing.synth(chart);
    expect(objects.filter((o) => o.metadata.name === 'shop-gunicorn')).toEqual([]);
    expect(only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf']).toContain('access_log /dev/stdout json;');
    expect(chart.warnings).toEqual(['logs.format json: nginx writes JSON access lines, the app server (uvicorn) its own text lines; only gunicorn with its own workers writes JSON']);
    // gunicorn with its own workers: no warning.
    expect(new PythonWebStack(Testing.app(), 'shop', stack({ static: STATIC, logs: { format: 'json' } })).warnings).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['uvicorn', { framework: 'fastapi', server: 'uvicorn' }, 'uvicorn'],
    ['granian', { framework: 'flask', server: 'granian' }, 'granian'],
    ['uwsgi', { framework: 'flask', server: 'uwsgi' }, 'uwsgi'],
    ["gunicorn's UvicornWorker (fastapi)", { framework: 'fastapi' }, "gunicorn's UvicornWorker"],
  ])('fails if logs.format is json with %s and no nginx sidecar: nothing would write JSON', (_name, web, server) => {
    expect(() => synthStack(stack({ web: { ...APP, ...web } as never, logs: { format: 'json' } })))
      .toThrow(new RegExp(`logs\\.format: json would change nothing: the app server \\(${server.replace(/[()]/g, '\\$&')}\\) writes its own text access lines`));
  });

  test('fails if logs.format is neither json nor text', () => {
    expect(() => synthStack(stack({ logs: { format: 'xml' as any } }))).toThrow(/logs\.format: is not one of the allowed values[\s\S]*json \| text/);
  });
});
