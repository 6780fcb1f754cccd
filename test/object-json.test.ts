import * as path from 'path';
import * as fc from 'fast-check';
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, LazyResolver, ResolutionContext } from 'cdk8s';
import { Construct } from 'constructs';
import { IntOrString, KubeConfigMap, KubeDeployment, Quantity } from '../imports/k8s';
import { withFastObjectJson } from '../lib/render/object-json';
import { buildApp } from '../lib/render/render';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { assertWithSeed } from './_fast-check';
import { ROOT } from './_cli';

/**
 * The JSON text of a value, plus what JSON.stringify hides: own keys holding undefined, undefined
 * array elements and holes, objects and arrays whose prototype is not the plain one, functions
 * (with their own keys), symbols, bigints and numbers JSON has no text for (YAML emit reads all of them).
 */
function exactly(value: unknown): string {
  return JSON.stringify(value, (_key: string, v: unknown) => {
    if (v === undefined) return '<undefined>';
    if (typeof v === 'function') return `<function ${v.name} ${exactly({ ...v })}>`;
    if (typeof v === 'symbol' || typeof v === 'bigint') return `<${typeof v} ${String(v)}>`;
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `<number ${Object.is(v, -0) ? '-0' : v}>`;
    if (Array.isArray(v)) {
      const items = Array.from({ length: v.length }, (_, i) => (i in v ? v[i] : '<hole>'));
      const proto = Object.getPrototypeOf(v);
      return proto === Array.prototype ? items : { '<array of>': String(proto?.constructor?.name), items };
    }
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) !== Object.prototype) return { '<prototype>': Object.getPrototypeOf(v), ...v };
    return v;
  });
}

/** What `object.toJson()` gives, exactly, or the message it throws. */
function rendered(object: ApiObject): string {
  try {
    return exactly(object.toJson());
  } catch (err) {
    return `threw: ${(err as Error).message}`;
  }
}

/**
 * What cdk8s's own toJson gives (or throws), and what it gives (or throws) inside
 * withFastObjectJson: of the same object, or of two objects made alike by `make` (so that a
 * producer with a state of its own starts afresh on each side).
 */
function both(object: ApiObject | (() => ApiObject)): { cdk8s: string; fast: string } {
  const make = typeof object === 'function' ? object : () => object;
  const cdk8s = rendered(make());
  const fast = withFastObjectJson(() => rendered(make()));
  return { cdk8s, fast };
}

function expectSame(object: ApiObject | (() => ApiObject)): string {
  const { cdk8s, fast } = both(object);
  expect(fast).toBe(cdk8s);
  return fast;
}

/** A resolver of a user's own: strings in upper case. */
class Upper implements IResolver {
  resolve(context: ResolutionContext): void {
    if (typeof context.value === 'string' && context.value !== context.value.toUpperCase()) context.replaceValue(context.value.toUpperCase());
  }
}

/** An object with every kind of value cdk8s's resolve and sanitize treat differently. */
function trickyProps(): any {
  return {
    metadata: {
      name: 'tricky',
      labels: { 'b': 'x', '10': 'ten', '2': 'two', 'a': undefined as any },
      annotations: {},
      finalizers: [],
      ownerReferences: [],
    },
    data: {
      z: Lazy.any({ produce: () => 'lazy' }),
      y: { resolve: () => ({ b: 1, a: [null, undefined, 'k', []] }) },
      x: {},
      w: [],
      v: null,
      u: undefined,
      t: 0,
      s: '',
      r: false,
      q: { nested: { empty: {}, list: [{}] } },
    },
  };
}

