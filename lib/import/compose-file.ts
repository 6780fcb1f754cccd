import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConfigIssue, formatIssue } from '../../constructs';
import { isMap } from '../_json';
import { readTextFile } from '../_text-file';
import { tooLarge } from '../load/stack-file';
import { UserError } from '../user-error';
import { dotenvParse, readBuild, readCommand, readEnvFiles, readEnvironment, readHealthcheck, readLabels, readPorts, readTmpfs, readVolumes } from './compose-keys';
import { InterpolationError, Lookup, interpolate } from './interpolate';

/** One environment variable of a service, where it was written. */
export interface ComposeEnvVar {
  readonly name: string;
  readonly value: string;
  /** The compose key path it came from: `services.web.environment.DEBUG`, or the env_file's. */
  readonly from: string;
}

/** A published or exposed port of a service, by its container side. */
export interface ComposePort {
  readonly target: number;
  readonly protocol: string;
  readonly from: string;
}

/** A volume of a service: a named volume, a bind mount, an anonymous volume or a tmpfs. */
export interface ComposeMount {
  readonly type: 'volume' | 'bind' | 'tmpfs';
  /** The named volume, or the host path of a bind mount. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly from: string;
}

/** One service of a compose file, normalized: list and map forms read alike. */
export interface ComposeService {
  readonly name: string;
  /** The service's keys as written (after merges and interpolation). */
  readonly keys: Record<string, unknown>;
  readonly image?: string;
  /** The build context and Dockerfile, when the service builds its image. */
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** env_file entries first, in order, then `environment`; later ones win. */
  readonly environment: readonly ComposeEnvVar[];
  readonly ports: readonly ComposePort[];
  readonly expose: readonly ComposePort[];
  readonly volumes: readonly ComposeMount[];
  /** The healthcheck's test as words (`CMD-SHELL` split as the shell would), unless disabled. */
  readonly healthcheck?: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** A compose file, read, interpolated and normalized. */
export interface ComposeProject {
  readonly file: string;
  /** The top-level `name`, if any. */
  readonly name?: string;
  readonly topLevelKeys: readonly string[];
  readonly services: readonly ComposeService[];
  /** Top-level named volumes. */
  readonly volumes: readonly string[];
  /** What compose would warn about too: unknown keys, variables used but not set. */
  readonly warnings: readonly string[];
}

/** The keys of a service the Compose specification defines (the importer warns about others). */
export const SERVICE_KEYS = new Set(('annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs container_name '
  + 'cpu_count cpu_percent cpu_shares cpu_period cpu_quota cpu_rt_runtime cpu_rt_period cpus cpuset credential_spec depends_on deploy '
  + 'develop device_cgroup_rules devices dns dns_opt dns_search domainname driver_opts entrypoint env_file environment expose extends '
  + 'external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels label_file links logging mac_address '
  + 'mem_limit mem_reservation mem_swappiness memswap_limit models network_mode networks oom_kill_disable oom_score_adj pid pids_limit '
  + 'platform ports post_start pre_stop privileged profiles provider pull_policy read_only restart runtime scale secrets security_opt '
  + 'shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode uts volumes '
  + 'volumes_from working_dir').split(' '));

/** The top-level keys of the Compose specification. */
export const TOP_LEVEL_KEYS = new Set(['version', 'name', 'include', 'services', 'networks', 'volumes', 'configs', 'secrets', 'models']);

/** Keys that pull in other files: the importer reads one file, so it asks for the merged one. */
const OTHER_FILES: Record<string, string> = { include: 'include', extends: 'extends' };

/** Every scalar as its text, merge keys (`<<: *django`) resolved: values as written. */
const TEXT_SCHEMA = yaml.FAILSAFE_SCHEMA.withTags(
  yaml.mergeTag,
  ...['null', 'bool', 'int', 'float', 'timestamp', 'binary'].map((name) => yaml.defineScalarTag(`tag:yaml.org,2002:${name}`, { resolve: (text: string) => text, identify: () => false })),
);
/** The same file with YAML's types, to tell `KEY:` (null: taken from the environment) from `KEY: ""`. */
const TYPED_SCHEMA = yaml.CORE_SCHEMA.withTags(yaml.mergeTag);

/**
 * Reads a compose file: YAML (merge keys included), `${VAR}` interpolation from `env` over the
 * `.env` file beside it (the shell's environment wins, as with compose), env_file contents, and
 * the list and map forms of every key the importer reads. Throws a UserError with every problem
 * (one line each: file, key path, value, what is allowed).
 */
export function readComposeFile(file: string, env: Readonly<Record<string, string | undefined>>): ComposeProject {
  if (!fs.existsSync(file)) throw new UserError([`--from ${file}: no such file (allowed: a compose file, e.g. docker-compose.yml)`]);
  const text = readTextFile(file);
  const dir = path.dirname(file);
  const issues: ConfigIssue[] = [];
  const fail = (list: readonly ConfigIssue[]): never => {
    throw new UserError(list.map((i) => `${file}: ${formatIssue(i)}`));
  };
  const typed = loadYaml(text, TYPED_SCHEMA, fail);
  const raw = loadYaml(text, TEXT_SCHEMA, fail);
  if (!isMap(raw) || !isMap(raw.services)) {
    fail([{
      path: isMap(raw) ? 'services' : '',
      message: isMap(raw) && 'web' in raw && 'name' in raw ? 'is missing: this looks like a stack file, not a compose file' : 'is not a compose file: it has no services mapping',
      value: isMap(raw) ? Object.keys(raw).slice(0, 6) : raw,
      allowed: 'a docker-compose.yml with a top-level services: mapping',
    }]);
  }
  const large = tooLarge(raw);
  if (large) fail([{ path: '', message: `the file expands to ${large} (YAML aliases?)`, allowed: 'a compose file of ordinary size' }]);

  const dotEnv = readDotEnv(path.join(dir, '.env'), fail);
  const lookup: Lookup = (name) => env[name] ?? dotEnv[name];
  const warnings: string[] = [];
  const unset = new Set<string>();
  const data = interpolateTree(raw, typed, '', lookup, issues, unset) as Record<string, any>;
  if (issues.length) fail(issues);
  for (const name of [...unset].sort()) warnings.push(`${file}: the variable ${name} is not set: an empty string is used (as docker compose does); set it in the environment or in ${path.join(dir, '.env')}`);

  for (const key of Object.keys(data)) {
    if (OTHER_FILES[key]) issues.push(otherFiles(key));
    else if (!TOP_LEVEL_KEYS.has(key) && !key.startsWith('x-')) warnings.push(`${file}: ${key}: not a compose key: ignored (allowed: ${[...TOP_LEVEL_KEYS].join(', ')}, x-*)`);
  }
  const services: ComposeService[] = [];
  for (const [name, value] of Object.entries(data.services as Record<string, unknown>)) {
    const at = `services.${name}`;
    if (!isMap(value)) {
      issues.push({ path: at, message: 'must be a mapping of service keys', value, allowed: 'image, build, command, environment, ports, volumes, ...' });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (OTHER_FILES[key]) issues.push(otherFiles(`${at}.${key}`));
      else if (!SERVICE_KEYS.has(key) && !key.startsWith('x-')) warnings.push(`${file}: ${at}.${key}: not a compose service key: ignored`);
    }
    services.push(readService(name, value, dir, lookup, issues));
  }
  if (services.length === 0 && issues.length === 0) issues.push({ path: 'services', message: 'has no service', allowed: 'at least the app service' });
  if (issues.length) fail(issues);
  return {
    file,
    name: typeof data.name === 'string' ? data.name : undefined,
    topLevelKeys: Object.keys(data),
    services,
    volumes: isMap(data.volumes) ? Object.keys(data.volumes) : [],
    warnings,
  };
}

function otherFiles(at: string): ConfigIssue {
  return { path: at, message: 'pulls in other compose files, which the importer does not read', allowed: 'one merged file: docker compose config > compose.merged.yml, then --from compose.merged.yml' };
}

function loadYaml(text: string, schema: yaml.Schema, fail: (issues: ConfigIssue[]) => never): unknown {
  try {
    return yaml.load(text, { schema });
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const where = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
      return fail([{ path: '', message: `YAML syntax error${where}: ${err.reason}`, allowed: 'a docker-compose.yml' }]);
    }
    if (err instanceof RangeError) return fail([{ path: '', message: 'the YAML nests too deeply to be read', allowed: 'a compose file of ordinary shape' }]);
    throw err;
  }
}

/** The `.env` beside the compose file (dotenv's format), or nothing when there is none. */
function readDotEnv(file: string, fail: (issues: ConfigIssue[]) => never): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  try {
    return dotenvParse(readTextFile(file));
  } catch (err) {
    if (err instanceof UserError) return fail(err.lines.map((l) => ({ path: '', message: `the .env file beside it: ${l}` })));
    throw err;
  }
}

