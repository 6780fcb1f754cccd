import { SecretDetector, findSecrets } from '../constructs';
import { stack, synthStack } from './_helpers';

const detector = new SecretDetector();
const named = (name: string, value: string) => detector.inspectNamed(name, value);

describe('SecretDetector names', () => {
  test.each(['PGPASSWORD', 'DB_PASS', 'SECRETKEY', 'APITOKEN', 'PAPERLESS_DBPASS', 'TWILIO_AUTH', 'MYSQL_PWD', 'GPG_PASSPHRASE', 'SENTRY_DSN',
    'STRIPE_APIKEY', 'aws_secret_access_key', 'OAUTH2_CLIENT_SECRET', 'JWT_SIGNING_KEY', 'DJANGO_SECRET', 'GOOGLE_CREDENTIALS', 'SSH_PRIVATE', 'X_AUTH_HEADER_VALUE', 'HASH_SALT', 'MINIO_ACCESS_KEY'])('fails if web.env sets %s', (name) => {
    expect(named(name, 'x')?.reason).toBe('has a name that looks like a secret');
  });

  test.each([
    ['DB_PASSWORD_FILE', '/run/secrets/db'], ['TRELLO_APP_KEY', 'abc'], ['S3_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'], ['AUTH_URL', 'https://id.example.com/auth'],
    ['USE_TOKEN_AUTH', 'true'], ['SESSION_COOKIE_SECURE', 'False'], ['TOKENIZER', 'bert'], ['GIT_AUTHOR_NAME', 'Jane Doe'], ['BYPASS_CACHE', 'yes'],
    ['DATABASE_PASSWORD', '$(DB_PASS)'], ['AUTH_TOKEN_TTL', '3600'], ['SECRET_KEY', ''], ['OIDC_AUTH_METHOD', 'client_secret_basic'],
  ])('accepts %s: %s', (name, value) => {
    expect(named(name, value)).toBeUndefined();
  });

  test('fails if a descriptive suffix holds what it does not describe', () => {
    expect(named('DB_PASSWORD_FILE', 'hunter2')).toBeDefined();
    expect(named('ADMIN_PASSWORD_URL', 'p@ss w0rd')).toBeDefined();
  });
});

