import { Framework, WebServer } from './stack-config';

/** Whether an app is served through ASGI (async) or WSGI. */
export type AppInterface = 'asgi' | 'wsgi';

/**
 * The interface a server speaks to the app: fastapi is ASGI; django and flask are WSGI unless
 * the entrypoint's module is an `asgi` one (Django's `<project>/asgi.py`, as paperless-ngx runs
 * under granian); uvicorn speaks ASGI only, uWSGI WSGI only.
 */
export function appInterface(server: WebServer, framework: Framework, entrypoint: string | undefined): AppInterface {
  if (server === 'uvicorn') return 'asgi';
  if (server === 'uwsgi') return 'wsgi';
  if (framework === 'fastapi') return 'asgi';
  return /(^|\.)asgi:/.test(entrypoint ?? '') ? 'asgi' : 'wsgi';
}

/**
 * The WSGI/ASGI callable each framework's default command serves; Django's ASGI servers
 * (uvicorn) get `<project>.asgi:application`, which `startproject` writes beside `wsgi.py`.
 */
export function defaultEntrypoint(framework: Framework, stackName: string, server: WebServer = 'gunicorn'): string | undefined {
  switch (framework) {
    case 'django': return `${stackName.replace(/-/g, '_')}.${server === 'uvicorn' ? 'asgi' : 'wsgi'}:application`;
    case 'flask': return 'app:app';
    case 'fastapi': return 'main:app';
    default: return undefined;
  }
}

/** What the default server command needs to know. */
export interface ServerCommandOptions {
  readonly server: WebServer;
  readonly framework: Framework;
  /** The `module:callable` served. */
  readonly entrypoint: string;
  /** Seconds in-flight requests get once the server is told to stop. */
  readonly gracefulTimeout: number;
}

/**
 * The default server command of each server, listening on all addresses at `$(PORT)` with
 * `$(WEB_CONCURRENCY)` worker processes, logging to stdout/stderr and stopping on SIGTERM (the
 * kubelet's signal). `$(VAR)` is expanded by the kubelet from the container's env, so the
 * ConfigMap stays the one place these values live.
 *
 * - gunicorn: `--graceful-timeout` fits inside the pod's termination grace period; FastAPI runs
 *   in uvicorn's gunicorn worker class.
 * - uvicorn: `--workers` starts a process manager; proxy headers are trusted from 127.0.0.1
 *   (the nginx sidecar), uvicorn's default.
 * - granian: `--interface` says ASGI or WSGI (see `appInterface`).
 * - uWSGI: SIGTERM reloads by default (`--die-on-term` makes it stop), `--http-socket` serves
 *   HTTP without uWSGI's separate router process, `--need-app` exits when the app fails to
 *   import instead of serving 500s, `--master` supervises the workers, and
 *   `--worker-reload-mercy` (default 60 s, past the grace period) bounds how long the master waits
 *   for a worker that does not die on shutdown: one worker of two hung there now and then (seen
 *   in test/server-command.test.ts under load), so the pod ran into the kubelet's SIGKILL.
 */
export function serverCommand(options: ServerCommandOptions): string[] {
  const { server, framework, entrypoint, gracefulTimeout } = options;
  switch (server) {
    case 'gunicorn':
      return [
        'gunicorn',
        '--bind', '0.0.0.0:$(PORT)',
        '--workers', '$(WEB_CONCURRENCY)',
        ...(framework === 'fastapi' ? ['--worker-class', 'uvicorn.workers.UvicornWorker'] : []),
        '--graceful-timeout', String(gracefulTimeout),
        '--access-logfile', '-',
        '--error-logfile', '-',
        entrypoint,
      ];
    case 'uvicorn':
      return ['uvicorn', '--host', '0.0.0.0', '--port', '$(PORT)', '--workers', '$(WEB_CONCURRENCY)', entrypoint];
    case 'granian':
      return [
        'granian',
        '--interface', appInterface(server, framework, entrypoint),
        '--host', '0.0.0.0',
        '--port', '$(PORT)',
        '--workers', '$(WEB_CONCURRENCY)',
        entrypoint,
      ];
    case 'uwsgi':
      return [
        'uwsgi',
        '--http-socket', '0.0.0.0:$(PORT)',
        '--processes', '$(WEB_CONCURRENCY)',
        '--master',
        '--die-on-term',
        '--need-app',
        '--enable-threads',
        '--worker-reload-mercy', String(gracefulTimeout),
        '--module', entrypoint,
      ];
  }
}
