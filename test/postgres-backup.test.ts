import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backupCommand, retentionDays } from '../constructs/postgres-backup';
import { envSourcesFrom, resolveContainer } from '../e2e/kubelet-env';
import { User, lookupUser, processArgv, run } from '../e2e/local-pod';
import { Proc, freePorts, logTail, requireProgram, start, stop } from './_servers';
import { ROOT } from './_cli';
import { container, only, stack, synthStack } from './_helpers';

const withBackup = (backup: any = { schedule: '0 3 * * *' }, environment: 'development' | 'production' = 'development') =>
  synthStack(stack({ environment, database: { backup }, secrets: { source: environment === 'development' ? 'generated' : 'existing' } }));

describe('PostgresBackup', () => {
  test('a CronJob <name>-postgres-backup: in UTC, one run at a time, pg_dump -Fc with the database\'s own image', () => {
    const cron = only(withBackup({ schedule: '15 1 * * 0' }), 'CronJob', 'shop-postgres-backup');
    expect(cron.spec).toMatchObject({ schedule: '15 1 * * 0', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const backup = container(cron.spec.jobTemplate.spec.template.spec, 'backup');
    expect(backup.image).toBe('postgres:16.4');
    expect(backup.command.join(' ')).toContain('pg_dump --format=custom');
  });

  test('the connection from the database: host, port, name and user as values, the password by secretKeyRef only', () => {
    const backup = container(only(withBackup(), 'CronJob').spec.jobTemplate.spec.template.spec, 'backup');
    expect(backup.env).toEqual([
      { name: 'PGHOST', value: 'shop-postgres' }, { name: 'PGPORT', value: '5432' }, { name: 'PGDATABASE', value: 'shop' }, { name: 'PGUSER', value: 'shop' },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'POSTGRES_PASSWORD' } } },
    ]);
  });

  test('restricted: the image\'s postgres uid with an fsGroup for the volume, read-only root, no token', () => {
    const pod = only(withBackup(), 'CronJob').spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(pod, 'backup').securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('shop-postgres-backup');
  });

  test('dumps go to the claim <name>-postgres-backups, kept on delete; 10Gi by default', () => {
    const objects = withBackup({ schedule: '0 3 * * *', volume: { size: '50Gi', storageClassName: 'standard' } });
    const claim = only(objects, 'PersistentVolumeClaim', 'shop-postgres-backups');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '50Gi' } } });
    expect(claim.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    expect(only(withBackup(), 'PersistentVolumeClaim', 'shop-postgres-backups').spec.resources.requests.storage).toBe('10Gi');
  });

  test('its own NetworkPolicy reaches DNS and the database only; the database admits it', () => {
    const objects = withBackup();
    const policy = only(objects, 'NetworkPolicy', 'shop-postgres-backup').spec;
    expect(policy.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'shop-postgres-backup' } });
    expect(policy.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-postgres' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(only(objects, 'NetworkPolicy', 'shop-postgres').spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-postgres-backup' } } });
  });

  test('the quota counts the backup pod and its claim', () => {
    const hard = only(withBackup({ schedule: '0 3 * * *', volume: { size: '20Gi' } }, 'production'), 'ResourceQuota').spec.hard;
    // Two claims (10Gi data, 20Gi dumps), plus the quota's 20% headroom.
    expect(hard.persistentvolumeclaims).toBe(String(Math.ceil(2 * 1.2)));
    expect(hard['requests.storage']).toBe(`${Math.ceil(30 * 1.2)}Gi`);
  });

  test('retention in days: d, w, and m as 31 days', () => {
    expect([retentionDays('30d'), retentionDays('2w'), retentionDays('6m')]).toEqual([30, 14, 186]);
    expect(() => retentionDays('30')).toThrow(/not a retention/);
  });
});

// ---- The real thing: Debian's Postgres 15, the synthesized CronJob command, the README's restore.

// Debian's server binaries (15 on bookworm) and the client programs of the same version beside them.
let PG_BIN = '';
const IS_ROOT = process.getuid?.() === 0;

/** The README's restore command: the shell block right after the restore-command marker. */
function readmeRestoreCommand(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /<!-- restore-command:[^>]*-->\s*```sh\n([\s\S]*?)\n```/.exec(readme);
  if (!match) throw new Error('README.md has no restore-command block');
  return match[1];
}

interface Server { readonly proc: Proc; readonly port: number; readonly dir: string }

