import * as path from 'path';
import { DEFAULT_POSTGRES_IMAGE, DEFAULT_REDIS_IMAGE, DEFAULT_STATIC_PORT, REDIS_PASSWORD_KEY } from '../../constructs';
import { isMap } from '../_json';
import { UserError } from '../user-error';
import { ComposeMount, ComposeProject, ComposeService } from './compose-file';
import { ImportFramework } from './app-process';
import { ImportReport, ReportEntry, StackChoice, sortEntries } from './import-report';
import { PostgresRef, databaseEnvOf, importEnv } from './import-env';
import { importWorker } from './import-worker';
import { importResources } from './import-resources';
import { importWeb, volumeKey } from './import-web';
import { ServiceRole, imageRepository, processLine, serviceRoles } from './service-roles';

/** What `init --from` was told besides the compose file. */
export interface ComposeImportOptions {
  /** The stack name. @default - the compose file's `name`, else its folder's name, as a DNS label */
  readonly name?: string;
  /** The app image. @default - the app service's image, when it has a pinned tag */
  readonly image?: string;
  /** @default - recognized from the command, env or image */
  readonly framework?: ImportFramework;
  /** The app service. @default - recognized */
  readonly service?: string;
}

/** A compose file as a stack, with what became of each of its keys. */
export interface ComposeImport {
  /** The stack file's content (a StackConfig), keys in the README's order. */
  readonly stack: Record<string, unknown>;
  /** What became of each compose key, in the compose file's order. */
  readonly report: readonly ReportEntry[];
  /** The stack's own choices that no compose key made. */
  readonly choices: readonly StackChoice[];
  /** Every key the existing Secret must hold (the database's and Redis's passwords first). */
  readonly secretKeys: readonly string[];
  readonly name: string;
  /** The compose service that became `web`. */
  readonly appService: string;
}

/** Why the keys the stack does not carry over are dropped. */
const DROPPED: Record<string, string> = {
  version: 'obsolete in the Compose specification',
  name: 'the stack name is --name',
  networks: 'the stack\'s NetworkPolicies say who may reach whom',
  depends_on: 'Kubernetes starts pods in any order: readiness probes and the migration gate order the start',
  restart: 'Kubernetes restarts failed containers itself',
  container_name: 'object names are <name>-<role>',
  hostname: 'pods are reached through their Services',
  labels: 'labels of Docker tools (Traefik, ...): the stack labels its objects itself',
  logging: 'the cluster collects stdout and stderr',
  stdin_open: 'development only',
  tty: 'development only',
  deploy: 'web.autoscaling (2 to 10 pods by CPU) and web.resources replace it',
  working_dir: 'the image\'s WORKDIR is used',
  build: 'the stack runs images: build and push it in CI',
  privileged: 'refused by Pod Security restricted',
  cap_add: 'refused by Pod Security restricted (all capabilities are dropped)',
  security_opt: 'the stack sets a restricted security context',
  extra_hosts: 'use DNS or networkPolicy.egress',
  profiles: 'every service of the file was read',
  secrets: 'compose secrets are files: put their values in the Secret the stack reads (secrets.keys)',
  configs: 'mount configuration files with volumes.<key>.files',
  read_only: 'the stack runs every container with a read-only root file system',
  stop_grace_period: 'web.drainSeconds and workers.<key>.stopGracePeriod',
};

/**
 * Translates a compose file into a stack: the app, its workers and migration step, Postgres and
 * Redis become stack sections; proxies, Flower and other services are dropped, each with why.
 * Throws a UserError for what needs the user (no --image for a built app, a `latest` tag).
 */
