// Preloaded by the benchmark (`node --require scripts/bench-deps.js build/main.js ...`): at exit,
// writes to BENCH_DEPS_FILE the package modules the run required from its own code (the bundle,
// the cached validators), so the baseline can require exactly those and nothing else.
'use strict';
const Module = require('module');
const path = require('path');

const loaded = new Set();
const original = Module.prototype.require;
Module.prototype.require = function require(request) {
  const exports = original.apply(this, arguments);
  if (!Module.isBuiltin(request) && !request.startsWith('.') && !path.isAbsolute(request) && !this.filename.includes(`${path.sep}node_modules${path.sep}`)) {
    loaded.add(Module._resolveFilename(request, this));
  }
  return exports;
};
process.on('exit', () => {
  if (process.env.BENCH_DEPS_FILE) require('fs').writeFileSync(process.env.BENCH_DEPS_FILE, JSON.stringify([...loaded].sort()));
});
