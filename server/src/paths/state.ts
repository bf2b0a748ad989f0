import { createHash } from 'node:crypto';
import type { CrValue, Effect, Handler } from '../model/types';
import { CR4_FRED } from '../model/types';

/** One IDT gate as the machine would read it. `site` is the step that last wrote it (-1: initial contents). */
export interface Gate { handler: string | null; init: boolean; present: boolean; ist: number; site: number }
export type Gates = readonly Gate[];

export type LiveIdt =
  | { kind: 'none' }
  | { kind: 'empty' }
  | { kind: 'table'; name: string }
  | { kind: 'unknown' };

/** Abstract machine state of one CPU plus the memory it shares. Immutable: effects return a new state. */
export interface State {
  readonly idt: LiveIdt;
  readonly tables: ReadonlyMap<string, Gates>;
  readonly tssLoaded: boolean;
  /** Bit n set: TSS IST slot n (1..7) holds a stack pointer. */
  readonly istSlots: number;
  readonly cr4Must: bigint;
  readonly cr4May: bigint;
  readonly features: ReadonlyMap<string, bigint>;
  readonly iflag: boolean;
  readonly initFreed: boolean;
  /** Per-CPU slots of this CPU that point at a table (`idt_tables[0] = idt_table`, `this_cpu(idt) = bsp_idt`). */
  readonly percpu: ReadonlyMap<string, string>;
  /** The IDT this CPU's `sidt` stored in memory before the walk began (a resume role's: the running system's); unknown otherwise. */
  readonly savedIdt: LiveIdt;
  /** Globals the path set to a named constant (`system_state = SYS_STATE_active`): shared memory, as later code tests it. */
  readonly globals: ReadonlyMap<string, bigint>;
}

export const VECTORS = 256;

export function initialState(): State {
  return { idt: { kind: 'none' }, tables: new Map(), tssLoaded: false, istSlots: 0, cr4Must: 0n, cr4May: 0n, features: new Map(), iflag: false, initFreed: false, percpu: new Map(), savedIdt: { kind: 'unknown' }, globals: new Map() };
}

/**
 * A CPU out of reset in memory another CPU's path left (`m`): its own registers in the reset
 * state (no IDT, no TSS, CR4 and IF clear), the shared gate tables and features words.
 */
export function startIn(m: State, initFreed: boolean): State {
  return { ...initialState(), tables: m.tables, features: m.features, globals: m.globals, initFreed };
}

/**
 * The CPU of `m` back from reset (S3): IDTR, TR, CR4 and IF are lost, its memory is not: the IST
 * slots of its TSS, its per-CPU table slots, the IDTR it stored with `sidt` (the IDT it ran with).
 */
export function resumeFrom(m: State): State {
  return { ...startIn(m, true), istSlots: m.istSlots, percpu: m.percpu, savedIdt: m.idt };
}

/**
 * One object per distinct table content: the states that hold the same gates share one table,
 * and its digest in their keys (`tableId`) is made once. Owned by a walk (or by the walks an
 * editor session re-uses), not by the module: nothing outlives the analyses that use it.
 */
export class GateTables {
  private readonly gateIds = new WeakMap<Gate, number>();
  private readonly gateByKey = new Map<string, number>();
  private readonly byContent = new Map<string, Gates>();
  /** A table nobody wrote: not present, no handler. */
  readonly zero = this.intern(Array.from({ length: VECTORS }, () => ({ handler: null, init: false, present: false, ist: 0, site: -1 })));
  /** Contents we cannot see (a table built by assembler macros or a C initializer): present, unknown handler, no IST. */
  readonly opaque = this.intern(Array.from({ length: VECTORS }, () => ({ handler: null, init: false, present: true, ist: 0, site: -1 })));

  get size(): number { return this.byContent.size; }

  intern(g: Gates): Gates {
    const k = g.map((x) => this.gateId(x)).join(',');
    const hit = this.byContent.get(k);
    if (hit) return hit;
    this.byContent.set(k, g);
    return g;
  }

  /** The table with some gates rewritten (the old table is shared by other states: copied, never changed). */
  update(s: State, table: string, edit: (g: Gate[]) => void): State {
    const gates = [...(s.tables.get(table) ?? this.zero)];
    edit(gates);
    const tables = new Map(s.tables);
    tables.set(table, this.intern(gates));
    return { ...s, tables };
  }

  private gateId(g: Gate): number {
    let i = this.gateIds.get(g);
    if (i === undefined) {
      const k = `${g.handler}|${g.init}|${g.present}|${g.ist}|${g.site}`;
      i = this.gateByKey.get(k);
      if (i === undefined) { i = this.gateByKey.size; this.gateByKey.set(k, i); }
      this.gateIds.set(g, i);
    }
    return i;
  }
}

