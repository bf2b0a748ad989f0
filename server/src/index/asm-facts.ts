/**
 * Queries over the assembly units of a `WorkspaceIndex`: where a file's statements sit in the
 * units, every label definition, the statement at a position, the numeric label a `1b`/`1f`
 * reference means, and which sections hold code.
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

/** The statement index of the numeric label `name` that a `Nb`/`Nf` reference at (unit, at) means, -1 if none. */
export function numericTarget(index: WorkspaceIndex, unit: number, at: number, name: string, dir: 'b' | 'f'): number {
  const stmts = index.units[unit].stmts;
  const isIt = (i: number): boolean => { const s = stmts[i].stmt; return s.kind === 'label' && s.name === name; };
  if (dir === 'b') { for (let i = at; i >= 0; i--) if (isIt(i)) return i; }
  else { for (let i = at + 1; i < stmts.length; i++) if (isIt(i)) return i; }
  return -1;
}
