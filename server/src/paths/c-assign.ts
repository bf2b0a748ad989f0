/**
 * C assignments: stores into gate memory decoded by the gate layout, TSS IST slots, features words,
 * per-CPU table slots, descriptors built field by field, locals.
 */
import { decodeLowGate } from '../effects/gate-word';
import type { CFunction } from '../index/c-index';
import type { Handler, Range } from '../model/types';
import type { SyntaxNode } from '../parse/syntax';
import { type Ctx, withLocal } from './context';
import { LOW_HALF, composeWord, evalC, gateMem, isCurrentCpu } from './eval-c';
import { type Val, asCr, orVals, wordOf } from './values';
import type { PathWalker } from './walker';

export function assign(w: PathWalker, n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
  const lhs = n.childForFieldName('left');
  const rhs = n.childForFieldName('right');
  const op = n.childForFieldName('operator')?.text ?? '=';
  if (!lhs || !rhs || ctxs.length === 0) return ctxs;
  // made only for a step: most assignments are to locals
  const range = (): Range => w.rangeIn(fn, n);
  const text = (): string => n.text.replace(/\s+/g, ' ');
  // TSS IST slot: tss->ist[IST_MCE - 1] = ...
  if (lhs.type === 'subscript_expression') {
    const arr = lhs.childForFieldName('argument');
    if (arr?.type === 'field_expression' && arr.childForFieldName('field')?.text === 'ist') {
      const idx = evalC(w, lhs.childForFieldName('index'), ctxs[0], fn);
      if (idx?.k === 'num') return w.apply({ kind: 'tss-ist', slot: Number(idx.v) + 1, text: text() }, range(), ctxs);
      if (idx?.k === 'range') return ctxs; // poisoning loops over unused slots
      return ctxs;
    }
  }
  // gate->ist = n
  if (lhs.type === 'field_expression' && lhs.childForFieldName('field')?.text === 'ist') {
    const g = evalC(w, lhs.childForFieldName('argument'), ctxs[0], fn);
    const v = evalC(w, rhs, ctxs[0], fn);
    if (g?.k === 'gate' && v?.k === 'num') return w.apply({ kind: 'ist', table: g.ref, vectors: g.vs, ist: Number(v.v), text: w.writer?.text ?? text() }, w.writer?.range ?? range(), ctxs);
    return ctxs;
  }
  // a half of a gate, whole: gate->a = ..., or a field of a local gate being built: g.a = ...
  if (lhs.type === 'field_expression' && op === '=') {
    const arg = lhs.childForFieldName('argument');
    const field = lhs.childForFieldName('field')?.text ?? '';
    const g = evalC(w, arg, ctxs[0], fn);
    if (g?.k === 'gate') return storeGateHalf(w, g, field, evalC(w, rhs, ctxs[0], fn), text(), range(), ctxs);
    if (arg?.type === 'identifier' && ctxs[0].vals.has(arg.text)) return ctxs.map((c) => withLocal(c, `${arg.text}.${field}`, evalC(w, rhs, c, fn) ?? { k: 'unknown' }));
  }
  // a field of a local gate being built, in steps: idte.a |= addr & 0xffff
  if (lhs.type === 'field_expression' && (op === '|=' || op === '&=')) {
    const arg = lhs.childForFieldName('argument');
    const key = `${arg?.text}.${lhs.childForFieldName('field')?.text ?? ''}`;
    if (arg?.type === 'identifier' && ctxs[0].vals.has(key)) return ctxs.map((c) => withLocal(c, key, composeWord(op[0], c.vals.get(key), evalC(w, rhs, c, fn)) ?? { k: 'unknown' }));
  }
  // a whole gate copied from a local built field by field: *gate = g
  if (lhs.type === 'pointer_expression' && op === '=' && rhs.type === 'identifier' && ctxs[0].vals.has(rhs.text)) {
    const g = evalC(w, lhs.childForFieldName('argument'), ctxs[0], fn);
    if (g?.k === 'gate') {
      const low = LOW_HALF.map((f) => ctxs[0].vals.get(`${rhs.text}.${f}`)).find((x) => x !== undefined);
      return storeGateHalf(w, g, LOW_HALF[0], low, text(), range(), ctxs);
    }
  }
  // features word |= bits
  if (lhs.type === 'identifier' && op === '|=' && !ctxs[0].vals.has(lhs.text) && w.index.featureWords.has(lhs.text)) {
    const v = asCr(evalC(w, rhs, ctxs[0], fn));
    if (v) return w.apply({ kind: 'features-or', word: lhs.text, bits: v.bits, text: text() }, range(), ctxs);
    return ctxs;
  }
  // local variable
  if (lhs.type === 'identifier' && (ctxs[0].vals.has(lhs.text) || !w.index.variable(lhs.text))) {
    return ctxs.map((c) => {
      const v = evalC(w, rhs, c, fn);
      const merged = op === '|=' ? orVals(c.vals.get(lhs.text), v) : op === '=' ? v : undefined;
      return withLocal(c, lhs.text, merged ?? { k: 'unknown' });
    });
  }
  const rv = evalC(w, rhs, ctxs[0], fn);
  // this CPU's per-CPU table slot: idt_tables[0] = idt_table; this_cpu(idt) = bsp_idt
  const slot = slotOf(w, lhs, ctxs[0], fn);
  if (slot && rv?.k === 'table' && rv.ref.kind === 'symbol') {
    if (slot.current) return w.apply({ kind: 'percpu-alias', slot: slot.name, table: rv.ref.name, text: text() }, range(), ctxs);
    return ctxs;
  }
  // a descriptor built field by field: *(unsigned long *)&idt_load[2] = (unsigned long)idt_tables[cpu]
  if (rv?.k === 'table') {
    const local = firstLocal(lhs, ctxs[0]);
    if (local) return ctxs.map((c) => withLocal(c, local, { k: 'desc', desc: { kind: 'table', table: rv.ref } }));
  }
  return ctxs;
}

