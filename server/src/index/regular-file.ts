import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import * as path from 'node:path';

export type RegularRead = { bytes: Buffer } | { absent: true } | { problem: string };

/** What a non-regular file is, for a message ("not a regular file (a FIFO)"). */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
};

/**
 * A file of the tree, read only when it is a regular file inside `root` (after symbolic links)
 * of at most `maxBytes`: a FIFO would block the read forever, /dev/zero never ends, a link to
 * /proc/self/environ would hand out the environment. The size is checked before reading, the
 * open does not block (O_NONBLOCK), and the read stops at `maxBytes` + 1 should the file grow.
 */
export function readRegularFile(root: string, rel: string, maxBytes: number): RegularRead {
  const file = path.join(root, rel);
  const failed = (e: unknown): RegularRead => ({ problem: `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
  try { lstatSync(file); } catch (e) { return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { absent: true } : failed(e); }
  let real: string;
  try { real = realpathSync(file); } catch (e) { return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { problem: 'a symbolic link to nothing' } : failed(e); }
  let realRoot = root;
  try { realRoot = realpathSync(root); } catch { /* compared as given */ }
  if (!inside(realRoot, real)) return { problem: 'a symbolic link to a file outside the workspace (not read)' };
  let fd: number;
  try { fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0)); } catch (e) { return failed(e); }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: `not a regular file (${kindOf(st)})` };
    if (st.size > maxBytes) return { problem: `larger than ${maxBytes} bytes` };
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length;) { got = readSync(fd, buf, n, buf.length - n, null); n += got; }
    if (n > maxBytes) return { problem: `larger than ${maxBytes} bytes` };
    return { bytes: buf.subarray(0, n) };
  } catch (e) { return failed(e); } finally { closeSync(fd); }
}
