import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NEEDS, findProgram, installCommand, missingNeeds, requireProgram } from '../scripts/provision';

// The `pretest` step (scripts/provision.js) and its lookup, pointed at fake roots and PATHs:
// what a machine without the Debian packages looks like to it.
const ROOT = path.resolve(__dirname, '..');
const STEP = path.join(ROOT, 'scripts/provision.js');

let scratch: string;
beforeAll(() => { scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'provision-test-')); });
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A fresh empty folder under the scratch folder. */
function folder(): string {
  return fs.mkdtempSync(path.join(scratch, 'd-'));
}

/** Puts an executable (or, with `mode`, any file) at `file` under `root`. */
function place(root: string, file: string, mode = 0o755, target?: string): string {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  if (target) fs.symlinkSync(target, full);
  else fs.writeFileSync(full, '#!/bin/sh\nexit 0\n', { mode });
  return full;
}

function runStep(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [STEP], { env, encoding: 'utf-8' });
}

describe('the declared needs (scripts/test-needs.json)', () => {
  test('each names a Debian package, what it is for, and either a program or a Python module', () => {
    for (const need of NEEDS) {
      expect({ need, ok: /^[a-z0-9][a-z0-9+.-]+$/.test(need.package) && need.for.length > 0
        && (need.program === undefined) !== (need.python === undefined) }).toEqual({ need, ok: true });
    }
  });

  test('this machine has them all: the pretest step provided them', () => {
    expect(missingNeeds().map((n) => n.package)).toEqual([]);
  });

  test('fails if a test asks for a program the list does not declare', () => {
    expect(() => findProgram('redis-cli-nope')).toThrow(/'redis-cli-nope' is not declared in scripts\/test-needs\.json/);
  });
});

describe('the lookup', () => {
  test('finds a program at its Debian path under the root, before one on PATH', () => {
    const root = folder();
    const bin = folder();
    place(bin, 'nginx');
    const debian = place(root, 'usr/sbin/nginx');
    expect(findProgram('nginx', { root, PATH: bin })).toBe(debian);
  });

  test('finds a program on PATH when it is not at its Debian path', () => {
    const bin = folder();
    const kubectl = place(bin, 'kubectl');
    expect(findProgram('kubectl', { root: folder(), PATH: `relative/dir${path.delimiter}${bin}` })).toBe(kubectl);
  });

  test('finds Postgres of any installed major version, the highest first', () => {
    const root = folder();
    place(root, 'usr/lib/postgresql/9.6/bin/postgres');
    const v16 = place(root, 'usr/lib/postgresql/16/bin/postgres');
    place(root, 'usr/lib/postgresql/13/bin/postgres');
    place(root, 'usr/lib/postgresql/17/bin/initdb'); // a client-only major has no server
    expect(findProgram('postgres', { root, PATH: '' })).toBe(v16);
  });

  test('a file that is not executable is not the program', () => {
    const root = folder();
    place(root, 'usr/sbin/nginx', 0o644);
    expect(findProgram('nginx', { root, PATH: '' })).toBeUndefined();
  });

  test('fails if a program is missing, saying which package installs it', () => {
    expect(() => requireProgram('postgres', { root: folder(), PATH: '' }))
      .toThrow(/^postgres not found \(looked at \/usr\/lib\/postgresql\/\*\/bin\/postgres and on PATH\).*run: sudo apt-get install -y --no-install-recommends postgresql$/);
  });

  test('an empty PATH and an empty root lack every declared need', () => {
    expect(missingNeeds({ root: folder(), PATH: '' })).toEqual(NEEDS);
  });

  test('Python modules are looked up with the root\'s Debian python3', () => {
    // GIVEN a root whose python3 is the real Debian one (it has the modules the pretest installed)
    const root = folder();
    place(root, 'usr/bin/python3', 0o755, requireProgram('python3'));
    // THEN only the programs are missing, and not the modules
    expect(missingNeeds({ root, PATH: '' }).filter((n) => n.python !== undefined)).toEqual([]);
  });
});

describe('the pretest step', () => {
  test('fails if needs are missing and apt-get is not usable: exit 1 at once, with the one command to run', () => {
    const r = runStep({ PATH: '', PYWEB_NEEDS_ROOT: folder() });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const packages = [...new Set(NEEDS.map((n) => n.package))];
    expect(r.stderr).toBe(`the tests need ${NEEDS.map((n) => n.program ?? `python module ${n.python}`).join(', ')}, `
      + `which this machine lacks. Install them with:\n  ${installCommand(packages, process.getuid?.() === 0)}\n`);
    expect(installCommand(['nginx', 'gunicorn'], false)).toBe('sudo apt-get install -y --no-install-recommends nginx gunicorn');
  });

  test('says nothing and exits 0 when every need is there', () => {
    // GIVEN a root with every declared program (links to the real ones) and Debian's python3
    const root = folder();
    for (const need of NEEDS.filter((n) => n.program !== undefined)) {
      const real = requireProgram(need.program!);
      place(root, need.paths![0].replace('*', 'any'), 0o755, real);
    }
    const r = runStep({ PATH: '', PYWEB_NEEDS_ROOT: root });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  test('runs before the tests and the end-to-end run, and CI runs exactly the README\'s commands', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    expect(pkg.scripts.pretest).toBe('node scripts/provision.js');
    expect(pkg.scripts.pree2e).toBe('node scripts/provision.js');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const quickStart = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)![1];
    const readmeCommands = quickStart.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    expect(readmeCommands).toEqual(['npm ci && npm run synth', 'npm run test:all']);
    expect(pkg.scripts['test:all']).toBe('npm test && npm run test:package && npm run e2e');
    const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf-8').split('\n')
      .filter((l) => l.trim() && !l.startsWith('#') && !/^(set|cd) /.test(l));
    expect(ci).toEqual(readmeCommands);
  });
});

describe('npm install scripts', () => {
  test('package.json decides, for every installed package with an install script, whether it runs', () => {
    // npm 11 runs none it is not told about, and warns about each; esbuild, @swc/core and
    // @parcel/watcher ship prebuilt binaries as optional dependencies, so their scripts (download
    // fallbacks, a source build) are denied.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    const withScripts: string[] = [];
    const visit = (dir: string) => {
      for (const name of fs.readdirSync(dir)) {
        if (name.startsWith('.')) continue;
        const full = path.join(dir, name);
        if (name.startsWith('@')) { visit(full); continue; }
        const manifest = path.join(full, 'package.json');
        if (!fs.existsSync(manifest)) continue;
        const { scripts = {} } = JSON.parse(fs.readFileSync(manifest, 'utf-8'));
        if (scripts.preinstall || scripts.install || scripts.postinstall) withScripts.push(path.relative(path.join(ROOT, 'node_modules'), full));
        if (fs.existsSync(path.join(full, 'node_modules'))) visit(path.join(full, 'node_modules'));
      }
    };
    visit(path.join(ROOT, 'node_modules'));
    expect(withScripts.sort()).toEqual(['@parcel/watcher', '@swc/core', 'esbuild']);
    expect(pkg.allowScripts).toEqual({ '@parcel/watcher': false, '@swc/core': false, esbuild: false });
  });
});
