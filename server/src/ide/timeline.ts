/**
 * The boot timeline as an IDE layer: pure functions over the engine's `Analysis` for the Boot
 * Timeline panel (`trapline/roles`, `trapline/timeline`, see docs/protocol.md) and for hovers.
 * Core layer: no LSP imports; the language server translates these plain types.
 *
 * Lines and columns are 0-based (the engine's and LSP's convention); files are relative to
 * `analysis.root` with `/` separators. Hover text is markdown: code-derived text is put in
 * backticks (backticks stripped from it), other text is escaped.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Analysis } from '../engine';
import { CR4_FRED, CR4_MCE, formatVectors, vectorName, type ChainLink, type CrValue, type Finding, type Range, type RoleKind, type TableRef } from '../model/types';
import type { RolePath, Step, StepEffect } from '../paths/steps';
import type { Gates, State } from '../paths/state';
import { isInitSection } from '../index/index';
import { languageOf } from '../parse/parser';
import { escapeControls } from '../report/escape';

// ---------------------------------------------------------------- types

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

export interface RoleSummary { name: string; entry: string | null; kind: RoleKind; steps: number; findings: number }

// ---------------------------------------------------------------- roles and timeline

export function roles(analysis: Analysis): RoleSummary[] {
  return analysis.paths.map((p) => ({
    name: p.role.name, entry: p.entry, kind: kindOf(p), steps: p.steps.length,
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

function kindOf(p: RolePath): RoleKind { return p.role.kind ?? 'other'; }

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

function roleWindows(a: Analysis, pathIndex: number): TimelineWindow[] {
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
const sameRange = (a: Range, b: Range): boolean => a.file === b.file && a.line === b.line && a.column === b.column;

/** The function a step's last chain link calls: the step's own callee for a repeated call (`f() (as before)`), else where the step sits. */
function calleeOf(s: Step): string {
  return s.effect.kind === 'call' && s.chain.length > 0 && s.chain[s.chain.length - 1].symbol === s.within ? s.effect.callee : s.within;
}

/**
 * The call sites leading to the function the step sits in. A repeated call (`f() (as before)`)
 * carries its own call site as the last link, with the caller still as `within`: drop it.
 */
function ownChain(s: Step): ChainLink[] {
  return s.effect.kind === 'call' && s.chain.length > 0 && s.chain[s.chain.length - 1].symbol === s.within ? s.chain.slice(0, -1) : s.chain;
}

const MACRO = '<macro>';

/**
 * Where a call site is in the tree. A call made from inside an expanded macro is recorded at the
 * file '<macro>': look for the callee's name in the caller's body instead (the macro call).
 */
function siteRange(a: Analysis, c: ChainLink, callee: string): Range {
  if (c.range.file !== MACRO) return c.range;
  const key = `${c.symbol}>${callee}`;
  let cache = macroSites.get(a);
  if (!cache) { cache = new Map(); macroSites.set(a, cache); }
  if (cache.has(key)) return cache.get(key) ?? c.range;
  let found: Range | null = null;
  for (const fn of a.index.functions.get(c.symbol) ?? []) {
    const text = a.index.texts.get(fn.file);
    if (!text || !callee) continue;
    const m = new RegExp(`\\b${callee.replace(/[$.]/g, '\\$&')}\\b`).exec(text.slice(fn.startIndex, fn.endIndex));
    if (!m) continue;
    const off = fn.startIndex + m.index;
    let line = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < off; i = text.indexOf('\n', i + 1)) line++;
    const column = off - (text.lastIndexOf('\n', off - 1) + 1);
    found = { file: fn.file, line, column, endLine: line, endColumn: column + callee.length };
    break;
  }
  cache.set(key, found);
  return found ?? c.range;
}

const macroSites = new WeakMap<Analysis, Map<string, Range | null>>();

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

// ---------------------------------------------------------------- markdown helpers

