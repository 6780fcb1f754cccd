import { ConfigIssue } from './_errors';

/**
 * Characters no Kubernetes YAML reader takes back: C0 and C1 controls other than tab and line
 * breaks, DEL, the noncharacters U+FFFE and U+FFFF, and lone UTF-16 surrogates (which are no
 * characters at all). Written as is, kustomize refuses the file and `plan` reads it as broken.
 */
const UNWRITABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `U+007F`. */
function codePoint(text: string): string {
  const match = UNWRITABLE.exec(text)!;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Every string and key of a stack that holds a character YAML readers refuse. */
export function unwritableTextIssues(tree: unknown, path = ''): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const join = (base: string, key: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`);
  const walk = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      if (UNWRITABLE.test(value)) issues.push({ path: at, message: `holds the control character or non-character ${codePoint(value)}, which YAML readers refuse`, allowed: 'printable text (tabs and line breaks are fine)' });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (UNWRITABLE.test(k)) issues.push({ path: at || '(top level)', message: `has a key holding ${codePoint(k)}, which YAML readers refuse`, value: k, allowed: 'printable text' });
        else walk(v, join(at, k));
      }
    }
  };
  walk(tree, path);
  return issues;
}