export function importCompose(project: ComposeProject, options: ComposeImportOptions = {}): ComposeImport {
  const roles = serviceRoles(project, options.service);
  const report = new ImportReport();
  const byRole = (role: ServiceRole) => project.services.filter((s) => roles.get(s.name) === role);
  const app = byRole('app')[0];
  const name = stackName(project, options.name);
  const postgresService = byRole('postgres')[0];
  const redisService = byRole('redis')[0];
  const postgres = postgresService ? postgresRef(postgresService) : undefined;
  const ctx = { postgres, redisService: redisService?.name, stackName: name, report };

  for (const key of project.topLevelKeys) {
    if (key === 'services') continue;
    if (key === 'volumes') report.add('volumes', 'translated', 'each named volume is read where a service mounts it');
    else if (key.startsWith('x-')) report.add(key, 'dropped', 'a compose extension: merged where services use it (<<: *anchor)');
    else report.add(key, 'dropped', DROPPED[key] ?? 'not a key the stack has');
  }

  const image = appImage(project.file, app, options.image, report);
  const appEnv = importEnv(app.environment, ctx);
  const { web, framework, runnable } = importWeb(app, appEnv.env, options.framework, report, path.dirname(project.file));
  if (!runnable) {
    throw new UserError([`${project.file}: services.${app.name}: cannot tell the app's framework (no command, no DJANGO_/FLASK_ settings) (allowed: --framework django, flask or fastapi)`]);
  }
  const resources = importResources(app.keys.deploy, `services.${app.name}.deploy`, report);
  if (resources) web.resources = resources;
  reportDeploy(app.keys.deploy, `services.${app.name}.deploy`, report);
  const secretKeys = [...appEnv.secretKeys];
  const stack: Record<string, unknown> = { name, environment: 'production', web: { image, ...web, ...(Object.keys(appEnv.env).length ? { env: appEnv.env } : {}) } };
  report.choose('environment', 'production: the stack\'s production checks apply (secrets outside git, a backup decision, a quota)');

  const volumes: Record<string, unknown> = {};
  const appVolumes = importAppVolumes(app, framework, stack, volumes, report);
  /** `volumes.<key>` -> the workers that mount it in the compose file too. */
  const mountedBy = new Map<string, string[]>();

  const workers: Record<string, unknown> = {};
  const workerRedisEnv: string[] = [];
  for (const s of project.services) {
    const role = roles.get(s.name)!;
    const at = `services.${s.name}`;
    if (role === 'worker' || role === 'beat') {
      // `<name>-worker-<key>` names the worker's objects and labels: at most 63 characters.
      const key = volumeKey(s.name, new Set(Object.keys(workers)), 63 - `${name}-worker-`.length);
      workers[key] = importWorker(s, key, role, appEnv.env, appVolumes, mountedBy, secretKeys, workerRedisEnv, ctx);
        } else if (role === 'migrate') {
      (stack.web as Record<string, unknown>).migrations = { command: [...(s.entrypoint ?? []), ...(s.command ?? [])] };
      report.add(s.command ? `${at}.command` : at, 'translated', 'web.migrations.command: a Job per release, before the new pods serve');
      importEnv(s.environment, { ...ctx, report: new ImportReport() });
      for (const key of ['image', 'build', 'environment', 'env_file']) if (s.keys[key] !== undefined) report.add(`${at}.${key}`, 'replaced', 'the migration Job runs the web image with the web\'s env');
    } else if (role === 'postgres') {
      stack.database = importPostgres(s, report);
    } else if (role === 'redis') {
      stack.redis = importRedis(s, report);
    } else if (role === 'proxy') {
      report.add(at, 'dropped', `a reverse proxy (${s.image ?? s.build?.dockerfile}): the stack's nginx sidecar (static) and an Ingress (ingress.host) replace it`);
    } else if (role === 'flower') {
      report.add(at, 'dropped', 'Celery Flower, a monitoring UI with its own login: deploy it separately if you need it');
    } else if (role === 'app-image') {
      report.add(at, 'dropped', `runs the app's image with a command the importer does not know (${JSON.stringify(processLine(s))}): add it as workers.<key> or schedules.<key> if it must run`);
    } else if (role === 'other') {
      report.add(at, 'dropped', `not the Python app, its database, Redis or a worker (${s.image ?? 'built'}): deploy it separately`);
    }
  }
  const database = stack.database as Record<string, unknown> | undefined;
  if (database) {
    const env = databaseEnvOf(appEnv.databaseEnv);
    if (env) database.env = env;
  }
  const redis = stack.redis as Record<string, unknown> | undefined;
  // The first name is the one the workers' readiness probe reads: REDIS_URL when the app has it.
  const redisEnv = [...new Set([...appEnv.redisEnv, ...workerRedisEnv])].sort((a, b) => Number(b === 'REDIS_URL') - Number(a === 'REDIS_URL'));
  if (redis && redisEnv.length && !(redisEnv.length === 1 && redisEnv[0] === 'REDIS_URL')) redis.env = redisEnv;
  if (Object.keys(workers).length) stack.workers = workers;
  // A volume mounts in the web and every worker by default: as in compose, only where it was.
  for (const [key, spec] of Object.entries(volumes) as Array<[string, Record<string, unknown>]>) {
    const by = mountedBy.get(key) ?? [];
    if (Object.keys(workers).length > by.length) spec.mountIn = ['web', ...by.map((w) => `workers.${w}`)];
  }
  if (Object.keys(volumes).length) stack.volumes = volumes;
  if (framework === 'django') {
    // The sidecar's port must differ from the app's.
    stack.static = (stack.web as { port: number }).port === DEFAULT_STATIC_PORT ? { port: DEFAULT_STATIC_PORT + 1 } : {};
    report.choose('static', 'an nginx sidecar serves collectstatic\'s files (python manage.py collectstatic into /app/staticfiles, the STATIC_ROOT it expects)');
  }
  stack.secrets = { source: 'existing', ...(secretKeys.length ? { keys: secretKeys } : {}) };
  report.choose('secrets.source', `existing: the Secret ${name}-secrets, created outside git (the command below)`);
  coverEveryKey(project, roles, report);
  const all = [...(database ? ['POSTGRES_PASSWORD'] : []), ...(stack.redis ? [REDIS_PASSWORD_KEY] : []), ...secretKeys];
    const order = [...project.topLevelKeys.filter((k) => k !== 'services'), ...project.services.flatMap((s) => [`services.${s.name}`, ...Object.keys(s.keys).map((k) => `services.${s.name}.${k}`)])];
  return { stack: orderKeys(stack), report: sortEntries(report.list(), order), choices: report.choices(), secretKeys: all, name, appService: app.name };
}

