// What build/main.js runs (scripts/build.js writes it): the synth bundle, build/main.bundle.js,
// compiled from V8's code cache of it when there is one. Node.js 20 compiles a 0.7 MB bundle on
// every start (10 ms, an eighth of a run with nothing to render) and the functions a run calls
// (more); the cache, written after a run, holds both. It is keyed on the bundle's identity (its
// hash, built in by scripts/_bundle-id.js), and V8 refuses a cache made by another Node.js or
// with other flags; a refused, unreadable or missing cache is written again at the end of the
// run, aside and renamed into place. A cache that cannot be written only costs time.
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const vm = require('vm');

/** The newest caches of the bundle kept (others are left by older builds). */
const KEEP = 3;

/** Runs `file` as `node <file>` would, with `id` its identity; the cache in `<folder of file>/.cache`. */
function runBundle(file, id) {
  const dir = path.join(path.dirname(file), '.cache');
  const name = path.basename(file, '.js');
  const cacheFile = path.join(dir, `${name}-${id}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // none yet
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => writeCache(script, dir, name, cacheFile));
  const module = new Module(file, null);
  module.filename = file;
  module.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
}

/** Writes the cache aside and renames it into place; keeps the newest `KEEP` of the bundle's. */
function writeCache(script, dir, name, cacheFile) {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
    const old = fs.readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.v8'))
      .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t).slice(KEEP);
    for (const { f } of old) fs.rmSync(path.join(dir, f), { force: true });
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

module.exports = { runBundle };