describe('SecretDetector values', () => {
  test.each([
    ' amqp://admin:S3cr3t@mq/', 'default=postgres://u:p@h/db', 'redis://:s3cret@r/0', 'https://abc123@o1.ingest.sentry.io/1', 'x MONGO=mongodb+srv://a:b@c.net',
  ])('fails if %j holds credentials in a URL, wherever they are', (value) => {
    expect(detector.inspectValue(value)?.reason).toBe('holds credentials inside a URL');
  });

  test('accepts URLs without credentials and with $(VAR) references', () => {
    for (const value of ['https://example.com/a@b', 'ssh://git@github.com/acme/shop', 'postgres://$(DB_USER):$(DB_PASS)@db/shop', 'mailto:ops@example.com']) {
      expect(detector.inspectValue(value)).toBeUndefined();
    }
  });

  test.each([
    ['a private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...'],
    ['a GitHub token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['a Stripe key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['a JSON Web Token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['a Slack token', 'xoxb-123456789012-abcdefghijkl'],
    ['a long random string', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['a long random hex string', '3f786850e387550fdab836ed7e6dc881de23001b4f9a'],
    ['a bearer token', 'Authorization: Bearer abcdef0123456789xyz'],
  ])('fails if a value holds %s', (_what, value) => {
    expect(detector.inspectValue(value)).toBeDefined();
  });

  test('accepts ordinary settings, digests, UUIDs and hashes under hash names', () => {
    for (const value of ['shop.settings.production', 'ghcr.io/acme/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      '550e8400-e29b-41d4-a716-446655440000', 'gunicorn.workers.UvicornWorker', 'en_US.UTF-8', 'INFO', '/app/staticfiles', 'eu-west-1', 'MyDjangoProjectSettings2024']) {
      expect(detector.inspectValue(value)).toBeUndefined();
    }
    expect(detector.inspectValue('3f786850e387550fdab836ed7e6dc881de23001b', 'GIT_SHA')).toBeUndefined();
  });

  test('fails if a command line carries a secret: NAME=value, --flag=value and --flag value', () => {
    expect(detector.inspectList(['sh', '-c', 'PGPASSWORD=hunter2 psql -h db'])).toHaveLength(1);
    expect(detector.inspectList(['app', '--db-password=hunter2'])).toHaveLength(1);
    expect(detector.inspectList(['app', '--api-token', 'hunter2'])).toEqual([{ index: 2, finding: expect.objectContaining({ acknowledgeable: false }) }]);
    expect(detector.inspectList(['app', '--password', '$(DB_PASSWORD)', '--token-file', '/run/t', '--auth-type=basic'])).toEqual([]);
    expect(detector.inspectList(['curl', 'https://x.example/hook?token=abc123'])).toHaveLength(1);
  });

  test('a public name lifts name, shape and entropy findings, never a credential URL or a private key', () => {
    const acknowledging = new SecretDetector({ publicNames: ['STRIPE_PUBLISHABLE_KEY', 'APP_TOKEN', 'DB'] });
    expect(acknowledging.inspectNamed('APP_TOKEN', 'pub')).toBeUndefined();
    expect(acknowledging.inspectNamed('STRIPE_PUBLISHABLE_KEY', 'pk_live_51HqLyjWDarjtT1zdp7dcAbCdEfGh12345')).toBeUndefined();
    expect(acknowledging.inspectNamed('DB', 'postgres://u:p@h/db')).toBeDefined();
    expect(acknowledging.inspectNamed('APP_TOKEN', '-----BEGIN RSA PRIVATE KEY-----')).toBeDefined();
  });

  test('findSecrets walks every string of a tree, names in env, labels and annotations', () => {
    const found = findSecrets({ web: { env: { PGPASSWORD: 'x' }, command: ['x', '--password', 'y'], migrations: { command: ['sh', '-c', 'amqp://a:b@q'] } }, labels: { token: 'abc' }, x: { annotations: { 'a/b': 'postgres://u:p@h' } } });
    expect(found.map((f) => f.path)).toEqual(['web.env.PGPASSWORD', 'web.command[2]', 'web.migrations.command[2]', 'labels.token', 'x.annotations["a/b"]']);
  });
});

describe('PythonWebStack refuses plain-text secrets', () => {
  test('fails if production web.env holds secrets under names without word boundaries', () => {
    const env = { PGPASSWORD: 'x', DB_PASS: 'x', SECRETKEY: 'x', APITOKEN: 'x', PAPERLESS_DBPASS: 'x', TWILIO_AUTH: 'x' };
    const run = () => synthStack(stack({ environment: 'production', secrets: { source: 'existing' }, web: { image: 'a/b:1', framework: 'flask', env } }));
    for (const name of Object.keys(env)) expect(run).toThrow(new RegExp(`web\\.env\\.${name}: has a name that looks like a secret, and it would be written in plain text into git \\(allowed: move it into secrets: list ${name} in secrets\\.keys`));
  });

  test('fails if a command, migrations.command or collect command holds a credential URL', () => {
    const run = () => synthStack(stack({
      web: { image: 'a/b:1', framework: 'flask', command: ['celery', '--broker', ' amqp://admin:S3cr3t@mq/'], migrations: { command: ['flask', 'db', 'upgrade', 'default=postgres://u:p@h/db'] } },
      static: { collect: { command: ['sh', '-c', 'TOKEN=abc123 make static'], outputDir: '/app/static' } },
    }));
    expect(run).toThrow(/web\.command\[2\]: holds credentials inside a URL, and it would be written in plain text into git \(allowed: move the value into secrets: .*\$\(APP_PASSWORD\)/);
    expect(run).toThrow(/web\.migrations\.command\[3\]: holds credentials inside a URL/);
    expect(run).toThrow(/static\.collect\.command\[2\]: sets TOKEN, which looks like a secret/);
  });

  test('fails if a label holds a secret', () => {
    expect(() => synthStack(stack({ labels: { 'api-token': 'abc' } }))).toThrow(/labels\["api-token"\]: has a name that looks like a secret/);
  });

  test('accepts what describes a secret without holding it, and public keys acknowledged by name', () => {
    const env = { DB_PASSWORD_FILE: '/run/secrets/db', TRELLO_APP_KEY: 'abc', S3_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', CACHE_URL: 'redis://cache:6379/0', SESSION_COOKIE_SECURE: 'true', PUBLIC_TOKEN: 'pk-123' };
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env }, secrets: { publicKeys: ['PUBLIC_TOKEN'] } }))).not.toThrow();
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env } }))).toThrow(/web\.env\.PUBLIC_TOKEN: .*or, if the value is public, list PUBLIC_TOKEN in secrets\.publicKeys/);
  });

  test('fails if a secret hides in JSON, after a slash or a comma, or is acknowledged though it is a password', () => {
    expect(detector.inspectValue('{"db": {"password": "hunter2"}}')).toEqual({ reason: 'sets password, which looks like a secret', acknowledgeable: false });
    expect(detector.inspectValue("{'api_token': 'abc'}")).toBeDefined();
    expect(detector.inspectValue('/healthz/token=abc123')).toBeDefined();
    expect(detector.inspectValue('a=1,password=hunter2')).toBeDefined();
    expect(detector.inspectValue('{"password": ""}')).toBeUndefined();
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { DB_PASSWORD: 'hunter2' } }, secrets: { publicKeys: ['DB_PASSWORD'] } })))
      .toThrow(/secrets\.publicKeys\[0\]: names a password, secret, private key or credential, which is never public/);
  });

  test('fails if secrets.publicKeys names nothing, or a key that is secret', () => {
    const run = () => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { A_TOKEN: 'x' } }, secrets: { keys: ['B_TOKEN'], publicKeys: ['NOPE', 'B_TOKEN'] } }));
    expect(run).toThrow(/secrets\.publicKeys\[0\]: names no env var or label of the stack/);
    expect(run).toThrow(/secrets\.publicKeys\[1\]: is also in secrets\.keys/);
  });
});

