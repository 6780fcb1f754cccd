import * as fs from 'fs';
import * as path from 'path';
import { RenderedFile } from './synth';
import { UserError } from './user-error';

/**
 * Replaces `outdir` with exactly `files`, atomically as far as a reader can tell: everything is
 * written into a fresh sibling folder first, and only a complete folder is swapped in. A run
 * that fails or is killed before the swap leaves `outdir` exactly as it was.
 */
export function writeOutput(outdir: string, files: readonly RenderedFile[]): void {
  const target = path.resolve(outdir);
  refuseUnsafeTarget(target);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.new-`));
  try {
    for (const file of files) {
      const dest = path.join(staging, file.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, file.content);
    }
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  swapIn(staging, target);
}

/** The output folder is replaced whole, so it must never be a folder that holds anything else. */
function refuseUnsafeTarget(target: string): void {
  const cwd = process.cwd();
  const isAncestorOfCwd = cwd === target || cwd.startsWith(`${target}${path.sep}`);
  const holdsProject = ['.git', 'package.json'].some((f) => fs.existsSync(path.join(target, f)));
  if (isAncestorOfCwd || holdsProject) {
    throw new UserError([`--outdir ${target}: refusing to replace a folder that holds the project or the current directory (allowed: a folder for generated manifests only, e.g. dist)`]);
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
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (hadTarget) fs.rmSync(retired, { recursive: true, force: true });
}
