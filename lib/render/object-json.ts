import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, IResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/*
 * cdk8s turns an ApiObject into JSON in two walks over the whole tree: `resolve` (the App's
 * resolvers on every value, copying every object and array, and a fresh key path array per
 * value) and then `sanitizeValue` (copying again, keys sorted, empty values dropped), and it does
 * both twice over the metadata. Profiled on the 1,000-stack fleet, that was the largest single
 * share of a render. The walk below gives the same JSON in one pass, for the cases it knows are
 * the same: only cdk8s's built-in resolvers, no JSON patches, keys sorted, plain data and the
 * generated union classes (`IntOrString`, `Quantity`). Anything else (a custom resolver, a patch,
 * `CDK8S_DISABLE_SORT`, a key "__proto__", a function, an object of another class, an array of a
 * subclass, an error while walking) goes to cdk8s's own code, so that what it renders and how it
 * fails stay cdk8s's. The walk reads values and calls Lazy producers and `resolve()` methods in
 * the order cdk8s does; when it hands over midway, cdk8s's code starts again, calling those the
 * walk called again (the same JSON for producers that give the same value on each call).
 * test/object-json.test.ts compares the two on all of these, and on random trees of them.
 */

/**
 * The cdk8s releases whose `toJson`, `resolve` and `sanitizeValue` the walk was written after and
 * tested against. The package accepts any cdk8s 2.70 or later: with another, cdk8s's own code
 * renders (slower, and what that release renders).
 */
const VERIFIED_CDK8S = ['2.70.106'];

/** Whether the cdk8s that renders is one the walk is known to match. */
export function fastObjectJsonApplies(version: string = cdk8sVersion()): boolean {
  return VERIFIED_CDK8S.includes(version);
}

function cdk8sVersion(): string {
  try {
    return require('cdk8s/package.json').version;
  } catch {
    return 'unknown';
  }
}

const CDK8S_OBJECT_TO_JSON = ApiObject.prototype.toJson;
const CDK8S_METADATA_TO_JSON = ApiObjectMetadataDefinition.prototype.toJson;
const ARRAY_MAP = Array.prototype.map;

/** Thrown inside the walk for a value it does not handle as cdk8s does: cdk8s's code takes over. */
class NotPlain extends Error {}

/** Whether `resolver` is a `type` whose `resolve` is that class's own (not a subclass's, not one set on it). */
function isBuiltIn(resolver: unknown, type: new () => IResolver): boolean {
  return resolver instanceof type && resolver.resolve === type.prototype.resolve;
}

/**
 * Whether the App resolves with cdk8s's three built-in resolvers only. Read on each call, as
 * cdk8s does: `app.resolvers` is an array a user may change between two renders. A chart whose
 * root is not an App has none, and cdk8s fails on it.
 */
function hasBuiltInResolversOnly(object: ApiObject): boolean {
  const resolvers: unknown = (App.of(object) as Partial<App>).resolvers;
  if (!Array.isArray(resolvers) || resolvers.length !== 3) return false;
  return isBuiltIn(resolvers[0], LazyResolver) && isBuiltIn(resolvers[1], ImplicitTokenResolver)
    && isBuiltIn(resolvers[2], NumberStringUnionResolver);
}

/**
 * `sanitizeValue(resolve([], value, object), { sortKeys: true, filterEmptyArrays: dropEmpty,
 * filterEmptyObjects: dropEmpty })` with the built-in resolvers, in one walk. The resolvers' tests
 * come in cdk8s's order: a Lazy, a `resolve()` method, then (for any object whose constructor is
 * not Object, arrays included) a number or string `value`.
 */
function plainJson(value: any, dropEmpty: boolean): any {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') {
    // cdk8s's resolvers read a function's own `resolve` or `value` as an object's.
    if (typeof value === 'function') throw new NotPlain();
    return value;
  }
  if (value instanceof Lazy) return plainJson(value.produce(), dropEmpty);
  if (typeof value.resolve === 'function') return plainJson(value.resolve(), dropEmpty);
  if (Array.isArray(value)) return arrayJson(value, dropEmpty);
  if (value.constructor !== Object) return unionJson(value);
  return dictionaryJson(value, dropEmpty);
}

function arrayJson(value: any, dropEmpty: boolean): any {
  // cdk8s's NumberStringUnionResolver reads an array's `value` too, and cdk8s's `map` makes an
  // array of the array's own class: cdk8s's code for those.
  if (value.value !== undefined || value.constructor !== Array || value.map !== ARRAY_MAP) throw new NotPlain();
  if (dropEmpty && value.length === 0) return undefined;
  // `map`, as cdk8s: the holes of a sparse array stay holes.
  return value.map((item: unknown) => plainJson(item, dropEmpty));
}

/** cdk8s's NumberStringUnionResolver: an IntOrString or Quantity (any object of another class) becomes { value }. */
function unionJson(value: any): any {
  const inner = value.value;
  if (typeof inner === 'number' || typeof inner === 'string') return { value: inner };
  throw new NotPlain();
}

/**
 * A dictionary (its constructor is Object, whatever its prototype): its own keys. As cdk8s
 * resolves it: all its values read (getters called) in its own key order, then walked in that
 * order (a Lazy's producer or a `resolve()` may count its calls); written in sorted key order, as
 * cdk8s sanitizes it.
 */
