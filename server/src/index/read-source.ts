import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The one way a file of the tree is opened: sources by the analysis and by the result cache alike
 * (what one reads, the other hashes), and `.trapline.json` (readInsideRoot).
 */

/** A source file that was not read, and why (shown to the user as it is). */
export interface Skipped { skipped: string }
/** An opened source file's size and mtime, from fstat of the open descriptor. */
export interface SourceStat { size: number; mtimeMs: number }
/** What `use` may do with an opened source file: its stat, and its bytes (read at most once, at most maxBytes + 1). */
export interface OpenSource { stat: SourceStat; read(): Buffer | Skipped }

/** Something whose kind can be asked: a directory entry or a stat. */
interface Kinded { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSymbolicLink(): boolean }

/** The skip reason of something that is not a regular file, or null for a regular file. */
export function notRegular(k: Kinded): string | null {
  if (k.isFile()) return null;
  if (k.isSymbolicLink()) return 'symbolic link (not followed)';
  const kind = k.isFIFO() ? 'FIFO' : k.isCharacterDevice() ? 'character device' : k.isBlockDevice() ? 'block device' : k.isSocket() ? 'socket' : k.isDirectory() ? 'directory' : 'unknown kind';
  return `not a regular file (${kind})`;
}

/** An fs error as a reason: its code and words, without the absolute path Node appends. */
export function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}` : String(e);
}

/**
 * Opens `root/rel` without following a symbolic link (O_NOFOLLOW) and without waiting on a FIFO
 * (O_NONBLOCK), takes fstat of the descriptor (the file that was opened, whatever the path names
 * now), refuses anything but a regular file, and calls `use` with it; the descriptor is closed
 * after. `read` refuses a file over `maxBytes` from the fstat size, before reading, and reads at
 * most maxBytes + 1 bytes (a file that grew after the fstat is refused, not read whole).
 */
export function withSource<T>(root: string, rel: string, maxBytes: number, use: (src: OpenSource) => T): T | Skipped {
  let fd: number;
  try { fd = openSync(path.join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK); } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ELOOP' ? { skipped: 'symbolic link (not followed)' } : { skipped: `unreadable (${ioReason(e)})` };
  }
  try {
    const st = fstatSync(fd);
    const bad = notRegular(st);
    if (bad) return { skipped: bad };
    const tooLarge = (size: number): Skipped => ({ skipped: `larger than ${maxBytes} bytes (${size} bytes)` });
    return use({
      stat: { size: st.size, mtimeMs: st.mtimeMs },
      read: () => {
        if (st.size > maxBytes) return tooLarge(st.size);
        try {
          const bytes = readAtMost(fd, st.size, maxBytes + 1);
          return bytes.length > maxBytes ? tooLarge(bytes.length) : bytes;
        } catch (e) { return { skipped: `unreadable (${ioReason(e)})` }; }
      },
    });
  } catch (e) { return { skipped: `unreadable (${ioReason(e)})` }; } finally { closeSync(fd); }
}

/** Up to `max` bytes from the start of `fd`: a buffer of the expected size (one more, to see the end), grown only if the file did. */
function readAtMost(fd: number, expected: number, max: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.min(expected + 1, max));
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      if (n >= max) break;
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, max));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const got = readSync(fd, buf, n, buf.length - n, n);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

/** Whether a withSource result is a skip. */
export function isSkipped<T>(r: T | Skipped): r is Skipped {
  return typeof r === 'object' && r !== null && 'skipped' in r;
}

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
};

/**
 * A file of the tree that may be a symbolic link (the configuration file), read only when the
 * link resolves to a regular file inside `root` of at most `maxBytes`: /dev/zero never ends, a
 * FIFO would block forever, a link to /proc/self/environ would hand out the environment. The
 * target is then opened as a source is (withSource). `absent`: no such file.
 */
export function readInsideRoot(root: string, rel: string, maxBytes: number): Buffer | Skipped | { absent: true } {
  const file = path.join(root, rel);
  try { lstatSync(file); } catch (e) { return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { absent: true } : { skipped: `unreadable (${ioReason(e)})` }; }
  let real: string;
  try { real = realpathSync(file); } catch (e) { return { skipped: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'a symbolic link to nothing' : `unreadable (${ioReason(e)})` }; }
  let realRoot = root;
  try { realRoot = realpathSync(root); } catch { /* compared as given */ }
  if (!inside(realRoot, real)) return { skipped: 'a symbolic link to a file outside the workspace (not read)' };
  return withSource(path.dirname(real), path.basename(real), maxBytes, (src) => src.read());
}
