/**
 * The call hierarchy across C and GNU assembler: C calls, assembly calls and jumps, and the
 * fall-through from one assembly label's stretch into the next. The graph of the whole tree is
 * built once per index.
 */
import type { Range } from '../../model/types';
import type { WorkspaceIndex } from '../../index/index';
import type { CFunction } from '../../index/c-index';
import type { AsmStmt } from '../../index/asm-index';
import { isCodeSection, isSymbolLabel, labelTable, stmtAt, type LabelRef } from '../../index/asm-facts';
import { fileText, findWord, isWordAt, lineText, masked, rangeAt } from '../file-text';
import { tokenAt } from './token';
import { enclosingFunction, labelNameRange } from './places';

export interface CallItem { name: string; kind: 'function' | 'label'; file: string; range: Range; selectionRange: Range }
export interface IncomingCall { from: CallItem; ranges: Range[] }
export interface OutgoingCall { to: CallItem; ranges: Range[] }

/** An assembly "function": a named label and the statements of its section up to the next named label. */
interface AsmFn { key: string; name: string; unit: number; pos: number; file: string; code: boolean; selection: Range; range: Range }
/** A call edge; `ranges` null: a C call, whose sites are looked up in the caller's text when first asked. */
interface Edge { name: string; ranges: Range[] | null }
interface GraphNode { key: string; item: CallItem; c?: CFunction; asm?: AsmFn }
interface Graph {
  nodes: Map<string, GraphNode>;
  /** `kind|file|name|selection line` -> node key, to find a CallItem's node again. */
  byItem: Map<string, string>;
  out: Map<string, Map<string, Edge>>;
  in: Map<string, Map<string, Edge>>;
  /** Per unit: statement index -> the asm function owning it (or undefined). */
  owner: (AsmFn | undefined)[][];
  asmAt: Map<string, AsmFn>;
}

const FLOW_MNEMONIC = /^(call|jmp|ljmp|lcall|j[a-z]{1,4}|loop\w*)[lqw]?$/;

const TERMINAL = /^(jmp|ljmp|ret|lret|iret|sysret|sysexit|ud2|eret)/;

/** Whether control runs past the end of a stretch whose last instruction (or data) is `s`: not after a jump, a return or data. */
function fallsThrough(index: WorkspaceIndex, s: AsmStmt | null): boolean {
  if (!s) return true; // two labels in a row: aliases of one entry point
  if (s.kind === 'data') return false;
  if (s.kind === 'macro') return index.asmFlowMacros.get(s.name) !== 'jmp';
  if (s.kind !== 'insn') return true;
  if (TERMINAL.test(s.mnemonic) || index.asmFlowMacros.get(s.mnemonic) === 'jmp') return false;
  if (/^call/.test(s.mnemonic) || index.asmFlowMacros.get(s.mnemonic) === 'call') {
    const target = s.operands.flatMap((o) => (o.k === 'imm' || o.k === 'mem' || o.k === 'expr' ? o.syms : []))[0];
    if (target && index.noreturn.has(target)) return false;
  }
  return true;
}

const cKey = (fn: CFunction): string => `c:${fn.file}:${fn.startIndex}`;
const asmKey = (l: LabelRef): string => `a:${l.unit}:${l.pos}`;
const itemKey = (item: CallItem): string => `${item.kind}|${item.file}|${item.name}|${item.selectionRange.line}`;

const graphs = new WeakMap<WorkspaceIndex, Graph>();

