import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { validatorSourceHash } from '../check/_code-cache';
import { packageFile } from '../package-files';
import { removeRetired } from './_retire';
import { runFolderPrefix } from './staged-output';

/** One deploy target of a stack file as a previous run rendered it: all synth needs but the objects. */
export interface CachedTarget {
  readonly target: string;
  /** The stack's name and namespace in this target, for the checks across stack files. */
  readonly name: string;
  readonly namespace: string;
  /** The manifest file below the output folder. */
  readonly path: string;
  /** The kinds of its objects, in order, for the summary. */
  readonly kinds: readonly string[];
  readonly warnings?: readonly string[];
  /** The stack's section of the target README. */
  readonly readme: string;
  /** The manifest's bytes, kept in the cache folder: the file's name there, and its identity when written. */
  readonly manifest: CachedFile;
}

/** A file of the cache folder, and what it was when written (a file changed since is not used). */
export interface CachedFile {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/** What a stack file rendered to: each of its deploy targets. */
export interface CacheEntry {
  readonly targets: readonly CachedTarget[];
}

/**
 * The renders of previous runs into one output folder, by stack file, so a run renders only the
 * stack files that changed: a stack file whose bytes (and so its target overrides), path and the
 * tool's build are those of an entry is not read, validated, built, rendered or checked again;
 * its manifests are hard-linked into the new output from here.
 *
 * It lives beside the output folder, `.<outdir>.cache/` (hidden, on the same file system, so
 * links work; next to the lock and the staging folder). Only one run uses it at a time (the
 * output folder's lock). An entry is a manifest file per target, `<key>.<n>.yaml`, and its
 * description, `<key>.json`, written last and only once the run's output is in place: a run that
 * fails or is killed leaves no entry (its manifest files are removed by the next run that
 * succeeds). A manifest file changed since it was written (its size, modification time or inode
 * differ: someone wrote into the output file in place) makes its entry unused. Every file is
 * written aside and renamed into place. After a run only its own entries are kept.
 */
export class RenderCache {
  public readonly dir: string;
  private readonly outdir: string;
  private readonly build: string;
  private readonly used = new Set<string>();
  private readonly reused: CacheEntry[] = [];
  private readonly fresh = new Map<string, CacheEntry>();
  private unwritable = false;

  /** `outdir`: the output folder (its real path); `build`: the tool's build (see `toolBuild`). */
  constructor(outdir: string, build = toolBuild()) {
    this.dir = path.join(path.dirname(outdir), `.${path.basename(outdir)}.cache`);
    this.outdir = outdir;
    this.build = build;
  }

  /** The key of a stack file: the tool's build, the file's path as given and its bytes. */
  public keyOf(file: string, text: string): string {
    return createHash('sha256').update(`${this.build}\0${file}\0`).update(text).digest('hex').slice(0, 32);
  }

  /** The entry of a key, when it is whole and its manifests are as written; marks it used. */
  public get(key: string): CacheEntry | undefined {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(fs.readFileSync(path.join(this.dir, `${key}.json`), 'utf8'));
      if (!Array.isArray(entry.targets) || !entry.targets.every((t) => unchanged(path.join(this.dir, t.manifest.file), t.manifest))) return undefined;
    } catch {
      return undefined;
    }
    this.used.add(key);
    this.reused.push(entry);
    return entry;
  }

  /**
   * Whether every entry `get` returned is still as it was: entries are looked up before the
   * output folder's lock is taken (so a bad stack file is reported before anything else), and a
   * run that held the lock meanwhile may have replaced them.
   */
  public stillValid(): boolean {
    try {
      return this.reused.every((entry) => entry.targets.every((t) => unchanged(path.join(this.dir, t.manifest.file), t.manifest)));
    } catch {
      return false;
    }
  }

  /** The path of a cached manifest in the cache folder. */
  public manifestFile(target: CachedTarget): string {
    return path.join(this.dir, target.manifest.file);
  }