describe('backup and restore with real Postgres servers', () => {
  const PASSWORD = 'Xk3vP9qLm2Rt7Wz4';
  let tmp: string;
  let user: User | undefined;
  const servers: Server[] = [];
  const log = (name: string) => path.join(tmp, name);
  const env = (extra: Record<string, string>) => new Map(Object.entries({ PATH: `${PG_BIN}:/usr/bin:/bin`, ...extra }));

  /** A fresh server as the postgres image's entrypoint makes it: superuser `shop` with the password, database `shop`. */
  async function startServer(name: string, port: number): Promise<Server> {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    if (user) fs.chownSync(dir, user.uid, user.gid);
    const pwfile = path.join(tmp, `${name}.pw`);
    fs.writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
    if (user) fs.chownSync(pwfile, user.uid, user.gid);
    run(processArgv([path.join(PG_BIN, 'initdb'), '-D', path.join(dir, 'data'), '--username=shop', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-sync'], env({}), dir, user),
      { logFile: log('initdb.log'), timeoutMs: 30_000 });
    const argv = processArgv([path.join(PG_BIN, 'postgres'), '-D', path.join(dir, 'data'), '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off'], env({}), dir, user);
    const proc = start(`postgres-${name}`, argv[0], argv.slice(1), 'SIGINT', log(`${name}.log`));
    const server = { proc, port, dir };
    servers.push(server);
    const deadline = Date.now() + 20_000;
    while (run([path.join(PG_BIN, 'pg_isready'), '-h', '127.0.0.1', '-p', String(port)], { logFile: log('ready.log'), check: false }).status !== 0) {
      if (proc.exit !== undefined || Date.now() > deadline) throw new Error(`postgres ${name} did not start:\n${logTail(proc)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    psql(server, 'CREATE DATABASE shop;', 'postgres');
    return server;
  }

  function psql(server: Server, sql: string, db = 'shop'): string {
    return run(processArgv([path.join(PG_BIN, 'psql'), '-h', '127.0.0.1', '-p', String(server.port), '-U', 'shop', '-d', db, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', '-'],
      env({ PGPASSWORD: PASSWORD }), tmp), { logFile: log('psql.log'), input: sql }).output;
  }

  beforeAll(() => {
    PG_BIN = path.dirname(requireProgram('postgres'));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-backup-'));
    fs.chmodSync(tmp, 0o755);
    user = IS_ROOT ? lookupUser('nobody') : undefined; // postgres refuses to run as root
  });

  afterAll(async () => {
    for (const s of servers) await stop(s.proc);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the synthesized CronJob command dumps real data, prunes only old dumps, and the README command restores it into a fresh server', async () => {
    const [portA, portB] = await freePorts(2);
    const a = await startServer('a', portA);
    // GIVEN data of several types, a sequence, a view and an index
    psql(a, [
      'CREATE TABLE entry (id serial PRIMARY KEY, body text NOT NULL, note text, raw bytea, at timestamptz NOT NULL, meta jsonb);',
      "INSERT INTO entry (body, note, raw, at, meta) SELECT 'row ' || i || ' ünïcødé ''quoted''', CASE WHEN i % 3 = 0 THEN NULL ELSE 'n' || i END, decode(md5(i::text), 'hex'), timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour', jsonb_build_object('i', i) FROM generate_series(1, 500) AS i;",
      'CREATE INDEX entry_at ON entry (at);',
      'CREATE VIEW recent AS SELECT id, body FROM entry WHERE id > 490;',
    ].join('\n'));

    // WHEN the CronJob's container runs with its synthesized env (the password from the Secret),
    // the kubelet's $(VAR) rules applied, and only what a cluster changes: the Service name and
    // port become 127.0.0.1 and the server's port, /backups a folder here.
    const objects = withBackup({ schedule: '0 3 * * *', retention: '30d' });
    const cron = only(objects, 'CronJob', 'shop-postgres-backup');
    const spec = cron.spec.jobTemplate.spec.template.spec;
    const resolved = resolveContainer(container(spec, 'backup'), envSourcesFrom(objects));
    expect(resolved.env.get('PGHOST')).toBe('shop-postgres');
    expect(resolved.env.get('PGPORT')).toBe('5432');
    const backups = path.join(tmp, 'backups');
    fs.mkdirSync(backups);
    const backupEnv = new Map([...resolved.env, ['PGHOST', '127.0.0.1'], ['PGPORT', String(a.port)], ['PGPASSWORD', PASSWORD], ['PATH', `${PG_BIN}:/usr/bin:/bin`]]);
    // The Secret's development value is the database's password in the pod; here the servers use PASSWORD.
    expect(resolved.env.get('PGPASSWORD')).toMatch(/^[0-9a-f]{32}$/);
    const argv = resolved.command!.map((arg) => arg.split('/backups').join(backups));
    expect(argv.join(' ')).not.toContain('$$(');
    // An old dump (40 days), a recent one (2 days) and another database's old file.
    const old = path.join(backups, 'shop-20200101T000000Z.dump');
    const recent = path.join(backups, 'shop-20200102T000000Z.dump');
    const foreign = path.join(backups, 'other-20200101T000000Z.dump');
    for (const [file, days] of [[old, 40], [recent, 2], [foreign, 40]] as const) {
      fs.writeFileSync(file, 'x');
      const t = new Date(Date.now() - days * 86_400_000);
      fs.utimesSync(file, t, t);
    }
    const out = run(processArgv(argv, backupEnv, tmp), { logFile: log('backup.log'), timeoutMs: 60_000 }).output;

    // THEN one new complete dump, no partial file, the old dump pruned, the recent and foreign kept
    const dumps = fs.readdirSync(backups).filter((f) => /^shop-\d{8}T\d{6}Z\.dump$/.test(f)).sort();
    const fresh = dumps.filter((f) => f !== path.basename(recent));
    expect(fresh).toHaveLength(1);
    expect(out).toContain(`backup written: ${fresh[0]}`);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    expect(fs.existsSync(foreign)).toBe(true);
    expect(fs.readdirSync(backups).some((f) => f.endsWith('.partial'))).toBe(false);
    // A custom-format archive (pg_dump -Fc starts with PGDMP).
    expect(fs.readFileSync(path.join(backups, fresh[0])).subarray(0, 5).toString()).toBe('PGDMP');
    // The README's command restores "the newest": the stale test file must not be newer by name.
    fs.rmSync(recent);

    // WHEN the README's restore command runs, as written, into a fresh server
    const b = await startServer('b', portB);
    const restore = readmeRestoreCommand().split('/backups').join(backups);
    run(processArgv(['sh', '-c', restore], new Map([...backupEnv, ['PGPORT', String(b.port)]]), tmp), { logFile: log('restore.log'), timeoutMs: 60_000 });

    // THEN the data is the same, row by row, and the schema objects and sequence came along
    const compare = [
      "SELECT id, body, coalesce(note, '<null>'), encode(raw, 'hex'), at, meta FROM entry ORDER BY id;",
      'SELECT count(*) FROM recent;',
      "SELECT indexname FROM pg_indexes WHERE tablename = 'entry' ORDER BY 1;",
      "SELECT last_value FROM entry_id_seq;",
    ].join('\n');
    const before = psql(a, compare);
    expect(before.split('\n').length).toBeGreaterThan(500);
    expect(psql(b, compare)).toBe(before);
    // The restored objects belong to the role PGUSER names.
    expect(psql(b, "SELECT tableowner FROM pg_tables WHERE tablename = 'entry';").trim()).toBe('shop');

    // AND a restore over existing data replaces it (--clean): run it again after a change
    psql(b, "DELETE FROM entry WHERE id < 100; INSERT INTO entry (body, at) VALUES ('new', now());");
    run(processArgv(['sh', '-c', restore], new Map([...backupEnv, ['PGPORT', String(b.port)]]), tmp), { logFile: log('restore.log'), timeoutMs: 60_000 });
    expect(psql(b, compare)).toBe(before);
  });

  test('fails if the dump fails: no dump file, no pruning, a non-zero exit', async () => {
    const backups = path.join(tmp, 'failing');
    fs.mkdirSync(backups);
    const old = path.join(backups, 'shop-20200101T000000Z.dump');
    fs.writeFileSync(old, 'x');
    const t = new Date(Date.now() - 90 * 86_400_000);
    fs.utimesSync(old, t, t);
    // Nothing listens on this port.
    const [port] = await freePorts(1);
    const argv = backupCommand(30).map((arg) => arg.split('/backups').join(backups).split('$$(').join('$('));
    const res = run(processArgv(argv, env({ PGHOST: '127.0.0.1', PGPORT: String(port), PGDATABASE: 'shop', PGUSER: 'shop', PGPASSWORD: PASSWORD }), tmp),
      { logFile: log('failing.log'), check: false, timeoutMs: 30_000 });
    expect(res.status).not.toBe(0);
    expect(fs.readdirSync(backups)).toEqual([path.basename(old)]);
  });
});
