import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as yaml from 'js-yaml';
import {
  freePorts, listenOnLoopback, logTail, Proc, requireProgram, request, Response, start, stop, waitUntilReady,
} from '../test/_servers';
import { EnvSources, envSourcesFrom, resolveContainer } from './kubelet-env';
import { LocalRedis, startRedis } from './local-redis';
import { ScrapeJob, api, eventually, query, scrapeJobs, startPrometheus, writeConfig } from './prometheus';
import {
  Container, containerNamed, containerPort, K8sObject, lookupUser, mapNginxPaths, mapPaths, only, pathMap, PodSpec, podVolumes,
  nginxPaths, processArgv, replaceOnce, run, User, which,
} from './local-pod';

// End to end with real processes: the manifests synthesized from examples/flask-shop.yaml, run on
// 127.0.0.1 with Debian's PostgreSQL (any major), Redis, gunicorn and nginx and the sample app of examples/app.
// Every value comes from the synthesized objects (env, commands, probes, ports, the nginx.conf,
// redis.conf); the only changes are those a cluster makes for real: the Postgres and Redis Service
// names and the ports become 127.0.0.1 and free ports, and container paths become folders of a
// temp dir.

const ROOT = path.resolve(__dirname, '..');
const STACK_FILE = path.join(ROOT, 'examples', 'flask-shop.yaml');
const APP_DIR = path.join(ROOT, 'examples', 'app');
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const IS_ROOT = process.getuid?.() === 0;

interface Env { tmp: string; logs: string; appPort: number; nginxPort: number; pgPort: number; redisPort: number }

let env: Env | undefined;
let tmp: string | undefined;
let postgres: Proc | undefined;
let gunicorn: Proc | undefined;
let nginx: Proc | undefined;
let redis: LocalRedis | undefined;
let worker: Proc | undefined;

// Filled by beforeAll for the tests.
let objects: K8sObject[] = [];
let sources: EnvSources;
let web: PodSpec;
let app: Container;
let nginxContainer: Container;
let mediaDir = '';
let staticDir = '';
let migrationRuns: string[] = [];
let pgEnv: Record<string, string> = {};
let appEnv: Map<string, string> = new Map();
let hostPort: (c: Container, port: number | string) => number;
/** The worker Deployment's container and the CronJob's, resolved as the kubelet would (filled by beforeAll). */
let workerRun: { argv: string[]; env: Map<string, string>; container: Container } | undefined;
let scheduleRun: { argv: string[]; env: Map<string, string> } | undefined;
let queuedJob: { id: number; url: string } | undefined;
/** Local ports of the monitoring part (exporters, stub_status, Prometheus), and what they stand for. */
let mon: { statusContainerPort: number; statusPort: number; nginxExporterPort: number; pgExporterPort: number; redisExporterPort: number; workerMetricsPort: number; promPort: number; pgContainerPort: number } | undefined;
/** Exit statuses of the two runs of the Postgres container's postStart hook. */
let hookRuns: Array<number | null> = [];
let psql: (sql: string, opts?: { overTcpWithPassword?: string; check?: boolean }) => { status: number | null; output: string };

/** The image's WORKDIR (the last one of the Dockerfile): the app's source folder stands for it. */
function imageWorkdir(): string {
  const lines = fs.readFileSync(path.join(APP_DIR, 'Dockerfile'), 'utf8').split('\n').filter((l) => /^\s*WORKDIR\s+/i.test(l));
  if (lines.length === 0) throw new Error('examples/app/Dockerfile has no WORKDIR');
  return lines[lines.length - 1].trim().split(/\s+/)[1];
}

/** The ConfigMap key an env var of the container comes from; sets it to `to` after checking its value. */
function remapConfigMapKey(container: Container, envName: string, expected: string, to: string): void {
  const ref = container.env?.find((e) => e.name === envName)?.valueFrom?.configMapKeyRef;
  if (!ref) throw new Error(`${envName} of container '${container.name}' is not from a ConfigMap`);
  const data = sources.configMaps.get(ref.name);
  expect(data?.[ref.key]).toBe(expected);
  data![ref.key] = to;
}

function probes(c: Container) {
  return [c.readinessProbe, c.livenessProbe, c.startupProbe].filter((p) => p !== undefined);
}

