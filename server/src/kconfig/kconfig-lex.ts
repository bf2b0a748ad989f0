/**
 * Kconfig's lexer (scripts/kconfig/lexer.l): a file becomes statements of tokens, one per
 * logical line (a backslash joins lines), with `#` comments dropped, `$(...)` expanded inside
 * words and strings, help texts skipped by their indentation, and `NAME := value` lines kept
 * as assignments for the macro language.
 */
import type { KconfigMacros } from './kconfig-macros';

export type Tok =
  | { readonly t: 'kw'; readonly v: string }
  | { readonly t: 'word'; readonly v: string }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'op'; readonly v: string };

export interface Statement { readonly line: number; readonly toks: Tok[] }

const KEYWORDS = new Set([
  'allnoconfig_y', 'bool', 'choice', 'comment', 'config', 'def_bool', 'def_tristate', 'default', 'defconfig_list',
  'depends', 'endchoice', 'endif', 'endmenu', 'help', 'hex', 'if', 'imply', 'int', 'mainmenu', 'menu', 'menuconfig',
  'modules', 'on', 'option', 'optional', 'prompt', 'range', 'select', 'source', 'rsource', 'osource', 'orsource',
  'string', 'tristate', 'visible', 'transitional',
]);
const OPS = ['&&', '||', '!=', '<=', '>=', ':=', '+=', '=', '<', '>', '!', '(', ')'];
/** [A-Za-z0-9_-] */
function isWordChar(c: string): boolean {
  const k = c.charCodeAt(0);
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (k >= 48 && k <= 57) || k === 95 || k === 45;
}

/** Columns of leading white space, a tab to the next multiple of 8 (as the help lexer counts). */
function indentOf(line: string): number {
  let ts = 0;
  for (const c of line) { if (c === '\t') ts = (ts & ~7) + 8; else if (c === ' ') ts++; else break; }
  return ts;
}

/**
 * The statements of one file, lexed as they are taken: an assignment (applied to the macros
 * here) and a file the caller sources before taking the next statement are seen by the lines
 * after them, as in Kconfig.
 */
export function* lexKconfig(text: string, file: string, macros: KconfigMacros): Generator<Statement> {
  const lines = text.split('\n');
  let inHelp = false, helpIndent = 0;
  for (let i = 0; i < lines.length; i++) {
    if (inHelp) {
      const l = lines[i];
      if (l.trim() === '') continue;
      const ind = indentOf(l);
      if (helpIndent === 0 && ind > 0) { helpIndent = ind; continue; }
      if (helpIndent > 0 && ind >= helpIndent) continue;
      inHelp = false;
    }
    const first = i;
    let logical = lines[i];
    while (logical.endsWith('\\') && i + 1 < lines.length) logical = logical.slice(0, -1) + lines[++i];
    macros.file = file;
    macros.line = first + 1;
    const st = lexLine(logical, first + 1, macros);
    if (!st) continue;
    yield st;
    if (st.toks.length === 1 && st.toks[0].t === 'kw' && st.toks[0].v === 'help') { inHelp = true; helpIndent = 0; }
  }
}

function lexLine(line: string, lineNo: number, macros: KconfigMacros): Statement | null {
  const assign = /^\s*([A-Za-z0-9_-]+)\s*(:=|\+=|=)\s*(.*)$/.exec(line);
  if (assign && !KEYWORDS.has(assign[1])) { macros.assign(assign[1], assign[2] as ':=' | '=' | '+=', assign[3]); return null; }
  const toks: Tok[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') break;
    if (c === '"' || c === "'") {
      let s = '';
      i++;
      while (i < line.length && line[i] !== c) {
        if (line[i] === '\\' && i + 1 < line.length) { s += line[i + 1]; i += 2; }
        else if (line[i] === '$' && line[i + 1] === '(') { const r = macros.expandAt(line, i); s += r.value; i = r.end; }
        else s += line[i++];
      }
      i++;
      toks.push({ t: 'str', v: s });
      continue;
    }
    if (isWordChar(c) || (c === '$' && line[i + 1] === '(')) {
      let w = '', literal = true;
      while (i < line.length && (isWordChar(line[i]) || (line[i] === '$' && line[i + 1] === '('))) {
        if (line[i] === '$') { const r = macros.expandAt(line, i); w += r.value; i = r.end; literal = false; }
        else w += line[i++];
      }
      if (w === '') continue;
      const kw = literal && (KEYWORDS.has(w) || w === '---help---');
      toks.push(kw ? { t: 'kw', v: w === '---help---' ? 'help' : w } : { t: 'word', v: w });
      continue;
    }
    const op = OPS.find((o) => line.startsWith(o, i));
    if (op) { toks.push({ t: 'op', v: op }); i += op.length; continue; }
    i++; // the lexer ignores a character it does not know
  }
  return toks.length > 0 ? { line: lineNo, toks } : null;
}
