import type { ErrorObject, ValidateFunction } from 'ajv';
import stackSchema from '../schema/_target.schema.json';
import { ConfigIssue, didYouMean } from './_errors';

/**
 * Structural validation of stack files (and so of `PythonWebStack` props) against the JSON Schema
 * of what synth validates (schema/_target.schema.json: the file once read, one target's stack;
 * editors get the published one, see _editor-schema.ts), with messages a
 * person can act on: the field path, the bad value, what is allowed, and a "did you mean" for
 * near-miss keys.
 *
 * "allowed" texts come from the schema: a node's `allowed` (the `@allowed` JSDoc tag, the rule
 * in words), the range of a `minimum`/`maximum`, or else the whole first paragraph of the
 * node's description; never a cut sentence.
 */
const compiled = new Map<string, ValidateFunction>();

/** The options the validators are compiled with. */
const STACK_SCHEMA_AJV_OPTIONS = Object.freeze({ allErrors: true, verbose: true, strict: false });

/** The definitions of the schema that are validated against: one target's stack, and a whole file. */
export const STACK_SCHEMA_DEFINITIONS = Object.freeze(['PythonWebStackProps', 'StackConfig']);

/**
 * Where the compiled validators come from, by definition: compiled here (once per process) by
 * default. The command line supplies validators compiled before and cached on disk (a construct
 * never reads files); they must come from `compileStackValidators`, so they behave the same.
 */
export type StackValidatorSource = () => Readonly<Record<string, ValidateFunction>> | undefined;

let validatorSource: StackValidatorSource | undefined;
let provided: Readonly<Record<string, ValidateFunction>> | undefined;

/** Sets where the compiled validators come from (see `StackValidatorSource`); undefined: compiled here. */
export function useStackValidators(source: StackValidatorSource | undefined): void {
  validatorSource = source;
  provided = undefined;
  compiled.clear();
}

/**
 * Compiles the validator of every definition in `STACK_SCHEMA_DEFINITIONS` with ajv and returns
 * the ajv instance that holds them and their refs (for a cache to write them out as a module).
 */
export function compileStackValidators(extraOptions: object = {}): { ajv: import('ajv').default; refs: Record<string, string> } {
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const ajv = new Ajv({ ...STACK_SCHEMA_AJV_OPTIONS, ...extraOptions }).addSchema(stackSchema);
  const refs: Record<string, string> = {};
  for (const definition of STACK_SCHEMA_DEFINITIONS) {
    refs[definition] = `${stackSchema.$id}#/definitions/${definition}`;
    ajv.compile({ $ref: refs[definition] });
  }
  return { ajv, refs };
}

/** A JSON Schema node, as far as the messages read it. */
interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly description?: string;
  readonly allowed?: string;
  readonly keyNoun?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Record<string, unknown>;
  readonly propertyNames?: SchemaNode;
}

const definitions = (stackSchema as { definitions: Record<string, SchemaNode> }).definitions;

let ajv: import('ajv').default | undefined;

/** The validator of one definition of the schema, compiled once per process (compiling is the expensive part). */
function validator(definition: string): ValidateFunction {
  let validate = compiled.get(definition);
  if (!validate) {
    provided ??= validatorSource?.() ?? {};
    validate = provided[definition];
    if (!validate) {
      const Ajv = (require('ajv') as typeof import('ajv')).default;
      ajv ??= new Ajv(STACK_SCHEMA_AJV_OPTIONS).addSchema(stackSchema);
      validate = ajv.compile({ $ref: `${stackSchema.$id}#/definitions/${definition}` });
    }
    compiled.set(definition, validate);
  }
  return validate;
}

/**
 * Every structural problem of `data` against one definition of the stack schema: by default
 * `PythonWebStackProps` (one target's stack); the command line checks whole files against the
 * file format's definition. Empty when it is valid.
 */
export function schemaIssues(data: unknown, definition = 'PythonWebStackProps'): ConfigIssue[] {
  const reserved = reservedKeys(data, '');
  if (reserved.length > 0) return reserved;
  const validate = validator(definition);
  if (validate(data)) return [];
  return toIssues(validate.errors ?? [], data);
}

/**
 * Keys that are names of JavaScript's Object.prototype (`constructor`, `__proto__`, `toString`...):
 * as keys of env or labels they would break the code that renders maps, so they are refused
 * before anything else looks at the file.
 */
function reservedKeys(data: unknown, path: string): ConfigIssue[] {
  if (Array.isArray(data)) return data.flatMap((v, i) => reservedKeys(v, `${path}[${i}]`));
  if (data === null || typeof data !== 'object') return [];
  return Object.keys(data).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    if (key === '__proto__' || key in Object.prototype) {
      return [{ path: at, message: 'is a reserved name', allowed: `any other name (${key} is a name of JavaScript's Object)` }];
    }
    return reservedKeys((data as Record<string, unknown>)[key], at);
  });
}

function toIssues(errors: ErrorObject[], data: unknown): ConfigIssue[] {
  const issues = new Map<string, ConfigIssue>();
  // A bad key is reported once, by its propertyNames error; the inner pattern error repeats it.
  for (const error of withoutBranchNoise(errors, data).filter((e) => !(e as { propertyName?: string }).propertyName)) {
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
    if (branchTypes(anyOf.parentSchema).includes(jsonType(valueAt(data, at)))) {
      // The value has the shape of one alternative (a mapping, a list): its problems are inside.
      kept = kept.filter((e) => e !== anyOf && !(e.instancePath === at && (e.keyword === 'type' || e.keyword === 'const')));
    } else {
      // Neither alternative: one "must be a ... or false" says it all.
      kept = kept.filter((e) => e === anyOf || !(e.instancePath === at || e.instancePath.startsWith(`${at}/`)));
    }
  }
  return kept;
}