/** The call graph of the whole tree (C and assembly), built once per index. */
export function graphOf(index: WorkspaceIndex): Graph {
  const cached = graphs.get(index);
  if (cached) return cached;
  const g: Graph = { nodes: new Map(), byItem: new Map(), out: new Map(), in: new Map(), owner: [], asmAt: new Map() };
  const addNode = (n: GraphNode): void => {
    g.nodes.set(n.key, n);
    g.byItem.set(itemKey(n.item), n.key);
  };
  const cNode = (fn: CFunction): string => {
    const key = cKey(fn);
    if (!g.nodes.has(key)) addNode({ key, c: fn, item: { name: fn.name, kind: 'function', file: fn.file, range: fn.range, selectionRange: fn.nameRange } });
    return key;
  };
  const addEdge = (from: string, to: string, name: string, range: Range | null): void => {
    let o = g.out.get(from);
    if (!o) { o = new Map(); g.out.set(from, o); }
    let e = o.get(to);
    if (!e) {
      e = { name, ranges: range ? [] : null };
      o.set(to, e);
      let i = g.in.get(to);
      if (!i) { i = new Map(); g.in.set(to, i); }
      i.set(from, e);
    }
    if (range && e.ranges) e.ranges.push(range);
  };
  // assembly functions: a named label owns the statements of its section up to the next named label
  index.units.forEach((u, ui) => {
    const owner: (AsmFn | undefined)[] = new Array(u.stmts.length);
    const current = new Map<string, AsmFn>();
    /** Per section: the last instruction or data statement of the current stretch (null: none yet). */
    const last = new Map<string, AsmStmt | null>();
    u.stmts.forEach((us, i) => {
      const s = us.stmt;
      if (s.kind === 'label' && isSymbolLabel(s.name)) {
        const sel = labelNameRange(index, s);
        const fn: AsmFn = { key: asmKey({ unit: ui, pos: i }), name: s.name, unit: ui, pos: i, file: s.range.file, code: isCodeSection(us.section), selection: sel, range: { ...s.range } };
        // control runs on from the stretch before into this label unless it ended in a jump or return
        const prev = current.get(us.section);
        if (prev && fn.code && fallsThrough(index, last.get(us.section) ?? null)) addEdge(prev.key, fn.key, fn.name, sel);
        current.set(us.section, fn);
        last.set(us.section, null);
        g.asmAt.set(fn.key, fn);
      } else if (s.kind === 'insn' || s.kind === 'data' || (s.kind === 'macro' && index.asmFlowMacros.has(s.name))) last.set(us.section, s);
      const fn = current.get(us.section);
      owner[i] = fn;
      if (fn && s.range.file === fn.file && (s.range.endLine > fn.range.endLine || (s.range.endLine === fn.range.endLine && s.range.endColumn > fn.range.endColumn))) {
        fn.range.endLine = s.range.endLine; fn.range.endColumn = s.range.endColumn;
      }
    });
    g.owner.push(owner);
  });
  for (const fn of g.asmAt.values()) addNode({ key: fn.key, asm: fn, item: { name: fn.name, kind: 'label', file: fn.file, range: fn.range, selectionRange: fn.selection } });
  const labels = labelTable(index);
  /** What a flow target names: a function label of the same unit, a C function, or a label of another unit. */
  const resolve = (name: string, unit: number, fromFile: string): string | null => {
    if (!isSymbolLabel(name)) return null;
    const defs = labels.get(name);
    const own = defs?.find((l) => l.unit === unit);
    if (own) return asmKey(own);
    const fn = index.pickFunction(name, fromFile);
    if (fn) return cNode(fn);
    return defs && defs.length > 0 ? asmKey(defs[0]) : null;
  };
  index.units.forEach((u, ui) => {
    const owner = g.owner[ui];
    u.stmts.forEach((us, i) => {
      const s = us.stmt;
      const from = owner[i];
      if (!from) return;
      let targets: string[] = [];
      if (s.kind === 'insn' && (FLOW_MNEMONIC.test(s.mnemonic) || index.asmFlowMacros.has(s.mnemonic))) {
        for (const op of s.operands) if (op.k === 'imm' || op.k === 'mem' || op.k === 'expr') targets.push(...op.syms);
        if (s.mnemonic.startsWith('ljmp') || s.mnemonic.startsWith('lcall')) targets = targets.slice(-1);
      } else if (s.kind === 'macro' && index.asmFlowMacros.has(s.name) && s.args[0]) targets = [s.args[0].trim()];
      for (const t of targets) {
        const to = resolve(t, ui, s.range.file);
        if (!to || to === from.key) continue;
        const f = fileText(index, s.range.file);
        let range: Range = s.range;
        if (f) {
          const hit = findWord(f.text, t, f.lines.offset(s.range.line, s.range.column), f.lines.offset(s.range.endLine, s.range.endColumn), true);
          if (hit >= 0) range = rangeAt(s.range.file, f, hit, t.length);
        }
        addEdge(from.key, to, t, range);
        break;
      }
    });
  });
  // C calls: to C functions first, else to assembly labels
  for (const defs of index.functions.values()) for (const fn of defs) {
    const from = cNode(fn);
    for (const callee of fn.callees) {
      const target = index.visibleFunction(callee, fn.file) ?? index.pickFunction(callee, fn.file);
      let to: string | null = target ? cNode(target) : null;
      if (!to) { const l = labels.get(callee)?.find((x) => isSymbolLabel(callee) && g.asmAt.has(asmKey(x))); if (l) to = asmKey(l); }
      if (to) addEdge(from, to, callee, null);
    }
  }
  graphs.set(index, g);
  return g;
}

