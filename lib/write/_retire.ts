import * as fs from 'fs';
import * as path from 'path';

/** What a folder to remove holds, as far as removing it costs time. */
export interface FolderSize {
  /** Its files. */
  readonly files: number;
  /** Its files with no other link (a render cache's manifests have one): removing them frees their data. */
  readonly unshared: number;
}

// Measured on a 2-core VM's disk (virtio, shared with other users' work): removing a file whose
// data is on disk costs 0.2-2.5 ms (0.1 ms when written moments ago and still in memory), a hard
// link 0.02 ms; starting the deleter costs the run 5 ms to load child_process and 2-24 ms to
// spawn (a 350 MiB process: fork copies its page tables). So a folder of more than 10 files of
// its own, or of more than 1,000 hard links, is worth a process.
const MS_PER_UNSHARED_FILE = 2;
const MS_PER_LINK = 0.02;
const SPAWN_MS = 20;

/**
 * The folder removed by a detached process of its own when that saves the run time (a
 * synchronous removal otherwise, or when no process can be started), so that the run does not
 * wait for the disk to free a previous output's data. `folder` must be named
 * `<head><pid of this process><tail>`, the pattern `recoverFromKilledRuns` reads: the deleter
 * first renames it to `<head><its own pid><tail>`, so a later run leaves it alone while the
 * deleter lives and removes what it left if it was killed. Nothing ever puts such a folder back.
 */
export function removeRetired(folder: string, size: FolderSize): void {
  const cost = size.unshared * MS_PER_UNSHARED_FILE + (size.files - size.unshared) * MS_PER_LINK;
  if (cost <= SPAWN_MS || !removeInBackground(folder)) fs.rmSync(folder, { recursive: true, force: true });
}

/** The deleter: renames the folder to its own pid's name (or stops: a later run removed it), then removes it. */
const DELETER = `'use strict';
const fs = require('fs');
const [folder, head, tail] = process.argv.slice(1);
const mine = head + process.pid + tail;
try { fs.renameSync(folder, mine); } catch { process.exit(0); }
fs.rmSync(mine, { recursive: true, force: true });
`;

/** Starts the deleter; false when it could not be started (EAGAIN, ENOMEM, no such executable). */
function removeInBackground(folder: string): boolean {
  const pid = String(process.pid);
  const name = path.basename(folder);
  const at = name.lastIndexOf(`-${pid}-`);
  if (at < 0 || isSingleExecutable()) return false;
  const head = path.join(path.dirname(folder), name.slice(0, at + 1));
  const tail = name.slice(at + 1 + pid.length);
  // Of the environment, nothing that would make the child anything but a plain Node.js: no
  // NODE_OPTIONS (a --require, an --inspect port of the user's); Electron runs as Node.js.
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  delete env.NODE_OPTIONS;
  try {
    // Loaded only here (5 ms): most runs replace a small output, or none.
    const { spawn } = require('child_process') as typeof import('child_process');
    const child = spawn(process.execPath, ['-e', DELETER, '--', folder, head, tail], {
      // Its own session, no stdio: it holds no terminal, pipe or captured output of the run's
      // (CI and tests read them to their end), and a Ctrl-C of the run's terminal spares it.
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
      env,
    });
    // A start that failed has no pid (its 'error' comes later, and was handled by the caller's
    // synchronous removal: the listener only keeps it from crashing the process).
    child.on('error', () => undefined);
    child.unref();
    return child.pid !== undefined;
  } catch {
    return false;
  }
}

/** In a single executable application, `process.execPath` runs the application, not `-e`. */
function isSingleExecutable(): boolean {
  try {
    return (require('node:sea') as { isSea(): boolean }).isSea();
  } catch {
    return false;
  }
}
