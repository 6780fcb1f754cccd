import { ConfigIssue } from './_errors';

/** A label value, or the name part of a label or annotation key. */
export const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
export const KEY_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What a label or annotation key may be, as messages print it. */
export const KEY_RULE = 'an optional DNS subdomain prefix and /, then at most 63 letters, digits, - _ . beginning and ending alphanumeric';

/** Kubernetes' rule for label and annotation keys (a "qualified name"), which the API server enforces. */
export function isQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  return name.length <= 63 && QUALIFIED_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && KEY_PREFIX.test(prefix)));
}

/**
 * The keys of an annotation map that the API server would refuse, and those the stack sets
 * itself (`reserved`: key -> what to write instead).
 */
export function annotationIssues(annotations: Record<string, string>, path: string, reserved: Record<string, string> = {}): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(annotations)) {
    const at = `${path}["${key}"]`;
    if (!isQualifiedKey(key)) issues.push({ path: at, message: 'is not a valid annotation key', allowed: KEY_RULE });
    if (key in reserved) issues.push({ path: at, message: 'is set by the stack itself', allowed: reserved[key] });
  }
  return issues;
}
