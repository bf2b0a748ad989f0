import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { languageOf } from '../parse/parser';
import { excludeMatcher } from './exclude-matcher';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out', '.trapline-cache']);

/**
 * Every `.c`, `.h`, `.S`, `.s` under root (relative paths, sorted), minus excludes (picomatch's
 * meaning, matched segment by segment: exclude-matcher.ts); symlinked dirs
 * are not followed. `.inc` files are only read when an `.S` file includes them (they are too
 * often not assembler: bitbake, Makefile fragments).
 */
export function listSourceFiles(root: string, exclude: string[], skipped: { file: string; reason: string }[] = []): string[] {
  const patterns = exclude.filter((e) => e.trim().length > 0);
  const isExcluded = patterns.length > 0 ? excludeMatcher(patterns) : () => false;
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try { entries = readdirSync(path.join(root, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !isExcluded(r) && !isExcluded(r + '/')) walk(r);
      } else if (e.isFile() && languageOf(e.name) && !e.name.endsWith('.inc') && !isExcluded(r)) out.push(r);
      else if (e.isSymbolicLink() && languageOf(e.name) && !isExcluded(r)) skipped.push({ file: r, reason: 'symbolic link (not followed)' });
    }
  };
  walk('');
  return out.sort();
}

/** Files under preferred directories first: their definitions win when a name is defined twice. */
export function byPreference(files: string[], prefer: string[]): string[] {
  const rank = (f: string): number => {
    const i = prefer.findIndex((p) => f === p || f.startsWith(p + '/'));
    return i < 0 ? prefer.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

