// Bundles the command lines once per test run (as `npm run synth` does), before any test file
// spawns them, so no test reads build/*.js while another rewrites it.
const { spawnSync } = require('child_process');
const path = require('path');

module.exports = () => {
  const root = path.resolve(__dirname, '..');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.js')], { cwd: root, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
};
