import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ConfigError } from '../constructs/_errors';
import { NginxConfOptions, renderNginxConf } from '../constructs/_nginx-conf';
import { NginxAndGunicorn, Proc, freePorts, request, requireProgram, runNginxTest, start, startNginx, startNginxAndGunicorn, stop, waitUntilReady, websocketEcho, writeNginxConf } from './_servers';

// The integration tests run the real Debian binaries (packages `nginx` and `gunicorn`). They FAIL,
// not skip, when the binaries are missing, so CI cannot go green without exercising the conf.

const BASE: NginxConfOptions = {
  port: 8080,
  appPort: 8000,
  staticUrlPath: '/static/',
  staticRoot: '/var/www/static',
  media: { urlPath: '/media/', root: '/var/www/media', serve: 'public' },
  maxUploadSize: '10m',
  tmpDir: '/tmp',
};

describe('renderNginxConf', () => {
  test('is deterministic', () => {
    const a = renderNginxConf(BASE);
    expect(renderNginxConf({ ...BASE, media: { ...BASE.media! } })).toBe(a);
    expect(renderNginxConf(BASE)).toBe(a);
  });

  test('renders a complete nginx.conf around the given values', () => {
    const conf = renderNginxConf(BASE);
    expect(conf).toMatch(/^worker_processes 2;$/m);
    expect(conf).toContain('pid /tmp/nginx.pid;');
    expect(conf).toMatch(/^events \{/m);
    expect(conf).toMatch(/^http \{/m);
    expect(conf).toContain('include /etc/nginx/mime.types;');
    expect(conf).toContain('listen 8080;');
    expect(conf).toContain('proxy_pass http://127.0.0.1:8000;');
    expect(conf).toContain('location ^~ /static/ {\n      alias /var/www/static/;');
    expect(conf).toContain('location ^~ /media/ {\n      alias /var/www/media/;');
  });

  test('has no media location when media is absent', () => {
    const conf = renderNginxConf({ ...BASE, media: undefined });
    expect(conf).not.toContain('/media/');
    expect(conf).not.toContain('nosniff');
    expect(conf.match(/^\s*location /gm)).toHaveLength(3);
  });

  test('client_max_body_size matches maxUploadSize', () => {
    expect(renderNginxConf({ ...BASE, maxUploadSize: '25m' })).toMatch(/^\s*client_max_body_size 25m;$/m);
    expect(renderNginxConf({ ...BASE, maxUploadSize: '512k' })).toMatch(/^\s*client_max_body_size 512k;$/m);
  });

  test.each<[string, Partial<NginxConfOptions>]>([
    ['a static prefix without the trailing slash', { staticUrlPath: '/static' }],
    ['the root as static prefix', { staticUrlPath: '/' }],
    ['nginx syntax in a value', { maxUploadSize: '1m; include /etc/passwd' }],
    ['a relative folder', { staticRoot: 'static' }],
    ['media and static on one prefix', { media: { urlPath: '/static/', root: '/m', serve: 'public' } }],
    ['an unknown media mode', { media: { urlPath: '/media/', root: '/m', serve: 'everyone' as any } }],
    ['a port out of range', { appPort: 70000 }],
  ])('rejects %s', (_, change) => {
    expect(() => renderNginxConf({ ...BASE, ...change })).toThrow(ConfigError);
  });
});

describe('the rendered conf with a real nginx and gunicorn', () => {
  const CSS = Array.from({ length: 80 }, (_, i) => `.rule-${i} { margin: ${i}px; }`).join('\n') + '\n';
  const UPLOAD = 'an uploaded file\n';
  let servers: NginxAndGunicorn | undefined;
  let port = 0;

  beforeAll(async () => {
    servers = await startNginxAndGunicorn({
      prefix: 'nginx-conf-test',
      files: { 'static/app.css': CSS, 'media/upload.txt': UPLOAD },
      conf: (dir, ports) => renderNginxConf({
        port: ports.port, appPort: ports.appPort, staticUrlPath: '/static/', staticRoot: path.join(dir, 'static'),
        media: { urlPath: '/media/', root: path.join(dir, 'media'), serve: 'public' }, maxUploadSize: '1m', tmpDir: path.join(dir, 'tmp'),
      }),
    });
    port = servers.port;
  }, 15_000);

  afterAll(async () => {
    await servers?.stop();
  }, 10_000);

  test('serves static files with long-lived cache headers', async () => {
    const res = await request(port, '/static/app.css');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(CSS);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(res.headers.server).toBe('nginx');
  });

  test('gzips text responses when the client accepts it', async () => {
    const res = await request(port, '/static/app.css', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(res.body).toString()).toBe(CSS);
  });

  test('answers a missing static file itself instead of asking the app', async () => {
    expect((await request(port, '/static/missing.css')).status).toBe(404);
  });

  test('serves media files with nosniff', async () => {
    const res = await request(port, '/media/upload.txt');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(UPLOAD);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  test('answers /nginx-health itself', async () => {
    const res = await request(port, '/nginx-health');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok\n');
  });

  test('proxies everything else to the app with the forwarding headers', async () => {
    const res = await request(port, '/orders/?page=2', { headers: { Host: 'shop.example.test' } });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body.toString());
    expect(seen.path).toBe('/orders/');
    expect(seen.headers).toMatchObject({
      'host': 'shop.example.test',
      'x-forwarded-host': 'shop.example.test',
      'x-forwarded-for': '127.0.0.1',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
  });

  test("keeps a TLS-terminating ingress's X-Forwarded-Proto and extends X-Forwarded-For", async () => {
    const res = await request(port, '/', { headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' } });
    const seen = JSON.parse(res.body.toString());
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
  });

  test('passes uploads up to maxUploadSize and refuses bigger ones with 413', async () => {
    const small = await request(port, '/upload', { method: 'POST', body: Buffer.alloc(64 * 1024, 'a') });
    expect(small.status).toBe(200);
    expect(JSON.parse(small.body.toString()).bodyLength).toBe(64 * 1024);
    const big = await request(port, '/upload', { method: 'POST', body: Buffer.alloc(1024 * 1024 + 1, 'a') });
    expect(big.status).toBe(413);
  });
});

describe('media modes and WebSockets with a real nginx and a real ASGI app (uvicorn)', () => {
  const UPLOAD = 'a private document\n';
  let dir: string | undefined;
  const nginx: Record<string, { port: number; proc?: Proc }> = { public: { port: 0 }, protected: { port: 0 }, app: { port: 0 } };
  let uvicorn: Proc | undefined;

  beforeAll(async () => {
    const python = requireProgram('python3');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-asgi-test-'));
    fs.mkdirSync(path.join(dir, 'media'));
    fs.writeFileSync(path.join(dir, 'media', 'doc.txt'), UPLOAD);
    fs.writeFileSync(path.join(dir, 'asgi_app.py'), ASGI_APP);
    const [appPort, ...ports] = await freePorts(4);
    uvicorn = start('uvicorn', python, ['-m', 'uvicorn', '--host', '127.0.0.1', '--port', String(appPort), '--app-dir', dir, '--ws', 'wsproto', 'asgi_app:app'],
      'SIGINT', path.join(dir, 'uvicorn.log'));
    for (const [i, serve] of (['public', 'protected', 'app'] as const).entries()) {
      const root = path.join(dir, serve);
      fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
      const port = ports[i];
      const conf = renderNginxConf({
        port, appPort, staticUrlPath: '/static/', staticRoot: path.join(root, 'static'),
        media: { urlPath: '/media/', root: path.join(dir, 'media'), serve }, maxUploadSize: '1m', tmpDir: path.join(root, 'tmp'),
      });
      writeNginxConf(root, conf, port);
      nginx[serve] = { port, proc: startNginx(root, `nginx (${serve})`) };
    }
    await waitUntilReady(uvicorn, appPort, '/healthz');
    for (const { port, proc } of Object.values(nginx)) await waitUntilReady(proc!, port, '/nginx-health');
  }, 20_000);

  afterAll(async () => {
    await Promise.all([...Object.values(nginx).map((n) => stop(n.proc)), stop(uvicorn)]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 10_000);

  test('a WebSocket goes through nginx to the app and back', async () => {
    const { status, replies } = await websocketEcho(nginx.app.port, '/ws/status/', ['hello', 'second message']);
    expect(status).toBe(101);
    expect(replies).toEqual(['echo:hello', 'echo:second message']);
  });

  test('plain requests still reach the app through the same proxy', async () => {
    const res = await request(nginx.app.port, '/orders/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('app:/orders/');
  });

  test('public: anyone gets an upload straight from the volume', async () => {
    const res = await request(nginx.public.port, '/media/doc.txt');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(UPLOAD);
  });

  test('protected: only what the app allows by X-Accel-Redirect, and never the internal path directly', async () => {
    expect((await request(nginx.protected.port, '/media/doc.txt')).status).toBe(403);
    const allowed = await request(nginx.protected.port, '/media/doc.txt', { headers: { Cookie: 'session=ok' } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.toString()).toBe(UPLOAD);
    expect(allowed.headers['cache-control']).toBe('private, no-store');
    expect((await request(nginx.protected.port, '/_protected/media/doc.txt')).status).toBe(404);
  });

  test('app: nginx passes upload paths to the app, which decides', async () => {
    const refused = await request(nginx.app.port, '/media/doc.txt');
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toBe('sign in first');
    expect((await request(nginx.app.port, '/_protected/media/doc.txt')).body.toString()).toBe('app:/_protected/media/doc.txt');
  });
});

describe('nginx -t', () => {
  let dir: string | undefined;
  afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  test.each([['with media', true], ['without media', false]])('accepts the conf %s', async (_, withMedia) => {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-conf-t-'));
    const root = fs.mkdtempSync(path.join(dir, 'case-'));
    const [port, appPort] = await freePorts(2);
    const conf = renderNginxConf({
      port, appPort, staticUrlPath: '/assets/', staticRoot: path.join(root, 'static'),
      media: withMedia ? { urlPath: '/uploads/', root: path.join(root, 'media'), serve: 'protected' } : undefined,
      maxUploadSize: '20m', tmpDir: path.join(root, 'tmp'),
    });
    fs.mkdirSync(path.join(root, 'tmp'));
    const output = runNginxTest(root, conf, port);
    expect(output).toContain('test is successful');
    expect(output).not.toMatch(/\[(warn|emerg|alert|crit)\]/);
  }, 10_000);
});

/** An ASGI app without a framework: WebSocket echo; uploads under /media/ only for a signed-in client, by X-Accel-Redirect. */
const ASGI_APP = `async def app(scope, receive, send):
    if scope['type'] == 'lifespan':
        while True:
            message = await receive()
            if message['type'] == 'lifespan.startup':
                await send({'type': 'lifespan.startup.complete'})
            elif message['type'] == 'lifespan.shutdown':
                await send({'type': 'lifespan.shutdown.complete'})
                return
    if scope['type'] == 'websocket':
        await receive()
        await send({'type': 'websocket.accept'})
        while True:
            message = await receive()
            if message['type'] == 'websocket.disconnect':
                return
            await send({'type': 'websocket.send', 'text': 'echo:' + (message.get('text') or '')})
    path = scope['path']
    status, headers, body = 200, [(b'content-type', b'text/plain')], b'app:' + path.encode()
    signed_in = any(k == b'cookie' and b'session=ok' in v for k, v in scope['headers'])
    if path == '/healthz':
        body = b'ok'
    elif path.startswith('/media/') and not signed_in:
        status, body = 403, b'sign in first'
    elif path.startswith('/media/'):
        headers.append((b'x-accel-redirect', b'/_protected' + path.encode()))
        body = b''
    await receive()
    await send({'type': 'http.response.start', 'status': status, 'headers': headers})
    await send({'type': 'http.response.body', 'body': body})
`;
