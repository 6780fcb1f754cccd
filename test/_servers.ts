import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { requireProgram } from '../scripts/provision';

// Real servers for the tests: Debian's nginx, gunicorn and PostgreSQL, on 127.0.0.1 only.
// A missing binary FAILS the test (never skips), so CI cannot go green without running them.
// Programs are declared in scripts/test-needs.json; `npm test` installs the missing ones first.
export { requireProgram };

/**
 * `nginx -t` on a conf, in `root`: returns nginx's output, throws when the test fails. `nginx -t`
 * opens the listening sockets too, so `listen <port>;` (all addresses) becomes
 * `listen 127.0.0.1:<port>;`, and that is the only change made to the conf.
 */
export function runNginxTest(root: string, conf: string, port: number): string {
  const nginxBin = requireProgram('nginx');
  const file = path.join(root, 'nginx.conf');
  fs.writeFileSync(file, listenOnLoopback(conf, port));
  // Output to a file, not a Node pipe (a socket): see start().
  const out = path.join(root, 'nginx-t.log');
  const fd = fs.openSync(out, 'w');
  let status: number | null;
  try {
    status = spawnSync(nginxBin, ['-t', '-p', `${root}/`, '-c', file, '-e', 'stderr'], { stdio: ['ignore', fd, fd], timeout: 5_000 }).status;
  } finally {
    fs.closeSync(fd);
  }
  const output = fs.readFileSync(out, 'utf8');
  if (status !== 0) throw new Error(`nginx -t failed (${status}):\n${output}`);
  return output;
}

/** Replaces the rendered `listen <port>;` (exactly once) so the test server binds loopback only. */
export function listenOnLoopback(conf: string, port: number): string {
  const listen = `listen ${port};`;
  if (conf.split(listen).length !== 2) throw new Error(`expected exactly one '${listen}' in the rendered conf`);
  return conf.replace(listen, `listen 127.0.0.1:${port};`);
}

/**
 * Writes `<root>/nginx.conf` for a test server: the rendered conf listening on loopback only (see
 * `listenOnLoopback`), plus `user root;` when the tests run as root: nginx workers would switch to
 * the default user `nobody`, which cannot read the 0700 temp folder (in the pod nginx never runs as
 * root, so there the directive is not needed).
 */
export function writeNginxConf(root: string, conf: string, port: number): void {
  const asRoot = process.getuid?.() === 0 ? 'user root;\n' : '';
  fs.writeFileSync(path.join(root, 'nginx.conf'), asRoot + listenOnLoopback(conf, port));
}

/**
 * Starts nginx on `<root>/nginx.conf` (see `writeNginxConf`), logging to `<root>/nginx.log`.
 * `-e stderr`: startup errors go to stderr instead of the compiled-in error log path;
 * `daemon off`: nginx stays in the foreground as our child, so we can stop it.
 */