describe('withFastObjectJson', () => {
  test('walks with the cdk8s it was tested against (the one installed here), and leaves any other to cdk8s', () => {
    const { fastObjectJsonApplies } = require('../lib/render/object-json');
    expect(require('cdk8s/package.json').version).toBe('2.70.106');
    expect(fastObjectJsonApplies()).toBe(true);
    expect(fastObjectJsonApplies('2.70.104')).toBe(false);
    expect(fastObjectJsonApplies('3.0.0')).toBe(false);
    // So every comparison below is of the walk with cdk8s, not of cdk8s with itself.
    const cdk8sToJson = ApiObject.prototype.toJson;
    expect(withFastObjectJson(() => ApiObject.prototype.toJson !== cdk8sToJson)).toBe(true);
  });

  test('every object of every example renders the same JSON, key order included, as cdk8s toJson', () => {
    const { app, charts } = buildApp(loadStackFiles(findStackFiles(path.join(ROOT, 'examples'))));
    const objects = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    expect(charts.length).toBeGreaterThan(5);
    expect(objects.length).toBeGreaterThan(100);
    for (const object of objects) expectSame(object);
  });

  test('renders Lazy, resolve(), IntOrString, Quantity, empty and null values, numeric keys as cdk8s does', () => {
    const chart = new Chart(new App(), 'c');
    const map = new ApiObject(chart, 'm', { apiVersion: 'v1', kind: 'ConfigMap', ...trickyProps() });
    const json = JSON.parse(expectSame(map));
    // What cdk8s gives, read: empty metadata values dropped, elsewhere kept; nulls dropped from
    // objects, kept (as undefined, so null in JSON) in arrays; keys sorted.
    expect(json.metadata).toEqual({ labels: { '2': 'two', '10': 'ten', 'b': 'x' }, name: 'tricky' });
    expect(Object.keys(json.data)).toEqual(['q', 'r', 's', 't', 'w', 'x', 'y', 'z']);
    expect(json.data.y).toEqual({ a: ['<undefined>', '<undefined>', 'k', []], b: 1 });
    expect(json.data.z).toBe('lazy');
    const deployment = new KubeDeployment(chart, 'd', {
      metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        strategy: { rollingUpdate: { maxSurge: IntOrString.fromString('25%'), maxUnavailable: IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { memory: Quantity.fromString('1Gi'), cpu: Quantity.fromNumber(1) } } }] },
        },
      },
    });
    const d = JSON.parse(expectSame(deployment));
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 0 });
    expect(d.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: 1, memory: '1Gi' });
    expect(Object.keys(d)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  test('renders keys "__proto__" and "constructor", objects of other classes and JSON patches as cdk8s does (or fails as it fails)', () => {
    const chart = new Chart(new App(), 'c');
    const proto = new ApiObject(chart, 'p', { apiVersion: 'v1', kind: 'ConfigMap', data: JSON.parse('{"__proto__": {"k": "v"}, "a": "b"}') });
    expect(JSON.parse(expectSame(proto)).data).toEqual({ a: 'b' });
    const ctorLabel = new KubeConfigMap(chart, 'l', { metadata: { name: 'l', labels: { constructor: 'x' } } });
    expect(expectSame(ctorLabel)).toMatch(/^threw: Failed serializing construct at path 'c\/l'/);
    const ctorData = new ApiObject(chart, 'k', { apiVersion: 'v1', kind: 'ConfigMap', data: { constructor: 'x' } });
    expect(expectSame(ctorData)).toMatch(/^threw: /);
    const instance = new ApiObject(chart, 'i', { apiVersion: 'v1', kind: 'ConfigMap', data: { when: new Date(0) } });
    expect(expectSame(instance)).toMatch(/can't render non-simple object of type 'Date'/);
    const patched = new ApiObject(chart, 'j', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } });
    patched.addJsonPatch(JsonPatch.add('/data/c', 'd'));
    expect(JSON.parse(expectSame(patched)).data).toEqual({ a: 'b', c: 'd' });
  });

  test('leaves an App with resolvers of its own, and CDK8S_DISABLE_SORT, to cdk8s', () => {
    const chart = new Chart(new App({ resolvers: [new Upper()] }), 'c');
    const map = new ApiObject(chart, 'm', { apiVersion: 'v1', kind: 'ConfigMap', ...trickyProps() });
    expect(JSON.parse(expectSame(map)).data.s).toBe('');
    expect(JSON.parse(expectSame(map)).metadata.name).toBe('TRICKY');
    const plain = new ApiObject(new Chart(new App(), 'c'), 'm', { apiVersion: 'v1', kind: 'ConfigMap', data: { b: '1', a: '2' } });
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(Object.keys(JSON.parse(expectSame(plain)).data)).toEqual(['b', 'a']);
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('puts cdk8s\'s own toJson back when the render returns or throws, and nests', () => {
    const objectToJson = ApiObject.prototype.toJson;
    const chart = new Chart(new App(), 'c');
    const map = new ApiObject(chart, 'm', { apiVersion: 'v1', kind: 'ConfigMap', ...trickyProps() });
    const expected = JSON.stringify(map.toJson());
    expect(withFastObjectJson(() => withFastObjectJson(() => JSON.stringify(map.toJson())))).toBe(expected);
    expect(ApiObject.prototype.toJson).toBe(objectToJson);
    expect(() => withFastObjectJson(() => {
      throw new Error('render failed');
    })).toThrow('render failed');
    expect(ApiObject.prototype.toJson).toBe(objectToJson);
  });
  test('keeps the holes of a sparse array, and renders an array of a subclass or with a `value` of its own, as cdk8s does', () => {
    const chart = new Chart(new App(), 'c');
    const configMap = (id: string, data: unknown): ApiObject => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', data });
    // eslint-disable-next-line no-sparse-arrays
    expect(expectSame(configMap('h', { a: [, 'x'] }))).toContain('"a":["<hole>","x"]');
    expect(expectSame(configMap('s', { a: Items.from(['x']) }))).toContain('"a":{"<array of>":"Items","items":["x"]}');
    expect(JSON.parse(expectSame(configMap('v', { a: Object.assign(['x'], { value: 4 }) }))).data.a).toEqual({ value: 4 });
  });

  test('renders a function as cdk8s does: one with a `resolve` or a `value` goes through the resolvers', () => {
    const chart = new Chart(new App(), 'c');
    const configMap = (id: string, data: unknown): ApiObject => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', data });
    expect(JSON.parse(expectSame(configMap('r', { a: Object.assign(() => 'unused', { resolve: () => 'resolved' }) }))).data.a).toBe('resolved');
    expect(JSON.parse(expectSame(configMap('v', { a: Object.assign(() => 'unused', { value: 3 }) }))).data.a).toEqual({ value: 3 });
  });

  test('tells a dictionary from an object of a class as cdk8s does: by its constructor, not its prototype', () => {
    const chart = new Chart(new App(), 'c');
    const configMap = (id: string, data: unknown): ApiObject => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', data });
    // Its constructor (inherited) is Object: a dictionary, of its own keys, the inherited `value` unread.
    expect(JSON.parse(expectSame(configMap('p', { a: Object.create({ value: 1 }) }))).data.a).toEqual({});
    const hidden = { b: 'c' };
    Object.defineProperty(hidden, 'constructor', { value: class Hidden {} });
    expect(expectSame(configMap('h', { a: hidden }))).toMatch(/can't render non-simple object of type 'Hidden'/);
  });

  test('resolves the metadata a second time as cdk8s does: a function a Lazy left under a key "resolve" is called', () => {
    const chart = new Chart(new App(), 'c');
    const object = new ApiObject(chart, 'o', {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { labels: { x: { resolve: Lazy.any({ produce: () => () => 'called' }) } as any } },
    });
    expect(JSON.parse(expectSame(object)).metadata.labels).toEqual({ x: 'called' });
  });

  test('calls Lazy producers and resolve() methods in the order cdk8s calls them (a producer may count)', () => {
    const json = expectSame(() => {
      const calls: string[] = [];
      const lazy = (name: string): any => Lazy.any({ produce: () => (calls.push(name), calls.join(' ')) });
      return new ApiObject(new Chart(new App(), 'c'), 'o', {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { annotations: { b: lazy('b') }, labels: { a: lazy('a') } },
        data: { z: lazy('z'), y: { resolve: () => ({ x: lazy('x') }) } },
      });
    });
    expect(JSON.parse(json).data.y.x).toBe('b a z x');
  });

  test('fails as cdk8s fails for a chart whose root is not an App', () => {
    const chart = new Chart(new Construct(undefined as any, 'root'), 'c');
    const object = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } });
    expect(expectSame(object)).toMatch(/^threw: Failed serializing construct at path 'root\/c\/o' .*resolvers is not iterable/);
  });

  test('uses a resolver added to the App after a render, or a built-in one overridden, as cdk8s does', () => {
    const app = new App();
    const object = new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } });
    expect(JSON.parse(expectSame(object)).data.a).toBe('b');
    app.resolvers.push(new Upper());
    expect(JSON.parse(expectSame(object)).data.a).toBe('B');
    const other = new App();
    const upperLazy = new (class extends LazyResolver {
      resolve(context: ResolutionContext): void {
        new Upper().resolve(context);
      }
    })();
    other.resolvers[0] = upperLazy;
    const map = new ApiObject(new Chart(other, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } });
    expect(JSON.parse(expectSame(map)).data.a).toBe('B');
  });

  test('reads CDK8S_DISABLE_SORT when an object is rendered, as cdk8s does, not when the render starts', () => {
    const plain = new ApiObject(new Chart(new App(), 'c'), 'm', { apiVersion: 'v1', kind: 'ConfigMap', data: { b: '1', a: '2' } });
    const keys = withFastObjectJson(() => {
      process.env.CDK8S_DISABLE_SORT = '1';
      try {
        return Object.keys(plain.toJson().data);
      } finally {
        delete process.env.CDK8S_DISABLE_SORT;
      }
    });
    expect(keys).toEqual(['b', 'a']);
  });

  test('renders props with a "resolve" function (cdk8s resolves the whole object with it, metadata and all) as cdk8s does', () => {
    const chart = new Chart(new App(), 'c');
    const object = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', resolve: () => ({ data: { a: 'b' } }) });
    expect(JSON.parse(expectSame(object))).toEqual({ data: { a: 'b' } });
  });

  test('reads all the values of a dictionary (getters) before resolving them, as cdk8s does', () => {
    const json = expectSame(() => {
      const calls: string[] = [];
      const data = {
        get a(): unknown {
          calls.push('get a');
          return Lazy.any({ produce: () => (calls.push('produce a'), calls.join(', ')) });
        },
        get b(): unknown {
          calls.push('get b');
          return 'b';
        },
      };
      return new ApiObject(new Chart(new App(), 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data });
    });
    expect(JSON.parse(json).data.a).toBe('get a, get b, produce a');
  });
});

