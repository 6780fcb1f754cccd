import { ConfigIssue } from './_errors';
import { NGINX_EXPORTER, POSTGRES_EXPORTER } from './_exporters';
import { GunicornJsonLogs } from './gunicorn-json-logs';
import { ResolvedStack } from './resolve-stack';

/** Whether gunicorn writes JSON access lines: `logs.format: json` with gunicorn as the server. */
export function gunicornWritesJson(m: ResolvedStack): boolean {
  return m.logs.format === 'json' && m.web.server === 'gunicorn';
}

/**
 * Whether the app server itself writes JSON access lines with `logs.format: json`: gunicorn with
 * its own workers. uvicorn, granian and uWSGI (and gunicorn's UvicornWorker, fastapi's) cannot be
 * told to from the command line alone: their access-log formats do not escape what they insert
 * (a path with a quote breaks the JSON), uvicorn's has no duration, and a JSON formatter would be
 * Python code on the app's import path. Their lines stay text; nginx's are JSON whatever the server.
 */
export function appServerWritesJson(m: ResolvedStack): boolean {
  return gunicornWritesJson(m) && m.web.framework !== 'fastapi';
}

/** What `logs.format: json` leaves as text: said at every synth, so nobody expects JSON that never comes. */
export function observabilityWarnings(m: ResolvedStack): string[] {
  if (m.logs.format !== 'json' || appServerWritesJson(m) || !m.static) return [];
  return [`logs.format json: nginx writes JSON access lines, the app server (${serverName(m)}) its own text lines; only gunicorn with its own workers writes JSON`];
}

/** The app server, as the messages name it. */
function serverName(m: ResolvedStack): string {
  return m.web.server === 'gunicorn' && m.web.framework === 'fastapi' ? "gunicorn's UvicornWorker" : m.web.server;
}

/** Celery's queue when a worker names none: the list its default queue lives in. */
export const DEFAULT_QUEUE = 'celery';

/**
 * The job queues (Redis lists) the Redis exporter reports the length of: those the workers scale
 * by, or Celery's default queue when there are workers and none names its queue.
 */
export function watchedQueues(m: ResolvedStack): string[] {
  const workers = Object.values(m.workers);
  const named = workers.map((w) => w.autoscaling?.queue?.name).filter((n): n is string => Boolean(n));
  if (named.length) return [...new Set(named)].sort();
  return workers.length ? [DEFAULT_QUEUE] : [];
}

/** Problems of `monitoring`, `web.metrics` and `logs` across sections. */
export function observabilityIssues(m: ResolvedStack): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const metrics = m.web.metrics;
  if (metrics && m.static) {
    if (metrics.port === m.static.port) {
      issues.push({ path: 'web.metrics.port', message: `collides with static.port (${m.static.port}): both containers share the pod's network`, value: metrics.port, allowed: 'web.port, or a port of its own such as 9000' });
    }
    if (m.monitoring && metrics.port === NGINX_EXPORTER.port.port) {
      issues.push({ path: 'web.metrics.port', message: `is the port of the nginx exporter the stack adds to the web pod (${NGINX_EXPORTER.port.port})`, value: metrics.port, allowed: 'web.port, or another port such as 9000' });
    }
  }
  if (m.monitoring && m.database && m.database.user === POSTGRES_EXPORTER.role) {
    issues.push({ path: 'database.user', message: `is the role the Postgres exporter connects as (${POSTGRES_EXPORTER.role})`, value: POSTGRES_EXPORTER.role, allowed: 'another name' });
  }
  if (m.monitoring && m.redis) {
    // redis_exporter reads its key list split at commas and `=`.
    for (const [key, w] of Object.entries(m.workers)) {
      const name = w.autoscaling?.queue?.name;
      if (name && /[,=\s]/.test(name)) {
        issues.push({ path: `workers.${key}.autoscaling.queue.name`, message: 'cannot be watched by the Redis exporter of monitoring (it splits its key list at commas and =)', value: name, allowed: 'a key without commas, = or spaces, such as celery' });
      }
    }
  }
  if (m.logs.format === 'json' && !appServerWritesJson(m) && !m.static) {
    issues.push({
      path: 'logs.format',
      message: `json would change nothing: the app server (${serverName(m)}) writes its own text access lines, and there is no nginx sidecar to write JSON ones`,
      value: 'json',
      allowed: 'text, or json with web.server gunicorn (flask, django, generic) or with static (nginx writes the JSON lines)',
    });
  }
  if (gunicornWritesJson(m)) {
    for (const name of Object.keys(GunicornJsonLogs.ENV).filter((n) => n in m.web.env)) {
      issues.push({ path: `web.env.${name}`, message: 'is set by the stack for logs.format json (it points gunicorn at the JSON access-log config)', allowed: 'remove it, or logs.format text' });
    }
  }
  return issues;
}