export function startNginx(root: string, name = 'nginx'): Proc {
  return start(name, requireProgram('nginx'), ['-p', `${root}/`, '-c', path.join(root, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'],
    'SIGTERM', path.join(root, 'nginx.log'));
}

/**
 * A WSGI app without a framework, for gunicorn behind nginx: `/healthz` answers `ok`, any other
 * request gets back as JSON the path, the body's length and the headers the app saw (lowercase).
 */
export const ECHO_WSGI_APP = `import json


def app(environ, start_response):
    if environ.get('PATH_INFO') == '/healthz':
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']
    length = int(environ.get('CONTENT_LENGTH') or 0)
    body = environ['wsgi.input'].read(length) if length else b''
    headers = {k[5:].replace('_', '-').lower(): v for k, v in environ.items() if k.startswith('HTTP_')}
    out = json.dumps({'path': environ['PATH_INFO'], 'bodyLength': len(body), 'headers': headers}).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(out)))])
    return [out]
`;

/** Options of `startNginxAndGunicorn`. */
export interface NginxAndGunicornOptions {
  /** The prefix of the temporary folder the servers run in. */
  readonly prefix: string;
  /** Files to write in the folder first, by relative path (their folders are made). `static/` and `tmp/` are always made. */
  readonly files?: Readonly<Record<string, string>>;
  /** The nginx conf, rendered for the folder and the ports (its `listen <port>;` is made loopback only). */
  readonly conf: (dir: string, ports: ServerPorts) => string;
  /** gunicorn arguments before the app (`app:app`, `ECHO_WSGI_APP`). */
  readonly gunicornArgs?: readonly string[];
  /** Extra environment of gunicorn, given the folder. */
  readonly gunicornEnv?: (dir: string) => Readonly<Record<string, string>>;
}

/** The free loopback ports a pair of test servers gets. */
export interface ServerPorts {
  /** nginx's (public) port. */
  readonly port: number;
  /** gunicorn's port, which nginx proxies to. */
  readonly appPort: number;
  /** One more port, for a conf that serves stub_status. */
  readonly statusPort: number;
}

/** A real nginx in front of a real gunicorn running `ECHO_WSGI_APP`, both ready. */
export interface NginxAndGunicorn extends ServerPorts {
  /** The temporary folder both run in; `stop()` removes it. */
  readonly dir: string;
  readonly nginx: Proc;
  readonly gunicorn: Proc;
  /** Stops both and removes the folder. */
  stop(): Promise<void>;
}

/**
 * Starts the web pod's pair as the stack runs it, on 127.0.0.1: gunicorn with `ECHO_WSGI_APP` and
 * nginx with the given conf in front of it; resolves when both answer (gunicorn `/healthz`, nginx
 * `/nginx-health`). On failure whatever started is stopped again.
 */
export async function startNginxAndGunicorn(options: NginxAndGunicornOptions): Promise<NginxAndGunicorn> {
  const gunicornBin = requireProgram('gunicorn');
  requireProgram('nginx');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${options.prefix}-`));
  let nginx: Proc | undefined;
  let gunicorn: Proc | undefined;
  const stopBoth = async () => {
    await Promise.all([stop(nginx), stop(gunicorn)]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const sub of ['static', 'tmp']) fs.mkdirSync(path.join(dir, sub));
    for (const [file, text] of Object.entries({ 'app.py': ECHO_WSGI_APP, ...options.files })) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const [port, appPort, statusPort] = await freePorts(3);
    writeNginxConf(dir, options.conf(dir, { port, appPort, statusPort }), port);
    gunicorn = start('gunicorn', gunicornBin, ['--bind', `127.0.0.1:${appPort}`, '--workers', '1', ...(options.gunicornArgs ?? []), '--chdir', dir, 'app:app'],
      'SIGINT', path.join(dir, 'gunicorn.log'), { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.gunicornEnv?.(dir) } });
    nginx = startNginx(dir);
    await waitUntilReady(gunicorn, appPort, '/healthz');
    await waitUntilReady(nginx, port, '/nginx-health');
    return { dir, port, appPort, statusPort, nginx, gunicorn, stop: stopBoth };
  } catch (err) {
    await stopBoth();
    throw err;
  }
}

/** Ports free on 127.0.0.1 right now, all different. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly stopSignal: NodeJS.Signals;
  readonly logFile: string;
  exit?: string;
}

/**
 * Spawns a server in its own process group. Its stdout and stderr go to a file, not to a Node pipe:
 * Node's "pipes" are sockets, and nginx cannot open() /dev/stdout or /dev/stderr when they are
 * sockets (ENXIO). In a pod they are FIFOs, which work.
 */
export function start(name: string, bin: string, args: string[], stopSignal: NodeJS.Signals, logFile: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Proc {
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], cwd: opts.cwd, env: opts.env ?? { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  } finally {
    fs.closeSync(fd);
  }
  const proc: Proc = { name, child, stopSignal, logFile, exited: new Promise((resolve) => {
    child.once('error', (err) => { proc.exit = err.message; resolve(); });
    child.once('exit', (code, signal) => { proc.exit = `exit code ${code}, signal ${signal}`; resolve(); });
  }) };
  return proc;
}

export function logTail(proc: Proc): string {
  try { return fs.readFileSync(proc.logFile, 'utf8').slice(-4000); } catch { return '(no output)'; }
}

/** Stops the server with its own shutdown signal, then SIGKILLs whatever is left of its process group. */
export async function stop(proc: Proc | undefined): Promise<void> {
  const pid = proc?.child.pid;
  if (!proc || pid === undefined) return;
  const killGroup = (signal: NodeJS.Signals) => { try { process.kill(-pid, signal); } catch { /* already gone */ } };
  if (proc.exit === undefined) {
    try { proc.child.kill(proc.stopSignal); } catch { /* already gone */ }
    if (!(await within(proc.exited, 5_000))) killGroup('SIGKILL');
    await within(proc.exited, 2_000);
  }
  killGroup('SIGKILL');
}

export async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try { return await Promise.race([promise.then(() => true), timeout]); } finally { clearTimeout(timer); }
}

export async function waitUntilReady(proc: Proc, port: number, urlPath: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    if (proc.exit !== undefined) throw new Error(`${proc.name} stopped before it was ready (${proc.exit}):\n${logTail(proc)}`);
    try {
      const res = await request(port, urlPath, { timeoutMs: 1_000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} not ready on 127.0.0.1:${port}${urlPath} after ${timeoutMs} ms (${last}):\n${logTail(proc)}`);
}

export interface Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export function request(port: number, urlPath: string, opts: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Buffer; timeoutMs?: number } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 5_000, () => req.destroy(new Error(`timed out: ${opts.method ?? 'GET'} ${urlPath}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * A real WebSocket client (RFC 6455) on a raw socket: the Upgrade handshake, checked
 * `Sec-WebSocket-Accept`, masked text frames out, unmasked text frames back. Returns the
 * handshake's status and the text of one reply per message sent.
 */
export function websocketEcho(port: number, urlPath: string, messages: readonly string[], timeoutMs = 5_000): Promise<{ status: number; replies: string[] }> {
  const key = crypto.randomBytes(16).toString('base64');
  const expectedAccept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`websocket to ${urlPath}: timed out`)); }, timeoutMs);
    const fail = (err: Error) => { clearTimeout(timer); socket.destroy(); reject(err); };
    let buffer = Buffer.alloc(0);
    let status = 0;
    const replies: string[] = [];
    socket.on('error', fail);
    socket.on('connect', () => socket.write([
      `GET ${urlPath} HTTP/1.1`, 'Host: localhost', 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13', '', ''].join('\r\n')));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (status === 0) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString();
        buffer = buffer.subarray(end + 4);
        status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0);
        const accept = /^sec-websocket-accept:\s*(\S+)/im.exec(head)?.[1];
        if (status !== 101 || accept !== expectedAccept) return fail(new Error(`websocket handshake failed:\n${head}`));
        for (const m of messages) socket.write(maskedTextFrame(m));
      }
      // Unmasked frames from the server: FIN+opcode, length (7, 16 or 64 bits), payload.
      while (buffer.length >= 2) {
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) { if (buffer.length < 4) return; length = buffer.readUInt16BE(2); offset = 4; }
        else if (length === 127) { if (buffer.length < 10) return; length = Number(buffer.readBigUInt64BE(2)); offset = 10; }
        if (buffer.length < offset + length) return;
        const opcode = buffer[0] & 0x0f;
        const payload = buffer.subarray(offset, offset + length).toString();
        buffer = buffer.subarray(offset + length);
        if (opcode === 0x1) replies.push(payload);
        if (opcode === 0x8) return fail(new Error(`websocket closed by the server: ${payload}`));
        if (replies.length === messages.length) {
          clearTimeout(timer);
          socket.end(Buffer.from([0x88, 0x80, 0, 0, 0, 0]));
          resolve({ status, replies });
        }
      }
    });
  });
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('test messages stay under 126 bytes');
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}