/** Escapes markdown in plain text; control characters (a newline in a file name) are shown escaped, so they cannot end the line. */
export function esc(s: string): string {
  return escapeControls(s.replace(/[\\`*_[\]<>|~]/g, '\\$&'));
}

/** Code-derived text as an inline code span: whitespace collapsed, backticks stripped. */
export function code(s: string): string {
  const t = escapeControls(s.replace(/`/g, '').replace(/\s+/g, ' ').trim());
  return t === '' ? '' : `\`${t}\``;
}

/** Text that already marks code with backticks (the rules' messages): escape outside the code spans. */
function mdMessage(s: string): string {
  const parts = s.split('`');
  if (parts.length % 2 === 0) return esc(s);
  return parts.map((p, i) => (i % 2 === 1 ? code(p) : esc(p))).join('');
}

export function fileUri(root: string, file: string): string {
  return pathToFileURL(path.join(root, file)).href.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** `[file:line](file:///abs#Lline)`, 1-based line as shown to the user. */
function link(a: Analysis, r: { file: string; line: number }): string {
  if (r.file === MACRO) return 'a macro expansion';
  return `[${esc(`${r.file}:${r.line + 1}`)}](${fileUri(a.root, r.file)}#L${r.line + 1})`;
}

const KIND_NAME: Record<RoleKind, string> = { bsp: 'boot CPU', ap: 'secondary CPU', other: 'other path' };

// ---------------------------------------------------------------- text of effects and states

const CR4_BITS: Record<number, string> = {
  0: 'VME', 1: 'PVI', 2: 'TSD', 3: 'DE', 4: 'PSE', 5: 'PAE', 6: 'MCE', 7: 'PGE', 8: 'PCE', 9: 'OSFXSR', 10: 'OSXMMEXCPT',
  11: 'UMIP', 12: 'LA57', 13: 'VMXE', 14: 'SMXE', 16: 'FSGSBASE', 17: 'PCIDE', 18: 'OSXSAVE', 19: 'KL', 20: 'SMEP',
  21: 'SMAP', 22: 'PKE', 23: 'CET', 24: 'PKS', 25: 'UINTR', 28: 'LAM_SUP', 32: 'FRED',
};

function bitsText(bits: bigint): string {
  const out: string[] = [];
  for (let i = 0; i < 64; i++) if ((bits >> BigInt(i)) & 1n) out.push(CR4_BITS[i] ? `${CR4_BITS[i]} (bit ${i})` : `bit ${i}`);
  return out.join(', ');
}

function vectorsText(vs: number[]): string {
  const sorted = [...new Set(vs)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'no vector';
  if (sorted.length <= 4) return sorted.map(vectorName).join(', ');
  const named = sorted.filter((v) => v === 2 || v === 8 || v === 18).map(vectorName);
  return `vectors ${formatVectors(sorted)}${named.length > 0 ? ` (including ${named.join(', ')})` : ''}`;
}

function tableText(t: TableRef): string {
  if (t.kind === 'percpu') return `this CPU's ${code(t.name)}`;
  return t.kind === 'symbol' ? code(t.name) : `an unidentified table ${code(t.text)}`;
}

function crValueText(v: CrValue): string {
  const parts: string[] = [];
  if (v.bits !== 0n) parts.push(`sets ${bitsText(v.bits)}`);
  if (v.words.length > 0) parts.push(`loads the features word${v.words.length > 1 ? 's' : ''} ${v.words.map(code).join(', ')}`);
  if (v.keepsCurrent) parts.push('keeps the current bits');
  if (v.cleared !== 0n) parts.push(`clears ${bitsText(v.cleared)}`);
  return parts.length > 0 ? parts.join('; ') : 'writes a value with no known bit';
}

function effectText(e: StepEffect): string {
  switch (e.kind) {
    case 'lidt':
      return e.desc.kind === 'empty' ? 'loads an empty IDT (limit 0): any exception resets the machine'
        : e.desc.kind === 'table' ? `loads the IDT ${tableText(e.desc.table)}` : `loads an IDT the analysis cannot identify (${code(e.desc.text)})`;
    case 'lgdt': return 'loads the GDT';
    case 'ltr': return 'loads the task register: the TSS and the IST stacks it holds become usable';
    case 'gate': {
      const form = e.form === 'two-halves' ? ', in two 8-byte halves' : e.form === 'loop-two-halves' ? ', a fill loop writing two 8-byte halves per gate' : e.form === 'lower-half' ? ', the lower 8 bytes only' : '';
      const h = e.handler.symbol ? `${code(e.handler.symbol)}${e.handler.init ? ' (init section)' : ''}` : 'an unknown handler';
      return `writes the gate of ${vectorsText(e.vectors)} in ${tableText(e.table)}, handler ${h}${form}`;
    }
    case 'ist':
      return e.ist === 0 ? `clears the IST index of ${vectorsText(e.vectors)} in ${tableText(e.table)}` : `sets IST ${e.ist} on ${vectorsText(e.vectors)} in ${tableText(e.table)}`;
    case 'tss-ist': return `writes TSS IST slot ${e.slot}`;
    case 'cr4': return `writes CR4: ${crValueText(e.value)}`;
    case 'features-or': return `ORs ${bitsText(e.bits) || 'no known bit'} into the features word ${code(e.word)}`;
    case 'irq': return e.enabled ? 'enables maskable interrupts (IF=1)' : 'disables maskable interrupts (IF=0)';
    case 'free-init': return 'frees init memory: init-section code and data are gone after this';
    case 'table-copy': return `copies the IDT ${tableText(e.src)} to ${tableText(e.dst)}`;
    case 'percpu-alias': return `points the per-CPU slot ${code(e.slot)} at ${code(e.table)}`;
    case 'start-aps': return 'starts the secondary CPUs: they start with the memory as it is here';
    case 'call': return `calls ${code(e.callee)}, which changes boot exception state`;
  }
}

/** One field per machine-state component, as compact markdown. */
interface StateFields { idt: string; tss: string; mce: string; fred: string | null; iflag: string; init: string }

function gatesText(g: Gates | undefined, fred: boolean): string {
  if (!g) return '';
  let present = 0;
  const ist: string[] = [];
  g.forEach((x, v) => { if (x.present) { present++; if (x.ist !== 0) ist.push(`${vectorName(v)}→IST ${x.ist}`); } });
  const parts = [present === 0 ? 'no gate present' : `${present}/${g.length} gates present`];
  if (ist.length > 0) parts.push(ist.length <= 4 ? `IST on ${ist.join(', ')}` : `IST on ${ist.length} gates`);
  if (fred) parts.push('unused while CR4.FRED is set');
  return ` (${parts.join('; ')})`;
}

function stateFields(states: readonly State[]): StateFields {
  if (states.length === 0) return { idt: 'no state: the path ends here', tss: '', mce: '', fred: null, iflag: '', init: '' };
  const b = badges(states);
  let idt: string;
  if (b.idt === 'table') idt = `IDT ${code(b.idtTable ?? '')}${gatesText(states[0].tables.get(b.idtTable ?? ''), b.fred)}`;
  else if (b.idt === 'none') idt = 'no IDT loaded';
  else if (b.idt === 'empty') idt = 'empty IDT (limit 0)';
  else {
    const kinds = [...new Set(states.map((s) => (s.idt.kind === 'table' ? `${code(s.idt.name)}${gatesText(s.tables.get(s.idt.name), (s.cr4Must & CR4_FRED) !== 0n)}` : s.idt.kind === 'none' ? 'none' : s.idt.kind === 'empty' ? 'empty (limit 0)' : 'unknown')))];
    idt = kinds.length > 1 ? `IDT differs between paths: ${kinds.join(' or ')}` : 'IDT unknown';
  }
  const loaded = states.filter((s) => s.tssLoaded).length;
  const slots = b.istSlots.length > 0 ? `IST slot${b.istSlots.length > 1 ? 's' : ''} ${b.istSlots.join(', ')}` : '';
  const tss = loaded === states.length ? `TSS loaded${slots ? ` with ${slots} set` : ', no IST slot set'}`
    : loaded === 0 ? `no TSS loaded${slots ? ` (${slots} written)` : ''}` : `TSS loaded on ${loaded} of ${states.length} paths`;
  const mce = b.cr4Mce === 'on' ? 'CR4.MCE (bit 6) set' : b.cr4Mce === 'may' ? 'CR4.MCE (bit 6) may be set' : 'CR4.MCE (bit 6) clear';
  const fredAny = states.some((s) => ((s.cr4Must | s.cr4May) & CR4_FRED) !== 0n);
  const fred = b.fred ? 'CR4.FRED (bit 32) set' : fredAny ? 'CR4.FRED (bit 32) may be set' : null;
  const ifs = states.filter((s) => s.iflag).length;
  const iflag = ifs === 0 ? 'IF=0' : ifs === states.length ? 'IF=1 (interrupts enabled)' : `IF=1 on ${ifs} of ${states.length} paths`;
  const freed = states.filter((s) => s.initFreed).length;
  const init = freed === 0 ? 'init memory not freed' : freed === states.length ? 'init memory freed' : `init memory freed on ${freed} of ${states.length} paths`;
  return { idt, tss, mce, fred, iflag, init };
}

function fieldsList(f: StateFields): string[] {
  return [f.idt, f.tss, f.mce, ...(f.fred ? [f.fred] : []), f.iflag, f.init].filter((x) => x !== '');
}

/** "before" and "after" lines; the fields of "after" that changed are bold. */
function stateLines(before: readonly State[], after: readonly State[], afterLabel: string): string[] {
  const b = stateFields(before), a = stateFields(after);
  const bl = fieldsList(b);
  const al = fieldsList(a).map((x) => (bl.includes(x) ? x : `**${x}**`));
  const n = (s: readonly State[]): string => (s.length > 1 ? ` (${s.length} path states)` : '');
  return [`- State before${n(before)}: ${bl.join(' · ')}`, `- ${afterLabel}${n(after)}: ${al.join(' · ')}`];
}

// ---------------------------------------------------------------- hover index

interface Occ { role: number; step: Step }
interface SymRole { steps: number[]; callSites: Map<string, { caller: string; range: Range }>; fromEntry: boolean }
interface SymInfo { roles: Map<number, SymRole>; files: Set<string> }

interface HoverIndex {
  /** file -> line -> the steps whose range covers that line, in path order. */
  byLine: Map<string, Map<number, Occ[]>>;
  symbols: Map<string, SymInfo>;
  /** file -> line -> on-path symbols defined on that line. */
  defLines: Map<string, Map<number, string[]>>;
  lineStarts: Map<string, number[]>;
}

const hoverIndexes = new WeakMap<Analysis, HoverIndex>();

function hoverIndex(a: Analysis): HoverIndex {
  let hi = hoverIndexes.get(a);
  if (hi) return hi;
  hi = { byLine: new Map(), symbols: new Map(), defLines: new Map(), lineStarts: new Map() };
  const symRole = (sym: string, role: number): SymRole => {
    let info = hi!.symbols.get(sym);
    if (!info) { info = { roles: new Map(), files: new Set() }; hi!.symbols.set(sym, info); }
    let r = info.roles.get(role);
    if (!r) { r = { steps: [], callSites: new Map(), fromEntry: false }; info.roles.set(role, r); }
    return r;
  };
  const mention = (sym: string, role: number, step: number, file: string, site: { symbol: string; range: Range } | null): void => {
    if (!sym) return;
    const r = symRole(sym, role);
    if (r.steps[r.steps.length - 1] !== step) r.steps.push(step);
    hi!.symbols.get(sym)!.files.add(file);
    if (site) r.callSites.set(`${site.range.file}:${site.range.line}:${site.range.column}`, { caller: site.symbol, range: site.range });
    else r.fromEntry = true;
  };
  a.paths.forEach((p, ri) => {
    if (p.entry) symRole(p.entry, ri).fromEntry = true;
    for (const s of p.steps) {
      let lines = hi!.byLine.get(s.range.file);
      if (!lines) { lines = new Map(); hi!.byLine.set(s.range.file, lines); }
      for (let l = s.range.line; l <= Math.max(s.range.line, s.range.endLine); l++) {
        const list = lines.get(l);
        if (list) list.push({ role: ri, step: s }); else lines.set(l, [{ role: ri, step: s }]);
      }
      // chain[k].symbol is the caller at chain[k]; it was entered at chain[k-1] (k = 0: from the entry)
      const chain = ownChain(s);
      const site = (k: number): { symbol: string; range: Range } | null => {
        if (k < 0) return null;
        return { symbol: chain[k].symbol, range: siteRange(a, chain[k], chain[k + 1]?.symbol ?? s.within) };
      };
      chain.forEach((c, k) => mention(c.symbol, ri, s.index, site(k)?.range.file ?? s.range.file, site(k - 1)));
      mention(s.within, ri, s.index, s.range.file, site(chain.length - 1));
      // a repeated call (`f() (as before)`) replays f's effects here: it is a step of f, called from this site
      if (chain !== s.chain && s.effect.kind === 'call') mention(s.effect.callee, ri, s.index, s.range.file, { symbol: s.within, range: s.range });
    }
  });
  for (const [sym, info] of hi.symbols) {
    const defs = a.index.functions.get(sym) ?? [];
    const mine = defs.length > 1 ? defs.filter((d) => info.files.has(d.file)) : defs;
    for (const d of mine.length > 0 ? mine : defs) addDef(hi.defLines, d.nameRange.file, d.nameRange.line, sym);
    const lr = labelRange(a, sym);
    if (lr) addDef(hi.defLines, lr.file, lr.line, sym);
  }
  hoverIndexes.set(a, hi);
  return hi;
}

function addDef(m: Map<string, Map<number, string[]>>, file: string, line: number, sym: string): void {
  let lines = m.get(file);
  if (!lines) { lines = new Map(); m.set(file, lines); }
  const l = lines.get(line);
  if (!l) lines.set(line, [sym]); else if (!l.includes(sym)) l.push(sym);
}

function labelRange(a: Analysis, sym: string): Range | null {
  const l = a.index.asmLabels.get(sym);
  const st = l ? a.index.units[l.unit]?.stmts[l.pos]?.stmt : undefined;
  return st ? st.range : null;
}

function lineText(a: Analysis, hi: HoverIndex, file: string, line: number): string | null {
  const text = a.index.texts.get(file);
  if (text === undefined) return null;
  let starts = hi.lineStarts.get(file);
  if (!starts) {
    starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    hi.lineStarts.set(file, starts);
  }
  if (line < 0 || line >= starts.length) return null;
  const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  return text.slice(starts[line], end).replace(/\r$/, '');
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

function contains(r: Range, line: number, column: number): boolean {
  if (line < r.line || line > r.endLine) return false;
  if (line === r.line && column < r.column) return false;
  if (line === r.endLine && column > r.endColumn) return false;
  return true;
}

// ---------------------------------------------------------------- hover

/**
 * Markdown for a hover at (file, line, column), 0-based, file relative to the root (an absolute
 * path under the root is accepted): a boot-relevant step on some role's path, or a function or
 * label on a path (its definition line or a reference to it). null: nothing boot-relevant here.
 */
export function hover(analysis: Analysis, file: string, line: number, column: number): string | null {
  const rel = relFile(analysis.root, file);
  const hi = hoverIndex(analysis);
  const text = lineText(analysis, hi, rel, line);
  const occs = hi.byLine.get(rel)?.get(line) ?? [];
  let hits = occs.filter((o) => contains(o.step.range, line, column));
  if (hits.length === 0 && occs.length > 0 && text !== null) {
    // anywhere on the code of a line where a step starts (the fill loop's range is its label)
    const first = text.search(/\S/), last = text.trimEnd().length;
    if (first >= 0 && column >= first && column < last) hits = occs.filter((o) => o.step.range.line === line);
  }
  if (hits.length > 0) return stepHover(analysis, hits);
  if (text !== null) {
    const w = wordAt(text, column, languageOf(rel) === 'gas');
    if (w && hi.symbols.has(w) && !otherStatic(analysis, hi, w, rel)) return symbolHover(analysis, hi, w, rel);
  }
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

/** 0-based step indices as 1-based runs: "3–7, 9, 12–13" (at most 8 runs). */
function runs(indices: number[]): string {
  const sorted = [...new Set(indices)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i] + 1}` : `${sorted[i] + 1}–${sorted[j] + 1}`);
    i = j + 1;
  }
  return parts.length > 8 ? `${parts.slice(0, 8).join(', ')}, …` : parts.join(', ');
}

function stepLine(a: Analysis, s: Step, current: boolean, within?: string): string {
  const inFn = within !== undefined && s.within !== within && s.within ? ` in ${code(s.within)}` : '';
  return current ? `- **▶ step ${s.index + 1}** ${link(a, s.range)} ${code(s.effect.text)}${inFn}` : `- step ${s.index + 1} ${link(a, s.range)} ${code(s.effect.text)}${inFn}`;
}

function chainText(a: Analysis, s: Step): string {
  const chain = ownChain(s);
  if (chain.length === 0) return '';
  const links = chain.map((c, k) => `${code(c.symbol)} (${link(a, siteRange(a, c, chain[k + 1]?.symbol ?? s.within))})`);
  const shown = links.length > 6 ? [...links.slice(0, 2), '…', ...links.slice(-3)] : links;
  return `, reached via ${shown.join(' → ')} → ${code(s.within)}`;
}

function stepHover(a: Analysis, hits: Occ[]): string {
  const byRole = new Map<number, Step[]>();
  for (const o of hits) {
    const l = byRole.get(o.role) ?? [];
    if (!l.includes(o.step)) l.push(o.step);
    byRole.set(o.role, l);
  }
  const first = hits[0].step;
  const names = [...byRole.keys()].map((r) => `**${esc(a.paths[r].role.name)}**`);
  const out: string[] = [
    `${code(first.effect.text)} — ${effectText(first.effect)}`,
    '',
    `Reached by role${names.length > 1 ? 's' : ''} ${names.join(', ')}.`,
  ];
  for (const [ri, all] of byRole) {
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
    const roleHead = `**${esc(p.role.name)}** (${KIND_NAME[kindOf(p)]}${p.entry ? `, entry ${code(p.entry)}` : ''})`;
    out.push('', '---', '', `${roleHead}: step ${s.index + 1} of ${p.steps.length}, in ${code(s.within) || 'the entry'}${chainText(a, s)}.`);
    if (steps.length > 1) {
      out.push('', `Reached ${steps.length} times on this path (steps ${runs(steps.map((x) => x.index))}); the first is shown.`);
    }
    if (s.effect.text !== first.effect.text) out.push('', `Here: ${code(s.effect.text)} — ${effectText(s.effect)}`);
    const span = callSpan(p, s);
    if (span) {
      const callee = s.effect.kind === 'call' ? s.effect.callee : '';
      const replay = span.first === span.last && / \(as before\)$/.test(p.steps[span.first].effect.text);
      out.push('', replay ? `${code(callee)} was walked before from the same state: its effects are replayed as step ${span.first + 1}.`
        : `${code(callee)} performs step${span.last > span.first ? 's' : ''} ${span.last > span.first ? `${span.first + 1}–${span.last + 1}` : `${span.first + 1}`} (${span.last - span.first + 1} step${span.last > span.first ? 's' : ''}) on this path.`);
    }
    // neighbours: 2 before, 2 after
    out.push('');
    for (let i = Math.max(0, s.index - 2); i <= Math.min(p.steps.length - 1, s.index + 2); i++) out.push(stepLine(a, p.steps[i], i === s.index, s.within));
    out.push('');
    const afterStates = span ? p.steps[span.last].after : s.after;
    out.push(...stateLines(s.before, afterStates, span ? `State after the call returns (after step ${span.last + 1})` : 'State after'));
    // windows over this step (or over the steps of the call), and findings at it
    const lo = s.index, hiIdx = span ? span.last : s.index;
    const at = new Set(steps.map((x) => x.index));
    const ws = roleWindows(a, ri).filter((w) => (w.extent === 'window'
      ? w.openStep <= hiIdx && (w.closeStep === null || w.closeStep >= lo) || steps.some((x) => w.openStep <= x.index && (w.closeStep === null || w.closeStep >= x.index))
      : (w.openStep >= lo && w.openStep <= hiIdx) || at.has(w.openStep)));
    if (ws.length === 0) out.push('', 'No hazard window of this role is open here.');
    else {
      out.push('', `Window${ws.length > 1 ? 's' : ''} on this role:`);
      for (const w of ws.slice(0, 8)) out.push(windowLine(a, p, w, lo, hiIdx, at));
      if (ws.length > 8) out.push(`- … and ${ws.length - 8} more`);
    }
  }
  return out.join('\n');
}

function windowLine(a: Analysis, p: RolePath, w: TimelineWindow, lo: number, hiIdx: number, at: Set<number>): string {
  const open = p.steps[w.openStep];
  const head = `- **${esc(w.rule)}** ${esc(w.name)} (${w.severity}): ${mdMessage(w.reason)}`;
  const where = (s: Step): string => `${link(a, s.range)} ${code(s.effect.text)} (step ${s.index + 1})`;
  if (w.extent === 'point') return `${head} Reported at ${at.has(w.openStep) ? 'this step' : where(open)}.`;
  const opens = at.has(w.openStep) ? 'Opens at this step' : w.openStep > lo && w.openStep <= hiIdx ? `Opens inside this call at ${where(open)}` : `Open since ${where(open)}`;
  let closes: string;
  if (w.closeStep === null) closes = 'never closes on this path';
  else {
    const c = p.steps[w.closeStep];
    closes = at.has(w.closeStep) ? 'closes at this step' : `closes at ${where(c)}`;
  }
  return `${head} ${opens}; ${closes}.`;
}

// ---------------------------------------------------------------- symbol hover

function symbolHover(a: Analysis, hi: HoverIndex, sym: string, fromFile: string): string {
  const info = hi.symbols.get(sym)!;
  const fns = a.index.functions.get(sym) ?? [];
  const fn = fns.length > 1 ? fns.find((d) => d.file === fromFile && info.files.has(d.file)) ?? fns.find((d) => info.files.has(d.file)) ?? fns[0] : fns[0];
  const label = fn ? null : labelRange(a, sym);
  const section = fn ? fn.section ?? '.text' : a.index.sectionOf(sym);
  const what = fn ? 'C function' : label ? 'assembly label' : 'symbol';
  const init = section !== null && isInitSection(section);
  const sectionText = section === null ? 'section unknown' : `in section ${code(section)}${init ? ' (init section)' : ''}`;
  const def = fn ? `, defined at ${link(a, fn.nameRange)}` : label ? `, defined at ${link(a, label)}` : '';
  const roleNames = [...info.roles.keys()].map((r) => `**${esc(a.paths[r].role.name)}**`);
  const out: string[] = [`${code(sym)} — ${what} ${sectionText}${def}`, '', `On the boot path of role${roleNames.length > 1 ? 's' : ''} ${roleNames.join(', ')}.`, ''];
  for (const [ri, r] of info.roles) {
    const p = a.paths[ri];
    const parts: string[] = [];
    if (p.entry === sym) parts.push('the entry of this role');
    const sites = [...r.callSites.values()];
    if (sites.length > 0) {
      const shown = sites.slice(0, 3).map((c) => `${code(c.caller)} at ${link(a, c.range)}`).join(', ');
      parts.push(`entered from ${shown}${sites.length > 3 ? ` and ${sites.length - 3} more call sites` : ''}`);
    } else if (p.entry !== sym && r.fromEntry) parts.push(`reached from the entry ${code(p.entry ?? '')} without a call (fall-through or jump)`);
    if (r.steps.length > 0) {
      const f = p.steps[r.steps[0]];
      parts.push(`${r.steps.length} step${r.steps.length > 1 ? 's' : ''} of ${p.steps.length} inside (step${r.steps.length > 1 ? 's' : ''} ${runs(r.steps)}), the first ${link(a, f.range)} ${code(f.effect.text)}`);
    } else if (p.steps.length > 0) {
      parts.push(`its first step is ${link(a, p.steps[0].range)} ${code(p.steps[0].effect.text)} in ${code(p.steps[0].within)}`);
    }
    out.push(`- **${esc(p.role.name)}** (${KIND_NAME[kindOf(p)]}): ${parts.join('; ')}.`);
    if (r.steps.length > 0) {
      const firstStep = p.steps[r.steps[0]];
      const chain = ownChain(firstStep);
      if (chain.length > 0) out.push(`  - Path: ${[...chain.map((c) => code(c.symbol)), code(firstStep.within)].join(' → ')}`);
      const lo = r.steps[0], last = r.steps[r.steps.length - 1];
      const inside = new Set(r.steps);
      const ws = roleWindows(a, ri).filter((w) => (w.extent === 'window' ? w.openStep <= last && (w.closeStep === null || w.closeStep >= lo) : inside.has(w.openStep)));
      for (const w of ws.slice(0, 6)) {
        const open = p.steps[w.openStep];
        const where = inside.has(w.openStep) ? `opens inside at ${link(a, open.range)} ${code(open.effect.text)}` : `open since ${link(a, open.range)} ${code(open.effect.text)} (step ${w.openStep + 1})`;
        const close = w.extent === 'point' ? '' : w.closeStep === null ? ', never closes on this path' : `, closes at ${link(a, p.steps[w.closeStep].range)} ${code(p.steps[w.closeStep].effect.text)} (step ${w.closeStep + 1})`;
        out.push(`  - **${esc(w.rule)}** ${esc(w.name)}: ${w.extent === 'point' ? `reported at ${link(a, open.range)} ${code(open.effect.text)}` : `${where}${close}`}`);
      }
      if (ws.length > 6) out.push(`  - … and ${ws.length - 6} more windows`);
      if (init) {
        const free = p.steps.find((s) => s.effect.kind === 'free-init');
        if (free) {
          const own = r.steps.filter((i) => p.steps[i].within === sym);
          const ownAfter = own.find((i) => i > free.index);
          const k = free.chain.findIndex((c) => c.symbol === sym);
          const when = free.index > last ? `after the last step inside ${code(sym)}`
            : ownAfter !== undefined ? `and ${code(sym)} itself still runs after it (step ${ownAfter + 1}, ${link(a, p.steps[ownAfter].range)})`
            : k >= 0 ? `while ${code(sym)} is still on the call stack (through ${[...free.chain.slice(k + 1).map((c) => code(c.symbol)), code(free.within)].join(' → ')})`
            : `before step ${last + 1} inside ${code(sym)}`;
          out.push(`  - Init memory is freed on this path by ${code(free.effect.text)} at ${link(a, free.range)} (step ${free.index + 1}), ${when}.`);
        } else if (p.steps[lo].before.some((st) => st.initFreed)) {
          out.push(`  - Init memory is already freed when this role reaches ${code(sym)} (state before step ${lo + 1}), but ${code(sym)} is in an init section.`);
        }
      }
    }
  }
  return out.join('\n');
}
