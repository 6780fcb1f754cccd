import { SpawnSyncOptions, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Runs `node <args>` with a preloaded hook that records the packages the process requires (by
 * name: code, not a package.json; nothing built in, nothing by path): what a run loads is most
 * of its time when it has nothing to render (cdk8s alone is 60 ms to load). `dir` holds the hook.
 */
export function requiredPackages(dir: string, args: readonly string[], options: SpawnSyncOptions = {}): { stdout: string; stderr: string; status: number | null; packages: string[] } {
  const hook = path.join(dir, 'record-requires.js');
  const record = path.join(dir, 'required.json');
  fs.writeFileSync(hook, `const Module = require('module');
const path = require('path');
const loaded = new Set();
const original = Module.prototype.require;
Module.prototype.require = function (request) {
  if (!Module.isBuiltin(request) && !request.startsWith('.') && !path.isAbsolute(request) && !request.endsWith('.json')) loaded.add(request.split('/')[0]);
  return original.apply(this, arguments);
};
process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify([...loaded].sort())));
`);
  fs.rmSync(record, { force: true });
  const r = spawnSync(process.execPath, ['--require', hook, ...args], { encoding: 'utf-8', ...options });
  const packages = fs.existsSync(record) ? JSON.parse(fs.readFileSync(record, 'utf-8')) as string[] : [];
  return { stdout: String(r.stdout), stderr: String(r.stderr), status: r.status, packages };
}