/**
 * Every string value interpolated (keys are not, as in compose); YAML's null kept where the
 * typed reading has it (`KEY:` in a map of environment takes the value from the environment).
 */
function interpolateTree(value: unknown, typed: unknown, at: string, lookup: Lookup, issues: ConfigIssue[], unset: Set<string>): unknown {
  if (typed === null) return null;
  if (typeof value === 'string') {
    try {
      const result = interpolate(value, lookup);
      result.unset.forEach((n) => unset.add(n));
      return result.value;
    } catch (err) {
      if (err instanceof InterpolationError) {
        issues.push({ path: at, message: err.message, value, allowed: err.allowed });
        return value;
      }
      throw err;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, Array.isArray(typed) ? typed[i] : undefined, `${at}[${i}]`, lookup, issues, unset));
  if (isMap(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, isMap(typed) ? typed[k] : undefined, at ? `${at}.${k}` : k, lookup, issues, unset)]));
  }
  return value;
}

function readService(name: string, keys: Record<string, unknown>, dir: string, lookup: Lookup, issues: ConfigIssue[]): ComposeService {
  const at = `services.${name}`;
  const text = (key: string): string | undefined => {
    const v = keys[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    issues.push({ path: `${at}.${key}`, message: 'must be a string', value: v });
    return undefined;
  };
  return {
    name,
    keys,
    image: text('image'),
    build: readBuild(keys.build, `${at}.build`, issues),
    command: readCommand(keys.command, `${at}.command`, issues),
    entrypoint: readCommand(keys.entrypoint, `${at}.entrypoint`, issues),
    environment: [...readEnvFiles(keys.env_file, `${at}.env_file`, dir, lookup, issues), ...readEnvironment(keys.environment, `${at}.environment`, lookup, issues)],
    ports: readPorts(keys.ports, `${at}.ports`, issues),
    expose: readPorts(keys.expose, `${at}.expose`, issues),
    volumes: [...readVolumes(keys.volumes, `${at}.volumes`, issues), ...readTmpfs(keys.tmpfs, `${at}.tmpfs`)],
    healthcheck: readHealthcheck(keys.healthcheck, `${at}.healthcheck`, issues),
    labels: readLabels(keys.labels),
  };
}
