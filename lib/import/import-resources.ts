import { DEFAULT_WEB_RESOURCES, ResourcesConfig } from '../../constructs';
import { resourceIssues } from '../../constructs/_resources';
import { isQuantity, parseQuantity } from '../../constructs/_quantity';
import { isMap } from '../_json';
import { ImportReport } from './import-report';

/** Compose's byte units (1024-based, any case) as Kubernetes quantities. */
const UNITS: Record<string, string> = { '': '', b: '', k: 'Ki', kb: 'Ki', m: 'Mi', mb: 'Mi', g: 'Gi', gb: 'Gi' };

/** `512M` -> `512Mi`, `1.5g` -> `1536Mi`, `2048` -> `2048`; undefined when it is no compose size. */
export function memoryQuantity(text: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(text.trim());
  if (!match || !(match[2].toLowerCase() in UNITS)) return undefined;
  const [, number, unit] = match;
  if (!number.includes('.')) return `${number}${UNITS[unit.toLowerCase()]}`;
  // A fraction of a unit in whole units of the next smaller one (Kubernetes takes 1.5Gi, but not every reader does).
  const smaller: Record<string, [number, string]> = { g: [1024, 'Mi'], gb: [1024, 'Mi'], m: [1024, 'Ki'], mb: [1024, 'Ki'], k: [1024, ''], kb: [1024, ''] };
  const [factor, next] = smaller[unit.toLowerCase()] ?? [1, ''];
  return `${Math.round(Number(number) * factor)}${next}`;
}

/**
 * `web.resources` from compose's `deploy.resources` (`limits` and `reservations` of `cpus` and
 * `memory`). A limit below the stack's default request lowers that request to the limit (compose
 * had no request); what the stack still refuses is dropped, with its reason.
 */
export function importResources(deploy: unknown, at: string, report: ImportReport): ResourcesConfig | undefined {
  const resources = isMap(deploy) && isMap(deploy.resources) ? deploy.resources : undefined;
  if (!resources) return undefined;
  const side = (value: unknown, where: string): { cpu?: string; memory?: string } => {
    const out: { cpu?: string; memory?: string } = {};
    if (!isMap(value)) return out;
    if (typeof value.cpus === 'string') {
      if (isQuantity(value.cpus) && parseQuantity(value.cpus) > 0) out.cpu = value.cpus;
      else report.add(`${where}.cpus`, 'dropped', `${JSON.stringify(value.cpus)} is not a CPU amount`);
    }
    if (typeof value.memory === 'string') {
      const memory = memoryQuantity(value.memory);
      if (memory) out.memory = memory;
      else report.add(`${where}.memory`, 'dropped', `${JSON.stringify(value.memory)} is not a compose size`);
    }
    return out;
  };
  const limits = side(resources.limits, `${at}.resources.limits`);
  const requests = side(resources.reservations, `${at}.resources.reservations`);
  for (const r of ['cpu', 'memory'] as const) {
    const limit = limits[r];
    if (limit !== undefined && requests[r] === undefined && parseQuantity(limit) < parseQuantity(DEFAULT_WEB_RESOURCES.requests[r])) requests[r] = limit;
  }
  const config: ResourcesConfig = {
    ...(Object.keys(requests).length ? { requests } : {}),
    ...(Object.keys(limits).length ? { limits } : {}),
  };
  if (!config.requests && !config.limits) return undefined;
  const issues = resourceIssues(config, DEFAULT_WEB_RESOURCES, 'web.resources');
  if (issues.length) {
    report.add(`${at}.resources`, 'dropped', `the stack's default resources instead: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
    return undefined;
  }
  report.add(`${at}.resources`, 'translated', `web.resources (reservations as requests, limits as limits; the rest the stack's defaults)`);
  return config;
}
