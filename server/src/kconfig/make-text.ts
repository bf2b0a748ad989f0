/**
 * Make values that may be partly undecided. Two marks travel in the text: an unknown
 * fragment (see unknowns.ts: a `$(shell ...)`, an undecided CONFIG_ value, a function we do
 * not evaluate) and MAYBE before a word that only some outcomes of an undecided condition
 * put there (`ifdef CONFIG_X` with X undecided).
 */
import { hasUnknown } from './unknowns';

const MAYBE = '\u0003';

export const words = (text: string): string[] => text.split(/[ \t\n]+/).filter((w) => w !== '');
export const isMaybe = (w: string): boolean => w.startsWith(MAYBE);
export const bare = (w: string): string => (isMaybe(w) ? w.slice(1) : w);
export const asMaybe = (w: string): string => (isMaybe(w) ? w : MAYBE + w);
export const maybeAll = (text: string): string => words(text).map(asMaybe).join(' ');
/** A text every outcome agrees on: no unknown fragment, no maybe word. */
export const isDecided = (text: string): boolean => !hasUnknown(text) && !text.includes(MAYBE);

/** Applies a word function to the bare words, keeping each word's mark. */
export const mapWords = (text: string, f: (w: string) => string): string =>
  words(text).map((w) => { const r = f(bare(w)); return r === '' ? '' : isMaybe(w) ? asMaybe(r) : r; }).filter((w) => w !== '').join(' ');

/** Make's `%` pattern: the stem when `word` matches, else null. */
export function matchPattern(pattern: string, word: string): string | null {
  const i = pattern.indexOf('%');
  if (i < 0) return pattern === word ? '' : null;
  const pre = pattern.slice(0, i), post = pattern.slice(i + 1);
  return word.length >= pre.length + post.length && word.startsWith(pre) && word.endsWith(post) ? word.slice(pre.length, word.length - post.length) : null;
}

export function patsubst(pattern: string, replacement: string, word: string): string {
  const stem = matchPattern(pattern, word);
  if (stem === null) return word;
  return pattern.includes('%') ? replacement.replace('%', stem) : replacement;
}
