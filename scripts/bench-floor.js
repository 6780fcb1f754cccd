// The floor of the benchmark: the least any synth of these objects must do. Reads the final
// objects (JSON written beforehand from a render), emits their YAML, writes the files and
// validates every object against the Kubernetes schema, nothing else: no stack files, no
// constructs, no policy checks, no target READMEs. Usage: bench-floor.js <objects.json> <outdir>
'use strict';
const fs = require('fs');
const path = require('path');
const { stringifyDocuments, validateManifests, saveCodeCaches } = require('../build/bench.js');

const [input, outdir] = process.argv.slice(2);
const files = JSON.parse(fs.readFileSync(input, 'utf8'));
fs.rmSync(outdir, { recursive: true, force: true });
let problems = 0;
for (const { path: file, objects } of files) {
  fs.mkdirSync(path.join(outdir, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(outdir, file), stringifyDocuments(objects));
  problems += validateManifests(objects).length;
}
saveCodeCaches();
if (problems > 0) throw new Error(`bench-floor: ${problems} schema problems`);
