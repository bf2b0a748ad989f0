// The rows of a lane and the bands beside them, from a timeline's steps and windows: no DOM.
import type { ChainLink, Step, Window } from '../protocol';
import { num, str } from './data';

/** Band columns drawn; more overlapping windows share the last one. */
export const MAX_COLS = 8;

export interface StepRow { type: 'step'; step: Step; level: number }
/** Steps of calls deeper than the limit, folded under the call that made them. */
export interface GroupRow {
  type: 'group';
  key: string;
  /** `file:line` of the call: consecutive hidden steps of one call share a group */
  site: string;
  /** the visible call step at this call site, if the path recorded one: the group's own row */
  callStep: Step | null;
  link: ChainLink | null;
  callee: string;
  steps: Step[];
  level: number;
  expanded: boolean;
}
export type Row = StepRow | GroupRow;

/** A window drawn from the row of its opening step to the row of its closing step, in column `col`. */
export interface Band { w: Window; open: number; close: number; openEnded: boolean; point: boolean; col: number }

/** Steps with calls deeper than `limit` (null: none) collapsed under their caller. */
export function groupSteps(role: string, steps: Step[], limit: number | null): Row[] {
  const rows: Row[] = [];
  for (const s of steps) {
    const depth = num(s.depth, 0);
    if (limit === null || depth <= limit) { rows.push({ type: 'step', step: s, level: depth }); continue; }
    const chain = Array.isArray(s.chain) ? s.chain : [];
    const link = chain[limit] || null;
    const site = link ? str(link.file) + ':' + num(link.line, -1) : '?';
    const last = rows[rows.length - 1];
    if (last && last.type === 'group' && last.site === site) { last.steps.push(s); continue; }
    // the caller row: the visible call step at this call site, if the path recorded one
    const prev = last && last.type === 'step' ? last.step : null;
    const callStep = prev && prev.kind === 'call' && num(prev.depth, 0) === limit && link && str(prev.file) === str(link.file) && num(prev.line, -1) === num(link.line, -2) ? prev : null;
    const callee = callStep && callStep.callee ? str(callStep.callee) : depth === limit + 1 ? str(s.within) : str(chain[limit + 1] && chain[limit + 1].symbol) || str(s.within);
    if (callStep) rows.pop();
    const key = role + '/g' + limit + '/' + num(s.index, 0);
    rows.push({ type: 'group', key, site, callStep, link, callee, steps: [s], level: limit, expanded: false });
  }
  return rows;
}

/** Visible rows in order (a group's steps shown when `expanded` says so); hidden steps map to the row of their collapsed group. */
export function flatten(role: string, steps: Step[], limit: number | null, expanded: Readonly<Record<string, unknown>>): { rows: Row[]; rowOf: Map<number, number> } {
  const out: Row[] = [];
  const rowOf = new Map<number, number>();
  for (const r of groupSteps(role, steps, limit)) {
    if (r.type === 'step') { rowOf.set(num(r.step.index, -1), out.length); out.push(r); continue; }
    const at = out.length;
    out.push(r);
    if (r.callStep) rowOf.set(num(r.callStep.index, -1), at);
    r.expanded = expanded[r.key] === true;
    for (const s of r.steps) {
      if (r.expanded) { rowOf.set(num(s.index, -1), out.length); out.push({ type: 'step', step: s, level: num(s.depth, 0) }); } else rowOf.set(num(s.index, -1), at);
    }
  }
  return { rows: out, rowOf };
}

/** Bands: each window from the row of its opening step to the row of its closing step, in the first free column. */
export function layoutBands(windows: Window[], rowOf: ReadonlyMap<number, number>, nrows: number): { bands: Band[]; cols: number } {
  const bands: Band[] = [];
  for (const w of windows) {
    const open = rowOf.get(num(w.openStep, -1));
    if (open === undefined) continue;
    if (w.extent === 'point') { bands.push({ w, open, close: open, openEnded: false, point: true, col: 0 }); continue; }
    const closeStep = w.closeStep === null || w.closeStep === undefined ? null : num(w.closeStep, -1);
    let close = closeStep === null ? nrows - 1 : rowOf.get(closeStep);
    if (close === undefined) close = nrows - 1;
    bands.push({ w, open, close: Math.max(open, close), openEnded: closeStep === null, point: false, col: 0 });
  }
  bands.sort((a, b) => a.open - b.open || b.close - a.close);
  const colEnd: number[] = [];
  for (const b of bands) {
    let c = colEnd.findIndex((end) => end < b.open);
    if (c === -1) c = colEnd.length;
    colEnd[c] = b.close;
    b.col = Math.min(c, MAX_COLS - 1);
  }
  return { bands, cols: Math.min(colEnd.length, MAX_COLS) };
}
