import * as fs from 'fs';
import * as path from 'path';
import { GUNICORN_CONF_FILE, renderGunicornJsonLogConf } from '../constructs/_gunicorn-conf';
import { renderNginxConf, STUB_STATUS_PATH } from '../constructs/_nginx-conf';
import { NginxAndGunicorn, Proc, request, startNginxAndGunicorn } from './_servers';

// `logs.format: json` with the real Debian nginx and gunicorn: every access line of both parses
// as JSON, with the same field names, and the request id nginx sets reaches the app and both logs.

/** A User-Agent that breaks naive JSON logging: quotes, backslashes, braces. */
const NASTY_AGENT = 'e2e "quoted" \\ back\\slash {"json": true}';

let servers: NginxAndGunicorn | undefined;
let port = 0;
let statusPort = 0;
let nginx: Proc | undefined;
let gunicorn: Proc | undefined;

beforeAll(async () => {
  servers = await startNginxAndGunicorn({
    prefix: 'access-logs-test',
    files: { [GUNICORN_CONF_FILE]: renderGunicornJsonLogConf() },
    conf: (dir, ports) => renderNginxConf({
      port: ports.port, appPort: ports.appPort, staticUrlPath: '/static/', staticRoot: path.join(dir, 'static'), maxUploadSize: '1m', tmpDir: path.join(dir, 'tmp'),
      logFormat: 'json', statusPort: ports.statusPort, hiddenPaths: ['/metrics'],
    }),
    // As the stack runs it: gunicorn finds the config through GUNICORN_CMD_ARGS, the command is unchanged.
    gunicornArgs: ['--access-logfile', '-', '--error-logfile', '-'],
    gunicornEnv: (dir) => ({ GUNICORN_CMD_ARGS: `--config ${path.join(dir, GUNICORN_CONF_FILE)}` }),
  });
  ({ port, statusPort, nginx, gunicorn } = servers);
}, 15_000);

afterAll(async () => {
  await servers?.stop();
}, 10_000);

/** Every line of a server's output that is an access line (a JSON object), parsed; throws on a bad one. */
function accessLines(proc: Proc): Array<Record<string, unknown>> {
  const lines = fs.readFileSync(proc.logFile, 'utf8').split('\n').filter((l) => l.startsWith('{'));
  return lines.map((l) => JSON.parse(l));
}

/** The access line of one request (found by its request id), waiting briefly for the server to write it. */
async function lineOf(proc: Proc, requestId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const found = accessLines(proc).filter((l) => l.request_id === requestId);
    if (found.length === 1) return found[0];
    if (Date.now() > deadline) throw new Error(`${proc.name}: ${found.length} access lines with request_id ${requestId}:\n${fs.readFileSync(proc.logFile, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('logs.format json with a real nginx and gunicorn', () => {
  test('nginx makes a request id when there is none, passes it to the app, and both log it in JSON', async () => {
    const res = await request(port, '/orders/?page=2', { headers: { 'User-Agent': NASTY_AGENT } });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body.toString());
    const id = seen.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id

    const fromNginx = await lineOf(nginx!, id);
    expect(fromNginx).toMatchObject({ method: 'GET', path: '/orders/', query: 'page=2', status: 200, user_agent: NASTY_AGENT, remote_addr: '127.0.0.1' });
    expect(typeof fromNginx.duration).toBe('number');
    expect(fromNginx.bytes).toBe(res.body.length);
    expect(Date.parse(String(fromNginx.time))).not.toBeNaN();

    const fromApp = await lineOf(gunicorn!, id);
    expect(fromApp).toMatchObject({ method: 'GET', path: '/orders/', query: 'page=2', status: 200, user_agent: NASTY_AGENT });
    expect(typeof fromApp.duration).toBe('number');
    expect(fromApp.bytes).toBe(res.body.length);
    expect(Date.parse(String(fromApp.time))).not.toBeNaN();
    // One shape for both: a log pipeline needs one parser.
    for (const key of ['time', 'method', 'path', 'query', 'status', 'duration', 'bytes', 'request_id', 'user_agent', 'remote_addr', 'forwarded_for']) {
      expect(Object.keys(fromNginx)).toContain(key);
      expect(Object.keys(fromApp)).toContain(key);
    }
  });

  test("keeps the client's (or the ingress controller's) X-Request-ID", async () => {
    const res = await request(port, '/keep', { headers: { 'X-Request-ID': 'ingress-7f3a' } });
    expect(JSON.parse(res.body.toString()).headers['x-request-id']).toBe('ingress-7f3a');
    expect((await lineOf(nginx!, 'ingress-7f3a')).path).toBe('/keep');
    expect((await lineOf(gunicorn!, 'ingress-7f3a')).path).toBe('/keep');
  });

  test("answers the app's metrics path with 404 itself, without asking the app", async () => {
    const res = await request(port, '/metrics', { headers: { 'X-Request-ID': 'hidden-metrics' } });
    expect(res.status).toBe(404);
    expect((await lineOf(nginx!, 'hidden-metrics')).status).toBe(404);
    expect(accessLines(gunicorn!).some((l) => l.path === '/metrics')).toBe(false);
  });

  test('serves stub_status on the loopback status port only', async () => {
    const res = await request(statusPort, STUB_STATUS_PATH);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toMatch(/^Active connections: \d+/);
    expect((await request(statusPort, '/')).status).toBe(404);
    // The public server has no stub_status: the path is the app's like any other.
    expect((await request(port, STUB_STATUS_PATH)).body.toString()).not.toMatch(/Active connections/);
  });

  test('every access line either server wrote is a JSON object', () => {
    for (const proc of [nginx!, gunicorn!]) {
      const text = fs.readFileSync(proc.logFile, 'utf8');
      // No access line in another format slipped through (text lines would show the request line).
      expect(text.split('\n').filter((l) => !l.startsWith('{') && /"(GET|POST) \/\S* HTTP\/1\.[01]" \d{3} /.test(l))).toEqual([]);
      expect(accessLines(proc).length).toBeGreaterThanOrEqual(3);
    }
  });
});
