import { UserError } from './user-error';

/** What to do about each file-system error a command may meet, in words. */
const ADVICE: Record<string, { what: string; fix: string }> = {
  ENOSPC: { what: 'no space left on the device', fix: 'free some space and run it again' },
  EDQUOT: { what: 'the disk quota is used up', fix: 'free some space and run it again' },
  EACCES: { what: 'permission denied', fix: 'give this user access to it, or choose another path' },
  EPERM: { what: 'operation not permitted', fix: 'give this user access to it, or choose another path' },
  EROFS: { what: 'the file system is read-only', fix: 'choose a path on a writable file system' },
  EBUSY: { what: 'it is busy (a mount point, or in use)', fix: 'choose a folder inside it, or one that is not a mount point' },
  EEXIST: { what: 'a file is in the way', fix: 'remove it, or choose another path' },
  ENOTDIR: { what: 'a part of the path is a file, not a folder', fix: 'choose a path made of folders' },
  EISDIR: { what: 'it is a folder, not a file', fix: 'give a file' },
  ENOENT: { what: 'no such file or folder (or a link to nothing)', fix: 'check the path' },
  ELOOP: { what: 'too many symbolic links (a loop?)', fix: 'fix the links' },
  ENAMETOOLONG: { what: 'the path is too long', fix: 'choose a shorter path' },
  EMFILE: { what: 'too many open files', fix: 'raise the limit (ulimit -n) and run it again' },
  ENFILE: { what: 'too many open files on the system', fix: 'run it again later' },
  EIO: { what: 'an input/output error of the device', fix: 'check the disk' },
  EXDEV: { what: 'the output folder and its temporary sibling are on different devices', fix: 'choose a folder that is not a mount point' },
};

/** Whether an error is a Node.js system error of the file system (it has an errno code). */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * One line for a file-system error: the path, what went wrong, what to do, and that the
 * output folder was left as it was (a run stages its output and swaps it in only when whole).
 */
export function fileSystemErrorLine(err: NodeJS.ErrnoException): string {
  const advice = (err.code && ADVICE[err.code]) || { what: err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, ''), fix: 'check the path and run it again' };
  const dest = (err as { dest?: string }).dest;
  const where = dest ? `${err.path} -> ${dest}` : err.path || '(no path)';
  return `${where}: ${advice.what} (${err.code}, ${err.syscall}); ${advice.fix}. Nothing was changed in the output folder`;
}

/** Runs `fn`, turning a file-system error into a UserError of one line. */
export function withFileSystemErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isFileSystemError(err)) throw new UserError([fileSystemErrorLine(err)]);
    throw err;
  }
}