  /**
   * Keeps a freshly rendered manifest (the `index`-th target of the key's file); its description
   * is added by `add`. Undefined when the cache folder cannot be written (someone else's, a full
   * disk): the run goes on without the cache, as with `--no-cache`, and a later one retries.
   */
  public writeManifest(key: string, index: number, content: string): CachedFile | undefined {
    if (this.unwritable) return undefined;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const file = `${key}.${index}.yaml`;
      const dest = path.join(this.dir, file);
      writeAside(dest, content);
      const stat = fs.statSync(dest);
      return { file, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    } catch {
      this.unwritable = true;
      return undefined;
    }
  }

  /** Records the entry of a freshly rendered stack file, written by `commit`. */
  public add(key: string, entry: CacheEntry): void {
    this.fresh.set(key, entry);
    this.used.add(key);
  }

  /**
   * Once the run's output is in place: writes the new entries' descriptions and removes every
   * entry this run did not use (the output folder holds this run's render only, so nothing else
   * can be reused by the next run but by chance). Failures only cost the next run time.
   */
  public commit(): void {
    if (this.unwritable) return;
    try {
      for (const [key, entry] of this.fresh) writeAside(path.join(this.dir, `${key}.json`), `${JSON.stringify(entry)}\n`);
      const unused = safeReaddir(this.dir).filter((name) => !this.used.has(name.split('.')[0]) || name.endsWith('.tmp'));
      if (unused.length > 0) this.remove(unused);
    } catch {
      // A cache that cannot be written only costs the next run some time.
    }
  }

  /**
   * Removes files of the cache folder as a previous output is removed (see `removeRetired`): moved
   * (a rename each) into a folder of their own beside the output, named as this run's leftover so
   * that a later run removes it should this one be killed, which a process of its own removes
   * when they are many: the first run after the tool changed finds every entry unused.
   */
  private remove(names: readonly string[]): void {
    const folder = path.join(path.dirname(this.outdir), `${runFolderPrefix(this.outdir)}${process.pid}-${randomBytes(4).toString('hex')}.del`);
    fs.mkdirSync(folder);
    for (const name of names) fs.renameSync(path.join(this.dir, name), path.join(folder, name));
    // Counted as files of their own: their links in the previous output are being removed too.
    removeRetired(folder, { files: names.length, unshared: names.length });
  }
}

/** Whether a cache file is still what was written: same size, modification time and inode. */
function unchanged(file: string, was: CachedFile): boolean {
  const stat = fs.statSync(file);
  return stat.size === was.size && stat.mtimeMs === was.mtimeMs && stat.ino === was.ino;
}

function writeAside(file: string, data: string): void {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

let build: string | undefined;

/**
 * The tool's build, as far as it shapes a render: this code (the bundle that runs, or, run from
 * source, every source file), the schemas it checks against, the packages it loads (cdk8s and
 * its YAML, constructs, js-yaml, ajv) and Node.js. A change to any of them renders everything again.
 */
export function toolBuild(): string {
  if (build) return build;
  const hash = createHash('sha256');
  hash.update(`${validatorSourceHash()}\0${process.version}\0`);
  for (const name of ['cdk8s', 'constructs', 'js-yaml', 'ajv', 'ajv-formats']) hash.update(`${name}@${packageVersion(name)}\0`);
  if (__filename.endsWith('.ts')) {
    for (const folder of ['lib', 'constructs', 'imports', 'schema']) hashTree(hash, packageFile(folder));
  } else if (typeof PYWEB_BUNDLE_ID === 'string' && /^[0-9a-f]{32}$/.test(PYWEB_BUNDLE_ID)) {
    // The bundle's hash, built in (scripts/_bundle-id.js): the same as hashing the file, unread.
    hash.update(PYWEB_BUNDLE_ID);
  } else {
    hash.update(fs.readFileSync(__filename));
  }
  build = hash.digest('hex').slice(0, 32);
  return build;
}

declare const PYWEB_BUNDLE_ID: string | undefined;

/**
 * The version of the package `require(name)` loads: its package.json in the first node_modules
 * folder above this file that has one, as Node looks. Read directly: `require` would resolve
 * the package's "exports" first (5 ms for the five, a twentieth of a run with nothing to render).
 */
export function packageVersion(name: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'));
      return typeof version === 'string' ? version : 'unknown';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(dir) === dir) return 'unknown';
    }
  }
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, full);
    else if (entry.isFile()) hash.update(`${entry.name}\0`).update(fs.readFileSync(full));
  }
}
