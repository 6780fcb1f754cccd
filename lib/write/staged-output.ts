import * as fs from 'fs';
import * as path from 'path';
import { RenderedFile } from '../render/render';
import { TargetFolders } from '../render/target-folders';
import { UserError } from '../user-error';
import { FolderSize, removeRetired } from './_retire';

/**
 * The output folder, replaced atomically as far as a reader can tell: files are written into a
 * fresh sibling folder as they come, and only a complete folder is swapped in by `commit`. A
 * run that fails, is interrupted (SIGINT, SIGTERM) or is killed at any point leaves either the
 * previous output or the complete new one, never a mix; what a killed run left behind is
 * cleaned up (or, in the microseconds between the two renames, put back) by the next run.
 * The previous output is removed after the swap, by a process of its own when it is large
 * enough for that to save time (see `removeRetired`): the run does not wait for it.
 */
export class StagedOutput {
  /** The folder written: `outdir`, or where it points when it is a symbolic link. */
  public readonly target: string;
  private readonly staging: string;
  private readonly lock: OutputLock;
  /** Modes of the previous render's folders and files, by path relative to the target ('' for itself). */
  private readonly modes: Map<string, number>;
  /** What removing the previous render will cost. */
  private readonly previous: FolderSize;

  constructor(outdir: string) {
    this.target = followLink(outdir);
    const parent = path.dirname(this.target);
    fs.mkdirSync(parent, { recursive: true });
    this.lock = OutputLock.acquire(this.target);
    try {
      refuseUnsafeTarget(this.target);
      recoverFromKilledRuns(parent, this.target);
      ({ modes: this.modes, size: this.previous } = previousRender(this.target));
      this.staging = fs.mkdtempSync(path.join(parent, `${runFolderPrefix(this.target)}${process.pid}-`));
      // mkdtemp makes it private (0700); the output is for everyone who reads the repository,
      // unless the previous render's folder said otherwise.
      const previous = this.modes.get('');
      fs.chmodSync(this.staging, previous === undefined ? 0o755 : previous);
    } catch (err) {
      this.lock.release();
      throw err;
    }
  }

  /** Writes one file (its path relative to the output folder) into the staging folder, with the previous render's modes. */
  public write(relativePath: string, content: string): void {
    this.place(relativePath, (dest) => fs.writeFileSync(dest, content));
  }

  /**
   * Puts an existing file (a render cache's) into the staging folder as `relativePath`: hard-linked,
   * so nothing is copied now and removing the previous output later unlinks it rather than freeing
   * its data; copied where the file system has no hard links.
   */
  public link(relativePath: string, source: string): void {
    this.place(relativePath, (dest) => {
      try {
        fs.linkSync(source, dest);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === undefined || !NO_HARD_LINK.has(code)) throw err;
        fs.copyFileSync(source, dest);
      }
    });
  }

  private place(relativePath: string, put: (dest: string) => void): void {
    const dest = path.join(this.staging, relativePath);
    const folder = path.dirname(relativePath);
    try {
      if (folder !== '.' && !fs.existsSync(path.dirname(dest))) {
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        const mode = this.modes.get(folder);
        if (mode !== undefined) fs.chmodSync(path.dirname(dest), mode);
      }
      put(dest);
      const mode = this.modes.get(relativePath);
      if (mode !== undefined) fs.chmodSync(dest, mode);
    } catch (err) {
      // A write error (a full disk) carries no path: name the file as the user knows it.
      const e = err as NodeJS.ErrnoException;
      if (typeof e.code === 'string') e.path = path.join(this.target, relativePath);
      throw err;
    }
  }

  /** Swaps the complete staging folder in for the output folder. */
  public commit(): void {
    try {
      swapIn(this.staging, this.target, this.previous);
    } finally {
      this.lock.release();
    }
  }

  /** Drops what was staged; the output folder stays as it was. */
  public abort(): void {
    try {
      fs.rmSync(this.staging, { recursive: true, force: true });
    } finally {
      this.lock.release();
    }
  }
}

