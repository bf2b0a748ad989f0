/**
 * C inline assembler: its instructions, decoded by the one instruction table, with operands bound to C values.
 */
import { type InlineOperand, namedOperandIndex, splitInlineAsm } from '../effects/inline-asm';
import { systemInsn } from '../effects/insn';
import type { CFunction } from '../index/c-index';
import type { IdtDesc } from '../model/types';
import type { SyntaxNode } from '../parse/syntax';
import { walkSymbol } from './calls';
import { type Ctx, withLocal } from './context';
import { evalC } from './eval-c';
import { EMPTY_CR, type Val, asCr } from './values';
import type { PathWalker } from './walker';

export function inlineAsm(w: PathWalker, n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
  const code = n.childForFieldName('assembly_code');
  if (!code) return ctxs;
  const template = code.type === 'concatenated_string' ? code.namedChildren.map((s) => s?.text.slice(1, -1) ?? '').join('') : code.text.slice(1, -1);
  const operands: { name: string | null; value: SyntaxNode | null }[] = [];
  for (const field of ['output_operands', 'input_operands']) {
    for (const o of n.childForFieldName(field)?.namedChildren ?? []) {
      if (!o) continue;
      operands.push({ name: o.childForFieldName('symbol')?.text ?? null, value: o.childForFieldName('value') });
    }
  }
  const valueOf = (op: InlineOperand | undefined): SyntaxNode | null => {
    if (op?.k !== 'c') return null;
    if (op.index >= 0) return operands[op.index]?.value ?? null;
    return operands.find((o) => o.name !== null && namedOperandIndex(o.name) === op.index)?.value ?? null;
  };
  const range = w.rangeIn(fn, n);
  let cur = ctxs;
  for (const insn of splitInlineAsm(template)) {
    const text = insn.text.replace(/%%/g, '%');
    const m = insn.mnemonic;
    const sys = systemInsn(m);
    if (sys === 'lidt') {
      const v = valueOf(insn.operands[0]);
      const d = v ? evalC(w, v, cur[0], fn) : undefined;
      cur = w.apply({ kind: 'lidt', desc: descOf(d, v?.text ?? text), text: `lidt ${v?.text ?? ''}`.trim() }, range, cur);
    } else if (sys === 'lgdt') cur = w.apply({ kind: 'lgdt', text }, range, cur);
    else if (sys === 'ltr') cur = w.apply({ kind: 'ltr', text: `ltr ${valueOf(insn.operands[0])?.text ?? ''}`.trim() }, range, cur);
    else if (sys === 'sti' || sys === 'cli') cur = w.apply({ kind: 'irq', enabled: sys === 'sti', text: m }, range, cur);
    else if (m === 'jmp' || m === 'call') {
      // `jmp %c1` with "i" (fn): a tail jump into a function (reset_stack_and_jump)
      const v = valueOf(insn.operands[0]);
      const target = v ? evalC(w, v, cur[0], fn) : undefined;
      if (target?.k !== 'addr') continue;
      const back = walkSymbol(w, target.sym, cur, { file: fn.file, range }, 'sub');
      if (m === 'jmp') return [];
      cur = back;
    } else if (m.startsWith('mov') && insn.operands[0]?.k === 'reg' && insn.operands[0].reg === 'cr4') {
      // `mov %%cr4, %0` with "=r" (cr4): the local holds the CR4 this CPU has now
      const v = valueOf(insn.operands[1]);
      if (v?.type === 'identifier') cur = cur.map((c) => withLocal(c, v.text, { k: 'cr', cr: { ...EMPTY_CR, keepsCurrent: true } }));
    } else if (m.startsWith('mov') && insn.operands[1]?.k === 'reg' && insn.operands[1].reg === 'cr4') {
      const v = valueOf(insn.operands[0]);
      const cr = (v ? asCr(evalC(w, v, cur[0], fn)) : undefined) ?? { ...EMPTY_CR, keepsCurrent: true };
      cur = w.apply({ kind: 'cr4', value: cr, text: `mov ${v?.text ?? '?'}, %cr4` }, range, cur);
    }
  }
  return cur;
}

function descOf(v: Val | undefined, text: string): IdtDesc {
  if (v?.k === 'desc') return v.desc;
  if (v?.k === 'table') return { kind: 'table', table: v.ref };
  return { kind: 'unknown', text };
}
