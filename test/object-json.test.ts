import * as path from 'path';
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { IntOrString, KubeConfigMap, KubeDeployment, Quantity } from '../imports/k8s';
import { withFastObjectJson } from '../lib/render/object-json';
import { buildApp } from '../lib/render/render';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { ROOT } from './_cli';

/**
 * The JSON text of a value, plus what JSON.stringify hides: own keys holding undefined, undefined
 * array elements, and objects whose prototype is not Object.prototype (YAML emit reads all three).
 */
function exactly(value: unknown): string {
  return JSON.stringify(value, (_key: string, v: unknown) => {
    if (v === undefined) return '<undefined>';
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) return { '<prototype>': Object.getPrototypeOf(v), ...v };
    return v;
  });
}

/** What cdk8s's own toJson gives (or throws), and what it gives (or throws) inside withFastObjectJson. */
function both(object: ApiObject): { cdk8s: string; fast: string } {
  const run = (): string => {
    try {
      return exactly(object.toJson());
    } catch (err) {
      return `threw: ${(err as Error).message}`;
    }
  };
  const cdk8s = run();
  const fast = withFastObjectJson(run);
  return { cdk8s, fast };
}

function expectSame(object: ApiObject): string {
  const { cdk8s, fast } = both(object);
  expect(fast).toBe(cdk8s);
  return fast;
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
    class Upper implements IResolver {
      resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value !== context.value.toUpperCase()) context.replaceValue(context.value.toUpperCase());
      }
    }
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
});
