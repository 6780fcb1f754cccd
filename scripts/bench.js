#!/usr/bin/env node
// `npm run bench`: prints figures, asserts nothing. Run it on an otherwise idle machine. On a
// shared machine absolute times drift with the load, so every comparison is measured side by
// side: each round runs all the commands compared, back to back, and the figures are medians
// of the per-round ratios (and of the times).
//  1. The examples: `node build/main.js` with nothing changed and with --no-cache, each against
//     `node` requiring exactly the packages that run requires (its floor: none of cdk8s and the
//     rest when nothing is rendered); `npm run synth` with nothing changed; the cdk8s-init
//     default (`ts-node main.ts`, type-checking on every run).
//  2. 1,000 stacks: cold (`--no-cache`), warm with 1 stack file changed and with none changed,
//     and the floor (the same objects emitted, written and validated, nothing else), with each
//     figure's ratio to the floor and to the cold render.
//  3. Fleets of 10 ... 2000 generated stacks of mixed shapes, cold: wall time, peak RSS and
//     objects written, and, over the same construct tree, cdk8s's own App.synth() (capped by
//     BENCH_LIMIT_S, reported as "> limit").
//  4. The policy checks over the 1,000 stacks' objects as one output (in process).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const yaml = require('js-yaml');
const { writeFleet } = require('./fleet.js');

const root = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LIMIT_S = Number(process.env.BENCH_LIMIT_S ?? 60);
const FLEETS = (process.env.BENCH_FLEETS ?? '10,100,500,1000,2000').split(',').filter(Boolean).map(Number);
const LARGE = Number(process.env.BENCH_LARGE ?? 1000);

/** Runs a command; wall time in ms, peak RSS in MiB, stdout; or undefined past the time limit. */
function run(cmd, args, timeoutMs, env = {}) {
  const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf-8', timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, BENCH_RSS_FILE: rssFile, ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.signal === 'SIGKILL') return undefined;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  const rss = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf-8')) / 1024 : NaN;
  fs.rmSync(rssFile, { force: true });
  awaitDeleters();
  return { ms, rss, stdout: r.stdout };
}

/**
 * Waits (unmeasured) until no previous output is being removed in the bench's folder: a run
 * leaves that removal to a detached process (`*.del`), which would otherwise slow whichever
 * command is measured next.
 */
function awaitDeleters() {
  // Every output folder of the bench is in `work`, and so is the folder being removed beside it.
  const deadline = Date.now() + 60_000;
  const busy = () => fs.readdirSync(work).some((name) => name.endsWith('.del'));
  while (busy() && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms === undefined ? `> ${LIMIT_S} s` : `${(ms / 1000).toFixed(2)} s`);
const ratio = (x) => `${x.toFixed(2)} x`;

/**
 * Runs `rounds` rounds of the named commands, back to back in each round (their order rotated
 * from round to round), after one unmeasured round; each command's median time, and each
 * one's median ratio to `base`.
 */
function paired(commands, base, rounds = RUNS) {
  const names = Object.keys(commands);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -1; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
    const ms = {};
    for (const name of order) ms[name] = commands[name]();
    if (round >= 0) for (const name of names) times[name].push(ms[name]);
  }
  const result = {};
  for (const name of names) {
    result[name] = { ms: median(times[name]), ratio: median(times[name].map((t, i) => t / times[base][i])) };
  }
  return result;
}

/** Whether the command line has an output cache to bypass (`--no-cache`). */
function hasCache() {
  return run(process.execPath, ['build/main.js', '--help']).stdout.includes('--no-cache');
}

