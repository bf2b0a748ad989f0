/**
 * Cross-language navigation over the engine's `WorkspaceIndex`: go to definition, find
 * references, the outline of a file and the call hierarchy, across C and GNU assembler.
 *
 * An IDE layer that knows nothing of LSP: positions are `{ file, line, column }` (file relative to
 * the root, '/'-separated, 0-based line and column) and results use the engine's `Range`. The
 * language server translates. Nothing here re-parses: the word under the cursor comes from the
 * file text, assembly structure from the assembly units' statements, and C structure from the
 * indexed functions and variables.
 *
 * Everything that is costly is computed once per index and kept in a WeakMap keyed by the index
 * (line starts and comment/string masks per file, the label table, the call graph).
 */
import * as path from 'node:path';
import type { Range } from '../model/types';
import type { WorkspaceIndex, UnitStmt } from '../index/index';
import type { CFunction, CVariable } from '../index/c-index';
import type { AsmStmt } from '../index/asm-index';
import { scanMacros } from '../index/macros';
import { languageOf } from '../parse/parser';
import { escapeRe } from '../model/regex';

export interface Position { file: string; line: number; column: number }

export type OutlineKind = 'function' | 'variable' | 'label' | 'section' | 'macro';
export interface OutlineSymbol { name: string; kind: OutlineKind; range: Range; selectionRange: Range; children: OutlineSymbol[] }

export interface CallItem { name: string; kind: 'function' | 'label'; file: string; range: Range; selectionRange: Range }
export interface IncomingCall { from: CallItem; ranges: Range[] }
export interface OutgoingCall { to: CallItem; ranges: Range[] }

// ---------------------------------------------------------------------------------------------
// Per-index cache
// ---------------------------------------------------------------------------------------------

interface FileInfo { text: string; lineStarts: number[]; mask: number[] | null; gas: boolean }
interface LabelRef { unit: number; pos: number }
/** Where one file's statements sit in an assembly unit (indices into `unit.stmts`, in order). */
interface FileInUnit { unit: number; idx: number[] }

/** An assembly "function": a named label and the statements of its section up to the next named label. */
interface AsmFn { key: string; name: string; unit: number; pos: number; file: string; code: boolean; selection: Range; range: Range }
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

interface Cache {
  files: Map<string, FileInfo>;
  fileUnits: Map<string, FileInUnit[]> | null;
  labels: Map<string, LabelRef[]> | null;
  fileVars: Map<string, CVariable[]> | null;
  byBase: Map<string, string[]> | null;
  graph: Graph | null;
}

const caches = new WeakMap<WorkspaceIndex, Cache>();

function cacheOf(index: WorkspaceIndex): Cache {
  let c = caches.get(index);
  if (!c) {
    c = { files: new Map(), fileUnits: null, labels: null, fileVars: null, byBase: null, graph: null };
    caches.set(index, c);
  }
  return c;
}

function fileInfo(index: WorkspaceIndex, file: string): FileInfo | null {
  const c = cacheOf(index);
  let f = c.files.get(file);
  if (!f) {
    const text = index.texts.get(file);
    if (text === undefined) return null;
    const lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    f = { text, lineStarts, mask: null, gas: languageOf(file) === 'gas' };
    c.files.set(file, f);
  }
  return f;
}

function lineText(f: FileInfo, line: number): string {
  if (line < 0 || line >= f.lineStarts.length) return '';
  const end = line + 1 < f.lineStarts.length ? f.lineStarts[line + 1] - 1 : f.text.length;
  return f.text.slice(f.lineStarts[line], end).replace(/\r$/, '');
}

function offsetOf(f: FileInfo, line: number, column: number): number {
  return (f.lineStarts[Math.min(line, f.lineStarts.length - 1)] ?? 0) + column;
}

function posOf(f: FileInfo, offset: number): { line: number; column: number } {
  let lo = 0, hi = f.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (f.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return { line: lo, column: offset - f.lineStarts[lo] };
}

function rangeAt(file: string, f: FileInfo, offset: number, length: number): Range {
  const p = posOf(f, offset);
  return { file, line: p.line, column: p.column, endLine: p.line, endColumn: p.column + length };
}

const C_SKIP = /\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;
// In a `.S` file `#` starts a comment unless it begins a cpp line (`#include`, `#define ... ##`).
const GAS_SKIP = /\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|#(?<=^[ \t]*[^#\s][^\n]*#)[^\n]*/gm;

/** Comments and string literals of a file, as sorted [start, end) offset pairs. */
function maskOf(f: FileInfo): number[] {
  if (!f.mask) {
    const out: number[] = [];
    const re = f.gas ? GAS_SKIP : C_SKIP;
    re.lastIndex = 0;
    for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      out.push(m.index, m.index + m[0].length);
    }
    f.mask = out;
  }
  return f.mask;
}