/** A store of `v` into one 8-byte half of gate memory, decoded by the gate layout (only the low half holds the present bit and IST). */
function storeGateHalf(w: PathWalker, g: Extract<Val, { k: 'gate' }>, field: string, v: Val | undefined, storeText: string, storeRange: Range, ctxs: Ctx[]): Ctx[] {
  if (!LOW_HALF.includes(field)) return ctxs;
  const text = w.writer?.text ?? storeText, range = w.writer?.range ?? storeRange;
  const word = wordOf(v);
  const store = word ? decodeLowGate(word, gateMem(g, field)) : null;
  if (!store) return ctxs;
  if (store.kind === 'ist') return w.apply({ kind: 'ist', table: g.ref, vectors: g.vs, ist: store.ist, text }, range, ctxs);
  if (store.kind === 'retarget') return w.apply({ kind: 'gate', table: g.ref, vectors: g.vs, handler: { symbol: store.handler, init: w.index.isInit(store.handler) }, form: 'lower-half', text }, range, ctxs);
  const handler: Handler = { symbol: store.handler, init: store.handler !== null && w.index.isInit(store.handler) };
  const next = w.apply({ kind: 'gate', table: g.ref, vectors: g.vs, handler, form: 'whole', text }, range, ctxs);
  return store.ist ? w.apply({ kind: 'ist', table: g.ref, vectors: g.vs, ist: store.ist, text }, range, next) : next;
}

/** `idt_tables[cpu]` or `this_cpu(idt)` as an assignment target. */
function slotOf(w: PathWalker, n: SyntaxNode, c: Ctx, fn: CFunction): { name: string; current: boolean } | null {
  if (n.type === 'subscript_expression') {
    const a = n.childForFieldName('argument');
    const v = a && w.index.variable(a.text);
    if (a?.type === 'identifier' && v?.isPointerArray) return { name: a.text, current: isCurrentCpu(w, evalC(w, n.childForFieldName('index'), c, fn)) };
  }
  if (n.type === 'call_expression') {
    const name = n.childForFieldName('function')?.text ?? '';
    const args = n.childForFieldName('arguments')?.namedChildren ?? [];
    if (w.hints.percpuAccessors.includes(name) && args[0]) return { name: args[0].text, current: args[1] ? isCurrentCpu(w, evalC(w, args[1], c, fn)) : true };
  }
  return null;
}

function firstLocal(n: SyntaxNode, c: Ctx): string | null {
  const stack: SyntaxNode[] = [n];
  while (stack.length > 0) {
    const x = stack.pop() as SyntaxNode;
    if (x.type === 'identifier' && c.vals.has(x.text)) return x.text;
    if (x.type === 'identifier' && !/^[A-Z_]/.test(x.text)) return x.text;
    for (const ch of x.namedChildren) if (ch) stack.push(ch);
  }
  return null;
}
