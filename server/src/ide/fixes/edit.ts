/**
 * Text edits over whole lines: insert, delete, move blocks of lines with the comments above them.
 * Every range refers to the text as analysed; the edits of one action never overlap.
 */
import { type Doc, positionKey, rng } from '../text';
import type { Range } from '../../model/types';

export interface TextEdit { file: string; range: Range; newText: string }
export interface CodeAction { title: string; kind: 'quickfix'; isPreferred?: boolean; edits: TextEdit[] }

export function lineEdit(file: string, line: number, lines: string[], eol: string): TextEdit {
  return { file, range: rng(file, line, 0), newText: lines.map((l) => l + eol).join('') };
}

export function insertAfterLine(doc: Doc, line: number, lines: string[]): TextEdit {
  if (line + 1 >= doc.lines.length) {
    // after the last line: the file may not end with a newline
    const last = doc.lines.length - 1;
    return { file: doc.file, range: rng(doc.file, last, doc.line(last).length), newText: lines.map((l) => doc.eol + l).join('') };
  }
  return lineEdit(doc.file, line + 1, lines, doc.eol);
}

export function deleteLines(doc: Doc, from: number, to: number): TextEdit {
  return { file: doc.file, range: rng(doc.file, from, 0, to + 1, 0), newText: '' };
}

export function overlapping(edits: TextEdit[]): boolean {
  const key = (r: Range, end: boolean): number => (end ? positionKey(r.endLine, r.endColumn) : positionKey(r.line, r.column));
  const sorted = [...edits].sort((a, b) => a.file.localeCompare(b.file) || key(a.range, false) - key(b.range, false));
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i - 1], c = sorted[i];
    if (p.file === c.file && key(c.range, false) < key(p.range, true)) return true;
  }
  return false;
}

/** The comment lines right above `line` (no blank line between): they belong to it. */
export function attachedCommentStart(doc: Doc, line: number): number {
  let k = line;
  while (k - 1 >= 0 && doc.commentOnly(k - 1)) k--;
  // only a whole comment: a line that starts a block comment must be among them
  if (k < line && !/^\s*(\/\*|\/\/|#)/.test(doc.line(k))) return line;
  return k;
}

/** Lines `from`..`to` to move; `first` is where the comment attached to them starts. */
export interface Block { from: number; to: number; first: number }

/** Lines `from`..`to` with the comment attached above them. */
export function commentedBlock(doc: Doc, from: number, to: number): Block {
  const first = attachedCommentStart(doc, from);
  return { from: first, to, first };
}

/**
 * Moves line blocks after `anchorLine`, re-indented to `indent` when given. Removes one of two
 * blank lines the removal would leave side by side.
 */
export function moveBlocks(doc: Doc, blocks: Block[], anchorLine: number, indent: string | null): TextEdit[] {
  const sorted = [...blocks].sort((a, b) => a.from - b.from);
  const merged: Block[] = [];
  for (const b of sorted) {
    const last = merged[merged.length - 1];
    if (last && b.from <= last.to + 1) last.to = Math.max(last.to, b.to);
    else merged.push({ ...b });
  }
  const edits: TextEdit[] = [];
  const moved: string[] = [];
  let hasComment = false;
  for (const b of merged) {
    let from = b.from, to = b.to;
    if (b.first < b.from || doc.commentOnly(b.from)) hasComment = true;
    if ((doc.blank(from - 1) || /\{\s*$/.test(doc.line(from - 1))) && doc.blank(to + 1)) to++;
    else if (doc.blank(from - 1) && /^\s*}/.test(doc.line(to + 1))) from--;
    for (let i = b.from; i <= b.to; i++) moved.push(doc.line(i));
    edits.push(deleteLines(doc, from, to));
  }
  const srcIndent = doc.indent(merged[0].from);
  const lines = moved.map((l) => (indent !== null && l.startsWith(srcIndent) ? indent + l.slice(srcIndent.length) : l));
  edits.push(insertAfterLine(doc, anchorLine, hasComment && !doc.blank(anchorLine) ? ['', ...lines] : lines));
  return edits;
}
