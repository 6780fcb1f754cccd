import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { envSourcesFrom, resolveContainer } from '../e2e/kubelet-env';
import { PythonWebStackProps, WebServer } from '../constructs';
import { serverCommand } from '../constructs/_server-command';
import { container, only, podSpec, stack, synthStack } from './_helpers';
import { Proc, freePorts, logTail, request, start, stop, requireProgram, waitUntilReady, within } from './_servers';

const appCommand = (props: PythonWebStackProps) => container(podSpec(only(synthStack(props), 'Deployment')), 'app').command;
const web = (web: object) => stack({ web: { image: 'a/b:1', framework: 'flask', ...web } });

describe('web.server: the default command of each server', () => {
  test('gunicorn stays the default, byte for byte', () => {
    expect(appCommand(web({}))).toEqual(['gunicorn', '--bind', '0.0.0.0:$(PORT)', '--workers', '$(WEB_CONCURRENCY)', '--graceful-timeout', '25', '--access-logfile', '-', '--error-logfile', '-', 'app:app']);
  });

  test('uvicorn: ASGI, $(WEB_CONCURRENCY) worker processes; django gets its asgi module', () => {
    expect(appCommand(web({ framework: 'fastapi', server: 'uvicorn' }))).toEqual(['uvicorn', '--host', '0.0.0.0', '--port', '$(PORT)', '--workers', '$(WEB_CONCURRENCY)', 'main:app']);
    expect(appCommand(web({ framework: 'django', server: 'uvicorn' })).at(-1)).toBe('shop.asgi:application');
  });

  test('granian: --interface by the app (fastapi or an *.asgi entrypoint is ASGI), --workers $(WEB_CONCURRENCY)', () => {
    // Debian ships no granian: its command's shape is what is checked, against granian's CLI
    // (`granian --interface asgi|wsgi --host --port --workers APP`).
    expect(appCommand(web({ framework: 'django', server: 'granian', entrypoint: 'paperless.asgi:application' })))
      .toEqual(['granian', '--interface', 'asgi', '--host', '0.0.0.0', '--port', '$(PORT)', '--workers', '$(WEB_CONCURRENCY)', 'paperless.asgi:application']);
    expect(appCommand(web({ framework: 'django', server: 'granian' })).slice(0, 3)).toEqual(['granian', '--interface', 'wsgi']);
    expect(appCommand(web({ framework: 'fastapi', server: 'granian' })).slice(0, 3)).toEqual(['granian', '--interface', 'asgi']);
  });

  test('uwsgi: HTTP on $(PORT), $(WEB_CONCURRENCY) processes, stops on SIGTERM', () => {
    expect(appCommand(web({ server: 'uwsgi' }))).toEqual(['uwsgi', '--http-socket', '0.0.0.0:$(PORT)', '--processes', '$(WEB_CONCURRENCY)', '--master', '--die-on-term', '--need-app', '--enable-threads', '--worker-reload-mercy', '25', '--module', 'app:app']);
  });

  test('a generic app with an entrypoint gets the server\'s command; command still replaces it', () => {
    expect(appCommand(web({ framework: 'generic', server: 'uwsgi', entrypoint: 'hc.wsgi:application' })).at(-1)).toBe('hc.wsgi:application');
    expect(appCommand(web({ server: 'uwsgi', command: ['uwsgi', '/etc/uwsgi.ini'] }))).toEqual(['uwsgi', '/etc/uwsgi.ini']);
  });

  test('fails if the server cannot serve the framework\'s interface', () => {
    expect(() => synthStack(web({ framework: 'fastapi', server: 'uwsgi' }))).toThrow(/web\.server: uwsgi serves WSGI apps, and fastapi is ASGI \(got "uwsgi"; allowed: gunicorn \| uvicorn \| granian\)/);
    expect(() => synthStack(web({ server: 'uvicorn' }))).toThrow(/web\.server: uvicorn serves ASGI apps, and flask is WSGI/);
    expect(() => synthStack(web({ server: 'hypercorn' }))).toThrow(/web\.server: is not one of the allowed values \(got "hypercorn"; allowed: gunicorn \| uvicorn \| granian \| uwsgi\)/);
  });

  test('fails if a generic app has neither command nor entrypoint', () => {
    expect(() => synthStack(web({ framework: 'generic', server: 'uwsgi' }))).toThrow(/web\.command: is required when framework is generic and there is no entrypoint/);
  });

  test('every server\'s command reads only $(PORT) and $(WEB_CONCURRENCY)', () => {
    for (const server of ['gunicorn', 'uvicorn', 'granian', 'uwsgi'] as const) {
      const refs = [...serverCommand({ server, framework: 'django', entrypoint: 'a.wsgi:app', gracefulTimeout: 25 }).join(' ').matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1]);
      expect(refs.sort()).toEqual(['PORT', 'WEB_CONCURRENCY']);
    }
  });
});

// The real servers Debian ships, started with the synthesized command and env (resolved with the
// kubelet's rules), answering on the probe path, with WEB_CONCURRENCY workers, stopping on SIGTERM.
const WSGI_APP = `
def app(environ, start_response):
    body = b"ok " + environ["PATH_INFO"].encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`;
