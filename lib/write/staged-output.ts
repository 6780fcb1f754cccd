import * as fs from 'fs';
import * as path from 'path';
import { RenderedFile } from '../render/render';
import { TargetFolders } from '../render/target-folders';
import { UserError } from '../user-error';

/**
 * The output folder, replaced atomically as far as a reader can tell: files are written into a
 * fresh sibling folder as they come, and only a complete folder is swapped in by `commit`. A
 * run that fails, is interrupted (SIGINT, SIGTERM) or is killed at any point leaves either the
 * previous output or the complete new one, never a mix; what a killed run left behind is
 * cleaned up (or, in the microseconds between the two renames, put back) by the next run.
 */
export class StagedOutput {
  private readonly target: string;
  private readonly staging: string;

  constructor(outdir: string) {
    this.target = path.resolve(outdir);
    refuseUnsafeTarget(this.target);
    const parent = path.dirname(this.target);
    fs.mkdirSync(parent, { recursive: true });
    recoverFromKilledRuns(parent, this.target);
    this.staging = fs.mkdtempSync(path.join(parent, `.${path.basename(this.target)}.new-${process.pid}-`));
    // mkdtemp makes it private (0700); the output is for everyone who reads the repository.
    fs.chmodSync(this.staging, 0o755);
  }

  /** Writes one file (its path relative to the output folder) into the staging folder. */
  public write(relativePath: string, content: string): void {
    const dest = path.join(this.staging, relativePath);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, content);
  }

  /** Swaps the complete staging folder in for the output folder. */
  public commit(): void {
    swapIn(this.staging, this.target);
  }

  /** Drops what was staged; the output folder stays as it was. */
  public abort(): void {
    fs.rmSync(this.staging, { recursive: true, force: true });
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
  const cwd = process.cwd();
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
 * between them; the old folder is removed only once the new one is in place.
 */
function swapIn(staging: string, target: string): void {
  const retired = `${staging}.old`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, retired);
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    if (hadTarget) fs.renameSync(retired, target);
    throw err;
  }
  if (hadTarget) fs.rmSync(retired, { recursive: true, force: true });
}

/**
 * What runs that were killed left beside the output folder (their process is gone; a run still
 * going is left alone): a retired `.old` folder is the previous output, put back when the kill
 * came between the two renames and the output folder is missing; anything else is removed.
 * The synchronous writes mean a signal never interrupts a run half-way through a file: it
 * either ends the run before the swap or is handled after it.
 */
function recoverFromKilledRuns(parent: string, target: string): void {
  const prefix = `.${path.basename(target)}.new-`;
  for (const name of fs.readdirSync(parent).sort()) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && isAlive(pid)) continue;
    const leftover = path.join(parent, name);
    if (name.endsWith('.old') && !fs.existsSync(target)) fs.renameSync(leftover, target);
    else fs.rmSync(leftover, { recursive: true, force: true });
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
