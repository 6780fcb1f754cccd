import { createHash } from 'crypto';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CodeCache, saveCodeCaches, validatorSourceHash } from '../lib/check/_code-cache';
import { cachedStackValidators } from '../lib/load/stack-schema';
import { schemaIssues, useStackValidators } from '../constructs/_stack-schema';

const ROOT = path.resolve(__dirname, '..');

let dir: string;
beforeEach(() => {
  // Inside the package, as the real caches are: the modules require the package's ajv.
  fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  dir = fs.mkdtempSync(path.join(ROOT, 'build', '.test-code-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const v8Files = () => fs.readdirSync(dir).filter((f) => f.endsWith('.v8'));

describe('CodeCache', () => {
  test('a module saved is loaded back, in a later run too, with the packages it requires', () => {
    new CodeCache('demo', 'k1', dir).save('module.exports.answer = 42; module.exports.equal = require("ajv/dist/runtime/equal").default;');
    const loaded = new CodeCache('demo', 'k1', dir).load();
    expect(loaded.answer).toBe(42);
    expect(loaded.equal({ a: [1] }, { a: [1] })).toBe(true);
  });

  test('nothing is loaded under another key, or before anything was saved', () => {
    expect(new CodeCache('demo', 'k1', dir).load()).toBeUndefined();
    new CodeCache('demo', 'k1', dir).save('module.exports.answer = 42;');
    expect(new CodeCache('demo', 'k2', dir).load()).toBeUndefined();
  });

  test('a half-written or foreign module is never used', () => {
    // GIVEN what an interrupted writer could leave: the temporary file, and a module file
    // written by something else (no generation line), or cut short
    const cache = new CodeCache('demo', 'k1', dir);
    fs.writeFileSync(`${cache.file}.123.tmp`, '// generation abcd\nmodule.exports.answer = 1;');
    expect(cache.load()).toBeUndefined();
    fs.writeFileSync(cache.file, 'module.exports.answer = 1;');
    expect(new CodeCache('demo', 'k1', dir).load()).toBeUndefined();
    fs.writeFileSync(cache.file, '// generation abcd\nmodule.exports.answer = (');
    expect(new CodeCache('demo', 'k1', dir).load()).toBeUndefined();
  });

  test("V8's code cache is written once, at the end of a run, and only for that generation of the module", () => {
    new CodeCache('demo', 'k1', dir).save('module.exports.f = function (x) { return x + 1; };');
    // WHEN a run loads it, uses it and ends
    const first = new CodeCache('demo', 'k1', dir).load();
    expect(first.f(1)).toBe(2);
    expect(v8Files()).toEqual([]);
    saveCodeCaches();
    const [v8] = v8Files();
    const generation = /^\/\/ generation ([0-9a-f]+)/.exec(fs.readFileSync(path.join(dir, 'demo-k1.js'), 'utf8'))![1];
    expect(v8).toBe(`demo-k1.js.${generation}.v8`);
    // THEN the next run uses it and writes none
    expect(new CodeCache('demo', 'k1', dir).load().f(2)).toBe(3);
    saveCodeCaches();
    expect(v8Files()).toEqual([v8]);
    // AND a new module (a new generation) never meets the old code cache: it is dropped
    new CodeCache('demo', 'k1', dir).save('module.exports.f = function (x) { return x + 100; };');
    expect(v8Files()).toEqual([]);
    expect(new CodeCache('demo', 'k1', dir).load().f(1)).toBe(101);
  });

  test("V8's code cache is written again after a run that used an export the run that wrote it had not", () => {
    new CodeCache('demo', 'k1', dir).save('module.exports.a = function (x) { return x + 1; };\nmodule.exports.b = function (x) { return x + 2; };');
    const v8 = () => fs.readdirSync(dir).filter((f) => /\.v8$/.test(f)).map((f) => { const st = fs.statSync(path.join(dir, f)); return `${st.ino}:${st.mtimeMs}`; });
    const used = () => JSON.parse(fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.v8.used'))!), 'utf8'));
    // GIVEN a run that used `a` only
    const first = new CodeCache('demo', 'k1', dir);
    expect(first.load().a(1)).toBe(2);
    first.markUsed('a');
    saveCodeCaches();
    expect(used()).toEqual(['a']);
    const written = v8();
    expect(written).toHaveLength(1);
    // WHEN the next run uses `a` again, THEN the code cache is not written again
    const second = new CodeCache('demo', 'k1', dir);
    expect(second.load().a(1)).toBe(2);
    second.markUsed('a');
    saveCodeCaches();
    expect(v8()).toEqual(written);
    // WHEN a run uses `b`, THEN it is written again, for both
    const third = new CodeCache('demo', 'k1', dir);
    expect(third.load().b(1)).toBe(3);
    third.markUsed('b');
    third.markUsed('a');
    saveCodeCaches();
    expect(used()).toEqual(['a', 'b']);
    expect(v8()).not.toEqual(written);
    const rewritten = v8();
    // AND then no more
    const fourth = new CodeCache('demo', 'k1', dir);
    fourth.load();
    fourth.markUsed('b');
    saveCodeCaches();
    expect(v8()).toEqual(rewritten);
    // AND a new module drops both files of the old one
    new CodeCache('demo', 'k1', dir).save('module.exports.a = function (x) { return x; };');
    expect(fs.readdirSync(dir)).toEqual(['demo-k1.js']);
  });

  test('a code cache that does not fit the module is ignored, never run', () => {
    new CodeCache('demo', 'k1', dir).save('module.exports.f = function (x) { return x * 2; };');
    const generation = /^\/\/ generation ([0-9a-f]+)/.exec(fs.readFileSync(path.join(dir, 'demo-k1.js'), 'utf8'))![1];
    fs.writeFileSync(path.join(dir, `demo-k1.js.${generation}.v8`), 'not a code cache');
    expect(new CodeCache('demo', 'k1', dir).load().f(4)).toBe(8);
  });

  test('keeps the three newest modules of a name', () => {
    for (const key of ['a', 'b', 'c', 'd']) {
      new CodeCache('demo', key, dir).save(`module.exports.key = ${JSON.stringify(key)};`);
      fs.utimesSync(path.join(dir, `demo-${key}.js`), new Date(), new Date(Date.parse('2026-01-01') + key.charCodeAt(0) * 1000));
    }
    new CodeCache('other', 'x', dir).save('module.exports.x = 1;');
    expect(fs.readdirSync(dir).sort()).toEqual(['demo-b.js', 'demo-c.js', 'demo-d.js', 'other-x.js']);
  });
});

describe('validatorSourceHash', () => {
  test('run from source, it is the hash the bundles have built in', () => {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(JSON.parse(require("./scripts/_validator-sources.js").validatorSourcesDefine(process.cwd()).PYWEB_VALIDATOR_SOURCES))'], { cwd: ROOT, encoding: 'utf-8' });
    expect(r.stdout).toMatch(/^[0-9a-f]{16}$/);
    expect(validatorSourceHash()).toBe(r.stdout);
    expect(fs.readFileSync(path.join(ROOT, 'build/main.bundle.js'), 'utf-8')).toContain(`return "${r.stdout}"`);
  });
});

describe('the stack-file validators cached on disk', () => {
  afterEach(() => useStackValidators(() => cachedStackValidators()));

  test('report exactly what the validators compiled in the process report', () => {
    const bad = [
      { name: 'shop', web: { image: 'x:1', replicas: '3', prot: 8000 } },
      { name: 'Shop!', web: { image: 'x:1', env: ['A=1', 'B=2'], command: 'gunicorn app:app' }, database: 'yes' },
      { name: 'shop', web: { image: 'x:1' }, targets: { 'EU 1': {} } },
      { name: 'shop', web: { image: 'x:1', autoscaling: { minReplicas: 0, maxReplicas: 1000 } }, static: 3 },
    ];
    const issues = (definition: string) => bad.map((data) => schemaIssues(data, definition));
    // GIVEN validators written to the cache by one run, and loaded from it by the next
    cachedStackValidators(dir);
    const fromDisk = cachedStackValidators(dir);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('stack-validators-') && f.endsWith('.js'))).toHaveLength(1);
    // (ajv's own compiled functions carry their schema environment; the standalone ones do not)
    expect((fromDisk.PythonWebStackProps as { schemaEnv?: unknown }).schemaEnv).toBeUndefined();
    useStackValidators(() => fromDisk);
    const cached = [issues('PythonWebStackProps'), issues('StackConfig')];
    useStackValidators(undefined);
    const compiled = [issues('PythonWebStackProps'), issues('StackConfig')];
    expect(cached.flat(2).length).toBeGreaterThan(8);
    expect(cached).toEqual(compiled);
  });
});

describe('build/main.js (scripts/run-bundle.js)', () => {
  test("runs the synth bundle from V8's code cache of that very bundle: written by a first run, used by the next, written again when refused", () => {
    const id = /'([0-9a-f]{32})'\);\n$/.exec(fs.readFileSync(path.join(ROOT, 'build/main.js'), 'utf-8'))?.[1];
    expect(id).toBe(/\.test\("([0-9a-f]{32})"\)/.exec(fs.readFileSync(path.join(ROOT, 'build/main.bundle.js'), 'utf-8'))?.[1]);
    const cacheFile = path.join(ROOT, `build/.cache/main.bundle-${id}.v8`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'run-bundle-'));
    const synth = () => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'build/main.js'), '--outdir', path.join(out, 'dist')], { cwd: ROOT, encoding: 'utf-8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.stdout;
    };
    try {
      // GIVEN no cache: the run writes it
      fs.rmSync(cacheFile, { force: true });
      const first = synth();
      const written = fs.statSync(cacheFile);
      expect(written.size).toBeGreaterThan(10_000);
      // WHEN the next run finds it, THEN it uses it and leaves it as it is, and prints the same
      expect(synth()).toBe(first);
      expect(fs.statSync(cacheFile).mtimeMs).toBe(written.mtimeMs);
      // AND a cache V8 refuses (here: not one at all) is only time lost: the run is the same, and writes a good one
      fs.writeFileSync(cacheFile, 'not a code cache');
      expect(synth()).toBe(first);
      expect(fs.statSync(cacheFile).size).toBeGreaterThan(10_000);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('scripts/build.js', () => {
  test('builds into each bundle its identity, the hash of the bundle as esbuild wrote it: the key of the render cache, unread', () => {
    const ids = ['main.bundle.js', 'plan.js'].map((name) => {
      const code = fs.readFileSync(path.join(ROOT, 'build', name), 'utf-8');
      const id = /\.test\("([0-9a-f]{32})"\)/.exec(code)?.[1] ?? '';
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const written = code.split(JSON.stringify(id)).join(JSON.stringify('PYWEB_BUNDLE_ID:unstamped'));
      expect(createHash('sha256').update(written).digest('hex').slice(0, 32)).toBe(id);
      return id;
    });
    expect(ids[0]).not.toBe(ids[1]);
  });

  test('does nothing when no input of the last bundle changed', () => {
    const before = fs.statSync(path.join(ROOT, 'build/main.js')).mtimeMs;
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { cwd: ROOT, encoding: 'utf-8' });
    expect(r.status).toBe(0);
    expect(fs.statSync(path.join(ROOT, 'build/main.js')).mtimeMs).toBe(before);
  });
});