/** `deploy`'s keys besides `resources`: the stack's own replicas, rollout and placement replace them. */
function reportDeploy(deploy: unknown, at: string, report: ImportReport): void {
  if (!isMap(deploy)) return;
  for (const key of Object.keys(deploy).filter((k) => k !== 'resources')) {
    report.add(`${at}.${key}`, key === 'replicas' ? 'replaced' : 'dropped', key === 'replicas'
      ? 'web.autoscaling: 2 to 10 pods by CPU (a fixed replicas would fight the autoscaler; set web.autoscaling: false and web.replicas for a fixed count)'
      : 'the stack\'s own rollout, restarts, disruption budget and spread across nodes replace it');
  }
}

/** The size the importer gives a named volume (`volumes.<key>.size` is required; compose has no sizes). */
const VOLUME_SIZE = '10Gi';
/** The size limit the importer gives a tmpfs (`volumes.<key>.scratch`). */
const SCRATCH_SIZE = '256Mi';

const ORDER = ['name', 'environment', 'web', 'static', 'media', 'database', 'redis', 'workers', 'volumes', 'secrets'];

function orderKeys(stack: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(ORDER.filter((k) => stack[k] !== undefined).map((k) => [k, stack[k]]));
}

function stackName(project: ComposeProject, given?: string): string {
  if (given !== undefined) return given;
  const base = project.name ?? path.basename(path.dirname(path.resolve(project.file)));
  const label = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 40).replace(/-+$/, '');
  return label || 'my-app';
}

function appImage(file: string, app: ComposeService, given: string | undefined, report: ImportReport): string {
  const at = `services.${app.name}`;
  if (given !== undefined) {
    if (app.build) report.add(`${at}.build`, 'replaced', `web.image ${given} (--image): build and push it in CI`);
    if (app.image) report.add(`${at}.image`, 'replaced', `web.image ${given} (--image)`);
    return given;
  }
  const image = app.image;
  const tag = image ? /:([^/:@]+)$/.exec(image.split('@')[0])?.[1] : undefined;
  if (image && (image.includes('@sha256:') || (tag && tag !== 'latest'))) {
    report.add(`${at}.image`, 'translated', 'web.image');
    if (app.build) report.add(`${at}.build`, 'dropped', `the stack runs ${image}: build and push it in CI`);
    return image;
  }
  if (image) {
    throw new UserError([`${file}: ${at}.image: ${tag ? 'the latest tag' : 'no tag, which means latest,'} names no fixed image, so a deploy would not say what it runs (got ${JSON.stringify(image)}; allowed: a pinned tag or digest: pass --image ${imageRepository(image) === image ? image : image.replace(/:latest$/, '')}:<version>)`]);
  }
  throw new UserError([`${file}: ${at}.build: the app is built from ${app.build!.context} and has no pinned image (got ${JSON.stringify(app.keys.build)}; allowed: --image with the image your CI pushes, e.g. --image registry.example.com/${app.name}:1.0.0)`]);
}

