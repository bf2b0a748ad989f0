/** A finding read back into its role path: the steps that open and close its window, its vectors. */
import type { Analysis } from '../../engine';
import type { Finding, Range } from '../../model/types';
import type { RolePath, Step } from '../../paths/steps';
import { sameRange } from '../text';

export interface Located { path: RolePath; open: Step; openPos: number; close: Step | null; closePos: number; second: Step | null }

/** The role path, opening step and closing (or related) step of a finding. */
export function locate(a: Analysis, f: Finding): Located | null {
  const p = a.paths.find((x) => x.role.name === f.role);
  if (!p) return null;
  const find = (r: Range, text: string | null, from: number): number =>
    p.steps.findIndex((s, i) => i >= from && sameRange(s.range, r) && (text === null || s.effect.text === text));
  const ess = f.flow.filter((x) => x.essential);
  let openPos = -1;
  for (const e of ess) if (sameRange(e.range, f.range)) { openPos = find(e.range, e.text, 0); if (openPos >= 0) break; }
  if (openPos < 0) openPos = find(f.range, null, 0);
  if (openPos < 0) return null;
  let closePos = f.closes ? find(f.closes.range, f.closes.text, openPos + 1) : -1;
  if (f.closes && closePos < 0) closePos = find(f.closes.range, null, openPos + 1);
  const other = ess.find((e) => !sameRange(e.range, f.range));
  const secondPos = other ? find(other.range, other.text, openPos + 1) : -1;
  return { path: p, open: p.steps[openPos], openPos, close: closePos >= 0 ? p.steps[closePos] : null, closePos, second: secondPos >= 0 ? p.steps[secondPos] : null };
}

/** The finding's vectors, each once, in order. */
export function findingVectors(f: Finding): number[] {
  return [...new Set(f.vectors)].sort((a, b) => a - b);
}
