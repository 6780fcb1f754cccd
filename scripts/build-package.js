#!/usr/bin/env node
// Builds what `npm pack` publishes (run by `prepack`) into out/:
// - out/index.js: the library (constructs and the synth engine) as one esbuild bundle, which
//   loads the constructs on first use (see the entry below), with
//   cdk8s, constructs and the other packages external (loaded from the user's
//   node_modules: one copy of each). One file is one module instance, so `pyweb-cdk8s` and
//   `pyweb-cdk8s/constructs` hand out the very same classes. Tree-shaking keeps only the
//   generated Kubernetes classes that the constructs use; whitespace and syntax are minified (a
//   quarter of the size; names stay, so a stack trace still names its functions).
// - out/types/: tsc's .d.ts and declaration maps. imports/ (generated from the Kubernetes and
//   CRD schemas) is declared without its doc comments and without maps: 1 MB of comments that
//   repeat the schemas, for types users only meet through our props.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const esbuild = require('esbuild');
const ts = require('typescript');
const { pruneDeclarations } = require('./prune-declarations');
const { validatorSourcesDefine } = require('./_validator-sources.js');
const { bundleIdDefine, stampBundleId } = require('./_bundle-id.js');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'out');

fs.rmSync(out, { recursive: true, force: true });

// The names the library exports (lib/index.ts), read off a bundle of it that is not written.
const probe = esbuild.buildSync({
  entryPoints: [path.join(root, 'lib/index.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external',
  write: false, metafile: true, outfile: path.join(out, 'probe.js'), logLevel: 'warning', define: validatorSourcesDefine(root),
});
const names = Object.values(probe.metafile.outputs).find((o) => o.entryPoint).exports.sort();

// The bundle's entry: every export of lib/index.ts, but only the command lines and synth (`cli`,
// `main`, `summary`, `synth`: they load the rest when they render) are loaded up front; the
// others, the constructs and with them cdk8s, on first use. `pyweb-cdk8s synth`, or a main.ts
// calling `main`, with every stack file unchanged so never loads cdk8s (60 ms). One bundle: what
// they and lib/index.ts share is one module instance.
const entry = `'use strict';
const light = { ...require('./lib/commands/pyweb-cdk8s.ts'), ...require('./lib/commands/synth-command.ts'), ...require('./lib/synth.ts') };
let library;
const load = () => library ?? (library = require('./lib/index.ts'));
Object.defineProperty(exports, '__esModule', { value: true });
for (const name of '${names.join(' ')}'.split(' ')) {
  Object.defineProperty(exports, name, { enumerable: true, get: name in light ? () => light[name] : () => load()[name] });
}
`;

esbuild.buildSync({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'package-entry.js', loader: 'js' },
  outfile: path.join(out, 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  logLevel: 'warning',
  // The validator caches' key (see scripts/_validator-sources.js).
  define: { ...validatorSourcesDefine(root), ...bundleIdDefine },
  // The export names where Node's import of a CommonJS module looks for them (as esbuild writes
  // for an ES module entry): \`import { PythonWebStack } from 'pyweb-cdk8s'\` in an ES module.
  footer: { js: `0 && (module.exports = { ${names.join(', ')} });` },
});
stampBundleId(path.join(out, 'index.js'));

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const importsDir = path.join(out, 'types/imports');
const printer = ts.createPrinter({ removeComments: true });
for (const name of fs.readdirSync(importsDir)) {
  const file = path.join(importsDir, name);
  if (name.endsWith('.d.ts.map')) {
    fs.rmSync(file);
  } else if (name.endsWith('.d.ts')) {
    const source = ts.createSourceFile(name, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    fs.writeFileSync(file, printer.printFile(source));
  }
}

const types = path.join(out, 'types');
pruneDeclarations(types, [path.join(types, 'lib/index.d.ts'), path.join(types, 'constructs/index.d.ts')], importsDir);
