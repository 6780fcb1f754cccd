import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { AppSecrets, MediaVolume, PostgresDatabase, PythonWebService, PythonWebStack, RedisServer, StaticFilesSidecar, WebIngress } from '../constructs';
import { synth } from '../lib/synth';
import { defaultConfigs, findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { buildApp, renderApp, renderFiles, renderStacks } from '../lib/render/render';
import { ROOT, readTree, tempDir } from './_cli';
import { SEED } from './_fast-check';

const EXAMPLES = path.join(ROOT, 'examples');

describe('synth engine', () => {
  test('renders every example byte for byte as cdk8s App.synth() does', () => {
    // GIVEN the same construct tree, once rendered by cdk8s itself and once by our engine
    const stacks = loadStackFiles(findStackFiles(EXAMPLES));
    const ours = renderApp(buildApp(stacks));
    const outdir = tempDir();
    try {
      const app = new App({ outdir });
      for (const { config, target } of stacks) new PythonWebStack(app, `${target}.${config.name}`, config);
      app.synth();
      // THEN the files cdk8s writes (named after a hash of the chart id) hold exactly our texts
      const theirs = fs.readdirSync(outdir).map((f) => fs.readFileSync(path.join(outdir, f), 'utf-8'));
      expect(theirs).toHaveLength(stacks.length);
      expect(ours.map((f) => f.content).sort()).toEqual(theirs.sort());
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('streaming one stack at a time writes the same bytes as cdk8s App.synth() for a 60-stack fleet', () => {
    const { writeFleet } = require('../scripts/fleet.js');
    const dir = tempDir();
    const outdir = tempDir();
    try {
      writeFleet(dir, 60);
      const stacks = loadStackFiles(findStackFiles(dir));
      const ours: string[] = [];
      renderStacks(stacks, (f) => ours.push(f.content));
      const app = buildApp(stacks).app;
      (app as any).outdir = outdir;
      app.synth();
      const theirs = fs.readdirSync(outdir).map((f) => fs.readFileSync(path.join(outdir, f), 'utf-8'));
      expect(theirs).toHaveLength(60);
      expect(ours.sort()).toEqual(theirs.sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('keeps cdk8s dependency order and validations', () => {
    // GIVEN a chart whose first object depends on its second
    const app = new App();
    const chart = new Chart(app, 'c');
    const { ApiObject } = require('cdk8s');
    const a = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const b = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    a.addDependency(b);
    const files = renderApp({ app, charts: [{ chart, path: 'c.yaml' }] });
    expect(files[0].objects.map((o: any) => o.metadata.name)).toEqual(['b', 'a']);
    expect(files[0].content).toBe(Yaml.stringify(...chart.toJson()));
    // AND a failing construct validation fails the render
    chart.node.addValidation({ validate: () => ['broken on purpose'] });
    expect(() => renderApp({ app, charts: [{ chart, path: 'c.yaml' }] })).toThrow(/broken on purpose/);
  });

  test('orders objects as cdk8s does in random dependency graphs (constructs, nested charts, other charts), and fails on a cycle as it fails', () => {
    const { ApiObject } = require('cdk8s');
    const { Construct } = require('constructs');
    let state = SEED >>> 0;
    const next = (n: number) => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const outcomes = new Set<string>();
    for (let round = 0; round < 40; round++) {
      // One random plan, built twice: once rendered by cdk8s, once by us (a render resolves
      // dependencies in place, so each needs its own tree).
      const nodes = Array.from({ length: 12 }, (_, i) => ({ scope: next(4 + i), object: next(3) > 0, isScope: next(2) === 0 }));
      const edges = Array.from({ length: 12 }, () => [next(12), next(12)]).filter(([from, to]) => to < from);
      const build = () => {
        const app = new App();
        const chart = new Chart(app, 'c');
        const scopes: any[] = [chart, new Chart(chart, 'nested'), new Chart(app, 'other'), new Construct(chart, 'group')];
        const built = nodes.map((n, i) => {
          const scope = scopes[Math.min(n.scope, scopes.length - 1)];
          const c = n.object ? new ApiObject(scope, `o${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `o${i}` } }) : new Construct(scope, `g${i}`);
          if (n.isScope) scopes.push(c);
          return c;
        });
        // Edges from later to earlier nodes only: no cycle.
        for (const [from, to] of edges) built[from].node.addDependency(built[to]);
        return { app, chart };
      };
      const outcome = (render: () => string) => {
        try {
          return render();
        } catch (err) {
          return `threw: ${(err as Error).message}`;
        }
      };
      const theirs = build();
      const ours = build();
      const expected = outcome(() => Yaml.stringify(...theirs.chart.toJson()));
      const rendered = outcome(() => renderApp({ app: ours.app, charts: [{ chart: ours.chart, path: 'c.yaml' }] })[0].content);
      expect({ round, rendered }).toEqual({ round, rendered: expected });
      outcomes.add(expected.startsWith('threw') ? 'threw' : 'rendered');
    }
    // The plans gave both: graphs rendered, and graphs cdk8s refuses (a nested chart and its parent depending on each other).
    expect([...outcomes].sort()).toEqual(['rendered', 'threw']);
    // A cycle: the same error as cdk8s's
    const app = new App();
    const chart = new Chart(app, 'cyc');
    const a = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const b = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    a.addDependency(b);
    b.addDependency(a);
    let message = '';
    try {
      chart.toJson();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Dependency cycle detected/);
    expect(() => renderApp({ app, charts: [{ chart, path: 'c.yaml' }] })).toThrow(message);
  });
});

describe('validation passes', () => {
  test('a synth validates each stack exactly once per target, and each part once', () => {
    // GIVEN spies on the stack's validation and on each part's
    const parts = [PythonWebStack, PythonWebService, AppSecrets, PostgresDatabase, RedisServer, StaticFilesSidecar, MediaVolume, WebIngress];
    const spies = parts.map((part) => jest.spyOn(part as { validate: (...args: any[]) => any }, 'validate'));
    const out = tempDir();
    try {
      // WHEN the examples are synthesized, by name (acme: one target; blog: three; flask-shop: one, no targets key)
      const { files } = synth({ configs: ['cookiecutter-django.yaml', 'django-blog.yaml', 'flask-shop.yaml'].map((f) => path.join(EXAMPLES, f)), outdir: path.join(out, 'dist') });
      // THEN the stack was validated once per output file, and so was each part it has
      expect(files.map((f) => f.path)).toEqual(['production/acme.k8s.yaml', 'staging/blog.k8s.yaml', 'production-eu/blog.k8s.yaml', 'production-us/blog.k8s.yaml', 'development/flask-shop.k8s.yaml']);
      const calls = Object.fromEntries(parts.map((part, i) => [part.name, spies[i].mock.calls.length]));
      // acme has no media; only acme and flask-shop have Redis.
      expect(calls).toEqual({ PythonWebStack: 5, PythonWebService: 5, AppSecrets: 5, PostgresDatabase: 5, RedisServer: 2, StaticFilesSidecar: 5, MediaVolume: 4, WebIngress: 5 });
    } finally {
      spies.forEach((s) => s.mockRestore());
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('a chart built from props (not from a stack file) validates them once', () => {
    const validate = jest.spyOn(PythonWebStack, 'validate');
    const web = jest.spyOn(PythonWebService, 'validate');
    try {
      new PythonWebStack(new App(), 'x', { name: 'x', web: { image: 'a/b:1', framework: 'flask' } });
      expect([validate.mock.calls.length, web.mock.calls.length]).toEqual([1, 1]);
    } finally {
      validate.mockRestore();
      web.mockRestore();
    }
  });
});

describe('the default configs', () => {
  test('are stacks/ once it holds a stack file, else examples/', () => {
    // GIVEN a project without stacks/, then with stacks/ holding only a README, then a stack file
    const root = tempDir();
    try {
      expect(defaultConfigs(root)).toEqual([path.join(root, 'examples')]);
      fs.mkdirSync(path.join(root, 'stacks'));
      fs.writeFileSync(path.join(root, 'stacks/README.md'), 'your stack files\n');
      expect(defaultConfigs(root)).toEqual([path.join(root, 'examples')]);
      fs.writeFileSync(path.join(root, 'stacks/shop.yaml'), 'name: shop\n');
      expect(defaultConfigs(root)).toEqual([path.join(root, 'stacks')]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('dist/', () => {
  test('is exactly what synth produces from its default configs (run `npm run synth` after a change)', () => {
    const outdir = tempDir();
    try {
      synth({ configs: defaultConfigs(ROOT), outdir: path.join(outdir, 'dist') });
      expect(readTree(path.join(ROOT, 'dist'))).toEqual(readTree(path.join(outdir, 'dist')));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('generated files', () => {
  test('schema/stack.schema.json and schema/_target.schema.json are generated from constructs/ (run `npm run schema`)', () => {
    const { renderAll } = require('../scripts/build-schema.js');
    const files: Record<string, string> = renderAll();
    expect(Object.keys(files).map((f) => path.basename(f)).sort()).toEqual(['_target.schema.json', 'stack.schema.json']);
    for (const [file, text] of Object.entries(files)) expect({ file, text: fs.readFileSync(file, 'utf-8') }).toEqual({ file, text });
  });
});

describe('imports/', () => {
  test('is what the offline `npm run import` generates from the vendored schemas, byte for byte', () => {
    const { spawnSync } = require('child_process');
    const out = tempDir();
    try {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/import.js'), '--outdir', out], { encoding: 'utf-8' });
      expect(r.status).toBe(0);
      expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'imports')));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('its toJson drops undefined values and keeps every other key as the generated object spread did ("__proto__" as an own key)', () => {
    const { toJson_ObjectMeta } = require('../imports/k8s');
    const labels: Record<string, unknown> = JSON.parse('{"b": "1", "__proto__": "p", "10": "ten", "2": "two", "a": "x"}');
    labels.gone = undefined;
    // What the generated code did before scripts/import.js rewrote it (the map's filter and the result's).
    const spread = Object.entries(labels).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});
    const meta = toJson_ObjectMeta({ name: 'n', labels, annotations: {} });
    expect(Object.getPrototypeOf(meta.labels)).toBe(Object.prototype);
    expect(Object.keys(meta.labels)).toEqual(['2', '10', 'b', '__proto__', 'a']);
    expect(Object.keys(meta.labels)).toEqual(Object.keys(spread));
    expect(JSON.stringify(meta.labels)).toBe(JSON.stringify(spread));
    expect(meta.annotations).toEqual({});
    expect(Object.keys(meta)).toEqual(['annotations', 'labels', 'name']);
  });
});

describe('examples', () => {
  test('every synthesized object of every example is valid against the Kubernetes 1.28 schema and the CRDs, strictly', () => {
    const { validateManifests, formatManifestIssue } = require('../lib/check/manifest-schema');
    const files = renderFiles(loadStackFiles(findStackFiles(EXAMPLES)));
    const objects = files.flatMap((f) => f.objects);
    expect(objects.length).toBeGreaterThan(20);
    expect(validateManifests(objects).map(formatManifestIssue)).toEqual([]);
  });
});

describe("the README's TypeScript usage", () => {
  test('fails if the props break the stack file schema, also from TypeScript', () => {
    const { App } = require('cdk8s');
    expect(() => new PythonWebStack(new App(), 'x', { name: 'Bad_Name', web: { image: 'nginx', port: 80, framework: 'flask' } } as any))
      .toThrow(/name: has the wrong format[\s\S]*web\.image: has the wrong format[\s\S]*web\.port: must be >= 1024/);
  });
});
