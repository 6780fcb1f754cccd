import * as fs from 'fs';
import * as path from 'path';
import type { PythonWebStackProps, ResolvedStack } from '../../constructs';
import { formatIssue } from '../../constructs/_errors';
import { manifestPath } from '../layout';
import { UserError } from '../user-error';
import { readTextFile } from '../_text-file';
import { loadOnce } from '../_load-once';

// Finding and reading stack files, and the checks across them. Parsing and validating one
// (`stack-file`: the YAML reader, the schemas, the constructs' validation, and with them cdk8s)
// is loaded only when a file is not reused from the render cache: a run whose stack files are
// all unchanged loads none of it.

/** The parser and validator of one stack file, loaded on first use. */
const parser = loadOnce((): typeof import('./stack-file') => require('./stack-file'));

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
    const { targets, issues } = parser().parseStackTargets(text);
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