/** Call sites of `name` in a C function's body (`name (`), found in its text. */
function cCallRanges(index: WorkspaceIndex, fn: CFunction, name: string): Range[] {
  const f = fileText(index, fn.file);
  if (!f) return [];
  const out: Range[] = [];
  const bodyFrom = f.lines.offset(fn.nameRange.endLine, fn.nameRange.endColumn);
  for (let i = f.text.indexOf(name, bodyFrom); i !== -1 && i < fn.endIndex; i = f.text.indexOf(name, i + 1)) {
    if (!isWordAt(f.text, i, name.length, false) || masked(f, i)) continue;
    if (!/^\s*\(/.test(f.text.slice(i + name.length, i + name.length + 40))) continue;
    out.push(rangeAt(fn.file, f, i, name.length));
  }
  return out;
}

function edgeRanges(index: WorkspaceIndex, g: Graph, callerKey: string, e: Edge): Range[] {
  if (!e.ranges) {
    const fn = g.nodes.get(callerKey)?.c;
    e.ranges = fn ? cCallRanges(index, fn, e.name) : [];
  }
  return e.ranges;
}

/** The callable under the cursor (C function or code label), else the function or asm stretch around the cursor. */
export function prepareCallHierarchy(index: WorkspaceIndex, file: string, line: number, column: number): CallItem | null {
  const f = fileText(index, file);
  if (!f) return null;
  const g = graphOf(index);
  const itemOf = (key: string): CallItem => g.nodes.get(key)!.item;
  /** The item of a code label's stretch; null for data or a label that starts none. */
  const codeItem = (fn: AsmFn | undefined): CallItem | null => (fn && fn.code ? itemOf(fn.key) : null);
  const tok = tokenAt(lineText(f, line), column, f.gas);
  if (tok && tok.kind === 'sym' && !tok.member) {
    const name = tok.name;
    const labels = labelTable(index).get(name) ?? [];
    const at = f.gas ? stmtAt(index, file, line, column) : null;
    const asmItem = (l: LabelRef | undefined): CallItem | null => codeItem(l ? g.asmAt.get(asmKey(l)) : undefined);
    if (at) { const it = asmItem(labels.find((l) => l.unit === at.unit)); if (it) return it; }
    const cfn = index.pickFunction(name, file);
    if (cfn) return itemOf(cKey(cfn));
    for (const l of labels) { const it = asmItem(l); if (it) return it; }
  }
  if (f.gas) {
    const at = stmtAt(index, file, line, column);
    return codeItem(at && at.at >= 0 ? g.owner[at.unit][at.at] : undefined);
  }
  const encl = enclosingFunction(index, file, line, column);
  return encl ? itemOf(cKey(encl)) : null;
}

function byPlace(a: Range, b: Range): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/** The item's edges one way (`g.in`: its callers, `g.out`: its callees) with their call sites, sorted by the first site. */
function callsOf(index: WorkspaceIndex, item: CallItem, dir: 'in' | 'out'): { item: CallItem; ranges: Range[] }[] {
  const g = graphOf(index);
  const key = g.byItem.get(itemKey(item));
  const edges = key ? g[dir].get(key) : undefined;
  if (!edges || !key) return [];
  const out: { item: CallItem; ranges: Range[] }[] = [];
  // the call sites are in the caller: the other end for incoming calls, the item for outgoing ones
  for (const [other, e] of edges) out.push({ item: g.nodes.get(other)!.item, ranges: edgeRanges(index, g, dir === 'in' ? other : key, e) });
  return out.sort((a, b) => byPlace(a.ranges[0] ?? a.item.selectionRange, b.ranges[0] ?? b.item.selectionRange));
}

/** Who calls or jumps to the item: C callers and assembly stretches, with the call sites (in the caller's files). */
export function incomingCalls(index: WorkspaceIndex, item: CallItem): IncomingCall[] {
  return callsOf(index, item, 'in').map((c) => ({ from: c.item, ranges: c.ranges }));
}

/** What the item calls or jumps to: C functions and assembly labels, with the call sites in the item. */
export function outgoingCalls(index: WorkspaceIndex, item: CallItem): OutgoingCall[] {
  return callsOf(index, item, 'out').map((c) => ({ to: c.item, ranges: c.ranges }));
}
