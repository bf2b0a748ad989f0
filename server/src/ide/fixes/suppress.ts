/** Suppression comments as fixes: one that silences a finding, and the removal of one that silences nothing. */
import type { Analysis } from '../../engine';
import type { Finding } from '../../model/types';
import type { UnusedSuppression } from '../../rules/suppressions';
import { Doc, GAS_HASH_COMMENT_LINE, isAsm, rng } from '../text';
import type { Ctx } from './context';
import { type CodeAction, deleteLines, lineEdit, type TextEdit } from './edit';

/** A `trapline-disable-next-line TL00x -- reason` comment above the finding's line, indented like it. */
export function suppressAction(ctx: Ctx, f: Finding): CodeAction | null {
  const file = f.range.file;
  const doc = ctx.doc(file);
  if (!doc) return null;
  const line = f.range.line;
  const directive = `trapline-disable-next-line ${f.rule} -- reason`;
  const inMacro = /\\\s*$/.test(doc.line(line - 1)) || /\\\s*$/.test(doc.line(line));
  if (inMacro) {
    // a line of a #define: a comment line would end the macro; put the comment on the line itself
    const text = doc.line(line);
    const bs = /\\\s*$/.exec(text);
    const col = bs ? bs.index : text.length;
    return {
      title: `Suppress ${f.rule} on this line`, kind: 'quickfix',
      edits: [{ file, range: rng(file, line, col), newText: `${bs && !/\s$/.test(text.slice(0, col)) ? ' ' : ''}/* trapline-disable-line ${f.rule} -- reason */${bs ? ' ' : ''}` }],
    };
  }
  // the comment style the file uses most: `# ...` gas comments or `/* ... */`
  const hashStyle = isAsm(file) && doc.lines.filter((l) => GAS_HASH_COMMENT_LINE.test(l)).length
    > doc.lines.filter((l) => /^\s*\/\*/.test(l)).length;
  const comment = hashStyle ? `# ${directive}` : `/* ${directive} */`;
  const indent = doc.indent(line);
  return { title: `Suppress ${f.rule} on this line (trapline-disable-next-line)`, kind: 'quickfix', edits: [lineEdit(file, line, [`${indent}${comment}`], doc.eol)] };
}

/**
 * The quick fix for an unused suppression (`analysis.unusedSuppressions`): drop the ids
 * that suppress nothing, or the whole comment (its line too when it is alone on it).
 */
export function unusedSuppressionAction(analysis: Analysis, u: UnusedSuppression): CodeAction | null {
  const text = analysis.index.texts.get(u.file);
  if (text === undefined) return null;
  const doc = new Doc(u.file, text);
  const r = u.range;
  const ids = [...new Set(u.text.match(/\b[A-Z]{2,}\d{3}\b/g) ?? [])];
  const keep = ids.filter((id) => !u.rules.includes(id));
  if (u.rules.length > 0 && keep.length > 0) {
    // rewrite the id list of the directive, the rest of the comment as it was
    const m = /(trapline-disable-(?:next-)?line)([ \t]+)([A-Z]{2,}\d{3}(?:[ \t]*,[ \t]*[A-Z]{2,}\d{3})*)/.exec(u.text);
    if (!m || r.line !== r.endLine) return null;
    const col = r.column + (m.index ?? 0) + m[1].length + m[2].length;
    return {
      title: `Remove ${u.rules.join(', ')} from the suppression comment`, kind: 'quickfix', isPreferred: true,
      edits: [{ file: u.file, range: rng(u.file, r.line, col, r.line, col + m[3].length), newText: keep.join(', ') }],
    };
  }
  const before = doc.line(r.line).slice(0, r.column), after = doc.line(r.endLine).slice(r.endColumn);
  const edit: TextEdit = before.trim() === '' && after.trim() === ''
    ? deleteLines(doc, r.line, r.endLine)
    : { file: u.file, range: rng(u.file, r.line, r.column - (before.length - before.trimEnd().length), r.endLine, r.endColumn), newText: '' };
  return { title: 'Remove the unused suppression comment', kind: 'quickfix', isPreferred: true, edits: [edit] };
}
