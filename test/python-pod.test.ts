import { Testing } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { ConfigError, PYTHON_UID, PythonPod, PythonRuntime, PythonWebService, StackIdentity } from '../constructs';
import { checkPolicy, formatFinding } from '../lib/check/policy';
import { validateManifests } from '../lib/check/manifest-schema';

const runtime: PythonRuntime = {
  image: 'ghcr.io/acme/shop:1.4.2',
  env: [{ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'shop-web-env', key: 'LOG_LEVEL' } } }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  serviceAccountName: 'shop-web',
  configChecksums: { 'checksum/config': 'abc' },
  uid: PYTHON_UID,
  gid: PYTHON_UID,
  tmpSize: '256Mi',
  envFrom: [],
  sharedVolumes: [],
};

describe('PythonPod', () => {
  test('the runtime\'s uid and gid, /tmp size, envFrom and shared volumes reach every Python container; args alone keep the ENTRYPOINT', () => {
    // GIVEN an image built for uid 999, settings from an existing ConfigMap, a settings-file volume
    const settings = { volume: { name: 'config', configMap: { name: 'shop-config' } }, mount: { name: 'config', mountPath: '/etc/app', readOnly: true } };
    const pod = new PythonPod({ ...runtime, uid: 999, gid: 1000, tmpSize: '1Gi', envFrom: [{ configMapRef: { name: 'shop-settings' } }], sharedVolumes: [settings] });
    pod.addInitContainer({ name: 'collect', command: ['collect'] });
    pod.addContainer({ name: 'app', args: ['/entrypoint.sh', 'serve'] });
    const spec = pod.spec();
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 1000, fsGroup: 1000 });
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }, settings.volume]);
    for (const c of [...spec.initContainers!, ...spec.containers]) {
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'shop-settings' } }]);
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, settings.mount]);
    }
    expect(spec.containers[0].command).toBeUndefined();
    expect(spec.containers[0].args).toEqual(['/entrypoint.sh', 'serve']);
  });


  test('every Python container gets the runtime: image, env, resources, restricted security, /tmp', () => {
    const pod = new PythonPod(runtime);
    pod.addContainer({ name: 'worker', command: ['celery', '-A', 'shop', 'worker'] });
    const spec = pod.spec();
    const [worker] = spec.containers;
    expect(worker).toMatchObject({
      name: 'worker',
      image: runtime.image,
      imagePullPolicy: 'Always',
      command: ['celery', '-A', 'shop', 'worker'],
      env: runtime.env,
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    expect(spec).toMatchObject({
      serviceAccountName: 'shop-web',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: PYTHON_UID, seccompProfile: { type: 'RuntimeDefault' } },
      volumes: [{ name: 'tmp' }],
    });
  });

  test('a worker Deployment and a CronJob are a few lines each, and pass Pod Security and the checkers\' pod rules', () => {
    // GIVEN a chart with a web service, whose runtime every Python workload shares
    const chart = Testing.chart();
    const web = new PythonWebService(chart, 'Web', { stack: new StackIdentity({ name: 'shop' }), image: runtime.image, framework: 'flask' });
    // WHEN a worker and a schedule are built from that runtime
    const worker = new PythonPod(web.runtime);
    worker.addContainer({ name: 'worker', command: ['celery', '-A', 'shop', 'worker'] });
    const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop-worker' };
    new k8s.KubeDeployment(chart, 'Worker', {
      metadata: { name: 'shop-worker', labels },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: worker.spec() } },
    });
    const nightly = new PythonPod(web.runtime, { restartPolicy: 'Never' });
    nightly.addContainer({ name: 'report', command: ['python', '-m', 'shop.report'] });
    new k8s.KubeCronJob(chart, 'Nightly', {
      metadata: { name: 'shop-nightly', labels },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { ttlSecondsAfterFinished: 3600, template: { spec: nightly.spec() } } } },
    });
    const objects = Testing.synth(chart);
    // THEN both have the app's env and pass the schema and Pod Security Standards restricted
    const pods = objects.filter((o) => o.metadata.name !== 'shop-web' && (o.kind === 'Deployment' || o.kind === 'CronJob'));
    expect(pods.map((o) => o.kind)).toEqual(['Deployment', 'CronJob']);
    const app = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'shop-web').spec.template.spec.containers[0];
    expect(pods[0].spec.template.spec.containers[0].env).toEqual(app.env);
    expect(pods[1].spec.jobTemplate.spec.template.spec.containers[0].env).toEqual(app.env);
    expect(validateManifests(pods)).toEqual([]);
    const pss = (objects: any[]) => checkPolicy(objects).filter((f) => f.rule.startsWith('pss/')).map(formatFinding);
    expect(pss(pods)).toHaveLength(0);
    // (the same check finds the worker's container without the builder's security context)
    const bare = JSON.parse(JSON.stringify(pods[0]));
    delete bare.spec.template.spec.containers[0].securityContext;
    expect(pss([bare]).join('\n')).toMatch(/pss\/.*worker/);
  });

  test('fails if a container name is added twice', () => {
    const pod = new PythonPod(runtime);
    pod.addContainer({ name: 'app', command: ['a'] });
    expect(() => pod.addContainer({ name: 'app', command: ['b'] })).toThrow(ConfigError);
    expect(() => pod.addInitContainer({ name: 'app', command: ['b'] })).toThrow(/containers\.app: is already a container of this pod/);
    expect(() => pod.addOtherContainer({ name: 'app', image: 'nginx:1' })).toThrow(/is already a container/);
  });

  test('fails if a volume name is added twice (the tmp volume included)', () => {
    const pod = new PythonPod(runtime);
    expect(() => pod.addVolume({ name: 'tmp', emptyDir: {} })).toThrow(/volumes\.tmp: is already a volume of this pod/);
    pod.addVolume({ name: 'data', emptyDir: {} });
    expect(() => pod.addVolume({ name: 'data', emptyDir: {} })).toThrow(ConfigError);
  });

  test('fails if two volumes are mounted at one path of a container', () => {
    const pod = new PythonPod(runtime);
    expect(() => pod.addContainer({ name: 'app', command: ['a'], volumeMounts: [{ name: 'x', mountPath: '/tmp/' }] })).toThrow(/mount path: is mounted twice/);
    pod.addContainer({ name: 'app', command: ['a'] });
    pod.addMount('app', { name: 'media', mountPath: '/app/media' });
    expect(() => pod.addMount('app', { name: 'other', mountPath: '/app/media' })).toThrow(/is mounted twice/);
    expect(() => pod.addMount('nope', { name: 'media', mountPath: '/x' })).toThrow(/containers\.nope: is not a container of this pod/);
  });

  test('a mount of a volume the pod lacks is a problem, found once every add is made', () => {
    const pod = new PythonPod(runtime);
    pod.addContainer({ name: 'app', command: ['a'] });
    pod.addMount('app', { name: 'media', mountPath: '/app/media' });
    expect(pod.problems()).toEqual(['container app mounts volume media at /app/media, which the pod does not have (add it with addVolume)']);
    pod.addVolume({ name: 'media', emptyDir: {} });
    expect(pod.problems()).toHaveLength(0);
  });

  test('getters and spec() return copies: changing them changes nothing', () => {
    const pod = new PythonPod(runtime);
    pod.addContainer({ name: 'app', command: ['a'] });
    pod.containerNames.push('x');
    pod.volumeNames.push('x');
    pod.spec().volumes!.push({ name: 'x', emptyDir: {} });
    pod.spec().containers.push({ name: 'x' });
    expect([pod.containerNames, pod.volumeNames]).toEqual([['app'], ['tmp']]);
  });
});

