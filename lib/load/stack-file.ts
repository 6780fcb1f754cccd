import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConfigIssue, PythonWebStack, PythonWebStackProps, ResolvedStack, formatIssue } from '../../constructs';
import { UserError } from '../user-error';
import { stringifyScalars } from './scalars';
import { StackConfig } from './stack-file-format';
import { fileSchemaIssues } from './stack-schema';
import { expandTargets } from './targets';
import { manifestPath } from '../layout';
import { readTextFile } from '../_text-file';

/** One deploy target of a stack file, read, merged and validated. */
export interface StackFile {
  /** The path as the user gave it (or as found in a directory), for messages. */
  readonly file: string;
  /** The deploy target: the output folder. */
  readonly target: string;
  /** The target's stack, as merged. */
  readonly config: PythonWebStackProps;
  /**
   * The target's stack, validated and resolved (`PythonWebStack.resolve`): rendering builds the
   * chart from it without validating it again. @default - validated when the chart is built
   */
  readonly stack?: ResolvedStack;
}

/** A validated deploy target of a stack file. */
export interface LoadedTarget {
  readonly target: string;
  readonly config: PythonWebStackProps;
  readonly stack: ResolvedStack;
}

/** Where a user's own stack files go; once it holds one, it is what synth and plan read. */
export const USER_STACKS = 'stacks';
/** The project's example stacks, read when `stacks/` holds none. */
export const EXAMPLE_STACKS = 'examples';

/**
 * The `--config` when none is given: `stacks/` once it holds a stack file (a user's own), else
 * `examples/`, so the examples never end up in a user's output and a user's stack never
 * changes what the project's tests of the examples see.
 */
export function defaultConfigs(root = '.'): string[] {
  const stacks = path.join(root, USER_STACKS);
  let own: string[] = [];
  try {
    own = fs.readdirSync(stacks).filter((f) => /\.ya?ml$/.test(f));
  } catch {
    // no stacks/ folder: the examples
  }
  return [own.length > 0 ? stacks : path.join(root, EXAMPLE_STACKS)];
}

/**
 * Which files of a `--config` folder are stack files: every name ending in `.yaml` or `.yml`,
 * in any case, that is not hidden (a leading `.`, as editors' lock and swap files have). The
 * rule the README states; nothing that looks like YAML is skipped without a word.
 */
export const STACK_FILE_NAME = /^[^.].*\.ya?ml$/i;

/**
 * The stack files a `--config` argument names: the file itself, or every stack file (see
 * `STACK_FILE_NAME`) directly in a directory, sorted so the output never depends on directory order.
 */
export function findStackFiles(configPath: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(configPath);
  } catch {
    throw new UserError([`${configPath}: no such file or directory`]);
  }
  if (!stat.isDirectory()) return [configPath];
  const files = fs.readdirSync(configPath)
    .filter((f) => STACK_FILE_NAME.test(f))
    .sort()
    .map((f) => path.join(configPath, f));
  // A folder named x.yaml, or a link to nothing, is not a stack file: say so, never crash on it.
  const unreadable = files.filter((f) => !isFile(f));
  if (unreadable.length > 0) throw new UserError(unreadable.map((f) => `${f}: not a readable file (allowed: stack files, one YAML file each)`));
  if (files.length === 0) throw new UserError([`${configPath}: no stack files in this directory (allowed: files named *.yaml or *.yml, any case, not starting with .)`]);
  return files;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Problems of one stack file's text; its deploy targets, each validated once (and resolved),
 * when there are none.
 */
export function parseStackTargets(text: string): { targets: LoadedTarget[]; issues: ConfigIssue[] } {
  const { config, issues } = readStackFile(text);
  if (!config) return { targets: [], issues };
  const expanded = expandTargets(config);
  // Each target is validated as a whole stack, placeholders substituted; its problems name it.
  // Every target is checked even when another's placeholders failed: all problems at once (a
  // value still holding a placeholder was reported by the expansion already).
  const where = (target: string) => (config.targets ? `targets.${target} ` : '');
  const all: ConfigIssue[] = [...expanded.issues];
  const targets: LoadedTarget[] = [];
  // A value whose placeholder could not be substituted was reported by the expansion; a literal
  // `${` (written `$${`) is a value like any other and is checked.
  for (const { target, config: merged, unresolved } of expanded.targets) {
    const { stack, issues: targetIssues } = PythonWebStack.resolve(merged);
    all.push(...targetIssues
      .filter((i) => !unresolved.has(i.path))
      .map((i) => ({ ...i, path: `${where(target)}${i.path}`.trim() })));
    if (stack) targets.push({ target, config: merged, stack });
  }
  return { targets: all.length ? [] : targets, issues: all };
}

