/** The statements that open a window, moved after the statement that closes it (TL001, TL002). */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../../model/types';
import { isAsm, isCFile } from '../text';
import { aloneStmtAt, functionOf, identifiersIn, localsOf, short } from './c-stmt';
import type { Ctx } from './context';
import { commentedBlock, moveBlocks, type TextEdit } from './edit';
import { type Frame, commonLevel, framesOf, ownLevel, sameFn, samePrefix } from './frames';
import type { Located } from './locate';

/**
 * Moves the opening statement(s) after the statement that closes the window: the closing step
 * itself or the call that leads to it, in the opener's function. With `allowCross`, the
 * statements may move into the function (in the same file) that holds the closing call.
 */
export function moveAfterClose(ctx: Ctx, loc: Located, kinds: Set<string>, allowCross: boolean): { edits: TextEdit[]; anchor: string; count: number } | null {
  const { path: p, open, close } = loc;
  if (!close) return null;
  const fo = framesOf(open), fc = framesOf(close);
  const k = ownLevel(fo);
  const file = fo[k].range.file;
  const doc = ctx.doc(file);
  if (!doc) return null;
  // the opening statements: this step and the same kind of steps after it in the same function, until the close
  const group: Range[] = [];
  for (const s of p.steps.slice(loc.openPos, loc.closePos)) {
    if (!kinds.has(s.effect.kind)) continue;
    const fs = framesOf(s);
    if (ownLevel(fs) === k && samePrefix(fs, fo, k) && fs[k].fn === fo[k].fn && fs[k].range.file === file) group.push(fs[k].range);
  }
  let anchor: Frame | null = null;
  let cross = false;
  if (fc.length > k && samePrefix(fo, fc, k) && sameFn(fo[k], fc[k])) anchor = fc[k];
  else if (allowCross) {
    const level = commonLevel(fo, fc);
    if (level >= 0 && level < k) {
      for (let j = level + 1; j < fc.length && !anchor; j++) if (fc[j].range.file === file && isCFile(file)) { anchor = fc[j]; cross = true; }
    }
  }
  if (!anchor || anchor.range.file !== file) return null;
  if (isAsm(file)) {
    if (cross) return null;
    const lines = [...new Set(group.map((r) => r.line))].sort((a, b) => a - b);
    const target = anchor.range.line;
    if (lines.length === 0 || lines[lines.length - 1] >= target) return null;
    // straight-line code only: no label, jump or section change between the lines and the anchor
    for (let i = lines[0]; i <= target; i++) {
      const t = doc.line(i).replace(/\/\*.*?\*\//g, '').trim();
      if (/^[\w.$]+:/.test(t) || /^(j[a-z]+|loop\w*|ret\w*|\.section|\.text|\.data|\.previous|\.pushsection|\.popsection)\b/.test(t) || /^[A-Z_]+\(/.test(t)) return null;
    }
    if (lines.some((l) => /^\s*[\w.$]+:/.test(doc.line(l)))) return null;
    const blocks = lines.map((l) => commentedBlock(doc, l, l));
    return { edits: moveBlocks(doc, blocks, target, null), anchor: short(doc.line(target)), count: lines.length };
  }
  const stmts: Node[] = [];
  for (const r of group) {
    const st = aloneStmtAt(ctx, r)?.st;
    if (!st) return null;
    if (!stmts.some((x) => x.id === st.id)) stmts.push(st);
  }
  const anchorStmt = aloneStmtAt(ctx, anchor.range)?.st;
  if (stmts.length === 0 || !anchorStmt) return null;
  if (stmts.some((s) => s.id === anchorStmt.id)) return null;
  if (cross) {
    const srcFn = functionOf(stmts[0]);
    if (!srcFn || functionOf(anchorStmt)?.id === srcFn.id) return null;
    const locals = localsOf(srcFn);
    if (stmts.some((s) => identifiersIn(s).some((id) => locals.has(id)))) return null;
  } else {
    const parent = anchorStmt.parent?.id;
    if (stmts.some((s) => s.parent?.id !== parent || s.endIndex > anchorStmt.startIndex)) return null;
  }
  const blocks = stmts.map((s) => commentedBlock(doc, s.startPosition.row, s.endPosition.row));
  // a comment is carried only with the first statement of the group
  for (let i = 1; i < blocks.length; i++) if (blocks[i].from < blocks[i].to && blocks[i].from <= blocks[i - 1].to) blocks[i].from = blocks[i - 1].to + 1;
  const edits = moveBlocks(doc, blocks, anchorStmt.endPosition.row, cross ? doc.indent(anchorStmt.startPosition.row) : null);
  return { edits, anchor: short(anchorStmt.text), count: stmts.length };
}
