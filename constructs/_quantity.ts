/**
 * Kubernetes quantities (`250m`, `1.5Gi`, `500M`, `1e9`), parsed once for every use: exactly,
 * as fractions (so `1Gi` and `1073741824` compare equal and rounding never decides), and as
 * numbers for arithmetic: CPU in cores (WEB_CONCURRENCY), sizes in bytes (quotas, minimums).
 */

/** A quantity as an exact fraction. */
export interface ExactQuantity {
  readonly num: bigint;
  readonly den: bigint;
}

const BINARY_SUFFIXES = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_POWERS: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d{1,3})|([numkMGTPE]))?$/;

/**
 * Quantities parsed, by text: a fleet's stacks use a few dozen (`250m`, `512Mi`), each parsed
 * thousands of times with BigInt arithmetic (1% of a 1,000-stack render). Bounded: text beyond
 * the first 1,000 distinct is parsed each time.
 */
const parsed = new Map<string, ExactQuantity | undefined>();

/** The exact value of a quantity; undefined if the text is not one. */
export function exactQuantity(text: string): ExactQuantity | undefined {
  if (parsed.has(text)) return parsed.get(text);
  const value = exactValue(text);
  if (parsed.size < 1000) parsed.set(text, value);
  return value;
}

function exactValue(text: string): ExactQuantity | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, int, frac = '', binary, exponent, decimal] = m;
  if (int === '' && frac === '') return undefined;
  let num = BigInt(int + frac) * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(frac.length);
  if (binary) num *= 2n ** BigInt(10 * (BINARY_SUFFIXES.indexOf(binary) + 1));
  const power = exponent !== undefined ? Number(exponent) : decimal ? DECIMAL_POWERS[decimal] : 0;
  if (power >= 0) num *= 10n ** BigInt(power);
  else den *= 10n ** BigInt(-power);
  // Frozen: one object answers every caller.
  return Object.freeze({ num, den });
}

/** Negative, zero or positive as `a` is smaller than, equal to or larger than `b`. */
export function compareQuantities(a: ExactQuantity, b: ExactQuantity): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Whether `value` is a Kubernetes quantity. */
export function isQuantity(value: string): boolean {
  return exactQuantity(value) !== undefined;
}

/** The numeric value of a quantity (cores for CPU, bytes for memory and storage). */
export function parseQuantity(value: string): number {
  const q = exactQuantity(value);
  if (!q) throw new Error(`not a Kubernetes quantity: ${value}`);
  return Number(q.num) / Number(q.den);
}

/**
 * gunicorn's rule of thumb, 2 x cores + 1, from the CPU a container may use; at least 2 so one
 * slow request never blocks the pod.
 */
export function workersForCpu(cpu: string): number {
  return Math.max(2, Math.floor(2 * parseQuantity(cpu)) + 1);
}

/** The largest volume a stack may claim (1Pi): beyond any storage class, and beyond exact quota arithmetic. */
export const MAX_VOLUME_BYTES = 2 ** 50;
