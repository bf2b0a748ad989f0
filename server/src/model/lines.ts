import type { Range } from './types';

/** Line starts of a text, for turning offsets into 0-based lines and columns. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) { for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1); }

  /** How many lines the text has (one more than its newlines). */
  get count(): number { return this.starts.length; }

  /** The offset of a 0-based (line, column); a line past the end counts as the last line. */
  offset(line: number, column: number): number { return (this.starts[Math.min(line, this.starts.length - 1)] ?? 0) + column; }

  at(offset: number): { line: number; column: number } {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo, column: offset - this.starts[lo] };
  }

  range(file: string, from: number, to: number): Range {
    const a = this.at(from), b = this.at(to);
    return { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}
