/**
 * C assignments: stores into gate memory decoded by the gate layout, TSS IST slots, features words,
 * per-CPU table slots, descriptors built field by field, locals.
 */
import { decodeLowGate, memWord, type Word } from '../effects/gate-word';
import { gateHalves, gateLayout } from '../effects/struct-layout';
import type { CFunction } from '../index/c-index';
import type { Handler, Range } from '../model/types';
import type { SyntaxNode } from '../parse/syntax';
import { type Ctx, withLocal } from './context';
import { LOW_HALF, composeWord, evalC, fieldPath, gateMem, isCurrentCpu, structFields } from './eval-c';
import { isCodeLabel } from '../index/asm-facts';
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
      // a loop over the slots: stacks set up (`ist[i] = (unsigned long)estacks`), or unused slots
      // poisoned with a constant (no stack), which provides none
      if (idx?.k === 'range' && evalC(w, rhs, ctxs[0], fn)?.k !== 'num') {
        let cur = ctxs;
        for (const i of idx.vs) cur = w.apply({ kind: 'tss-ist', slot: i + 1, text: text() }, range(), cur);
        return cur;
      }
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
  // a store into gate memory by field (`gate->a = ...`, `idt_table[2].bits.ist = 2`), or into a
  // field of a local struct being built (`g.a = ...`, `gate->bits = d->bits` through a parameter)
  if (lhs.type === 'field_expression' && op === '=') {
    const arg = lhs.childForFieldName('argument');
    const field = lhs.childForFieldName('field')?.text ?? '';
    const g = evalC(w, arg, ctxs[0], fn);
    if (g?.k === 'gate') return storeGateField(w, g, field, evalC(w, rhs, ctxs[0], fn), text(), range(), ctxs);
    const path = fieldPath(lhs);
    if (path && ctxs[0].vals.has(path.split('.')[0])) return ctxs.map((c) => withField(c, path, evalC(w, rhs, c, fn)));
  }
  // a field of a local gate being built, in steps: idte.a |= addr & 0xffff
  if (lhs.type === 'field_expression' && (op === '|=' || op === '&=')) {
    const key = fieldPath(lhs);
    if (key && ctxs[0].vals.has(key)) return ctxs.map((c) => withLocal(c, key, composeWord(op[0], c.vals.get(key), evalC(w, rhs, c, fn)) ?? { k: 'unknown' }));
  }
  // a whole gate copied from a struct built field by field: `*gate = g`, `idt[n] = desc`
  if ((lhs.type === 'pointer_expression' || lhs.type === 'subscript_expression') && op === '=') {
    const g = evalC(w, lhs.type === 'pointer_expression' ? lhs.childForFieldName('argument') : lhs, ctxs[0], fn);
    if (g?.k === 'gate') {
      const fields = structOf(w, rhs, ctxs[0], fn);
      if (fields) return storeGateStruct(w, g, fields, text(), range(), ctxs);
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
  // a global set to a named constant, the state later code tests: `system_state = SYS_STATE_active`
  if (lhs.type === 'identifier' && op === '=' && rhs.type === 'identifier' && !w.index.variable(lhs.text)?.isArray) {
    const v = w.index.variable(rhs.text) ? undefined : w.index.macros.evaluate(rhs.text, fn.file);
    if (v !== undefined) return w.apply({ kind: 'global', name: lhs.text, value: v, text: text() }, range(), ctxs);
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
  const handler: Handler = { symbol: store.handler, init: store.handler !== null && handlerIsInit(w, store.handler) };
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

/** The fields of a struct an expression names: a local built field by field, or a struct value. */
function structOf(w: PathWalker, n: SyntaxNode, c: Ctx, fn: CFunction): ReadonlyMap<string, Val> | null {
  const path = n.type === 'pointer_expression' ? null : fieldPath(n);
  const local = path ? structFields(c.vals, path) : null;
  if (local) return local;
  const v = evalC(w, n.type === 'pointer_expression' && n.child(0)?.text === '*' ? n.childForFieldName('argument') : n, c, fn);
  return v?.k === 'struct' ? v.fields : null;
}

/** A local's field set: a struct value sets each of its leaves (`gate->bits = d->bits`). */
function withField(c: Ctx, path: string, v: Val | undefined): Ctx {
  if (v?.k !== 'struct') return withLocal(c, path, v ?? { k: 'unknown' });
  let out = c;
  for (const [k, x] of v.fields) out = withLocal(out, `${path}.${k}`, x);
  return out;
}

/**
 * A store into one field of gate memory: a whole 8-byte half (`gate->a`), or a field of the
 * tree's gate struct (`bits.ist`), laid into the low half around what the half held.
 */
function storeGateField(w: PathWalker, g: Extract<Val, { k: 'gate' }>, field: string, v: Val | undefined, text: string, range: Range, ctxs: Ctx[]): Ctx[] {
  if (LOW_HALF.includes(field)) return storeGateHalf(w, g, field, v, text, range, ctxs);
  const layout = gateLayout(w.index, [field]);
  const value = wordOf(v);
  if (!layout || !value) return ctxs;
  const low = memWord(gateMem(g, LOW_HALF[0]));
  const bits = [...low.bits];
  for (const [path, leaf] of layout.leaves) {
    if (path !== field && !path.startsWith(`${field}.`)) continue;
    const base = layout.leaves.get(field)?.offset ?? leaf.offset;
    for (let i = 0; i < leaf.width && leaf.offset + i < 64; i++) bits[leaf.offset + i] = value.bits[leaf.offset - base + i] ?? 0;
  }
  return storeGateHalf(w, g, LOW_HALF[0], { k: 'word', w: { bits } }, text, range, ctxs);
}

/** A whole gate stored from a struct's fields: its own 8-byte halves, or the tree's gate struct laid out. */
export function storeGateStruct(w: PathWalker, g: Extract<Val, { k: 'gate' }>, fields: ReadonlyMap<string, Val>, text: string, range: Range, ctxs: Ctx[]): Ctx[] {
  const half = LOW_HALF.find((f) => fields.has(f));
  if (half) return storeGateHalf(w, g, half, fields.get(half), text, range, ctxs);
  const layout = gateLayout(w.index, fields.keys());
  if (!layout) return ctxs;
  const words = new Map<string, Word>();
  for (const [k, v] of fields) { const x = wordOf(v); if (x) words.set(k, x); }
  return storeGateHalf(w, g, LOW_HALF[0], { k: 'word', w: gateHalves(layout, words).low }, text, range, ctxs);
}

/**
 * A handler in an init section: a function or label placed there, or an element of an array of
 * code the assembler places there (`early_idt_handler_array[]`). An element of an array of
 * pointers (`interrupt[]`) is wherever the pointers point, not where the array is.
 */
function handlerIsInit(w: PathWalker, handler: string): boolean {
  if (!handler.endsWith('[]')) return w.index.isInit(handler);
  const array = handler.slice(0, -2);
  return isCodeLabel(w.index, array) && w.index.isInit(array);
}
