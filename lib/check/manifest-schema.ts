import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { CRD_SCHEMA_ID, HINT, K8S_SCHEMA_ID, crdRootSchema, isPlainObject, transform } from './_k8s-schema-transform';
import { didYouMean } from '../../constructs/_errors';
import { dedupe, describeObject, show, toIssues } from './_manifest-issues';
import { packageFile } from '../package-files';
import { CodeCache, validatorSourceHash } from './_code-cache';

// ajv, its formats and js-yaml are loaded only to compile (a run that finds its validators
// cached, the usual case, never loads them): they are required where they are used.
const AJV_VERSION: string = require('ajv/package.json').version;

/**
 * Strict schema validation of synthesized Kubernetes objects, before anything reaches a cluster:
 *
 * - built-in kinds against the Kubernetes 1.28 OpenAPI definitions vendored in
 *   `vendor/k8s-schemas/v1.28.0/_definitions.json` (the file `cdk8s import k8s@1.28.0` uses);
 * - custom resources against the `openAPIV3Schema` of every served version of the CRDs vendored
 *   in `vendor/crds/*.yaml`.
 *
 * Unknown fields are errors everywhere a schema lists its properties: the API server silently
 * drops them (or, with `kubectl apply --validate=strict`, refuses them), and a misspelt
 * `imagePullPolicyy` that is quietly ignored is worse than one that fails the build.
 *
 * Cost: the definitions are read and transformed once per process, on first use, and one ajv
 * validator per kind is compiled on first use of that kind and cached; after that, validating an
 * object is a single call of generated code. The compiled code is also kept on disk (a compile
 * cache under build/.cache, keyed by a hash of the schemas and of this code), so the next run
 * loads it instead of parsing 1 MB of definitions and compiling again.
 */

/** One schema problem of one Kubernetes object. */
export interface ManifestIssue {
  /** The object, as `<kind> <namespace>/<name>` (or `<kind> <name>` when it has no namespace). */
  readonly object: string;
  /** The field, dot-separated, array indices in brackets: `spec.template.spec.containers[0].image`. Empty for the object itself. */
  readonly path: string;
  readonly message: string;
}

/** The Kubernetes version the built-in definitions describe. */
const KUBERNETES_VERSION = '1.28';

const K8S_DEFINITIONS_FILE = packageFile('vendor', 'k8s-schemas', 'v1.28.0', '_definitions.json');
const CRD_DIR = packageFile('vendor', 'crds');


/**
 * The grammar of a resource.Quantity (as the API server parses it; the same pattern controller-gen
 * puts on Quantity fields of CRDs). The vendored definitions only say "string or number".
 */
const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';


// ---------------------------------------------------------------------------------------------
// Public API

/** Every schema problem of one Kubernetes object; empty when it is valid. */
export function validateManifest(obj: any): ManifestIssue[] {
  const object = describeObject(obj);
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return [{ object, path: '', message: `must be an object (got ${show(obj)})` }];
  }

  const issues: ManifestIssue[] = [];
  const add = (p: string, message: string) => issues.push({ object, path: p, message });

  // The identity of the object: what every manifest needs before any schema applies.
  const { apiVersion, kind, metadata } = obj;
  if (apiVersion === undefined) add('apiVersion', 'is required');
  else if (typeof apiVersion !== 'string' || apiVersion === '') add('apiVersion', `must be a non-empty string (got ${show(apiVersion)})`);
  if (kind === undefined) add('kind', 'is required');
  else if (typeof kind !== 'string' || kind === '') add('kind', `must be a non-empty string (got ${show(kind)})`);
  const identified = typeof apiVersion === 'string' && apiVersion !== '' && typeof kind === 'string' && kind !== '';
  const cached = identified ? cachedKind(apiVersion, kind) : undefined;
  const registry = identified && !cached ? getRegistry() : undefined;
  const entry = cached ?? (registry ? lookupKind(registry, apiVersion, kind) : undefined);
  // An object to apply needs a name. Lists (ListMeta, no name) and the few kinds without metadata
  // (APIGroup, Status...) are the exceptions; their schema says what they may have.
  // (A metadata that is not a mapping, or a name that is not a string, is the schema's to report.)
  if (entry?.named !== false) {
    if (metadata === undefined) add('metadata', 'is required');
    else if (isPlainObject(metadata) && metadata.name === undefined) add('metadata.name', 'is required');
  }
  if (!entry) {
    if (registry) issues.push(unknownKind(registry, object, apiVersion, kind));
    return issues;
  }

  const validate = registry ? compiledValidator(registry, entry) : entry.validate!;
  if (!validate(obj)) issues.push(...toIssues(object, validate.errors ?? [], obj));
  return dedupe(issues);
}

/** Every schema problem of every object, in order. */
export function validateManifests(objs: readonly any[]): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const obj of objs) issues.push(...validateManifest(obj));
  saveCompileCache();
  return issues;
}

