#!/usr/bin/env node
// Bundles main.ts (our code and the generated imports) into build/main.js, plan.ts (the
// `npm run plan` comparison) into build/plan.js, init.ts (`npm run init`) into build/init.js,
// and the engine (lib/index.ts) into build/lib.js for the benchmark, with esbuild:
// transpile only, no type-checking at synth time. `npm test` type-checks once with tsc.
// Packages in node_modules stay external and load as they are.
'use strict';
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');

esbuild.buildSync({
  entryPoints: {
    main: path.join(root, 'main.ts'),
    lib: path.join(root, 'lib/index.ts'),
    plan: path.join(root, 'plan.ts'),
    init: path.join(root, 'init.ts'),
  },
  outdir: path.join(root, 'build'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: false,
  logLevel: 'warning',
});
