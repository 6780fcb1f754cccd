import { ConfigIssue, PythonWebStackProps, resolveIdentity } from '../../constructs';
import { isMap } from '../_json';
import { StackConfig } from './stack-file-format';

/** One deploy target of a stack file: its name (the output folder) and its merged stack. */
export interface TargetStack {
  readonly target: string;
  readonly config: PythonWebStackProps;
  /** Field paths (as issues print them) whose placeholder could not be substituted; reported already. */
  readonly unresolved: ReadonlySet<string>;
}

/** `${name}`, or `$${` for a literal `${`. */
const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;

/**
 * The deploy targets of a (structurally valid) stack file: without `targets`, one target named
 * after the environment; with them, each target is the stack deep-merged with its overrides
 * (maps merge, lists and scalars replace), then `${region}`, `${target}`, `${environment}` and
 * `${name}` substituted in every string. Problems name the target.
 */
export function expandTargets(config: StackConfig): { targets: TargetStack[]; issues: ConfigIssue[] } {
  const { targets, $schema: _editorsOnly, ...base } = config;
  const entries = targets ? Object.entries(targets) : [[resolveIdentity(base).environment, {}] as const];
  const issues: ConfigIssue[] = [];
  const out: TargetStack[] = [];
  for (const [target, overrides] of entries) {
    if (targets && ('name' in overrides || 'targets' in overrides)) {
      issues.push({ path: `targets.${target}`, message: 'cannot override name or targets', allowed: 'any other key of the stack file' });
      continue;
    }
    const merged = deepMerge(base, overrides) as PythonWebStackProps;
    const unresolved = new Set<string>();
    const substituted = substitute(merged, placeholderValues(target, merged), targets ? `targets.${target}` : '', issues, unresolved);
    out.push({ target, config: substituted as PythonWebStackProps, unresolved });
  }
  return { targets: out, issues };
}

/** Maps merge key by key; lists, scalars and `false` replace. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override === undefined ? base : override;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) result[key] = deepMerge(base[key], value);
  return result;
}

function placeholderValues(target: string, config: PythonWebStackProps): Record<string, string | undefined> {
  return { target, name: config.name, environment: resolveIdentity(config).environment, region: config.region };
}

function substitute(value: unknown, values: Record<string, string | undefined>, where: string, issues: ConfigIssue[], unresolved: Set<string>, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, key: string | undefined) => {
      if (key === undefined) return '${';
      const replacement = values[key];
      if (replacement !== undefined) return replacement;
      const problem = key in values ? `uses \${${key}}, which this target does not set` : `uses an unknown placeholder ${whole}`;
      issues.push({ path: where ? `${where} ${path}` : path, message: problem, value, allowed: '${region}, ${target}, ${environment}, ${name}' });
      unresolved.add(path);
      return whole;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, values, where, issues, unresolved, `${path}[${i}]`));
  if (isMap(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values, where, issues, unresolved, joinPath(path, k))]));
  }
  return value;
}

/** A field path as issues print it: `a.b`, `a[0]`, `a["odd key"]`. */
function joinPath(base: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}
