import type { CrValue, IdtDesc, TableRef } from '../model/types';
import { addrWord, constWord, type Word } from '../effects/gate-word';

/** What the engine knows about a C expression or an asm register. */
export type Val =
  | { k: 'num'; v: bigint }
  | { k: 'range'; vs: number[] }
  | { k: 'table'; ref: TableRef }
  /** An array with one table pointer per CPU (`idt_tables`); indexing it picks a CPU's table. */
  | { k: 'slots'; name: string }
  | { k: 'gate'; ref: TableRef; vs: number[] }
  | { k: 'addr'; sym: string }
  /** A pointer read from an array of pointers (`interrupt[vector]`): which one is not known; as a gate's handler, `interrupt[]`. */
  | { k: 'element'; of: string }
  | { k: 'desc'; desc: IdtDesc }
  | { k: 'cr'; cr: CrValue }
  /** A 64-bit word built from address bits, constants and memory (a gate's half being composed). */
  | { k: 'word'; w: Word }
  | { k: 'nonzero' }
  /**
   * A struct's fields by dotted path (`bits.ist`): a local handed over by address
   * (`_write_gate_lower(gate, &idte)`; `of`: that local, which the callee's stores write back to),
   * or a record of a static table (`{ .vector = 2, .bits.ist = 2, .addr = nmi }`).
   */
  | { k: 'struct'; fields: ReadonlyMap<string, Val>; of?: string }
  /** A pointer to the first of a static table's records, in order (`def_idts`, walked by `t++`). */
  | { k: 'recs'; items: readonly Val[] }
  /** A local the code declared but whose value the engine does not know. */
  | { k: 'unknown' };

export const EMPTY_CR: CrValue = { bits: 0n, words: [], keepsCurrent: false, cleared: 0n };

export function asCr(v: Val | undefined): CrValue | undefined {
  if (!v) return undefined;
  if (v.k === 'num') return { ...EMPTY_CR, bits: v.v };
  if (v.k === 'cr') return v.cr;
  return undefined;
}

export function orVals(a: Val | undefined, b: Val | undefined): Val | undefined {
  if (a?.k === 'num' && b?.k === 'num') return { k: 'num', v: a.v | b.v };
  const x = asCr(a), y = asCr(b);
  // An operand the engine cannot see (a cached copy of CR4 in memory, say) is taken to hold the
  // bits CR4 already has: ORing it keeps them.
  if (!x || !y) return x || y ? { k: 'cr', cr: { ...(x ?? y ?? EMPTY_CR), keepsCurrent: true } } : undefined;
  return { k: 'cr', cr: { bits: x.bits | y.bits, words: [...new Set([...x.words, ...y.words])], keepsCurrent: x.keepsCurrent || y.keepsCurrent, cleared: (x.cleared | y.cleared) & ~(x.bits | y.bits) } };
}

export function vectorsOf(v: Val | undefined): number[] | undefined {
  if (v?.k === 'num') return [Number(v.v)];
  if (v?.k === 'range') return v.vs;
  return undefined;
}

/** Truth of a value used as a condition; undefined when unknown. */
export function truth(v: Val | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.k === 'num') return v.v !== 0n;
  if (v.k === 'nonzero' || v.k === 'addr' || v.k === 'table') return true;
  return undefined;
}

/** Same value as far as the walk can tell: exactly when the two `valKey`s are equal, without making them. */
export function sameVal(a: Val | undefined, b: Val | undefined): boolean {
  const plain = samePlain(a, b);
  if (plain !== undefined) return plain;
  const x = a as Val, y = b as Val;
  if (x.k === 'range' && y.k === 'range') return x.vs.length === y.vs.length && x.vs[0] === y.vs[0];
  return valKey(x) === valKey(y);
}

/** The same value in every respect (the plain kinds compared by content, the others only as the same object). */
export function identicalVal(a: Val | undefined, b: Val | undefined): boolean {
  return samePlain(a, b) ?? false;
}