/** The app's volumes as the stack has them: the media volume's name, and each named volume's key. */
export interface AppVolumes {
  readonly media?: string;
  /** Compose volume name -> `volumes.<key>`. */
  readonly keys: ReadonlyMap<string, string>;
}

/** App volumes: named ones to media or volumes.<key>, binds and anonymous ones dropped. */
function importAppVolumes(app: ComposeService, framework: ImportFramework | undefined, stack: Record<string, unknown>, volumes: Record<string, unknown>, report: ImportReport): AppVolumes {
  let media: string | undefined;
  const keys = new Map<string, string>();
  for (const v of app.volumes) {
    if (v.type === 'bind') {
      report.add(v.from, 'dropped', `bind mount of ${v.source}: development only (the image holds the code)`);
    } else if (v.type === 'tmpfs') {
      if (v.target === '/tmp') report.add(v.from, 'replaced', 'the stack mounts a writable /tmp itself (web.tmpSize)');
      else addVolume(volumes, volumeKey(v.target.split('/').pop() || 'scratch', new Set(Object.keys(volumes))), { scratch: SCRATCH_SIZE, mountPath: v.target }, v, report, `an emptyDir of at most ${SCRATCH_SIZE}`);
    } else if (!v.source) {
      report.add(v.from, 'dropped', 'an anonymous volume (kept apart from a bind mount): development only');
    } else if (framework === 'django' && /static/i.test(v.source + v.target)) {
      report.add(v.from, 'replaced', 'static: the nginx sidecar serves collectstatic\'s files');
    } else if (!media && /media|upload/i.test(`${v.source} ${v.target}`)) {
      media = v.source;
      stack.media = { mountPath: v.target };
      report.add(v.from, 'translated', `media: the claim <name>-media (ReadWriteMany) at ${v.target}`);
      report.add(v.from, 'flagged', 'media.size: the stack\'s default, as compose volumes have no size: check it, and that the cluster has a ReadWriteMany storage class');
    } else {
      const key = volumeKey(v.source, new Set(Object.keys(volumes)));
      keys.set(v.source, key);
      addVolume(volumes, key, { size: VOLUME_SIZE, mountPath: v.target, ...(v.readOnly ? { readOnly: true } : {}) }, v, report, `a claim of ${VOLUME_SIZE} (compose volumes have no size: check it)`);
    }
  }
  return { media, keys };
}

function addVolume(volumes: Record<string, unknown>, key: string, spec: Record<string, unknown>, v: ComposeMount, report: ImportReport, what: string): void {
  volumes[key] = spec;
  report.add(v.from, 'translated', `volumes.${key}: ${what} at ${v.target}`);
}

function postgresRef(s: ComposeService): PostgresRef {
  const env = Object.fromEntries(s.environment.map((v) => [v.name, v.value]));
  return { service: s.name, name: env.POSTGRES_DB, user: env.POSTGRES_USER, password: env.POSTGRES_PASSWORD };
}