/** More values than any stack file holds: a guard against YAML alias bombs. */
const MAX_NODES = 100_000;

/**
 * More text than any stack file expands to (2 MiB): an alias of a long string repeated is few
 * values but a huge output (Kubernetes keeps every object under 1.5 MiB anyway).
 */
const MAX_CHARS = 2 * 1024 * 1024;

/** Deeper than any stack file nests. */
const MAX_DEPTH = 64;

/** Why a parsed document is too large once its aliases are expanded (each counted each time), if it is. */
export function tooLarge(data: unknown): string | undefined {
  let nodes = MAX_NODES;
  let chars = MAX_CHARS;
  const stack: Array<[unknown, number]> = [[data, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (--nodes < 0) return `more than ${MAX_NODES} values`;
    if (depth > MAX_DEPTH) return `more than ${MAX_DEPTH} levels of nesting`;
    if (typeof value === 'string') chars -= value.length;
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value as object)) {
        chars -= key.length;
        stack.push([child, depth + 1]);
      }
    }
    if (chars < 0) return `more than ${MAX_CHARS / 1024 / 1024} MiB of text`;
  }
  return undefined;
}

/**
 * The file as text only, for `stringifyScalars` to read what was written: every scalar a string.
 * YAML's standard tags (`!!int 8000`, `!<tag:yaml.org,2002:bool>`) are read as their text too.
 */
const TEXT_SCHEMA = yaml.FAILSAFE_SCHEMA.withTags(
  ...['null', 'bool', 'int', 'float', 'timestamp', 'binary'].map((name) => yaml.defineScalarTag(`tag:yaml.org,2002:${name}`, { resolve: (text: string) => text, identify: () => false })),
  yaml.omapTag, yaml.pairsTag, yaml.setTag,
);

/** YAML as the loader reads it; any failure (a syntax error, an unknown tag, nesting too deep) is one issue. */
function loadYaml(text: string, schema?: yaml.Schema): { data?: unknown; issue?: ConfigIssue } {
  try {
    return { data: schema ? yaml.load(text, { schema }) : yaml.load(text) };
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const where = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
      return { issue: { path: '', message: `YAML syntax error${where}: ${err.reason}` } };
    }
    if (err instanceof RangeError) return { issue: { path: '', message: 'the YAML nests too deeply to be read', allowed: 'a stack file of ordinary shape' } };
    throw err;
  }
}

/**
 * Problems of one stack file's text; the stack file when there are none. A plain stack (no
 * targets, no placeholders) is validated whole here; see `parseStackTargets` for the rest.
 */
export function parseStackFile(text: string): { config?: StackConfig; issues: ConfigIssue[] } {
  const { config, issues } = readStackFile(text);
  if (!config || issues.length > 0) return { config, issues };
  const targetIssues = parseStackTargets(text).issues;
  return targetIssues.length > 0 ? { issues: targetIssues } : { config, issues: [] };
}

/**
 * The stack file's text parsed, scalars as text, and checked against the file format's schema
 * (targets and placeholders aside: their values are checked per target, once merged and
 * substituted); the stacks themselves are validated per target.
 */
