/**
 * Call frames of a step: where each step sits in the chain of calls from the role's entry, and
 * at which level two steps share a function instance.
 */
import type { Range } from '../../model/types';
import type { Step } from '../../paths/steps';
import { isAsm, isCFile, isHeader, sameRange } from '../text';

export interface Frame { fn: string; range: Range }

/** The frames of a step from the role's entry: each call site, then the step itself. */
export function framesOf(s: Step): Frame[] {
  return [...s.chain.map((c) => ({ fn: c.symbol, range: c.range })), { fn: s.within, range: s.range }];
}

export function sameFn(a: Frame, b: Frame): boolean {
  return a.fn === b.fn || (isAsm(a.range.file) && a.range.file === b.range.file);
}

/** Deepest level at which both steps are in the same function instance (-1: none). */
export function commonLevel(a: Frame[], b: Frame[]): number {
  let level = -1;
  for (let j = 0; j < Math.min(a.length, b.length); j++) {
    if (!sameFn(a[j], b[j])) break;
    level = j;
    if (!sameRange(a[j].range, b[j].range)) break;
  }
  return level;
}

/** The level of a step's own statement: out of the helpers in headers it runs in (`lidt()`, `write_cr4()`). */
export function ownLevel(fr: Frame[]): number {
  let k = fr.length - 1;
  while (k > 0 && isHeader(fr[k].range.file)) k--;
  return k;
}

export function samePrefix(a: Frame[], b: Frame[], n: number): boolean {
  for (let j = 0; j < n; j++) if (!(a[j] && b[j] && a[j].fn === b[j].fn && sameRange(a[j].range, b[j].range))) return false;
  return true;
}

/** The frames of a step in `.c` files, innermost first, through helpers in headers and up to the first other file. */
export function* cFrames(s: Step): Generator<Frame> {
  const fr = framesOf(s);
  for (let j = fr.length - 1; j >= 0; j--) {
    if (isCFile(fr[j].range.file)) yield fr[j];
    else if (!isHeader(fr[j].range.file)) return;
  }
}

/** The innermost frame of a step that is in a `.c` file (helpers in headers are left alone). */
export function cFrame(s: Step): Frame | null {
  for (const f of cFrames(s)) return f;
  return null;
}