const PG_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function importPostgres(s: ComposeService, report: ImportReport): Record<string, unknown> {
  const at = `services.${s.name}`;
  const database: Record<string, unknown> = {};
  const repo = imageRepository(s.image);
  const tag = s.image ? /:([^/:@]+)$/.exec(s.image)?.[1] : undefined;
  if (s.image && repo === 'postgres' && tag && tag !== 'latest' && !s.build) {
    database.image = s.image;
    report.add(`${at}.image`, 'translated', 'database.image');
  } else {
    report.add(s.build ? `${at}.build` : `${at}.image`, 'replaced', `database.image ${DEFAULT_POSTGRES_IMAGE} (the stack's default${s.build ? '; set database.image to the image your CI builds FROM postgres' : tag === 'latest' || !tag ? ': latest names no fixed version' : `: ${s.image} is not the official postgres image`})`);
    if (s.build && s.image) report.add(`${at}.image`, 'dropped', 'the name compose tags its build with');
  }
  for (const v of s.environment) {
    if (v.name === 'POSTGRES_DB' || v.name === 'POSTGRES_USER') {
      const key = v.name === 'POSTGRES_DB' ? 'name' : 'user';
      if (PG_NAME.test(v.value) && !v.value.startsWith('pg_')) {
        database[key] = v.value;
        report.add(v.from, 'translated', `database.${key}`);
      } else {
        report.add(v.from, 'replaced', `database.${key}: the stack's default (the stack name, - as _): ${JSON.stringify(v.value)} is not a Postgres name that needs no quoting`);
      }
    } else if (v.name === 'POSTGRES_PASSWORD') {
      report.add(v.from, 'replaced', 'the key POSTGRES_PASSWORD of the Secret (its value is not written; create the Secret with the command below)');
    } else {
      report.add(v.from, 'dropped', 'the stack configures its Postgres itself (PGDATA, user, database, password)');
    }
  }
  const data = s.volumes.find((v) => v.type === 'volume' && v.source && v.target.startsWith('/var/lib/postgresql'));
  if (data) report.add(data.from, 'translated', 'the claim <name>-postgres-data, of the stack\'s default size (compose volumes have none: set database.storage.size), kept when the stack is deleted');
  for (const v of s.volumes.filter((m) => m !== data)) report.add(v.from, 'dropped', v.type === 'bind' ? 'a bind mount (init scripts?): run such SQL as a migration instead' : 'database.backup writes the dumps to <name>-postgres-backups');
  database.backup = { schedule: '0 3 * * *' };
  report.choose('database.backup', 'a nightly pg_dump (03:00 UTC, kept 30 days) to <name>-postgres-backups: production refuses a database without a backup decision');
  for (const key of ['ports', 'command', 'healthcheck']) {
    if (s.keys[key] !== undefined) report.add(`${at}.${key}`, 'dropped', key === 'ports' ? 'the database is reached inside the cluster only' : key === 'command' ? 'the stack runs postgres with its own settings' : 'the stack probes Postgres itself (pg_isready)');
  }
  return database;
}

function importRedis(s: ComposeService, report: ImportReport): Record<string, unknown> {
  const at = `services.${s.name}`;
  const redis: Record<string, unknown> = {};
  const tag = s.image ? /:([^/:@]+)$/.exec(s.image)?.[1] : undefined;
  if (s.image && imageRepository(s.image) === 'redis' && tag && tag !== 'latest' && !s.build) {
    redis.image = s.image;
    report.add(`${at}.image`, 'translated', 'redis.image');
  } else {
    if (s.build && s.image) report.add(`${at}.image`, 'dropped', 'the name compose tags its build with');
    report.add(s.build ? `${at}.build` : `${at}.image`, 'replaced', `redis.image ${DEFAULT_REDIS_IMAGE} (the stack's default: ${tag && tag !== 'latest' ? 'the stack runs redis-server and redis-cli of an official-style Redis image' : 'latest names no fixed version'})`);
  }
  const data = s.volumes.find((v) => v.type === 'volume' && v.source);
  if (data) {
    redis.storage = {};
    report.add(data.from, 'translated', 'redis.storage: the claim <name>-redis-data (the stack\'s default size), with an append-only file: queued jobs survive a restart');
  }
  for (const v of s.volumes.filter((m) => m !== data)) report.add(v.from, 'dropped', 'the stack mounts Redis\'s data itself');
  for (const key of ['ports', 'command', 'healthcheck', 'environment', 'env_file']) {
    if (s.keys[key] !== undefined) report.add(`${at}.${key}`, 'dropped', key === 'ports' ? 'Redis is reached inside the cluster only' : key === 'command' ? 'the stack configures redis-server itself (password, maxmemory with noeviction, append-only with storage)' : key === 'healthcheck' ? 'the stack probes Redis itself' : 'the stack configures Redis itself');
  }
  return redis;
}

/** Every key of every service and of the file has a line: what was not handled is dropped, with why. */
function coverEveryKey(project: ComposeProject, roles: ReadonlyMap<string, ServiceRole>, report: ImportReport): void {
  // A service dropped as a whole has its one line.
  for (const s of project.services.filter((x) => !['proxy', 'flower', 'app-image', 'other'].includes(roles.get(x.name)!))) {
    for (const key of Object.keys(s.keys)) {
      const at = `services.${s.name}.${key}`;
      if (report.has(at)) continue;
      report.add(at, 'dropped', key.startsWith('x-') ? 'a compose extension' : DROPPED[key] ?? 'not a setting the stack has');
    }
  }
}