function masked(f: FileInfo, offset: number): boolean {
  const m = maskOf(f);
  let lo = 0, hi = m.length / 2 - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (m[2 * mid] <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found >= 0 && offset < m[2 * found + 1];
}

/** For each file, where its statements are in the assembly units. */
function fileUnits(index: WorkspaceIndex): Map<string, FileInUnit[]> {
  const c = cacheOf(index);
  if (!c.fileUnits) {
    const map = new Map<string, FileInUnit[]>();
    index.units.forEach((u, ui) => {
      const local = new Map<string, number[]>();
      u.stmts.forEach((s, i) => {
        const f = s.stmt.range.file;
        let a = local.get(f);
        if (!a) { a = []; local.set(f, a); }
        a.push(i);
      });
      for (const [f, idx] of local) {
        let l = map.get(f);
        if (!l) { l = []; map.set(f, l); }
        l.push({ unit: ui, idx });
      }
    });
    c.fileUnits = map;
  }
  return c.fileUnits;
}

/** Every named (non-numeric) label definition, in unit order. */
function labelTable(index: WorkspaceIndex): Map<string, LabelRef[]> {
  const c = cacheOf(index);
  if (!c.labels) {
    const map = new Map<string, LabelRef[]>();
    index.units.forEach((u, ui) => u.stmts.forEach((s, i) => {
      if (s.stmt.kind !== 'label' || isNumeric(s.stmt.name)) return;
      let l = map.get(s.stmt.name);
      if (!l) { l = []; map.set(s.stmt.name, l); }
      l.push({ unit: ui, pos: i });
    }));
    c.labels = map;
  }
  return c.labels;
}

/** The file's functions in source order (the index keeps each file's own definitions). */
function fileFunctions(index: WorkspaceIndex, file: string): CFunction[] {
  return index.cFiles.get(file)?.functions ?? [];
}

function fileVariables(index: WorkspaceIndex, file: string): CVariable[] {
  const c = cacheOf(index);
  if (!c.fileVars) {
    const map = new Map<string, CVariable[]>();
    for (const defs of index.variables.values()) for (const v of defs) {
      let l = map.get(v.file);
      if (!l) { l = []; map.set(v.file, l); }
      l.push(v);
    }
    c.fileVars = map;
  }
  return c.fileVars.get(file) ?? [];
}

/**
 * Builds everything the requests share, once per index: line tables and comment masks of every
 * file, the label table, the per-file maps and the call graph. Optional: each request builds
 * what it lacks, but a face can call this after an analysis so that the first request is fast.
 */
export function prepare(index: WorkspaceIndex): void {
  for (const file of index.texts.keys()) maskOf(fileInfo(index, file) as FileInfo);
  fileUnits(index);
  labelTable(index);
  fileVariables(index, '');
  graphOf(index);
}

const isNumeric = (name: string): boolean => /^\d+$/.test(name);
const isLocalLabel = (name: string): boolean => name.startsWith('.L');
/** A label that starts an assembly "function": named, not `.L` local, not numeric. */
const isSymbolLabel = (name: string): boolean => !isNumeric(name) && !isLocalLabel(name);

/** Sections that hold code (everything else is data for the outline and the call hierarchy). */
export function isCodeSection(s: string): boolean {
  return /text|fixup|altinstr_replacement|noinstr|kprobes|^\.(init|fini|exit|head|entry)$/.test(s);
}

// ---------------------------------------------------------------------------------------------
// The word under the cursor
// ---------------------------------------------------------------------------------------------

type Token =
  | { kind: 'sym'; name: string; start: number; end: number; member: boolean }
  | { kind: 'numref'; name: string; dir: 'b' | 'f'; start: number; end: number }
  | { kind: 'numdef'; name: string; start: number; end: number };

const GAS_TOKENS = /0[xX][0-9a-fA-F]+|(\d+)([bf])(?![\w.$])|(\d+)(?=\s*:(?!:))|\d[\w.]*|[A-Za-z_.][\w.$]*/g;
const C_TOKENS = /0[xX][0-9a-fA-F]+\w*|\d[\w.]*|[A-Za-z_]\w*/g;

const MAX_NAME = 512;

function tokenAt(text: string, column: number, gas: boolean): Token | null {
  const re = gas ? GAS_TOKENS : C_TOKENS;
  re.lastIndex = 0;
  let best: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index, end = m.index + m[0].length;
    if (start <= column && column < end) { best = m; break; }
    if (end === column) best = m; // cursor just after the word
    if (start > column) break;
  }
  if (!best) return null;
  const start = best.index, end = best.index + best[0].length;
  // no symbol is this long: generated data or hostile input, not worth a search regex
  if (end - start > MAX_NAME) return null;
  if (gas && best[1] !== undefined) return { kind: 'numref', name: best[1], dir: best[2] as 'b' | 'f', start, end };
  if (gas && best[3] !== undefined) return { kind: 'numdef', name: best[3], start, end };
  if (/^\d/.test(best[0])) return null;
  const prefix = text.slice(0, start);
  if (gas && /%\s*$/.test(prefix)) return null; // a register
  const member = !gas && /(\.|->)\s*$/.test(prefix);
  return { kind: 'sym', name: best[0], start, end, member };
}

