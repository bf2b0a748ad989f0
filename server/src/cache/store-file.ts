// One file of an on-disk store: a JSON header line ({format, sha1 of the body}) and a V8-
// serialised body, written atomically (temp file + rename) and read back only when its header
// is of this format and its body is what the header says.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

export const sha1 = (data: Buffer | string): string => createHash('sha1').update(data).digest('hex');

/**
 * Writes `value` to `file` in `dir`, with `meta` (strings) in its header: what a reader can
 * refuse the file by without reading its body. Returns why it was not written, or null.
 */
export function writeStoreFile(dir: string, file: string, format: number, value: unknown, meta: Record<string, string> = {}): string | null {
  const body = serialize(value);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      const data = [Buffer.from(`${JSON.stringify({ format, sha1: sha1(body), meta })}\n`), body];
      for (const b of data) for (let at = 0; at < b.length;) at += writeSync(fd, b, at);
    } finally { closeSync(fd); }
    renameSync(tmp, file);
    return null;
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never created */ }
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * What `file` holds, or why nothing: missing, unreadable, of another format, corrupt, or refused
 * by `refuse` from its header's `meta` (why, or null to read on).
 */
export function readStoreFile(file: string, format: number, what: string, refuse?: (meta: Record<string, unknown>) => string | null): { value: unknown } | { none: string } {
  let data: Buffer;
  try { data = readFileSync(file); } catch (e) { return { none: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${what} stored` : `unreadable ${what} (${(e as Error).message})` }; }
  const nl = data.indexOf(10);
  let header: unknown = null;
  try { header = nl < 0 ? null : JSON.parse(data.subarray(0, nl).toString('utf8')); } catch { /* not ours, or cut short */ }
  const body = data.subarray(nl + 1);
  if (typeof header !== 'object' || header === null || !('format' in header) || !('sha1' in header) || header.format !== format) return { none: `${what} of another format, or corrupt` };
  const meta = 'meta' in header && typeof header.meta === 'object' && header.meta !== null ? header.meta as Record<string, unknown> : {};
  const refused = refuse?.(meta);
  if (refused) return { none: refused };
  if (header.sha1 !== sha1(body)) return { none: `${what} of another format, or corrupt` };
  try {
    // written by this format and verified
    return { value: deserialize(body) };
  } catch (e) { return { none: `corrupt ${what} (${(e as Error).message})` }; }
}
