import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'build/main.js');

/** The bundled command lines exist: jest's global setup (test/_global-setup.js) built them. */
export function buildCli(): void {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the tests with jest (its globalSetup builds it)`);
}

/** Runs the real command line, as a user would, in `cwd`. */
export function runCli(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  delete base.CDK8S_OUTDIR;
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf-8', env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'pyweb-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below a folder, relative path -> content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf-8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}
