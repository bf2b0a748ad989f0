import type { Range } from './types';

/** Whether the range starts at or before the 0-based (line, column). */
export function startsAtOrBefore(r: Range, line: number, column: number): boolean {
  return r.line < line || (r.line === line && r.column <= column);
}

/** Whether the 0-based (line, column) lies in the range, both ends included (a cursor just after a word is on it). */
export function covers(r: Range, line: number, column: number): boolean {
  return startsAtOrBefore(r, line, column) && (r.endLine > line || (r.endLine === line && r.endColumn >= column));
}
