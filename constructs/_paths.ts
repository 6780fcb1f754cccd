import * as path from 'path';

/**
 * An absolute container path as the kubelet resolves it: `.` and `..` segments, repeated and
 * trailing slashes gone, so `/app//media/`, `/app/media/.` and `/app/media` compare equal.
 */
export function normalizeContainerPath(p: string): string {
  const normal = path.posix.normalize(p.startsWith('/') ? p : `/${p}`);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}