/**
 * A value to build, afresh for each side of a comparison: a Lazy's producer and a `resolve()`
 * build theirs when called, log the call, and may return the number of calls so far instead.
 */
type Recipe =
  | { t: 'scalar'; v: unknown }
  | { t: 'symbol' }
  | { t: 'dict'; entries: Array<[string, Recipe]>; proto: 'plain' | 'null' | 'inherited' | 'inheritedValue'; getters: boolean }
  | { t: 'wide'; values: Recipe[] }
  | { t: 'array'; items: Recipe[]; holes: number[]; kind: 'plain' | 'subclass' | 'withValue' }
  | { t: 'lazy'; of: Recipe; counts: boolean }
  | { t: 'resolvable'; of: Recipe; extra: Array<[string, Recipe]>; late: boolean }
  | { t: 'instance'; cls: 'IntOrString' | 'Quantity' | 'Other'; value: unknown }
  | { t: 'function'; value: unknown; resolve: Recipe | undefined }
  | { t: 'odd'; what: 'date' | 'boxed' | 'bytes' | 'map' | 'hiddenConstructor' | 'Object' | 'throws' };

/** The calls of one side's producers and resolve() methods, and the next id to give one. */
interface Calls { log: string[]; ids: number }

class Items extends Array<unknown> {}
class Other {
  constructor(readonly value?: unknown) {}
}

