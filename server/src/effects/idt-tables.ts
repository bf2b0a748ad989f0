import type { IdtDesc } from '../model/types';
import type { AsmUnit, WorkspaceIndex } from '../index/index';
import type { Operand } from '../index/asm-index';
import { systemInsn } from './insn';

/**
 * IDTs found from use: a table is an IDT because a descriptor that `lidt` loads names it, not
 * because of its name. Read from the assembler descriptors (`idt_descr: .word LIMIT; .quad
 * idt_table`), the same data words the walker reads at the `lidt` itself.
 */

/** `lidt idt_descr(%rip)` / `lidt bootsym(idt_48)`: the descriptor's data words say empty or which table. */
export function asmDescriptor(index: WorkspaceIndex, op: Operand | undefined): IdtDesc {
  const syms = op && (op.k === 'mem' || op.k === 'expr' || op.k === 'imm') ? op.syms : [];
  const label = syms.find((s) => index.asmLabels.has(s));
  if (!label) return { kind: 'unknown', text: op?.text ?? '' };
  const ref = index.asmLabels.get(label);
  if (!ref) return { kind: 'unknown', text: label };
  const stmts = index.units[ref.unit].stmts;
  const words: { size: number; value: string; syms: string[] }[] = [];
  for (let p = ref.pos; p < stmts.length && words.length < 4; p++) {
    const s = stmts[p].stmt;
    if (s.kind === 'label' && p !== ref.pos) { if (words.length > 0) break; continue; }
    if (s.kind === 'data') { for (const v of s.values) words.push({ size: s.size, value: v, syms: s.syms }); continue; }
    if (s.kind === 'label') continue;
    break;
  }
  if (words.length === 0) return { kind: 'unknown', text: label };
  const limit = index.macros.evaluate(words[0].value);
  const baseSym = words.slice(1).find((w) => w.size >= 4)?.syms[0];
  if (baseSym) return { kind: 'table', table: { kind: 'symbol', name: baseSym } };
  if (limit === 0n) return { kind: 'empty' };
  return { kind: 'unknown', text: label };
}

const perUnit = new WeakMap<AsmUnit, readonly string[]>();
const perIndex = new WeakMap<WorkspaceIndex, ReadonlySet<string>>();

/** The tables some `lidt` of the tree's assembler loads. */
export function loadedTables(index: WorkspaceIndex): ReadonlySet<string> {
  let all = perIndex.get(index);
  if (!all) {
    const out = new Set<string>();
    for (const unit of index.units) for (const t of tablesLoadedIn(index, unit)) out.add(t);
    all = out;
    perIndex.set(index, all);
  }
  return all;
}

function tablesLoadedIn(index: WorkspaceIndex, unit: AsmUnit): readonly string[] {
  let ts = perUnit.get(unit);
  if (!ts) {
    const found: string[] = [];
    for (const { stmt } of unit.stmts) {
      if (stmt.kind !== 'insn' || systemInsn(stmt.mnemonic) !== 'lidt') continue;
      const d = asmDescriptor(index, stmt.operands[0]);
      if (d.kind === 'table' && d.table.kind === 'symbol') found.push(d.table.name);
    }
    ts = found;
    perUnit.set(unit, ts);
  }
  return ts;
}
