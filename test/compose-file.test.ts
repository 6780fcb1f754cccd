import * as fs from 'fs';
import * as path from 'path';
import { ComposeService, readComposeFile } from '../lib/import/compose-file';
import { UserError } from '../lib/user-error';
import { tempDir } from './_cli';

// The compose reader: every form the Compose specification allows for the keys the importer
// reads comes out the same.

function read(text: string, files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  const file = path.join(dir, 'compose.yaml');
  fs.writeFileSync(file, text);
  return readComposeFile(file, env);
}
const service = (text: string, files?: Record<string, string>, env?: Record<string, string>): ComposeService => read(text, files, env).services[0];
const envOf = (s: ComposeService) => Object.fromEntries(s.environment.map((v) => [v.name, v.value]));

describe('readComposeFile', () => {
  test('environment: the list and map forms are the same, values as written', () => {
    const list = service('services:\n  web:\n    environment:\n      - DEBUG=0\n      - PY=3.10\n      - EMPTY=\n      - EQ=a=b\n');
    const map = service('services:\n  web:\n    environment:\n      DEBUG: 0\n      PY: 3.10\n      EMPTY: ""\n      EQ: a=b\n');
    expect(envOf(list)).toEqual({ DEBUG: '0', PY: '3.10', EMPTY: '', EQ: 'a=b' });
    expect(envOf(map)).toEqual(envOf(list));
    expect(list.environment[1].from).toBe('services.web.environment[1]');
    expect(map.environment[1].from).toBe('services.web.environment.PY');
  });

  test('environment: a name without a value takes it from the environment, else is left out', () => {
    const s = service('services:\n  web:\n    environment:\n      - FROM_SHELL\n      - NOWHERE\n', {}, { FROM_SHELL: 'shell' });
    expect(envOf(s)).toEqual({ FROM_SHELL: 'shell' });
    const m = service('services:\n  web:\n    environment:\n      FROM_SHELL:\n      NOWHERE: ~\n', {}, { FROM_SHELL: 'shell' });
    expect(envOf(m)).toEqual({ FROM_SHELL: 'shell' });
  });

  test('env_file: read in order (a string, a list, {path, required}), environment wins', () => {
    const s = service('services:\n  web:\n    env_file: [a.env, {path: missing.env, required: false}, sub/b.env]\n    environment: {B: env}\n', {
      'a.env': 'A=1\nB=from-a\n# comment\nQUOTED="x y"\n',
      'sub/b.env': 'B=from-b\nC=${A}-c\n',
    });
    expect(s.environment.map((v) => `${v.name}=${v.value}`)).toEqual(['A=1', 'B=from-a', 'QUOTED=x y', 'B=from-b', 'C=-c', 'B=env']);
    expect(s.environment[0].from).toBe('services.web.env_file[0] A');
  });

  test('interpolation: the shell environment wins over .env, as with compose', () => {
    const s = service('services:\n  web:\n    image: "shop:${TAG:-1.0}"\n    environment:\n      - A=${A}\n      - B=${B}\n', { '.env': 'A=from-dotenv\nB=from-dotenv\nTAG=2.0\n' }, { B: 'from-shell' });
    expect(s.image).toBe('shop:2.0');
    expect(envOf(s)).toEqual({ A: 'from-dotenv', B: 'from-shell' });
  });

  test('an unset variable is an empty string and a warning', () => {
    const p = read('services:\n  web:\n    environment:\n      - A=${NOPE}\n');
    expect(envOf(p.services[0])).toEqual({ A: '' });
    expect(p.warnings).toEqual([expect.stringMatching(/: the variable NOPE is not set: an empty string is used \(as docker compose does\)/)]);
  });

  test('ports: short and long forms, the container side', () => {
    const s = service('services:\n  web:\n    ports:\n      - 8000\n      - "5000:5000"\n      - "127.0.0.1:80:8080/tcp"\n      - "9000-9001:9000-9001"\n      - "53:53/udp"\n      - {target: 7000, published: 80}\n    expose: ["6000"]\n');
    expect(s.ports.map((p) => `${p.target}/${p.protocol}`)).toEqual(['8000/tcp', '5000/tcp', '8080/tcp', '9000/tcp', '53/udp', '7000/tcp']);
    expect(s.expose.map((p) => p.target)).toEqual([6000]);
  });

  test('volumes: named, bind, anonymous, long form and tmpfs', () => {
    const s = service('services:\n  web:\n    volumes:\n      - data:/app/data\n      - ./src:/app:ro\n      - /app/node_modules\n      - {type: volume, source: media, target: /app/media, read_only: true}\n      - {type: bind, source: ., target: /code}\n    tmpfs: [/run]\n');
    expect(s.volumes.map((v) => [v.type, v.source, v.target, v.readOnly])).toEqual([
      ['volume', 'data', '/app/data', false],
      ['bind', './src', '/app', true],
      ['volume', undefined, '/app/node_modules', false],
      ['volume', 'media', '/app/media', true],
      ['bind', '.', '/code', false],
      ['tmpfs', undefined, '/run', false],
    ]);
  });

  test('command and entrypoint: a string is split as compose splits it, a list kept', () => {
    const s = service(`services:\n  web:\n    command: gunicorn "my app:app" --bind 0.0.0.0:8000\n    entrypoint: ["/tini", "--"]\n`);
    expect(s.command).toEqual(['gunicorn', 'my app:app', '--bind', '0.0.0.0:8000']);
    expect(s.entrypoint).toEqual(['/tini', '--']);
  });

  test('healthcheck: CMD, CMD-SHELL, a string, NONE and disable', () => {
    const hc = (test: string) => service(`services:\n  web:\n    healthcheck:\n      ${test}\n`).healthcheck;
    expect(hc('test: ["CMD", "curl", "-f", "http://localhost:8000/health"]')).toEqual(['curl', '-f', 'http://localhost:8000/health']);
    expect(hc('test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]')).toEqual(['curl', '-f', 'http://localhost/', '||', 'exit', '1']);
    expect(hc('test: curl -f http://localhost/up')).toEqual(['curl', '-f', 'http://localhost/up']);
    expect(hc('test: ["NONE"]')).toBeUndefined();
    expect(hc('disable: true')).toBeUndefined();
  });

  test('x- extensions and merge keys: a service gets the anchored settings, its own keys win', () => {
    const p = read('x-app: &app\n  image: shop:1.0\n  environment: {A: "1"}\nservices:\n  web:\n    <<: *app\n    command: gunicorn shop.wsgi\n  worker:\n    <<: *app\n    environment: {B: "2"}\n');
    expect(p.services.map((s) => [s.name, s.image, envOf(s)])).toEqual([['web', 'shop:1.0', { A: '1' }], ['worker', 'shop:1.0', { B: '2' }]]);
    expect(p.warnings).toEqual([]);
  });

  test('build: a path or a mapping', () => {
    expect(service('services:\n  web:\n    build: ./app\n').build).toEqual({ context: './app', dockerfile: 'Dockerfile' });
    expect(service('services:\n  web:\n    build: {context: ., dockerfile: docker/Dockerfile}\n').build).toEqual({ context: '.', dockerfile: 'docker/Dockerfile' });
  });

  test('fails with every problem at once, one line each naming file, key, value and what is allowed', () => {
    let error: UserError | undefined;
    try {
      read('services:\n  web:\n    ports: ["http"]\n    environment: 5\n    command: "echo \'open"\n  db: nope\n');
    } catch (err) {
      error = err as UserError;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error!.lines.map((l) => l.replace(/^.*?compose\.yaml: /, ''))).toEqual([
      'services.web.command: has a quote that is never closed (got "echo \'open"; allowed: balanced quotes, or the list form [cmd, arg, ...])',
      'services.web.environment: must be a list of NAME=value or a mapping (got "5"; allowed: [DEBUG=0] or {DEBUG: "0"})',
      'services.web.ports[0]: is not a port (got "http"; allowed: "8000", "8000:8000", "127.0.0.1:8000:8000/tcp" or {target: 8000})',
      'services.db: must be a mapping of service keys (got "nope"; allowed: image, build, command, environment, ports, volumes, ...)',
    ]);
  });

  test('fails if YAML aliases expand without bound', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...'bcdefg'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefg'[i]}`).join(',')}]`), 'services: {web: {image: "x:1", labels: *g}}'].join('\n');
    expect(() => read(bomb)).toThrow(/the file expands to more than 100000 values \(YAML aliases\?\)/);
  });
});