describe('PythonWebService mutators', () => {
  const web = () => new PythonWebService(Testing.chart(), 'Web', { stack: new StackIdentity({ name: 'shop' }), image: runtime.image, framework: 'flask' });

  test('fails if a pod annotation is added twice', () => {
    const w = web();
    w.addPodAnnotation('example.com/team', 'a');
    expect(() => w.addPodAnnotation('example.com/team', 'b')).toThrow(/annotations\.example\.com\/team: is already an annotation of the web pods/);
  });

  test.each(['checksum/config', 'checksum/nginx', 'checksum/anything'])('fails if a pod annotation uses the reserved key %s', (key) => {
    expect(() => web().addPodAnnotation(key, 'x')).toThrow(new RegExp(`annotations\\.${key.replace('/', '\\/')}: is reserved`));
  });

  test('addConfigChecksum rolls the pods on a config change and refuses a name twice', () => {
    const w = web();
    w.addConfigChecksum('worker', 'a');
    expect(Object.keys(w.annotations)).toEqual(['checksum/worker']);
    expect(() => w.addConfigChecksum('worker', 'b')).toThrow(/checksum\/worker: is already an annotation/);
    expect(() => w.addConfigChecksum('config', 'b')).toThrow(/checksum\/config: is already an annotation/);
  });

  test('fails if two sidecars serve in front of the app', () => {
    const w = web();
    w.serveThrough(8080);
    expect(() => w.serveThrough(8081)).toThrow(/a sidecar \(port 8080\) already serves in front of the app/);
  });

  test('fails at synth if a mount names a volume the pod lacks, or the serving port is nobody\'s', () => {
    const chart = Testing.chart();
    const w = new PythonWebService(chart, 'Web', { stack: new StackIdentity({ name: 'shop' }), image: runtime.image, framework: 'flask' });
    w.pod.addMount('app', { name: 'media', mountPath: '/app/media' });
    w.serveThrough(8080);
    expect(() => Testing.synth(chart)).toThrow(/container app mounts volume media at \/app\/media, which the pod does not have[\s\S]*no container of the web pod has the serving port http \(8080\)/);
  });

  test('getters return copies and the shared values are frozen', () => {
    const w = web();
    w.env.push({ name: 'X', value: '1' });
    w.configData.X = '1';
    w.configChecksums.x = '1';
    w.annotations.x = '1';
    expect(w.env.map((e) => e.name)).not.toContain('X');
    expect([w.configData.X, w.configChecksums.x, w.annotations.x]).toEqual([undefined, undefined, undefined]);
    expect(Object.isFrozen(w.runtime) && Object.isFrozen(w.runtime.env) && Object.isFrozen(w.selectorLabels) && Object.isFrozen(w.servicePort)).toBe(true);
  });
});
