/** Domain types shared by every stage. Lines and columns are 0-based inside the engine. */

export interface Range { file: string; line: number; column: number; endLine: number; endColumn: number }

/** Reference to an IDT table in memory: a symbol, or a per-CPU slot (`idt_tables[cpu]`, `this_cpu(idt)`). */
export type TableRef =
  | { kind: 'symbol'; name: string }
  | { kind: 'percpu'; name: string }
  | { kind: 'unknown'; text: string };

export type IdtDesc =
  | { kind: 'empty' }
  | { kind: 'table'; table: TableRef }
  /** Memory an `sidt` stores into (`sidt saved_idt; ...; lidt saved_idt`): the IDT live when it was stored. */
  | { kind: 'saved'; text: string }
  | { kind: 'unknown'; text: string };

export interface Handler { symbol: string | null; init: boolean }

/** How a gate write reaches memory, for TL005. */
export type GateWriteForm = 'whole' | 'lower-half' | 'two-halves' | 'loop-two-halves';

export const CR4_MCE = 1n << 6n;
export const CR4_FRED = 1n << 32n;

export type Effect =
  | { kind: 'lidt'; desc: IdtDesc; text: string }
  | { kind: 'lgdt'; text: string }
  | { kind: 'ltr'; text: string }
  | { kind: 'gate'; table: TableRef; vectors: number[]; handler: Handler; form: GateWriteForm; text: string }
  | { kind: 'ist'; table: TableRef; vectors: number[]; ist: number; text: string }
  | { kind: 'tss-ist'; slot: number; text: string }
  | { kind: 'cr4'; value: CrValue; text: string }
  | { kind: 'features-or'; word: string; bits: bigint; text: string }
  | { kind: 'irq'; enabled: boolean; text: string }
  | { kind: 'free-init'; text: string }
  | { kind: 'table-copy'; dst: TableRef; src: TableRef; text: string }
  | { kind: 'percpu-alias'; slot: string; table: string; text: string }
  | { kind: 'start-aps'; text: string }
  /** A global set to a named constant (`system_state = SYS_STATE_active`): the state later code tests. Not a step of the timeline. */
  | { kind: 'global'; name: string; value: bigint; text: string };

/** A CR4 value: bits known from constants, features words it reads, and whether it keeps the current CR4 bits. */
export interface CrValue { bits: bigint; words: string[]; keepsCurrent: boolean; cleared: bigint }

export interface ChainLink { symbol: string; range: Range }

/** Which CPU runs a role: the boot CPU, a secondary CPU, or neither known. */
export type RoleKind = 'bsp' | 'ap' | 'other';

/**
 * `after: 'boot'`: the CPU starts from reset once the system has booted (S3 resume, a CPU brought
 * online later), in the memory the boot CPU's path left. `.trapline.json` spells the boot CPU's
 * case `"kind": "resume"` (config/validate.ts).
 */
export interface RoleConfig { name: string; entry: string | string[]; via?: string[]; kind?: RoleKind; after?: 'boot' }

export type Severity = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface Finding {
  rule: string;
  name: string;
  severity: Exclude<Severity, 'off'>;
  role: string;
  message: string;
  range: Range;
  closes: { range: Range; text: string } | null;
  chain: ChainLink[];
  /** Context a reader needs: the init handler, the free point, the table copy... */
  related: { range: Range; message: string }[];
  vectors: number[];
  /** Steps of the role's path up to and including the closing one, for SARIF code flows. */
  flow: { range: Range; text: string; depth: number; essential: boolean }[];
}

export const VECTOR_NAMES: Record<number, string> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF', 9: 'coprocessor segment overrun',
  10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 18: '#MC', 19: '#XM', 20: '#VE', 21: '#CP',
};

export function vectorName(v: number): string {
  const n = VECTOR_NAMES[v];
  return n ? `vector ${v} (${n})` : `vector ${v}`;
}

/** The runs of consecutive numbers in a list, as [first, last] in ascending order (repeats dropped). */
export function numberRuns(vs: number[]): [number, number][] {
  const sorted = [...new Set(vs)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push([sorted[i], sorted[j]]);
    i = j + 1;
  }
  return runs;
}

/** "20-31, 34" from a vector list. */
export function formatVectors(vs: number[]): string {
  return numberRuns(vs).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
}

/** "vector 2 (NMI)" or "vectors 20-31": the words a message needs. */
export function vectorsPhrase(vs: number[]): string {
  const unique = [...new Set(vs)];
  return unique.length === 1 ? vectorName(unique[0]) : `vectors ${formatVectors(unique)}`;
}

/**
 * A limit of the analysis reached: `limit` names it with its value ("call depth limit 48"), `at`
 * the symbol it was reached in, `effect` what is not checked because of it.
 */
export interface LimitHit { limit: string; at: string; effect: string; range: Range }
