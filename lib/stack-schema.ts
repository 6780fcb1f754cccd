import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { ConfigIssue } from '../constructs';
import stackSchema from '../schema/stack.schema.json';

/**
 * Structural validation of stack files against the published JSON Schema (generated from the
 * TypeScript props), with messages a person can act on: the field path, the bad value, what is
 * allowed, and a "did you mean" for near-miss keys.
 */
let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // Compiled once per process: compiling is the expensive part, validating is cheap.
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(stackSchema);
  return compiled;
}

/** Every structural problem of one parsed stack file; empty when it is valid. */
export function schemaIssues(data: unknown): ConfigIssue[] {
  const validate = validator();
  if (validate(data)) return [];
  return toIssues(validate.errors ?? [], data);
}

function toIssues(errors: ErrorObject[], data: unknown): ConfigIssue[] {
  const issues = new Map<string, ConfigIssue>();
  // A bad key is reported once, by its propertyNames error; the inner pattern error repeats it.
  for (const error of withoutBranchNoise(errors, data).filter((e) => !(e as any).propertyName)) {
    const issue = toIssue(error, data);
    const key = `${issue.path}\u0000${issue.message}`;
    if (!issues.has(key)) issues.set(key, issue);
  }
  return [...issues.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Sections may be a mapping or `false` (an anyOf). When the value is a mapping, the `false`
 * branch's complaints and the anyOf summary only hide the real problem inside the mapping;
 * when it is neither, one "must be a mapping, or false" says it all.
 */
function withoutBranchNoise(errors: ErrorObject[], data: unknown): ErrorObject[] {
  let kept = errors;
  for (const anyOf of errors.filter((e) => e.keyword === 'anyOf')) {
    const at = anyOf.instancePath;
    const value = valueAt(data, at);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      kept = kept.filter((e) => e !== anyOf && !(e.instancePath === at && (e.keyword === 'type' || e.keyword === 'const')));
    } else {
      kept = kept.filter((e) => e === anyOf || !(e.instancePath === at || e.instancePath.startsWith(`${at}/`)));
    }
  }
  return kept;
}

function toIssue(e: ErrorObject, data: unknown): ConfigIssue {
  const base = pointerToPath(e.instancePath);
  const value = valueAt(data, e.instancePath);
  const params = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = params.additionalProperty as string;
      const known = Object.keys((e.parentSchema as any)?.properties ?? {});
      const guess = suggestion(key, known);
      return {
        path: join(base, key),
        message: `unknown key${guess ? `; did you mean '${guess}'?` : ''}`,
        allowed: known.length ? known.join(', ') : undefined,
      };
    }
    case 'propertyNames':
      return { path: join(base, params.propertyName), message: 'is not a valid name', allowed: 'letters, digits and _, not starting with a digit' };
    case 'required':
      return { path: join(base, params.missingProperty), message: 'is required' };
    case 'enum':
      return { path: base, message: 'is not one of the allowed values', value, allowed: (params.allowedValues as unknown[]).join(' | ') };
    case 'type':
      return { path: base, message: `must be ${article(params.type)}`, value };
    case 'pattern':
    case 'maxLength':
    case 'minLength':
      return { path: base, message: e.keyword === 'pattern' ? 'has the wrong format' : `must have ${e.keyword === 'maxLength' ? 'at most' : 'at least'} ${params.limit} characters`, value, allowed: describe(e.parentSchema) };
    case 'minimum':
    case 'maximum':
      return { path: base, message: `must be ${params.comparison} ${params.limit}`, value };
    case 'minItems':
      return { path: base, message: `must have at least ${params.limit} item(s)`, value };
    case 'anyOf':
      return { path: base, message: 'must be a mapping, or false to turn it off', value };
    default:
      return { path: base, message: e.message ?? 'is invalid', value };
  }
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

/** The first sentence of a schema's description, as the "allowed" hint. */
function describe(schema: any): string | undefined {
  const text: string | undefined = schema?.description;
  return text?.split(/\n|(?<=\.)\s/)[0].replace(/\.$/, '');
}

function suggestion(key: string, known: string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, known);
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => join(acc, part), '');
}

/** `a.b`, `a[0]`, and `a["odd key"]` for keys that are not plain words (labels, blanks). */
function join(base: string, part: string): string {
  if (/^\d+$/.test(part)) return `${base}[${part}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(part)) return `${base}[${JSON.stringify(part)}]`;
  return base ? `${base}.${part}` : part;
}

function valueAt(data: unknown, pointer: string): unknown {
  if (!pointer) return data;
  let current: any = data;
  for (const raw of pointer.slice(1).split('/')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}