beforeAll(async () => {
  const started = Date.now();
  const postgresBin = requireProgram('postgres');
  const gunicornBin = requireProgram('gunicorn');
  const nginxBin = requireProgram('nginx');
  const python3 = requireProgram('python3');

  // ---- The synthesized objects ----------------------------------------------------------------
  objects = (yaml.loadAll(synthesize(STACK_FILE, 'development/flask-shop.k8s.yaml')) as K8sObject[]).filter((o) => o && typeof o === 'object');
  sources = envSourcesFrom(objects);
  const deployment = only(objects, 'Deployment', (d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'web');
  const statefulSet = only(objects, 'StatefulSet', (s) => s.metadata.labels?.['app.kubernetes.io/component'] === 'database');
  const redisSts = only(objects, 'StatefulSet', (s) => s.metadata.labels?.['app.kubernetes.io/component'] === 'redis');
  const job = only(objects, 'Job', (j) => /-migrate-[0-9a-f]+$/.test(j.metadata.name));
  web = deployment.spec.template.spec;
  const pgPod: PodSpec = statefulSet.spec.template.spec;
  const jobPod: PodSpec = job.spec.template.spec;
  app = containerNamed(web, 'app');
  nginxContainer = containerNamed(web, 'nginx');
  const copyStatic = containerNamed(web, 'copy-static');
  const pgContainer = containerNamed(pgPod, 'postgres');
  const migrate = jobPod.containers[0];

  // ---- Ports: each containerPort gets a free port on 127.0.0.1 -------------------------------
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flask-shop-e2e-'));
  tmp = root;
  fs.chmodSync(root, 0o755); // Postgres runs as an unprivileged user and must reach its folders
  const [appPort, nginxPort, pgPort, redisPort, statusPort, nginxExporterPort, pgExporterPort, redisExporterPort, workerMetricsPort, promPort] = await freePorts(10);
  env = { tmp, logs: path.join(tmp, 'logs'), appPort, nginxPort, pgPort, redisPort };
  fs.mkdirSync(env.logs);
  const log = (name: string) => path.join(env!.logs, name);

  // What a cluster provides: the Service name of Postgres resolves to its pod, the pod has its own
  // ports. PGHOST must name the Postgres Service, PGPORT its port, PORT the app's containerPort.
  const pgService = sources.configMaps.get(app.env!.find((e) => e.name === 'PGHOST')!.valueFrom!.configMapKeyRef!.name)!.PGHOST;
  const service = only(objects, 'Service', (s) => s.metadata.name === pgService);
  expect(service.spec.selector).toEqual(Object.fromEntries(Object.entries(statefulSet.spec.template.metadata.labels)
    .filter(([k]) => k in service.spec.selector)));
  const pgContainerPort = containerPort(pgContainer, service.spec.ports[0].targetPort);
  const appContainerPort = containerPort(app, 'app');
  const nginxContainerPort = containerPort(nginxContainer, 'http');
  // monitoring: the nginx exporter reads stub_status on the pod's loopback, at the port its args name.
  const scrapeUri = containerNamed(web, 'nginx-exporter').args!.find((a) => a.startsWith('--nginx.scrape-uri='))!;
  const statusContainerPort = Number(/^--nginx\.scrape-uri=http:\/\/127\.0\.0\.1:(\d+)\/stub_status$/.exec(scrapeUri)![1]);
  mon = { statusContainerPort, statusPort, nginxExporterPort, pgExporterPort, redisExporterPort, workerMetricsPort, promPort, pgContainerPort };
  remapConfigMapKey(app, 'PGHOST', pgService, '127.0.0.1');
  remapConfigMapKey(app, 'PGPORT', String(service.spec.ports[0].port), String(pgPort));
  remapConfigMapKey(app, 'PORT', String(appContainerPort), String(appPort));
  // REDIS_URL names the Redis Service and its port: they become 127.0.0.1 and Redis's local port.
  const redisService = only(objects, 'Service', (s) => s.spec.type === 'ClusterIP' && s.metadata.labels?.['app.kubernetes.io/component'] === 'redis');
  expect(redisService.spec.selector).toEqual(Object.fromEntries(Object.entries(redisSts.spec.template.metadata.labels)
    .filter(([k]) => k in redisService.spec.selector)));
  const workerDeployment = only(objects, 'Deployment', (d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'worker');
  const cronJob = only(objects, 'CronJob');
  const workerContainer = containerNamed(workerDeployment.spec.template.spec, 'worker');
  const cronContainer: Container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
  for (const c of [app, workerContainer, cronContainer, ...(only(objects, 'Job', (j) => /-migrate-[0-9a-f]+$/.test(j.metadata.name)).spec.template.spec.containers as Container[])]) {
    const url = c.env!.find((e) => e.name === 'REDIS_URL')! as { value: string };
    url.value = replaceOnce(url.value, `@${redisService.metadata.name}:${redisService.spec.ports[0].port}/`, `@127.0.0.1:${redisPort}/`);
  }
  hostPort = (c: Container, port: number | string): number => {
    const p = containerPort(c, port);
    const mapped = ({ [appContainerPort]: appPort, [nginxContainerPort]: nginxPort, [pgContainerPort]: pgPort } as Record<number, number>)[p];
    if (mapped === undefined) throw new Error(`no local port for containerPort ${p}`);
    return mapped;
  };

  // ---- "Images": a PATH of local binaries each; the app image's WORKDIR is examples/app ----------
  const imageBin = path.join(tmp, 'app-image-bin');
  fs.mkdirSync(imageBin);
  fs.symlinkSync(python3, path.join(imageBin, 'python'));
  fs.symlinkSync(python3, path.join(imageBin, 'python3'));
  fs.symlinkSync(gunicornBin, path.join(imageBin, 'gunicorn'));
  const appImage = { PATH: `${imageBin}:${SYSTEM_PATH}`, root: { [imageWorkdir()]: APP_DIR } };
  const pgImage = { PATH: `${path.dirname(postgresBin)}:${SYSTEM_PATH}` };

  /** A container's command and env, resolved like the kubelet does, container paths mapped. */
  const resolve = (c: Container, volumes: Map<string, string>, image: { PATH: string; root?: Record<string, string> }) => {
    const r = resolveContainer(c, sources);
    const map = pathMap(c, volumes, image.root);
    const envOut = new Map([...r.env].map(([k, v]) => [k, mapPaths([v], map)[0]]));
    if (!envOut.has('PATH')) envOut.set('PATH', image.PATH); // the image's ENV PATH
    const argv = mapPaths([...r.command, ...r.args], map);
    for (const a of argv) expect(a).not.toMatch(/\$\([A-Z_]+\)/); // every $(VAR) was resolvable
    // No command: the image's own entrypoint, which the caller reproduces.
    return { env: envOut, argv: argv.length ? [which(argv[0], image.PATH), ...argv.slice(1)] : [], map };
  };

  // ---- Postgres: the StatefulSet's container, initialized as the postgres image's entrypoint does
  const pgUser: User | undefined = IS_ROOT ? lookupUser('nobody') : undefined; // postgres refuses to run as root
  const pgVolumes = podVolumes(tmp, statefulSet.metadata.name, pgPod, sources.configMaps);
  for (const dir of pgVolumes.values()) if (pgUser) fs.chownSync(dir, pgUser.uid, pgUser.gid);
  const pg = resolve(pgContainer, pgVolumes, pgImage);
  pgEnv = Object.fromEntries(pg.env);
  const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA } = pgEnv;
  expect(POSTGRES_PASSWORD).toBe(sources.secrets.get(pgContainer.env!.find((e) => e.name === 'POSTGRES_PASSWORD')!.valueFrom!.secretKeyRef!.name)!.POSTGRES_PASSWORD);
  expect(POSTGRES_PASSWORD).toMatch(/^\S{16,}$/);
  expect(PGDATA.startsWith(tmp)).toBe(true);
  const socketDir = pg.map('/var/run/postgresql'); // the image's unix socket folder, a volume in the pod
  expect(socketDir?.startsWith(tmp)).toBe(true);
  const pwFile = path.join(tmp, 'pgpass-init');
  fs.writeFileSync(pwFile, `${POSTGRES_PASSWORD}\n`, { mode: 0o600 });
  if (pgUser) fs.chownSync(pwFile, pgUser.uid, pgUser.gid);
  run(processArgv([which('initdb', pgImage.PATH), '-D', PGDATA, `--username=${POSTGRES_USER}`, `--pwfile=${pwFile}`,
    '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-sync'], pg.env, tmp, pgUser),
  { logFile: log('initdb.log'), timeoutMs: 30_000 });
  fs.rmSync(pwFile);
  // The image runs `postgres` listening on all addresses of the pod: here 127.0.0.1 only.
  postgres = start('postgres', ...splitArgv(processArgv([postgresBin, '-D', PGDATA, '-p', String(pgPort),
    '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`], pg.env, tmp, pgUser)), 'SIGINT', log('postgres.log'));
  // Ready when the StatefulSet's own readiness probe command says so (its port mapped).
  const probe = pgContainer.readinessProbe!.exec!.command;
  const probeArgv = probe.map((a, i) => (probe[i - 1] === '--port' ? String(hostPort(pgContainer, Number(a))) : a));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (postgres.exit !== undefined) throw new Error(`postgres stopped (${postgres.exit}):\n${logTail(postgres)}`);
    if (run(processArgv([which(probeArgv[0], pgImage.PATH), ...probeArgv.slice(1)], new Map([['PATH', pgImage.PATH]]), tmp),
      { logFile: log('pg_isready.log'), check: false, timeoutMs: 5_000 }).status === 0) break;
    if (Date.now() > deadline) throw new Error(`postgres not ready after 15 s:\n${logTail(postgres)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  psql = (sql, opts = {}) => {
    const psqlEnv = new Map([['PATH', pgImage.PATH], ['PGPASSWORD', opts.overTcpWithPassword ?? '']]);
    const where = opts.overTcpWithPassword !== undefined ? ['-h', '127.0.0.1'] : ['-h', socketDir!];
    return run(processArgv([which('psql', pgImage.PATH), ...where, '-p', String(pgPort), '-U', POSTGRES_USER, '-d', POSTGRES_DB,
      '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', '-'], psqlEnv, root, pgUser), { logFile: log('psql.log'), input: sql, check: opts.check });
  };
  // The postgres image's entrypoint creates POSTGRES_DB (its superuser is POSTGRES_USER, from initdb).
  run(processArgv([which('psql', pgImage.PATH), '-h', socketDir!, '-p', String(pgPort), '-U', POSTGRES_USER, '-d', 'postgres',
    '-X', '-v', 'ON_ERROR_STOP=1', '-v', `db=${POSTGRES_DB}`, '-f', '-'], new Map([['PATH', pgImage.PATH]]), tmp, pgUser),
  { logFile: log('psql.log'), input: 'CREATE DATABASE :"db";\n' });
  // The Postgres container's postStart hook (monitoring: the exporter's pg_monitor role), with the
  // container's env as the kubelet gives it; only the socket folder and the port are this machine's.
  // Twice, as every restart of the container runs it again.
  const hook: string[] = (pgContainer as any).lifecycle.postStart.exec.command;
  expect(hook.slice(0, 2)).toEqual(['sh', '-c']);
  const hookScript = replaceOnce(hook[2], `-h /var/run/postgresql -p ${pgContainerPort} `, `-h ${socketDir} -p ${pgPort} `);
  hookRuns = [1, 2].map(() => run(processArgv([which('sh', pgImage.PATH), '-c', hookScript], pg.env, tmp!, pgUser), { logFile: log('poststart.log'), timeoutMs: 30_000 }).status);

  // ---- Redis: the StatefulSet's container, its password from the Secret -----------------------
  redis = await startRedis(redisSts, sources, tmp, redisPort, pgUser, env.logs);
  expect(containerPort(containerNamed(redisSts.spec.template.spec, 'redis'), redisService.spec.ports[0].targetPort)).toBe(redis.containerPort);

  // ---- The migration Job's container, twice (a Job may be retried): cwd = the image's WORKDIR --
  const jobVolumes = podVolumes(tmp, job.metadata.name, jobPod, sources.configMaps);
  const mig = resolve(migrate, jobVolumes, appImage);
  migrationRuns = [1, 2].map((i) => run(processArgv(mig.argv, mig.env, APP_DIR), { logFile: log(`migrate-${i}.log`), timeoutMs: 30_000 }).output);

  // ---- The web pod: volumes, then the init container, then app and nginx ----------------------
  const webVolumes = podVolumes(tmp, deployment.metadata.name, web, sources.configMaps);
  const init = resolve(copyStatic, webVolumes, appImage);
  run(processArgv(init.argv, init.env, APP_DIR), { logFile: log('copy-static.log') });
  staticDir = pathMap(nginxContainer, webVolumes)('/var/www/static')!;
  mediaDir = pathMap(nginxContainer, webVolumes)('/var/www/media')!;

  const gun = resolve(app, webVolumes, appImage);
  // logs.format json: GUNICORN_CMD_ARGS names the config file on its ConfigMap volume; the path in
  // the value is a container path like any other, mapped to the volume's folder here.
  const cmdArgs = /^--config (\/\S+)$/.exec(gun.env.get('GUNICORN_CMD_ARGS') ?? '');
  expect(cmdArgs).not.toBeNull();
  const gunicornConf = gun.map(cmdArgs![1])!;
  expect(gunicornConf.startsWith(tmp)).toBe(true);
  expect(fs.readFileSync(gunicornConf, 'utf8')).toContain('logger_class = JsonAccessLogger');
  gun.env.set('GUNICORN_CMD_ARGS', `--config ${gunicornConf}`);
  appEnv = gun.env;
  // gunicorn --bind 0.0.0.0:$(PORT): only the bind host changes, to loopback.
  const bind = gun.argv.indexOf('--bind') + 1;
  expect(bind).toBeGreaterThan(0);
  expect(gun.argv[bind]).toBe(`0.0.0.0:${appPort}`);
  gun.argv[bind] = `127.0.0.1:${appPort}`;
  gunicorn = start('gunicorn', ...splitArgv(processArgv(gun.argv, gun.env, APP_DIR)), 'SIGTERM', log('gunicorn.log'));

  // The worker and the schedule: the same image, env and pod builder as the app; started by the tests.
  // The worker's metrics server listens on METRICS_PORT (its env), the container port `metrics`.
  remapConfigMapKey(workerContainer, 'METRICS_PORT', String(containerPort(workerContainer, 'metrics')), String(mon.workerMetricsPort));
  const wk = resolve(workerContainer, podVolumes(tmp, workerDeployment.metadata.name, workerDeployment.spec.template.spec, sources.configMaps), appImage);
  workerRun = { argv: wk.argv, env: wk.env, container: workerContainer };
  const cr = resolve(cronContainer, podVolumes(tmp, cronJob.metadata.name, cronJob.spec.jobTemplate.spec.template.spec, sources.configMaps), appImage);
  scheduleRun = { argv: cr.argv, env: cr.env };

  // nginx: the conf from the ConfigMap mounted at /etc/nginx/nginx.conf, with its ports and paths mapped.
  const confMount = nginxContainer.volumeMounts!.find((m) => m.mountPath === '/etc/nginx/nginx.conf')!;
  let conf = fs.readFileSync(path.join(webVolumes.get(confMount.name)!, confMount.subPath!), 'utf8');
  conf = replaceOnce(conf, `listen ${nginxContainerPort};`, `listen ${nginxPort};`);
  conf = listenOnLoopback(conf, nginxPort);
  conf = replaceOnce(conf, `proxy_pass http://127.0.0.1:${appContainerPort};`, `proxy_pass http://127.0.0.1:${appPort};`);
  conf = replaceOnce(conf, `listen 127.0.0.1:${statusContainerPort};`, `listen 127.0.0.1:${statusPort};`);
  const nginxMap = pathMap(nginxContainer, webVolumes);
  const containerPaths = nginxPaths(conf);
  conf = mapNginxPaths(conf, nginxMap);
  // Every path on a volume now points into the temp folder; the others (/dev/stdout, the image's
  // /etc/nginx/mime.types) are the same on this machine.
  expect(nginxPaths(conf)).toEqual(containerPaths.map((p) => nginxMap(p) ?? p));
  for (const p of nginxPaths(conf)) if (!p.startsWith(tmp)) expect(['/dev/stdout', '/dev/stderr', '/etc/nginx/mime.types']).toContain(p);
  // As root, nginx workers would switch to `nobody`, who cannot read our temp folders; in the pod
  // nginx never runs as root. This line goes into the test copy only (see test/nginx-conf.test.ts).
  const testConf = path.join(tmp, 'nginx.e2e.conf');
  fs.writeFileSync(testConf, (IS_ROOT ? 'user root;\n' : '') + conf);
  const nginxCommand = resolveContainer(nginxContainer, sources).command; // nginx -g 'daemon off;'
  expect(nginxCommand[0]).toBe('nginx');
  const prefix = path.join(tmp, 'nginx-prefix');
  fs.mkdirSync(prefix);
  nginx = start('nginx', nginxBin, ['-p', `${prefix}/`, '-c', testConf, '-e', 'stderr', ...nginxCommand.slice(1)], 'SIGTERM', log('nginx.log'));

  // Ready as the kubelet decides it: each container's readiness probe, on its (mapped) port.
  await waitUntilReady(gunicorn, hostPort(app, app.readinessProbe!.httpGet!.port), app.readinessProbe!.httpGet!.path, 20_000);
  await waitUntilReady(nginx, hostPort(nginxContainer, nginxContainer.readinessProbe!.httpGet!.port), nginxContainer.readinessProbe!.httpGet!.path);
  console.log(`flask-shop e2e: stack up in ${Date.now() - started} ms (postgres :${pgPort}, redis :${redisPort}, gunicorn :${appPort}, nginx :${nginxPort})`);
}, 50_000);

afterAll(async () => {
  await Promise.all([stop(nginx), stop(gunicorn), stop(worker)]);
  await Promise.all([stop(postgres), stop(redis?.proc)]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}, 20_000);

/**
 * One file of the stack's render by the synth command (bundled by `npm run e2e`), written into a
 * temp folder: dist/ holds what the project renders by default, which may be a user's stacks/.
 */
function synthesize(stackFile: string, file: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flask-shop-render-'));
  try {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'build/main.js'), '--config', stackFile, '--outdir', path.join(out, 'dist')], { encoding: 'utf-8' });
    if (r.status !== 0) throw new Error(`synth failed (${r.status}): ${r.stderr}`);
    return fs.readFileSync(path.join(out, 'dist', file), 'utf-8');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function splitArgv(argv: string[]): [string, string[]] {
  return [argv[0], argv.slice(1)];
}

const viaNginx = (urlPath: string, opts?: Parameters<typeof request>[2]): Promise<Response> => request(env!.nginxPort, urlPath, opts);

/** The JSON access lines a server wrote so far (logs.format json); throws on an access line that is not JSON. */
function accessLines(proc: Proc): Array<Record<string, any>> {
  return fs.readFileSync(proc.logFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/**
 * The access lines of `proc` that match, once there is one or after 3 s: gunicorn and nginx
 * write a request's line just after answering it, so it may not be there yet when the answer is.
 */
async function loggedLines(proc: Proc, match: (line: Record<string, any>) => boolean): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const lines = accessLines(proc).filter(match);
    if (lines.length > 0 || Date.now() >= deadline) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The app's access log has a line for this request. */
async function appLogged(match: (line: Record<string, any>) => boolean): Promise<boolean> {
  return (await loggedLines(gunicorn!, match)).length > 0;
}

function multipart(field: string, filename: string, contentType: string, content: Buffer): { body: Buffer; type: string } {
  const boundary = `----e2e${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

describe('the flask-shop stack, run from its synthesized manifests', () => {
  test('Postgres takes the Secret\'s password for POSTGRES_USER and no other', () => {
    expect(psql('SELECT current_user;', { overTcpWithPassword: pgEnv.POSTGRES_PASSWORD }).output.trim()).toBe(pgEnv.POSTGRES_USER);
    const wrong = psql('SELECT 1;', { overTcpWithPassword: 'not-the-password', check: false });
    expect(wrong.status).not.toBe(0);
    expect(wrong.output).toMatch(/password authentication failed/);
    if (IS_ROOT) { // postgres refuses root: it runs as an unprivileged user, as in the pod
      const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${postgres!.child.pid}/status`, 'utf8'))?.[1];
      expect(Number(uid)).toBe(lookupUser('nobody').uid);
    }
  });

  test('the app container\'s environment: ConfigMap and Secret values, DATABASE_URL expanded from them', () => {
    const secretKey = app.env!.find((e) => e.name === 'SECRET_KEY')!.valueFrom!.secretKeyRef!;
    expect(appEnv.get('SECRET_KEY')).toBe(sources.secrets.get(secretKey.name)![secretKey.key]);
    expect(appEnv.get('PGPASSWORD')).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(appEnv.get('DATABASE_URL'))
      .toBe(`postgresql://${pgEnv.POSTGRES_USER}:${pgEnv.POSTGRES_PASSWORD}@127.0.0.1:${env!.pgPort}/${pgEnv.POSTGRES_DB}`);
    expect(appEnv.get('MEDIA_ROOT')).toBe(mediaDir); // the media mountPath, on this machine
    expect(appEnv.get('PORT')).toBe(String(env!.appPort));
  });

  test('the migration Job\'s command creates the schema, and a second run changes nothing', () => {
    expect(migrationRuns[0]).toMatch(/applied 0001_guestbook, 0002_guestbook_created_at_index, 0003_jobs/);
    expect(migrationRuns[1]).toMatch(/applied nothing: the database is up to date/);
    expect(psql('SELECT version FROM schema_migrations ORDER BY version;').output.trim().split('\n'))
      .toEqual(['0001_guestbook', '0002_guestbook_created_at_index', '0003_jobs']);
  });

  test('the copy-static init container filled the static volume from the image\'s /app/static', () => {
    const css = fs.readFileSync(path.join(APP_DIR, 'static', 'site.css'));
    expect(fs.readFileSync(path.join(staticDir, 'site.css'))).toEqual(css);
  });

  test('the home page comes from the app; its stylesheet from nginx, cached and gzipped', async () => {
    const page = await viaNginx('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.body.toString())?.[1];
    expect(href).toBe('/static/site.css');

    const css = await viaNginx(href!);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toMatch(/max-age=\d{6,}/);
    expect(css.body).toEqual(fs.readFileSync(path.join(APP_DIR, 'static', 'site.css')));
    const gz = await viaNginx(href!, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body)).toEqual(css.body);

    expect(await appLogged((l) => l.method === 'GET' && l.path === '/' && l.status === 200)).toBe(true);
    expect(accessLines(gunicorn!).filter((l) => l.path.startsWith('/static/'))).toEqual([]); // nginx answered, not the app
  });

  test('the guestbook: a POST writes a row in Postgres, the next GET lists it', async () => {
    const message = `hello from the e2e ${Date.now()} ${Math.random().toString(36).slice(2)}`;
    const posted = await viaNginx('/guestbook', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(new URLSearchParams({ name: 'e2e', message }).toString()),
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/guestbook');
    const cookie = String(posted.headers['set-cookie']?.[0] ?? '').split(';')[0];
    expect(cookie).toMatch(/^session=/); // the flash message, signed with SECRET_KEY

    const list = await viaNginx('/guestbook', { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect(list.body.toString()).toContain(message);
    expect(list.body.toString()).toContain('Thanks for signing the guestbook!');
    expect(psql(`SELECT count(*) FROM guestbook_entries WHERE message = '${message}';`).output.trim()).toBe('1');
    // A fresh request, no cookie: the row is in the database, not in one worker's memory.
    const again = await viaNginx('/');
    expect(again.body.toString()).toContain(message);
  });

  test('an upload is saved on the media volume and served by nginx under /media/', async () => {
    const content = Buffer.from(`uploaded by the e2e at ${new Date().toISOString()}\n`);
    const form = multipart('file', 'e2e upload.txt', 'text/plain', content);
    const res = await viaNginx('/upload', { method: 'POST', headers: { 'Content-Type': form.type }, body: form.body });
    expect(res.status).toBe(201);
    const { name, url } = JSON.parse(res.body.toString()) as { name: string; url: string };
    expect(url).toBe(`/media/${name}`);
    expect(name).toMatch(/^[0-9a-f]{12}-e2e_upload\.txt$/);
    expect(fs.readFileSync(path.join(mediaDir, name))).toEqual(content); // in the PVC's folder

    const served = await viaNginx(url);
    expect(served.status).toBe(200);
    expect(served.body).toEqual(content);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(await appLogged((l) => l.method === 'POST' && l.path === '/upload' && l.status === 201)).toBe(true);
    expect(accessLines(gunicorn!).filter((l) => l.path.startsWith('/media/'))).toEqual([]);
    expect((await viaNginx('/media/no-such-file.txt')).status).toBe(404);
  });

  test('every HTTP probe of the pod answers 200, and the health paths answer through nginx too', async () => {
    const paths = new Set<string>();
    for (const c of [app, nginxContainer]) {
      for (const probe of probes(c)) {
        if (!probe.httpGet) continue;
        expect((await request(hostPort(c, probe.httpGet.port), probe.httpGet.path)).status).toBe(200);
        paths.add(probe.httpGet.path);
      }
    }
    expect([...paths].sort()).toEqual(['/healthz', '/nginx-health']);
    for (const p of paths) {
      const res = await viaNginx(p);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('ok\n');
    }
  });

  test('Redis takes the Secret\'s password and no other; REDIS_URL carries it, expanded by the kubelet', () => {
    const ref = (app.env!.find((e) => e.name === 'REDIS_PASSWORD')!.valueFrom!.secretKeyRef!);
    expect(redis!.password).toBe(sources.secrets.get(ref.name)![ref.key]);
    expect(redis!.password).toMatch(/^\S{16,}$/);
    expect(appEnv.get('REDIS_URL')).toBe(`redis://:${redis!.password}@127.0.0.1:${env!.redisPort}/0`);
    expect(redis!.cli(['ping'])).toBe('PONG');
    const argv = fs.readFileSync(`/proc/${redis!.proc.child.pid}/cmdline`, 'utf8');
    expect(argv).toMatch(/redis-server/);
    expect(argv).not.toContain(redis!.password); // read from the environment at start, not an argument
  });

  test('POST /jobs stores a job in Postgres and queues its Celery task on the real Redis', async () => {
    const queued = await viaNginx('/jobs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(new URLSearchParams({ word: 'Kubernetes' }).toString()),
    });
    expect(queued.status).toBe(202);
    const job = JSON.parse(queued.body.toString()) as { id: number; status: string; url: string };
    expect(job).toMatchObject({ status: 'queued', url: `/jobs/${job.id}` });
    expect(JSON.parse((await viaNginx(job.url)).body.toString())).toEqual({ id: job.id, word: 'Kubernetes', status: 'queued', letters: null });
    // The message on the broker's list names the task and carries the job's id.
    const message = JSON.parse(redis!.cli(['lindex', 'celery', '-1'])) as { headers: { task: string; argsrepr: string } };
    expect(message.headers.task).toBe('shop.count_letters');
    expect(message.headers.argsrepr).toBe(`(${job.id},)`);
    queuedJob = job;
  });

  test('the worker Deployment\'s command runs the queued job, which writes to Postgres; the app shows the result', async () => {
    expect(queuedJob).toBeDefined();
    const { argv, env: workerEnv, container } = workerRun!;
    expect(workerEnv.get('REDIS_URL')).toBe(appEnv.get('REDIS_URL'));
    expect(workerEnv.get('DATABASE_URL')).toBe(appEnv.get('DATABASE_URL'));
    // The container runtime sets HOSTNAME (the pod's name), which Celery's node name and the health command use.
    const runtimeEnv = new Map([...workerEnv, ['HOSTNAME', os.hostname()]]);
    worker = start('celery worker', ...splitArgv(processArgv(argv, runtimeEnv, APP_DIR)), 'SIGTERM', path.join(env!.logs, 'worker.log'));
    const deadline = Date.now() + 40_000;
    let shown: any;
    for (;;) {
      shown = JSON.parse((await viaNginx(queuedJob!.url)).body.toString());
      if (shown.status === 'done') break;
      if (worker.exit !== undefined) throw new Error(`the worker stopped (${worker.exit}):\n${logTail(worker)}`);
      if (Date.now() > deadline) throw new Error(`the job was not done after 40 s:\n${logTail(worker)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(shown).toEqual({ id: queuedJob!.id, word: 'Kubernetes', status: 'done', letters: 10 });
    expect(redis!.cli(['llen', 'celery'])).toBe('0');
    expect(fs.readFileSync(worker.logFile, 'utf8')).toMatch(new RegExp(`job ${queuedJob!.id} done: 10 letters`));
    // Its probes, as the kubelet runs them: readiness (the broker answers) and the health command.
    const probe = (p: typeof container.readinessProbe) => run(processArgv(p!.exec!.command, runtimeEnv, APP_DIR), { logFile: path.join(env!.logs, 'worker-probes.log'), check: false, timeoutMs: 30_000 });
    expect(probe(container.readinessProbe).status).toBe(0);
    const health = probe(container.livenessProbe);
    expect(health.output).toMatch(/pong/);
    expect(health.status).toBe(0);
  }, 90_000);

  test('the CronJob\'s command runs once with the synthesized env', () => {
    expect(queuedJob).toBeDefined();
    // GIVEN the finished job, aged past the 30 days the housekeeping keeps
    psql(`UPDATE jobs SET done_at = now() - interval '40 days' WHERE id = ${queuedJob!.id};`);
    const { argv, env: cronEnv } = scheduleRun!;
    const out = run(processArgv(argv, cronEnv, APP_DIR), { logFile: path.join(env!.logs, 'schedule.log'), timeoutMs: 30_000 });
    expect(out.output).toMatch(/purged 1 finished jobs older than 30 days/);
    expect(psql(`SELECT count(*) FROM jobs WHERE id = ${queuedJob!.id};`).output.trim()).toBe('0');
  });

  test('nginx and gunicorn write JSON access lines that share the request id nginx set', async () => {
    const res = await viaNginx('/guestbook', { headers: { 'User-Agent': 'e2e "json" \\ agent' } });
    expect(res.status).toBe(200);
    const fromApp = await loggedLines(gunicorn!, (l) => l.path === '/guestbook' && l.user_agent === 'e2e "json" \\ agent');
    expect(fromApp).toHaveLength(1);
    expect(fromApp[0].request_id).toMatch(/^[0-9a-f]{32}$/);
    const fromNginx = await loggedLines(nginx!, (l) => l.request_id === fromApp[0].request_id);
    expect(fromNginx).toHaveLength(1);
    expect(fromNginx[0]).toMatchObject({ method: 'GET', path: '/guestbook', status: 200, user_agent: 'e2e "json" \\ agent', bytes: res.body.length });
    // Every access line of both, all requests of this run: JSON, no line in another format.
    for (const proc of [nginx!, gunicorn!]) {
      const text = fs.readFileSync(proc.logFile, 'utf8');
      expect(text.split('\n').filter((l) => !l.startsWith('{') && /"(GET|POST) \/\S* HTTP\/1\.[01]" \d{3} /.test(l))).toEqual([]);
      expect(accessLines(proc).length).toBeGreaterThan(3);
    }
  });

  test("nginx keeps the app's /metrics private: 404 from nginx, the app never asked", async () => {
    expect((await viaNginx('/metrics')).status).toBe(404);
    expect(accessLines(gunicorn!).filter((l) => l.path === '/metrics')).toEqual([]);
  });

  describe('monitoring, with the real exporters and a real Prometheus', () => {
    let nginxExporter: Proc | undefined;
    let pgExporter: Proc | undefined;
    let redisExporter: Proc | undefined;
    let prometheus: Proc | undefined;
    let jobs: ScrapeJob[] = [];
    let rule: K8sObject;

    /** `--web.listen-address=:<containerPort>` (all addresses of the pod) becomes loopback and a local port. */
    const listenLocally = (args: string[], c: Container, portName: string, local: number) => {
      const from = `--web.listen-address=:${containerPort(c, portName)}`;
      expect(args.filter((a) => a === from)).toHaveLength(1);
      return args.map((a) => (a === from ? `--web.listen-address=127.0.0.1:${local}` : a));
    };

    beforeAll(async () => {
      const log = (name: string) => path.join(env!.logs, name);
      const m = mon!;
      // The nginx exporter: its args, with the stub_status and listen ports mapped.
      const nx = containerNamed(web, 'nginx-exporter');
      const nxArgs = listenLocally(resolveContainer(nx, sources).args, nx, 'nginx-metrics', m.nginxExporterPort)
        .map((a) => (a.startsWith('--nginx.scrape-uri=') ? replaceOnce(a, `127.0.0.1:${m.statusContainerPort}/`, `127.0.0.1:${m.statusPort}/`) : a));
      nginxExporter = start('nginx-exporter', requireProgram('prometheus-nginx-exporter'), nxArgs, 'SIGTERM', log('nginx-exporter.log'));
      // The Postgres exporter: its env from the ConfigMap and Secret as the kubelet resolves it, its
      // data source on the pod's loopback at the local Postgres port.
      const pgPod: PodSpec = only(objects, 'StatefulSet', (o) => o.spec.template.spec.containers.some((c: Container) => c.name === 'postgres-exporter')).spec.template.spec;
      const px = containerNamed(pgPod, 'postgres-exporter');
      const pxResolved = resolveContainer(px, sources);
      const pxEnv = Object.fromEntries(pxResolved.env);
      pxEnv.DATA_SOURCE_URI = replaceOnce(pxEnv.DATA_SOURCE_URI, `127.0.0.1:${m.pgContainerPort}/`, `127.0.0.1:${env!.pgPort}/`);
      pgExporter = start('postgres-exporter', requireProgram('prometheus-postgres-exporter'), listenLocally(pxResolved.args, px, 'pg-metrics', m.pgExporterPort),
        'SIGTERM', log('postgres-exporter.log'), { env: { PATH: SYSTEM_PATH, ...pxEnv } });
      // The Redis exporter: its password from the Secret as the kubelet resolves it, its address on
      // the pod's loopback at the local Redis port.
      const redisPod: PodSpec = only(objects, 'StatefulSet', (o) => o.spec.template.spec.containers.some((c: Container) => c.name === 'redis-exporter')).spec.template.spec;
      const rx = containerNamed(redisPod, 'redis-exporter');
      const rxResolved = resolveContainer(rx, sources);
      const rxArgs = listenLocally(rxResolved.args, rx, 'redis-metrics', m.redisExporterPort)
        .map((a) => (a.startsWith('--redis.addr=') ? replaceOnce(a, `127.0.0.1:${redis!.containerPort}`, `127.0.0.1:${env!.redisPort}`) : a));
      redisExporter = start('redis-exporter', requireProgram('prometheus-redis-exporter'), rxArgs, 'SIGTERM', log('redis-exporter.log'),
        { env: { PATH: SYSTEM_PATH, ...Object.fromEntries(rxResolved.env) } });
      // Prometheus: scrape jobs from the PodMonitors, rules from the PrometheusRule.
      const local: Record<string, number> = {
        'app/app': env!.appPort, 'nginx-exporter/nginx-metrics': m.nginxExporterPort, 'postgres-exporter/pg-metrics': m.pgExporterPort, 'redis-exporter/redis-metrics': m.redisExporterPort,
        'worker/metrics': m.workerMetricsPort,
      };
      jobs = scrapeJobs(objects, (_w, c, portName) => {
        const port = local[`${c}/${portName}`];
        if (port === undefined) throw new Error(`no local port for ${c}/${portName}`);
        return port;
      });
      rule = only(objects, 'PrometheusRule');
      const dir = path.join(env!.tmp, 'prometheus');
      fs.mkdirSync(dir);
      prometheus = startPrometheus(dir, writeConfig(dir, jobs, objects[0].metadata.name, rule.spec.groups), m.promPort, log('prometheus.log'));
      await waitUntilReady(prometheus, m.promPort, '/-/ready', 30_000);
      await eventually('every scrape target up', 20_000, async () => {
        const targets = (await api(m.promPort, '/api/v1/targets')).activeTargets as Array<{ health: string }>;
        return targets.length === jobs.length && targets.every((t) => t.health === 'up') ? targets : undefined;
      });
    }, 60_000);

    afterAll(async () => {
      await Promise.all([stop(prometheus), stop(nginxExporter), stop(pgExporter), stop(redisExporter)]);
    }, 20_000);

    test("the postStart hook makes the exporter's role: a login with pg_monitor and no other power; running it again changes nothing", () => {
      expect(hookRuns).toEqual([0, 0]);
      const role = psql("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, pg_has_role('metrics_exporter', 'pg_monitor', 'MEMBER') FROM pg_roles WHERE rolname = 'metrics_exporter';");
      expect(role.output.trim()).toBe('t|f|f|f|f|t');
    });

    test('Prometheus, configured from the PodMonitors, scrapes the app, the worker, the nginx exporter, the Postgres exporter and the Redis exporter', async () => {
      expect(jobs.map((j) => `${j.workload}/${j.container}/${j.port}${j.path}`).sort()).toEqual([
        'flask-shop-postgres/postgres-exporter/pg-metrics/metrics', 'flask-shop-redis/redis-exporter/redis-metrics/metrics',
        'flask-shop-web/app/app/metrics', 'flask-shop-web/nginx-exporter/nginx-metrics/metrics', 'flask-shop-worker-jobs/worker/metrics/metrics',
      ]);
      const value = async (expr: string) => (await query(mon!.promPort, expr)).result.map((r) => Number(r.value[1]));
      expect(await value('pg_up')).toEqual([1]); // the exporter logged in as its role
      expect(await value('nginx_up')).toEqual([1]); // the exporter read stub_status on loopback
      expect(await value('redis_up')).toEqual([1]); // the exporter logged in with the Secret's password
      // RedisMemoryNearLimit's denominator: the maxmemory of the synthesized redis.conf.
      const conf = sources.configMaps.get('flask-shop-redis')!['redis.conf'];
      expect(await value('redis_memory_max_bytes')).toEqual([Number(/^maxmemory (\d+)$/m.exec(conf)![1])]);
      const entries = await eventually('the app\'s own metric', 5_000, async () => ((await value('shop_guestbook_entries')).length ? value('shop_guestbook_entries') : undefined));
      expect(entries[0]).toBe(Number(psql('SELECT count(*) FROM guestbook_entries;').output.trim()));
      // The worker's own metrics, counted in Postgres.
      const byStatus = await eventually('the worker\'s own metric', 5_000, async () => {
        const r = (await query(mon!.promPort, 'shop_jobs')).result;
        return r.length === 2 ? Object.fromEntries(r.map((x) => [x.metric.status, Number(x.value[1])])) : undefined;
      });
      const count = (status: string) => Number(psql(`SELECT count(*) FROM jobs WHERE status = '${status}';`).output.trim());
      expect(byStatus).toEqual({ done: count('done'), queued: count('queued') });
    });

    test('every alert of the PrometheusRule evaluates without error, and none fires on the healthy stack', async () => {
      const alerts = rule.spec.groups.flatMap((g: any) => g.rules) as Array<{ alert: string; expr: string }>;
      expect(alerts.length).toBeGreaterThanOrEqual(8);
      for (const a of alerts) await query(mon!.promPort, a.expr); // throws on an evaluation error
      const loaded = await eventually('every rule evaluated', 15_000, async () => {
        const rules = ((await api(mon!.promPort, '/api/v1/rules')).groups as any[]).flatMap((g) => g.rules);
        return rules.length === alerts.length && rules.every((r) => !String(r.lastEvaluation).startsWith('0001-')) ? rules : undefined;
      });
      expect(loaded.filter((r: any) => r.health !== 'ok').map((r: any) => `${r.name}: ${r.lastError}`)).toEqual([]);
      expect((await query(mon!.promPort, 'ALERTS')).result.map((r) => r.metric.alertname)).toEqual([]);
    });

    test("every query of the dashboard runs; the database's and nginx's panels show data", async () => {
      const board = JSON.parse(only(objects, 'ConfigMap', (c) => c.metadata.labels?.grafana_dashboard === '1').data!['flask-shop.json']);
      const results = new Map<string, number>();
      for (const panel of board.panels) {
        for (const target of panel.targets) results.set(`${panel.title}: ${target.expr}`, (await query(mon!.promPort, target.expr)).result.length);
      }
      expect(results.size).toBeGreaterThanOrEqual(10);
      for (const title of ['Database connections', 'Database size', 'nginx requests and connections (web pods)', 'Redis memory', 'Queue length (jobs waiting)']) {
        const withData = [...results].filter(([k, n]) => k.startsWith(`${title}: `) && n > 0);
        expect(withData.length).toBeGreaterThan(0);
      }
    });

    test("the dashboard's queue panel counts the jobs waiting on the Celery queue the worker consumes", async () => {
      const board = JSON.parse(only(objects, 'ConfigMap', (c) => c.metadata.labels?.grafana_dashboard === '1').data!['flask-shop.json']);
      const expr = board.panels.find((p: any) => p.title === 'Queue length (jobs waiting)').targets[0].expr as string;
      const waiting = async () => (await query(mon!.promPort, expr)).result.map((r) => `${r.metric.key}=${r.value[1]}`);
      expect(redis!.cli(['llen', 'celery'])).toBe('0');
      expect(await waiting()).toEqual(['celery=0']); // an empty queue is no key in Redis; the exporter says 0
      // GIVEN no worker runs, WHEN the app queues two jobs, THEN the panel shows them waiting.
      await stop(worker);
      for (const word of ['one', 'two']) {
        const queued = await viaNginx('/jobs', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: Buffer.from(new URLSearchParams({ word }).toString()),
        });
        expect(queued.status).toBe(202);
      }
      expect(redis!.cli(['llen', 'celery'])).toBe('2');
      await eventually('the queue of two jobs on the dashboard', 10_000, async () => ((await waiting()).join() === 'celery=2' ? true : undefined));
    });
  });

  test('the app logs to stdout', () => {
    const out = fs.readFileSync(gunicorn!.logFile, 'utf8');
    expect(out).toMatch(/INFO shop: flask-shop ready/);
    expect(out).toMatch(/INFO shop: guestbook entry \d+ added/);
  });
});
