import { isMap as isPlainObject } from '../_json';

/**
 * The Kubernetes and CRD schemas as ajv can check them strictly: an in-memory copy, transformed
 * once per process (the vendored files are never touched). See lib/manifest-schema.ts.
 */

/** Schema ids inside our ajv instance (identifiers only, never fetched). */
export const K8S_SCHEMA_ID = 'https://pyweb-cdk8s.invalid/k8s/v1.28.0/_definitions.json';
export const CRD_SCHEMA_ID = 'https://pyweb-cdk8s.invalid/crd/';
export const OBJECT_META_REF = `${K8S_SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

export { isPlainObject };

/** Our own annotation on transformed schemas: what a pattern means, for the message. */
export const HINT = 'x-pyweb-hint';

// ---------------------------------------------------------------------------------------------
// Schema transformation (on an in-memory copy; the vendored files are never touched)

export interface TransformOptions {
  /** CRD structural schema (x-kubernetes-* semantics, server-side defaults) rather than built-in. */
  readonly custom: boolean;
  readonly knownFormats: ReadonlySet<string>;
}

/** Keys dropped from the copy: documentation, and Kubernetes hints ajv has no use for. */
const DROPPED = new Set(['description', 'example', 'externalDocs', 'title']);

/**
 * A copy of one (sub)schema, made strict and ajv-friendly:
 * - an object schema listing `properties` without `additionalProperties` rejects other keys
 *   (for CRDs also one listing neither: structural pruning would drop every key of it),
 *   unless it has `x-kubernetes-preserve-unknown-fields`;
 * - int-or-string (`format: int-or-string`, `x-kubernetes-int-or-string`, or a `oneOf`/`anyOf`
 *   of bare types, which is how this definitions file spells IntOrString and Quantity) becomes a
 *   type list, so a wrong value gets one "must be string or integer" rather than three errors;
 * - formats ajv-formats does not know are dropped (compiling never fails on them);
 * - CRDs: `nullable: true` admits null; a required property with a `default` is not required
 *   (the API server defaults it before validating); embedded resources get apiVersion/kind/metadata.
 */
export function transform(schema: any, opts: TransformOptions): any {
  if (!isPlainObject(schema)) return schema; // booleans, malformed bits: as they are
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    switch (key) {
      case 'properties':
      case 'patternProperties':
      case 'definitions':
        out[key] = isPlainObject(value) ? mapValues(value, (v) => transform(v, opts)) : value;
        break;
      case 'additionalProperties':
      case 'additionalItems':
      case 'not':
        out[key] = typeof value === 'boolean' ? value : transform(value, opts);
        break;
      case 'items':
        out[key] = Array.isArray(value) ? value.map((v) => transform(v, opts)) : transform(value, opts);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[key] = Array.isArray(value) ? value.map((v) => transform(v, opts)) : value;
        break;
      default:
        out[key] = value;
    }
  }

  // int-or-string, whichever way it is written.
  const intOrString = out.format === 'int-or-string' || out['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    out.type = ['integer', 'string'];
    if (out.format === 'int-or-string') delete out.format;
  }
  for (const combinator of ['oneOf', 'anyOf'] as const) {
    const branches = out[combinator];
    if (Array.isArray(branches) && branches.length > 0 && branches.every(isBareType)) {
      const types = new Set<string>(branches.map((b: any) => b.type));
      if (out.type === undefined) out.type = [...types];
      else if (intOrString) out.type = [...new Set([...out.type, ...types])];
      else continue; // a typed schema with its own alternatives: leave it to ajv
      delete out[combinator];
    }
  }

  if (typeof out.format === 'string' && !opts.knownFormats.has(out.format)) delete out.format;
  if (typeof out.pattern === 'string' && out.pattern.includes('(?i)')) out.pattern = caseInsensitive(out.pattern);

  if (opts.custom) {
    if (out.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    }
    delete out.nullable;
    if (Array.isArray(out.required) && isPlainObject(schema.properties)) {
      const required = out.required.filter((p: string) => schema.properties[p]?.default === undefined);
      if (required.length > 0) out.required = required;
      else delete out.required;
    }
    if (out['x-kubernetes-embedded-resource'] === true) {
      out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: OBJECT_META_REF }, ...(out.properties ?? {}) };
    }
  }

  const preserve = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (!preserve && out.additionalProperties === undefined) {
    if (out.properties !== undefined) out.additionalProperties = false;
    else if (opts.custom && isObjectType(out) && out.patternProperties === undefined && !hasCombinators(out)) out.additionalProperties = false;
  }
  return out;
}

/**
 * A Go (RE2) pattern with the `(?i)` flag, which JavaScript's RegExp refuses, as a JavaScript
 * pattern that means the same: each letter outside a character class becomes `[xX]` (the
 * prometheus-operator CRDs write `^(?i)(abort|warn)?$`). Letters inside classes and after a
 * backslash are kept as they are.
 */
export function caseInsensitive(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { out += c + (pattern[i + 1] ?? ''); i++; continue; }
    if (!inClass && pattern.startsWith('(?i)', i)) { i += 3; continue; }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    out += !inClass && /[A-Za-z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

/** The root schema of a custom resource: apiVersion/kind always allowed, metadata is ObjectMeta. */
export function crdRootSchema(openApi: any, knownFormats: ReadonlySet<string>): any {
  const root = transform(openApi, { custom: true, knownFormats });
  const properties = { ...(root.properties ?? {}) };
  properties.apiVersion = { type: 'string' };
  properties.kind = { type: 'string' };
  // The API server validates a custom resource's metadata as ObjectMeta (a CRD may only narrow
  // metadata.name/generateName); CRD files usually say just `metadata: {type: object}`.
  const own = isPlainObject(openApi.properties?.metadata) ? openApi.properties.metadata : {};
  const narrowed = isPlainObject(own.properties)
    ? mapValues(own.properties, (v) => transform(v, { custom: true, knownFormats }))
    : undefined;
  properties.metadata = narrowed ? { $ref: OBJECT_META_REF, properties: narrowed } : { $ref: OBJECT_META_REF };
  const out = { ...root, properties };
  if (out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties ??= false;
  return out;
}

function isBareType(branch: unknown): boolean {
  return isPlainObject(branch) && typeof branch.type === 'string' &&
    Object.keys(branch).every((k) => k === 'type' || DROPPED.has(k));
}

function isObjectType(s: any): boolean {
  return s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
}

function hasCombinators(s: any): boolean {
  return s.allOf !== undefined || s.anyOf !== undefined || s.oneOf !== undefined || s.$ref !== undefined;
}


export function mapValues(obj: Record<string, any>, fn: (v: any) => any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fn(v);
  return out;
}