const ASGI_APP = `
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b"ok " + scope["path"].encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
`;

interface RealServer {
  readonly server: WebServer;
  readonly framework: 'flask' | 'fastapi';
  /** The program Debian installs for the command's first word. */
  readonly program: () => string[];
  /** A line the server logs once per worker process it starts. */
  readonly workerLine: RegExp;
}

const REAL: RealServer[] = [
  { server: 'gunicorn', framework: 'flask', program: () => [requireProgram('gunicorn')], workerLine: /Booting worker with pid/g },
  { server: 'uvicorn', framework: 'fastapi', program: () => [requireProgram('python3'), '-m', 'uvicorn'], workerLine: /Started server process/g },
  { server: 'uwsgi', framework: 'flask', program: () => [requireProgram('uwsgi_python3')], workerLine: /spawned uWSGI worker \d+/g },
];

describe.each(REAL)('a real $server with the synthesized command and env', ({ server, framework, program, workerLine }) => {
  let dir: string;
  let proc: Proc | undefined;
  let port: number;
  /** Seconds the kubelet leaves the app between SIGTERM and SIGKILL: the pod's grace period less the app's preStop sleep. */
  let afterSigterm: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `server-${server}-`));
    fs.writeFileSync(path.join(dir, framework === 'fastapi' ? 'main.py' : 'app.py'), framework === 'fastapi' ? ASGI_APP : WSGI_APP);
    [port] = await freePorts(1);
    // GIVEN the stack's web pod, its port the free port, two workers
    const objects = synthStack(stack({ web: { image: 'a/b:1', framework, server, port, healthPath: '/healthz', env: { WEB_CONCURRENCY: '2' } } }));
    const pod = podSpec(only(objects, 'Deployment'));
    const app = container(pod, 'app');
    const preStop = app.lifecycle?.preStop?.exec?.command ?? [];
    expect(preStop[0]).toBe('sleep');
    afterSigterm = pod.terminationGracePeriodSeconds - Number(preStop[1]);
    const resolved = resolveContainer(app, envSourcesFrom(objects));
    // The one change: bind loopback, not every address of the test machine.
    const argv = [...program(), ...resolved.command.slice(1).map((a) => a.replace('0.0.0.0', '127.0.0.1'))];
    const env = { ...Object.fromEntries(resolved.env), PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONPATH: dir, HOME: dir };
    proc = start(server, argv[0], argv.slice(1), 'SIGTERM', path.join(dir, 'server.log'), { env, cwd: dir });
    await waitUntilReady(proc, port, '/healthz', 15_000);
  }, 20_000);

  afterAll(async () => {
    await stop(proc);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  test('answers on the probe path', async () => {
    const res = await request(port, '/healthz');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok /healthz');
  });

  test('runs WEB_CONCURRENCY worker processes', async () => {
    const deadline = Date.now() + 10_000;
    let count = 0;
    while (Date.now() < deadline && (count = (logTail(proc!).match(workerLine) ?? []).length) < 2) await new Promise((r) => setTimeout(r, 100));
    expect({ workers: count, log: count === 2 ? '' : logTail(proc!) }).toEqual({ workers: 2, log: '' });
  });

  test('stops on SIGTERM, the kubelet\'s signal, within what the grace period leaves it', async () => {
    // Bounded by the synthesized pod, not by a guess: a loaded CI machine slows shutdown down
    // (uWSGI's master waits on its workers), and only the kubelet's SIGKILL is a failure.
    expect(afterSigterm).toBeGreaterThanOrEqual(20);
    proc!.child.kill('SIGTERM');
    const exited = await within(proc!.exited, afterSigterm * 1000);
    expect({ exited, log: exited ? '' : logTail(proc!) }).toEqual({ exited: true, log: '' });
  }, 60_000);
});

describe('a real uwsgi whose worker does not die on shutdown', () => {
  // uWSGI's master waits 60 s by default for a worker to die (past the grace period, so the
  // kubelet's SIGKILL ended the pod); seen under load with a healthy app. The synthesized
  // --worker-reload-mercy bounds that wait: here a worker that ignores the master's signals.
  test('is killed by its master within --worker-reload-mercy, and uWSGI exits', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-uwsgi-stuck-'));
    fs.writeFileSync(path.join(dir, 'app.py'), `
import signal
def app(environ, start_response):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
`);
    const [port] = await freePorts(1);
    const command = serverCommand({ server: 'uwsgi', framework: 'flask', entrypoint: 'app:app', gracefulTimeout: 2 });
    const args = command.slice(1).map((a) => a.replace('0.0.0.0:$(PORT)', `127.0.0.1:${port}`).replace('$(WEB_CONCURRENCY)', '1'));
    const proc = start('uwsgi-stuck', requireProgram('uwsgi_python3'), args, 'SIGTERM', path.join(dir, 'server.log'), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONPATH: dir, HOME: dir }, cwd: dir });
    try {
      await waitUntilReady(proc, port, '/', 15_000);
      proc.child.kill('SIGTERM');
      const exited = await within(proc.exited, 20_000);
      expect({ exited, mercy: /NO MERCY/.test(logTail(proc)) }).toEqual({ exited: true, mercy: true });
    } finally {
      await stop(proc);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
