import * as fs from 'fs';
import * as path from 'path';
import { buildCli, runCli, tempDir, ROOT } from './_cli';

// synth loads what rendering needs and nothing of the other commands: `dotenv` is for
// `init --from` (.env files), `diff` for `plan`. Each package loaded costs every CI run.
test('synth does not load the packages only init --from and plan use', () => {
  buildCli();
  const dir = tempDir();
  const report = path.join(dir, 'loaded.json');
  const hook = path.join(dir, 'hook.js');
  fs.writeFileSync(hook, `const Module = require('module');
const load = Module._load;
const seen = new Set();
Module._load = function (request, ...rest) {
  if (!request.startsWith('.') && !request.startsWith('node:') && !request.startsWith('/')) seen.add(request.split('/')[0]);
  return load.call(this, request, ...rest);
};
process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify([...seen].sort())));
`);
  const r = runCli(['--config', path.join(ROOT, 'examples/flask-shop.yaml'), '--outdir', path.join(dir, 'out'), '--no-cache'], ROOT, { NODE_OPTIONS: `--require ${hook}` });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const loaded: string[] = JSON.parse(fs.readFileSync(report, 'utf-8'));
  expect(loaded).toContain('cdk8s');
  expect(loaded.filter((name) => ['dotenv', 'diff'].includes(name))).toEqual([]);
});
