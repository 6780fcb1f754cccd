#!/usr/bin/env node
// `npm run bench`: prints figures, asserts nothing. Run it on an otherwise idle machine.
//  1. How long a user waits for `npm run synth` on the examples, against the cdk8s-init default
//     (`ts-node main.ts`, type-checking on every run).
//  2. Fleets of 10 ... 2000 generated stacks of mixed shapes: wall time, peak RSS and objects
//     written by `node build/main.js --config <dir>`, and, over the same construct tree,
//     cdk8s's own App.synth() (capped by BENCH_LIMIT_S, reported as "> limit").
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeFleet } = require('./fleet.js');

const root = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LIMIT_S = Number(process.env.BENCH_LIMIT_S ?? 60);
const FLEETS = (process.env.BENCH_FLEETS ?? '10,100,500,1000,2000').split(',').map(Number);

/** Runs a command; wall time in ms, peak RSS in MiB, stdout; or undefined past the time limit. */
function run(cmd, args, timeoutMs) {
  const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf-8', timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, BENCH_RSS_FILE: rssFile } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.signal === 'SIGKILL') return undefined;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  const rss = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf-8')) / 1024 : NaN;
  fs.rmSync(rssFile, { force: true });
  return { ms, rss, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms === undefined ? `> ${LIMIT_S} s` : `${(ms / 1000).toFixed(2)} s`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
try {
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`);

  console.log(`\n1. examples/ (median of ${RUNS} runs)`);
  run('npm', ['run', '--silent', 'synth', '--', '--outdir', path.join(work, 'warm')]);
  const npmSynth = median(Array.from({ length: RUNS }, () => run('npm', ['run', '--silent', 'synth', '--', '--outdir', path.join(work, 'a')]).ms));
  const nodeOnly = median(Array.from({ length: RUNS }, () => run(process.execPath, ['build/main.js', '--outdir', path.join(work, 'b')]).ms));
  console.log(`   npm run synth, nothing changed (esbuild bundle + node)   ${fmt(npmSynth)}`);
  console.log(`   node build/main.js alone                                 ${fmt(nodeOnly)}`);
  const tsNode = path.join(root, 'node_modules/.bin/ts-node');
  if (fs.existsSync(tsNode)) {
    const ts = median(Array.from({ length: Math.min(RUNS, 3) }, () => run(tsNode, ['main.ts', '--outdir', path.join(work, 'c')]).ms));
    console.log(`   cdk8s-init default: ts-node main.ts (type-checks)        ${fmt(ts)}`);
  }

  console.log(`\n2. fleets: node build/main.js --config <dir> (whole process), vs cdk8s App.synth() on the same tree`);
  console.log('   stacks   objects   wall (ours)   peak RSS (ours)   wall (cdk8s App.synth)');
  const results = {};
  for (const n of FLEETS) {
    const dir = path.join(work, `fleet-${n}`);
    writeFleet(dir, n);
    const ours = run(process.execPath, ['--require', './scripts/bench-rss.js', 'build/main.js', '--config', dir, '--outdir', path.join(work, `out-${n}`)], LIMIT_S * 1000);
    const objects = ours ? Number(/(\d+) objects/.exec(ours.stdout)[1]) : NaN;
    const theirs = run(process.execPath, ['scripts/bench-cdk8s.js', dir], LIMIT_S * 1000);
    results[n] = ours?.ms;
    console.log(`   ${String(n).padStart(6)}   ${String(objects).padStart(7)}   ${fmt(ours?.ms).padStart(11)}   ${`${ours ? ours.rss.toFixed(0) : '-'} MiB`.padStart(15)}   ${fmt(theirs?.ms).padStart(22)}`);
    fs.rmSync(path.join(work, `out-${n}`), { recursive: true, force: true });
  }
  if (results[500] && results[2000]) console.log(`\n   time(2000) / time(500) = ${(results[2000] / results[500]).toFixed(2)} (linear would be 4)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
