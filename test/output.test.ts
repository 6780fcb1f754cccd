import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { synth } from '../lib/synth';
import { writeOutput } from '../lib/write/staged-output';
import { ROOT, buildCli, readTree, runCli, tempDir } from './_cli';

const { writeFleet } = require('../scripts/fleet.js');

/** Resolves when `condition` holds (polled every 2 ms), or fails after `ms`. */
async function eventually(condition: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not so after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A previous output of `n` manifest files (written moments ago: the fastest to remove). */
function largeOutput(out: string, n: number): void {
  writeOutput(out, Array.from({ length: n }, (_, i) => ({ path: `development/f${i}.k8s.yaml`, content: `old ${i}\n`, objects: [] })));
}

/** The folders beside the output that are being removed (`.out.new-<pid>-<suffix>.del`), with their owner's pid. */
function removals(work: string): Array<{ name: string; pid: number }> {
  return fs.readdirSync(work).filter((f) => /^\.out\.new-\d+-.*\.del$/.test(f)).map((name) => ({ name, pid: Number(name.split('-')[1]) }));
}

/** Resolves when `condition` holds (polled every 2 ms) or the process exited. */
async function until(condition: () => boolean, exited: Promise<unknown>): Promise<void> {
  let done = false;
  exited.then(() => { done = true; });
  while (!done && !condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('output folder', () => {
  let work: string;
  beforeAll(buildCli);
  beforeEach(() => { work = tempDir(); });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  test('a synth killed mid-flight leaves the previous output exactly as it was (or the complete new one)', async () => {
    // GIVEN a previous output, and a fleet large enough that a run takes a while
    const out = path.join(work, 'out');
    fs.mkdirSync(path.join(work, 'old'));
    fs.writeFileSync(path.join(work, 'old/one.yaml'), 'name: one\nweb: {image: a/b:1, framework: flask}\n');
    expect(runCli(['--config', path.join(work, 'old'), '--outdir', out]).code).toBe(0);
    const before = readTree(out);
    writeFleet(path.join(work, 'fleet'), 300);
    const complete = path.join(work, 'complete');
    expect(runCli(['--config', path.join(work, 'fleet'), '--outdir', complete]).code).toBe(0);
    const after = readTree(complete);

    // WHEN runs are killed at different moments, by different signals: before anything is
    // written, and as soon as the staging folder appears (while files are being written)
    const outcomes: string[] = [];
    const trials: Array<[NodeJS.Signals, 'early' | 'writing']> = [['SIGKILL', 'early'], ['SIGKILL', 'writing'], ['SIGTERM', 'writing'], ['SIGINT', 'writing'], ['SIGKILL', 'writing']];
    for (const [signal, moment] of trials) {
      const child = spawn(process.execPath, [path.join(ROOT, 'build/main.js'), '--config', path.join(work, 'fleet'), '--outdir', out], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (moment === 'early') await new Promise((resolve) => setTimeout(resolve, 100));
      else await until(() => fs.readdirSync(work).some((f) => f.startsWith('.out.new-')), exited);
      child.kill(signal);
      await exited;
      // THEN the folder holds exactly the old output or exactly the new one, never a mix
      const now = JSON.stringify(readTree(out));
      const state = now === JSON.stringify(before) ? 'old' : now === JSON.stringify(after) ? 'new' : 'MIXED';
      outcomes.push(`${signal} ${moment}: ${state}`);
      if (state === 'new') expect(runCli(['--config', path.join(work, 'old'), '--outdir', out]).code).toBe(0);
    }
    expect(outcomes.filter((o) => o.endsWith('MIXED'))).toEqual([]);
    // The early kill must hit before the swap, or the trial proved nothing.
    expect(outcomes[0]).toBe('SIGKILL early: old');
    // AND the next run cleans up whatever the killed runs left beside the folder (the render
    // cache stays, holding exactly that run's entries: what killed runs put there is gone)
    expect(runCli(['--config', path.join(work, 'old'), '--outdir', out]).code).toBe(0);
    // (but for a previous output still being removed in the background, which goes soon after)
    await eventually(() => removals(work).length === 0);
    expect(fs.readdirSync(work).filter((f) => f.startsWith('.out.') && f !== '.out.cache')).toEqual([]);
    expect(fs.readdirSync(path.join(work, '.out.cache')).map((f) => f.replace(/^[0-9a-f]+/, 'key')).sort()).toEqual(['key.0.yaml', 'key.json']);
  }, 90_000);

  test('a run killed between the two renames is repaired by the next run', () => {
    // GIVEN what a kill between "retire the old folder" and "move the new one in" leaves
    const out = path.join(work, 'out');
    const retired = path.join(work, '.out.new-999999999-abc.old');
    fs.mkdirSync(path.join(retired, 'development'), { recursive: true });
    fs.writeFileSync(path.join(retired, 'development/a.k8s.yaml'), 'previous');
    fs.mkdirSync(path.join(work, '.out.new-999999999-abc'));
    // WHEN the next run starts, THEN the previous output is back in place before it is replaced
    writeOutput(out, [{ path: 'development/b.k8s.yaml', content: 'next', objects: [] }]);
    const tree = readTree(out);
    expect(Object.keys(tree).sort()).toEqual(['development/README.md', 'development/b.k8s.yaml', 'development/kustomization.yaml']);
    expect(tree['development/b.k8s.yaml']).toBe('next');
    expect(fs.readdirSync(work).sort()).toEqual(['out']);
  });

  test('a failing write leaves the previous output and no staging folder', () => {
    const out = path.join(work, 'out');
    writeOutput(out, [{ path: 'a/x.k8s.yaml', content: 'one', objects: [] }]);
    const previous = readTree(out);
    expect(previous['a/x.k8s.yaml']).toBe('one');
    // A file path that cannot be created (a file where a folder must go).
    expect(() => writeOutput(out, [{ path: 'a', content: 'x', objects: [] }, { path: 'a/y.k8s.yaml', content: 'two', objects: [] }])).toThrow();
    expect(readTree(out)).toEqual(previous);
    expect(fs.readdirSync(work)).toEqual(['out']);
  });
});

describe('removing the previous output', () => {
  let work: string;
  let out: string;
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const newOutput = { 'development/README.md': expect.any(String), 'development/kustomization.yaml': expect.any(String), 'development/new.k8s.yaml': 'new' };
  beforeAll(buildCli);
  beforeEach(() => {
    work = tempDir();
    out = path.join(work, 'out');
  });
  // Never under a deleter still at work: each test waits for its removal to end.
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  test('a run that replaces a large output returns before the old one is removed, and a process of its own then removes it', async () => {
    // GIVEN a previous output of 3,000 files
    largeOutput(out, 3000);
    // WHEN a run replaces it
    writeOutput(out, [{ path: 'development/new.k8s.yaml', content: 'new', objects: [] }]);
    // THEN the output is the new one at once, while the old one is still there to remove
    expect(readTree(out)).toEqual(newOutput);
    const [removal] = removals(work);
    expect(fs.readdirSync(path.join(work, removal.name, 'development'))).toHaveLength(3002);
    // AND a deleter of its own takes it over (renamed to its pid, so no run removes it meanwhile)
    // and removes it
    await eventually(() => removals(work).every((r) => r.pid !== process.pid));
    await eventually(() => removals(work).length === 0);
    expect(fs.readdirSync(work)).toEqual(['out']);
  });

  test('the command line returns before the old output is removed: the deleter holds none of its output open', async () => {
    // GIVEN a previous output of 4,000 files, and a stack file
    largeOutput(out, 4000);
    fs.writeFileSync(path.join(work, 'one.yaml'), 'name: one\nweb: {image: a/b:1, framework: flask}\n');
    // WHEN the command line replaces it, its stdout and stderr read to their end
    const run = runCli(['--config', path.join(work, 'one.yaml'), '--outdir', out]);
    expect(run.code).toBe(0);
    // THEN it has ended while the old output is still being removed
    expect(removals(work)).toHaveLength(1);
    expect(Object.keys(readTree(out)).sort()).toEqual(['development/README.md', 'development/kustomization.yaml', 'development/one.k8s.yaml']);
    await eventually(() => removals(work).length === 0);
    expect(fs.readdirSync(work).sort()).toEqual(['.out.cache', 'one.yaml', 'out']);
  });

  test('a run started while a deleter removes a previous output leaves it alone, and a killed deleter\'s leftover is removed by the next run', async () => {
    // GIVEN a deleter at work on a previous output of 6,000 files
    largeOutput(out, 6000);
    writeOutput(out, [{ path: 'development/new.k8s.yaml', content: 'new', objects: [] }]);
    await eventually(() => removals(work).some((r) => r.pid !== process.pid));
    const [deleter] = removals(work);
    // WHEN another run replaces the output meanwhile
    writeOutput(out, [{ path: 'development/new.k8s.yaml', content: 'new', objects: [] }]);
    // THEN the deleter's folder is left to it
    expect(removals(work).map((r) => r.name)).toEqual([deleter.name]);
    expect(readTree(out)).toEqual(newOutput);
    // WHEN the deleter is killed half-way
    process.kill(deleter.pid, 'SIGKILL');
    await eventually(() => !isAlive(deleter.pid));
    expect(fs.readdirSync(path.join(work, deleter.name, 'development')).length).toBeGreaterThan(0);
    // THEN the next run removes what it left, and writes the complete new output
    writeOutput(out, [{ path: 'development/new.k8s.yaml', content: 'new', objects: [] }]);
    expect(fs.readdirSync(work)).toEqual(['out']);
    expect(readTree(out)).toEqual(newOutput);
  });

  test('a folder being removed is never put back in place of a missing output', () => {
    // GIVEN what a deleter killed before its first file leaves, and no output folder
    const discarded = path.join(work, '.out.new-999999999-abc.del');
    fs.mkdirSync(path.join(discarded, 'development'), { recursive: true });
    fs.writeFileSync(path.join(discarded, 'development/old.k8s.yaml'), 'old');
    // WHEN the next run starts, THEN it removes it (only a `.old` folder is a previous output)
    writeOutput(out, [{ path: 'development/new.k8s.yaml', content: 'new', objects: [] }]);
    expect(readTree(out)).toEqual(newOutput);
    expect(fs.readdirSync(work)).toEqual(['out']);
  });

  test('render cache entries a run did not use are removed after it by a process of its own when many, at once when few', async () => {
    // GIVEN a cached render of one stack file, and 3,000 entries of an older build of the tool
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    fs.writeFileSync(path.join(stacks, 'one.yaml'), 'name: one\nweb: {image: a/b:1, framework: flask}\n');
    synth({ configs: [stacks], outdir: out });
    const cacheDir = path.join(work, '.out.cache');
    const entry = fs.readdirSync(cacheDir).sort();
    expect(entry).toHaveLength(2);
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(cacheDir, `${String(i).padStart(32, 'f')}.0.yaml`), `old ${i}\n`);
    // WHEN a run reuses the one entry
    expect(synth({ configs: [stacks], outdir: out }).stackFiles).toEqual({ rendered: 0, reused: 1 });
    // THEN the cache holds it alone at once, the others moved beside the output to be removed
    expect(fs.readdirSync(cacheDir).sort()).toEqual(entry);
    const [removal] = removals(work);
    expect(removal).toBeDefined();
    // AND a process of its own removes them
    await eventually(() => removals(work).length === 0);
    expect(fs.readdirSync(work).sort()).toEqual(['.out.cache', 'out', 'stacks']);
    // WHEN the stack file changes (its old entry, two files, unused)
    fs.writeFileSync(path.join(stacks, 'one.yaml'), 'name: one\nweb: {image: a/b:2, framework: flask}\n');
    expect(synth({ configs: [stacks], outdir: out }).stackFiles).toEqual({ rendered: 1, reused: 0 });
    // THEN they are gone when the run returns
    expect(fs.readdirSync(work).sort()).toEqual(['.out.cache', 'out', 'stacks']);
    expect(fs.readdirSync(cacheDir)).toHaveLength(2);
    expect(fs.readdirSync(cacheDir).sort()).not.toEqual(entry);
  });

  test('when no deleter can be started, the old output is removed before the run returns', () => {
    // GIVEN a large previous output, and a Node.js executable that is not there (spawn fails)
    largeOutput(out, 3000);
    const execPath = process.execPath;
    process.execPath = path.join(work, 'no-such-node');
    try {
      // WHEN a run replaces it
      writeOutput(out, [{ path: 'development/new.k8s.yaml', content: 'new', objects: [] }]);
    } finally {
      process.execPath = execPath;
    }
    // THEN it is gone already, and the output is the new one
    expect(fs.readdirSync(work)).toEqual(['out']);
    expect(readTree(out)).toEqual(newOutput);
  });
});
