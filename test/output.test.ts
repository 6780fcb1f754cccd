import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeOutput } from '../lib/write/staged-output';
import { ROOT, buildCli, readTree, runCli, tempDir } from './_cli';

const { writeFleet } = require('../scripts/fleet.js');

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