/** An own, enumerable key, "__proto__" too (as JSON.parse makes it); or a getter building its value on each read. */
function setKey(target: any, key: string, value: unknown, getter?: () => unknown): void {
  const property = getter ? { get: getter } : { value, writable: true };
  Object.defineProperty(target, key, { ...property, enumerable: true, configurable: true });
}

function build(recipe: Recipe, calls: Calls): any {
  switch (recipe.t) {
    case 'scalar': return recipe.v;
    case 'symbol': return Symbol.for('s');
    case 'dict': {
      const inherited = recipe.proto === 'inheritedValue' ? { value: 1 } : { inherited: 'x' };
      const dict = recipe.proto === 'plain' ? {} : Object.create(recipe.proto === 'null' ? null : inherited);
      for (const [key, value] of recipe.entries) {
        if (recipe.getters) setKey(dict, key, undefined, () => build(value, calls));
        else setKey(dict, key, build(value, calls));
      }
      return dict;
    }
    // 101 is prime: distinct keys, out of order.
    case 'wide': return Object.fromEntries(recipe.values.map((value, i) => [`k${(i * 37) % 101}`, build(value, calls)]));
    case 'array': {
      const array: any = recipe.kind === 'subclass' ? new Items() : [];
      recipe.items.forEach((item, i) => {
        if (!recipe.holes.includes(i)) array[i] = build(item, calls);
      });
      array.length = recipe.items.length;
      if (recipe.kind === 'withValue') array.value = 4;
      return array;
    }
    case 'lazy': {
      const id = calls.ids++;
      return Lazy.any({ produce: () => (calls.log.push(`lazy ${id}`), recipe.counts ? calls.log.length : build(recipe.of, calls)) });
    }
    case 'resolvable': {
      const id = calls.ids++;
      const resolve = (): unknown => (calls.log.push(`resolve ${id}`), build(recipe.of, calls));
      // Late: a Lazy gives the function, so it is a function under a key "resolve" only once resolved.
      const resolvable = { resolve: recipe.late ? Lazy.any({ produce: () => resolve }) : resolve };
      for (const [key, value] of recipe.extra) setKey(resolvable, key, build(value, calls));
      return resolvable;
    }
    case 'instance': {
      const value = recipe.value as any;
      if (recipe.cls === 'IntOrString') return typeof value === 'number' ? IntOrString.fromNumber(value) : IntOrString.fromString(value);
      if (recipe.cls === 'Quantity') return typeof value === 'number' ? Quantity.fromNumber(value) : Quantity.fromString(value);
      return new Other(value);
    }
    case 'function': {
      const fn: any = function named(): void {};
      if (recipe.value !== undefined) fn.value = recipe.value;
      if (recipe.resolve) fn.resolve = () => build(recipe.resolve!, calls);
      return fn;
    }
    case 'odd': {
      if (recipe.what === 'date') return new Date(0);
      if (recipe.what === 'boxed') return new String('x');
      if (recipe.what === 'bytes') return new Uint8Array([1]);
      if (recipe.what === 'map') return new Map([['a', 'b']]);
      if (recipe.what === 'throws') return Lazy.any({ produce: () => { throw new Error('producer failed'); } });
      if (recipe.what === 'Object') return Object;
      const hidden = { b: 'c' };
      Object.defineProperty(hidden, 'constructor', { value: class Hidden {} });
      return hidden;
    }
  }
}