const INCLUDE_RE = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/;

function resolveInclude(index: WorkspaceIndex, from: string, inc: string, quoted: boolean): string | null {
  if (quoted) {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(from), inc));
    if (index.texts.has(rel)) return rel;
  }
  if (index.texts.has(inc)) return inc;
  const c = cacheOf(index);
  if (!c.byBase) {
    c.byBase = new Map();
    for (const f of index.texts.keys()) {
      const b = path.posix.basename(f);
      const l = c.byBase.get(b);
      if (l) l.push(f); else c.byBase.set(b, [f]);
    }
  }
  const cands = (c.byBase.get(path.posix.basename(inc)) ?? []).filter((f) => f.endsWith(`/${inc}`));
  if (cands.length === 0) return null;
  // prefer an include/ directory, then the one sharing the longest directory prefix with the includer
  const a = from.split('/');
  const score = (f: string): number => {
    const b = f.split('/');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return (f.endsWith(`include/${inc}`) ? 1000 : 0) + i;
  };
  return [...cands].sort((x, y) => score(y) - score(x))[0];
}

// ---------------------------------------------------------------------------------------------
// Assembly statements around a position
// ---------------------------------------------------------------------------------------------

const before = (r: Range, line: number, column: number): boolean => r.line < line || (r.line === line && r.column <= column);

/** The unit and the index of the last statement of `file` starting at or before the position. */
function stmtAt(index: WorkspaceIndex, file: string, line: number, column: number): { unit: number; at: number; first: number } | null {
  const where = fileUnits(index).get(file);
  if (!where || where.length === 0) return null;
  const { unit, idx } = where[0];
  const stmts = index.units[unit].stmts;
  let lo = 0, hi = idx.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (before(stmts[idx[mid]].stmt.range, line, column)) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return { unit, at: found >= 0 ? idx[found] : idx[0] - 1, first: idx[0] };
}

/** Name range of a label statement: `name:` or inside `ENTRY(name)`. */
function labelNameRange(index: WorkspaceIndex, s: AsmStmt & { kind: 'label' }): Range {
  const r = s.range;
  const f = fileInfo(index, r.file);
  if (f) {
    const from = offsetOf(f, r.line, r.column);
    const to = offsetOf(f, r.endLine, r.endColumn);
    const hit = findWord(f.text, s.name, from, to, true);
    if (hit >= 0) return rangeAt(r.file, f, hit, s.name.length);
  }
  return { file: r.file, line: r.line, column: r.column, endLine: r.line, endColumn: r.column + s.name.length };
}

function findWord(text: string, name: string, from: number, to: number, gas: boolean): number {
  for (let i = text.indexOf(name, from); i !== -1 && i < to; i = text.indexOf(name, i + 1)) {
    if (isWordAt(text, i, name.length, gas)) return i;
  }
  return -1;
}

function isWordAt(text: string, i: number, len: number, gas: boolean): boolean {
  const p = i > 0 ? text.charCodeAt(i - 1) : 32;
  const n = i + len < text.length ? text.charCodeAt(i + len) : 32;
  return !isIdent(p, true) && !isIdent(n, gas);
}

/** Identifier characters: letters, digits, `_`, `$`, and `.` (part of gas symbols; a C member access before a name). */
function isIdent(ch: number, dotCounts: boolean): boolean {
  return (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === 95 || ch === 36 || (dotCounts && ch === 46);
}

/** The numeric label `name` a `Nb`/`Nf` reference at (unit, at) means. */
function numericTarget(index: WorkspaceIndex, unit: number, at: number, name: string, dir: 'b' | 'f'): number {
  const stmts = index.units[unit].stmts;
  const isIt = (i: number): boolean => { const s = stmts[i].stmt; return s.kind === 'label' && s.name === name; };
  if (dir === 'b') { for (let i = at; i >= 0; i--) if (isIt(i)) return i; }
  else { for (let i = at + 1; i < stmts.length; i++) if (isIt(i)) return i; }
  return -1;
}

/**
 * Numeric labels from the file's text alone: for a line no unit holds (an inactive `#if` branch,
 * a file no unit includes). Offsets of the `N:` definitions outside comments, in order.
 */
function numericDefsInText(f: FileInfo, name: string): number[] {
  const out: number[] = [];
  const re = new RegExp(`(^|[\\s;])(${name})\\s*:(?!:)`, 'gm');
  for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
    const at = m.index + m[1].length;
    if (!masked(f, at)) out.push(at);
  }
  return out;
}

