/**
 * What a hover shows at a position, as data (render.ts writes it as markdown): the boot-relevant
 * steps there on each role's path, or a function or label on a path with the steps inside it.
 */
import * as path from 'node:path';
import type { Analysis } from '../../engine';
import type { Range } from '../../model/types';
import { covers } from '../../model/range';
import type { RolePath, Step } from '../../paths/steps';
import type { State } from '../../paths/state';
import { isInitSection } from '../../index/index';
import { fileText, lineText } from '../file-text';
import { ownChain, sameRange, siteRange } from './chain';
import { hoverIndex, labelRange, type HoverIndex, type Occ, type SymRole } from './hover-index';
import { roleWindows, type TimelineWindow } from './model';

export type HoverFacts = StepHover | SymbolHover;

export interface StepHover {
  kind: 'step';
  /** The first step under the cursor: its effect heads the hover. */
  first: Step;
  roles: StepOnRole[];
  /** The kernel configuration the tree was read under (which branches the walk took), when it has one. */
  configuration: string | null;
}

/** The hovered code on one role's path. */
export interface StepOnRole {
  path: RolePath;
  /** Where the path reaches the code, in order (a repeated call's replay folded into the call); the first is shown. */
  steps: Step[];
  /** When the shown step is a call: the steps it performs; `replay`, one step replaying a call walked before. */
  span: { first: number; last: number; replay: boolean } | null;
  /** The call sites down to the function holding the shown step, where they are in the tree. */
  chain: { symbol: string; site: Range }[];
  /** The states after the shown step, or after its call returns. */
  after: readonly State[];
  /** The windows open over the shown step (or its call's steps), and the findings at it. */
  windows: WindowAtStep[];
}

export interface WindowAtStep {
  window: TimelineWindow;
  open: Step;
  /** At one of the hovered steps, inside the hovered call, or before. */
  opens: 'here' | 'inside' | 'before';
  /** null: never closes on this path, or a point. */
  close: Step | null;
  closesHere: boolean;
}

export interface SymbolHover {
  kind: 'symbol';
  symbol: string;
  what: 'function' | 'label' | 'symbol';
  /** null: the index does not know its section. */
  section: string | null;
  init: boolean;
  /** The function's name or the label's statement; null for a symbol the index does not define. */
  definedAt: Range | null;
  roles: SymbolOnRole[];
}

/** The symbol on one role's path. */
export interface SymbolOnRole {
  path: RolePath;
  callSites: { caller: string; range: Range }[];
  /** The role's entry reaches the symbol without a call (fall-through or jump). */
  fromEntry: boolean;
  /** The path's steps inside the symbol (in it or in what it calls), in order. */
  steps: number[];
  /** The call chain to the first step inside: its callers, then the function it sits in (empty when it sits in the entry). */
  via: string[];
  windows: WindowInSymbol[];
  /** For a symbol in an init section with steps inside: when the path frees init memory. */
  initFree: InitFree | null;
}

export interface WindowInSymbol { window: TimelineWindow; open: Step; inside: boolean; close: Step | null }

export type InitFree =
  | { kind: 'freed'; free: Step; when: FreeWhen }
  | { kind: 'already-freed' };

/**
 * When init memory is freed against the symbol's steps: after the last of them; before the
 * symbol's own code runs again (at `step`); by a call the symbol makes (`through`: the calls
 * below it down to the function that frees); or between its steps from elsewhere.
 */
export type FreeWhen =
  | { kind: 'after-last-step' }
  | { kind: 'runs-after'; step: number }
  | { kind: 'on-call-stack'; through: string[] }
  | { kind: 'before-last-step' };

/**
 * The hover at (file, line, column), 0-based, file relative to the root (an absolute path under
 * the root is accepted): a boot-relevant step on some role's path, or a function or label on a
 * path (its definition line or a reference to it). null: nothing boot-relevant here.
 */
