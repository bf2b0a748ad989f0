import { readdirSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { languageOf } from '../parse/parser';
import { ioReason, notRegular } from './read-source';
import { excludeMatcher } from './exclude-matcher';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out', '.trapline-cache']);

/**
 * Every `.c`, `.h`, `.S`, `.s` under root (relative paths, sorted), minus excludes (picomatch's
 * meaning, matched segment by segment: exclude-matcher.ts); symlinked dirs are not followed.
 * `.inc` files are not listed (they are too often not assembler: bitbake, Makefile fragments).
 * Source names that are not regular files (symbolic links, FIFOs, devices), folders that cannot be
 * listed and names that are not UTF-8 go to `skipped` with the reason.
 */
export function listSourceFiles(root: string, exclude: string[], skipped: { file: string; reason: string }[] = []): string[] {
  const patterns = exclude.filter((e) => e.trim().length > 0);
  const isExcluded = patterns.length > 0 ? excludeMatcher(patterns) : () => false;
  const out: string[] = [];
  const walk = (rel: string): void => {
    // names as bytes: one that is not UTF-8 would otherwise become U+FFFD, a path that does not exist
    let entries: Dirent<Buffer>[];
    try { entries = readdirSync(path.join(root, rel), { withFileTypes: true, encoding: 'buffer' }); } catch (e) {
      skipped.push({ file: rel || '.', reason: `unreadable directory (${ioReason(e)})` });
      return;
    }
    for (const e of entries) {
      const name = utf8Name(e.name);
      const r = rel ? `${rel}/${name ?? escapedName(e.name)}` : name ?? escapedName(e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(name ?? '') || isExcluded(r) || isExcluded(r + '/')) continue;
        if (name === null) skipped.push({ file: r, reason: 'name is not valid UTF-8' });
        else walk(r);
        continue;
      }
      if (!languageOf(r) || r.endsWith('.inc') || isExcluded(r)) continue;
      const bad = name === null ? 'name is not valid UTF-8' : notRegular(e);
      if (bad) skipped.push({ file: r, reason: bad });
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function utf8Name(bytes: Buffer): string | null {
  try { return utf8.decode(bytes); } catch { return null; }
}
/** A name that is not UTF-8, as text: its ASCII as it is, every other byte as \xHH. */
function escapedName(bytes: Buffer): string {
  return [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
}

/** Files under preferred directories first: their definitions win when a name is defined twice. */
export function byPreference(files: string[], prefer: string[]): string[] {
  const rank = (f: string): number => {
    const i = prefer.findIndex((p) => f === p || f.startsWith(p + '/'));
    return i < 0 ? prefer.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

