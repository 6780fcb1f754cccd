import * as path from 'path';
import { loadStackFiles } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';
import { ROOT } from './_cli';
import { container, only, podSpec } from './_helpers';

// The four examples shaped like real apps (each cites the public compose file and Dockerfile it
// follows): their wiring as each app expects it. The checker battery (test/checkers.test.ts)
// runs over them too, with no new exception.
const objectsOf = (example: string): any[] => {
  const [file] = renderFiles(loadStackFiles([path.join(ROOT, 'examples', `${example}.yaml`)]));
  return [...file.objects];
};
const web = (objects: any[]) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-web'));
const app = (objects: any[]) => container(podSpec(web(objects)), 'app');
const envNames = (objects: any[]) => app(objects).env.map((e: any) => e.name);
const configMap = (objects: any[], name: string) => only(objects, 'ConfigMap', name).data;
const mountPaths = (objects: any[]) => app(objects).volumeMounts.map((m: any) => m.mountPath);

describe('NetBox (netbox-community/netbox-docker)', () => {
  const objects = objectsOf('netbox');

  test('tini stays the ENTRYPOINT: args only, the image\'s own uid, Unit on 8080', () => {
    const c = app(objects);
    expect(c.command).toBeUndefined();
    expect(c.args).toEqual(['/opt/netbox/docker-entrypoint.sh', '/opt/netbox/launch-netbox.sh']);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    // The image's `unit` user and group (see the example's comment for the source).
    expect(podSpec(only(objects, 'Deployment')).securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
  });

  test('probes on /login/ with Host localhost, five minutes to boot', () => {
    const c = app(objects);
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/login/', httpHeaders: [{ name: 'Host', value: 'localhost' }] });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/login/' }, failureThreshold: 60 });
  });

  test('the database under NetBox\'s DB_* names, the password by secretKeyRef', () => {
    expect(configMap(objects, 'netbox-web-env')).toMatchObject({ DB_HOST: 'netbox-postgres', DB_PORT: '5432', DB_NAME: 'netbox', DB_USER: 'netbox' });
    expect(app(objects).env.find((e: any) => e.name === 'DB_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'netbox-postgres-password', key: 'POSTGRES_PASSWORD' });
    expect(envNames(objects)).not.toContain('DATABASE_URL');
  });

  test('configuration files in /etc/netbox/config (migration too), media, reports, scripts and Unit\'s state', () => {
    expect(Object.keys(configMap(objects, 'netbox-config')).sort()).toEqual(['configuration.py', 'extra.py']);
    expect(mountPaths(objects)).toEqual(expect.arrayContaining(['/etc/netbox/config', '/opt/netbox/netbox/media', '/opt/netbox/netbox/reports', '/opt/netbox/netbox/scripts', '/opt/unit']));
    expect(only(objects, 'Job').spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toContain('/etc/netbox/config');
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name).sort()).toEqual(['netbox-media', 'netbox-postgres-backups', 'netbox-postgres-data', 'netbox-reports', 'netbox-scripts']);
  });

  test('the managed Redis reachable on 6379 in its subnet only', () => {
    expect(only(objects, 'NetworkPolicy', 'netbox-web').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6379 }] });
  });
});