export function hoverAt(analysis: Analysis, file: string, line: number, column: number): HoverFacts | null {
  const rel = relFile(analysis.root, file);
  const hi = hoverIndex(analysis);
  const f = fileText(analysis.index, rel);
  const text = f ? lineText(f, line) : ''; // '' past the end or for a file not read: no code, no word
  const occs = hi.byLine.get(rel)?.get(line) ?? [];
  let hits = occs.filter((o) => covers(o.step.range, line, column));
  if (hits.length === 0 && occs.length > 0) {
    // anywhere on the code of a line where a step starts (the fill loop's range is its label)
    const first = text.search(/\S/), last = text.trimEnd().length;
    if (first >= 0 && column >= first && column < last) hits = occs.filter((o) => o.step.range.line === line);
  }
  if (hits.length > 0) return stepHover(analysis, hits);
  const w = f ? wordAt(text, column, f.gas) : null;
  if (w && hi.symbols.has(w) && !otherStatic(analysis, hi, w, rel)) return symbolHover(analysis, hi, w, rel);
  const defs = hi.defLines.get(rel)?.get(line);
  if (defs && defs.length > 0) return symbolHover(analysis, hi, defs[0], rel);
  return null;
}

function relFile(root: string, file: string): string {
  let f = file;
  if (path.isAbsolute(f)) {
    const r = path.relative(root, f);
    if (!r.startsWith('..') && !path.isAbsolute(r)) f = r;
  }
  return f.split(path.sep).join('/').replace(/\\/g, '/');
}

/** The identifier at a column; in assembly a name may hold `.` and `$` (`.Lfoo`), in C not (`ops.init`). */
function wordAt(text: string, column: number, asm: boolean): string | null {
  const chars = asm ? /[A-Za-z0-9_$.]/ : /[A-Za-z0-9_]/;
  const isW = (c: string | undefined): boolean => c !== undefined && chars.test(c);
  let s = column, e = column;
  if (!isW(text[column]) && isW(text[column - 1])) { s--; e--; }
  if (!isW(text[s])) return null;
  while (isW(text[s - 1])) s--;
  while (isW(text[e + 1])) e++;
  const w = text.slice(s, e + 1).replace(/^\.+|\.+$/g, '');
  return /^[A-Za-z_.$][\w.$]*$/.test(w) ? w : null;
}

/** A static function of this name defined in this file that is not the one on the path. */
function otherStatic(a: Analysis, hi: HoverIndex, sym: string, file: string): boolean {
  const here = a.index.functions.get(sym)?.find((d) => d.file === file && d.isStatic);
  return here !== undefined && !hi.symbols.get(sym)!.files.has(file);
}

/** Steps inside a call step: those whose chain goes through this call site. */
function callSpan(p: RolePath, s: Step): { first: number; last: number } | null {
  if (s.effect.kind !== 'call') return null;
  const d = s.chain.length;
  let j = s.index + 1;
  while (j < p.steps.length && p.steps[j].chain.length > d && sameRange(p.steps[j].chain[d].range, s.range)) j++;
  return j > s.index + 1 ? { first: s.index + 1, last: j - 1 } : null;
}

function stepHover(a: Analysis, hits: Occ[]): StepHover {
  const byRole = new Map<number, Step[]>();
  for (const o of hits) {
    const l = byRole.get(o.role) ?? [];
    if (!l.includes(o.step)) l.push(o.step);
    byRole.set(o.role, l);
  }
  return { kind: 'step', first: hits[0].step, roles: [...byRole].map(([ri, all]) => stepOnRole(a, ri, all)), configuration: a.index.kernelConfig?.description ?? null };
}

