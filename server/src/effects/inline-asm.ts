/**
 * Inline asm in C: `asm volatile ("lidt %0" :: "m" (desc))`, or several instructions in one
 * string ("sgdt %0; lgdt %2; ltr %w1; lgdt %0"). Each instruction is returned with the C
 * operand expressions its `%N` / `%[name]` placeholders stand for.
 */
export interface InlineInsn { mnemonic: string; operands: InlineOperand[]; text: string }
export type InlineOperand = { k: 'c'; index: number } | { k: 'reg'; reg: string } | { k: 'imm'; text: string } | { k: 'sym'; text: string };

export function splitInlineAsm(template: string): InlineInsn[] {
  const out: InlineInsn[] = [];
  for (const raw of template.split(/;|\n|\\n|\\t/)) {
    const text = raw.replace(/\\[nt]/g, ' ').trim();
    if (!text) continue;
    const m = /^([a-z][a-z0-9]*)\s*(.*)$/i.exec(text);
    if (!m) continue;
    const operands = m[2] ? splitOperands(m[2]).map(parseOperand) : [];
    out.push({ mnemonic: m[1].toLowerCase(), operands, text });
  }
  return out;
}

function splitOperands(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseOperand(s: string): InlineOperand {
  const n = /^%[a-zA-Z]?(\d+)$/.exec(s);
  if (n) return { k: 'c', index: Number(n[1]) };
  const named = /^%[a-zA-Z]?\[(\w+)\]$/.exec(s);
  if (named) return { k: 'c', index: -1 - hashName(named[1]) };
  const reg = /^%%?([a-z][a-z0-9]*)$/.exec(s);
  if (reg) return { k: 'reg', reg: reg[1] };
  if (s.startsWith('$')) return { k: 'imm', text: s.slice(1) };
  return { k: 'sym', text: s };
}

/** Named operands `%[cr4]` are looked up by name; encode them as negative indices. */
const names: string[] = [];
function hashName(n: string): number {
  let i = names.indexOf(n);
  if (i < 0) { names.push(n); i = names.length - 1; }
  return i;
}
export function namedOperandIndex(n: string): number { return -1 - hashName(n); }
