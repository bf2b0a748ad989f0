/** The call chain of a step: the call sites from the role's entry down to the function the step sits in. */
import type { Analysis } from '../../engine';
import type { ChainLink, Range } from '../../model/types';
import { escapeRe } from '../../model/regex';
import type { Step } from '../../paths/steps';
import { fileText, rangeAt } from '../file-text';

/** The file a call made from inside an expanded macro is recorded at. */
export const MACRO = '<macro>';

export const sameRange = (a: Range, b: Range): boolean => a.file === b.file && a.line === b.line && a.column === b.column;

/** A repeated call (`f() (as before)`): it carries its own call site as the last link, with the caller still as `within`. */
function isRepeatedCall(s: Step): boolean {
  return s.effect.kind === 'call' && s.chain.length > 0 && s.chain[s.chain.length - 1].symbol === s.within;
}

/** The function a step's last chain link calls: the step's own callee for a repeated call, else where the step sits. */
export function calleeOf(s: Step): string {
  return isRepeatedCall(s) && s.effect.kind === 'call' ? s.effect.callee : s.within;
}

/** The call sites leading to the function the step sits in (a repeated call's own site dropped). */
export function ownChain(s: Step): ChainLink[] {
  return isRepeatedCall(s) ? s.chain.slice(0, -1) : s.chain;
}

const macroSites = new WeakMap<Analysis, Map<string, Range | null>>();

/**
 * Where a call site is in the tree. A call made from inside an expanded macro is recorded at the
 * file '<macro>': look for the callee's name in the caller's body instead (the macro call).
 */
export function siteRange(a: Analysis, c: ChainLink, callee: string): Range {
  if (c.range.file !== MACRO) return c.range;
  const key = `${c.symbol}>${callee}`;
  let cache = macroSites.get(a);
  if (!cache) { cache = new Map(); macroSites.set(a, cache); }
  if (cache.has(key)) return cache.get(key) ?? c.range;
  let found: Range | null = null;
  for (const fn of a.index.functions.get(c.symbol) ?? []) {
    const f = fileText(a.index, fn.file);
    if (!f || !callee) continue;
    const m = new RegExp(`\\b${escapeRe(callee)}\\b`).exec(f.text.slice(fn.startIndex, fn.endIndex));
    if (!m) continue;
    found = rangeAt(fn.file, f, fn.startIndex + m.index, callee.length);
    break;
  }
  cache.set(key, found);
  return found ?? c.range;
}
