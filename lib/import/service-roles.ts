import { UserError } from '../user-error';
import { ComposeProject, ComposeService } from './compose-file';

/**
 * What a compose service is to the stack: the app, a worker or beat running the app's image,
 * its migration step, its Postgres or Redis, a proxy the nginx sidecar and the Ingress replace,
 * Celery's Flower, something else that runs the app's image, or none of these.
 */
export type ServiceRole = 'app' | 'worker' | 'beat' | 'migrate' | 'postgres' | 'redis' | 'proxy' | 'flower' | 'app-image' | 'other';

/** The roles of every service, by name, in the compose file's order. */
export type ServiceRoles = ReadonlyMap<string, ServiceRole>;

/** The image's repository without registry, tag or digest, lowercase: `docker.io/library/postgres:16` -> `postgres`. */
export function imageRepository(image: string | undefined): string {
  if (!image) return '';
  const noDigest = image.split('@')[0];
  const last = noDigest.split('/').pop() ?? '';
  return last.split(':')[0].toLowerCase();
}

const WORKER = /celery|\brq\b|rqworker|rq worker|dramatiq|\bhuey\b|run_huey|\barq\b/i;
const BEAT = /beat/i;
const FLOWER = /flower/i;
const MIGRATE = /\bmigrate\b|alembic|prestart|\bdb upgrade\b/i;
const PYTHON_IMAGE = /python|django|flask|fastapi|uvicorn|gunicorn/;
/** Names a compose file gives its app service, best first. */
const APP_NAMES = ['web', 'app', 'django', 'flask', 'fastapi', 'backend', 'api', 'server'];

/** The service's process as one line, for recognizing what it runs. */
export function processLine(service: ComposeService): string {
  return [...(service.entrypoint ?? []), ...(service.command ?? [])].join(' ');
}

function fixedRole(s: ComposeService): ServiceRole | undefined {
  const repo = imageRepository(s.image);
  const dockerfile = s.build ? `${s.build.context}/${s.build.dockerfile}`.toLowerCase() : '';
  if (/^(postgres|postgis|postgresql|timescaledb|pgvector)/.test(repo) || s.volumes.some((v) => v.target.startsWith('/var/lib/postgresql')) || /postgres/.test(dockerfile)) return 'postgres';
  if (/^(redis|valkey|keydb)/.test(repo) || /redis|valkey/.test(dockerfile)) return 'redis';
  if (repo === 'flower') return 'flower';
  if (/^(nginx|nginx-unprivileged|openresty|traefik|caddy|haproxy|envoy|httpd)$/.test(repo) || /nginx|traefik|caddy/.test(dockerfile)) return 'proxy';
  return undefined;
}

/** A role for a service that runs what the app runs (its build or image), by its command. */
function roleByCommand(s: ComposeService): ServiceRole | undefined {
  const line = processLine(s);
  if (FLOWER.test(line)) return 'flower';
  if (WORKER.test(line)) return BEAT.test(line) ? 'beat' : 'worker';
  if (MIGRATE.test(line)) return 'migrate';
  return undefined;
}

function sameBuild(a: ComposeService, b: ComposeService): boolean {
  if (a.build && b.build) return a.build.context === b.build.context && a.build.dockerfile === b.build.dockerfile;
  return a.image !== undefined && a.image === b.image;
}

/**
 * Recognizes each service's role. The app is `--service`, or the one service with a `build` or
 * a Python image that runs no worker or migration; several such services are refused unless one
 * publishes a port or has an app's usual name, and none at all is refused.
 */
export function serviceRoles(project: ComposeProject, service?: string): ServiceRoles {
  const roles = new Map<string, ServiceRole>();
  const where = project.file;
  let app: ComposeService | undefined;
  if (service !== undefined) {
    app = project.services.find((s) => s.name === service);
    if (!app) throw new UserError([`--service: ${where} has no service ${JSON.stringify(service)} (got ${JSON.stringify(service)}; allowed: ${project.services.map((s) => s.name).join(', ')})`]);
  } else {
    let candidates = project.services.filter((s) => !fixedRole(s) && (s.build || PYTHON_IMAGE.test(imageRepository(s.image))) && !roleByCommand(s));
    if (candidates.length > 1) {
      const published = candidates.filter((s) => s.ports.length > 0 || s.expose.length > 0);
      if (published.length >= 1) candidates = published;
    }
    if (candidates.length > 1) {
      const named = APP_NAMES.map((n) => candidates.find((s) => s.name === n)).find((s) => s !== undefined);
      if (named) candidates = [named];
    }
    if (candidates.length === 0) {
      throw new UserError([`${where}: services: no service could be the Python app (got ${project.services.map((s) => `${s.name}${s.image ? ` (${s.image})` : ''}`).join(', ')}; allowed: a service with build: or a Python image, or --service NAME)`]);
    }
    if (candidates.length > 1) {
      throw new UserError([`${where}: services: several services could be the app (got ${candidates.map((s) => s.name).join(', ')}; allowed: one, chosen with --service NAME)`]);
    }
    app = candidates[0];
  }
  for (const s of project.services) {
    if (s === app) roles.set(s.name, 'app');
    else roles.set(s.name, fixedRole(s) ?? (roleByCommand(s) && (sameBuild(s, app) || WORKER.test(processLine(s))) ? roleByCommand(s)! : sameBuild(s, app) ? 'app-image' : 'other'));
  }
  return roles;
}