const ODD_KEYS = ['__proto__', 'constructor'];
const KEYS = ['10', '2', '', 'a.b', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON', 'value', 'resolve', 'kind', 'metadata', 'a', 'B', 'b', 'é', '1e3', '-1', '01'];

/** `common`, and with `odd` now and then (one time in ten) `rare` instead. */
function sometimes<T>(odd: boolean, common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return odd ? fc.oneof({ weight: 29, arbitrary: common }, { weight: 1, arbitrary: rare }) : common;
}

/**
 * Random values of every kind cdk8s's resolve and sanitize tell apart; with `odd`, now and then
 * those the walk leaves to cdk8s's code too (functions, objects of other classes, keys
 * "__proto__" and "constructor", arrays of a subclass...); without, producers that count their calls.
 */
function recipes(odd: boolean): { node: fc.Arbitrary<Recipe>; dict: fc.Arbitrary<Recipe> } {
  const text = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 2 }));
  const key = sometimes(odd, fc.oneof(fc.constantFrom(...KEYS), text.filter((k) => !ODD_KEYS.includes(k))), fc.constantFrom(...ODD_KEYS));
  const scalar = fc.oneof(
    fc.constantFrom<unknown>('', 'x', '0', 'true', null, undefined, 0, -0, 1, 2.5, NaN, Infinity, -Infinity, true, false, 10n),
    fc.string({ maxLength: 4 }), fc.integer(), fc.double(),
  ).map((v): Recipe => ({ t: 'scalar', v }));
  const union = fc.record({
    cls: sometimes(odd, fc.constantFrom<'IntOrString' | 'Quantity' | 'Other'>('IntOrString', 'Quantity'), fc.constant('Other' as const)),
    value: sometimes(odd, fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), fc.constantFrom<unknown>(undefined, null, true, NaN)),
  }).map(({ cls, value }): Recipe => ({ t: 'instance', cls, value }));
  const oddLeaf = fc.oneof(
    fc.constant<Recipe>({ t: 'symbol' }),
    fc.constantFrom('date', 'boxed', 'bytes', 'map', 'hiddenConstructor', 'Object', 'throws').map((what): Recipe => ({ t: 'odd', what })),
  );
  const { node, dict } = fc.letrec<{ node: Recipe; dict: Recipe; wide: Recipe; array: Recipe; lazy: Recipe; resolvable: Recipe; fn: Recipe }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      { arbitrary: sometimes(odd, fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: union }), fc.oneof(oddLeaf, tie('fn'))), weight: 30 },
      ...[tie('dict'), tie('array'), tie('lazy'), tie('resolvable')].map((arbitrary) => ({ arbitrary, weight: 15 })),
      { arbitrary: tie('wide'), weight: 1 }),
    dict: fc.record({
      entries: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }),
      proto: sometimes(odd, fc.constantFrom<'plain' | 'null' | 'inherited' | 'inheritedValue'>('plain', 'plain', 'plain', 'plain', 'inherited', 'inheritedValue'), fc.constant('null' as const)),
      getters: fc.nat(9).map((n) => n === 0),
    }).map(({ entries, proto, getters }): Recipe => ({ t: 'dict', entries, proto, getters })),
    wide: fc.array(fc.oneof(scalar, tie('lazy')), { minLength: 33, maxLength: 40 }).map((values): Recipe => ({ t: 'wide', values })),
    array: fc.record({
      items: fc.array(tie('node'), { maxLength: 4 }),
      holes: fc.array(fc.nat(3), { maxLength: 2 }),
      kind: sometimes(odd, fc.constant<'plain' | 'subclass' | 'withValue'>('plain'), fc.constantFrom('subclass' as const, 'withValue' as const)),
    }).map(({ items, holes, kind }): Recipe => ({ t: 'array', items, holes, kind })),
    lazy: fc.record({ of: tie('node'), counts: odd ? fc.constant(false) : fc.boolean() }).map(({ of, counts }): Recipe => ({ t: 'lazy', of, counts })),
    resolvable: fc.record({
      of: tie('node'),
      extra: sometimes(odd, fc.constant<Array<[string, Recipe]>>([]), fc.array(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 2 })),
      late: sometimes(odd, fc.constant(false), fc.constant(true)),
    }).map(({ of, extra, late }): Recipe => ({ t: 'resolvable', of, extra, late })),
    fn: fc.record({ value: fc.constantFrom<unknown>(undefined, 3, 'v', true), resolve: fc.option(tie('node'), { nil: undefined }) })
      .map(({ value, resolve }): Recipe => ({ t: 'function', value, resolve })),
  }));
  return { node, dict };
}

