/**
 * Kubernetes quantities, parsed as far as this project needs them: CPU in cores (for
 * WEB_CONCURRENCY) and sizes in bytes (for comparisons and quotas).
 */
const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** Whether `value` is a quantity this project accepts. */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** The numeric value of a quantity (cores for CPU, bytes for memory and storage). */
export function parseQuantity(value: string): number {
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`not a Kubernetes quantity: ${value}`);
  return Number(match[1]) * SUFFIX[match[2] ?? ''];
}

/**
 * gunicorn's rule of thumb, 2 x cores + 1, from the CPU a container may use; at least 2 so one
 * slow request never blocks the pod.
 */
export function workersForCpu(cpu: string): number {
  return Math.max(2, Math.floor(2 * parseQuantity(cpu)) + 1);
}
