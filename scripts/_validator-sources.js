// The hash of the code that turns schemas into validators (its files are listed in
// lib/check/_validator-sources.json), built into a bundle as PYWEB_VALIDATOR_SOURCES: the
// validator caches are keyed on it and on the schemas, so a change elsewhere in the program
// leaves them valid (see lib/check/_code-cache.ts, which reads the same files when run from source).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

/** esbuild's `define` for the bundles of this package. */
function validatorSourcesDefine(root) {
  const files = JSON.parse(fs.readFileSync(path.join(root, 'lib/check/_validator-sources.json'), 'utf8'));
  const hash = crypto.createHash('sha256');
  for (const file of files) hash.update(fs.readFileSync(path.join(root, file)));
  return { PYWEB_VALIDATOR_SOURCES: JSON.stringify(hash.digest('hex').slice(0, 16)) };
}

module.exports = { validatorSourcesDefine };