function numericTargetInText(f: FileInfo, offset: number, name: string, dir: 'b' | 'f'): number {
  const defs = numericDefsInText(f, name);
  if (dir === 'b') { for (let i = defs.length - 1; i >= 0; i--) if (defs[i] < offset) return defs[i]; }
  else for (const d of defs) if (d > offset) return d;
  return -1;
}

/** Whether the unit statements hold the line (it is assembled in the configuration the units decided). */
function activeLine(index: WorkspaceIndex, file: string, line: number): boolean {
  const at = stmtAt(index, file, line, Number.MAX_SAFE_INTEGER);
  if (!at || at.at < 0) return false;
  const r = index.units[at.unit].stmts[at.at].stmt.range;
  return r.file === file && r.line <= line && line <= r.endLine;
}

// ---------------------------------------------------------------------------------------------
// Definition
// ---------------------------------------------------------------------------------------------

/** Where the symbol under the cursor is defined: C function or variable, asm label, numeric label, macro, included file. */
export function definition(index: WorkspaceIndex, file: string, line: number, column: number): Range[] {
  const f = fileInfo(index, file);
  if (!f) return [];
  const text = lineText(f, line);
  const inc = INCLUDE_RE.exec(text);
  if (inc) {
    const target = resolveInclude(index, file, inc[2], inc[1] === '"');
    return target ? [{ file: target, line: 0, column: 0, endLine: 0, endColumn: 0 }] : [];
  }
  const tok = tokenAt(text, column, f.gas);
  if (!tok) return [];
  if (tok.kind === 'numdef') return [{ file, line, column: tok.start, endLine: line, endColumn: tok.end }];
  if (tok.kind === 'numref') {
    const at = activeLine(index, file, line) ? stmtAt(index, file, line, column) : null;
    if (at) {
      const t = numericTarget(index, at.unit, at.at, tok.name, tok.dir);
      return t >= 0 ? [labelNameRange(index, index.units[at.unit].stmts[t].stmt as AsmStmt & { kind: 'label' })] : [];
    }
    const t = numericTargetInText(f, offsetOf(f, line, tok.start), tok.name, tok.dir);
    return t >= 0 ? [rangeAt(file, f, t, tok.name.length)] : [];
  }
  if (tok.member) return [];
  return symbolDefinitions(index, file, line, column, tok.name);
}

function symbolDefinitions(index: WorkspaceIndex, file: string, line: number, column: number, name: string): Range[] {
  const f = fileInfo(index, file) as FileInfo;
  const out: Range[] = [];
  const labels = labelTable(index).get(name) ?? [];
  const labelRange = (l: LabelRef): Range => labelNameRange(index, index.units[l.unit].stmts[l.pos].stmt as AsmStmt & { kind: 'label' });
  if (f.gas) {
    // the same unit first: `.L` labels and names defined more than once belong to their unit
    const at = stmtAt(index, file, line, column);
    const own = at ? labels.filter((l) => l.unit === at.unit) : [];
    if (own.length > 0) return own.map(labelRange);
  } else {
    // a parameter of the enclosing function shadows every global
    const encl = enclosingFunction(index, file, line, column);
    if (encl && encl.params.includes(name)) return [];
  }
  const fn = index.pickFunction(name, file);
  if (fn) out.push(fn.nameRange);
  const vars = index.variables.get(name) ?? [];
  const sameFile = vars.filter((v) => v.file === file);
  for (const v of sameFile.length > 0 ? sameFile : vars.slice(0, 1)) out.push(v.range);
  if (out.length === 0 && !isLocalLabel(name)) for (const l of labels) out.push(labelRange(l));
  if (out.length === 0) {
    const m = index.macros.get(name);
    if (m) out.push(macroNameRange(index, m.file, m.line, name));
  }
  if (out.length === 0 && f.gas) {
    // a label the units do not hold (an inactive `#if` branch or a file no unit includes)
    const re = new RegExp(`(^|[\\s;])(${escapeRe(name)})\\s*:(?!:)`);
    for (let l = 0; l < f.lineStarts.length; l++) {
      const m = re.exec(lineText(f, l));
      if (m) { const col = m.index + m[1].length; out.push({ file, line: l, column: col, endLine: l, endColumn: col + name.length }); break; }
    }
  }
  return out;
}


