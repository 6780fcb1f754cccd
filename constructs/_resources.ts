import * as k8s from '../imports/k8s';
import { ConfigIssue } from './_errors';
import { isQuantity, parseQuantity } from './_quantity';
import { resolveResources } from './resolve-stack';
import { ResourcesConfig } from './stack-config';

/** Requests and limits with every default filled in. */
export interface ResolvedResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/**
 * What the API server would refuse in a container's resources once the defaults are merged in:
 * a request above its limit (setting only `limits.cpu: 100m` keeps the default 250m request),
 * or a zero limit or request.
 */
/**
 * The most CPU and memory one container may ask for: more than any node has, and far below
 * where the numbers derived from them (WEB_CONCURRENCY, quotas) stop being plain numbers.
 */
const MAX_QUANTITY = { cpu: { value: 1024, text: '1024 cores' }, memory: { value: 2 ** 46, text: '64Ti' } } as const;

export function resourceIssues(given: ResourcesConfig | undefined, defaults: ResolvedResources, path: string): ConfigIssue[] {
  const r = resolveResources(given, defaults);
  const issues: ConfigIssue[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const request = r.requests[resource];
    const limit = r.limits[resource];
    for (const [where, value] of [['requests', request], ['limits', limit]] as const) {
      if (value !== undefined && isQuantity(value) && parseQuantity(value) <= 0) {
        issues.push({ path: `${path}.${where}.${resource}`, message: 'must be more than zero', value });
      } else if (value !== undefined && isQuantity(value) && !(parseQuantity(value) <= MAX_QUANTITY[resource].value)) {
        issues.push({ path: `${path}.${where}.${resource}`, message: `is more than any node has (${MAX_QUANTITY[resource].text})`, value, allowed: `at most ${MAX_QUANTITY[resource].text}` });
      }
    }
    if (limit !== undefined && isQuantity(limit) && isQuantity(request) && parseQuantity(request) > parseQuantity(limit)) {
      const fromDefault = given?.requests?.[resource] === undefined ? ` (the default request, ${request})` : '';
      issues.push({ path: `${path}.limits.${resource}`, message: `is below the ${resource} request${fromDefault}, which Kubernetes refuses`, value: limit, allowed: `at least requests.${resource}, or set requests.${resource} too` });
    }
  }
  return issues;
}

/** The container's `resources` field. */
export function toResourceRequirements(r: ResolvedResources): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(r.limits.memory) };
  if (r.limits.cpu) limits.cpu = k8s.Quantity.fromString(r.limits.cpu);
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits,
  };
}