/** Why a file system may refuse a hard link that a copy would do: another device, no support, too many links, not allowed. */
const NO_HARD_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/**
 * The folder a render into `outdir` replaces: `outdir` as an absolute path, or where it points
 * when it is a symbolic link (see `followLink`); undefined when it is a link to nothing (the
 * output refuses it).
 */
export function outputTarget(outdir: string): string | undefined {
  try {
    return followLink(outdir);
  } catch {
    return undefined;
  }
}

/**
 * An `--outdir` that is a symbolic link is followed: the render replaces the folder it points
 * to and the link stays (a link to nothing is refused). Replacing the link itself would leave
 * its target holding the old render.
 */
function followLink(outdir: string): string {
  const absolute = path.resolve(outdir);
  let isLink = false;
  try {
    isLink = fs.lstatSync(absolute).isSymbolicLink();
  } catch {
    return absolute;
  }
  if (!isLink) return absolute;
  try {
    return fs.realpathSync(absolute);
  } catch {
    throw new UserError([`--outdir ${outdir}: is a symbolic link to ${fs.readlinkSync(absolute)}, which does not exist (allowed: a link to an existing folder, or a folder)`]);
  }
}

/**
 * The modes of a previous render (the folder, its target folders and their files), and its
 * files: how many, and how many are not also in the render cache.
 */
function previousRender(target: string): { modes: Map<string, number>; size: FolderSize } {
  const modes = new Map<string, number>();
  let files = 0;
  let unshared = 0;
  if (fs.existsSync(target)) {
    modes.set('', fs.statSync(target).mode & 0o7777);
    for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      modes.set(entry.name, fs.statSync(path.join(target, entry.name)).mode & 0o7777);
      for (const file of fs.readdirSync(path.join(target, entry.name))) {
        const stat = fs.statSync(path.join(target, entry.name, file));
        modes.set(`${entry.name}/${file}`, stat.mode & 0o7777);
        files++;
        if (stat.nlink === 1) unshared++;
      }
    }
  }
  return { modes, size: { files, unshared } };
}

/**
 * One synth at a time per output folder: a lock file `.<outdir>.lock` beside it holding the
 * writer's pid. A second run is refused at once with the holder's pid; a lock whose process is
 * gone (a killed run) is taken over. The lock file is created whole (written aside, then
 * hard-linked into place), so no run ever reads a half-written one.
 */
class OutputLock {
  public static acquire(target: string): OutputLock {
    const file = path.join(path.dirname(target), `.${path.basename(target)}.lock`);
    const mine = `${file}.${process.pid}`;
    fs.writeFileSync(mine, `${process.pid}\n`);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          fs.linkSync(mine, file);
          return new OutputLock(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const holder = pidIn(file);
        if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
          throw new UserError([`--outdir ${target}: another synth is writing ${target} (process ${holder}); wait for it to finish, or give another --outdir`]);
        }
        // The holder is gone: take the stale lock aside under a name of our own (only one run's
        // rename succeeds), and drop it only if it is still the stale one.
        const aside = `${file}.stale-${process.pid}`;
        try {
          fs.renameSync(file, aside);
        } catch {
          continue;
        }
        const taken = pidIn(aside);
        if (taken !== holder && taken !== undefined && isAlive(taken)) {
          // Another run took the stale lock over between our read and our rename: give it back.
          try { fs.linkSync(aside, file); } catch { /* it has one again */ }
        }
        fs.rmSync(aside, { force: true });
      }
      throw new UserError([`--outdir ${target}: another synth is writing ${target}; wait for it to finish, or give another --outdir`]);
    } finally {
      fs.rmSync(mine, { force: true });
    }
  }

  private constructor(private readonly file: string) {}

  /** Removes the lock, if it is still this run's. */
  public release(): void {
    if (pidIn(this.file) === process.pid) fs.rmSync(this.file, { force: true });
  }
}

