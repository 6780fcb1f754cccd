import * as fs from 'fs';
import { fileSystemErrorLine, isFileSystemError } from './_fs-errors';
import { UserError } from './user-error';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Larger than any stack file or rendered manifest (a manifest of one stack is some 50 KiB). */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * A text file as a string: UTF-8 only, since a stack file or a rendered manifest in another
 * encoding would be read as something else than was written. Every failure is a UserError of
 * one line naming the file: a folder, a link to nothing, no permission, bytes that are not UTF-8.
 */
export function readTextFile(file: string): string {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new UserError([`${file}: is a folder, not a file (allowed: a YAML file)`]);
    // A device or a pipe (/dev/zero, a FIFO) would be read without end.
    if (!stat.isFile()) throw new UserError([`${file}: is not a regular file (allowed: a YAML file)`]);
    if (stat.size > MAX_BYTES) throw new UserError([`${file}: is ${stat.size} bytes, larger than any stack file or manifest (at most ${MAX_BYTES / 1024 / 1024} MiB)`]);
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (isFileSystemError(err)) {
      if (err.code === 'ENOENT' && isLink(file)) throw new UserError([`${file}: is a link to nothing (${fs.readlinkSync(file)}); fix or remove the link`]);
      throw new UserError([fileSystemErrorLine({ ...err, message: err.message, path: err.path ?? file })]);
    }
    throw err;
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
    throw new UserError([`${file}: is not UTF-8 text (byte 0x${bytes[offset].toString(16).padStart(2, '0')} on line ${line}); save it as UTF-8`]);
  }
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The offset of the first byte that breaks UTF-8 (the lead byte of a broken sequence). */
function firstInvalidByte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const more = lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : (lead & 0xf0) === 0xe0 ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (more < 0) return i;
    for (let k = 1; k <= more; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  // Well-formed sequences the decoder still refused (an overlong form, a surrogate): the last one.
  return Math.max(0, bytes.length - 1);
}
