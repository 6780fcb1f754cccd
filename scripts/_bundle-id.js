// The identity of a bundle, built into it as PYWEB_BUNDLE_ID: the render cache is keyed on the
// tool's build, and a run with nothing to render would otherwise read and hash its own bundle
// (0.7 MB, 6 ms of a 0.1 s run) to know it. esbuild writes a placeholder; `stampBundleId`
// replaces it with the hash of the bundle as written (placeholder included), so any change to
// the code changes it. lib/write/render-cache.ts hashes the file itself when the placeholder
// is still there (a bundle made some other way) and hashes the sources when run from them.
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const PLACEHOLDER = 'PYWEB_BUNDLE_ID:unstamped';

/** esbuild's `define` for the placeholder. */
const bundleIdDefine = { PYWEB_BUNDLE_ID: JSON.stringify(PLACEHOLDER) };

/** Replaces the placeholder in a written bundle with the bundle's hash; returns that hash. */
function stampBundleId(file) {
  const code = fs.readFileSync(file, 'utf8');
  const id = crypto.createHash('sha256').update(code).digest('hex').slice(0, 32);
  fs.writeFileSync(file, code.split(JSON.stringify(PLACEHOLDER)).join(JSON.stringify(id)));
  return id;
}

module.exports = { bundleIdDefine, stampBundleId };