/** An object to render: its App, chart, class, props, metadata, and what is added to it once made. */
interface Scenario {
  app: 'plain' | 'custom' | 'pushed' | 'overridden' | 'noApp';
  chart: { labels?: Record<string, string>; namespace?: string };
  kind: 'ApiObject' | 'KubeConfigMap' | 'KubeDeployment';
  metadata: Recipe | Partial<Record<'name' | 'namespace' | 'labels' | 'annotations' | 'finalizers' | 'ownerReferences', Recipe>> & { extra: Array<[string, Recipe]> } | undefined;
  props: Array<[string, Recipe]>;
  /** A `resolve()` of the props themselves: cdk8s resolves the whole object with it. */
  resolve: Recipe | undefined;
  slots: Recipe[];
  added: Array<['add' | 'label' | 'annotation' | 'finalizers' | 'owner', string, Recipe]>;
  patch: boolean;
}

function scenarios(odd: boolean): fc.Arbitrary<Scenario> {
  const { node, dict } = recipes(odd);
  const some = fc.option(node, { nil: undefined });
  // Without odd values, labels and annotations are dictionaries: ApiObject copies them with
  // `...`, and a Lazy copied so leaves its producer function, which cdk8s's code renders.
  const map = odd ? some : fc.option(dict, { nil: undefined });
  const key = sometimes(odd, fc.constantFrom('a', 'b', '10', '2', 'app.kubernetes.io/name', '', 'toString', 'value'), fc.constantFrom(...ODD_KEYS));
  const union = (cls: 'IntOrString' | 'Quantity'): fc.Arbitrary<Recipe> => {
    const instance = fc.oneof(fc.integer(), fc.constantFrom('25%', '1Gi', '')).map((value): Recipe => ({ t: 'instance', cls, value }));
    return fc.oneof(instance, instance.map((of): Recipe => ({ t: 'lazy', of, counts: false })), fc.constant<Recipe>({ t: 'scalar', v: undefined }), node);
  };
  const metadataFields = fc.record({
    name: some, namespace: some, labels: map, annotations: map,
    // ApiObject copies these two with `[...]`: arrays.
    finalizers: fc.option(fc.array(node, { maxLength: 3 }).map((items): Recipe => ({ t: 'array', items, holes: [], kind: 'plain' })), { nil: undefined }),
    ownerReferences: fc.option(fc.array(fc.oneof(dict, node), { maxLength: 2 }).map((items): Recipe => ({ t: 'array', items, holes: [], kind: 'plain' })), { nil: undefined }),
    extra: fc.array(fc.tuple(key, node), { maxLength: 2 }),
  }, { requiredKeys: ['extra'] });

  return fc.record({
    app: sometimes(odd, fc.constant<Scenario['app']>('plain'), fc.constantFrom('custom', 'pushed', 'overridden', 'noApp')),
    chart: fc.record({ labels: fc.dictionary(fc.constantFrom('a', 'team', '2'), fc.constantFrom('x', '')), namespace: fc.constantFrom('ns', '') }, { requiredKeys: [] }),
    kind: fc.constantFrom<Scenario['kind']>('ApiObject', 'ApiObject', 'KubeConfigMap', 'KubeDeployment'),
    metadata: sometimes<Scenario['metadata']>(odd, metadataFields, some),
    props: fc.array(fc.tuple(fc.oneof(key, fc.constantFrom('data', 'spec', 'kind', 'z')), node), { maxLength: 4 }),
    resolve: sometimes(odd, fc.constant(undefined), node),
    slots: fc.tuple(some, some, union('IntOrString'), union('IntOrString'), some, some, some, union('Quantity'), union('Quantity'))
      .map((slots) => slots.map((slot) => slot ?? { t: 'scalar', v: undefined } as Recipe)),
    added: fc.array(fc.tuple(fc.constantFrom<Scenario['added'][number][0]>('add', 'label', 'annotation', 'finalizers', 'owner'), key, node), { maxLength: 2 }),
    patch: sometimes(odd, fc.constant(false), fc.constant(true)),
  });
}

