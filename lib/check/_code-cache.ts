import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as vm from 'vm';
import { packageFile } from '../package-files';
import validatorSources from './_validator-sources.json';

/**
 * Generated code (the compiled schema validators) kept on disk between runs, under the
 * package's `build/.cache`: one module per kind of code and key, named `<name>-<key>.js`, and
 * beside it V8's code cache of it (`.v8`), so a run neither compiles the schemas again nor even
 * parses the module's megabytes of JavaScript.
 *
 * Safe against interruption and races: every file is written aside and renamed into place (a
 * reader sees the whole old file or the whole new one); the module's first line holds a random
 * generation that the V8 cache must name, so a cache made for another version of the module is
 * never used; anything unreadable is treated as missing. A cache that cannot be written only
 * costs the next run some time.
 */
export class CodeCache {
  /** The module file. */
  public readonly file: string;
  private script?: vm.Script;
  private generation?: string;
  private codeCacheWanted = false;
  /** The exports the V8 code cache was written after using (see `markUsed`). */
  private recorded = new Set<string>();
  /** The exports this run used that `recorded` lacks. */
  private readonly used = new Set<string>();

  /** `name` says what the code is; `key` changes whenever anything that shapes the code does. */
  constructor(private readonly name: string, key: string, private readonly dir = CACHE_DIR) {
    this.file = path.join(dir, `${name}-${key}.js`);
  }

  /** The cached module's exports, or undefined when there is none (or it is unreadable). */
  public load(): any | undefined {
    let code: string;
    try {
      code = fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    const generation = /^\/\/ generation ([0-9a-f]+)\n/.exec(code)?.[1];
    if (!generation) return undefined;
    const v8File = this.v8File(generation);
    let cachedData: Buffer | undefined;
    try {
      cachedData = fs.readFileSync(v8File);
    } catch {
      // none yet: made after this run has used the module
    }
    try {
      // vm and module are loaded here, not with this file: a run with nothing to render has
      // no code to load, and loading them costs it 3-5 ms.
      const { Script } = require('vm') as typeof import('vm');
      const { createRequire } = require('module') as typeof import('module');
      const script = new Script(wrap(code), { filename: this.file, cachedData });
      const module = { exports: {} as any };
      script.runInThisContext()(module.exports, createRequire(this.file), module);
      this.script = script;
      this.generation = generation;
      this.codeCacheWanted = cachedData === undefined || script.cachedDataRejected === true;
      if (this.codeCacheWanted) wanted.add(this);
      else this.recorded = readUsed(`${v8File}.used`);
      return module.exports;
    } catch {
      return undefined;
    }
  }

  /**
   * Says this run used the export `name` (a validator): V8's code cache holds the functions a run
   * had compiled when it was written, so one written after a run that used a few leaves the others
   * to be compiled by every later run (measured: the examples' CloudNativePG validators, 0.2 s of
   * every run). When the cache was written without `name`, it is written again at the end of
   * this run, with what it held and what this run compiled.
   */
  public markUsed(name: string): void {
    if (this.recorded.has(name) || this.used.has(name)) return;
    this.used.add(name);
    this.codeCacheWanted = true;
    wanted.add(this);
  }

  /** Writes V8's code cache of the loaded module, when it had none, a stale one or one without an export used: see `saveCodeCaches`. */
  public saveCodeCache(): void {
    wanted.delete(this);
    if (!this.codeCacheWanted || !this.script || !this.generation) return;
    this.codeCacheWanted = false;
    // A run that compiled kinds the module lacked replaced it: a cache of the old one is never used.
    if (!firstLine(this.file).includes(`generation ${this.generation}`)) return;
    try {
      const v8File = this.v8File(this.generation);
      writeAtomically(v8File, this.script.createCachedData());
      // After the code cache: a run killed between the two writes at worst writes it once more.
      this.recorded = new Set([...this.recorded, ...this.used]);
      this.used.clear();
      writeAtomically(`${v8File}.used`, `${JSON.stringify([...this.recorded].sort())}\n`);
    } catch {
      // only costs the next run some time
    }
  }

  /** Writes (replaces) the module, then drops older modules of the same name, keeping a few. */
  public save(code: string): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const generation = randomBytes(8).toString('hex');
      writeAtomically(this.file, `// generation ${generation}\n${code}`);
      this.prune();
    } catch {
      // only costs the next run some time
    }
  }

  private v8File(generation: string): string {
    return `${this.file}.${generation}.v8`;
  }

  /** Keeps this module and the few newest others of its name (the tests run from source with their own key); drops stale V8 caches. */
  private prune(): void {
    const names = safeReaddir(this.dir);
    const modules = names.filter((f) => f.startsWith(`${this.name}-`) && f.endsWith('.js')).map((f) => path.join(this.dir, f))
      .filter((f) => f !== this.file).sort((a, b) => mtime(b) - mtime(a));
    for (const old of modules.slice(KEEP - 1)) fs.rmSync(old, { force: true });
    for (const f of names.filter((n) => n.startsWith(`${this.name}-`) && /\.v8(\.used)?$/.test(n))) {
      const module = path.join(this.dir, f.replace(/\.[0-9a-f]+\.v8(\.used)?$/, ''));
      const generation = /\.([0-9a-f]+)\.v8(\.used)?$/.exec(f)?.[1];
      if (!fs.existsSync(module) || !firstLine(module).includes(`generation ${generation}`)) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }
}

/** The caches loaded this run that want their V8 code cache written. */
const wanted = new Set<CodeCache>();

/**
 * Writes V8's code cache of every module loaded this run that had none: called at the end of a
 * run, so every function the run used is in it compiled (made right after loading, it would hold
 * only the module's top level, and the validators' first calls would still compile them: most
 * of a small run's validation time).
 */
export function saveCodeCaches(): void {
  for (const cache of [...wanted]) cache.saveCodeCache();
}

/** The folder of the caches: inside the package, so each installed copy has its own. */
const CACHE_DIR = packageFile('build', '.cache');

/** Modules kept per name: the bundled command line and the tests (run from source) share them. */
const KEEP = 3;

/**
 * A hash of what the validators are made from, the schemas and the code that compiles them (the
 * files and folders listed in `_validator-sources.json`), for the caches' keys: a change
 * anywhere else in the program leaves the compiled validators valid. The bundles have it built
 * in (scripts/_validator-sources.js, the same hash), so a run reads no schema to check its
 * cache; run from source, the files are read.
 */
export function validatorSourceHash(): string {
  if (typeof PYWEB_VALIDATOR_SOURCES === 'string') return PYWEB_VALIDATOR_SOURCES;
  const hash = createHash('sha256');
  for (const entry of validatorSources) {
    const files = entry.endsWith('/') ? safeReaddir(packageFile(entry)).sort().map((f) => path.join(packageFile(entry), f)) : [packageFile(entry)];
    for (const file of files) hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

declare const PYWEB_VALIDATOR_SOURCES: string | undefined;

/** The exports a code cache was written after using: none when unreadable (it is written again). */
function readUsed(file: string): Set<string> {
  try {
    const names: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return new Set(Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []);
  } catch {
    return new Set();
  }
}

/** The module as CommonJS runs it: a function of exports, require and module. */
function wrap(code: string): string {
  return `(function (exports, require, module) {${code}\n})`;
}

function writeAtomically(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function firstLine(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(64);
      const n = fs.readSync(fd, buf, 0, 64, 0);
      return buf.subarray(0, n).toString('utf8').split('\n')[0];
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
