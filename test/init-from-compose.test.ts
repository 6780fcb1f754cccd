import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { initMain } from '../lib/commands/init-command';
import { fileProblems } from '../lib/check/output-checks';
import { EXCEPTIONS, checkPolicy, formatFinding } from '../lib/check/policy';
import { loadStackFiles } from '../lib/load/stack-file';
import { RenderedFile, renderFiles } from '../lib/render/render';
import { capture } from './_capture';
import { ROOT, tempDir } from './_cli';

// `init --from`: compose files in, a stack file that synthesizes and passes the checker battery
// out, with a report of every compose key; bad input is one line, exit 2, nothing written.

const FIXTURES = path.join(ROOT, 'test/compose');
const ISSUE_EXAMPLE = path.join(FIXTURES, 'flask-guide/docker-compose.yml');
const COOKIECUTTER = path.join(FIXTURES, 'cookiecutter-django/docker-compose.production.yml');
const FASTAPI = path.join(FIXTURES, 'full-stack-fastapi/compose.yml');

/** Runs `init` with these flags, writing to a new file; returns what it printed and the file. */
function init(args: string[], file = path.join(tempDir(), 'stacks', 'app.yaml')) {
  const r = capture(() => initMain([...args, '--out', file]));
  return { ...r, file, text: fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : undefined };
}

/** The written stack, loaded as synth loads it, rendered, with the synth checks' problems and the checker battery's findings. */
function roundTrip(file: string): { config: any; output: RenderedFile[]; problems: string[]; findings: string[] } {
  const stacks = loadStackFiles([file]);
  const output = renderFiles(stacks);
  const problems = output.flatMap(fileProblems);
  const findings = output.flatMap((f) => checkPolicy(f.objects, { externalSecrets: f.externalSecrets, externalConfigMaps: f.externalConfigMaps }, { skip: Object.keys(EXCEPTIONS) }).map(formatFinding));
  return { config: stacks[0].config, output, problems, findings };
}

/** A copy of a fixture folder (with its hidden files), to vary a compose file without touching the repository's. */
function copyFixture(dir: string, edit?: (text: string) => string, compose = 'docker-compose.yml'): string {
  const to = path.join(tempDir(), path.basename(dir));
  fs.cpSync(dir, to, { recursive: true });
  if (edit) fs.writeFileSync(path.join(to, compose), edit(fs.readFileSync(path.join(to, compose), 'utf-8')));
  return path.join(to, compose);
}

