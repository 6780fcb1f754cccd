import { PythonWebStack, formatIssue } from '../constructs';
import { planChanges } from '../lib/plan/plan';
import { container, only, podSpec, stack, synthStack } from './_helpers';

const SETTINGS = { 'configuration.py': 'ALLOWED_HOSTS = ["*"]\n' };

// GIVEN a django stack (collect-static, migration gate and Job) with one volume of each kind
const withVolumes = (volumes: any, extra: object = {}) => synthStack(stack({
  web: { image: 'a/b:1', framework: 'django' },
  static: {},
  volumes,
  ...extra,
}));
const ALL = {
  data: { size: '20Gi', storageClassName: 'efs', mountPath: '/data' },
  consume: { scratch: '2Gi', mountPath: '/consume' },
  config: { files: SETTINGS, mountPath: '/etc/netbox/config' },
};

describe('AppVolumes (volumes)', () => {
  test('size: a claim <name>-<key> (ReadWriteMany by default), mounted read-write in the app only', () => {
    const objects = withVolumes(ALL);
    const claim = only(objects, 'PersistentVolumeClaim', 'shop-data');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'efs', resources: { requests: { storage: '20Gi' } } });
    // Kept on delete like every claim: a rename or removal in git would delete the data.
    expect(claim.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    const pod = podSpec(only(objects, 'Deployment'));
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'shop-data' } });
    expect(container(pod, 'app').volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(container(pod, 'collect-static').volumeMounts.map((m: any) => m.name)).not.toContain('data');
  });

  test('scratch: an emptyDir with its size limit, in the app', () => {
    const pod = podSpec(only(withVolumes(ALL), 'Deployment'));
    expect(pod.volumes).toContainEqual({ name: 'consume', emptyDir: { sizeLimit: '2Gi' } });
    expect(container(pod, 'app').volumeMounts).toContainEqual({ name: 'consume', mountPath: '/consume' });
  });

  test('files: a ConfigMap <name>-<key>, read-only in every Python container of the web pod and in the migration Job', () => {
    const objects = withVolumes(ALL);
    expect(only(objects, 'ConfigMap', 'shop-config').data).toEqual(SETTINGS);
    const mount = { name: 'config', mountPath: '/etc/netbox/config', readOnly: true };
    const pod = podSpec(only(objects, 'Deployment'));
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'shop-config' } });
    for (const name of ['app', 'collect-static', 'wait-for-migrations']) expect(container(pod, name).volumeMounts).toContainEqual(mount);
    const job = podSpec(only(objects, 'Job'));
    expect(job.volumes).toContainEqual({ name: 'config', configMap: { name: 'shop-config' } });
    expect(job.containers[0].volumeMounts).toContainEqual(mount);
    // The claim and the ConfigMap are listed before the workloads that mount them.
    const order = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(order.indexOf('ConfigMap/shop-config')).toBeLessThan(order.findIndex((n) => n.startsWith('Job/')));
    expect(order.indexOf('PersistentVolumeClaim/shop-data')).toBeLessThan(order.indexOf('Deployment/shop-web'));
  });

  test('a change of a file rolls the pods and makes a new migration Job; other volumes do not', () => {
    const before = withVolumes(ALL);
    const after = withVolumes({ ...ALL, config: { ...ALL.config, files: { 'configuration.py': 'ALLOWED_HOSTS = ["shop.example.com"]\n' } } });
    const annotation = (objects: any[]) => only(objects, 'Deployment').spec.template.metadata.annotations['checksum/volume-config'];
    expect(annotation(before)).toMatch(/^[0-9a-f]{64}$/);
    expect(annotation(after)).not.toBe(annotation(before));
    expect(only(after, 'Job').metadata.name).not.toBe(only(before, 'Job').metadata.name);
    const resized = withVolumes({ ...ALL, consume: { scratch: '3Gi', mountPath: '/consume' } });
    expect(annotation(resized)).toBe(annotation(before));
  });

  test('mountIn without web: not in the web pod', () => {
    const pod = podSpec(only(withVolumes({ data: { size: '1Gi', mountPath: '/data', mountIn: [] } }), 'Deployment'));
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('data');
  });

  describe('mountIn: workers and schedules', () => {
    // GIVEN a Celery worker and a nightly job beside the web
    const background = {
      workers: { celery: { command: ['celery', '-A', 'shop', 'worker'] } },
      schedules: { nightly: { schedule: '0 3 * * *', command: ['python', 'manage.py', 'clearsessions'] } },
    };
    const objects = withVolumes({
      data: { size: '20Gi', mountPath: '/data' },
      consume: { scratch: '2Gi', mountPath: '/consume', mountIn: ['web', 'workers.celery'] },
      config: { files: SETTINGS, mountPath: '/etc/worker', mountIn: ['workers.celery'] },
    }, background);
    const worker = podSpec(only(objects, 'Deployment', 'shop-worker-celery'));
    const cron = only(objects, 'CronJob', 'shop-cron-nightly').spec.jobTemplate.spec.template;
    const web = podSpec(only(objects, 'Deployment', 'shop-web'));
    const names = (list: any[] | undefined) => (list ?? []).map((x: any) => x.name).sort();

    test('by default a volume is in the web and every worker and schedule; a list names where', () => {
      expect(names(worker.volumes)).toEqual(['config', 'consume', 'data', 'tmp']);
      expect(container(worker, 'worker').volumeMounts).toEqual(expect.arrayContaining([
        { name: 'data', mountPath: '/data' }, { name: 'consume', mountPath: '/consume' }, { name: 'config', mountPath: '/etc/worker', readOnly: true },
      ]));
      expect(names(cron.spec.volumes)).toEqual(['data', 'tmp']);
      expect(container(cron.spec, 'job').volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
      expect(names(web.volumes)).toEqual(expect.arrayContaining(['consume', 'data']));
      expect(names(web.volumes)).not.toContain('config');
    });

    test('files named for a worker roll that worker only, and the web and its migration do not mount them', () => {
      expect(only(objects, 'Deployment', 'shop-worker-celery').spec.template.metadata.annotations['checksum/volume-config']).toMatch(/^[0-9a-f]{64}$/);
      expect(only(objects, 'Deployment', 'shop-web').spec.template.metadata.annotations['checksum/volume-config']).toBeUndefined();
      expect(cron.metadata.annotations['checksum/volume-config']).toBeUndefined();
      expect(names(podSpec(only(objects, 'Job')).volumes)).not.toContain('config');
    });

    test('the claims and ConfigMaps are listed before the workers and schedules that mount them', () => {
      const order = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      for (const dependent of ['Deployment/shop-worker-celery', 'CronJob/shop-cron-nightly']) {
        expect(order.indexOf('PersistentVolumeClaim/shop-data')).toBeLessThan(order.indexOf(dependent));
        expect(order.indexOf('ConfigMap/shop-config')).toBeLessThan(order.indexOf(dependent));
      }
    });

    test('a ReadWriteOnce claim in one worker of one pod: the worker is replaced in place', () => {
      const rwo = withVolumes({ index: { size: '1Gi', accessMode: 'ReadWriteOnce', mountPath: '/index', mountIn: ['workers.celery'] } }, { workers: { celery: { command: ['celery', 'worker'], replicas: 1 } } });
      expect(only(rwo, 'Deployment', 'shop-worker-celery').spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
      expect(names(podSpec(only(rwo, 'Deployment', 'shop-web')).volumes)).not.toContain('index');
    });

    test('fails if mountIn names a worker or schedule the stack does not have', () => {
      expect(() => withVolumes({ a: { scratch: '1Gi', mountPath: '/a', mountIn: ['web', 'workers.celry'] } }, background))
        .toThrow('volumes.a.mountIn[1]: names no worker of the stack (got "workers.celry"; allowed: web, workers.celery, schedules.nightly, or [] for nowhere)');
      expect(() => withVolumes({ a: { scratch: '1Gi', mountPath: '/a', mountIn: ['schedules.weekly'] } }))
        .toThrow('volumes.a.mountIn[0]: names no schedule of the stack (got "schedules.weekly"; allowed: web, or [] for nowhere)');
    });

    test('fails if a ReadWriteOnce claim is mounted in two workloads, or in a worker or schedule that may run two pods', () => {
      const rwo = (mountIn: string[] | undefined, extra: object) => () => withVolumes({ a: { size: '1Gi', accessMode: 'ReadWriteOnce', mountPath: '/a', ...(mountIn ? { mountIn } : {}) } }, extra);
      expect(rwo(undefined, { web: { image: 'a/b:1', framework: 'django', autoscaling: false, replicas: 1 }, ...background }))
        .toThrow(/volumes\.a\.accessMode: ReadWriteOnce binds the volume to one node, but it is mounted in web, workers\.celery, schedules\.nightly, whose pods the scheduler puts on different nodes/);
      expect(rwo(['workers.celery'], background)).toThrow(/volumes\.a\.accessMode: ReadWriteOnce binds the volume to one node, but workers\.celery may run 2 pods.*allowed: ReadWriteMany .*, or workers\.celery\.singleton: true \(or replicas: 1\)/);
      expect(rwo(['schedules.nightly'], { schedules: { nightly: { ...background.schedules.nightly, concurrencyPolicy: 'Allow' } } })).toThrow(/but schedules\.nightly may run 2 pods/);
    });

    test('fails if a volume meets another mount in a worker only, said once however many workloads mount it', () => {
      expect(() => withVolumes({ a: { scratch: '1Gi', mountPath: '/app/media/', mountIn: ['workers.celery'] } }, { media: {}, workers: { celery: { command: ['celery', 'worker'], mountMedia: true } } }))
        .toThrow(/volumes\.a\.mountPath: is the same folder as media\.mountPath/);
      const issues = PythonWebStack.validate(stack({ web: { image: 'a/b:1', framework: 'django' }, ...background, volumes: { a: { scratch: '1Gi', mountPath: '/x' }, b: { scratch: '1Gi', mountPath: '/x/' } } }));
      expect(issues.map(formatIssue)).toEqual(['volumes.b.mountPath: is the same folder as volumes.a.mountPath: two volumes cannot be mounted at one path (got "/x/"; allowed: a folder of its own)']);
    });
  });

  test('a ReadWriteOnce claim with one web pod: pods are replaced in place (no surge pod that cannot attach it)', () => {
    const objects = withVolumes({ data: { size: '1Gi', accessMode: 'ReadWriteOnce', mountPath: '/data' } }, { web: { image: 'a/b:1', framework: 'django', autoscaling: false, replicas: 1 } });
    expect(only(objects, 'Deployment').spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  test('the quota counts the new claims and their storage (with headroom)', () => {
    const hard = only(withVolumes(ALL, { environment: 'production', secrets: { source: 'existing' } }), 'ResourceQuota').spec.hard;
    expect(hard.persistentvolumeclaims).toBe('2');
    expect(hard['requests.storage']).toBe('24Gi');
  });

  test('plan counts a new claim as data: removing the volume later is data loss', () => {
    const current = withVolumes(ALL);
    const without = withVolumes({ consume: ALL.consume, config: ALL.config });
    const result = planChanges(new Map([['development', without]]), new Map([['development', current]]));
    expect(result.dataLoss.map((r) => `${r.kind}/${r.name}`)).toEqual(['PersistentVolumeClaim/shop-data']);
  });

  describe('fails if', () => {
    const fails = (volumes: any, message: RegExp, extra: object = {}) => expect(() => withVolumes(volumes, extra)).toThrow(message);

    test('fails if a volume is none or more than one of size, scratch and files', () => {
      fails({ data: { mountPath: '/data' } }, /volumes\.data: needs one of size, scratch or files/);
      fails({ data: { size: '1Gi', scratch: '1Gi', mountPath: '/data' } }, /volumes\.data: has size and scratch: a volume is one of them/);
    });

    test('fails if a key is one the stack uses itself or is not a DNS label', () => {
      fails({ tmp: { scratch: '1Gi', mountPath: '/x' } }, /volumes\.tmp: is a name the stack uses itself/);
      fails({ Data: { scratch: '1Gi', mountPath: '/x' } }, /volumes\.Data: is not a valid name/);
    });

    test('fails if a ReadWriteOnce claim is mounted by a web service of many pods', () => {
      fails({ data: { size: '1Gi', accessMode: 'ReadWriteOnce', mountPath: '/data' } }, /volumes\.data\.accessMode: ReadWriteOnce binds the volume to one node, but the web service may run 10 pods/);
    });

    test('fails if two mounts are one folder after normalizing, or a mount is the root', () => {
      fails({ a: { scratch: '1Gi', mountPath: '/app//media/' } }, /volumes\.a\.mountPath: is the same folder as media\.mountPath/, { media: {} });
      fails({ a: { scratch: '1Gi', mountPath: '/srv/./x' }, b: { scratch: '1Gi', mountPath: '/srv/x' } }, /volumes\.b\.mountPath: is the same folder as volumes\.a\.mountPath/);
      fails({ a: { scratch: '1Gi', mountPath: '/tmp/' } }, /volumes\.a\.mountPath: is the same folder as the stack's \/tmp/);
      fails({ a: { scratch: '1Gi', mountPath: '/' } }, /volumes\.a\.mountPath: cannot be the container's root/);
    });

    test('fails if sizes are too small or not quantities, or claim settings are given without size', () => {
      fails({ a: { size: '1Ki', mountPath: '/a' } }, /volumes\.a\.size: is too small for a volume/);
      fails({ a: { scratch: '2 GB', mountPath: '/a' } }, /volumes\.a\.scratch: has the wrong format/);
      fails({ a: { scratch: '1Gi', accessMode: 'ReadWriteOnce', mountPath: '/a' } }, /volumes\.a\.accessMode: is only used with size/);
    });

    test('fails if files are empty, too big for a ConfigMap, badly named, or said to be writable', () => {
      fails({ a: { files: {}, mountPath: '/a' } }, /volumes\.a\.files: has no file/);
      fails({ a: { files: { 'big.txt': 'x'.repeat(2 ** 20) }, mountPath: '/a' } }, /volumes\.a\.files: holds 1048583 bytes, more than a ConfigMap can/);
      fails({ a: { files: { 'sub/x.py': '' }, mountPath: '/a' } }, /volumes\.a\.files\["sub\/x\.py"\]: is not a valid name/);
      fails({ a: { files: { 'x.py': '' }, readOnly: false, mountPath: '/a' } }, /volumes\.a\.readOnly: files are always mounted read-only/);
    });

    test('fails if mountIn repeats itself or has the wrong format', () => {
      fails({ a: { scratch: '1Gi', mountPath: '/a', mountIn: ['web', 'web'] } }, /volumes\.a\.mountIn\[1\]: is listed twice/);
      fails({ a: { scratch: '1Gi', mountPath: '/a', mountIn: ['beat'] } }, /volumes\.a\.mountIn\[0\]: has the wrong format/);
    });
  });
});