function macroNameRange(index: WorkspaceIndex, file: string, line: number, name: string): Range {
  const f = fileInfo(index, file);
  const col = f ? lineText(f, line).search(new RegExp(`\\b${escapeRe(name)}\\b`)) : -1;
  return col >= 0 ? { file, line, column: col, endLine: line, endColumn: col + name.length } : { file, line, column: 0, endLine: line, endColumn: 0 };
}

function enclosingFunction(index: WorkspaceIndex, file: string, line: number, column: number): CFunction | undefined {
  const contains = (r: Range): boolean => before(r, line, column) && (r.endLine > line || (r.endLine === line && r.endColumn >= column));
  return fileFunctions(index, file).find((fn) => contains(fn.range));
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

/** Every whole-word occurrence of the symbol under the cursor, in C and assembly, outside comments and strings. */
export function references(index: WorkspaceIndex, file: string, line: number, column: number, includeDeclaration: boolean): Range[] {
  const f = fileInfo(index, file);
  if (!f) return [];
  const tok = tokenAt(lineText(f, line), column, f.gas);
  if (!tok) return [];
  if (tok.kind !== 'sym') return numericReferences(index, file, line, column, tok, includeDeclaration);
  const name = tok.name;
  let files: Iterable<string> = index.texts.keys();
  if (f.gas && isLocalLabel(name)) {
    // `.L` labels are local to their assembly unit
    const at = stmtAt(index, file, line, column);
    if (at) files = new Set(index.units[at.unit].stmts.map((s) => s.stmt.range.file));
    else files = [file];
  }
  const decls = includeDeclaration ? null : declarationSites(index, name);
  const out: Range[] = [];
  for (const g of files) {
    const text = index.texts.get(g);
    if (text === undefined || text.indexOf(name) === -1) continue;
    const gi = fileInfo(index, g) as FileInfo;
    for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
      if (!isWordAt(text, i, name.length, gi.gas)) continue;
      if (!gi.gas && i >= 2 && text[i - 1] === '>' && text[i - 2] === '-') continue; // p->member
      if (masked(gi, i)) continue;
      const r = rangeAt(g, gi, i, name.length);
      if (decls && isDeclaration(gi, i, name, r, decls)) continue;
      out.push(r);
    }
  }
  return out;
}

/** Known definition sites of a name: C functions and variables, asm labels (`name:` is found from the text). */
function declarationSites(index: WorkspaceIndex, name: string): Set<string> {
  const s = new Set<string>();
  const key = (r: Range): string => `${r.file}:${r.line}:${r.column}`;
  for (const fn of index.functions.get(name) ?? []) s.add(key(fn.nameRange));
  for (const v of index.variables.get(name) ?? []) s.add(key(v.range));
  for (const l of labelTable(index).get(name) ?? []) s.add(key(labelNameRange(index, index.units[l.unit].stmts[l.pos].stmt as AsmStmt & { kind: 'label' })));
  return s;
}

function isDeclaration(f: FileInfo, offset: number, name: string, r: Range, sites: Set<string>): boolean {
  if (sites.has(`${r.file}:${r.line}:${r.column}`)) return true;
  if (f.gas && /^\s*:(?!:)/.test(f.text.slice(offset + name.length, offset + name.length + 8))) return true;
  return /^\s*#\s*define\s+$/.test(f.text.slice(f.lineStarts[r.line], offset));
}

