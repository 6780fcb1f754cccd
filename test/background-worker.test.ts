import { Testing } from 'cdk8s';
import { BackgroundWorker, PythonWebStack, StackIdentity } from '../constructs';
import { resolveWorker } from '../constructs/resolve-background';
import { container, only, podSpec, stack, synthStack } from './_helpers';

const celery = { command: ['celery', '-A', 'shop', 'worker'] };
const withWorkers = (workers: any, more: any = {}) => synthStack(stack({ secrets: { source: 'generated' }, redis: {}, database: {}, workers, ...more }));

describe('BackgroundWorker', () => {
  test('alone in a chart: a Deployment of its command with the runtime it is given, and a budget', () => {
    // GIVEN a runtime as the web service would hand it over
    const chart = Testing.chart();
    const runtime = { image: 'a/b:1', env: [{ name: 'X', value: '1' }], resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } }, serviceAccountName: 'shop-web', configChecksums: { 'checksum/config': 'c' }, uid: 10001, gid: 10001, tmpSize: '256Mi', envFrom: [], sharedVolumes: [] };
    new BackgroundWorker(chart, 'W', { stack: new StackIdentity({ name: 'shop' }), key: 'celery', worker: resolveWorker(celery), runtime });
    const objects = Testing.synth(chart);
    // THEN the worker's own defaults (two pods, the web's default resources) and the runtime's image and env
    const d = only(objects, 'Deployment', 'shop-worker-celery');
    expect(d.spec.replicas).toBe(2);
    const c = container(podSpec(d), 'worker');
    expect(c).toMatchObject({ image: 'a/b:1', command: celery.command, env: [{ name: 'X', value: '1' }], resources: { requests: { cpu: '250m', memory: '256Mi' } } });
    expect(podSpec(d).serviceAccountName).toBe('shop-web');
    expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('runs the web image with the web\'s env, secrets, database and Redis wiring, restricted, with no Service', () => {
    const objects = withWorkers({ celery });
    const web = container(podSpec(only(objects, 'Deployment', 'shop-web')), 'app');
    const worker = container(podSpec(only(objects, 'Deployment', 'shop-worker-celery')), 'worker');
    expect(worker.image).toBe(web.image);
    expect(worker.env).toEqual(web.env);
    expect(worker.securityContext).toEqual(web.securityContext);
    expect(podSpec(only(objects, 'Deployment', 'shop-worker-celery')).securityContext).toEqual(podSpec(only(objects, 'Deployment', 'shop-web')).securityContext);
    expect(worker.ports).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name.includes('worker'))).toEqual([]);
  });

  test('env is merged over web.env through a ConfigMap of its own, which rolls the worker on change', () => {
    const objects = withWorkers({ celery: { ...celery, env: { LOG_LEVEL: 'debug', CELERY_QUEUES: 'high' } } }, { web: { image: 'a/b:1', framework: 'flask', env: { LOG_LEVEL: 'info' } } });
    const cm = only(objects, 'ConfigMap', 'shop-worker-celery-env');
    expect(cm.data).toEqual({ LOG_LEVEL: 'debug', CELERY_QUEUES: 'high' });
    const d = only(objects, 'Deployment', 'shop-worker-celery');
    const env = container(podSpec(d), 'worker').env;
    expect(env.filter((e: any) => e.name === 'LOG_LEVEL')).toEqual([{ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'shop-worker-celery-env', key: 'LOG_LEVEL' } } }]);
    // A new name comes before the secrets, so `$(VAR)` expansion in later entries could see it.
    expect(env.findIndex((e: any) => e.name === 'CELERY_QUEUES')).toBeLessThan(env.findIndex((e: any) => e.name === 'PGPASSWORD'));
    expect(d.spec.template.metadata.annotations['checksum/worker-config']).toMatch(/^[0-9a-f]{64}$/);
    expect(container(podSpec(only(objects, 'Deployment', 'shop-web')), 'app').env).toContainEqual({ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'shop-web-env', key: 'LOG_LEVEL' } } });
  });

  test('stopGracePeriod is the grace period; healthCommand the liveness probe; readiness checks the broker', () => {
    const d = only(withWorkers({ celery: { ...celery, stopGracePeriod: 300, healthCommand: ['celery', '-A', 'shop', 'inspect', 'ping'] } }), 'Deployment', 'shop-worker-celery');
    expect(podSpec(d).terminationGracePeriodSeconds).toBe(300);
    const c = container(podSpec(d), 'worker');
    expect(c.livenessProbe.exec.command).toEqual(['celery', '-A', 'shop', 'inspect', 'ping']);
    expect(c.readinessProbe.exec.command.join(' ')).toMatch(/REDIS_URL/);
    // Without Redis, no broker to check: no readiness probe.
    const noRedis = synthStack(stack({ workers: { rq: celery } }));
    expect(container(podSpec(only(noRedis, 'Deployment', 'shop-worker-rq')), 'worker').readinessProbe).toBeUndefined();
  });

  test('spread across zones and nodes like the web', () => {
    const objects = withWorkers({ celery });
    const spec = podSpec(only(objects, 'Deployment', 'shop-worker-celery'));
    expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels)
      .toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop-worker-celery' });
  });

  test('singleton: exactly one pod, Recreate, no autoscaler, no budget', () => {
    const objects = withWorkers({ beat: { command: ['celery', '-A', 'shop', 'beat'], singleton: true } });
    const d = only(objects, 'Deployment', 'shop-worker-beat');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(objects.filter((o) => o.metadata.name === 'shop-worker-beat' && ['PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind))).toEqual([]);
  });

  test('autoscaling by CPU: an HPA, and the Deployment leaves replicas to it', () => {
    const objects = withWorkers({ celery: { ...celery, autoscaling: { maxReplicas: 6, targetCPUUtilization: 60 } } });
    expect(only(objects, 'Deployment', 'shop-worker-celery').spec.replicas).toBeUndefined();
    expect(only(objects, 'HorizontalPodAutoscaler', 'shop-worker-celery').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-worker-celery' }, minReplicas: 2, maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
  });

  test('autoscaling by queue: a KEDA ScaledObject on the Redis list, its password from the Secret, no HPA, and Redis admits KEDA', () => {
    const objects = withWorkers({ celery: { ...celery, autoscaling: { queue: { name: 'celery', length: 20 }, minReplicas: 0, maxReplicas: 10 } } });
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name.includes('worker'))).toEqual([]);
    expect(only(objects, 'Deployment', 'shop-worker-celery').spec.replicas).toBeUndefined();
    const so = only(objects, 'ScaledObject', 'shop-worker-celery');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-worker-celery' }, minReplicaCount: 0, maxReplicaCount: 10,
      triggers: [{ type: 'redis', metadata: { address: 'shop-redis.shop.svc:6379', listName: 'celery', listLength: '20', databaseIndex: '0' }, authenticationRef: { name: 'shop-worker-celery' } }],
    });
    const auth = only(objects, 'TriggerAuthentication', 'shop-worker-celery');
    const redisRef = container(podSpec(only(objects, 'StatefulSet', 'shop-redis')), 'redis').env[0].valueFrom.secretKeyRef;
    expect(auth.spec.secretTargetRef).toEqual([{ parameter: 'password', name: redisRef.name, key: redisRef.key }]);
    expect(only(objects, 'NetworkPolicy', 'shop-redis').spec.ingress[0].from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } });
    // Without a queue-scaled worker, no KEDA access.
    expect(only(withWorkers({ celery }), 'NetworkPolicy', 'shop-redis').spec.ingress[0].from.some((p: any) => p.namespaceSelector)).toBe(false);
  });

  test('mountMedia mounts the media claim where the app has it', () => {
    const d = only(withWorkers({ celery: { ...celery, mountMedia: true } }, { media: { mountPath: '/srv/media' } }), 'Deployment', 'shop-worker-celery');
    expect(podSpec(d).volumes).toContainEqual({ name: 'media', persistentVolumeClaim: { claimName: 'shop-media' } });
    expect(container(podSpec(d), 'worker').volumeMounts).toContainEqual({ name: 'media', mountPath: '/srv/media' });
  });

  test('NetworkPolicies: Redis and the database admit the worker; the worker reaches DNS, Redis, the database and the internet ports', () => {
    const objects = withWorkers({ celery });
    const selector = { 'app.kubernetes.io/instance': 'shop-worker-celery' };
    for (const name of ['shop-redis', 'shop-postgres']) expect(only(objects, 'NetworkPolicy', name).spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: selector } });
    const own = only(objects, 'NetworkPolicy', 'shop-worker-celery');
    expect(own.spec.podSelector.matchLabels).toEqual(selector);
    expect(own.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: selector } }] }]);
    expect(own.spec.egress).toEqual(only(objects, 'NetworkPolicy', 'shop-web').spec.egress);
    expect(own.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([53, 53, 5432, 6379, 443]);
  });

  test('counted in the quota at its peak; synced with the web', () => {
    const base = { environment: 'production', secrets: { source: 'existing' } };
    const hard = (workers: any) => only(synthStack(stack({ ...base, workers } as any)), 'ResourceQuota').spec.hard;
    // 10 pods at most, plus a 25% rollout surge: 13 more pods of 256Mi requests (with the quota's headroom).
    expect(Number(hard({ celery: { ...celery, autoscaling: { maxReplicas: 10 } } }).pods) - Number(hard({}).pods)).toBe(Math.ceil((13 + 3) * 1.2) - Math.ceil(3 * 1.2));
    const objects = synthStack(stack({ ...base, workers: { celery } } as any));
    const wave = (o: any) => o.metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect(wave(only(objects, 'Deployment', 'shop-worker-celery'))).toBe(wave(only(objects, 'Deployment', 'shop-web')));
  });

  test('fails if queue autoscaling has no in-cluster Redis', () => {
    const queue = { ...celery, autoscaling: { queue: { name: 'celery', length: 5 } } };
    expect(() => synthStack(stack({ workers: { celery: queue } }))).toThrow(/workers\.celery\.autoscaling\.queue: reads the queue length from Redis, and the stack has none \(allowed: add redis: \{\}/);
    expect(() => synthStack(stack({ environment: 'production', redis: { external: { urlKey: 'REDIS_URL' } }, secrets: { source: 'existing', keys: ['REDIS_URL'] }, workers: { celery: queue } })))
      .toThrow(/workers\.celery\.autoscaling\.queue: needs the in-cluster Redis/);
  });

  test('fails if a singleton sets replicas or autoscaling, or replicas come with autoscaling', () => {
    expect(() => withWorkers({ beat: { ...celery, singleton: true, replicas: 2 } })).toThrow(/workers\.beat\.replicas: is always 1 for a singleton \(got 2/);
    expect(() => withWorkers({ beat: { ...celery, singleton: true, autoscaling: {} } })).toThrow(/workers\.beat\.autoscaling: cannot scale a singleton/);
    expect(() => withWorkers({ celery: { ...celery, replicas: 3, autoscaling: {} } })).toThrow(/workers\.celery\.replicas: is only used without autoscaling/);
  });

  test('fails if CPU autoscaling goes below 2 pods or max is not above min, or a queue gets a CPU target', () => {
    expect(() => withWorkers({ celery: { ...celery, autoscaling: { minReplicas: 0 } } })).toThrow(/workers\.celery\.autoscaling\.minReplicas: must be at least 2 when scaling by CPU/);
    expect(() => withWorkers({ celery: { ...celery, autoscaling: { minReplicas: 4, maxReplicas: 4 } } })).toThrow(/workers\.celery\.autoscaling\.maxReplicas: must be more than minReplicas \(4\)/);
    expect(() => withWorkers({ celery: { ...celery, autoscaling: { queue: { name: 'q', length: 1 }, targetCPUUtilization: 50 } } })).toThrow(/workers\.celery\.autoscaling\.targetCPUUtilization: is for scaling by CPU/);
  });

  test('fails if a worker key is not a DNS label or makes a name over the limits', () => {
    expect(() => withWorkers({ Celery_Worker: celery })).toThrow(/workers\.Celery_Worker/);
    expect(() => synthStack(stack({ name: 'a'.repeat(40), workers: { ['w'.repeat(20)]: celery } })))
      .toThrow(new RegExp(`workers\\.${'w'.repeat(20)}: makes the name ${'a'.repeat(40)}-worker-${'w'.repeat(20)} \\(68 characters\\), over the 63 a label value may have \\(allowed: a key of at most 15 characters\\)`));
  });

  test('fails if mountMedia has no media, or would share ReadWriteOnce media among several pods', () => {
    expect(() => withWorkers({ celery: { ...celery, mountMedia: true } })).toThrow(/workers\.celery\.mountMedia: mounts the media volume, and the stack has none/);
    const rwo = { media: { accessMode: 'ReadWriteOnce' }, web: { image: 'a/b:1', framework: 'flask', autoscaling: false, replicas: 1 } };
    expect(() => withWorkers({ celery: { ...celery, mountMedia: true } }, rwo)).toThrow(/workers\.celery\.mountMedia: mounts the ReadWriteOnce media volume in up to 2 pods/);
    expect(() => withWorkers({ celery: { ...celery, mountMedia: true, singleton: true } }, rwo)).not.toThrow();
  });

  test('fails if REDIS_URL is set in a worker\'s env, or the env holds a secret', () => {
    expect(() => withWorkers({ celery: { ...celery, env: { REDIS_URL: 'redis://cache:6379/0' } } })).toThrow(/workers\.celery\.env\.REDIS_URL: is set by the stack from the redis section/);
    expect(() => withWorkers({ celery: { ...celery, env: { FLOWER_PASSWORD: 'hunter2hunter2' } } })).toThrow(/workers\.celery\.env\.FLOWER_PASSWORD: .*plain text into git/);
    expect(() => withWorkers({ celery: { command: ['celery', '-A', 'shop', 'worker', '--broker', 'redis://:S3cr3tPassw0rd@cache:6379/0'] } })).toThrow(/workers\.celery\.command\[5\]: .*plain text into git/);
  });

  test('the stack exposes its workers by key', () => {
    const chart = new PythonWebStack(Testing.app(), 'shop', stack({ redis: {}, secrets: { source: 'generated' }, workers: { celery } }));
    expect(chart.workers.celery.workloadName).toBe('shop-worker-celery');
  });
});