/** `<object>: <path>: <message>` (just `<object>: <message>` for the object itself). */
export function formatManifestIssue(i: ManifestIssue): string {
  return i.path ? `${i.object}: ${i.path}: ${i.message}` : `${i.object}: ${i.message}`;
}

// ---------------------------------------------------------------------------------------------
// Registry: which apiVersion+kind is validated by which schema (loaded once, lazily)

interface KindEntry {
  readonly apiVersion: string;
  readonly kind: string;
  /** The ajv key or ref of its schema. */
  readonly schemaRef: string;
  readonly custom: boolean;
  /** Its metadata is ObjectMeta, so it needs a name (lists have ListMeta; a few kinds no metadata). */
  readonly named: boolean;
  /** Its validator's export in the cached module, when it came from there. */
  readonly exportName?: string;
  validate?: ValidateFunction;
}

interface Registry {
  readonly ajv: Ajv;
  readonly knownFormats: ReadonlySet<string>;
  /** By `kindKey(apiVersion, kind)`: the built-in kinds, then (once loaded) the custom ones. */
  readonly kinds: Map<string, KindEntry>;
  crdsLoaded: boolean;
}

let registry: Registry | undefined;

function getRegistry(): Registry {
  registry ??= loadRegistry();
  return registry;
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

/** The schema entry of a kind; the CRDs are read only when a kind is not built in. */
function lookupKind(reg: Registry, apiVersion: string, kind: string): KindEntry | undefined {
  const key = kindKey(apiVersion, kind);
  const builtin = reg.kinds.get(key);
  if (builtin || reg.crdsLoaded) return builtin;
  addCustomKinds(reg);
  return reg.kinds.get(key);
}

function loadRegistry(): Registry {
  const { default: AjvClass, _ } = require('ajv') as typeof import('ajv');
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new AjvClass({
    allErrors: true,
    strict: false,
    verbose: true, // errors carry their parentSchema: the known properties, for "did you mean"
    validateSchema: false, // the definitions are data we trust; meta-validating 1 MB costs time
    addUsedSchema: false,
    // optimize: false: ~1/3 less compile time, no measurable cost when validating.
    // source + formats: the compiled code can be written out as a module (the compile cache).
    code: { optimize: false, source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  addFormats(ajv);
  const knownFormats = new Set(Object.keys(ajv.formats));
  const kinds = new Map<string, KindEntry>();

  // Built-in kinds.
  const raw = JSON.parse(fs.readFileSync(K8S_DEFINITIONS_FILE, 'utf8'));
  const definitions: Record<string, any> = {};
  for (const [name, def] of Object.entries<any>(raw.definitions ?? {})) {
    definitions[name] = transform(def, { custom: false, knownFormats });
    const gvks: any[] = def['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.length > 0 && definitions[name].properties) {
      // Every kind may carry its apiVersion and kind (WatchEvent alone does not list them).
      definitions[name].properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...definitions[name].properties };
    }
    for (const gvk of gvks) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      const key = kindKey(apiVersion, gvk.kind);
      if (!kinds.has(key)) {
        const named = /\.ObjectMeta$/.test(def.properties?.metadata?.$ref ?? '');
        kinds.set(key, { apiVersion, kind: gvk.kind, schemaRef: `${K8S_SCHEMA_ID}#/definitions/${name}`, custom: false, named });
      }
    }
  }
  // A Quantity must parse as one; the file only says "string or number".
  const quantity = definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'];
  if (quantity) Object.assign(quantity, { pattern: QUANTITY_PATTERN, [HINT]: 'a quantity such as 250m, 0.5, 128Mi or 1Gi' });
  ajv.addSchema({ $id: K8S_SCHEMA_ID, definitions });

  return { ajv, knownFormats, kinds, crdsLoaded: false };
}

/** Custom resources: every served version of every CRD vendored (a built-in kind wins a clash). */
function addCustomKinds(reg: Registry): void {
  reg.crdsLoaded = true;
  const { ajv, knownFormats, kinds } = reg;
  for (const crd of loadCrds()) {
    const spec = crd.spec ?? {};
    const kind: string | undefined = spec.names?.kind;
    if (typeof spec.group !== 'string' || typeof kind !== 'string') continue;
    for (const version of spec.versions ?? []) {
      if (!version?.served || typeof version.name !== 'string') continue;
      const apiVersion = `${spec.group}/${version.name}`;
      const key = kindKey(apiVersion, kind);
      if (kinds.has(key)) continue;
      const id = `${CRD_SCHEMA_ID}${spec.group}/${version.name}/${kind}`;
      const openApi = version.schema?.openAPIV3Schema;
      // A served version without a schema accepts anything (the API server prunes nothing).
      const schema = openApi ? crdRootSchema(openApi, knownFormats) : {};
      ajv.addSchema({ ...schema, $id: id });
      kinds.set(key, { apiVersion, kind, schemaRef: id, custom: true, named: true });
    }
  }
}

function loadCrds(): any[] {
  let files: string[];
  try {
    files = fs.readdirSync(CRD_DIR).filter((f) => /\.ya?ml$/i.test(f)).sort();
  } catch {
    return []; // no CRDs vendored: only built-in kinds are known
  }
  const crds: any[] = [];
  for (const file of files) {
    const docs = (require('js-yaml') as typeof import('js-yaml')).loadAll(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'));
    for (const doc of docs as any[]) {
      if (doc?.kind === 'CustomResourceDefinition' && doc?.apiVersion === 'apiextensions.k8s.io/v1') crds.push(doc);
    }
  }
  return crds;
}

function compiledValidator(reg: Registry, entry: KindEntry): ValidateFunction {
  if (!entry.validate) {
    const validate = reg.ajv.getSchema(entry.schemaRef);
    if (!validate) throw new Error(`manifest-schema: no schema ${entry.schemaRef}`);
    entry.validate = validate;
    compiledThisRun.set(kindKey(entry.apiVersion, entry.kind), entry);
  }
  return entry.validate;
}

// ---------------------------------------------------------------------------------------------
// Compile cache: the generated validators of the kinds validated before, as one module on disk

const compiledThisRun = new Map<string, KindEntry>();
let cache: Map<string, KindEntry> | undefined;
let codeCache: CodeCache | undefined;

/**
 * The cache's key: the schemas, the code that transforms and compiles them
 * (`validatorSourceHash`) and the ajv that compiles them: a change to any of them invalidates
 * it, a change elsewhere does not.
 */
function fingerprint(): string {
  return createHash('sha256').update(`${validatorSourceHash()}\0${AJV_VERSION}`).digest('hex').slice(0, 16);
}

function cachedKind(apiVersion: string, kind: string): KindEntry | undefined {
  if (!cache) {
    cache = new Map();
    codeCache = new CodeCache('manifest-validators', fingerprint());
    const mod = codeCache.load();
    // No cache yet (or an unreadable one): compile as usual; it is written after this run.
    for (const [key, meta] of Object.entries<any>(mod?.kinds ?? {})) cache.set(key, { ...meta, validate: mod[meta.exportName] });
  }
  const entry = cache.get(kindKey(apiVersion, kind));
  if (entry?.exportName) codeCache!.markUsed(entry.exportName);
  return entry;
}

/** Writes the cache when this run compiled a kind it did not hold; all cached kinds are kept. */
function saveCompileCache(): void {
  if (compiledThisRun.size === 0 || !registry) return;
  // Kinds cached before are compiled again here: one module holds every kind ever validated.
  const keys = [...new Set([...(cache?.keys() ?? []), ...compiledThisRun.keys()])].sort();
  const entries = keys.map((key) => {
    const entry = compiledThisRun.get(key) ?? lookupKindByKey(registry!, key)!;
    compiledValidator(registry!, entry);
    return entry;
  });
  const refs: Record<string, string> = {};
  const kinds: Record<string, object> = {};
  entries.forEach((e, i) => {
    refs[`v${i}`] = e.schemaRef;
    kinds[kindKey(e.apiVersion, e.kind)] = { apiVersion: e.apiVersion, kind: e.kind, schemaRef: e.schemaRef, custom: e.custom, named: e.named, exportName: `v${i}` };
  });
  codeCache ??= new CodeCache('manifest-validators', fingerprint());
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  codeCache.save(`${standaloneCode(registry.ajv, refs)}\nmodule.exports.kinds = ${JSON.stringify(kinds)};\n`);
  for (const e of entries) cache?.set(kindKey(e.apiVersion, e.kind), e);
  compiledThisRun.clear();
}

function lookupKindByKey(reg: Registry, key: string): KindEntry | undefined {
  const [apiVersion, kind] = key.split('\u0000');
  return lookupKind(reg, apiVersion, kind);
}

function unknownKind(reg: Registry, object: string, apiVersion: string, kind: string): ManifestIssue {
  if (!reg.crdsLoaded) addCustomKinds(reg);
  const entries = [...reg.kinds.values()];
  const sameKind = entries.filter((e) => e.kind === kind).map((e) => e.apiVersion);
  const base = `unknown kind ${kind} (apiVersion ${apiVersion}) for Kubernetes ${KUBERNETES_VERSION}: neither built in nor defined by a CRD in vendor/crds`;
  if (sameKind.length > 0) {
    return { object, path: 'apiVersion', message: `${base}; ${kind} is served as ${sameKind.join(', ')}` };
  }
  const inGroup = entries.filter((e) => e.apiVersion === apiVersion).map((e) => e.kind);
  const guess = didYouMean(kind, inGroup.length > 0 ? inGroup : [...new Set(entries.map((e) => e.kind))]);
  return { object, path: 'kind', message: guess ? `${base}; did you mean ${guess}?` : base };
}