function dictionaryJson(value: any, dropEmpty: boolean): any {
  const keys = Object.keys(value);
  const values = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    // cdk8s assigns "__proto__" (setting the copy's prototype): its own code shows what that gives.
    if (keys[i] === '__proto__') throw new NotPlain();
    values[i] = value[keys[i]];
  }
  for (let i = 0; i < keys.length; i++) values[i] = plainJson(values[i], dropEmpty);
  sortTogether(keys, values);
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (let i = 0; i < keys.length; i++) {
    const json = values[i];
    if (json !== null && json !== undefined) {
      out[keys[i]] = json;
      kept++;
    }
  }
  return dropEmpty && kept === 0 ? undefined : out;
}

/** Sorts `keys` as `keys.sort()` does (UTF-16 code units; keys are distinct), moving `values[i]` with `keys[i]`. */
function sortTogether(keys: string[], values: unknown[]): void {
  if (keys.length > 32) {
    // Many keys (a large ConfigMap): sorted by index, not in quadratic time.
    const order = Array.from(keys.keys()).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
    const sortedKeys = order.map((i) => keys[i]);
    const sortedValues = order.map((i) => values[i]);
    for (let i = 0; i < order.length; i++) {
      keys[i] = sortedKeys[i];
      values[i] = sortedValues[i];
    }
    return;
  }
  // Insertion sort: the few keys of most dictionaries, with no comparator function to call (with
  // `sort` and one, the examples' toJson took a fifth longer); sorted keys cost a comparison each.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    const item = values[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) {
      keys[j + 1] = keys[j];
      values[j + 1] = values[j];
    }
    keys[j + 1] = key;
    values[j + 1] = item;
  }
}

/**
 * Whether the JSON the last `fastMetadataJson` returned came from the walk: plain dictionaries,
 * arrays and primitives, which resolving and sanitizing again (as cdk8s's object toJson does)
 * gives back unchanged.
 */
let lastMetadataWalked = false;

/** What `walkedMetadataJson` returns for metadata the walk leaves to cdk8s's code. */
const NOT_WALKED = Symbol('not walked');

/** cdk8s's `ApiObjectMetadataDefinition.toJson()`, the same object literal walked. */
function fastMetadataJson(this: ApiObjectMetadataDefinition): any {
  const walked = walkedMetadataJson(this);
  const json = walked === NOT_WALKED ? CDK8S_METADATA_TO_JSON.call(this) : walked;
  // Set last: a producer may have rendered another object's metadata meanwhile.
  lastMetadataWalked = walked !== NOT_WALKED;
  return json;
}

function walkedMetadataJson(metadata: ApiObjectMetadataDefinition): any {
  const self = metadata as any;
  if (!(self.apiObject instanceof ApiObject) || !hasBuiltInResolversOnly(self.apiObject)) return NOT_WALKED;
  try {
    return plainJson({
      ...self._additionalAttributes,
      name: self.name,
      namespace: self.namespace,
      annotations: self.annotations,
      finalizers: self.finalizers,
      ownerReferences: self.ownerReferences,
      labels: self.labels,
    }, true);
  } catch {
    return NOT_WALKED;
  }
}

/** cdk8s's `ApiObject.toJson()` without JSON patches, the same object literal walked. */
function fastObjectJson(this: ApiObject): any {
  const self = this as any;
  // CDK8S_DISABLE_SORT read on each call, as cdk8s reads it.
  if (self.patches.length > 0 || process.env.CDK8S_DISABLE_SORT || !hasBuiltInResolversOnly(this)) return CDK8S_OBJECT_TO_JSON.call(this);
  try {
    const data = { ...self.props, metadata: this.metadata.toJson() };
    // cdk8s resolves the metadata's JSON a second time as part of the object: the walk's own JSON
    // comes out of that unchanged, so it is not walked again; any other (cdk8s's, or a toJson of
    // the user's) is (a function a Lazy left in it under a key "resolve" is called then).
    const metadata = lastMetadataWalked && this.metadata.toJson === fastMetadataJson ? data.metadata : undefined;
    // Undefined, not deleted: the walk drops it, and the other keys keep cdk8s's order.
    if (metadata !== undefined) data.metadata = undefined;
    // A dictionary, unless the props have a "resolve" function or a "constructor" of their own
    // (then cdk8s resolves the whole object into something else, its metadata lost): cdk8s's code.
    if (typeof data.resolve === 'function' || data.constructor !== Object) throw new NotPlain();
    const json = dictionaryJson(data, false);
    if (metadata !== undefined) json.metadata = metadata;
    // cdk8s's order: apiVersion, kind and metadata first, then the rest (sorted).
    const result: Record<string, unknown> = {};
    if ('apiVersion' in json) result.apiVersion = json.apiVersion;
    if ('kind' in json) result.kind = json.kind;
    if ('metadata' in json) result.metadata = json.metadata;
    for (const key of Object.keys(json)) {
      if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata') result[key] = json[key];
    }
    return result;
  } catch {
    return CDK8S_OBJECT_TO_JSON.call(this);
  }
}

const applies = fastObjectJsonApplies();

/**
 * Runs `render` with every ApiObject's `toJson()` done by the one-walk conversion above (with a
 * cdk8s it was tested against); cdk8s's own methods are back in place when it returns or throws.
 */
export function withFastObjectJson<T>(render: () => T): T {
  if (!applies) return render();
  const objectProto = ApiObject.prototype;
  const metadataProto = ApiObjectMetadataDefinition.prototype;
  const before = { object: objectProto.toJson, metadata: metadataProto.toJson };
  objectProto.toJson = fastObjectJson;
  metadataProto.toJson = fastMetadataJson;
  try {
    return render();
  } finally {
    objectProto.toJson = before.object;
    metadataProto.toJson = before.metadata;
  }
}
