#!/usr/bin/env node
// Bundles main.ts (our code and the generated imports) into build/main.bundle.js, which
// build/main.js runs (through V8's code cache: scripts/run-bundle.js), plan.ts (the
// `npm run plan` comparison) into build/plan.js, init.ts (`npm run init`) into build/init.js,
// and the engine (lib/index.ts) into build/lib.js and scripts/bench-entry.ts into
// build/bench.js for the benchmark, with esbuild:
// transpile only, no type-checking at synth time. `npm test` type-checks once with tsc.
// Packages in node_modules stay external and load as they are.
//
// `npm run synth` runs this every time: when no input of the last bundle changed (every file
// esbuild read, by content, and this script, esbuild and the lockfile), and the bundles are
// still the ones it wrote, it does nothing. `--force` bundles anyway.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { validatorSourceFiles, validatorSourcesDefine } = require('./_validator-sources.js');
const { bundleIdDefine, stampBundleId } = require('./_bundle-id.js');

const root = path.resolve(__dirname, '..');
const outdir = path.join(root, 'build');
const stampFile = path.join(outdir, '.build-stamp.json');
const OUTPUTS = ['main.bundle.js', 'lib.js', 'plan.js', 'init.js', 'bench.js'];

const sha = (data) => crypto.createHash('sha256').update(data).digest('hex');
const read = (file) => {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
};

/**
 * What the bundles depend on besides the files esbuild reads: the bundler, its settings, the
 * packages, and what the validators are made from (built in as their caches' key).
 */
function toolchain() {
  const files = [__filename, path.join(__dirname, '_validator-sources.js'), path.join(__dirname, '_bundle-id.js'), path.join(__dirname, 'run-bundle.js'), path.join(root, 'package-lock.json'), require.resolve('esbuild/package.json'), ...validatorSourceFiles(root)];
  return sha(files.map((f) => `${f}\0${sha(read(f) ?? '')}`).join('\n'));
}

/** Whether the last bundle's inputs and outputs are all as it left them. */
function upToDate() {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return false;
  }
  if (stamp.toolchain !== toolchain()) return false;
  for (const [file, hash] of Object.entries(stamp.files)) {
    const data = read(path.join(root, file));
    if (data === undefined || sha(data) !== hash) return false;
  }
  return true;
}

if (process.argv.includes('--force') || !upToDate()) {
  fs.rmSync(stampFile, { force: true });
  const result = require('esbuild').buildSync({
    entryPoints: {
      'main.bundle': path.join(root, 'main.ts'),
      lib: path.join(root, 'lib/index.ts'),
      plan: path.join(root, 'plan.ts'),
      init: path.join(root, 'init.ts'),
      bench: path.join(root, 'scripts/bench-entry.ts'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: false,
    logLevel: 'warning',
    metafile: true,
    define: { ...validatorSourcesDefine(root), ...bundleIdDefine },
  });
  // build/main.js runs the synth bundle through V8's code cache (scripts/run-bundle.js), keyed on its identity.
  let id;
  for (const output of OUTPUTS) {
    const stamped = stampBundleId(path.join(outdir, output));
    if (output === 'main.bundle.js') id = stamped;
  }
  fs.writeFileSync(path.join(outdir, 'main.js'), `'use strict';
// Written by scripts/build.js: runs main.bundle.js (main.ts bundled), compiled from V8's code cache.
require('../scripts/run-bundle.js').runBundle(require('path').join(__dirname, 'main.bundle.js'), '${id}');
`);
  // The stamp lists every file read (by content) and the bundles written: a later run compares.
  const files = {};
  for (const input of Object.keys(result.metafile.inputs)) files[input] = sha(fs.readFileSync(path.join(root, input)));
  for (const output of [...OUTPUTS, 'main.js']) files[path.join('build', output)] = sha(fs.readFileSync(path.join(outdir, output)));
  const tmp = `${stampFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ toolchain: toolchain(), files }, null, 1)}\n`);
  fs.renameSync(tmp, stampFile);
}
