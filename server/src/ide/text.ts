/**
 * A source file's text as an IDE feature edits it: its lines, line end and indentation step,
 * offsets and positions, and the ranges over it (the engine's 0-based `Range`).
 */
import { escapeRe } from '../model/regex';
import type { Range } from '../model/types';
import { languageOf } from '../parse/parser';

/** The C preprocessor's directives: in a `.S` file a `#` before one of them is cpp, another `#` starts a comment. */
const CPP_DIRECTIVE = '(include|define|undef|if|ifdef|ifndef|elif|else|endif|error|warning|pragma|line)\\b';
/** A trimmed line that is a gas `#` comment. */
const GAS_COMMENT = new RegExp(`^#(?!\\s*${CPP_DIRECTIVE})`);
/** A line that is a gas `#` comment written as `# words`. */
export const GAS_HASH_COMMENT_LINE = new RegExp(`^\\s*#\\s+(?!${CPP_DIRECTIVE})\\S`);

/** A file's text as lines (without their `\r`), with the line end it uses. */
export class Doc {
  readonly lines: string[];
  readonly eol: string;
  constructor(readonly file: string, readonly text: string) {
    this.lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }
  line(i: number): string { return this.lines[i] ?? ''; }
  indent(i: number): string { return /^[ \t]*/.exec(this.line(i))?.[0] ?? ''; }
  blank(i: number): boolean { return i >= 0 && i < this.lines.length && this.line(i).trim() === ''; }
  /** A line holding only a comment (or the inside of a block comment). */
  commentOnly(i: number): boolean {
    const t = this.line(i).trim();
    if (t === '') return false;
    if (t.startsWith('/*') || t.startsWith('//') || t.startsWith('*')) return true;
    return isAsm(this.file) && GAS_COMMENT.test(t);
  }
  /** One indentation step of this file: a tab, or the smallest indentation by spaces. */
  unit(): string {
    let tabs = 0, min = 0;
    for (const l of this.lines) {
      if (/^\t+\S/.test(l)) tabs++;
      const m = /^( +)\S/.exec(l);
      if (m && !/^\s*\*/.test(l) && (min === 0 || m[1].length < min)) min = m[1].length;
    }
    if (tabs > 0 && (min === 0 || tabs > 3)) return '\t';
    return ' '.repeat(min > 0 && min <= 8 ? min : 4);
  }
  offset(line: number, column: number): number {
    let off = 0;
    for (let i = 0; i < line; i++) off = this.text.indexOf('\n', off) + 1;
    return off + column;
  }
  pos(offset: number): { line: number; column: number } {
    const before = this.text.slice(0, offset);
    const line = (before.match(/\n/g) ?? []).length;
    return { line, column: offset - (before.lastIndexOf('\n') + 1) };
  }
  /** The range of the text between two offsets. */
  range(start: number, end: number): Range {
    const s = this.pos(start), e = this.pos(end);
    return rng(this.file, s.line, s.column, e.line, e.column);
  }
}

export function isAsm(file: string): boolean { return languageOf(file) === 'gas'; }
export function isCLike(file: string): boolean { return languageOf(file) === 'c'; }
export function isCFile(file: string): boolean { return /\.c$/.test(file); }
export function isHeader(file: string): boolean { return /\.h$/.test(file); }

/** A regular expression matching `name` as a whole word. */
export function wordRe(name: string): RegExp { return new RegExp(`\\b${escapeRe(name)}\\b`); }

export function rng(file: string, line: number, column: number, endLine = line, endColumn = column): Range {
  return { file, line, column, endLine, endColumn };
}

export function sameRange(a: Range, b: Range): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** A position as one number that sorts like it (columns stay far below a million). */
export function positionKey(line: number, column: number): number { return line * 1e6 + column; }

/** The range starts inside `outer` (its ends included). */
export function startsWithin(r: Range, outer: Range): boolean {
  const a = positionKey(r.line, r.column);
  return a >= positionKey(outer.line, outer.column) && a <= positionKey(outer.endLine, outer.endColumn);
}
