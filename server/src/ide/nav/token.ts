/** The word under the cursor, from the line's text: a symbol, or a numeric label's reference or definition. */

export type Token =
  | { kind: 'sym'; name: string; start: number; end: number; member: boolean }
  | { kind: 'numref'; name: string; dir: 'b' | 'f'; start: number; end: number }
  | { kind: 'numdef'; name: string; start: number; end: number };

export type NumericToken = Extract<Token, { kind: 'numref' | 'numdef' }>;

const GAS_TOKENS = /0[xX][0-9a-fA-F]+|(\d+)([bf])(?![\w.$])|(\d+)(?=\s*:(?!:))|\d[\w.]*|[A-Za-z_.][\w.$]*/g;
const C_TOKENS = /0[xX][0-9a-fA-F]+\w*|\d[\w.]*|[A-Za-z_]\w*/g;

const MAX_NAME = 512;

/** The token at `column` of a line (or just before it); null on a number, a register or no word. */
export function tokenAt(text: string, column: number, gas: boolean): Token | null {
  const re = gas ? GAS_TOKENS : C_TOKENS;
  re.lastIndex = 0;
  let best: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index, end = m.index + m[0].length;
    if (start <= column && column < end) { best = m; break; }
    if (end === column) best = m; // cursor just after the word
    if (start > column) break;
  }
  if (!best) return null;
  const start = best.index, end = best.index + best[0].length;
  // no symbol is this long: generated data or hostile input, not worth a search regex
  if (end - start > MAX_NAME) return null;
  if (gas && best[1] !== undefined) return { kind: 'numref', name: best[1], dir: best[2] as 'b' | 'f', start, end };
  if (gas && best[3] !== undefined) return { kind: 'numdef', name: best[3], start, end };
  if (/^\d/.test(best[0])) return null;
  const prefix = text.slice(0, start);
  if (gas && /%\s*$/.test(prefix)) return null; // a register
  const member = !gas && /(\.|->)\s*$/.test(prefix);
  return { kind: 'sym', name: best[0], start, end, member };
}
