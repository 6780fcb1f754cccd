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
 * The stack files a `--config` argument names: the file itself, or every `*.yaml`/`*.yml`
 * directly in a directory, sorted so the output never depends on directory order.
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
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(configPath, f));
  // A folder named x.yaml, or a link to nothing, is not a stack file: say so, never crash on it.
  const unreadable = files.filter((f) => !isFile(f));
  if (unreadable.length > 0) throw new UserError(unreadable.map((f) => `${f}: not a readable file (allowed: stack files, one YAML file each)`));
  if (files.length === 0) throw new UserError([`${configPath}: no *.yaml stack files in this directory`]);
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
  for (const { target, config: merged } of expanded.targets) {
    const { stack, issues: targetIssues } = PythonWebStack.resolve(merged);
    all.push(...targetIssues
      .filter((i) => !(typeof i.value === 'string' && i.value.includes('${')))
      .map((i) => ({ ...i, path: `${where(target)}${i.path}`.trim() })));
    if (stack) targets.push({ target, config: merged, stack });
  }
  return { targets: all.length ? [] : targets, issues: all };
}

/** More values than any stack file holds: a guard against YAML alias bombs. */
const MAX_NODES = 100_000;

/** Whether a parsed document has more than MAX_NODES values (aliases are counted each time). */
function tooLarge(data: unknown): boolean {
  let budget = MAX_NODES;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (--budget < 0) return true;
    if (value !== null && typeof value === 'object') stack.push(...Object.values(value as object));
  }
  return false;
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
  let data: unknown;
  try {
    data = yaml.load(text);
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const where = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
      return { issues: [{ path: '', message: `YAML syntax error${where}: ${err.reason}` }] };
    }
    throw err;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { issues: [{ path: '', message: 'the file must be a mapping of stack keys', value: data, allowed: 'name, web, static, media, database, secrets, ingress, ...' }] };
  }
  if (tooLarge(data)) {
    return { issues: [{ path: '', message: `the file expands to more than ${MAX_NODES} values (YAML aliases?)`, allowed: 'a stack file of ordinary size' }] };
  }
  stringifyScalars(data as Record<string, unknown>, yaml.load(text, { schema: yaml.FAILSAFE_SCHEMA }));
  const config = data as StackConfig;
  // A plain stack is one target, validated whole as such: checking its structure here too would
  // validate it twice.
  const perTarget = 'targets' in data || JSON.stringify(data).includes('${');
  if (!perTarget) return { config, issues: [] };
  const issues = fileSchemaIssues(data).filter((i) => !(typeof i.value === 'string' && i.value.includes('${')));
  return issues.length > 0 ? { issues } : { config, issues: [] };
}

/** Reads and validates stack files; every problem of every file is reported at once. */
export function loadStackFiles(files: readonly string[]): StackFile[] {
  const problems: string[] = [];
  const loaded: StackFile[] = [];
  for (const file of files) {
    const { targets, issues } = parseStackTargets(fs.readFileSync(file, 'utf-8'));
    problems.push(...issues.map((i) => `${file}: ${formatIssue(i)}`));
    loaded.push(...targets.map(({ target, config, stack }) => ({ file, target, config, stack })));
  }
  problems.push(...duplicateStacks(loaded));
  if (problems.length > 0) throw new UserError(problems);
  return loaded;
}

/**
 * Two stacks that would write the same output file, or share a namespace in one target: a stack
 * owns its namespace (the Namespace object, its LimitRange, ResourceQuota and default-deny
 * policy), and two quotas sized for one stack each would starve both.
 */
function duplicateStacks(stacks: readonly StackFile[]): string[] {
  const files = new Map<string, string>();
  const namespaces = new Map<string, string>();
  const problems: string[] = [];
  for (const { file, target: folder, stack } of stacks) {
    const { name, namespace } = stack!;
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
