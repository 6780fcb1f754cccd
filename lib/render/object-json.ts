import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/*
 * cdk8s turns an ApiObject into JSON in two walks over the whole tree: `resolve` (the App's
 * resolvers on every value, copying every object and array, and a fresh key path array per
 * value) and then `sanitizeValue` (copying again, keys sorted, empty values dropped), and it does
 * both twice over the metadata. Profiled on the 1,000-stack fleet, that was the largest single
 * share of a render. The walk below gives the same JSON in one pass, for the cases it knows are
 * the same: only cdk8s's built-in resolvers, no JSON patches, keys sorted, plain data and the
 * generated union classes (`IntOrString`, `Quantity`). Anything else (a custom resolver, a patch,
 * `CDK8S_DISABLE_SORT`, a key "__proto__" or "constructor", an object of another class, an error
 * while walking) goes to cdk8s's own code, so that what it renders and how it fails stay cdk8s's.
 * test/object-json.test.ts compares the two on all of these.
 */

const CDK8S_OBJECT_TO_JSON = ApiObject.prototype.toJson;
const CDK8S_METADATA_TO_JSON = ApiObjectMetadataDefinition.prototype.toJson;

/** Thrown inside the walk for a value it does not handle as cdk8s does: cdk8s's code takes over. */
class NotPlain extends Error {}

/** Whether the App resolves with cdk8s's three built-in resolvers only, cached per App. */
const builtInOnly = new WeakMap<App, boolean>();

function hasBuiltInResolversOnly(object: ApiObject): boolean {
  const app = App.of(object);
  let known = builtInOnly.get(app);
  if (known === undefined) {
    const [lazy, implicit, union, ...more] = app.resolvers;
    known = more.length === 0 && lazy instanceof LazyResolver && implicit instanceof ImplicitTokenResolver
      && union instanceof NumberStringUnionResolver;
    builtInOnly.set(app, known);
  }
  return known;
}

/**
 * `sanitizeValue(resolve([], value, object), { sortKeys: true, filterEmptyArrays: dropEmpty,
 * filterEmptyObjects: dropEmpty })` with the built-in resolvers, in one walk.
 */
function plainJson(value: any, dropEmpty: boolean): any {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (value instanceof Lazy) return plainJson(value.produce(), dropEmpty);
  if (typeof value.resolve === 'function') return plainJson(value.resolve(), dropEmpty);
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = plainJson(value[i], dropEmpty);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    // cdk8s's NumberStringUnionResolver: an IntOrString or Quantity becomes { value }.
    const inner = value.value;
    if (typeof inner === 'number' || typeof inner === 'string') return { value: inner };
    throw new NotPlain();
  }
  const keys = Object.keys(value);
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const key of keys.sort()) {
    // cdk8s assigns "__proto__" (setting the prototype) and reads an own "constructor" as the
    // object's class: its own code shows what that gives.
    if (key === '__proto__' || key === 'constructor') throw new NotPlain();
    const json = plainJson(value[key], dropEmpty);
    if (json !== null && json !== undefined) {
      out[key] = json;
      kept++;
    }
  }
  return dropEmpty && kept === 0 ? undefined : out;
}

function fastMetadataJson(this: ApiObjectMetadataDefinition): any {
  const self = this as any;
  if (!self.apiObject || !hasBuiltInResolversOnly(self.apiObject)) return CDK8S_METADATA_TO_JSON.call(this);
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
    return CDK8S_METADATA_TO_JSON.call(this);
  }
}

function fastObjectJson(this: ApiObject): any {
  const self = this as any;
  if (self.patches.length > 0 || !hasBuiltInResolversOnly(this)) return CDK8S_OBJECT_TO_JSON.call(this);
  try {
    // cdk8s resolves and sanitizes the metadata's JSON a second time as part of the object:
    // plain, sorted JSON without empty values comes out of that unchanged.
    const metadata = this.metadata.toJson();
    const { metadata: _, ...props } = self.props;
    const rest = plainJson(props, false);
    const json: Record<string, unknown> = {};
    if (rest.apiVersion !== undefined) json.apiVersion = rest.apiVersion;
    if (rest.kind !== undefined) json.kind = rest.kind;
    if (metadata !== undefined) json.metadata = metadata;
    for (const key of Object.keys(rest)) {
      if (key !== 'apiVersion' && key !== 'kind') json[key] = rest[key];
    }
    return json;
  } catch {
    return CDK8S_OBJECT_TO_JSON.call(this);
  }
}

/**
 * Runs `render` with every ApiObject's `toJson()` done by the one-walk conversion above; cdk8s's
 * own methods are back in place when it returns or throws.
 */
export function withFastObjectJson<T>(render: () => T): T {
  if (process.env.CDK8S_DISABLE_SORT) return render();
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