describe('paperless-ngx (paperless-ngx/paperless-ngx)', () => {
  const objects = objectsOf('paperless');

  test('granian serving the ASGI app with WEB_CONCURRENCY workers, as uid 1000', () => {
    expect(app(objects).command).toEqual(['granian', '--interface', 'asgi', '--host', '0.0.0.0', '--port', '$(PORT)', '--workers', '$(WEB_CONCURRENCY)', 'paperless.asgi:application']);
    expect(podSpec(web(objects)).securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
  });

  test('PAPERLESS_DB* names; data, media, consume and export on claims; a 2Gi /tmp', () => {
    expect(configMap(objects, 'paperless-web-env')).toMatchObject({ PAPERLESS_DBHOST: 'paperless-postgres', PAPERLESS_DBPORT: '5432', PAPERLESS_DBNAME: 'paperless', PAPERLESS_DBUSER: 'paperless' });
    expect(envNames(objects)).toContain('PAPERLESS_DBPASS');
    expect(mountPaths(objects)).toEqual(expect.arrayContaining(['/usr/src/paperless/data', '/usr/src/paperless/media', '/usr/src/paperless/consume', '/usr/src/paperless/export']));
    expect(podSpec(web(objects)).volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '2Gi' } });
  });

  test('the compose file\'s broker as the in-cluster Redis, on a claim, its URL read as PAPERLESS_REDIS', () => {
    const env = app(objects).env;
    expect(env).toContainEqual({ name: 'PAPERLESS_REDIS', value: 'redis://:$(REDIS_PASSWORD)@paperless-redis:6379/0' });
    expect(env.map((e: any) => e.name)).not.toContain('REDIS_URL');
    expect(only(objects, 'PersistentVolumeClaim', 'paperless-redis-data').spec.resources.requests.storage).toBe('1Gi');
  });

  test('the s6 services as workers: the Celery task worker, beat and the consumer, each with the folders it uses', () => {
    const worker = (key: string) => container(podSpec(only(objects, 'Deployment', `paperless-worker-${key}`)), 'worker');
    const mounted = (key: string) => worker(key).volumeMounts.map((m: any) => m.mountPath).sort();
    expect(worker('tasks').command).toEqual(['celery', '--app', 'paperless', 'worker', '--loglevel', 'INFO', '--without-mingle', '--without-gossip']);
    expect(worker('scheduler').command).toEqual(['celery', '--app', 'paperless', 'beat', '--loglevel', 'INFO']);
    expect(worker('consumer').command).toEqual(['python3', 'manage.py', 'document_consumer']);
    expect(mounted('tasks')).toEqual(['/tmp', '/usr/src/paperless/consume', '/usr/src/paperless/data', '/usr/src/paperless/media']);
    expect(mounted('scheduler')).toEqual(['/tmp', '/usr/src/paperless/data']);
    expect(mounted('consumer')).toEqual(['/tmp', '/usr/src/paperless/consume', '/usr/src/paperless/data', '/usr/src/paperless/media']);
    // The readiness probe reaches the broker through the app's own name for it.
    expect(worker('tasks').readinessProbe.exec.command[2]).toContain("os.environ['PAPERLESS_REDIS']");
    // Beat and the consumer run exactly once.
    for (const key of ['scheduler', 'consumer']) expect(only(objects, 'Deployment', `paperless-worker-${key}`).spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('the quota has room for half as much again, the upload limit at the ingress', () => {
    const hard = only(objects, 'ResourceQuota').spec.hard;
    expect(hard.persistentvolumeclaims).toBe('11');   // 7 claims (the database's dumps and Redis's data among them) x1.5
    expect(only(objects, 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('200m');
  });
});

describe('healthchecks (healthchecks/healthchecks)', () => {
  const objects = objectsOf('healthchecks');

  test('uWSGI serving hc.wsgi:application, probes on /api/v3/status/', () => {
    expect(app(objects).command).toEqual(['uwsgi', '--http-socket', '0.0.0.0:$(PORT)', '--processes', '$(WEB_CONCURRENCY)', '--master', '--die-on-term', '--need-app', '--enable-threads', '--worker-reload-mercy', '25', '--module', 'hc.wsgi:application']);
    expect(app(objects).readinessProbe.httpGet.path).toBe('/api/v3/status/');
  });

  test('as the image\'s system user hc: uid and gid 999 (useradd --system in docker/Dockerfile)', () => {
    for (const pod of [podSpec(only(objects, 'Deployment')), podSpec(only(objects, 'Job'))]) {
      expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    }
  });

  test('a managed Postgres under the DB_* names with DB_SSLMODE, its subnet only, no Postgres in the cluster', () => {
    expect(configMap(objects, 'healthchecks-web-env')).toMatchObject({ DB_HOST: 'healthchecks.abc.eu-west-1.rds.amazonaws.com', DB_PORT: '5432', DB_NAME: 'hc', DB_USER: 'hc', DB_SSLMODE: 'require' });
    expect(app(objects).env.filter((e: any) => e.name === 'DB_PASSWORD')).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'healthchecks-secrets', key: 'DB_PASSWORD' } } }]);
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    expect(only(objects, 'NetworkPolicy', 'healthchecks-web').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  test('the static files the image collected, served by the sidecar; ingress-nginx takes the same body size', () => {
    expect(container(podSpec(only(objects, 'Deployment')), 'copy-static').command).toEqual(['cp', '-R', '/opt/healthchecks/static-collected/.', expect.any(String)]);
    expect(only(objects, 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('10m');
  });
});

describe('FastAPI full-stack template (fastapi/full-stack-fastapi-template)', () => {
  const objects = objectsOf('fastapi-template');

  test('uvicorn serving app.main:app, probes on the template\'s health check', () => {
    expect(app(objects).command).toEqual(['uvicorn', '--host', '0.0.0.0', '--port', '$(PORT)', '--workers', '$(WEB_CONCURRENCY)', 'app.main:app']);
    expect(app(objects).readinessProbe.httpGet.path).toBe('/api/v1/utils/health-check/');
  });

  test('DATABASE_URL as the template reads it; settings from an existing ConfigMap; IRSA on the ServiceAccount', () => {
    expect(app(objects).env.find((e: any) => e.name === 'DATABASE_URL').value).toBe('postgresql://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)');
    expect(app(objects).envFrom).toEqual([{ configMapRef: { name: 'fastapi-app-settings' } }]);
    expect(only(objects, 'ServiceAccount', 'fastapi-app-web').metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/fastapi-app');
    expect(only(objects, 'Ingress').spec.rules.map((r: any) => r.host)).toEqual(['api.example.com', 'api.example.org']);
  });
});