/** Two values compared where that needs no more than their plain fields; undefined for two of another kind. */
function samePlain(a: Val | undefined, b: Val | undefined): boolean | undefined {
  if (a === b) return true;
  if (!a || !b || a.k !== b.k) return false;
  switch (a.k) {
    case 'num': return a.v === (b as typeof a).v;
    case 'addr': return a.sym === (b as typeof a).sym;
    case 'element': return a.of === (b as typeof a).of;
    case 'slots': return a.name === (b as typeof a).name;
    case 'nonzero': case 'unknown': return true;
    default: return undefined;
  }
}

export function valKey(v: Val | undefined): string {
  if (!v) return '?';
  switch (v.k) {
    case 'num': return `n${v.v}`;
    case 'range': return `r${v.vs.length}:${v.vs[0]}`;
    case 'table': return `t${JSON.stringify(v.ref)}`;
    case 'slots': return `s${v.name}`;
    case 'gate': return `g${JSON.stringify(v.ref)}${v.vs.join(',')}`;
    case 'addr': return `a${v.sym}`;
    case 'element': return `e${v.of}`;
    case 'desc': return `d${JSON.stringify(v.desc)}`;
    case 'cr': return `c${v.cr.bits}${v.cr.words.join(',')}${v.cr.keepsCurrent}${v.cr.cleared}`;
    case 'word': return `w${v.w.bits.map((b) => (typeof b === 'object' ? ('sym' in b ? `${b.sym}.${b.bit}` : `@${b.mem}.${b.bit}`) : b)).join(',')}`;
    case 'nonzero': return 'nz';
    case 'struct': return `{${v.of ?? ''}:${[...v.fields].map(([f, x]) => `${f}=${valKey(x)}`).join(',')}}`;
    case 'recs': return `[${v.items.map(valKey).join(';')}]`;
    case 'unknown': return 'u';
  }
}

/** A value as a bit-level word, when it is one (an address, a constant, a composed word). */
export function wordOf(v: Val | undefined): Word | undefined {
  if (v?.k === 'word') return v.w;
  if (v?.k === 'addr') return addrWord(v.sym);
  if (v?.k === 'element') return addrWord(`${v.of}[]`);
  if (v?.k === 'num') return constWord(v.v & ((1n << 64n) - 1n));
  return undefined;
}

/** Arguments that hand gate memory over: a gate, or a table with a vector (`write_idt_entry(idt, t->vector, &desc)`). */
export function handsGateMemory(args: readonly (Val | undefined)[]): boolean {
  return args.some((a) => a?.k === 'gate') || (args.some((a) => a?.k === 'table') && args.some((a) => a?.k === 'num' || a?.k === 'range'));
}

/** How deep structs may nest in a value a local holds: a record inside a table inside a local. */
const MAX_NESTING = 3;

/**
 * A value as a local may hold it: structs nested deeper than MAX_NESTING are unknown there. Code
 * that links locals to each other in a loop (`a.next = &b; b.prev = &a`) would nest them without end.
 */
export function boundedVal(v: Val, depth = 0): Val {
  if (v.k !== 'struct' && v.k !== 'recs') return v;
  if (depth >= MAX_NESTING) return { k: 'unknown' };
  if (nestingOf(v, depth) < MAX_NESTING) return v;
  if (v.k === 'recs') return { k: 'recs', items: v.items.map((x) => boundedVal(x, depth + 1)) };
  const fields = new Map<string, Val>();
  for (const [k, x] of v.fields) fields.set(k, boundedVal(x, depth + 1));
  return { ...v, fields };
}

/** The depth `v` reaches from `depth`, counted no further than MAX_NESTING. */
function nestingOf(v: Val, depth: number): number {
  if (v.k !== 'struct' && v.k !== 'recs') return depth;
  if (depth >= MAX_NESTING) return depth;
  let deepest = depth + 1;
  for (const x of v.k === 'recs' ? v.items : v.fields.values()) { deepest = Math.max(deepest, nestingOf(x, depth + 1)); if (deepest >= MAX_NESTING) break; }
  return deepest;
}
