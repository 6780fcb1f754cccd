import { isMap } from '../_json';
/**
 * YAML turns `DEBUG: true`, `PYTHON: 3.10` and `cpu: 2` into a boolean and numbers, while env
 * values, label values and quantities are strings in Kubernetes. As docker-compose and Helm
 * users expect, such scalars in those places are taken as the text written in the file
 * (`3.10`, not `3.1`; `0x1F`, not `31`), read from `readSource()`: the same file parsed with
 * every scalar as text, asked for (once) only when such a scalar is there. Everywhere else types
 * stay strict. Applied to a parsed stack file (and each of its targets) before validation.
 */
export function stringifyScalars(data: Record<string, unknown>, readSource: () => unknown): void {
  // The second parse costs as much as the first; most files need none of it.
  let source: { value: unknown } | undefined;
  const sourceAt = (path: readonly string[]): unknown => at((source ??= { value: readSource() }).value, ...path);
  normalizeStack(data, [], sourceAt);
  const targets = data.targets;
  if (isMap(targets)) {
    for (const [name, target] of Object.entries(targets)) if (isMap(target)) normalizeStack(target, ['targets', name], sourceAt);
  }
}

/** The source text at a path of the file (parsed when first asked). */
type SourceAt = (path: readonly string[]) => unknown;

function normalizeStack(stack: Record<string, unknown>, path: readonly string[], source: SourceAt): void {
  stringifyValues(stack.labels, [...path, 'labels'], source);
  const web = stack.web;
  if (isMap(web)) {
    stringifyValues(web.env, [...path, 'web', 'env'], source);
    stringifyResources(web.resources, [...path, 'web', 'resources'], source);
  }
  if (isMap(stack.static)) stringifyResources(stack.static.resources, [...path, 'static', 'resources'], source);
  if (isMap(stack.database)) {
    stringifyResources(stack.database.resources, [...path, 'database', 'resources'], source);
    stringifyValues(stack.database.storage, [...path, 'database', 'storage'], source, ['size']);
  }
  stringifyValues(stack.media, [...path, 'media'], source, ['size']);
}

function stringifyResources(resources: unknown, path: readonly string[], source: SourceAt): void {
  if (!isMap(resources)) return;
  stringifyValues(resources.requests, [...path, 'requests'], source, ['cpu', 'memory']);
  stringifyValues(resources.limits, [...path, 'limits'], source, ['cpu', 'memory']);
}

/** Numbers and booleans among a map's values (or the given keys) become their source text. */
function stringifyValues(map: unknown, path: readonly string[], source: SourceAt, keys?: readonly string[]): void {
  if (!isMap(map)) return;
  for (const key of keys ?? Object.keys(map)) {
    const value = map[key];
    if (typeof value !== 'number' && typeof value !== 'boolean') continue;
    const text = source([...path, key]);
    map[key] = typeof text === 'string' ? text : String(value);
  }
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isMap(current) ? current[key] : undefined;
  return current;
}
