/**
 * Markdown pieces of the hovers: code-derived text is put in backticks (backticks stripped from
 * it), other text is escaped.
 */
import { escapeControls } from '../../report/escape';
import { MACRO } from './chain';
import { fileUri } from './model';

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
export function mdMessage(s: string): string {
  const parts = s.split('`');
  if (parts.length % 2 === 0) return esc(s);
  return parts.map((p, i) => (i % 2 === 1 ? code(p) : esc(p))).join('');
}

/** `[file:line](file:///abs#Lline)`, 1-based line as shown to the user. */
export function link(root: string, r: { file: string; line: number }): string {
  if (r.file === MACRO) return 'a macro expansion';
  return `[${esc(`${r.file}:${r.line + 1}`)}](${fileUri(root, r.file)}#L${r.line + 1})`;
}