function stepOnRole(a: Analysis, ri: number, all: Step[]): StepOnRole {
  const p = a.paths[ri];
  all.sort((x, y) => x.index - y.index);
  // a repeated call's `(as before)` step sits inside the call step on the same line: one occurrence
  const steps: Step[] = [];
  let spanEnd = -1;
  for (const x of all) {
    if (x.index <= spanEnd) continue;
    steps.push(x);
    spanEnd = Math.max(spanEnd, callSpan(p, x)?.last ?? -1);
  }
  const s = steps[0];
  const calls = callSpan(p, s);
  const span = calls && { ...calls, replay: calls.first === calls.last && / \(as before\)$/.test(p.steps[calls.first].effect.text) };
  const chain = ownChain(s).map((c, k, links) => ({ symbol: c.symbol, site: siteRange(a, c, links[k + 1]?.symbol ?? s.within) }));
  // windows over this step (or over the steps of the call), and findings at it
  const lo = s.index, hiIdx = span ? span.last : s.index;
  const at = new Set(steps.map((x) => x.index));
  const windows = roleWindows(a, ri).filter((w) => (w.extent === 'window'
    ? w.openStep <= hiIdx && (w.closeStep === null || w.closeStep >= lo) || steps.some((x) => w.openStep <= x.index && (w.closeStep === null || w.closeStep >= x.index))
    : (w.openStep >= lo && w.openStep <= hiIdx) || at.has(w.openStep))).map((w): WindowAtStep => ({
    window: w, open: p.steps[w.openStep],
    opens: at.has(w.openStep) ? 'here' : w.openStep > lo && w.openStep <= hiIdx ? 'inside' : 'before',
    close: w.closeStep === null ? null : p.steps[w.closeStep], closesHere: w.closeStep !== null && at.has(w.closeStep),
  }));
  return { path: p, steps, span, chain, after: span ? p.steps[span.last].after : s.after, windows };
}

function symbolHover(a: Analysis, hi: HoverIndex, sym: string, fromFile: string): SymbolHover {
  const info = hi.symbols.get(sym)!;
  const fns = a.index.functions.get(sym) ?? [];
  const fn = fns.length > 1 ? fns.find((d) => d.file === fromFile && info.files.has(d.file)) ?? fns.find((d) => info.files.has(d.file)) ?? fns[0] : fns[0];
  const label = fn ? null : labelRange(a, sym);
  const section = fn ? fn.section ?? '.text' : a.index.sectionOf(sym);
  const init = section !== null && isInitSection(section);
  return {
    kind: 'symbol', symbol: sym, what: fn ? 'function' : label ? 'label' : 'symbol', section, init, definedAt: fn ? fn.nameRange : label,
    roles: [...info.roles].map(([ri, r]) => symbolOnRole(a, ri, r, sym, init)),
  };
}

function symbolOnRole(a: Analysis, ri: number, r: SymRole, sym: string, init: boolean): SymbolOnRole {
  const p = a.paths[ri];
  const on: SymbolOnRole = { path: p, callSites: [...r.callSites.values()], fromEntry: r.fromEntry, steps: r.steps, via: [], windows: [], initFree: null };
  if (r.steps.length === 0) return on;
  const firstStep = p.steps[r.steps[0]];
  const chain = ownChain(firstStep);
  if (chain.length > 0) on.via = [...chain.map((c) => c.symbol), firstStep.within];
  const lo = r.steps[0], last = r.steps[r.steps.length - 1];
  const inside = new Set(r.steps);
  on.windows = roleWindows(a, ri).filter((w) => (w.extent === 'window' ? w.openStep <= last && (w.closeStep === null || w.closeStep >= lo) : inside.has(w.openStep)))
    .map((w) => ({ window: w, open: p.steps[w.openStep], inside: inside.has(w.openStep), close: w.closeStep === null ? null : p.steps[w.closeStep] }));
  if (init) {
    const free = p.steps.find((s) => s.effect.kind === 'free-init');
    if (free) {
      const ownAfter = r.steps.filter((i) => p.steps[i].within === sym).find((i) => i > free.index);
      const k = free.chain.findIndex((c) => c.symbol === sym);
      const when: FreeWhen = free.index > last ? { kind: 'after-last-step' }
        : ownAfter !== undefined ? { kind: 'runs-after', step: ownAfter }
        : k >= 0 ? { kind: 'on-call-stack', through: [...free.chain.slice(k + 1).map((c) => c.symbol), free.within] }
        : { kind: 'before-last-step' };
      on.initFree = { kind: 'freed', free, when };
    } else if (p.steps[lo].before.some((st) => st.initFreed)) on.initFree = { kind: 'already-freed' };
  }
  return on;
}
