/**
 * Kconfig's three values (n = 0, m = 1, y = 2) widened to intervals: a value the toolchain
 * decides is known only as "somewhere between lo and hi". Kconfig's AND is min, OR is max and
 * NOT is 2 - x; all three are monotone, so applying them to the ends of the intervals gives the
 * exact interval of the results.
 */
export type Level = 0 | 1 | 2;
export interface Tri { readonly lo: Level; readonly hi: Level }

export const N: Tri = { lo: 0, hi: 0 };
export const M: Tri = { lo: 1, hi: 1 };
export const Y: Tri = { lo: 2, hi: 2 };
/** Undecided: any of n, m, y. */
export const ANY: Tri = { lo: 0, hi: 2 };

const min = (a: Level, b: Level): Level => (a < b ? a : b);
const max = (a: Level, b: Level): Level => (a > b ? a : b);

export const tri = (lo: Level, hi: Level = lo): Tri => (lo === hi ? [N, M, Y][lo] : { lo, hi });
export const and = (a: Tri, b: Tri): Tri => tri(min(a.lo, b.lo), min(a.hi, b.hi));
export const or = (a: Tri, b: Tri): Tri => tri(max(a.lo, b.lo), max(a.hi, b.hi));
export const not = (a: Tri): Tri => tri((2 - a.hi) as Level, (2 - a.lo) as Level);
/** The union: every value either side can take. */
export const join = (a: Tri, b: Tri): Tri => tri(min(a.lo, b.lo), max(a.hi, b.hi));
export const decided = (a: Tri): boolean => a.lo === a.hi;
/** m becomes y (a bool symbol, or a tristate while modules are off). */
export const mToY = (a: Tri): Tri => tri(a.lo === 1 ? 2 : a.lo, a.hi === 1 ? 2 : a.hi);
/** Each value an interval holds, lowest first. */
export const levels = (a: Tri): Level[] => ([0, 1, 2] as Level[]).filter((l) => l >= a.lo && l <= a.hi);
export const letter = (l: Level): 'n' | 'm' | 'y' => (['n', 'm', 'y'] as const)[l];
export const fromLetter = (s: string): Tri | undefined => (s === 'y' ? Y : s === 'm' ? M : s === 'n' ? N : undefined);
