// The comparison run of the benchmark: the same construct tree, synthesized by cdk8s's own
// App.synth() (whose per-chart Chart.toJson() re-resolves and re-validates the whole App).
'use strict';
const os = require('os');
const path = require('path');
const fs = require('fs');
const { buildApp, findStackFiles, loadStackFiles } = require('../build/lib.js');

const { app } = buildApp(loadStackFiles(findStackFiles(process.argv[2])));
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cdk8s-'));
app.outdir = outdir;
try {
  app.synth();
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
