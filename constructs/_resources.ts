import * as k8s from '../imports/k8s';
import { ResourcesConfig } from './stack-config';

/** Requests and limits with every default filled in. */
export interface ResolvedResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/**
 * Merges a section's `resources` over its defaults, key by key, so that setting only
 * `requests.cpu` keeps the default memory request and limit.
 */
export function resolveResources(given: ResourcesConfig | undefined, defaults: ResolvedResources): ResolvedResources {
  return {
    requests: { ...defaults.requests, ...given?.requests },
    limits: { ...defaults.limits, ...given?.limits },
  } as ResolvedResources;
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