function pidIn(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces `outdir` with `files` and each target folder's kustomization.yaml and README.md:
 * exactly what the synth command writes for the same files (see `StagedOutput`).
 */
export function writeOutput(outdir: string, files: readonly RenderedFile[]): void {
  const output = new StagedOutput(outdir);
  try {
    const folders = new TargetFolders();
    for (const file of files) {
      output.write(file.path, file.content);
      folders.add(file);
    }
    for (const file of folders.files()) output.write(file.path, file.content);
    output.commit();
  } catch (err) {
    output.abort();
    throw err;
  }
}

/** What a render writes into each target folder; nothing else may be in an output folder. */
const RENDERED_FILE = /^([^/]+\.k8s\.yaml|kustomization\.yaml|README\.md)$/;

/**
 * The output folder is replaced whole, so it must be empty or hold nothing but a previous
 * render (target folders of manifests, kustomization.yaml and README.md): never a folder of
 * stack files, a home folder or a project.
 */
function refuseUnsafeTarget(target: string): void {
  const cwd = realCwd();
  const refuse = (why: string) => {
    throw new UserError([`--outdir ${target}: refusing to replace ${why} (allowed: an empty or missing folder, or a previous render, e.g. dist)`]);
  };
  if (cwd === target || cwd.startsWith(`${target}${path.sep}`)) refuse('the current directory or one of its parents');
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isDirectory()) refuse('a file');
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (!entry.isDirectory()) refuse(`a folder that holds ${entry.name}, which a render never writes there`);
    for (const file of fs.readdirSync(path.join(target, entry.name), { withFileTypes: true })) {
      if (!file.isFile() || !RENDERED_FILE.test(file.name)) refuse(`a folder that holds ${entry.name}/${file.name}, which a render never writes`);
    }
  }
}

/**
 * Two renames, back to back and synchronous, so no signal handler or other callback runs
 * between them; the old folder is removed only once the new one is in place. Before that it is
 * renamed once more, from `.old` (put back by a run that finds the output folder missing) to
 * `.del` (never put back, only removed): a folder being removed is never mistaken for an output.
 */
function swapIn(staging: string, target: string, old: FolderSize): void {
  const retired = `${staging}.old`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, retired);
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    if (hadTarget) fs.renameSync(retired, target);
    throw err;
  }
  if (!hadTarget) return;
  const discarded = `${staging}.del`;
  fs.renameSync(retired, discarded);
  removeRetired(discarded, old);
}

/**
 * The name every folder a run keeps beside the output folder begins with (its staging folder,
 * a retired output, files being removed), then the run's pid: `<prefix><pid>-<suffix>`.
 */
export function runFolderPrefix(target: string): string {
  return `.${path.basename(target)}.new-`;
}

/**
 * What runs that were killed left beside the output folder (their process is gone; a run still
 * going, or a deleter still removing a previous output, is left alone): a retired `.old` folder
 * is the previous output, put back when the kill came between the two renames and the output
 * folder is missing; anything else is removed (a `.del` folder of a killed deleter included).
 * The synchronous writes mean a signal never interrupts a run half-way through a file: it
 * either ends the run before the swap or is handled after it.
 */
function recoverFromKilledRuns(parent: string, target: string): void {
  const prefix = runFolderPrefix(target);
  for (const name of fs.readdirSync(parent).sort()) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && isAlive(pid)) continue;
    const leftover = path.join(parent, name);
    if (name.endsWith('.old') && !fs.existsSync(target)) fs.renameSync(leftover, target);
    else removeLeftover(leftover);
  }
}

/**
 * Removes a leftover that may vanish meanwhile: the deleter of a run that has just ended takes
 * its `.del` folder over by renaming it, possibly while this removal walks it.
 */
function removeLeftover(leftover: string): void {
  try {
    fs.rmSync(leftover, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function realCwd(): string {
  try {
    return fs.realpathSync(process.cwd());
  } catch {
    return process.cwd();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