export function fredOn(s: State): boolean { return (s.cr4Must & CR4_FRED) !== 0n; }

export function liveGates(s: State): Gates | null {
  return s.idt.kind === 'table' ? s.tables.get(s.idt.name) ?? null : null;
}

/**
 * May a CR4 write of this value set these bits, given this CPU's view of the features words
 * (`wordView`: what this path wrote into them) and every bit the tree ORs into them anywhere
 * (`wordHull`)?
 */
export function crBits(s: State, v: CrValue, wordView: (w: string) => bigint, wordHull: (w: string) => bigint): { must: bigint; may: bigint } {
  let must = v.bits, may = v.bits, hull = 0n;
  for (const w of v.words) { may |= wordView(w); hull |= wordHull(w); }
  if (v.keepsCurrent) { must |= s.cr4Must; may |= s.cr4May; }
  // A features word records what this system enables: a bit this CPU already has on and the word
  // may hold stays on (the FRED path loads a word that has FRED because FRED was chosen). What
  // the word may hold is what any code ORs into it: a path entered after boot code the walk did
  // not see (an AP's, or a role entered in C) may find those bits there already.
  if (v.words.length > 0) must |= s.cr4Must & (may | hull);
  must &= ~v.cleared; may &= ~v.cleared;
  return { must, may };
}

export function setGate(g: Gate[], v: number, h: Handler, site: number, keepIst: boolean): void {
  if (v < 0 || v >= VECTORS) return;
  g[v] = { handler: h.symbol, init: h.init, present: true, ist: keepIst ? g[v].ist : 0, site };
}

const tableIds = new WeakMap<Gates, string>();

/**
 * A table's name in state keys: a digest of what its gates hold, made once per table object
 * (tables are interned, so once per content). It is the same in every process: a stored trace's
 * key names the tables it meant (a counter of objects would name them by the order they were met).
 */
function tableId(g: Gates): string {
  let id = tableIds.get(g);
  if (id === undefined) {
    id = createHash('sha1').update(g.map((x) => `${x.handler}|${x.init}|${x.present}|${x.ist}|${x.site}`).join(';')).digest('base64').slice(0, 16);
    tableIds.set(g, id);
  }
  return id;
}

const keys = new WeakMap<State, string>();

/**
 * Identity of a state for de-duplicating paths that reached the same machine state (states are
 * immutable: computed once). Tables are named by their content (`tableId`).
 */
export function stateKey(s: State): string {
  let k = keys.get(s);
  if (k === undefined) { k = computeKey(s); keys.set(s, k); }
  return k;
}

function computeKey(s: State): string {
  const tables = [...s.tables].map(([k, g]) => `${k}:${tableId(g)}`).join(',');
  const feats = [...s.features].map(([k, v]) => `${k}=${v}`).join(',');
  const percpu = [...s.percpu].map(([k, v]) => `${k}>${v}`).join(',');
  const globals = [...s.globals].map(([k, v]) => `${k}=${v}`).join(',');
  return `${idtKey(s.idt)}|${tables}|${s.tssLoaded}|${s.istSlots}|${s.cr4Must}|${s.cr4May}|${feats}|${s.iflag}|${s.initFreed}|${percpu}|${idtKey(s.savedIdt)}|${globals}`;
}

function idtKey(i: LiveIdt): string { return i.kind === 'table' ? `t:${i.name}` : i.kind; }

function sameIdt(a: LiveIdt, b: LiveIdt): boolean { return idtKey(a) === idtKey(b); }

/** Conservative join of two states (used only when too many distinct paths are alive). */
export function joinStates(a: State, b: State): State {
  const idt: LiveIdt = sameIdt(a.idt, b.idt) ? a.idt : { kind: 'unknown' };
  const features = new Map(a.features);
  for (const [k, v] of b.features) features.set(k, (features.get(k) ?? 0n) | v);
  return {
    idt, tables: a.tables, tssLoaded: a.tssLoaded && b.tssLoaded, istSlots: a.istSlots & b.istSlots,
    cr4Must: a.cr4Must & b.cr4Must, cr4May: a.cr4May | b.cr4May, features, iflag: a.iflag || b.iflag,
    initFreed: a.initFreed || b.initFreed, percpu: a.percpu, savedIdt: sameIdt(a.savedIdt, b.savedIdt) ? a.savedIdt : { kind: 'unknown' },
    globals: new Map([...a.globals].filter(([k, v]) => b.globals.get(k) === v)),
  };
}

export type { Effect };
