/**
 * 64-bit words as C builds them for descriptor memory: each bit is a constant, unknown, a bit of
 * some symbol's address (`(unsigned long)handler >> 32`), or a bit of the memory word being
 * rewritten (`gate->a & ~(7UL << 32)`). Stores into gate memory are decoded from such a word by
 * the x86-64 gate layout, whatever the names of the function and fields that build it.
 */
export type Bit = 0 | 1 | '?' | { sym: string; bit: number } | { mem: string; bit: number };
export interface Word { readonly bits: readonly Bit[] }

const WIDTH = 64;

export function constWord(v: bigint): Word {
  return { bits: Array.from({ length: WIDTH }, (_, i) => ((v >> BigInt(i)) & 1n) === 1n ? 1 : 0) };
}

export function addrWord(sym: string): Word {
  return { bits: Array.from({ length: WIDTH }, (_, i) => ({ sym, bit: i })) };
}

/** The current contents of a memory word (`gate->a`), named so a store back into it can tell what it keeps. */
export function memWord(mem: string): Word {
  return { bits: Array.from({ length: WIDTH }, (_, i) => ({ mem, bit: i })) };
}

function sameBit(a: Bit, b: Bit): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if ('sym' in a) return 'sym' in b && a.sym === b.sym && a.bit === b.bit;
  return 'mem' in b && a.mem === b.mem && a.bit === b.bit;
}

export function orWord(a: Word, b: Word): Word {
  return { bits: a.bits.map((x, i) => { const y = b.bits[i]; return x === 0 ? y : y === 0 ? x : x === 1 || y === 1 ? 1 : sameBit(x, y) ? x : '?'; }) };
}

export function andWord(a: Word, b: Word): Word {
  return { bits: a.bits.map((x, i) => { const y = b.bits[i]; return x === 0 || y === 0 ? 0 : x === 1 ? y : y === 1 ? x : sameBit(x, y) ? x : '?'; }) };
}

export function shiftWord(a: Word, by: number): Word {
  return { bits: Array.from({ length: WIDTH }, (_, i) => { const j = i - by; return j >= 0 && j < WIDTH ? a.bits[j] : 0; }) };
}

/** Bits lo..hi (inclusive) as a number, when every one of them is a constant. */
export function constField(w: Word, lo: number, hi: number): number | undefined {
  let v = 0;
  for (let i = hi; i >= lo; i--) {
    const b = w.bits[i];
    if (b !== 0 && b !== 1) return undefined;
    v = v * 2 + b;
  }
  return v;
}

/** The symbol whose address bits `from`.. fill bits lo..hi, if one does. */
function addressField(w: Word, lo: number, hi: number, from: number): string | undefined {
  const first = w.bits[lo];
  if (typeof first !== 'object' || !('sym' in first)) return undefined;
  for (let i = lo; i <= hi; i++) {
    const b = w.bits[i];
    if (typeof b !== 'object' || !('sym' in b) || b.sym !== first.sym || b.bit !== from + i - lo) return undefined;
  }
  return first.sym;
}

/** Does the store leave bits lo..hi as memory word `mem` held them? */
function keeps(w: Word, mem: string, lo: number, hi: number): boolean {
  for (let i = lo; i <= hi; i++) {
    const b = w.bits[i];
    if (typeof b !== 'object' || !('mem' in b) || b.mem !== mem || b.bit !== i) return false;
  }
  return true;
}

/**
 * A store into the low 8 bytes of a 16-byte gate, by the x86-64 layout: offset 15:0 in bits
 * 15:0, the selector in 31:16, IST in 34:32, type in 43:40, DPL in 46:45, present in bit 47,
 * offset 31:16 in 63:48 (the high 8 bytes hold offset 63:32).
 * - `install`: the store writes a present gate for `handler` (null: an address the walk cannot name);
 * - `ist`: the store changes only the IST field, to this value;
 * - `retarget`: the store changes only the handler's address bits;
 * - null: nothing the walk models (a gate disabled, or bits it cannot read).
 */
export type LowGateStore = { kind: 'install'; handler: string | null; ist: number | undefined }
  | { kind: 'ist'; ist: number }
  /** The handler's address rewritten, selector, IST, type and present bit kept as they were (Xen's `_update_gate_addr_lower`). */
  | { kind: 'retarget'; handler: string }
  | null;

export function decodeLowGate(w: Word, mem: string): LowGateStore {
  const ist = constField(w, 32, 34);
  const rest = (lo: number, hi: number): boolean => keeps(w, mem, lo, hi);
  if (rest(0, 31) && rest(35, 63)) return ist === undefined ? null : { kind: 'ist', ist };
  if (rest(16, 47)) {
    const low = addressField(w, 0, 15, 0), mid = addressField(w, 48, 63, 16);
    return low !== undefined && low === mid ? { kind: 'retarget', handler: low } : null;
  }
  if (w.bits[47] !== 1) return null;
  const low = addressField(w, 0, 15, 0), mid = addressField(w, 48, 63, 16);
  return { kind: 'install', handler: low !== undefined && low === mid ? low : null, ist };
}
