// Written by hand, not generated: what the toJson functions of imports/ call once
// scripts/import.js has rewritten them (see there); `npm run import` keeps this file.

/** Sets key k of r (an own property, "__proto__" too) and returns r. */
export function assignKey(r: any, k: string, v: unknown): any {
  if (k === '__proto__') Object.defineProperty(r, k, { value: v, enumerable: true, configurable: true, writable: true });
  else r[k] = v;
  return r;
}

/** A copy of a generated object literal without its undefined values. */
export function withoutUndefined(o: Record<string, any>): Record<string, any> {
  const r: Record<string, any> = {};
  for (const k of Object.keys(o)) if (o[k] !== undefined) assignKey(r, k, o[k]);
  return r;
}