class UpperLazy extends LazyResolver {
  resolve(context: ResolutionContext): void {
    new Upper().resolve(context);
    if (!context.replaced) super.resolve(context);
  }
}

function rootOf(app: Scenario['app']): Construct {
  if (app === 'noApp') return new Construct(undefined as any, 'root');
  if (app === 'custom') return new App({ resolvers: [new Upper()] });
  const root = new App();
  if (app === 'pushed') root.resolvers.push(new Upper());
  if (app === 'overridden') root.resolvers[1] = new UpperLazy();
  return root;
}

/** The object `scenario` describes, its values built afresh (producers logging to `calls`). */
function make(scenario: Scenario, calls: Calls): ApiObject {
  const chart = new Chart(rootOf(scenario.app), 'c', scenario.chart);
  const built = (recipe: Recipe | undefined): any => (recipe === undefined ? undefined : build(recipe, calls));
  let metadata: any;
  if (scenario.metadata && !('t' in scenario.metadata)) {
    const { extra, ...fields } = scenario.metadata;
    metadata = {};
    for (const [field, recipe] of Object.entries(fields)) metadata[field] = built(recipe);
    for (const [key, recipe] of extra) setKey(metadata, key, built(recipe));
  } else {
    metadata = built(scenario.metadata);
  }
  const props: any = {};
  for (const [key, recipe] of scenario.props) setKey(props, key, built(recipe));
  if (scenario.resolve) props.resolve = () => built(scenario.resolve);
  const slot = scenario.slots.map(built);
  let object: ApiObject;
  if (scenario.kind === 'ApiObject') {
    object = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'Thing', ...props, metadata });
  } else if (scenario.kind === 'KubeConfigMap') {
    object = new KubeConfigMap(chart, 'o', { metadata, data: slot[0], binaryData: slot[1], immutable: slot[4] });
  } else {
    object = new KubeDeployment(chart, 'o', {
      metadata,
      spec: {
        replicas: slot[0],
        selector: { matchLabels: slot[1] },
        strategy: { rollingUpdate: { maxSurge: slot[2], maxUnavailable: slot[3] } },
        template: {
          metadata: { labels: slot[4] },
          spec: { containers: [{ name: 'c', image: slot[5], args: slot[6], resources: { limits: { cpu: slot[7], memory: slot[8] } } }] },
        },
      },
    });
  }
  for (const [what, key, recipe] of scenario.added) {
    const value = built(recipe);
    if (what === 'add') object.metadata.add(key, value);
    if (what === 'label') object.metadata.addLabel(key, value);
    if (what === 'annotation') object.metadata.addAnnotation(key, value);
    if (what === 'finalizers') object.metadata.addFinalizers(value);
    if (what === 'owner') object.metadata.addOwnerReference(value);
  }
  if (scenario.patch) object.addJsonPatch(JsonPatch.add('/added', 'x'));
  return object;
}

