/**
 * The Boot Timeline panel's data (`trapline/roles`, `trapline/timeline`, see docs/protocol.md):
 * each role's steps with the machine state after them, and the findings on its path as windows
 * over the steps.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Analysis } from '../../engine';
import { CR4_FRED, CR4_MCE, type Finding, type Range, type RoleKind } from '../../model/types';
import type { RolePath, Step, StepEffect } from '../../paths/steps';
import type { State } from '../../paths/state';
import { calleeOf, sameRange, siteRange } from './chain';
import { startsAfterBoot } from '../../model/roles';

export type IdtBadge = 'none' | 'empty' | 'table' | 'unknown';

/** The machine state after a step, joined over the path states alive there. */
export interface StateBadges {
  /** The same in every state, else 'unknown'. */
  idt: IdtBadge;
  /** Set when `idt` is 'table'. */
  idtTable?: string;
  /** Set when `idt` is 'table': vectors whose present gate in that table uses an IST stack (first path state). */
  istVectors?: number[];
  /** A TSS is loaded in every state. */
  tss: boolean;
  /** TSS IST slots (1..7) known to hold a stack in every state. */
  istSlots: number[];
  /** CR4.MCE (bit 6): set in every state, possibly set in some, or clear in all. */
  cr4Mce: 'off' | 'may' | 'on';
  /** CR4.FRED (bit 32) set in every state: events bypass the IDT. */
  fred: boolean;
  /** IF set in some state (maskable interrupts may be enabled). */
  iflag: boolean;
  /** Init memory freed in some state. */
  initFreed: boolean;
}

export interface ChainEntry { symbol: string; file: string; line: number }

export interface TimelineStep {
  index: number;
  text: string;
  /** Effect kind: 'lidt', 'ltr', 'gate', 'ist', 'tss-ist', 'cr4', 'call', ... */
  kind: StepEffect['kind'];
  /** For 'call' steps: the function called. */
  callee?: string;
  file: string;
  /** Absolute file URI of `file`. */
  uri: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  depth: number;
  /** Call sites from the role's entry down to the function holding the step (`symbol` is the caller). */
  chain: ChainEntry[];
  within: string;
  /** How many path states are alive after the step (`state` joins them). */
  paths: number;
  state: StateBadges;
}

export interface TimelineWindow {
  rule: string;
  name: string;
  severity: Finding['severity'];
  /** The finding's message on one line, without the `[role]` prefix. */
  reason: string;
  /** 'window': a hazard from openStep to closeStep; 'point': a finding about one step. */
  extent: 'window' | 'point';
  openStep: number;
  /** null: never closed on this path (always null for a point). */
  closeStep: number | null;
  /** TL100: any exception in the window resets the machine. */
  critical: boolean;
  vectors: number[];
}

export interface Timeline {
  role: string;
  kind: RoleKind;
  entry: string | null;
  /** Step at which this (BSP) role starts the APs. */
  startApsAt: number | null;
  steps: TimelineStep[];
  windows: TimelineWindow[];
}

/** `afterBoot`: the CPU starts from reset after boot, in the booted system's memory (a resume role, a hot-plugged AP). */
export interface RoleSummary { name: string; entry: string | null; kind: RoleKind; afterBoot: boolean; steps: number; findings: number }

export function roles(analysis: Analysis): RoleSummary[] {
  return analysis.paths.map((p) => ({
    name: p.role.name, entry: p.entry, kind: kindOf(p), afterBoot: startsAfterBoot(p.role), steps: p.steps.length,
    findings: analysis.findings.filter((f) => f.role === p.role.name).length,
  }));
}

const timelines = new WeakMap<Analysis, Map<string, Timeline | null>>();

/** The ordered steps of a role's path with state badges, and the findings on it. null: no such role. */
export function timeline(analysis: Analysis, roleName: string): Timeline | null {
  let cache = timelines.get(analysis);
  if (!cache) { cache = new Map(); timelines.set(analysis, cache); }
  if (cache.has(roleName)) return cache.get(roleName) ?? null;
  const i = analysis.paths.findIndex((p) => p.role.name === roleName);
  let t: Timeline | null = null;
  if (i >= 0) {
    const p = analysis.paths[i];
    t = {
      role: p.role.name, kind: kindOf(p), entry: p.entry, startApsAt: p.startApsAt,
      steps: p.steps.map((s) => ({
        index: s.index, text: s.effect.text, kind: s.effect.kind, ...(s.effect.kind === 'call' ? { callee: s.effect.callee } : {}),
        file: s.range.file, uri: fileUri(analysis.root, s.range.file), line: s.range.line, column: s.range.column, endLine: s.range.endLine, endColumn: s.range.endColumn,
        depth: s.depth, chain: s.chain.map((c, k) => { const r = siteRange(analysis, c, s.chain[k + 1]?.symbol ?? calleeOf(s)); return { symbol: c.symbol, file: r.file, line: r.line }; }), within: s.within,
        paths: s.after.length, state: badges(s.after),
      })),
      windows: roleWindows(analysis, i),
    };
  }
  cache.set(roleName, t);
  return t;
}

