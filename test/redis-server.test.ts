import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PythonWebStack, formatIssue } from '../constructs';
import { envSourcesFrom, resolveContainer } from '../e2e/kubelet-env';
import { container, only, podSpec, stack, synthStack } from './_helpers';
import { Proc, freePorts, logTail, requireProgram, start, stop } from './_servers';

const withRedis = (redis: any = {}, more: any = {}) => synthStack(stack({ redis, secrets: { source: 'generated' }, ...more }));
const redisContainer = (objects: any[]) => container(podSpec(only(objects, 'StatefulSet', 'shop-redis')), 'redis');

describe('RedisServer', () => {
  test('a one-replica StatefulSet with a headless Service, a client Service <name>-redis, its own ServiceAccount', () => {
    const objects = withRedis();
    const sts = only(objects, 'StatefulSet', 'shop-redis');
    expect(sts.spec.replicas).toBe(1);
    expect(only(objects, 'Service', sts.spec.serviceName).spec).toMatchObject({ clusterIP: 'None', selector: sts.spec.selector.matchLabels });
    expect(only(objects, 'Service', 'shop-redis').spec).toMatchObject({ selector: sts.spec.selector.matchLabels, ports: [{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }] });
    expect(podSpec(sts)).toMatchObject({ serviceAccountName: 'shop-redis', automountServiceAccountToken: false, enableServiceLinks: false });
    expect(only(objects, 'ServiceAccount', 'shop-redis').automountServiceAccountToken).toBe(false);
  });

  test('restricted: uid 999 (the official image), read-only root, no capabilities', () => {
    const sts = only(withRedis(), 'StatefulSet', 'shop-redis');
    expect(podSpec(sts).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(redisContainer([sts]).securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  test('the password is read from the Secret by secretKeyRef, and is in no ConfigMap, argument or probe', () => {
    const objects = withRedis();
    const password = only(objects, 'Secret', 'shop-secrets').stringData.REDIS_PASSWORD;
    expect(password).toMatch(/^[0-9a-f]{32}$/);
    const redis = redisContainer(objects);
    expect(redis.env).toEqual([{ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'REDIS_PASSWORD' } } }]);
    const everythingButTheSecret = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    expect(everythingButTheSecret).not.toContain(password);
    expect(only(objects, 'ConfigMap', 'shop-redis').data['redis.conf']).not.toMatch(/requirepass/);
  });

  test('maxmemory is three quarters of the memory limit, and a full Redis refuses writes rather than evicting jobs', () => {
    const conf = (resources?: any) => only(withRedis(resources ? { resources } : {}), 'ConfigMap', 'shop-redis').data['redis.conf'];
    expect(conf()).toMatch(/^maxmemory 201326592$/m); // 256Mi x 0.75
    expect(conf({ limits: { memory: '1Gi' } })).toMatch(/^maxmemory 805306368$/m);
    expect(conf()).toMatch(/^maxmemory-policy noeviction$/m);
    expect(redisContainer(withRedis()).resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });

  test('with storage: an append-only file on the claim <name>-redis-data, kept on delete; without: memory only', () => {
    const objects = withRedis({ storage: { size: '2Gi', storageClassName: 'fast' } });
    const pvc = only(objects, 'PersistentVolumeClaim', 'shop-redis-data');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } });
    expect(pvc.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(podSpec(only(objects, 'StatefulSet', 'shop-redis')).volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'shop-redis-data' } });
    expect(only(objects, 'ConfigMap', 'shop-redis').data['redis.conf']).toMatch(/^appendonly yes$/m);

    const memoryOnly = withRedis();
    expect(memoryOnly.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    expect(only(memoryOnly, 'ConfigMap', 'shop-redis').data['redis.conf']).toMatch(/^appendonly no$/m);
  });

  test('the app and the migration get REDIS_URL built by the kubelet from the password by secretKeyRef', () => {
    const objects = withRedis({}, { web: { image: 'a/b:1', framework: 'django' } });
    for (const pod of [podSpec(only(objects, 'Deployment')), podSpec(only(objects, 'Job'))]) {
      const env = pod.containers[0].env;
      const at = env.findIndex((e: any) => e.name === 'REDIS_URL');
      expect(env[at]).toEqual({ name: 'REDIS_URL', value: 'redis://:$(REDIS_PASSWORD)@shop-redis:6379/0' });
      // $(VAR) expands only variables defined before it.
      expect(env.findIndex((e: any) => e.name === 'REDIS_PASSWORD')).toBeLessThan(at);
      expect(env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'REDIS_PASSWORD' } } });
    }
  });

  test('only the web and migration pods reach port 6379; they may egress to it; Redis egresses to DNS only', () => {
    const objects = withRedis({}, { web: { image: 'a/b:1', framework: 'django' } });
    const policy = only(objects, 'NetworkPolicy', 'shop-redis');
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'shop-redis' });
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-web' } } }, { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-migrate' } } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }]);
    expect(policy.spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[53, 53]]);
    for (const name of ['shop-web', 'shop-migrate']) {
      expect(only(objects, 'NetworkPolicy', name).spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-redis' } } }], ports: [{ protocol: 'TCP', port: 6379 }] });
    }
  });

  test('synced before the migration and the web; counted in the quota', () => {
    const objects = withRedis({ storage: { size: '4Gi' } }, { environment: 'production', secrets: { source: 'existing' } });
    const wave = (kind: string, name: string) => Number(only(objects, kind, name).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('StatefulSet', 'shop-redis')).toBeLessThan(wave('Deployment', 'shop-web'));
    expect(wave('Service', 'shop-redis')).toBeLessThan(wave('Deployment', 'shop-web'));
    const without = only(synthStack(stack({ environment: 'production' })), 'ResourceQuota').spec.hard;
    const hard = only(objects, 'ResourceQuota').spec.hard;
    // The claim counts as any 4Gi claim does (with the quota's headroom).
    const withClaim = only(synthStack(stack({ environment: 'production', media: { size: '4Gi' } })), 'ResourceQuota').spec.hard;
    expect(without.persistentvolumeclaims).toBeUndefined();
    expect(hard.persistentvolumeclaims).toBe(withClaim.persistentvolumeclaims);
    expect(hard['requests.storage']).toBe(withClaim['requests.storage']);
    expect(Number(hard.pods)).toBeGreaterThan(Number(without.pods));
    // 256Mi more with 20% headroom, each total rounded up to a whole Mi.
    expect(parseInt(hard['limits.memory'], 10) - parseInt(without['limits.memory'], 10)).toBeGreaterThanOrEqual(Math.floor(256 * 1.2));
    expect(parseInt(hard['limits.memory'], 10) - parseInt(without['limits.memory'], 10)).toBeLessThanOrEqual(Math.ceil(256 * 1.2));
  });

  test('secrets.source external: the Redis password is generated in the cluster once and kept', () => {
    const objects = synthStack(stack({ environment: 'production', redis: {}, secrets: { source: 'external', external: { storeName: 'vault', remoteKey: 'k' } } }));
    const generator = only(objects, 'Password', 'shop-redis-password');
    expect(generator.spec).toMatchObject({ secretKeys: ['REDIS_PASSWORD'], symbols: 0 });
    const es = only(objects, 'ExternalSecret', 'shop-redis-password');
    expect(es.spec).toMatchObject({ refreshPolicy: 'CreatedOnce', target: { name: 'shop-redis-password', creationPolicy: 'Orphan' } });
    expect(redisContainer(objects).env[0].valueFrom.secretKeyRef).toEqual({ name: 'shop-redis-password', key: 'REDIS_PASSWORD' });
    expect(container(podSpec(only(objects, 'Deployment')), 'app').env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-redis-password', key: 'REDIS_PASSWORD' } } });
  });

  test('secrets.source existing: the key REDIS_PASSWORD of the existing Secret', () => {
    const objects = synthStack(stack({ environment: 'production', redis: {}, secrets: { source: 'existing', existingSecret: 'shop-prod' } }));
    expect(redisContainer(objects).env[0].valueFrom.secretKeyRef).toEqual({ name: 'shop-prod', key: 'REDIS_PASSWORD' });
    expect(objects.filter((o) => o.kind === 'Secret' || o.kind === 'ExternalSecret')).toEqual([]);
  });

  test('external: no Redis is deployed; REDIS_URL is the urlKey by secretKeyRef', () => {
    const objects = synthStack(stack({ environment: 'production', redis: { external: { urlKey: 'CACHE_URL' } }, secrets: { source: 'existing', keys: ['CACHE_URL'] } }));
    expect(objects.filter((o) => o.metadata.name.includes('redis'))).toEqual([]);
    const env = container(podSpec(only(objects, 'Deployment')), 'app').env;
    expect(env).toContainEqual({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'CACHE_URL' } } });
    // Named REDIS_URL itself, the key is the env var already, once.
    const same = synthStack(stack({ environment: 'production', redis: { external: { urlKey: 'REDIS_URL' } }, secrets: { source: 'existing', keys: ['REDIS_URL'] } }));
    expect(container(podSpec(only(same, 'Deployment')), 'app').env.filter((e: any) => e.name === 'REDIS_URL')).toEqual([{ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'REDIS_URL' } } }]);
  });

  test('redis.env: the URL under the app\'s own names (Celery, paperless-ngx), each built by the kubelet from the password', () => {
    // GIVEN an app that reads CELERY_BROKER_URL and PAPERLESS_REDIS instead of REDIS_URL
    const objects = withRedis({ env: ['CELERY_BROKER_URL', 'PAPERLESS_REDIS'] }, { web: { image: 'a/b:1', framework: 'django' }, workers: { celery: { command: ['celery', 'worker'] } } });
    for (const pod of [podSpec(only(objects, 'Deployment', 'shop-web')), podSpec(only(objects, 'Job')), podSpec(only(objects, 'Deployment', 'shop-worker-celery'))]) {
      const env = pod.containers[0].env;
      const names = env.map((e: any) => e.name);
      // THEN each name holds the URL, after the password it expands, and REDIS_URL is not set
      expect(names).not.toContain('REDIS_URL');
      for (const name of ['CELERY_BROKER_URL', 'PAPERLESS_REDIS']) {
        expect(env).toContainEqual({ name, value: 'redis://:$(REDIS_PASSWORD)@shop-redis:6379/0' });
        expect(names.indexOf('REDIS_PASSWORD')).toBeLessThan(names.indexOf(name));
      }
      const resolvedEnv = resolveContainer(pod.containers[0], envSourcesFrom(objects)).env;
      expect(resolvedEnv.get('PAPERLESS_REDIS')).toMatch(/^redis:\/\/:[A-Za-z0-9]{16,}@shop-redis:6379\/0$/);
    }
    // AND the worker's readiness probe reads the first of them
    expect(container(podSpec(only(objects, 'Deployment', 'shop-worker-celery')), 'worker').readinessProbe.exec.command[2]).toContain("os.environ['CELERY_BROKER_URL']");
  });

  test('redis.env with external: every name reads the urlKey by secretKeyRef; the urlKey itself stays the secret key', () => {
    const objects = synthStack(stack({ environment: 'production', redis: { external: { urlKey: 'CELERY_BROKER_URL' }, env: ['CELERY_BROKER_URL', 'PAPERLESS_REDIS'] }, secrets: { source: 'existing', keys: ['CELERY_BROKER_URL'] } }));
    const env = container(podSpec(only(objects, 'Deployment')), 'app').env;
    expect(env.filter((e: any) => ['REDIS_URL', 'CELERY_BROKER_URL', 'PAPERLESS_REDIS'].includes(e.name))).toEqual([
      { name: 'CELERY_BROKER_URL', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'CELERY_BROKER_URL' } } },
      { name: 'PAPERLESS_REDIS', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'CELERY_BROKER_URL' } } },
    ]);
  });

  test('fails if a name of redis.env is listed twice, is the password, or is set by the stack, web.env, secrets.keys or the database', () => {
    const issues = (redis: any, more: any = {}) => PythonWebStack.validate(stack({ redis, secrets: { source: 'generated' }, ...more })).map(formatIssue);
    expect(issues({ env: ['BROKER', 'BROKER'] })).toEqual(['redis.env[1]: is listed twice (got "BROKER"; allowed: each name once)']);
    expect(issues({ env: ['REDIS_PASSWORD'] })).toEqual([
      'redis.env[0]: is the in-cluster Redis\'s password, which the URL is built from (got "REDIS_PASSWORD"; allowed: a name for the URL, such as CELERY_BROKER_URL)',
    ]);
    expect(issues({ env: ['PORT'] })).toEqual([expect.stringMatching(/^redis\.env\[0\]: is an env var the stack sets itself \(got "PORT"/)]);
    expect(issues({ env: ['PGHOST'] }, { database: {} })).toEqual([expect.stringMatching(/^redis\.env\[0\]: is an env var the database section sets \(got "PGHOST"/)]);
    expect(issues({ env: ['BROKER'] }, { web: { image: 'a/b:1', framework: 'flask', env: { BROKER: 'redis://cache:6379/0' } } })).toEqual(['web.env.BROKER: is set by the stack from the redis section (allowed: remove it; for a managed Redis use redis.external.urlKey)']);
    expect(issues({ env: ['BROKER'] }, { secrets: { source: 'generated', keys: ['BROKER'] } })).toEqual([expect.stringMatching(/^secrets\.keys\[0\]: is set by the stack for its in-cluster Redis \(got "BROKER"/)]);
    expect(issues({ external: { urlKey: 'CACHE_URL' }, env: ['BROKER'] }, { secrets: { source: 'generated', keys: ['CACHE_URL', 'BROKER'] } })).toEqual([
      'secrets.keys[1]: is one of redis.env, which the stack sets to the URL of CACHE_URL: the app would get it twice (got "BROKER"; allowed: remove it, or make it the urlKey)',
    ]);
    expect(issues({ env: [] })).toEqual([expect.stringMatching(/^redis\.env: .*allowed: at least one env var name, such as \[REDIS_URL, CELERY_BROKER_URL\]/)]);
  });

  test('fails if REDIS_URL or REDIS_PASSWORD is set in web.env or secrets.keys beside the in-cluster Redis', () => {
    expect(() => withRedis({}, { web: { image: 'a/b:1', framework: 'flask', env: { REDIS_URL: 'redis://cache:6379/0' } } })).toThrow(/web\.env\.REDIS_URL: is set by the stack from the redis section/);
    expect(() => withRedis({}, { secrets: { source: 'generated', keys: ['REDIS_PASSWORD'] } })).toThrow(/secrets\.keys\[0\]: is set by the stack for its in-cluster Redis \(got "REDIS_PASSWORD"/);
  });

  test('fails if redis.external names a key that is not in secrets.keys, or is mixed with in-cluster settings', () => {
    expect(() => withRedis({ external: { urlKey: 'REDIS_URL' } })).toThrow(/redis\.external\.urlKey: is not one of secrets\.keys, where the URL \(with its password\) must come from \(got "REDIS_URL"; allowed: add REDIS_URL to secrets\.keys\)/);
    expect(() => withRedis({ external: { urlKey: 'REDIS_URL' }, storage: {} }, { secrets: { source: 'generated', keys: ['REDIS_URL'] } })).toThrow(/redis\.storage: configures the in-cluster Redis, which redis\.external replaces/);
  });

  test('fails if the memory limit leaves Redis no room, or the size is not a quantity', () => {
    expect(() => withRedis({ resources: { requests: { memory: '8Mi' }, limits: { memory: '16Mi' } } })).toThrow(/redis\.resources\.limits\.memory: leaves Redis no room for data .*\(got "16Mi"; allowed: at least 32Mi\)/);
    expect(() => withRedis({ storage: { size: 'lots' } })).toThrow(/redis\.storage\.size/);
  });
});

// A real Redis (Debian's redis-server), started exactly as the pod starts it: the synthesized
// command, config file and password from the synthesized Secret. Only what a cluster would
// change is changed: the listen address and port, and the data folder.
describe('RedisServer with a real redis-server', () => {
  let tmp: string;
  let redis: Proc | undefined;
  let port: number;
  let password: string;
  let probe: string[];
  let redisCli: string;

  let imagePath: string;
  const env = (auth?: string) => [`PATH=${imagePath}`, ...(auth === undefined ? [] : [`REDISCLI_AUTH=${auth}`])];
  const cli = (args: string[], auth?: string) => spawnSync('/usr/bin/env', ['-i', ...env(auth), redisCli, '-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 5_000 });
  // The readiness probe's own command; only its port argument is the local one.
  const ready = (auth?: string) => spawnSync('/usr/bin/env', ['-i', ...env(auth), ...probe.slice(0, -1), String(port)], { encoding: 'utf8', timeout: 5_000 }).status === 0;

  async function startRedis(objects: any[], auth: string): Promise<Proc> {
    const c = redisContainer(objects);
    const dataDir = path.join(tmp, 'data');
    const confDir = path.join(tmp, 'conf');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(confDir, { recursive: true });
    let conf: string = only(objects, 'ConfigMap', 'shop-redis').data['redis.conf'];
    const replaceOnce = (from: string, to: string) => {
      expect(conf.split(from)).toHaveLength(2);
      conf = conf.replace(from, to);
    };
    replaceOnce('bind * -::*', 'bind 127.0.0.1');
    replaceOnce('port 6379', `port ${port}`);
    replaceOnce(`dir ${c.volumeMounts.find((m: any) => m.name === 'data').mountPath}`, `dir ${dataDir}`);
    const confMount = c.volumeMounts.find((m: any) => m.name === 'config').mountPath;
    fs.writeFileSync(path.join(confDir, 'redis.conf'), conf);
    // The command as synthesized; its config file argument is the mounted ConfigMap's file.
    const command = c.command.map((a: string) => (a === `${confMount}/redis.conf` ? path.join(confDir, 'redis.conf') : a));
    expect(command).not.toEqual(c.command);
    const proc = start('redis', '/usr/bin/env', ['-i', ...env(auth), ...command], 'SIGTERM', path.join(tmp, 'redis.log'));
    const deadline = Date.now() + 10_000;
    while (!ready(auth)) {
      if (proc.exit !== undefined) throw new Error(`redis stopped (${proc.exit}):\n${logTail(proc)}`);
      if (Date.now() > deadline) throw new Error(`redis not ready after 10 s:\n${logTail(proc)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return proc;
  }

  const objects = withRedis({ storage: {} });

  beforeAll(async () => {
    redisCli = requireProgram('redis-cli');
    // The image's PATH: where redis-server and redis-cli are here, and the shell.
    imagePath = [...new Set([path.dirname(requireProgram('redis-server')), path.dirname(redisCli)]), '/usr/bin', '/bin'].join(':');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-test-'));
    [port] = await freePorts(1);
    const ref = redisContainer(objects).env[0].valueFrom.secretKeyRef;
    password = only(objects, 'Secret', ref.name).stringData[ref.key];
    probe = redisContainer(objects).readinessProbe.exec.command;
    expect(probe[probe.length - 1]).toBe('6379');
    redis = await startRedis(objects, password);
  }, 20_000);

  afterAll(async () => {
    await stop(redis);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('requires the password from the Secret, which is in no process argument', () => {
    expect(cli(['ping']).stdout.trim()).toMatch(/^NOAUTH/);
    expect(cli(['ping'], 'wrong').stderr).toMatch(/WRONGPASS/);
    expect(cli(['ping'], password).stdout.trim()).toBe('PONG');
    const argv = fs.readFileSync(`/proc/${redis!.child.pid}/cmdline`, 'utf8');
    expect(argv).toMatch(/redis-server/);
    expect(argv).not.toContain(password);
  });

  test('the readiness probe passes only with the right password', () => {
    expect(ready(password)).toBe(true);
    expect(ready('wrong')).toBe(false);
  });

  test('runs with the synthesized maxmemory and eviction policy', () => {
    expect(cli(['config', 'get', 'maxmemory'], password).stdout.split('\n')[1]).toBe('201326592');
    expect(cli(['config', 'get', 'maxmemory-policy'], password).stdout.split('\n')[1]).toBe('noeviction');
  });

  test('with storage, a queued job survives a restart (append-only file)', async () => {
    expect(cli(['rpush', 'celery', 'job-1'], password).stdout.trim()).toBe('1');
    await stop(redis);
    expect(logTail(redis!)).toMatch(/ready to exit/);
    redis = await startRedis(objects, password);
    expect(cli(['lrange', 'celery', '0', '-1'], password).stdout.trim()).toBe('job-1');
  }, 20_000);

  test('redis.env: the worker\'s readiness probe and the app reach the real Redis through the URL under the app\'s own name', () => {
    // GIVEN the same stack, whose app and Celery worker read CELERY_BROKER_URL
    const named = withRedis({ storage: {}, env: ['CELERY_BROKER_URL'] }, { workers: { celery: { command: ['celery', 'worker'] } } });
    const worker = container(podSpec(only(named, 'Deployment', 'shop-worker-celery')), 'worker');
    const env = resolveContainer(worker, envSourcesFrom(named)).env;
    // Only the Service's address is the local one.
    const url = env.get('CELERY_BROKER_URL')!.replace('@shop-redis:6379/', `@127.0.0.1:${port}/`);
    expect(url).toBe(`redis://:${password}@127.0.0.1:${port}/0`);
    // WHEN the probe runs as synthesized (with Debian's python3 for the image's python)
    const [, ...probeArgs] = worker.readinessProbe.exec.command;
    const runProbe = (value: string) => spawnSync(requireProgram('python3'), probeArgs, { env: { CELERY_BROKER_URL: value }, encoding: 'utf8', timeout: 10_000 });
    // THEN it passes against the running Redis, and fails where nothing listens
    expect(runProbe(url)).toMatchObject({ status: 0, stderr: '' });
    expect(runProbe(url.replace(`:${port}/`, ':1/')).status).not.toBe(0);
    // AND the URL authenticates with the client library Celery and RQ use (redis-py)
    const ping = spawnSync(requireProgram('python3'), ['-c', 'import os, redis; print(redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).ping())'], { env: { CELERY_BROKER_URL: url }, encoding: 'utf8', timeout: 10_000 });
    expect(ping).toMatchObject({ status: 0, stdout: 'True\n' });
  });

  test('fails if the Secret has no password: the container stops at once, saying why', async () => {
    const proc = start('redis-no-password', '/usr/bin/env', ['-i', ...env(''), ...redisContainer(objects).command], 'SIGTERM', path.join(tmp, 'no-password.log'));
    await proc.exited;
    expect(proc.exit).toBe('exit code 1, signal null');
    expect(logTail(proc)).toMatch(/REDISCLI_AUTH is empty: the Redis password is missing from its Secret/);
  });
});
