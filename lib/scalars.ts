import { isMap } from './_json';
/**
 * YAML turns `DEBUG: true`, `WORKERS: 4` and `cpu: 2` into a boolean and numbers, while env
 * values, label values and quantities are strings in Kubernetes. As docker-compose and Helm
 * users expect, such scalars in those places are taken as the string they spell; everywhere
 * else types stay strict. Applied to a parsed stack file (and each of its targets) before
 * validation.
 */
export function stringifyScalars(data: Record<string, unknown>): void {
  normalizeStack(data);
  const targets = data.targets;
  if (isMap(targets)) for (const target of Object.values(targets)) if (isMap(target)) normalizeStack(target);
}

function normalizeStack(stack: Record<string, unknown>): void {
  stringifyValues(stack.labels);
  const web = stack.web;
  if (isMap(web)) {
    stringifyValues(web.env);
    stringifyResources(web.resources);
  }
  if (isMap(stack.static)) stringifyResources(stack.static.resources);
  if (isMap(stack.database)) {
    stringifyResources(stack.database.resources);
    if (isMap(stack.database.storage)) stringifyValues(stack.database.storage, ['size']);
  }
  if (isMap(stack.media)) stringifyValues(stack.media, ['size']);
}

function stringifyResources(resources: unknown): void {
  if (!isMap(resources)) return;
  stringifyValues(resources.requests, ['cpu', 'memory']);
  stringifyValues(resources.limits, ['cpu', 'memory']);
}

/** Numbers and booleans among a map's values (or the given keys) become their text. */
function stringifyValues(map: unknown, keys?: readonly string[]): void {
  if (!isMap(map)) return;
  for (const key of keys ?? Object.keys(map)) {
    const value = map[key];
    if (typeof value === 'number' || typeof value === 'boolean') map[key] = String(value);
  }
}
