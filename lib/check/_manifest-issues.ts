import { ErrorObject } from 'ajv';
import { didYouMean } from '../../constructs/_errors';
import { HINT, isPlainObject } from './_k8s-schema-transform';
import type { ManifestIssue } from './manifest-schema';

/** ajv's errors as messages a person can act on: the field path, the bad value, what is allowed. */
// ---------------------------------------------------------------------------------------------
// ajv errors → human messages

export function toIssues(object: string, errors: readonly ErrorObject[], data: unknown): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const e of errors) {
    // A combinator's summary only repeats its branches' complaints (reported themselves).
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'allOf' || e.keyword === 'if') continue;
    issues.push({ object, ...describeError(e, data) });
  }
  return issues;
}

function describeError(e: ErrorObject, data: unknown): { path: string; message: string } {
  const segments = pointerSegments(e.instancePath);
  const base = toPath(segments, data);
  const value = valueAt(data, segments);
  const params = e.params as Record<string, any>;
  const parent = e.parentSchema as any;
  const got = ` (got ${show(value)})`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const guess = didYouMean(key, known);
      return { path: joinKey(base, key), message: `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}` };
    }
    case 'required':
      return { path: joinKey(base, String(params.missingProperty)), message: 'is required' };
    case 'type':
      return { path: base, message: `must be ${typeList(params.type)}${got}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      return { path: base, message: allowed.length === 1 ? `must be ${show(allowed[0])}${got}` : `must be one of ${allowed.map(show).join(', ')}${got}` };
    }
    case 'const':
      return { path: base, message: `must be ${show(params.allowedValue)}${got}` };
    case 'pattern':
      return { path: base, message: parent?.[HINT] ? `must be ${parent[HINT]}${got}` : `must match ${params.pattern}${got}` };
    case 'format':
      return { path: base, message: `${formatMessage(String(params.format))}${got}` };
    case 'minLength':
    case 'maxLength':
      return { path: base, message: `must be at ${e.keyword === 'minLength' ? 'least' : 'most'} ${params.limit} character(s) long${got}` };
    case 'minItems':
    case 'maxItems':
      return { path: base, message: `must have at ${e.keyword === 'minItems' ? 'least' : 'most'} ${params.limit} item(s) (got ${Array.isArray(value) ? value.length : show(value)})` };
    case 'minProperties':
    case 'maxProperties': {
      const keys = isPlainObject(value) ? Object.keys(value) : [];
      return { path: base, message: `must have at ${e.keyword === 'minProperties' ? 'least' : 'most'} ${params.limit} field(s) (got ${keys.length ? keys.join(', ') : 'none'})` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: base, message: `must be ${params.comparison} ${params.limit}${got}` };
    case 'multipleOf':
      return { path: base, message: `must be a multiple of ${params.multipleOf}${got}` };
    case 'uniqueItems':
      return { path: base, message: `must not repeat items (items ${params.j} and ${params.i} are equal)` };
    default:
      return { path: base, message: `${e.message ?? 'is invalid'}${got}` };
  }
}

function typeList(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  if (types.length <= 1) return String(types[0]);
  return `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`;
}

function formatMessage(format: string): string {
  switch (format) {
    case 'int32': return 'must be a 32-bit integer';
    case 'int64': return 'must be a 64-bit integer';
    case 'byte': return 'must be base64-encoded';
    case 'date-time': return 'must be an RFC 3339 date-time';
    default: return `must be a valid ${format}`;
  }
}


// ---------------------------------------------------------------------------------------------
// Paths and values

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Dot-separated keys, array indices in brackets; a key that is not a plain word is quoted. */
function toPath(segments: readonly string[], data: unknown): string {
  let out = '';
  let current: any = data;
  for (const segment of segments) {
    if (Array.isArray(current)) out += `[${segment}]`;
    else out = joinKey(out, segment);
    current = current !== null && typeof current === 'object' ? current[segment] : undefined;
  }
  return out;
}

function joinKey(base: string, key: string): string {
  const part = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (part.startsWith('[')) return `${base}${part}`;
  return base ? `${base}.${part}` : part;
}

function valueAt(data: unknown, segments: readonly string[]): unknown {
  let current: any = data;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[segment];
  }
  return current;
}

/** A value as JSON, shortened when long. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function describeObject(obj: any): string {
  if (obj === null || typeof obj !== 'object') return '<not an object>';
  const kind = typeof obj.kind === 'string' && obj.kind ? obj.kind : '<no kind>';
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '<no name>';
  const ns = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}

export function dedupe(issues: ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