/** Every string value a parsed YAML value holds (not its keys: `password` names a key of database.env). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('init --from: the compose file of issue 20', () => {
  let r: ReturnType<typeof init>;
  beforeAll(() => {
    r = init(['--from', ISSUE_EXAMPLE, '--image', 'ghcr.io/acme/flask-app:1.0.0', '--name', 'flask-app']);
  });

  test('writes a stack that synthesizes, with 0 findings of the checker battery', () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^wrote ${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} from .*docker-compose.yml \\(synthesized: \\d+ objects, every output check passed\\)`));
    const { config, problems, findings } = roundTrip(r.file);
    expect(problems).toEqual([]);
    expect(findings).toEqual([]);
    // THEN the compose file's app, database and wiring are the stack's
    expect(config).toEqual({
      name: 'flask-app',
      environment: 'production',
      web: { image: 'ghcr.io/acme/flask-app:1.0.0', framework: 'flask', port: 5000, env: { FLASK_ENV: 'development' } },
      database: {
        image: 'postgres:13', name: 'mydatabase', user: 'user', backup: { schedule: '0 3 * * *' },
        // DB_HOST=db named the compose service: now the stack's own database host
        env: { host: 'DB_HOST', port: 'PGPORT', name: 'PGDATABASE', user: 'PGUSER', password: 'PGPASSWORD', url: 'DATABASE_URL' },
      },
      secrets: { source: 'existing' },
    });
  });

  test('the stack file starts with the $schema line', () => {
    const first = r.text!.split('\n')[0];
    const match = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
    expect(path.resolve(path.dirname(r.file), match![1])).toEqual(path.join(ROOT, 'schema', 'stack.schema.json'));
  });

  test('the password is in neither the stack file, what init printed, nor the rendered output', () => {
    // The example's password is the word "password", which names keys too: no value may be it.
    expect(strings(yaml.load(r.text!)).filter((s) => s === 'password' || s.includes(':password@'))).toEqual([]);
    expect(renderFiles(loadStackFiles([r.file])).flatMap((f) => f.objects.flatMap(strings)).filter((s) => s === 'password' || s.includes(':password@'))).toEqual([]);
    // And a password that is no word is nowhere at all, whatever the format.
    const compose = copyFixture(path.dirname(ISSUE_EXAMPLE), (t) => t.replace('POSTGRES_PASSWORD: password', 'POSTGRES_PASSWORD: Qz8vT4nWp2Lx'));
    const other = init(['--from', compose, '--image', 'ghcr.io/acme/flask-app:1.0.0', '--name', 'flask-app']);
    expect(other.code).toBe(0);
    const everything = [other.text!, other.stdout, other.stderr, ...renderFiles(loadStackFiles([other.file])).map((f) => f.content)].join('\n');
    expect(everything).not.toContain('Qz8vT4nWp2Lx');
  });

  test('FLASK_ENV=development is flagged for production', () => {
    expect(r.stdout).toMatch(/^ {2}services\.web\.environment\[0\] +flagged +web\.env\.FLASK_ENV, but "development" turns on development behaviour/m);
  });

  test('the report has a line for every compose key, saying what became of it', () => {
    const lines = r.stdout.split('\n');
    const line = (key: string) => lines.find((l) => l.startsWith(`  ${key} `))?.replace(/ +/g, ' ').trim();
    expect(line('version')).toBe('version dropped obsolete in the Compose specification');
    expect(line('services.web.build')).toBe('services.web.build replaced web.image ghcr.io/acme/flask-app:1.0.0 (--image): build and push it in CI');
    expect(line('services.web.ports[0]')).toBe('services.web.ports[0] translated web.port 5000 (the container side)');
    expect(line('services.web.volumes[0]')).toBe('services.web.volumes[0] dropped bind mount of .: development only (the image holds the code)');
    expect(line('services.web.environment[1]')).toMatch(/replaced database\.env\.host: the stack sets DB_HOST to its own database's host/);
    expect(line('services.web.depends_on')).toMatch(/^services\.web\.depends_on dropped /);
    expect(line('services.db.image')).toBe('services.db.image translated database.image');
    expect(line('services.db.restart')).toMatch(/dropped Kubernetes restarts/);
    expect(line('services.db.environment.POSTGRES_DB')).toBe('services.db.environment.POSTGRES_DB translated database.name');
    expect(line('services.db.environment.POSTGRES_PASSWORD')).toMatch(/replaced the key POSTGRES_PASSWORD of the Secret \(its value is not written/);
    expect(line('services.db.volumes[0]')).toMatch(/translated the claim <name>-postgres-data, of the stack's default size/);
    expect(line('volumes')).toMatch(/^volumes translated/);
  });

  test('prints the command that creates the Secret, with placeholders', () => {
    expect(r.stdout).toContain("kubectl -n flask-app create secret generic flask-app-secrets --from-literal=POSTGRES_PASSWORD='<POSTGRES_PASSWORD>'\n");
  });

  test('the npm script runs the same command (build/init.js)', () => {
    const file = path.join(tempDir(), 'stacks', 'app.yaml'); // as deep as r.file: the same $schema path
    const { spawnSync } = require('child_process');
    const p = spawnSync(process.execPath, [path.join(ROOT, 'build/init.js'), '--from', ISSUE_EXAMPLE, '--image', 'ghcr.io/acme/flask-app:1.0.0', '--name', 'flask-app', '--out', file], { encoding: 'utf-8' });
    expect(p.status).toBe(0);
    expect(fs.readFileSync(file, 'utf-8')).toEqual(r.text);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).scripts.init).toBe('node scripts/build.js && node build/init.js');
  });
});

describe('init --from: apps in the shape of real projects', () => {
  test('cookiecutter-django production: django, Postgres, Redis, Celery worker and beat; Flower, Traefik and nginx dropped', () => {
    const r = init(['--from', COOKIECUTTER, '--image', 'ghcr.io/acme/acme-django:2026.8.1', '--name', 'acme']);
    expect(r.code).toBe(0);
    const { config, problems, findings, output } = roundTrip(r.file);
    expect(problems).toEqual([]);
    // The start scripts hide which Celery app they run: no liveness probe can be derived, which the
    // report flags; with the healthCommand it asks for, the battery has nothing left to find.
    expect(findings).toEqual(['celeryworker', 'celerybeat'].map((w) => `polaris/livenessProbeMissing: Deployment acme/acme-worker-${w}: spec.template.spec.containers[0].livenessProbe: container "worker": livenessProbe should be configured`));
    for (const w of ['celeryworker', 'celerybeat']) expect(r.stdout).toMatch(new RegExp(`^ {2}services\\.${w}\\.command +flagged +no liveness probe for workers\\.${w} \\(Polaris warns livenessProbeMissing\\): set workers\\.${w}\\.healthCommand`, 'm'));
    const fixed = yaml.load(r.text!) as any;
    fixed.workers.celeryworker.healthCommand = ['sh', '-c', 'celery -A config.celery_app inspect ping -d "celery@$HOSTNAME"'];
    fixed.workers.celerybeat.healthCommand = ['sh', '-c', 'test -n "$(find /tmp/celerybeat-schedule -mmin -10)"'];
    fs.writeFileSync(r.file, yaml.dump(fixed));
    expect(roundTrip(r.file).findings).toEqual([]);
    expect(config.web).toMatchObject({ framework: 'django', args: ['/start'], port: 8000 });
    expect(config.web.env).toMatchObject({ DJANGO_SETTINGS_MODULE: 'config.settings.production', WEB_CONCURRENCY: '4' });
    expect(config.static).toEqual({});
    expect(config.media).toEqual({ mountPath: '/app/acme/media' });
    expect(config.database).toMatchObject({ name: 'acme', user: 'acme_user', env: { host: 'POSTGRES_HOST', port: 'POSTGRES_PORT', name: 'POSTGRES_DB', user: 'POSTGRES_USER', password: 'POSTGRES_PASSWORD' } });
    expect(config.database.image).toBeUndefined(); // built from the project's Dockerfile: the stack's pinned postgres
    expect(config.redis).toEqual({ image: 'docker.io/redis:7.2', storage: {} });
    expect(config.workers).toEqual({
      celeryworker: { command: ['/start-celeryworker'], mountMedia: true },
      celerybeat: { command: ['/start-celerybeat'], singleton: true, mountMedia: true },
    });
    expect(config.secrets).toEqual({ source: 'existing', keys: ['DJANGO_SECRET_KEY', 'MAILGUN_API_KEY', 'SENTRY_DSN', 'CELERY_FLOWER_PASSWORD'] });
    expect(r.stdout).toMatch(/^ {2}services\.flower +dropped +Celery Flower/m);
    expect(r.stdout).toMatch(/^ {2}services\.traefik +dropped +a reverse proxy/m);
    expect(r.stdout).toMatch(/^ {2}services\.nginx +dropped +a reverse proxy/m);
    expect(r.stdout).toMatch(/^ {2}services\.django\.command +flagged +web\.args .*\["\/start"\]/m);
    // No value of the env files' secrets is written or printed anywhere.
    const everything = [r.text!, r.stdout, r.stderr, ...output.map((f) => f.content)].join('\n');
    for (const secret of ['Xq7vN2pLk9RtY4wZ8sHb3mJc6dFg1aEu5oIyT0rWe2QzVx', 'Zt4kQ9wNc2Lp7Rx5', 'Wn8cT3vKq5Zr2Lx9']) expect(everything).not.toContain(secret);
    expect(r.stdout).toContain("--from-literal=POSTGRES_PASSWORD='<POSTGRES_PASSWORD>' --from-literal=REDIS_PASSWORD='<REDIS_PASSWORD>' --from-literal=DJANGO_SECRET_KEY='<DJANGO_SECRET_KEY>'");
  });

  test('the FastAPI full-stack template: fastapi from its Dockerfile, its health check, prestart as migrations; Traefik and Adminer dropped', () => {
    const r = init(['--from', FASTAPI, '--image', 'ghcr.io/acme/backend:0.8.0']);
    expect(r.code).toBe(0);
    const { config, problems, findings, output } = roundTrip(r.file);
    expect(problems).toEqual([]);
    expect(findings).toEqual([]);
    expect(config.name).toBe('full-stack-fastapi'); // the compose file's folder, as compose names the project
    // The compose file runs the image's CMD, `fastapi run --workers 4`, read from backend/Dockerfile.
    expect(r.stdout).toMatch(/^ {2}services\.backend\.build +replaced +the CMD of backend\/Dockerfile \("fastapi run --workers 4"\) is recognized: web\.framework fastapi, web\.server uvicorn: the stack's uvicorn command/m);
    expect(r.stdout).toMatch(/^ {2}services\.backend\.build +flagged +web\.entrypoint: not in the command; the stack's default for fastapi is used/m);
    expect(config.web).toMatchObject({
      framework: 'fastapi', server: 'uvicorn', port: 8000, healthPath: '/api/v1/utils/health-check/',
      migrations: { command: ['bash', 'scripts/prestart.sh'] },
      env: { PROJECT_NAME: 'Full Stack FastAPI Project', FRONTEND_HOST: 'http://localhost:5173', ENVIRONMENT: 'local', EMAILS_FROM_EMAIL: 'info@example.com' },
    });
    // DATABASE_URL pointed at the compose Postgres: the stack's default DATABASE_URL replaces it.
    expect(config.web.env.DATABASE_URL).toBeUndefined();
    expect(config.database).toMatchObject({ image: 'postgres:18', name: 'app' });
    expect(config.database.env).toBeUndefined();
    expect(config.secrets.keys).toEqual(['SECRET_KEY', 'FIRST_SUPERUSER_PASSWORD', 'SMTP_PASSWORD', 'SENTRY_DSN']);
    expect(r.stdout).toMatch(/^ {2}services\.backend\.environment\.ENVIRONMENT +flagged +web\.env\.ENVIRONMENT, but "local"/m);
    expect(r.stdout).toMatch(/^ {2}services\.backend\.labels +translated +web\.port 8000 \(the port its Traefik label names/m);
    expect(r.stdout).toMatch(/^ {2}services\.proxy +dropped/m);
    expect(r.stdout).toMatch(/^ {2}services\.adminer +dropped/m);
    const everything = [r.text!, r.stdout, r.stderr, ...output.map((f) => f.content)].join('\n');
    for (const secret of ['Rb7Tq2Wz9Kx4Lm6Np3Vc8Yd5', 'Jt6Hs2Qw9Lz4', 'Gv5Mn8Bx2Kq7']) expect(everything).not.toContain(secret);
  });
});

describe('init --from: bad input', () => {
  /** Runs init expecting exit 2 with exactly one line on stderr, and nothing written. */
  function fails(args: string[]): string {
    const r = init(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.text).toBeUndefined();
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    return lines[0];
  }
  const compose = (text: string, extra: Record<string, string> = {}) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), text);
    for (const [name, content] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, 'docker-compose.yml');
  };

  test('fails if the app is only built and --image is not given, naming the flag', () => {
    expect(fails(['--from', ISSUE_EXAMPLE])).toBe(`${ISSUE_EXAMPLE}: services.web.build: the app is built from . and has no pinned image (got "."; allowed: --image with the image your CI pushes, e.g. --image registry.example.com/web:1.0.0)`);
  });

  test('fails if the app image is tagged latest, with the flag that pins it', () => {
    const file = compose('services:\n  web:\n    build: .\n    image: ghcr.io/acme/shop:latest\n    command: gunicorn shop.wsgi\n');
    expect(fails(['--from', file])).toBe(`${file}: services.web.image: the latest tag names no fixed image, so a deploy would not say what it runs (got "ghcr.io/acme/shop:latest"; allowed: a pinned tag or digest: pass --image ghcr.io/acme/shop:<version>)`);
  });

  test('fails if the app image has no tag at all', () => {
    const file = compose('services:\n  web:\n    image: python\n    command: gunicorn shop.wsgi\n');  // a Python image: the app
    expect(fails(['--from', file])).toMatch(new RegExp(`^${file}: services\\.web\\.image: no tag, which means latest, .*got "python"; allowed: a pinned tag or digest: pass --image python:<version>\\)$`));
  });

  test('fails if the file is a stack file, not a compose file', () => {
    const file = path.join(ROOT, 'examples/flask-shop.yaml');
    expect(fails(['--from', file])).toMatch(new RegExp(`^${file}: services: is missing: this looks like a stack file, not a compose file \\(got \\[.*\\]; allowed: a docker-compose.yml with a top-level services: mapping\\)$`));
  });

  test('fails if the file is not YAML', () => {
    const file = compose('services: [\n');
    expect(fails(['--from', file])).toMatch(new RegExp(`^${file}: \\(top level\\): YAML syntax error at line \\d+, column \\d+: .* \\(allowed: a docker-compose.yml\\)$`));
  });

  test('fails if the file does not exist', () => {
    expect(fails(['--from', '/nonexistent/docker-compose.yml'])).toBe('--from /nonexistent/docker-compose.yml: no such file (allowed: a compose file, e.g. docker-compose.yml)');
  });

  test('fails if no service could be the app', () => {
    const file = compose('services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n');
    expect(fails(['--from', file])).toBe(`${file}: services: no service could be the Python app (got db (postgres:16), cache (redis:7); allowed: a service with build: or a Python image, or --service NAME)`);
  });

  test('fails if several services could be the app, asking for --service', () => {
    const file = compose('services:\n  shop:\n    build: ./shop\n  blog:\n    build: ./blog\n');
    expect(fails(['--from', file])).toBe(`${file}: services: several services could be the app (got shop, blog; allowed: one, chosen with --service NAME)`);
  });

  test('fails if --service names no service', () => {
    expect(fails(['--from', ISSUE_EXAMPLE, '--service', 'api'])).toBe(`--service: ${ISSUE_EXAMPLE} has no service "api" (got "api"; allowed: web, db)`);
  });

  test('fails if a required variable is not set, with compose\'s own message', () => {
    const file = compose('services:\n  web:\n    build: .\n    command: gunicorn shop.wsgi\n    environment:\n      SECRET_KEY: ${SECRET_KEY:?Variable not set}\n');
    expect(fails(['--from', file, '--image', 'a/b:1.0'])).toBe(`${file}: services.web.environment.SECRET_KEY: requires SECRET_KEY, which is not set: Variable not set (got "\${SECRET_KEY:?Variable not set}"; allowed: set SECRET_KEY in the environment or in the .env file beside the compose file)`);
  });

  test('fails if a $ starts no variable, as compose fails', () => {
    const file = compose('services:\n  web:\n    build: .\n    command: sh -c "gunicorn --workers $(nproc) shop.wsgi"\n');
    expect(fails(['--from', file, '--image', 'a/b:1.0'])).toMatch(new RegExp(`^${file}: services\\.web\\.command: has a \\$ that starts no variable in .*allowed: .*\\$\\$ for a literal \\$`));
  });

  test('fails if an env_file does not exist', () => {
    const file = compose('services:\n  web:\n    build: .\n    command: gunicorn shop.wsgi\n    env_file: [.env.prod]\n');
    expect(fails(['--from', file, '--image', 'a/b:1.0'])).toBe(`${file}: services.web.env_file[0]: names a file that does not exist (${path.join(path.dirname(file), '.env.prod')}) (got ".env.prod"; allowed: an existing file, or {path: ..., required: false})`);
  });

  test('fails if the compose file includes or extends other files, with the command that merges them', () => {
    const file = compose('include: [other.yml]\nservices:\n  web:\n    build: .\n');
    expect(fails(['--from', file, '--image', 'a/b:1.0'])).toBe(`${file}: include: pulls in other compose files, which the importer does not read (allowed: one merged file: docker compose config > compose.merged.yml, then --from compose.merged.yml)`);
  });

  test('fails if the framework cannot be told, naming the flag', () => {
    const file = compose('services:\n  web:\n    build: .\n');
    expect(fails(['--from', file, '--image', 'a/b:1.0'])).toBe(`${file}: services.web: cannot tell the app's framework (no command, no DJANGO_/FLASK_ settings) (allowed: --framework django, flask or fastapi)`);
  });

  test('fails if --image has no tag, naming the flag', () => {
    expect(fails(['--from', ISSUE_EXAMPLE, '--image', 'shop'])).toMatch(/^--image: .*got "shop"/);
  });

  test('fails if --name is not a DNS label, naming the flag', () => {
    expect(fails(['--from', ISSUE_EXAMPLE, '--image', 'a/b:1.0', '--name', 'My_App'])).toMatch(/^--name: .*got "My_App"/);
  });

  test('fails if the stack file exists, and leaves it as it was', () => {
    const file = path.join(tempDir(), 'app.yaml');
    fs.writeFileSync(file, 'name: mine\n');
    const r = capture(() => initMain(['--from', ISSUE_EXAMPLE, '--image', 'a/b:1.0', '--out', file]));
    expect(r).toEqual({ code: 2, stdout: '', stderr: `--out ${file}: already exists (allowed: a new file; init never overwrites one)\n` });
    expect(fs.readFileSync(file, 'utf-8')).toBe('name: mine\n');
  });

  test('fails if --service is given without --from', () => {
    expect(fails(['--service', 'web'])).toBe('--service: only with --from (allowed: --from <compose file> --service <service>)');
  });

  test('warns about unknown compose keys, and translates the rest', () => {
    const file = compose('services:\n  web:\n    build: .\n    command: gunicorn shop.wsgi\n    enviroment: [DEBUG=1]\nservice: {}\n');
    const r = init(['--from', file, '--image', 'a/b:1.0', '--name', 'shop']);
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `warning: ${file}: service: not a compose key: ignored (allowed: version, name, include, services, networks, volumes, configs, secrets, models, x-*)`,
      `warning: ${file}: services.web.enviroment: not a compose service key: ignored`,
    ]);
  });
});