export function kindOf(p: RolePath): RoleKind { return p.role.kind ?? 'other'; }

/** Absolute file URI of a file under the root, with parentheses escaped so that it can stand in a markdown link. */
export function fileUri(root: string, file: string): string {
  return pathToFileURL(path.join(root, file)).href.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** Join of several states into badges: idt equal or unknown, TSS/IST only if all, MCE on/may/off, IF and init freed if any. */
export function badges(states: readonly State[]): StateBadges {
  if (states.length === 0) return { idt: 'unknown', tss: false, istSlots: [], cr4Mce: 'off', fred: false, iflag: false, initFreed: false };
  const first = states[0].idt;
  const sameIdt = states.every((s) => s.idt.kind === first.kind && (s.idt.kind !== 'table' || (first.kind === 'table' && s.idt.name === first.name)));
  let slots = 0xff;
  for (const s of states) slots &= s.istSlots;
  const mceAll = states.every((s) => (s.cr4Must & CR4_MCE) !== 0n);
  const mceAny = states.some((s) => ((s.cr4Must | s.cr4May) & CR4_MCE) !== 0n);
  const b: StateBadges = {
    idt: sameIdt ? first.kind : 'unknown',
    tss: states.every((s) => s.tssLoaded),
    istSlots: [1, 2, 3, 4, 5, 6, 7].filter((n) => (slots & (1 << n)) !== 0),
    cr4Mce: mceAll ? 'on' : mceAny ? 'may' : 'off',
    fred: states.every((s) => (s.cr4Must & CR4_FRED) !== 0n),
    iflag: states.some((s) => s.iflag),
    initFreed: states.some((s) => s.initFreed),
  };
  if (sameIdt && first.kind === 'table') {
    b.idtTable = first.name;
    const gates = states[0].tables.get(first.name);
    b.istVectors = [];
    if (gates) gates.forEach((g, v) => { if (g.present && g.ist !== 0) b.istVectors!.push(v); });
  }
  return b;
}

/** Rules whose findings span from an opening step to a closing one (the `windows()` helper, and TL006's sti..fix). */
const WINDOW_RULES = new Set(['TL001', 'TL002', 'TL006', 'TL007', 'TL100']);

const windowCache = new WeakMap<Analysis, TimelineWindow[][]>();

/** The findings on the path of `a.paths[pathIndex]` as windows over its steps, by opening step. */
export function roleWindows(a: Analysis, pathIndex: number): TimelineWindow[] {
  let all = windowCache.get(a);
  if (!all) {
    all = a.paths.map((p) => a.findings.filter((f) => f.role === p.role.name).flatMap((f) => {
      const m = matchFinding(p, f);
      if (!m) return [];
      const extent: TimelineWindow['extent'] = WINDOW_RULES.has(f.rule) || f.closes ? 'window' : 'point';
      return [{
        rule: f.rule, name: f.name, severity: f.severity, reason: oneLine(f.message, p.role.name), extent,
        openStep: m.open, closeStep: extent === 'window' ? m.close : null, critical: f.rule === 'TL100', vectors: f.vectors,
      }];
    }).sort((x, y) => x.openStep - y.openStep || x.rule.localeCompare(y.rule)));
    windowCache.set(a, all);
  }
  return all[pathIndex];
}

function oneLine(message: string, role: string): string {
  const prefix = `[${role}] `;
  return (message.startsWith(prefix) ? message.slice(prefix.length) : message).replace(/\s+/g, ' ').trim();
}

const sameLine = (r: Range, s: Step): boolean => s.range.file === r.file && s.range.line === r.line;

/**
 * The steps a finding opens and closes at, by file and line of `range` and `closes`. The
 * finding's flow lists the path's steps up to the closing one, with the opening and closing
 * steps marked essential: that picks the right one when several steps share a line.
 */
function matchFinding(p: RolePath, f: Finding): { open: number; close: number | null } | null {
  const closeAfter = (open: number): number | null => {
    if (!f.closes) return null;
    const ess = f.flow.findIndex((e, i) => i > open && e.essential && p.steps[i] && sameLine(f.closes!.range, p.steps[i]));
    if (ess > open) return ess;
    return p.steps.find((s) => s.index > open && sameLine(f.closes!.range, s))?.index ?? null;
  };
  if (f.flow.length > 0 && f.flow.length <= p.steps.length) {
    const open = f.flow.findIndex((e, i) => e.essential && sameRange(e.range, p.steps[i].range) && sameLine(f.range, p.steps[i]));
    if (open >= 0) return { open, close: closeAfter(open) };
  }
  const opens = p.steps.filter((s) => sameLine(f.range, s));
  if (opens.length === 0) return null;
  if (f.closes) for (const o of opens) { const c = closeAfter(o.index); if (c !== null) return { open: o.index, close: c }; }
  return { open: opens[0].index, close: closeAfter(opens[0].index) };
}
