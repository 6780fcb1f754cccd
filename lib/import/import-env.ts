import { DEFAULT_DATABASE_ENV, DatabaseEnvConfig, REDIS_PASSWORD_KEY, STACK_ENV, RESERVED_ENV, SecretDetector } from '../../constructs';
import { ComposeEnvVar } from './compose-file';
import { ImportReport } from './import-report';

/** What the importer knows of the compose file's Postgres, to recognize references to it. */
export interface PostgresRef {
  readonly service: string;
  readonly name?: string;
  readonly user?: string;
  readonly password?: string;
}

/** What the env of one service became. */
export interface ImportedEnv {
  /** Plain settings: `web.env` (or a worker's `env`). */
  readonly env: Record<string, string>;
  /** Names whose values are secrets: `secrets.keys`; their values are never written. */
  readonly secretKeys: string[];
  /** The names the app reads the database connection from, where they are not the stack's defaults. */
  readonly databaseEnv: Partial<Record<keyof DatabaseEnvConfig, string>>;
  /** The names the app reads the compose Redis's URL from: `redis.env`. */
  readonly redisEnv: string[];
}

/** What the env is read against: the other services it may refer to, and the stack's own wiring. */
export interface EnvContext {
  readonly postgres?: PostgresRef;
  readonly redisService?: string;
  /** The stack's name: the in-cluster Redis is `<name>-redis`. */
  readonly stackName: string;
  readonly report: ImportReport;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATABASE_WORD = /(^|_)(DB|PG|POSTGRES|POSTGRESQL|DATABASE|SQL)|^PG/i;
const POSTGRES_URL = /^postgres(ql)?(\+[a-z0-9]+)?:\/\/(?:[^@/]*@)?([^:/?#]+)/i;
const REDIS_URL = /^rediss?:\/\/(?:[^@/]*@)?([^:/?#]+)/i;
const DEBUG_ON = /^(1|true|yes|on)$/i;
const DEVELOPMENT = /^(dev|development|local|debug)$/i;

/**
 * Sorts a service's environment into plain settings, secrets and references to the compose
 * file's Postgres and Redis, reporting each variable. Later definitions of a name win (env_file
 * entries come before `environment`), as in compose.
 */
export function importEnv(vars: readonly ComposeEnvVar[], ctx: EnvContext): ImportedEnv {
  const detector = new SecretDetector();
  const last = new Map<string, ComposeEnvVar>();
  for (const v of vars) last.set(v.name, v);
  const out: ImportedEnv = { env: {}, secretKeys: [], databaseEnv: {}, redisEnv: [] };
  const { report, postgres } = ctx;
  for (const v of vars) {
    const { name, value, from } = v;
    if (last.get(name) !== v) {
      report.add(from, 'dropped', `overridden by ${last.get(name)!.from}`);
      continue;
    }
    if (!ENV_NAME.test(name)) {
      report.add(from, 'dropped', `${JSON.stringify(name)} is not an env var name Kubernetes and the stack take (letters, digits and _)`);
      continue;
    }
    if (RESERVED_ENV.includes(name)) {
      report.add(from, 'replaced', `the stack sets ${name} from web.port`);
      continue;
    }
    const role = postgres ? databaseRole(name, value, postgres) : undefined;
    if (role && !out.databaseEnv[role]) {
      out.databaseEnv[role] = name;
      report.add(from, 'replaced', `database.env.${role}: the stack sets ${name} to its own database's ${role === 'url' ? 'URL' : role}${role === 'password' || role === 'url' ? ' (the password by secretKeyRef; its value is not written)' : ''}`);
      continue;
    }
    if (ctx.redisService && name === REDIS_PASSWORD_KEY) {
      report.add(from, 'replaced', `the stack sets ${name} for its own Redis (by secretKeyRef; its value is not written)`);
      continue;
    }
    const redisHost = ctx.redisService ? REDIS_URL.exec(value)?.[1] : undefined;
    if (ctx.redisService && (redisHost === ctx.redisService || name === 'REDIS_URL')) {
      out.redisEnv.push(name);
      report.add(from, 'replaced', `redis.env: the stack sets ${name} to its own Redis's URL (<name>-redis, with the password; its value is not written)`);
      continue;
    }
    if (ctx.redisService && value === ctx.redisService) {
      out.env[name] = `${ctx.stackName}-redis`;
      report.add(from, 'replaced', `web.env.${name}: ${ctx.stackName}-redis, the stack's Redis Service (it requires REDIS_PASSWORD: reading REDIS_URL is simpler)`);
      continue;
    }
    const finding = detector.inspectNamed(name, value) ?? (value === '' && SecretDetector.isSecretName(name) ? { reason: 'has a name that looks like a secret' } : undefined);
    if (finding) {
      out.secretKeys.push(name);
      report.add(from, 'replaced', `secrets.keys: ${name} ${finding.reason}: its value is not written; it goes into the Secret`);
      continue;
    }
    out.env[name] = value;
    if ((/(^|_)DEBUG$/i.test(name) && DEBUG_ON.test(value)) || (/(^|_)(ENV|ENVIRONMENT)$/i.test(name) && DEVELOPMENT.test(value)) || (name === 'PYTHONDEVMODE' && DEBUG_ON.test(value))) {
      report.add(from, 'flagged', `web.env.${name}, but ${JSON.stringify(value)} turns on development behaviour (debug pages, reloader, verbose errors): change it before production`);
    } else {
      report.add(from, 'translated', `web.env.${name}${STACK_ENV.includes(name) ? ' (overrides the stack\'s default)' : ''}`);
    }
  }
  return out;
}

/** Which connection setting of the compose Postgres an app's variable holds, if any. */
function databaseRole(name: string, value: string, pg: PostgresRef): keyof DatabaseEnvConfig | undefined {
  const url = POSTGRES_URL.exec(value);
  if (url) return url[3] === pg.service ? 'url' : undefined;
  if (value === pg.service || new RegExp(`^${pg.service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+$`).test(value)) return 'host';
  if (!DATABASE_WORD.test(name)) return undefined;
  if (/PORT$/i.test(name) && value === '5432') return 'port';
  if (/PASS|PWD/i.test(name) && (pg.password === undefined || value === pg.password)) return 'password';
  if (/USER/i.test(name) && value === pg.user) return 'user';
  if (/(NAME|DB|DATABASE)$/i.test(name) && value === pg.name) return 'name';
  return undefined;
}

/**
 * `database.env` from the names found: undefined when the app reads the stack's defaults (or
 * only `DATABASE_URL`), else every name, the defaults filling what the compose file did not
 * name (the stack sets only the names listed).
 */
export function databaseEnvOf(found: Partial<Record<keyof DatabaseEnvConfig, string>>): DatabaseEnvConfig | undefined {
  const custom = Object.entries(found).filter(([role, name]) => DEFAULT_DATABASE_ENV[role as keyof DatabaseEnvConfig] !== name);
  if (custom.length === 0) return undefined;
  const taken = new Set(Object.values(found));
  const env: Record<string, string> = {};
  for (const role of ['host', 'port', 'name', 'user', 'password', 'url'] as const) {
    const name = found[role] ?? DEFAULT_DATABASE_ENV[role]!;
    if (found[role] || !taken.has(name)) env[role] = name;
  }
  return env as unknown as DatabaseEnvConfig;
}
