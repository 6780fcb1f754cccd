import { isMap } from '../_json';
/**
 * YAML turns `DEBUG: true`, `PYTHON: 3.10` and `cpu: 2` into a boolean and numbers, while env
 * values, label values and quantities are strings in Kubernetes. As docker-compose and Helm
 * users expect, such scalars in those places are taken as the text written in the file
 * (`3.10`, not `3.1`; `0x1F`, not `31`), read from `source`: the same file parsed with every
 * scalar as text. Everywhere else types stay strict. Applied to a parsed stack file (and each
 * of its targets) before validation.
 */
export function stringifyScalars(data: Record<string, unknown>, source: unknown): void {
  normalizeStack(data, source);
  const targets = data.targets;
  if (isMap(targets)) {
    for (const [name, target] of Object.entries(targets)) if (isMap(target)) normalizeStack(target, at(source, 'targets', name));
  }
}

function normalizeStack(stack: Record<string, unknown>, source: unknown): void {
  stringifyValues(stack.labels, at(source, 'labels'));
  const web = stack.web;
  if (isMap(web)) {
    stringifyValues(web.env, at(source, 'web', 'env'));
    stringifyResources(web.resources, at(source, 'web', 'resources'));
  }
  if (isMap(stack.static)) stringifyResources(stack.static.resources, at(source, 'static', 'resources'));
  if (isMap(stack.database)) {
    stringifyResources(stack.database.resources, at(source, 'database', 'resources'));
    stringifyValues(stack.database.storage, at(source, 'database', 'storage'), ['size']);
  }
  stringifyValues(stack.media, at(source, 'media'), ['size']);
}

function stringifyResources(resources: unknown, source: unknown): void {
  if (!isMap(resources)) return;
  stringifyValues(resources.requests, at(source, 'requests'), ['cpu', 'memory']);
  stringifyValues(resources.limits, at(source, 'limits'), ['cpu', 'memory']);
}

/** Numbers and booleans among a map's values (or the given keys) become their source text. */
function stringifyValues(map: unknown, source: unknown, keys?: readonly string[]): void {
  if (!isMap(map)) return;
  for (const key of keys ?? Object.keys(map)) {
    const value = map[key];
    if (typeof value !== 'number' && typeof value !== 'boolean') continue;
    const text = at(source, key);
    map[key] = typeof text === 'string' ? text : String(value);
  }
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isMap(current) ? current[key] : undefined;
  return current;
}