/** The JSON types an anyOf accepts (`object` for a $ref to a definition, `false` for const false). */
function branchTypes(schema: any): string[] {
  return (schema?.anyOf ?? []).map((branch: any) => {
    if (branch.const === false) return 'false';
    const target = branch.$ref ? (stackSchema as any).definitions[branch.$ref.split('/').pop()] : branch;
    return target?.type ?? 'object';
  });
}

function jsonType(value: unknown): string {
  if (value === false) return 'false';
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value;
}

function toIssue(e: ErrorObject, data: unknown): ConfigIssue {
  const base = pointerToPath(e.instancePath);
  const value = valueAt(data, e.instancePath);
  const params = e.params as Record<string, any>;
  const schema = (e.parentSchema ?? {}) as SchemaNode;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = params.additionalProperty as string;
      const known = Object.keys(schema.properties ?? {});
      const guess = didYouMean(key, known);
      return {
        path: join(base, key),
        message: `unknown key${guess ? `; did you mean '${guess}'?` : ''}`,
        allowed: known.length ? known.join(', ') : undefined,
      };
    }
    case 'propertyNames':
      // The keys' rule is the referenced definition's (DnsLabel for targets, EnvVarName for env).
      return { path: join(base, params.propertyName), message: 'is not a valid name', allowed: allowedText(schema.propertyNames) };
    case 'minProperties':
      return { path: base, message: `must name at least ${count(params.limit, schema.keyNoun ?? 'key')}`, allowed: allowedText(schema) };
    case 'required':
      return { path: join(base, params.missingProperty), message: 'is required' };
    case 'enum':
      return { path: base, message: 'is not one of the allowed values', value, allowed: (params.allowedValues as unknown[]).join(' | ') };
    case 'type':
      return { path: base, message: `must be ${article(params.type)}`, value, allowed: rightForm(params.type, value, schema) };
    case 'pattern':
      return { path: base, message: 'has the wrong format', value, allowed: allowedText(schema) };
    case 'maxLength':
      return { path: base, message: `must have at most ${params.limit} characters`, value, allowed: allowedText(schema) };
    case 'minLength':
      return { path: base, message: params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} characters`, value, allowed: allowedText(schema) };
    case 'minimum':
    case 'maximum':
      return { path: base, message: `must be ${params.comparison} ${params.limit}`, value, allowed: range(schema) };
    case 'minItems':
      return { path: base, message: `must have at least ${count(params.limit, 'item')}`, value, allowed: allowedText(schema) };
    case 'anyOf': {
      const alternatives = branchTypes(e.parentSchema).filter((t) => t !== 'false').map(article);
      return { path: base, message: `must be ${alternatives.join(' or ')}, or false to turn it off`, value };
    }
    default:
      return { path: base, message: e.message ?? 'is invalid', value };
  }
}

/**
 * The value written the way the schema wants it, when the mistake is a common one: a number in
 * quotes, `KEY=value` items where a mapping goes, a command line as one string where a list goes.
 */
function rightForm(type: string, value: unknown, schema: SchemaNode): string | undefined {
  if ((type === 'integer' || type === 'number') && typeof value === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(value.trim())) {
    const limits = schema.minimum !== undefined || schema.maximum !== undefined ? `, ${range(schema)}` : '';
    return `${value.trim()} without quotes${limits}`;
  }
  if ((type === 'integer' || type === 'number') && (schema.minimum !== undefined || schema.maximum !== undefined)) return range(schema);
  if (type === 'object') {
    const items = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
    if (Array.isArray(items) && items.length > 0 && items.every((i) => typeof i === 'string' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(i))) {
      const pairs = items.map((i: string) => [i.slice(0, i.indexOf('=')), i.slice(i.indexOf('=') + 1)]);
      return `a mapping of NAME: value, such as ${flow(Object.fromEntries(pairs))}`;
    }
    return undefined;
  }
  if (type === 'array' && typeof value === 'string' && value.trim() !== '') {
    // A shell line with quotes, pipes or variables is a job for sh; plain words split as they are.
    if (/["'`$|&;<>\\*?()]/.test(value)) return `a list, such as ${flow(['sh', '-c', value])}`;
    return `a list of the program and its arguments, such as ${flow(value.trim().split(/\s+/))}`;
  }
  return undefined;
}

/** A value in YAML's one-line flow style, as a person would type it into the stack file. */
function flow(value: unknown): string {
  return (require('js-yaml') as typeof import('js-yaml')).dump(value, { flowLevel: 0, lineWidth: -1 }).trim();
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

/** `one target`, `2 items`. */
function count(n: number, noun: string): string {
  return n === 1 ? `one ${noun}` : `${n} ${noun}s`;
}

/** The node a `$ref` points to (followed to the end), or the node itself. */
function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const target = definitions[current.$ref.replace(/^#\/definitions\//, '')];
    if (!target) break;
    current = target;
  }
  return current;
}

/**
 * What a node allows, in words: its `allowed` text (the `@allowed` tag), else that of the
 * definition it references, else its description's whole first paragraph.
 */
function allowedText(node: SchemaNode | undefined): string | undefined {
  const target = resolve(node);
  const text = node?.allowed ?? target?.allowed ?? node?.description ?? target?.description;
  return text?.split('\n\n')[0].replace(/\s+/g, ' ').replace(/\.$/, '').trim() || undefined;
}

/** `a whole number from 1024 to 65535`, `a number of at least 0`, from the node's limits. */
function range(node: SchemaNode): string {
  const types = [node.type ?? 'number'].flat();
  const kind = types.includes('integer') ? 'a whole number' : 'a number';
  const { minimum: min, maximum: max } = node;
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (min !== undefined) return `${kind} of at least ${min}`;
  return `${kind} of at most ${max}`;
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
