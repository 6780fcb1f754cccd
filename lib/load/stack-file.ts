import * as yaml from 'js-yaml';
import { ConfigIssue, PythonWebStack, PythonWebStackProps, ResolvedStack } from '../../constructs';
import { stringifyScalars } from './scalars';
import { StackConfig } from './stack-file-format';
import { fileSchemaIssues } from './stack-schema';
import { expandTargets } from './targets';

// Finding and reading stack files (the part a run with nothing to render needs) is in
// read-stack-files; exported here too, with the parsing, for the code and tests that read stack
// files as a whole.
export * from './read-stack-files';

/** A validated deploy target of a stack file. */
export interface LoadedTarget {
  readonly target: string;
  readonly config: PythonWebStackProps;
  readonly stack: ResolvedStack;
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

