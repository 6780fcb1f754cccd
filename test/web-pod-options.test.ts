import { fileProblems } from '../lib/check/output-checks';
import { renderFiles } from '../lib/render/render';
import { container, only, podSpec, stack, synthStack } from './_helpers';

const web = (options: object, extra: object = {}) => synthStack(stack({ web: { image: 'a/b:1', framework: 'django', ...options }, ...extra }));
const app = (objects: any[]) => container(podSpec(only(objects, 'Deployment')), 'app');

describe('web.args: the image\'s ENTRYPOINT stays', () => {
  test('args alone: no command, so the ENTRYPOINT (tini, s6 /init) runs the args', () => {
    const c = app(web({ args: ['/opt/netbox/docker-entrypoint.sh', '/opt/netbox/launch-netbox.sh'] }));
    expect(c.command).toBeUndefined();
    expect(c.args).toEqual(['/opt/netbox/docker-entrypoint.sh', '/opt/netbox/launch-netbox.sh']);
  });

  test('args with command: both kept', () => {
    const c = app(web({ command: ['uwsgi'], args: ['/etc/uwsgi.ini'] }));
    expect([c.command, c.args]).toEqual([['uwsgi'], ['/etc/uwsgi.ini']]);
  });

  test('a generic app with args needs no command', () => {
    expect(app(web({ framework: 'generic', args: ['serve'] })).args).toEqual(['serve']);
  });

  test('fails if server is given with args alone (the ENTRYPOINT runs, not the server)', () => {
    expect(() => web({ server: 'uwsgi', args: ['x'] })).toThrow(/web\.server: is not used with args alone/);
  });
});

describe('web.probes', () => {
  test('defaults: readiness and startup on healthPath with Host localhost for django, liveness TCP, 150 s to start', () => {
    const c = app(web({ healthPath: '/health/' }));
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health/', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'Host', value: 'localhost' }] });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health/' }, periodSeconds: 5, failureThreshold: 30 });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
  });

  test('each path, a Host header, a liveness path and a long first boot', () => {
    const c = app(web({ framework: 'flask', probes: { readiness: '/login/', startup: '/login/', liveness: '/alive', host: 'netbox.local', startupSeconds: 300 } }));
    expect(c.readinessProbe.httpGet).toEqual({ path: '/login/', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'Host', value: 'netbox.local' }] });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/login/' }, periodSeconds: 5, failureThreshold: 60 });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/alive', port: 'http' } });
    expect(c.livenessProbe.tcpSocket).toBeUndefined();
  });

  test('no Host header for other frameworks unless asked', () => {
    expect(app(web({ framework: 'flask' })).readinessProbe.httpGet.httpHeaders).toBeUndefined();
  });

  test('fails if liveness is the readiness path, or a value is out of range', () => {
    expect(() => web({ probes: { readiness: '/h', liveness: '/h' } })).toThrow(/web\.probes\.liveness: is the readiness path/);
    expect(() => web({ probes: { liveness: 'http' } })).toThrow(/web\.probes\.liveness: has the wrong format \(got "http"; allowed: tcp, or an absolute URL path such as \/healthz\)/);
    expect(() => web({ probes: { startupSeconds: 5 } })).toThrow(/web\.probes\.startupSeconds: must be >= 10/);
  });
});

describe('web.envFrom', () => {
  test('every Python container reads the existing objects first, then the stack\'s env, which wins', () => {
    const objects = web({ envFrom: [{ configMap: 'shop-settings' }, { secret: 'shop-extra' }] });
    const sources = [{ configMapRef: { name: 'shop-settings' } }, { secretRef: { name: 'shop-extra' } }];
    const pod = podSpec(only(objects, 'Deployment'));
    for (const name of ['app', 'wait-for-migrations']) expect(container(pod, name).envFrom).toEqual(sources);
    expect(podSpec(only(objects, 'Job')).containers[0].envFrom).toEqual(sources);
  });

  test('the output checks accept them as objects that exist outside the output', () => {
    const [file] = renderFiles([{ file: 'shop.yaml', target: 'production', config: stack({ environment: 'production', web: { image: 'a/b:1', framework: 'django', envFrom: [{ configMap: 'shop-settings' }, { secret: 'shop-extra' }] } }) }]);
    expect(fileProblems(file)).toEqual([]);
    expect(fileProblems({ ...file, externalConfigMaps: undefined })).toEqual([expect.stringMatching(/envFrom ConfigMap shop-settings: no ConfigMap named shop-settings/), expect.anything(), expect.anything()]);
  });

  test('fails if an entry names both or neither, or repeats another', () => {
    expect(() => web({ envFrom: [{ configMap: 'a', secret: 'b' }] })).toThrow(/web\.envFrom\[0\]: needs exactly one of configMap and secret/);
    expect(() => web({ envFrom: [{ secret: 'b' }, { secret: 'b' }] })).toThrow(/web\.envFrom\[1\]: is envFrom\[0\] again/);
    expect(() => web({ envFrom: [{ configMap: 'Bad_Name' }] })).toThrow(/web\.envFrom\[0\]\.configMap: has the wrong format/);
  });
});

describe('web.tmpSize, web.runAsUser, web.runAsGroup', () => {
  test('/tmp of the given size in the web pod and the migration Job', () => {
    const objects = web({ tmpSize: '1Gi' });
    for (const pod of [podSpec(only(objects, 'Deployment')), podSpec(only(objects, 'Job'))]) {
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } });
    }
    expect(podSpec(only(web({}), 'Deployment')).volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
  });

  test('an image\'s own uid and gid (and fsGroup) for the web pod and the migration Job, still non-root', () => {
    const objects = web({ runAsUser: 999, runAsGroup: 1000 });
    for (const pod of [podSpec(only(objects, 'Deployment')), podSpec(only(objects, 'Job'))]) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 1000, fsGroup: 1000 });
    }
    expect(podSpec(only(web({ runAsUser: 1000 }), 'Deployment')).securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(podSpec(only(web({}), 'Deployment')).securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
  });

  test('fails if the uid or gid is root, or /tmp is tiny', () => {
    expect(() => web({ runAsUser: 0 })).toThrow(/web\.runAsUser: must be >= 1/);
    expect(() => web({ runAsGroup: 0 })).toThrow(/web\.runAsGroup: must be >= 1/);
    expect(() => web({ tmpSize: '1Ki' })).toThrow(/web\.tmpSize: is too small for \/tmp/);
  });
});
