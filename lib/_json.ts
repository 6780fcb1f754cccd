/** Whether a parsed JSON/YAML value is a mapping (not null, not a list). */
export function isMap(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