describe('SecretDetector and settings files (volumes.files)', () => {
  const file = (content: string) => synthStack(stack({ volumes: { config: { files: { 'configuration.py': content }, mountPath: '/etc/app' } } }));

  test('a settings file that reads its secrets from the environment is accepted', () => {
    for (const line of ["SECRET_KEY = environ.get('SECRET_KEY', '')", "DB_PASSWORD = os.environ['DB_PASSWORD']", "API_TOKEN = os.getenv('API_TOKEN')", "SECRET_KEY = env('SECRET_KEY')"]) {
      expect(() => file(`from os import environ\n${line}\n`)).not.toThrow();
    }
  });

  test('fails if a settings file sets a secret itself', () => {
    expect(() => file("SECRET_KEY = 'r(m)9nLGnz$(_q3N4z1k(EFsMCjjjzx08x9VhNVcfd'\n")).toThrow(/volumes\.config\.files\["configuration\.py"\]: sets SECRET_KEY, which looks like a secret/);
  });

  test('database.env names env vars, which are no secrets', () => {
    expect(() => synthStack(stack({ database: { env: { host: 'DB_HOST', port: 'DB_PORT', name: 'DB_NAME', user: 'DB_USER', password: 'DB_PASSWORD' } } }))).not.toThrow();
  });
});

describe('SecretDetector on long text', () => {
  // A files volume may hold up to 1 MiB. The URL scan used to try every position of a run of
  // letters to its end: a 100 KB file took 47 s and 1 MiB over an hour (this test timed out).
  test('a 1 MiB run of letters, and one with a credential URL at its end', () => {
    const run = 'x'.repeat(2 ** 20);
    expect(detector.inspectNamed('big.txt', run)).toBeUndefined();
    expect(detector.inspectNamed('big.txt', `${run} postgres://u:s3cret@db/app`)?.reason).toBe('holds credentials inside a URL');
  });
});
