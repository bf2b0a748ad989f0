/**
 * Queries over the assembly units of a `WorkspaceIndex`: where a file's statements sit in the
 * units, every label definition, the statement at a position, the numeric label a `1b`/`1f`
 * reference means, which sections hold code, and what data words hold as assembled.
 *
 * The tables are built once per index and kept in a WeakMap keyed by the index.
 */
import type { WorkspaceIndex } from './index';
import { startsAtOrBefore } from '../model/range';
import { pushTo } from '../model/maps';

/** A label definition: statement `pos` of unit `unit`. */
export interface LabelRef { unit: number; pos: number }
/** Where one file's statements sit in an assembly unit (indices into `unit.stmts`, in order). */
export interface FileInUnit { unit: number; idx: number[] }

export const isNumeric = (name: string): boolean => /^\d+$/.test(name);
export const isLocalLabel = (name: string): boolean => name.startsWith('.L');
/** A label that starts an assembly "function": named, not `.L` local, not numeric. */
export const isSymbolLabel = (name: string): boolean => !isNumeric(name) && !isLocalLabel(name);

/** Sections that hold code (everything else is data for the outline and the call hierarchy). */
export function isCodeSection(s: string): boolean {
  return /text|fixup|altinstr_replacement|noinstr|kprobes|^\.(init|fini|exit|head|entry)$/.test(s);
}

interface Tables { fileUnits: Map<string, FileInUnit[]> | null; labels: Map<string, LabelRef[]> | null }

const caches = new WeakMap<WorkspaceIndex, Tables>();

function tablesOf(index: WorkspaceIndex): Tables {
  let t = caches.get(index);
  if (!t) { t = { fileUnits: null, labels: null }; caches.set(index, t); }
  return t;
}

/** For each file, where its statements are in the assembly units. */
export function fileUnits(index: WorkspaceIndex): Map<string, FileInUnit[]> {
  const t = tablesOf(index);
  if (!t.fileUnits) {
    const map = new Map<string, FileInUnit[]>();
    index.units.forEach((u, ui) => {
      const local = new Map<string, number[]>();
      u.stmts.forEach((s, i) => pushTo(local, s.stmt.range.file, i));
      for (const [f, idx] of local) pushTo(map, f, { unit: ui, idx });
    });
    t.fileUnits = map;
  }
  return t.fileUnits;
}

/** Every named (non-numeric) label definition, in unit order. */
export function labelTable(index: WorkspaceIndex): Map<string, LabelRef[]> {
  const t = tablesOf(index);
  if (!t.labels) {
    const map = new Map<string, LabelRef[]>();
    index.units.forEach((u, ui) => u.stmts.forEach((s, i) => {
      if (s.stmt.kind === 'label' && !isNumeric(s.stmt.name)) pushTo(map, s.stmt.name, { unit: ui, pos: i });
    }));
    t.labels = map;
  }
  return t.labels;
}

/**
 * The first unit holding `file`, with the index of the last of the file's statements starting at
 * or before the position (`at`: one before the file's first statement when none does).
 */
export function stmtAt(index: WorkspaceIndex, file: string, line: number, column: number): { unit: number; at: number } | null {
  const where = fileUnits(index).get(file);
  if (!where || where.length === 0) return null;
  const { unit, idx } = where[0];
  const stmts = index.units[unit].stmts;
  let lo = 0, hi = idx.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (startsAtOrBefore(stmts[idx[mid]].stmt.range, line, column)) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return { unit, at: found >= 0 ? idx[found] : idx[0] - 1 };
}

/**
 * The position of the numeric label a `Nb`/`Nf` reference at `pos` means (`ref`: `1b`, `2f`): the
 * nearest definition at or before it, or after it. One search for the walk and for navigation.
 */
export function numericLabel(stmts: readonly { kind: string; name?: string | null }[], pos: number, ref: string): number | undefined {
  const name = ref.slice(0, -1);
  if (ref.endsWith('f')) { for (let p = pos + 1; p < stmts.length; p++) if (stmts[p].kind === 'label' && stmts[p].name === name) return p; }
  else for (let p = pos; p >= 0; p--) if (stmts[p].kind === 'label' && stmts[p].name === name) return p;
  return undefined;
}

/** The statement index of the numeric label `name` that a `Nb`/`Nf` reference at (unit, at) means, -1 if none. */
export function numericTarget(index: WorkspaceIndex, unit: number, at: number, name: string, dir: 'b' | 'f'): number {
  return numericLabel(index.units[unit].stmts.map((s) => s.stmt), at, `${name}${dir}`) ?? -1;
}

/*
 * Assembler data words as assembled: what a data label's first words hold. The descriptors `lidt`
 * reads (`idt_descr: .word LIMIT; .quad idt_table`) and the code pointers a CPU jumps through
 * (`initial_code: .quad x86_64_start_kernel`, reached by `movq initial_code(%rip),%rax; ...; lretq`).
 */

export interface DataWord { size: number; value: string; syms: string[] }

/** The data words that follow `label` up to the next label that ends them (at most `max`). */
export function dataWordsAt(index: WorkspaceIndex, label: string, max = 4): DataWord[] {
  const ref = index.asmLabels.get(label);
  if (!ref) return [];
  const stmts = index.units[ref.unit].stmts;
  const words: DataWord[] = [];
  for (let p = ref.pos; p < stmts.length && words.length < max; p++) {
    const s = stmts[p].stmt;
    if (s.kind === 'label' && p !== ref.pos) { if (words.length > 0) break; continue; }
    if (s.kind === 'data') { for (const v of s.values) words.push({ size: s.size, value: v, syms: s.syms }); continue; }
    if (s.kind === 'label') continue;
    break;
  }
  return words.slice(0, max);
}

/** A label the assembler defines in a code section (`.text`, `.init.text`, `.head.text`). */
export function isCodeLabel(index: WorkspaceIndex, name: string): boolean {
  const l = index.asmLabels.get(name);
  return l !== undefined && /text/.test(l.section);
}

/** Code the index can walk: a C function or an assembler label in a code section. */
export function isCode(index: WorkspaceIndex, sym: string): boolean {
  return index.functions.has(sym) || isCodeLabel(index, sym);
}

/** The code address a pointer-sized data word holds as assembled (`.quad x86_64_start_kernel`), if it holds one. */
export function codeWordInit(index: WorkspaceIndex, label: string): string | undefined {
  const [first] = dataWordsAt(index, label, 1);
  if (!first || first.size < 4 || first.syms.length !== 1 || first.value.trim() !== first.syms[0]) return undefined;
  return isCode(index, first.syms[0]) ? first.syms[0] : undefined;
}
