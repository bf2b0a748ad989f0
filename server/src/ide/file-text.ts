/**
 * The text of an indexed file as the IDE features read it: its lines, where its comments and
 * string literals are, and whole-word matches. Nothing here parses: the features look words up
 * in the text the index read.
 *
 * Computed once per file text and kept for the indexes of one build (`Lineage`: an edit makes a
 * new index with one file's text changed; the others keep theirs, and their tables with them).
 * The comment mask is made on first use.
 */
import type { Range } from '../model/types';
import { LineMap } from '../model/lines';
import type { Lineage, WorkspaceIndex } from '../index/index';
import { languageOf } from '../parse/parser';

export interface FileText {
  text: string;
  lines: LineMap;
  /** A GNU assembler file (`.S`, `.s`): `.` and `$` are part of names, `#` may start a comment. */
  gas: boolean;
  /** Comments and string literals as sorted [start, end) offset pairs; null until first asked. */
  mask: number[] | null;
}

const caches = new WeakMap<Lineage, Map<string, FileText>>();

/** The file's text and line table, null for a file the index did not read. */
export function fileText(index: WorkspaceIndex, file: string): FileText | null {
  let files = caches.get(index.lineage);
  if (!files) { files = new Map(); caches.set(index.lineage, files); }
  const text = index.texts.get(file);
  if (text === undefined) return null;
  let f = files.get(file);
  if (f?.text !== text) {
    f = { text, lines: new LineMap(text), gas: languageOf(file) === 'gas', mask: null };
    files.set(file, f);
  }
  return f;
}

/** A 0-based line without its line break; '' past either end. */
export function lineText(f: FileText, line: number): string {
  if (line < 0 || line >= f.lines.count) return '';
  const end = line + 1 < f.lines.count ? f.lines.offset(line + 1, 0) - 1 : f.text.length;
  return f.text.slice(f.lines.offset(line, 0), end).replace(/\r$/, '');
}

/** The one-line range of `length` characters at `offset`. */
export function rangeAt(file: string, f: FileText, offset: number, length: number): Range {
  const p = f.lines.at(offset);
  return { file, line: p.line, column: p.column, endLine: p.line, endColumn: p.column + length };
}

const C_SKIP = /\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;
// In a `.S` file `#` starts a comment unless it begins a cpp line (`#include`, `#define ... ##`).
const GAS_SKIP = /\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|#(?<=^[ \t]*[^#\s][^\n]*#)[^\n]*/gm;

/** Comments and string literals of a file, as sorted [start, end) offset pairs. */
export function maskOf(f: FileText): number[] {
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

/** Whether the offset is inside a comment or a string literal. */
export function masked(f: FileText, offset: number): boolean {
  const m = maskOf(f);
  let lo = 0, hi = m.length / 2 - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (m[2 * mid] <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found >= 0 && offset < m[2 * found + 1];
}

/** The offset of the first whole-word `name` in [from, to), -1 if none. */
export function findWord(text: string, name: string, from: number, to: number, gas: boolean): number {
  for (let i = text.indexOf(name, from); i !== -1 && i < to; i = text.indexOf(name, i + 1)) {
    if (isWordAt(text, i, name.length, gas)) return i;
  }
  return -1;
}

export function isWordAt(text: string, i: number, len: number, gas: boolean): boolean {
  const p = i > 0 ? text.charCodeAt(i - 1) : 32;
  const n = i + len < text.length ? text.charCodeAt(i + len) : 32;
  return !isIdent(p, true) && !isIdent(n, gas);
}

/** Identifier characters: letters, digits, `_`, `$`, and `.` (part of gas symbols; a C member access before a name). */
function isIdent(ch: number, dotCounts: boolean): boolean {
  return (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === 95 || ch === 36 || (dotCounts && ch === 46);
}
