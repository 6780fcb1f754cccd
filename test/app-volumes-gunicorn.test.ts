import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { envSourcesFrom, resolveContainer } from '../e2e/kubelet-env';
import { mapPaths, pathMap, podVolumes } from '../e2e/local-pod';
import { container, only, podSpec, stack, synthStack } from './_helpers';
import { Proc, freePorts, request, requireProgram, start, stop, waitUntilReady } from './_servers';

// A files volume in a real gunicorn run: the ConfigMap's files written where the kubelet would
// mount them (a folder per volume, e2e/local-pod), the container's paths mapped onto them, and
// an app that reads its settings file from the mount path it is given in web.env.
const APP = `
import os, runpy
SETTINGS = runpy.run_path(os.path.join(os.environ["SETTINGS_DIR"], "settings.py"))

def app(environ, start_response):
    body = SETTINGS["GREETING"].encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`;

describe('a files volume mounted into a real gunicorn', () => {
  let dir: string;
  let proc: Proc | undefined;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'files-volume-'));
    fs.writeFileSync(path.join(dir, 'app.py'), APP);
    [port] = await freePorts(1);
    // GIVEN the settings file as a files volume at /etc/shop, and the app told where it is
    const objects = synthStack(stack({
      web: { image: 'a/b:1', framework: 'flask', port, env: { SETTINGS_DIR: '/etc/shop', WEB_CONCURRENCY: '1' } },
      volumes: { settings: { files: { 'settings.py': 'GREETING = "hello from the volume"\n' }, mountPath: '/etc/shop' } },
    }));
    const pod = podSpec(only(objects, 'Deployment'));
    const app = container(pod, 'app');
    const sources = envSourcesFrom(objects);
    const map = pathMap(app, podVolumes(dir, 'web', pod, sources.configMaps));
    const resolved = resolveContainer(app, sources);
    const env = Object.fromEntries([...resolved.env].map(([k, v]) => [k, mapPaths([v], map)[0]]));
    const argv = [requireProgram('gunicorn'), ...resolved.command.slice(1).map((a) => a.replace('0.0.0.0', '127.0.0.1'))];
    proc = start('gunicorn', argv[0], argv.slice(1), 'SIGTERM', path.join(dir, 'gunicorn.log'), { env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONPATH: dir }, cwd: dir });
    await waitUntilReady(proc, port, '/healthz', 15_000);
  }, 20_000);

  afterAll(async () => {
    await stop(proc);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  test('the app reads the settings file from the volume', async () => {
    const res = await request(port, '/');
    expect(res.body.toString()).toBe('hello from the volume');
  });
});