/** The rendered objects of an output folder, as bench-floor.js reads them. */
function objectsOf(outdir) {
  const files = [];
  for (const target of fs.readdirSync(outdir).sort()) {
    for (const name of fs.readdirSync(path.join(outdir, target)).sort()) {
      if (!name.endsWith('.k8s.yaml')) continue;
      files.push({ path: `${target}/${name}`, objects: yaml.loadAll(fs.readFileSync(path.join(outdir, target, name), 'utf-8')) });
    }
  }
  return files;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
try {
  run(process.execPath, ['scripts/build.js']);
  const cache = hasCache();
  const noCache = cache ? ['--no-cache'] : [];
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  console.log(`\n1. examples/ (medians of ${RUNS} paired rounds)`);
  // Each run against `node` requiring exactly the packages that run requires: a render all of
  // them; a run with nothing to render (every stack file reused from the render cache) fewer.
  const depsOf = (extra) => {
    const depsFile = path.join(work, 'deps.json');
    run(process.execPath, ['--require', './scripts/bench-deps.js', 'build/main.js', '--outdir', path.join(work, 'warm'), ...extra], undefined, { BENCH_DEPS_FILE: depsFile });
    return JSON.parse(fs.readFileSync(depsFile, 'utf-8'));
  };
  const renderDeps = depsOf(noCache);
  // (the first run with the cache renders and fills it; the second has nothing to render)
  if (cache) run(process.execPath, ['build/main.js', '--outdir', path.join(work, 'warm')]);
  const warmDeps = cache ? depsOf([]) : renderDeps;
  const requiring = (deps) => deps.map((d) => `require(${JSON.stringify(d)});`).join('');
  const examples = paired({
    deps: () => run(process.execPath, ['-e', requiring(renderDeps)]).ms,
    ...(cache ? { warmDeps: () => run(process.execPath, ['-e', requiring(warmDeps)]).ms } : {}),
    main: () => run(process.execPath, ['build/main.js', '--outdir', path.join(work, 'a')]).ms,
    ...(cache ? { mainCold: () => run(process.execPath, ['build/main.js', '--no-cache', '--outdir', path.join(work, 'b')]).ms } : {}),
    npm: () => run('npm', ['run', '--silent', 'synth', '--', '--outdir', path.join(work, 'c')]).ms,
  }, 'deps');
  const warmBase = cache ? examples.warmDeps : examples.deps;
  const per = (r, base) => ratio(r.ratio / base.ratio);
  console.log('   run                                                      wall   / its packages');
  console.log(`   node -e requiring the modules a render requires (${renderDeps.length})         ${fmt(examples.deps.ms)}   1.00 x`);
  if (cache) console.log(`   node -e requiring those a run with nothing to render does (${warmDeps.length}) ${fmt(examples.warmDeps.ms)}   1.00 x`);
  console.log(`   node build/main.js${cache ? ', nothing changed' : ''}                        ${fmt(examples.main.ms)}   ${per(examples.main, warmBase)}`);
  if (cache) console.log(`   node build/main.js --no-cache                             ${fmt(examples.mainCold.ms)}   ${per(examples.mainCold, examples.deps)}`);
  console.log(`   npm run synth, nothing changed (bundle step + node)       ${fmt(examples.npm.ms)}   ${per(examples.npm, warmBase)}`);
  const tsNode = path.join(root, 'node_modules/.bin/ts-node');
  if (fs.existsSync(tsNode)) {
    // main.ts imports the package by name, which tsconfig "paths" maps to lib/ for the type-check
    // but Node resolves to the published bundle (out/, not built here): a preloaded hook maps it.
    const paths = path.join(work, 'ts-paths.js');
    fs.writeFileSync(paths, `const Module = require('module');
const resolve = Module._resolveFilename;
const to = { 'pyweb-cdk8s': ${JSON.stringify(path.join(root, 'lib/index.ts'))}, 'pyweb-cdk8s/constructs': ${JSON.stringify(path.join(root, 'constructs/index.ts'))} };
Module._resolveFilename = function (request, ...rest) { return resolve.call(this, to[request] ?? request, ...rest); };
`);
    try {
      const ts = median(Array.from({ length: Math.min(RUNS, 3) }, () => run(tsNode, ['-r', paths, 'main.ts', '--outdir', path.join(work, 'd')]).ms));
      console.log(`   cdk8s-init default: ts-node main.ts (type-checks)         ${fmt(ts)}`);
    } catch (err) {
      console.log(`   cdk8s-init default: ts-node main.ts: fails here (${err.message.split('\n').find((l) => l.startsWith('Error')) ?? 'error'})`);
    }
  }

  if (LARGE > 0) {
    console.log(`\n2. ${LARGE} stacks: whole processes, medians of ${RUNS} paired rounds`);
    const fleet = path.join(work, `large`);
    writeFleet(fleet, LARGE);
    const coldOut = path.join(work, 'large-cold');
    const warmOut = path.join(work, 'large-warm');
    const main = (out, extra = []) => run(process.execPath, ['--require', './scripts/bench-rss.js', 'build/main.js', '--config', fleet, '--outdir', out, ...extra]);
    main(coldOut, noCache);
    const objectsFile = path.join(work, 'large-objects.json');
    fs.writeFileSync(objectsFile, JSON.stringify(objectsOf(coldOut)));
    // The stack file edited between warm runs: its image tag alternates.
    const edited = path.join(fleet, fs.readdirSync(fleet).sort()[Math.floor(LARGE / 2)]);
    const original = fs.readFileSync(edited, 'utf-8');
    let edits = 0;
    const edit = () => fs.writeFileSync(edited, (++edits) % 2 ? original.replace(/:1\.(\d)\.0"/, ':1.$1.1"') : original);
    const large = paired({
      floor: () => {
        // Its previous output removed first, unmeasured: removing 1,000 files costs 0.2-2.5 s
        // depending on whether the disk has flushed them, which is no part of the floor (a
        // render leaves that removal to a process of its own).
        fs.rmSync(path.join(work, 'large-floor'), { recursive: true, force: true });
        return run(process.execPath, ['scripts/bench-floor.js', objectsFile, path.join(work, 'large-floor')]).ms;
      },
      cold: () => main(coldOut, noCache).ms,
      ...(cache ? {
        warm1: () => { edit(); return main(warmOut).ms; },
        warm0: () => main(warmOut).ms,
      } : {}),
    }, 'floor');
    // The warm ones in rotated order still see one change each (warm1 edits, warm0 follows it
    // in every order but one, where warm0 runs first and finds the previous round's edit done).
    console.log('   run                                         wall      / floor    / cold');
    const row = (label, r) => console.log(`   ${label.padEnd(42)} ${fmt(r.ms).padStart(7)}   ${ratio(r.ratio).padStart(7)}   ${ratio(r.ratio / large.cold.ratio).padStart(7)}`);
    row('floor (emit + write + validate, same objects)', large.floor);
    row(`cold${cache ? ' (--no-cache)' : ''}`, large.cold);
    if (cache) {
      row('warm, 1 stack file changed', large.warm1);
      row('warm, nothing changed', large.warm0);
    }
    const policy = JSON.parse(run(process.execPath, ['scripts/bench-policy.js', objectsFile]).stdout);
    console.log(`\n4. policy checks (every rule) over ${policy.objects} objects as one output, in process: ${fmt(policy.ms)} (${policy.findings} findings)`);
  }

  if (FLEETS.length > 0) {
    console.log(`\n3. fleets, cold: node build/main.js --config <dir>${cache ? ' --no-cache' : ''} (whole process), vs cdk8s App.synth() on the same tree`);
    console.log('   stacks   objects   wall (ours)   peak RSS (ours)   wall (cdk8s App.synth)');
    const results = {};
    for (const n of FLEETS) {
      const dir = path.join(work, `fleet-${n}`);
      writeFleet(dir, n);
      const ours = run(process.execPath, ['--require', './scripts/bench-rss.js', 'build/main.js', '--config', dir, '--outdir', path.join(work, `out-${n}`), ...noCache], LIMIT_S * 1000);
      const objects = ours ? Number(/(\d+) objects/.exec(ours.stdout)[1]) : NaN;
      const theirs = run(process.execPath, ['scripts/bench-cdk8s.js', dir], LIMIT_S * 1000);
      results[n] = ours?.ms;
      console.log(`   ${String(n).padStart(6)}   ${String(objects).padStart(7)}   ${fmt(ours?.ms).padStart(11)}   ${`${ours ? ours.rss.toFixed(0) : '-'} MiB`.padStart(15)}   ${fmt(theirs?.ms).padStart(22)}`);
      fs.rmSync(path.join(work, `out-${n}`), { recursive: true, force: true });
    }
    if (results[500] && results[2000]) console.log(`\n   time(2000) / time(500) = ${(results[2000] / results[500]).toFixed(2)} (linear would be 4)`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
