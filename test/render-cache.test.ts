import * as fs from 'fs';
import * as path from 'path';
import { synth } from '../lib/synth';
import { RenderCache, packageVersion } from '../lib/write/render-cache';
import { main } from '../lib/commands/synth-command';
import { capture } from './_capture';
import { SEED } from './_fast-check';
import { ROOT, readTree, tempDir } from './_cli';
import { requiredPackages } from './_required-packages';

const { fleetStack } = require('../scripts/fleet.js');

/** A stack file with deploy targets (each an override of the base). */
function targetsStack(name: string, image: string, stagingReplicas: number): string {
  return [
    `name: ${name}`,
    'environment: production',
    `web: {image: "${image}", framework: flask}`,
    'secrets: {source: existing, keys: [APP_KEY]}',
    'targets:',
    '  staging:',
    '    environment: staging',
    `    web: {autoscaling: {minReplicas: ${stagingReplicas}, maxReplicas: 6}}`,
    '  prod-eu:',
    '    region: eu',
    '    namespace: ${name}-${region}',
    '',
  ].join('\n');
}

/** A small deterministic random generator (mulberry32), seeded like the property tests. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let work: string;
beforeEach(() => { work = tempDir('render-cache-'); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const stackFile = (i: number, tag = 0) => `${JSON.stringify({ ...fleetStack(i), web: { ...fleetStack(i).web, image: `registry.example.com/svc-${i}:2.${tag}.0` } }, null, 1)}\n`;

describe('incremental synth (the render cache)', () => {
  test('a fleet rendered warm after random edits is, every time, byte for byte the cold render', () => {
    // GIVEN a fleet of stack files, two of them with deploy targets
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      fs.writeFileSync(path.join(stacks, `svc-${i}.yaml`), stackFile(i));
      names.push(`svc-${i}.yaml`);
    }
    fs.writeFileSync(path.join(stacks, 'multi-a.yaml'), targetsStack('multi-a', 'a/b:1', 2));
    fs.writeFileSync(path.join(stacks, 'multi-b.yaml'), targetsStack('multi-b', 'a/c:1', 3));
    const warm = path.join(work, 'warm');
    const cold = path.join(work, 'cold');
    const first = synth({ configs: [stacks], outdir: warm });
    expect(first.stackFiles).toEqual({ rendered: 14, reused: 0 });

    const next = random(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    let added = 100;
    const seen: string[] = [];
    for (let round = 0; round < 4; round++) {
      // WHEN some stack files change at random: an image, a target's override, a file gone,
      // one new, one back to bytes it had before
      const edits: string[] = [];
      for (let k = 0; k < 3; k++) {
        const kind = pick(['image', 'override', 'remove', 'add', 'restore']);
        const files = fs.readdirSync(stacks).sort();
        if (kind === 'image') {
          const file = pick(files.filter((f) => f.startsWith('svc-')));
          seen.push(`${file}\0${fs.readFileSync(path.join(stacks, file), 'utf-8')}`);
          fs.writeFileSync(path.join(stacks, file), stackFile(Number(/\d+/.exec(file)![0]), Math.floor(next() * 1000)));
        } else if (kind === 'override') {
          const file = pick(['multi-a.yaml', 'multi-b.yaml']);
          fs.writeFileSync(path.join(stacks, file), targetsStack(file.replace('.yaml', ''), 'a/b:1', 2 + Math.floor(next() * 4)));
        } else if (kind === 'remove' && files.length > 4) {
          fs.rmSync(path.join(stacks, pick(files.filter((f) => f.startsWith('svc-')))));
        } else if (kind === 'add') {
          fs.writeFileSync(path.join(stacks, `svc-${added}.yaml`), stackFile(added++));
        } else if (kind === 'restore' && seen.length > 0) {
          const [file, text] = pick(seen).split('\0');
          fs.writeFileSync(path.join(stacks, file), text);
        }
        edits.push(kind);
      }
      const warmResult = synth({ configs: [stacks], outdir: warm });
      const coldResult = synth({ configs: [stacks], outdir: cold, cache: false });
      // THEN the warm output equals the cold one, every byte of every file, README and
      // kustomization included; and so does what the run reports
      expect({ round, edits, tree: readTree(warm) }).toEqual({ round, edits, tree: readTree(cold) });
      expect(warmResult.files).toEqual(coldResult.files);
      // AND only what changed was rendered (the cache was used at all)
      expect(warmResult.stackFiles!.reused).toBeGreaterThanOrEqual(fs.readdirSync(stacks).length - 3);
      expect(coldResult.stackFiles).toEqual({ rendered: fs.readdirSync(stacks).length, reused: 0 });
    }
    // The cold runs (cache: false) neither read nor wrote a cache of their own.
    expect(fs.existsSync(path.join(work, '.cold.cache'))).toBe(false);
  });

  test('an entry whose description is missing, half-written or whose manifest was written into is never used', () => {
    // GIVEN a warm cache of three stack files
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(stacks, `svc-${i}.yaml`), stackFile(i));
    const out = path.join(work, 'out');
    synth({ configs: [stacks], outdir: out });
    const expected = readTree(out);
    const cacheDir = path.join(work, '.out.cache');
    const descriptions = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
    expect(descriptions).toHaveLength(3);
    const texts = descriptions.map((d) => [path.join(cacheDir, d), fs.readFileSync(path.join(cacheDir, d), 'utf-8')]);
    const describing = (stack: string) => texts.find(([, text]) => text.includes(`/${stack}.k8s.yaml`))![0];
    // WHEN one description is gone (a run killed before writing it), one is cut short, and one
    // stack's manifest was appended to in place through the output folder (a hard link)
    fs.rmSync(describing('svc-0000'));
    const cut = describing('svc-0001');
    fs.writeFileSync(cut, fs.readFileSync(cut, 'utf-8').slice(0, 40));
    const linked = Object.keys(expected).find((f) => f.endsWith('svc-0002.k8s.yaml'))!;
    fs.appendFileSync(path.join(out, linked), '# edited by hand\n');
    // AND a killed run's leftovers lie in the cache folder
    fs.writeFileSync(path.join(cacheDir, 'ffff.0.yaml.123-ab.tmp'), 'half');
    fs.writeFileSync(path.join(cacheDir, 'eeee.0.yaml'), 'kind: Leftover\n');
    const result = synth({ configs: [stacks], outdir: out });
    // THEN all three are rendered again, and the output is the render, not the edit
    expect(result.stackFiles).toEqual({ rendered: 3, reused: 0 });
    expect(readTree(out)).toEqual(expected);
    // AND the leftovers are gone, the cache whole again: the next run reuses everything
    expect(fs.readdirSync(cacheDir).filter((f) => !/^[0-9a-f]{32}\.(0\.yaml|json)$/.test(f))).toEqual([]);
    expect(synth({ configs: [stacks], outdir: out }).stackFiles).toEqual({ rendered: 0, reused: 3 });
    expect(readTree(out)).toEqual(expected);
  });

  test('fails if a stack file is bad: the output and the cache are left exactly as they were', () => {
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    fs.writeFileSync(path.join(stacks, 'a.yaml'), stackFile(1));
    const out = path.join(work, 'out');
    synth({ configs: [stacks], outdir: out });
    const before = { out: readTree(out), cache: readTree(path.join(work, '.out.cache')) };
    fs.writeFileSync(path.join(stacks, 'b.yaml'), 'name: b\nweb: {image: x:1, replicas: lots}\n');
    expect(() => synth({ configs: [stacks], outdir: out })).toThrow(/replicas/);
    expect({ out: readTree(out), cache: readTree(path.join(work, '.out.cache')) }).toEqual(before);
  });

  test('--no-cache renders every stack file and leaves the cache alone', () => {
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    for (let i = 0; i < 2; i++) fs.writeFileSync(path.join(stacks, `svc-${i}.yaml`), stackFile(i));
    const out = path.join(work, 'out');
    synth({ configs: [stacks], outdir: out });
    const cacheBefore = readTree(path.join(work, '.out.cache'));
    const output = readTree(out);
    // WHEN a cached manifest no longer matches what its stack renders (the cache is trusted
    // when its file is as written, so only a run that does not read it renders the truth)
    const cached = Object.keys(cacheBefore).find((f) => f.endsWith('.yaml'))!;
    const file = path.join(work, '.out.cache', cached);
    const stat = fs.statSync(file);
    fs.writeFileSync(file, cacheBefore[cached].replace('apiVersion', 'apiVersioN'));
    fs.utimesSync(file, stat.atime, stat.mtime);
    const r = capture(() => main(['--no-cache', '--config', stacks, '--outdir', out]));
    // THEN the output is the render, and the cache was neither read nor rewritten
    expect(r.code).toBe(0);
    expect(readTree(out)).toEqual(output);
    expect(Object.keys(readTree(path.join(work, '.out.cache'))).sort()).toEqual(Object.keys(cacheBefore).sort());
    expect(capture(() => main(['--help'])).stdout).toMatch(/--no-cache +render every stack file/);
  });

  test('a cache folder that cannot be written costs time, never the run', () => {
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    fs.writeFileSync(path.join(stacks, 'a.yaml'), stackFile(1));
    fs.writeFileSync(path.join(stacks, 'b.yaml'), targetsStack('multi', 'a/b:1', 2));
    const expected = path.join(work, 'expected');
    synth({ configs: [stacks], outdir: expected, cache: false });
    // GIVEN a file where the cache folder goes
    fs.writeFileSync(path.join(work, '.out.cache'), 'not a folder');
    const out = path.join(work, 'out');
    expect(synth({ configs: [stacks], outdir: out }).stackFiles).toEqual({ rendered: 2, reused: 0 });
    expect(readTree(out)).toEqual(readTree(expected));
    expect(fs.readFileSync(path.join(work, '.out.cache'), 'utf-8')).toBe('not a folder');
  });

  test('entries looked up before the lock are checked again after it: one replaced meanwhile is not linked', () => {
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    fs.writeFileSync(path.join(stacks, 'a.yaml'), stackFile(1));
    const out = path.join(work, 'out');
    synth({ configs: [stacks], outdir: out });
    // GIVEN a run's look-up of an entry
    const cache = new RenderCache(out);
    const text = fs.readFileSync(path.join(stacks, 'a.yaml'), 'utf-8');
    const entry = cache.get(cache.keyOf(path.join(stacks, 'a.yaml'), text))!;
    expect(entry.targets).toHaveLength(1);
    expect(cache.stillValid()).toBe(true);
    // WHEN another run replaces its manifest before this one holds the lock, THEN it says so
    fs.rmSync(cache.manifestFile(entry.targets[0]));
    fs.writeFileSync(cache.manifestFile(entry.targets[0]), 'kind: Other\n');
    expect(cache.stillValid()).toBe(false);
  });

  test('an entry is keyed on the tool build, the stack file path and its bytes', () => {
    const out = path.join(work, 'out');
    const key = (build: string, file: string, text: string) => new RenderCache(out, build).keyOf(file, text);
    const base = key('build-1', 'stacks/a.yaml', 'name: a\n');
    expect(key('build-1', 'stacks/a.yaml', 'name: a\n')).toBe(base);
    expect(key('build-2', 'stacks/a.yaml', 'name: a\n')).not.toBe(base);
    expect(key('build-1', 'stacks/b.yaml', 'name: a\n')).not.toBe(base);
    expect(key('build-1', 'stacks/a.yaml', 'name: a \n')).not.toBe(base);
    expect(new RenderCache(out, 'x').dir).toBe(path.join(work, '.out.cache'));
  });

  test('a run that reuses every stack file loads neither cdk8s, constructs, the YAML reader nor the validators', () => {
    const out = path.join(work, 'out');
    const stacks = path.join(work, 'stacks');
    fs.cpSync(path.join(ROOT, 'examples'), stacks, { recursive: true });
    const required = () => {
      const r = requiredPackages(work, [path.join(ROOT, 'build/main.js'), '--config', stacks, '--outdir', out]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.packages;
    };
    const heavy = ['ajv', 'cdk8s', 'constructs', 'js-yaml'];
    const heavyOf = (loaded: string[]) => heavy.filter((p) => loaded.includes(p));
    // GIVEN a first run, which renders every stack file and so loads them all
    expect(heavyOf(required())).toEqual(heavy);
    const first = readTree(out);
    // WHEN the next run finds every stack file unchanged, THEN it loads none, and writes the same
    expect(heavyOf(required())).toEqual([]);
    expect(readTree(out)).toEqual(first);
    // AND a run with one stack file changed loads them again
    fs.appendFileSync(path.join(stacks, fs.readdirSync(stacks).filter((f) => f.endsWith('.yaml')).sort()[0]), '# edited\n');
    expect(heavyOf(required())).toEqual(heavy);
  });

  test('the packages in the tool build are the versions require loads, read without require', () => {
    for (const name of ['cdk8s', 'constructs', 'js-yaml', 'ajv', 'ajv-formats']) {
      expect(packageVersion(name)).toBe(require(`${name}/package.json`).version);
    }
    expect(packageVersion('no-such-package-pyweb')).toBe('unknown');
  });
});
