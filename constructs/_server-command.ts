import { Framework } from './stack-config';

/** The WSGI/ASGI callable each framework's default command serves. */
export function defaultEntrypoint(framework: Framework, stackName: string): string | undefined {
  switch (framework) {
    case 'django': return `${stackName.replace(/-/g, '_')}.wsgi:application`;
    case 'flask': return 'app:app';
    case 'fastapi': return 'main:app';
    default: return undefined;
  }
}

/**
 * The default server command: gunicorn for WSGI apps, gunicorn with uvicorn workers for ASGI.
 * `$(PORT)` and `$(WEB_CONCURRENCY)` are expanded by the kubelet from the container's env, so
 * the ConfigMap stays the one place these values live. Logs go to stdout/stderr so the cluster's
 * log pipeline sees them; the graceful timeout fits inside the pod's termination grace period.
 */
export function defaultServerCommand(framework: Framework, entrypoint: string, gracefulTimeout: number): string[] {
  const worker = framework === 'fastapi' ? ['--worker-class', 'uvicorn.workers.UvicornWorker'] : [];
  return [
    'gunicorn',
    '--bind', '0.0.0.0:$(PORT)',
    '--workers', '$(WEB_CONCURRENCY)',
    ...worker,
    '--graceful-timeout', String(gracefulTimeout),
    '--access-logfile', '-',
    '--error-logfile', '-',
    entrypoint,
  ];
}
