/** The outline of a file: C functions and variables; in assembly, sections holding labels, and the `#define`s. */
import type { Range } from '../../model/types';
import { pushTo } from '../../model/maps';
import type { WorkspaceIndex, UnitStmt } from '../../index/index';
import type { CVariable } from '../../index/c-index';
import { scanMacros } from '../../index/macros';
import { fileUnits, isCodeSection, isLocalLabel, isNumeric } from '../../index/asm-facts';
import { fileText, lineText, type FileText } from '../file-text';
import { fileFunctions, labelNameRange, macroNameRange } from './places';

export type OutlineKind = 'function' | 'variable' | 'label' | 'section' | 'macro';
export interface OutlineSymbol { name: string; kind: OutlineKind; range: Range; selectionRange: Range; children: OutlineSymbol[] }

const variablesByFile = new WeakMap<WorkspaceIndex, Map<string, CVariable[]>>();

/** The global variables defined in the file. */
export function fileVariables(index: WorkspaceIndex, file: string): CVariable[] {
  let map = variablesByFile.get(index);
  if (!map) {
    map = new Map();
    for (const defs of index.variables.values()) for (const v of defs) pushTo(map, v.file, v);
    variablesByFile.set(index, map);
  }
  return map.get(file) ?? [];
}

/**
 * The outline of a file. `.S`: `.section` changes as containers holding the labels after them
 * (named labels as functions or variables by section, `.L` labels nested under the named label
 * before them, numeric labels left out) and the `#define`s. `.c`/`.h`: functions and global variables.
 */
export function documentSymbols(index: WorkspaceIndex, file: string): OutlineSymbol[] {
  const f = fileText(index, file);
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

function asmOutline(index: WorkspaceIndex, f: FileText, file: string, stmts: UnitStmt[]): OutlineSymbol[] {
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
    while (end + 1 < f.lines.count && /\\\s*$/.test(lineText(f, end))) end++;
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
    // a macro does not end a named label's stretch
    if (e.role === 'named') named = e;
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
function textStatements(f: FileText, file: string): UnitStmt[] {
  const out: UnitStmt[] = [];
  let section = '.text', previous = '.text';
  const stack: [string, string][] = [];
  const LABEL = /^(\s*)([A-Za-z_.][\w.$]*)\s*:(?!:)/;
  const MACRO_LABEL = /^(\s*)(?:ENTRY|GLOBAL|FUNC|FUNC_LOCAL|DATA|DATA_LOCAL|LABEL|LABEL_LOCAL|SYM_[A-Z_]*(?:START|LABEL)[A-Z_]*)\s*\(\s*([A-Za-z_.][\w.$]*)/;
  const SECTION = /^(\s*)\.(section|pushsection|popsection|previous|text|data|bss)\b\s*([^\s,]*)/;
  for (let l = 0; l < f.lines.count; l++) {
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
