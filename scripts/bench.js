#!/usr/bin/env node
// `npm run bench`: how long a user waits for `npm run synth`, ours against the cdk8s-init
// default (`cdk8s synth` running `npx ts-node main.ts`, type-checking on every run).
// Prints figures; asserts nothing. Run on an otherwise idle machine.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function timeIt(cmd, args, opts = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf-8', ...opts });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function row(label, ms) {
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms`);
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
try {
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  console.log(`median of ${RUNS} runs, examples/ -> a scratch folder\n`);
  timeIt('npm', ['run', '--silent', 'synth', '--', '--outdir', path.join(out, 'warm')]);
  row('npm run synth (esbuild bundle + node), nothing changed', median(Array.from({ length: RUNS }, () =>
    timeIt('npm', ['run', '--silent', 'synth', '--', '--outdir', path.join(out, 'a')]))));
  row('node build/main.js alone (already bundled)', median(Array.from({ length: RUNS }, () =>
    timeIt(process.execPath, ['build/main.js', '--outdir', path.join(out, 'b')]))));
  const tsNode = path.join(root, 'node_modules/.bin/ts-node');
  if (fs.existsSync(tsNode)) {
    row('cdk8s-init default: ts-node main.ts (type-checks each run)', median(Array.from({ length: Math.min(RUNS, 3) }, () =>
      timeIt(tsNode, ['main.ts', '--outdir', path.join(out, 'c')]))));
  } else {
    console.log('ts-node is not installed: `npm i --no-save ts-node` to compare with the cdk8s-init default');
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
