/**
 * Where things are, as the navigation requests share them: the name of a label or a macro
 * definition, the C function around a position, numeric labels found in a file's text, and
 * whether the units assembled a line.
 */
import type { Range } from '../../model/types';
import { covers } from '../../model/range';
import { escapeRe } from '../../model/regex';
import type { WorkspaceIndex } from '../../index/index';
import type { CFunction } from '../../index/c-index';
import type { AsmStmt } from '../../index/asm-index';
import { stmtAt } from '../../index/asm-facts';
import { fileText, findWord, lineText, masked, rangeAt, type FileText } from '../file-text';

export type LabelStmt = AsmStmt & { kind: 'label' };

/** Name range of a label statement: `name:` or inside `ENTRY(name)`. */
export function labelNameRange(index: WorkspaceIndex, s: LabelStmt): Range {
  const r = s.range;
  const f = fileText(index, r.file);
  if (f) {
    const hit = findWord(f.text, s.name, f.lines.offset(r.line, r.column), f.lines.offset(r.endLine, r.endColumn), true);
    if (hit >= 0) return rangeAt(r.file, f, hit, s.name.length);
  }
  return { file: r.file, line: r.line, column: r.column, endLine: r.line, endColumn: r.column + s.name.length };
}

/** Name range of the label defined at statement `pos` of unit `unit`. */
export function labelAt(index: WorkspaceIndex, unit: number, pos: number): Range {
  return labelNameRange(index, index.units[unit].stmts[pos].stmt as LabelStmt);
}

/** Name range of a `#define name` on `line` (the line's start when the name is not found there). */
export function macroNameRange(index: WorkspaceIndex, file: string, line: number, name: string): Range {
  const f = fileText(index, file);
  const col = f ? lineText(f, line).search(new RegExp(`\\b${escapeRe(name)}\\b`)) : -1;
  return col >= 0 ? { file, line, column: col, endLine: line, endColumn: col + name.length } : { file, line, column: 0, endLine: line, endColumn: 0 };
}

/** The file's functions in source order (the index keeps each file's own definitions). */
export function fileFunctions(index: WorkspaceIndex, file: string): CFunction[] {
  return index.cFiles.get(file)?.functions ?? [];
}

export function enclosingFunction(index: WorkspaceIndex, file: string, line: number, column: number): CFunction | undefined {
  return fileFunctions(index, file).find((fn) => covers(fn.range, line, column));
}

/** `name:` at a line start or after white space or `;`: group 1 is what stands before the name. */
export function labelDefinitionRe(name: string, flags: string): RegExp {
  return new RegExp(`(^|[\\s;])(${escapeRe(name)})\\s*:(?!:)`, flags);
}

/**
 * Numeric labels from the file's text alone: for a line no unit holds (an inactive `#if` branch,
 * a file no unit includes). Offsets of the `N:` definitions outside comments, in order.
 */
export function numericDefsInText(f: FileText, name: string): number[] {
  const out: number[] = [];
  const re = labelDefinitionRe(name, 'gm');
  for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
    const at = m.index + m[1].length;
    if (!masked(f, at)) out.push(at);
  }
  return out;
}

/** The offset of the `N:` that a `Nb`/`Nf` at `offset` means, from the text alone; -1 if none. */
export function numericTargetInText(f: FileText, offset: number, name: string, dir: 'b' | 'f'): number {
  const defs = numericDefsInText(f, name);
  if (dir === 'b') { for (let i = defs.length - 1; i >= 0; i--) if (defs[i] < offset) return defs[i]; }
  else for (const d of defs) if (d > offset) return d;
  return -1;
}

/** Whether the unit statements hold the line (it is assembled in the configuration the units decided). */
export function activeLine(index: WorkspaceIndex, file: string, line: number): boolean {
  const at = stmtAt(index, file, line, Number.MAX_SAFE_INTEGER);
  if (!at || at.at < 0) return false;
  const r = index.units[at.unit].stmts[at.at].stmt.range;
  return r.file === file && r.line <= line && line <= r.endLine;
}
