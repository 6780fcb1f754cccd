import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';
import { ROOT } from './_cli';
import { container, only, podSpec, stack, synthStack } from './_helpers';
import { runNginxTest } from './_servers';

const django = (extra: any = {}) => synthStack(stack({ web: { image: 'a/b:1', framework: 'django', migrations: false }, static: {}, ...extra }));

describe('StaticFilesSidecar', () => {
  test('nginx sidecar on 8080, port named http, configured by a ConfigMap holding a complete nginx.conf', () => {
    const objects = django();
    const spec = podSpec(only(objects, 'Deployment'));
    const nginx = container(spec, 'nginx');
    expect(nginx.image).toBe('nginxinc/nginx-unprivileged:1.27.3-alpine');
    expect(nginx.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    const cm = only(objects, 'ConfigMap', 'shop-nginx');
    expect(cm.data['nginx.conf']).toMatch(/^events \{/m);
    expect(nginx.volumeMounts).toContainEqual({ name: 'nginx-config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true });
    expect(spec.volumes).toContainEqual({ name: 'nginx-config', configMap: { name: 'shop-nginx' } });
  });

  test('the web Service targets nginx, and the app port is renamed so pod port names stay unique', () => {
    const objects = django();
    expect(only(objects, 'Service', 'shop-web').spec.ports[0].targetPort).toBe('http');
    const spec = podSpec(only(objects, 'Deployment'));
    expect(container(spec, 'app').ports[0].name).toBe('app');
    expect(container(spec, 'app').readinessProbe.httpGet.port).toBe('app');
    const names = spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.name));
    expect(new Set(names).size).toBe(names.length);
    expect(only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf']).toContain('proxy_pass http://127.0.0.1:8000;');
  });

  test('django collects static files in an init container from the app image, with the app env, into the shared emptyDir', () => {
    const spec = podSpec(only(django(), 'Deployment'));
    const collect = container(spec, 'collect-static');
    const app = container(spec, 'app');
    expect(collect.command).toEqual(['python', 'manage.py', 'collectstatic', '--noinput']);
    expect(collect.image).toBe(app.image);
    expect(collect.env).toEqual(app.env);
    expect(collect.volumeMounts).toContainEqual({ name: 'static', mountPath: '/app/staticfiles' });
    expect(container(spec, 'nginx').volumeMounts).toContainEqual({ name: 'static', mountPath: '/var/www/static', readOnly: true });
    // ManifestStaticFilesStorage reads staticfiles.json at run time.
    expect(app.volumeMounts).toContainEqual({ name: 'static', mountPath: '/app/staticfiles', readOnly: true });
    expect(spec.volumes).toContainEqual(expect.objectContaining({ name: 'static', emptyDir: expect.any(Object) }));
  });

  test('copyFrom copies a folder of the app image into the emptyDir', () => {
    const spec = podSpec(only(synthStack(stack({ static: { copyFrom: '/app/static/' } })), 'Deployment'));
    const copy = container(spec, 'copy-static');
    expect(copy.command).toEqual(['cp', '-R', '/app/static/.', '/static-out']);
    expect(copy.volumeMounts).toContainEqual({ name: 'static', mountPath: '/static-out' });
  });

  test('nginx has probes, resources and the restricted security context, and writes only to its /tmp', () => {
    const nginx = container(podSpec(only(django(), 'Deployment')), 'nginx');
    expect(nginx.readinessProbe.httpGet).toMatchObject({ path: '/nginx-health', port: 'http' });
    expect(nginx.livenessProbe).not.toEqual(nginx.readinessProbe);
    expect(nginx.resources).toEqual({ requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '250m', memory: '64Mi' } });
    expect(nginx.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(nginx.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath)).toEqual(['/tmp']);
  });

  test('by default media go to the app: nginx neither mounts nor serves them', () => {
    const objects = django({ media: {} });
    const nginx = container(podSpec(only(objects, 'Deployment')), 'nginx');
    expect(nginx.volumeMounts.map((m: any) => m.name)).not.toContain('media');
    const conf = only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf'];
    expect(conf).not.toContain('/media/');
    expect(conf).not.toContain('alias /var/www/media');
  });

  test('protected media: an internal location only the app reaches by X-Accel-Redirect', () => {
    const objects = django({ media: { serve: 'protected' } });
    expect(container(podSpec(only(objects, 'Deployment')), 'nginx').volumeMounts).toContainEqual({ name: 'media', mountPath: '/var/www/media', readOnly: true });
    expect(only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf']).toContain('location ^~ /_protected/media/ {\n      internal;\n      alias /var/www/media/;');
  });

  test('fails if media.serve asks nginx to serve media without the nginx sidecar', () => {
    expect(() => synthStack(stack({ media: { serve: 'public' } }))).toThrow(/media\.serve: public needs the nginx sidecar/);
    expect(() => synthStack(stack({ media: { serve: 'app' } }))).not.toThrow();
  });

  test('public media are served by nginx from the media volume, mounted read-only there', () => {
    const objects = django({ media: { urlPath: '/uploads/', serve: 'public' } });
    const nginx = container(podSpec(only(objects, 'Deployment')), 'nginx');
    expect(nginx.volumeMounts).toContainEqual({ name: 'media', mountPath: '/var/www/media', readOnly: true });
    expect(only(objects, 'ConfigMap', 'shop-nginx').data['nginx.conf']).toContain('location ^~ /uploads/ {\n      alias /var/www/media/;');
  });

  test('a change of the nginx config rolls the pods', () => {
    const sum = (maxUploadSize: string) => only(django({ static: { maxUploadSize } }), 'Deployment').spec.template.metadata.annotations['checksum/nginx'];
    expect(sum('10m')).toMatch(/^[0-9a-f]{64}$/);
    expect(sum('10m')).not.toBe(sum('20m'));
    expect(only(django({ static: { maxUploadSize: '20m' } }), 'ConfigMap', 'shop-nginx').data['nginx.conf']).toContain('client_max_body_size 20m;');
  });

  test('without static the Service targets the app and there is no nginx', () => {
    const objects = synthStack(stack());
    expect(objects.find((o) => o.metadata.name === 'shop-nginx')).toBeUndefined();
    expect(podSpec(only(objects, 'Deployment')).containers.map((c: any) => c.name)).toEqual(['app']);
  });

  test('fails if a non-django stack has neither collect nor copyFrom, or has both', () => {
    expect(() => synthStack(stack({ static: {} }))).toThrow(/static\.collect: is required for framework flask/);
    expect(() => synthStack(stack({ static: { copyFrom: '/a', collect: { command: ['x'], outputDir: '/b' } } }))).toThrow(/static\.copyFrom: cannot be combined with collect/);
  });

  test('fails if maxUploadSize is past what nginx takes', () => {
    expect(() => django({ static: { maxUploadSize: '99999999999999999999g' } })).toThrow(/static\.maxUploadSize: is more than nginx can take as a body size/);
    expect(() => django({ static: { maxUploadSize: '1024g' } })).not.toThrow();
  });

  test("fails if nginx's port collides with the app's", () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', port: 8080 }, static: { copyFrom: '/a' } }))).toThrow(/static\.port: collides with web\.port \(8080\)/);
  });

  test('fails if static and media URL paths overlap', () => {
    expect(() => django({ static: { urlPath: '/assets/' }, media: { urlPath: '/assets/media/' } })).toThrow(/media\.urlPath: overlaps static\.urlPath/);
  });

  test('nginx -t accepts the exact nginx.conf ConfigMap of every example', () => {
    const files = renderFiles(loadStackFiles(findStackFiles(path.join(ROOT, 'examples'))));
    const confs = files.flatMap((f) => f.objects).filter((o: any) => o.kind === 'ConfigMap' && o.data?.['nginx.conf']);
    expect(confs.length).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-examples-'));
    try {
      for (const cm of confs) {
        const conf: string = cm.data['nginx.conf'];
        const port = Number(/listen (\d+);/.exec(conf)![1]);
        const root = fs.mkdtempSync(path.join(dir, `${cm.metadata.name}-`));
        expect(runNginxTest(root, conf, port)).not.toMatch(/\[(warn|emerg)\]/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('snapshot', () => {
    expect(django({ media: {} }).filter((o) => o.kind === 'ConfigMap' || o.kind === 'Deployment')).toMatchSnapshot();
  });
});