function numericReferences(index: WorkspaceIndex, file: string, line: number, column: number,
  tok: Extract<Token, { kind: 'numref' | 'numdef' }>, includeDeclaration: boolean): Range[] {
  const at = activeLine(index, file, line) ? stmtAt(index, file, line, column) : null;
  if (!at) return numericReferencesInText(index, file, line, tok, includeDeclaration);
  const stmts = index.units[at.unit].stmts;
  let target = -1;
  if (tok.kind === 'numref') target = numericTarget(index, at.unit, at.at, tok.name, tok.dir);
  else {
    for (let i = Math.max(at.at, 0); i >= 0 && i >= at.at - 2; i--) {
      const s = stmts[i].stmt;
      if (s.kind === 'label' && s.name === tok.name && s.range.file === file && s.range.line === line) { target = i; break; }
    }
  }
  if (target < 0) return [];
  const isIt = (i: number): boolean => { const s = stmts[i].stmt; return s.kind === 'label' && s.name === tok.name; };
  let prev = target - 1;
  while (prev >= 0 && !isIt(prev)) prev--;
  let next = target + 1;
  while (next < stmts.length && !isIt(next)) next++;
  const out: Range[] = [];
  if (includeDeclaration) out.push(labelNameRange(index, stmts[target].stmt as AsmStmt & { kind: 'label' }));
  const seen = new Set<string>();
  const scan = (from: number, to: number, suffix: 'b' | 'f'): void => {
    const word = tok.name + suffix;
    for (let i = from; i < to; i++) {
      const s = stmts[i].stmt;
      if (s.kind === 'label') continue; // a label's node holds the statement on its line, which is scanned on its own
      const g = fileInfo(index, s.range.file);
      if (!g) continue;
      const a = offsetOf(g, s.range.line, s.range.column), b = offsetOf(g, s.range.endLine, s.range.endColumn);
      for (let k = g.text.indexOf(word, a); k !== -1 && k < b; k = g.text.indexOf(word, k + 1)) {
        if (!isWordAt(g.text, k, word.length, true) || masked(g, k)) continue;
        const key = `${s.range.file}:${k}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rangeAt(s.range.file, g, k, word.length));
      }
    }
  };
  scan(prev + 1, target, 'f');
  scan(target + 1, next, 'b');
  return out;
}

function numericReferencesInText(index: WorkspaceIndex, file: string, line: number,
  tok: Extract<Token, { kind: 'numref' | 'numdef' }>, includeDeclaration: boolean): Range[] {
  const f = fileInfo(index, file) as FileInfo;
  const here = offsetOf(f, line, tok.start);
  const target = tok.kind === 'numdef' ? here : numericTargetInText(f, here, tok.name, tok.dir);
  if (target < 0) return [];
  const defs = numericDefsInText(f, tok.name);
  const k = defs.indexOf(target);
  const prev = k > 0 ? defs[k - 1] : 0;
  const next = k >= 0 && k + 1 < defs.length ? defs[k + 1] : f.text.length;
  const out: Range[] = includeDeclaration ? [rangeAt(file, f, target, tok.name.length)] : [];
  const re = new RegExp(`(?<![\\w.$])${tok.name}([bf])(?![\\w.$])`, 'g');
  for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
    const ok = m[1] === 'f' ? prev < m.index && m.index < target : target < m.index && m.index < next;
    if (ok && !masked(f, m.index)) out.push(rangeAt(file, f, m.index, m[0].length));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Outline
// ---------------------------------------------------------------------------------------------

/**
 * The outline of a file. `.S`: `.section` changes as containers holding the labels after them
 * (named labels as functions or variables by section, `.L` labels nested under the named label
 * before them, numeric labels left out) and the `#define`s. `.c`/`.h`: functions and global variables.
 */
export function documentSymbols(index: WorkspaceIndex, file: string): OutlineSymbol[] {
  const f = fileInfo(index, file);
  if (!f) return [];
  if (!f.gas) {
    const syms: OutlineSymbol[] = [];
    for (const fn of fileFunctions(index, file)) syms.push({ name: fn.name, kind: 'function', range: fn.range, selectionRange: fn.nameRange, children: [] });
    for (const v of fileVariables(index, file)) syms.push({ name: v.name, kind: 'variable', range: v.range, selectionRange: v.range, children: [] });
    return syms.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  }
  const where = fileUnits(index).get(file)?.[0];
  const stmts: UnitStmt[] = where ? where.idx.map((i) => index.units[where.unit].stmts[i]) : textStatements(f, file);
  return asmOutline(index, f, file, stmts);
}

function asmOutline(index: WorkspaceIndex, f: FileInfo, file: string, stmts: UnitStmt[]): OutlineSymbol[] {
  interface Ev { line: number; column: number; sym: OutlineSymbol; role: 'section' | 'named' | 'local' | 'macro'; lastLine: number }
  const events: Ev[] = [];
  for (const us of stmts) {
    const s = us.stmt;
    if (s.kind === 'section') {
      const r = s.range;
      const sel: Range = { file, line: r.line, column: r.column, endLine: r.line, endColumn: r.line === r.endLine ? r.endColumn : lineText(f, r.line).length };
      events.push({ line: r.line, column: r.column, role: 'section', lastLine: r.line, sym: { name: us.section, kind: 'section', range: sel, selectionRange: sel, children: [] } });
    } else if (s.kind === 'label' && !isNumeric(s.name)) {
      const sel = labelNameRange(index, s);
      const code = isCodeSection(us.section);
      const local = isLocalLabel(s.name);
      const kind: OutlineKind = code ? (local ? 'label' : 'function') : 'variable';
      events.push({ line: s.range.line, column: s.range.column, role: local ? 'local' : 'named', lastLine: s.range.line, sym: { name: s.name, kind, range: sel, selectionRange: sel, children: [] } });
    } else if (events.length > 0) {
      // extend the last symbol over the statements after it
      const last = events[events.length - 1];
      last.lastLine = Math.max(last.lastLine, s.range.endLine);
    }
  }
  for (const m of scanMacros(file, f.text)) {
    const sel = macroNameRange(index, file, m.line, m.name);
    let end = m.line;
    while (end + 1 < f.lineStarts.length && /\\\s*$/.test(lineText(f, end))) end++;
    const range: Range = { file, line: m.line, column: 0, endLine: end, endColumn: lineText(f, end).length };
    events.push({ line: m.line, column: 0, role: 'macro', lastLine: end, sym: { name: m.name, kind: 'macro', range, selectionRange: sel, children: [] } });
  }
  events.sort((a, b) => a.line - b.line || a.column - b.column);
  // Nest: sections hold what follows them; named labels hold the `.L` labels after them.
  const top: OutlineSymbol[] = [];
  let section: Ev | null = null, named: Ev | null = null;
  const grow = (holder: Ev, upto: Ev): void => { holder.lastLine = Math.max(holder.lastLine, upto.lastLine); };
  for (const e of events) {
    if (e.role === 'section') { section = e; named = null; top.push(e.sym); continue; }
    if (e.role === 'local' && named && named.sym.kind === 'function' && e.sym.kind === 'label') {
      named.sym.children.push(e.sym); grow(named, e); if (section) grow(section, e); continue;
    }
    if (e.role === 'named') named = e;
    else if (e.role === 'macro') { /* macros do not end a function's stretch */ }
    if (section) { section.sym.children.push(e.sym); grow(section, e); } else top.push(e.sym);
  }
  // A label's range runs to its last statement; a container's range covers its children.
  for (const e of events) {
    if (e.role === 'macro') continue;
    const end = Math.max(e.lastLine, e.sym.range.endLine);
    e.sym.range = { file, line: e.line, column: e.role === 'section' ? e.sym.range.column : 0, endLine: end, endColumn: Math.max(lineText(f, end).length, end === e.line ? e.sym.selectionRange.endColumn : 0) };
  }
  return top;
}

/** Labels and section changes of a `.S` file no unit holds, from its text. */
function textStatements(f: FileInfo, file: string): UnitStmt[] {
  const out: UnitStmt[] = [];
  let section = '.text', previous = '.text';
  const stack: [string, string][] = [];
  const LABEL = /^(\s*)([A-Za-z_.][\w.$]*)\s*:(?!:)/;
  const MACRO_LABEL = /^(\s*)(?:ENTRY|GLOBAL|FUNC|FUNC_LOCAL|DATA|DATA_LOCAL|LABEL|LABEL_LOCAL|SYM_[A-Z_]*(?:START|LABEL)[A-Z_]*)\s*\(\s*([A-Za-z_.][\w.$]*)/;
  const SECTION = /^(\s*)\.(section|pushsection|popsection|previous|text|data|bss)\b\s*([^\s,]*)/;
  for (let l = 0; l < f.lineStarts.length; l++) {
    const t = lineText(f, l);
    const at = (col: number, len: number): Range => ({ file, line: l, column: col, endLine: l, endColumn: col + len });
    let m = SECTION.exec(t);
    if (m) {
      const op = m[2];
      if (op === 'section') { previous = section; section = m[3] || section; }
      else if (op === 'pushsection') { stack.push([section, previous]); previous = section; section = m[3] || section; }
      else if (op === 'popsection') { const p = stack.pop(); if (p) [section, previous] = p; }
      else if (op === 'previous') [section, previous] = [previous, section];
      else { previous = section; section = `.${op}`; }
      out.push({ stmt: { kind: 'section', op: 'set', name: section, range: at(m[1].length, t.trimEnd().length - m[1].length) }, section, bits: 64 });
      continue;
    }
    m = MACRO_LABEL.exec(t) ?? LABEL.exec(t);
    if (m) out.push({ stmt: { kind: 'label', name: m[2], range: at(m[1].length, t.length - m[1].length), global: false }, section, bits: 64 });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Call hierarchy
// ---------------------------------------------------------------------------------------------

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

function cKey(fn: CFunction): string { return `c:${fn.file}:${fn.startIndex}`; }
function itemKey(kind: string, file: string, name: string, line: number): string { return `${kind}|${file}|${name}|${line}`; }

/** The call graph of the whole tree (C and assembly), built once per index. */
function graphOf(index: WorkspaceIndex): Graph {
  const c = cacheOf(index);
  if (c.graph) return c.graph;
  const g: Graph = { nodes: new Map(), byItem: new Map(), out: new Map(), in: new Map(), owner: [], asmAt: new Map() };
  const addNode = (n: GraphNode): void => {
    g.nodes.set(n.key, n);
    g.byItem.set(itemKey(n.item.kind, n.item.file, n.item.name, n.item.selectionRange.line), n.key);
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
        const fn: AsmFn = { key: `a:${ui}:${i}`, name: s.name, unit: ui, pos: i, file: s.range.file, code: isCodeSection(us.section), selection: sel, range: { ...s.range } };
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
    if (own) return `a:${own.unit}:${own.pos}`;
    const fn = index.pickFunction(name, fromFile);
    if (fn) return cNode(fn);
    return defs && defs.length > 0 ? `a:${defs[0].unit}:${defs[0].pos}` : null;
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
        const f = fileInfo(index, s.range.file);
        let range: Range = s.range;
        if (f) {
          const hit = findWord(f.text, t, offsetOf(f, s.range.line, s.range.column), offsetOf(f, s.range.endLine, s.range.endColumn), true);
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
      if (!to) { const l = labels.get(callee)?.find((x) => isSymbolLabel(callee) && g.asmAt.has(`a:${x.unit}:${x.pos}`)); if (l) to = `a:${l.unit}:${l.pos}`; }
      if (to) addEdge(from, to, callee, null);
    }
  }
  c.graph = g;
  return g;
}

/** Call sites of `name` in a C function's body (`name (`), found in its text. */
function cCallRanges(index: WorkspaceIndex, fn: CFunction, name: string): Range[] {
  const f = fileInfo(index, fn.file);
  if (!f) return [];
  const out: Range[] = [];
  const bodyFrom = offsetOf(f, fn.nameRange.endLine, fn.nameRange.endColumn);
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
  const f = fileInfo(index, file);
  if (!f) return null;
  const g = graphOf(index);
  const tok = tokenAt(lineText(f, line), column, f.gas);
  if (tok && tok.kind === 'sym' && !tok.member) {
    const name = tok.name;
    const labels = labelTable(index).get(name) ?? [];
    const at = f.gas ? stmtAt(index, file, line, column) : null;
    const asmItem = (l: LabelRef | undefined): CallItem | null => {
      const fn = l ? g.asmAt.get(`a:${l.unit}:${l.pos}`) : undefined;
      return fn && fn.code ? (g.nodes.get(fn.key) as GraphNode).item : null;
    };
    if (at) { const it = asmItem(labels.find((l) => l.unit === at.unit)); if (it) return it; }
    const cfn = index.pickFunction(name, file);
    if (cfn) return (g.nodes.get(cKey(cfn)) as GraphNode).item;
    for (const l of labels) { const it = asmItem(l); if (it) return it; }
  }
  if (f.gas) {
    const at = stmtAt(index, file, line, column);
    const fn = at && at.at >= 0 ? g.owner[at.unit][at.at] : undefined;
    return fn && fn.code ? (g.nodes.get(fn.key) as GraphNode).item : null;
  }
  const encl = enclosingFunction(index, file, line, column);
  return encl ? (g.nodes.get(cKey(encl)) as GraphNode).item : null;
}

function byPlace(a: Range, b: Range): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

function nodeOfItem(g: Graph, item: CallItem): string | undefined {
  return g.byItem.get(itemKey(item.kind, item.file, item.name, item.selectionRange.line));
}

/** Who calls or jumps to the item: C callers and assembly stretches, with the call sites (in the caller's files). */
export function incomingCalls(index: WorkspaceIndex, item: CallItem): IncomingCall[] {
  const g = graphOf(index);
  const key = nodeOfItem(g, item);
  const callers = key ? g.in.get(key) : undefined;
  if (!callers) return [];
  const out: IncomingCall[] = [];
  for (const [from, e] of callers) out.push({ from: (g.nodes.get(from) as GraphNode).item, ranges: edgeRanges(index, g, from, e) });
  return out.sort((a, b) => byPlace(a.ranges[0] ?? a.from.selectionRange, b.ranges[0] ?? b.from.selectionRange));
}

/** What the item calls or jumps to: C functions and assembly labels, with the call sites in the item. */
export function outgoingCalls(index: WorkspaceIndex, item: CallItem): OutgoingCall[] {
  const g = graphOf(index);
  const key = nodeOfItem(g, item);
  const callees = key ? g.out.get(key) : undefined;
  if (!callees || !key) return [];
  const out: OutgoingCall[] = [];
  for (const [to, e] of callees) out.push({ to: (g.nodes.get(to) as GraphNode).item, ranges: edgeRanges(index, g, key, e) });
  return out.sort((a, b) => byPlace(a.ranges[0] ?? a.to.selectionRange, b.ranges[0] ?? b.to.selectionRange));
}