/** What the scenario's object renders (or throws), and the calls its producers saw, on one side. */
function renderedScenario(scenario: Scenario): { json: string; calls: string } {
  const calls: Calls = { log: [], ids: 0 };
  let json: string;
  try {
    json = exactly(make(scenario, calls).toJson());
  } catch (err) {
    json = `threw: ${(err as Error).message}`;
  }
  return { json, calls: calls.log.join(', ') };
}

describe('withFastObjectJson on random objects', () => {
  test('renders (or fails on) any props and metadata exactly as cdk8s does, odd values and Apps included', () => {
    assertWithSeed(fc.property(scenarios(true), (scenario) => {
      const cdk8s = renderedScenario(scenario);
      const fast = withFastObjectJson(() => renderedScenario(scenario));
      expect(fast.json).toBe(cdk8s.json);
      // Left to cdk8s's code from the start (an App's own resolvers, or none): each call once.
      if (scenario.app !== 'plain') expect(fast.calls).toBe(cdk8s.calls);
    }), 400);
  });

  test('renders plain values exactly as cdk8s does, calling producers and resolve() in cdk8s\'s order, each once', () => {
    assertWithSeed(fc.property(scenarios(false), (scenario) => {
      const cdk8s = renderedScenario(scenario);
      const fast = withFastObjectJson(() => renderedScenario(scenario));
      expect(fast).toEqual(cdk8s);
    }), 300);
  });
});
