#!/usr/bin/env node
// The `pretest`/`pree2e` step: makes sure every program and Python module the tests run for real
// (scripts/test-needs.json) is there, so that `npm test` passes on a fresh machine.
// - all there: prints nothing, exits 0 (a few milliseconds; it runs before every test run);
// - missing, and apt-get is usable (root, or passwordless sudo): installs the Debian packages,
//   never letting their scripts start system services (the tests start nginx and Postgres
//   themselves, on 127.0.0.1; a service started on port 80 or 5432 is in the way, and it fails
//   where there is no init);
// - otherwise: stops at once (exit 1) with the single command that installs them.
// Tests import the lookup (findProgram, requireProgram) so that they find programs exactly where
// this step looks for them.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const NEEDS = require('./test-needs.json').needs;

/** Debian's Python: the python3-* packages install their modules for it only. */
const DEBIAN_PYTHON = '/usr/bin/python3';

/** Reads the lookup's environment; a test points it at an empty PATH and a fake root. */
function lookupOptions(opts = {}) {
  return { PATH: opts.PATH ?? process.env.PATH ?? '', root: opts.root ?? '/' };
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The files a Debian path names; `*` is one path segment (a version), highest version first. */
function expand(root, pattern) {
  const parts = pattern.split('/').filter(Boolean);
  let found = [root];
  for (const part of parts) {
    if (part !== '*') { found = found.map((dir) => path.join(dir, part)); continue; }
    found = found.flatMap((dir) => {
      let names;
      try { names = fs.readdirSync(dir); } catch { return []; }
      return names.sort(byVersionDescending).map((name) => path.join(dir, name));
    });
  }
  return found;
}

function byVersionDescending(a, b) {
  return b.localeCompare(a, 'en', { numeric: true });
}

function needOf(program) {
  const need = NEEDS.find((n) => n.program === program);
  if (!need) throw new Error(`'${program}' is not declared in scripts/test-needs.json; add it there with its Debian package`);
  return need;
}

/**
 * Where a declared program is: at its Debian paths first (a Debian package's modules and
 * plugins go with Debian's binaries), then on PATH; undefined when nowhere.
 */
function findProgram(program, opts) {
  const { PATH, root } = lookupOptions(opts);
  const need = needOf(program);
  const candidates = [
    ...(need.paths ?? []).flatMap((p) => expand(root, p)),
    ...PATH.split(path.delimiter).filter((dir) => path.isAbsolute(dir)).map((dir) => path.join(dir, program)),
  ];
  return candidates.find(isExecutable);
}

/** findProgram, or an error that says how to get it (for the tests' beforeAll). */
function requireProgram(program, opts) {
  const found = findProgram(program, opts);
  if (found) return found;
  const need = needOf(program);
  throw new Error(`${program} not found (looked at ${(need.paths ?? []).join(', ')} and on PATH); `
    + `it is for ${need.for}. \`npm test\` installs it, or run: ${installCommand([need.package], false)}`);
}

/** The Python modules of `modules` that Debian's python3 (under root) cannot import. */
function missingPythonModules(modules, opts) {
  if (modules.length === 0) return [];
  const python = path.join(lookupOptions(opts).root, DEBIAN_PYTHON);
  if (!isExecutable(python)) return modules;
  const r = spawnSync(python, ['-c',
    'import importlib.util, sys\nprint(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))',
    ...modules], { encoding: 'utf-8' });
  if (r.status !== 0) return modules;
  return r.stdout.split(/\s+/).filter(Boolean);
}

/** The declared needs that this machine (or the fake root and PATH of `opts`) lacks. */
function missingNeeds(opts) {
  const programs = NEEDS.filter((n) => n.program !== undefined && findProgram(n.program, opts) === undefined);
  const lacking = new Set(missingPythonModules(NEEDS.filter((n) => n.python !== undefined).map((n) => n.python), opts));
  return [...programs, ...NEEDS.filter((n) => n.python !== undefined && lacking.has(n.python))];
}

function packagesOf(needs) {
  return [...new Set(needs.map((n) => n.package))];
}

/** The one command a person runs to install `packages`. */
function installCommand(packages, asRoot) {
  return `${asRoot ? '' : 'sudo '}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

// Run as root (directly or through sudo): installs "$@" with apt-get. A policy-rc.d that answers
// 101 ("action forbidden") keeps the packages' scripts from starting services; it is removed
// afterwards unless it was there before. apt waits for another apt's lock instead of failing.
const INSTALL_SCRIPT = `set -eu
policy=/usr/sbin/policy-rc.d
added=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\\nexit 101\\n' > "$policy" && chmod +x "$policy" && added=1
fi
trap 'if [ -n "$added" ]; then rm -f "$policy"; fi' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >/dev/null
`;

/** How this step may run apt-get as root here: [] (is root), ['sudo', '-n'], or undefined. */
function rootPrefix(opts) {
  const { PATH, root } = lookupOptions(opts);
  const onPath = (name) => [path.join(root, 'usr/bin'), ...PATH.split(path.delimiter).filter((d) => path.isAbsolute(d))]
    .map((dir) => path.join(dir, name)).find(isExecutable);
  const aptGet = onPath('apt-get');
  if (!aptGet || root !== '/') return undefined;
  if (process.getuid?.() === 0) return [];
  const sudo = onPath('sudo');
  if (sudo && spawnSync(sudo, ['-n', 'true'], { stdio: 'ignore' }).status === 0) return [sudo, '-n'];
  return undefined;
}

/** The step: returns the exit code, writes what it does to `log`. */
function provision(opts, log = (line) => process.stderr.write(`${line}\n`)) {
  const missing = missingNeeds(opts);
  if (missing.length === 0) return 0;
  const packages = packagesOf(missing);
  const what = missing.map((n) => n.program ?? `python module ${n.python}`).join(', ');
  const prefix = rootPrefix(opts);
  if (prefix === undefined) {
    log(`the tests need ${what}, which this machine lacks. Install them with:\n  ${installCommand(packages, process.getuid?.() === 0)}`);
    return 1;
  }
  log(`provisioning the tests: ${what} missing; installing the Debian packages ${packages.join(' ')}`);
  const [bin, ...args] = [...prefix, 'sh', '-c', INSTALL_SCRIPT, 'sh', ...packages];
  const r = spawnSync(bin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const still = missingNeeds(opts);
  if (r.status !== 0 || still.length > 0) {
    log(`installing ${packages.join(' ')} failed (exit ${r.status}${still.length ? `; still missing: ${still.map((n) => n.program ?? n.python).join(', ')}` : ''}); run it yourself:\n  ${installCommand(packagesOf(still.length ? still : missing), prefix.length === 0)}`);
    return 1;
  }
  return 0;
}

module.exports = { NEEDS, findProgram, requireProgram, missingNeeds, installCommand, provision };

if (require.main === module) {
  process.exitCode = provision({ root: process.env.PYWEB_NEEDS_ROOT });
}