function readStackFile(text: string): { config?: StackConfig; issues: ConfigIssue[] } {
  if (text.trim() === '' || text.split('\n').every((l) => /^\s*(#.*)?$/.test(l))) {
    return { issues: [{ path: '', message: 'the file is empty', allowed: 'a stack: a mapping with at least name and web.image' }] };
  }
  const loaded = loadYaml(text);
  if (loaded.issue) return { issues: [loaded.issue] };
  const data = loaded.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { issues: [{ path: '', message: 'the file must be a mapping of stack keys', value: data, allowed: 'name, web, static, media, database, secrets, ingress, ...' }] };
  }
  const large = tooLarge(data);
  if (large) {
    return { issues: [{ path: '', message: `the file expands to ${large} (YAML aliases?)`, allowed: 'a stack file of ordinary size' }] };
  }
  // The text of each scalar, where the file's own reading of it succeeds (it does whenever the
  // full reading did, but for tags of other schemas, where the typed values stay as they are).
  stringifyScalars(data as Record<string, unknown>, () => loadYaml(text, TEXT_SCHEMA).data);
  const config = data as StackConfig;
  // A plain stack is one target, validated whole as such: checking its structure here too would
  // validate it twice.
  const perTarget = 'targets' in data || JSON.stringify(data).includes('${');
  if (!perTarget) return { config, issues: [] };
  const issues = [...fileSchemaIssues(data).filter((i) => !(typeof i.value === 'string' && i.value.includes('${'))), ...namePlaceholderIssues(data)];
  return issues.length > 0 ? { issues } : { config, issues: [] };
}

/**
 * The stack name is the same in every target (it names the output file and the `${name}`
 * placeholder), so it cannot hold a placeholder itself.
 */
function namePlaceholderIssues(data: object): ConfigIssue[] {
  const name = (data as { name?: unknown }).name;
  if (typeof name !== 'string' || !name.includes('$')) return [];
  return [{ path: 'name', message: 'cannot hold a placeholder or $: the stack name names the output file and every object, the same in every target', value: name, allowed: 'a plain DNS label; use ${target} in namespace or labels instead' }];
}

/** Reads and validates stack files; every problem of every file is reported at once. */
export function loadStackFiles(files: readonly string[]): StackFile[] {
  return readStackFiles(files, () => undefined).flatMap((f) => f.stacks);
}

/** What a render of a stack file reused from before must say of each target: for the checks across files. */
export interface ReusedTargets {
  readonly targets: ReadonlyArray<{ readonly target: string; readonly name: string; readonly namespace: string }>;
}

/** A stack file as read: its text, and either what is reused of its previous render, or its validated targets. */
export interface ReadStackFile<R extends ReusedTargets> {
  readonly file: string;
  readonly text: string;
  /** What `reuse` returned for the file's text: the file was neither parsed nor validated. */
  readonly reused?: R;
  /** Its targets, read and validated (none when reused). */
  readonly stacks: readonly StackFile[];
}

/**
 * Reads stack files; every problem of every file is reported at once. A file whose text `reuse`
 * knows (a render of exactly these bytes before) is not parsed again; the checks across files
 * (two stacks writing one file or sharing a namespace) still see all of them.
 */
export function readStackFiles<R extends ReusedTargets>(files: readonly string[], reuse: (file: string, text: string) => R | undefined): Array<ReadStackFile<R>> {
  const problems: string[] = [];
  const read: Array<ReadStackFile<R>> = [];
  for (const file of files) {
    const text = readTextFile(file);
    const reused = reuse(file, text);
    if (reused) {
      read.push({ file, text, reused, stacks: [] });
      continue;
    }
    const { targets, issues } = parseStackTargets(text);
    problems.push(...issues.map((i) => `${file}: ${formatIssue(i)}`));
    read.push({ file, text, stacks: targets.map(({ target, config, stack }) => ({ file, target, config, stack })) });
  }
  problems.push(...duplicateStacks(read.flatMap(({ file, reused, stacks }) => (reused
    ? reused.targets.map(({ target, name, namespace }) => ({ file, target, name, namespace }))
    : stacks.map(({ target, stack }) => ({ file, target, name: stack!.name, namespace: stack!.namespace }))))));
  if (problems.length > 0) throw new UserError(problems);
  return read;
}

/**
 * Two stacks that would write the same output file, or share a namespace in one target: a stack
 * owns its namespace (the Namespace object, its LimitRange, ResourceQuota and default-deny
 * policy), and two quotas sized for one stack each would starve both.
 */
function duplicateStacks(stacks: ReadonlyArray<{ file: string; target: string; name: string; namespace: string }>): string[] {
  const files = new Map<string, string>();
  const namespaces = new Map<string, string>();
  const problems: string[] = [];
  for (const { file, target: folder, name, namespace } of stacks) {
    const key = `${folder}/${name}`;
    const other = files.get(key);
    const sharing = namespaces.get(`${folder}/${namespace}`);
    if (other) problems.push(`${file}: name: another stack file (${other}) already writes ${manifestPath(folder, name)} (got "${name}"; allowed: a unique name per target)`);
    else if (sharing) problems.push(`${file}: namespace: ${sharing} already uses namespace ${namespace} in target ${folder} (got "${namespace}"; allowed: one stack per namespace, which it owns)`);
    files.set(key, file);
    namespaces.set(`${folder}/${namespace}`, file);
  }
  return problems;
}