describe('init --from: what each compose key becomes', () => {
  // GIVEN a development compose file of a Django app: runserver, explicit Celery commands, DEBUG
  // on, a broker URL to the compose Redis, more volumes, a numeric user, untagged images.
  const DJANGO_DEV = [
    'x-django: &django',
    '  build: .',
    '  user: "1000:1000"',
    '  environment:',
    '    DJANGO_SETTINGS_MODULE: shop.settings',
    '    DEBUG: "1"',
    '    CELERY_BROKER_URL: redis://redis:6379/0',
    '    REDIS_HOST: redis',
    '    DATABASE_URL: postgres://shop:devpass@db:5432/shop',
    'services:',
    '  web:',
    '    <<: *django',
    '    command: python manage.py runserver 0.0.0.0:8000',
    '    ports: ["8000:8000"]',
    '    deploy:',
    '      replicas: 1',
    '      restart_policy: {condition: on-failure}',
    '      resources:',
    '        limits: {cpus: "0.5", memory: 128M}',
    '        reservations: {cpus: "0.1"}',
    '    volumes:',
    '      - .:/app',
    '      - uploads:/app/media',
    '      - search_index:/app/index',
    '      - /app/node_modules',
    '    tmpfs: [/tmp, /app/cache]',
    '    healthcheck:',
    '      test: ["CMD-SHELL", "curl -f http://localhost:8000/health/ || exit 1"]',
    '  worker:',
    '    <<: *django',
    '    command: celery -A shop worker -l info',
    '    volumes: [uploads:/app/media, search_index:/app/index]',
    '  beat:',
    '    <<: *django',
    '    command: ["celery", "-A", "shop", "beat", "-l", "info"]',
    '  db:',
    '    image: postgres',
    '    environment: {POSTGRES_USER: shop, POSTGRES_DB: shop, POSTGRES_PASSWORD: devpass}',
    '  redis:',
    '    image: redis:latest',
    '  mailpit:',
    '    image: axllent/mailpit:v1.21',
    'volumes: {uploads: {}, search_index: {}}',
    '',
  ].join('\n');
  let r: ReturnType<typeof init>;
  let config: any;
  let findings: string[];
  beforeAll(() => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), DJANGO_DEV);
    r = init(['--from', path.join(dir, 'docker-compose.yml'), '--image', 'ghcr.io/acme/shop:2.0.0', '--name', 'shop']);
    const trip = roundTrip(r.file);
    expect(trip.problems).toEqual([]);
    config = trip.config;
    findings = trip.findings;
  });
  const line = (key: string) => r.stdout.split('\n').filter((l) => l.startsWith(`  ${key} `)).map((l) => l.replace(/ +/g, ' ').trim());

  test('runserver is replaced by the production server, and said so', () => {
    expect(config.web).toMatchObject({ framework: 'django', port: 8000, healthPath: '/health/' });
    expect(config.web.command).toBeUndefined();
    expect(line('services.web.command')).toEqual([expect.stringMatching(/^services\.web\.command replaced web\.framework django, web\.server gunicorn, web\.entrypoint shop\.wsgi:application: the stack's gunicorn command replaces manage\.py runserver, a development server/)]);
  });

  test('deploy.resources: reservations as requests, limits as limits (a request above a limit lowered to it); replicas left to the autoscaler', () => {
    expect(config.web.resources).toEqual({ requests: { cpu: '0.1', memory: '128Mi' }, limits: { cpu: '0.5', memory: '128Mi' } });
    expect(line('services.web.deploy.resources')).toEqual([expect.stringMatching(/ translated web\.resources/)]);
    expect(line('services.web.deploy.replicas')).toEqual([expect.stringMatching(/ replaced web\.autoscaling: 2 to 10 pods by CPU/)]);
    expect(line('services.web.deploy.restart_policy')).toEqual([expect.stringMatching(/ dropped the stack's own rollout/)]);
  });

  test('DEBUG=1 is kept but flagged; a URL of the compose Redis is the stack\'s own under that name; a Redis host is its Service', () => {
    expect(config.web.env).toEqual({ DJANGO_SETTINGS_MODULE: 'shop.settings', DEBUG: '1', REDIS_HOST: 'shop-redis' });
    expect(line('services.web.environment.DEBUG')).toEqual([expect.stringMatching(/ flagged web\.env\.DEBUG, but "1" turns on development behaviour/)]);
    expect(config.redis).toEqual({ env: ['CELERY_BROKER_URL'] });
    expect(line('services.web.environment.CELERY_BROKER_URL')).toEqual([expect.stringMatching(/ replaced redis\.env: the stack sets CELERY_BROKER_URL to its own Redis's URL/)]);
    expect(config.secrets).toEqual({ source: 'existing' });
    expect(line('services.web.environment.DATABASE_URL')).toEqual([expect.stringMatching(/ replaced database\.env\.url: the stack sets DATABASE_URL/)]);
  });

  test('volumes: binds and anonymous ones dropped, media, a claim, a scratch folder; the user kept', () => {
    expect(config.media).toEqual({ mountPath: '/app/media' });
    // Mounted where compose mounted them: the index in the web and the worker, not in beat.
    expect(config.volumes).toEqual({ 'search-index': { size: '10Gi', mountPath: '/app/index', mountIn: ['web', 'workers.worker'] }, cache: { scratch: '256Mi', mountPath: '/app/cache', mountIn: ['web'] } });
    expect(line('services.worker.volumes[1]')).toEqual(['services.worker.volumes[1] translated volumes.search-index.mountIn: workers.worker']);
    expect(config.web).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 });
    expect(line('services.web.volumes[0]')).toEqual(['services.web.volumes[0] dropped bind mount of .: development only (the image holds the code)']);
    expect(line('services.web.volumes[3]')).toEqual([expect.stringMatching(/ dropped an anonymous volume/)]);
    expect(line('services.web.tmpfs[0]')).toEqual([expect.stringMatching(/ replaced the stack mounts a writable \/tmp itself/)]);
  });

  test('Celery: a worker with its ping as liveness, beat a singleton writing its schedule to /tmp', () => {
    expect(config.workers).toEqual({
      worker: { command: ['celery', '-A', 'shop', 'worker', '-l', 'info'], mountMedia: true, healthCommand: ['sh', '-c', 'celery -A shop inspect ping -d "celery@$HOSTNAME"'] },
      beat: { command: ['celery', '-A', 'shop', 'beat', '-l', 'info', '--schedule=/tmp/celerybeat-schedule'], singleton: true },
    });
    // Beat's liveness cannot be derived (django-celery-beat writes no file): flagged, and the only finding.
    expect(findings).toEqual(['polaris/livenessProbeMissing: Deployment shop/shop-worker-beat: spec.template.spec.containers[0].livenessProbe: container "worker": livenessProbe should be configured']);
  });

  test('latest and untagged images of Postgres and Redis become the stack\'s pinned defaults', () => {
    expect(config.database.image).toBeUndefined();
    expect(config.redis.image).toBeUndefined();
    expect(line('services.db.image')).toEqual([expect.stringMatching(/ replaced database\.image postgres:\d+\.\d+ \(the stack's default: latest names no fixed version\)/)]);
    expect(line('services.redis.image')).toEqual([expect.stringMatching(/ replaced redis\.image redis:\d+\.\d+\.\d+ \(the stack's default: latest names no fixed version\)/)]);
  });

  test('other services are dropped with why, and no value of the compose file\'s secrets is written', () => {
    expect(line('services.mailpit')).toEqual([expect.stringMatching(/ dropped not the Python app, its database, Redis or a worker \(axllent\/mailpit:v1\.21\): deploy it separately/)]);
    expect(r.text).not.toContain('devpass');
    expect(r.stdout).not.toContain('devpass');
  });
});

describe('init --from: names that must fit', () => {
  test('a long worker service name is cut so that <name>-worker-<key> fits in 63 characters', () => {
    // GIVEN a 40-character stack name (the most there is) and a 62-character service name
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  web:\n    build: .\n    command: gunicorn shop.wsgi\n  celery_worker_for_background_processing_of_long_running_tasks:\n    build: .\n    command: celery -A shop worker\n  redis:\n    image: redis:7.2\n');
    const name = 'abcdefghij-abcdefghij-abcdefghij-abcdefg';
    const r = init(['--from', path.join(dir, 'docker-compose.yml'), '--image', 'a/b:1.0', '--name', name]);
    // THEN it is written (before, the stack did not validate: an importer bug, exit 1)
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { config, problems } = roundTrip(r.file);
    expect(problems).toEqual([]);
    expect(Object.keys(config.workers)).toEqual(['celery-worker-f']);
    expect(`${name}-worker-celery-worker-f`.length).toBe(63);
  });
});
