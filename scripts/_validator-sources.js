// The hash of what the compiled schema validators are made from: the schemas and the code that
// compiles them (the files and folders listed in lib/check/_validator-sources.json). It is
// built into a bundle as PYWEB_VALIDATOR_SOURCES: the validator caches are keyed on it, so a
// change elsewhere in the program leaves them valid, and a run need not read 1 MB of schemas
// to know its cache is current (lib/check/_code-cache.ts reads the same files when run from
// source, the same way).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

/** The files, in order: each listed file, and every file directly in each listed folder (`/` at the end), sorted. */
function validatorSourceFiles(root) {
  const listed = JSON.parse(fs.readFileSync(path.join(root, 'lib/check/_validator-sources.json'), 'utf8'));
  return listed.flatMap((entry) => (entry.endsWith('/') ? fs.readdirSync(path.join(root, entry)).sort().map((f) => path.join(root, entry, f)) : [path.join(root, entry)]));
}

/** esbuild's `define` for the bundles of this package. */
function validatorSourcesDefine(root) {
  const hash = crypto.createHash('sha256');
  for (const file of validatorSourceFiles(root)) hash.update(fs.readFileSync(file));
  return { PYWEB_VALIDATOR_SOURCES: JSON.stringify(hash.digest('hex').slice(0, 16)) };
}

module.exports = { validatorSourceFiles, validatorSourcesDefine };
