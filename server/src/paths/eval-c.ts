/**
 * What a C expression denotes, as far as boot state goes: tables, gates, addresses, CR4 values, words.
 */
import { cr4Readers } from '../effects/cr4-shadow';
import { type Word, andWord, memWord, orWord, shiftWord } from '../effects/gate-word';
import type { CFunction } from '../index/c-index';
import { isCodeLabel } from '../index/asm-facts';
import { type WorkspaceIndex, closeness, isTableSymbol } from '../index/index';
import type { TableRef } from '../model/types';
import type { SyntaxNode } from '../parse/syntax';
import type { Ctx } from './context';
import { MAX_NESTING } from './limits';
import { EMPTY_CR, type Val, asCr, boundedVal, orVals, truth, valKey, vectorsOf, wordOf } from './values';
import type { PathWalker } from './walker';
import { recordOf, structInitialiser, tableRecords } from './c-records';

/**
 * The fields that name the low 8 bytes of a 16-byte gate (`idt_entry_t { a, b }`, `{ lo, hi }`):
 * the half that holds the present bit, IST, type and offset 31:0.
 */
export const LOW_HALF = ['a', 'lo', 'low'];

/**
 * The returned values a caller keeps: machine values (a CR4 value, a descriptor, gate memory).
 * Not every value: a pointer the walk calls a table (`this_cpu(curr_vcpu)`) would decide the
 * caller's null checks and take its walk down paths that change no boot state (xen.git HEAD:
 * three times the steps).
 */
export const RETURNED = new Set<string>(['cr', 'desc', 'gate', 'word']);

export function isCurrentCpu(w: PathWalker, v: Val | undefined): boolean {
  if (v?.k === 'range') return false;
  if (v?.k === 'num') return v.v === 0n ? w.role.kind === 'bsp' : false;
  return true;
}

/** What a C expression denotes, as far as boot state goes. */
export function evalC(w: PathWalker, n: SyntaxNode | null | undefined, c: Ctx | undefined, fn: CFunction): Val | undefined {
  if (!n || !c || w.nesting >= MAX_NESTING) return undefined;
  if (++w.nesting > w.peak) w.peak = w.nesting;
  try { const v = evalInner(w, n, c, fn); return v && boundedVal(v); } finally { w.nesting--; }
}

/** A node's text without white space, made once per node (syntax copies are kept and walked again and again). */
const compact = new WeakMap<SyntaxNode, string>();
export function compactText(n: SyntaxNode): string {
  let t = compact.get(n);
  if (t === undefined) { t = n.text.replace(/\s+/g, ''); compact.set(n, t); }
  return t;
}

function evalInner(w: PathWalker, n: SyntaxNode, c: Ctx, fn: CFunction): Val | undefined {
  // a CR4 shadow word read (`this_cpu(cr4)`, `get_cpu_info()->cr4`): this CPU's CR4 as it is now
  if ((n.type === 'call_expression' || n.type === 'field_expression' || n.type === 'identifier') && w.shadows.size > 0 && !c.vals.has(n.text)
    && w.shadows.has(compactText(n))) return { k: 'cr', cr: { ...EMPTY_CR, keepsCurrent: true } };
  switch (n.type) {
    case 'number_literal': {
      const v = w.index.macros.evaluate(n.text);
      return v === undefined ? undefined : { k: 'num', v };
    }
    case 'true': return { k: 'num', v: 1n };
    case 'false': case 'null': return { k: 'num', v: 0n };
    case 'identifier': {
      const own = c.vals.get(n.text);
      if (own) return own.k === 'unknown' ? undefined : own;
      if (fn.params.includes(n.text)) return undefined;
      const v = w.index.variable(n.text);
      const set = c.st.globals.get(n.text);
      if (set !== undefined) return { k: 'num', v: set };
      const f = w.index.pickFunction(n.text, fn.file);
      if (f && (!v || closeness(f.file, fn.file) >= closeness(v.file, fn.file))) return { k: 'addr', sym: n.text };
      if (v) {
        if (v.isPointerArray) return { k: 'slots', name: n.text };
        if (v.isArray) {
          const recs = tableRecords(w, v, c, fn);
          if (recs) return { k: 'recs', items: recs };
          // an array of code the assembler defines (`early_idt_handler_array[32][9]`): its name is an address
          if (isCodeLabel(w.index, n.text)) return { k: 'addr', sym: n.text };
          return isTableSymbol(w.index, n.text) ? { k: 'table', ref: { kind: 'symbol', name: n.text } } : { k: 'addr', sym: n.text };
        }
        const init = v.init?.trimStart().startsWith('{') ? structInitialiser(w, v, c, fn) : null;
        if (init) return init;
        return { k: 'cr', cr: { ...EMPTY_CR, words: [n.text] } };
      }
      if (w.index.functions.has(n.text) || isDeclaredHandler(w.index, fn.file, n.text)) return { k: 'addr', sym: n.text };
      if (w.index.asmLabels.has(n.text)) return isTableSymbol(w.index, n.text) ? { k: 'table', ref: { kind: 'symbol', name: n.text } } : { k: 'addr', sym: n.text };
      const k = w.index.macros.evaluate(n.text, fn.file);
      return k === undefined ? undefined : { k: 'num', v: k };
    }
    case 'parenthesized_expression': return evalC(w, n.namedChildren[n.namedChildren.length - 1], c, fn);
    case 'cast_expression': return evalC(w, n.childForFieldName('value'), c, fn);
    case 'pointer_expression': {
      const arg = n.childForFieldName('argument');
      const v = evalC(w, arg, c, fn);
      const op = n.child(0)?.text;
      // a local by address: its fields as the code set them, and a callee's stores through it come back
      if (op === '&' && arg?.type === 'identifier' && c.vals.has(arg.text) && (v === undefined || v.k === 'struct')) {
        return { k: 'struct', fields: structFields(c.vals, arg.text) ?? (v?.k === 'struct' ? v.fields : new Map()), of: arg.text };
      }
      // the address of a function or label, or of a symbol defined outside the workspace (`extern void h(void)`)
      if (op === '&' && arg?.type === 'identifier' && !v && !c.vals.has(arg.text) && !w.index.variable(arg.text)) return { k: 'addr', sym: arg.text };
      return v;
    }
    case 'subscript_expression': {
      const base = evalC(w, n.childForFieldName('argument'), c, fn);
      const idx = evalC(w, n.childForFieldName('index'), c, fn);
      if (base?.k === 'slots') return { k: 'table', ref: isCurrentCpu(w, idx) ? { kind: 'percpu', name: base.name } : { kind: 'unknown', text: n.text } };
      if (base?.k === 'table') {
        const vs = vectorsOf(idx);
        return vs ? { k: 'gate', ref: base.ref, vs } : undefined;
      }
      if (base?.k === 'addr' && (w.index.variable(base.sym)?.isCodeArray || isCodeLabel(w.index, base.sym))) return { k: 'element', of: base.sym };
      if (base?.k === 'recs' && idx?.k === 'num') return base.items[Number(idx.v)];
      return undefined;
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text;
      const l = evalC(w, n.childForFieldName('left'), c, fn);
      const rNode = n.childForFieldName('right');
      const r = evalC(w, rNode, c, fn);
      if (op === '+' && l?.k === 'table') { const vs = vectorsOf(r); return vs ? { k: 'gate', ref: l.ref, vs } : undefined; }
      const composed = composeWord(op, l, r);
      if (composed) return composed;
      if (op === '|') return orVals(l, r);
      if (op === '&' && rNode?.type === 'unary_expression' && rNode.child(0)?.text === '~') {
        const x = asCr(l), y = evalC(w, rNode.childForFieldName('argument'), c, fn);
        if (x && y?.k === 'num') return { k: 'cr', cr: { ...x, bits: x.bits & ~y.v, cleared: x.cleared | y.v } };
        return x ? { k: 'cr', cr: x } : undefined;
      }
      if (l?.k === 'num' && r?.k === 'num') {
        const v = w.index.macros.evaluate(`(${l.v}) ${op} (${r.v})`, fn.file);
        return v === undefined ? undefined : { k: 'num', v };
      }
      if ((op === '==' || op === '!=') && l?.k === 'range' && r?.k === 'num') return undefined;
      return undefined;
    }
    case 'unary_expression': {
      const v = evalC(w, n.childForFieldName('argument'), c, fn);
      const op = n.child(0)?.text;
      if (v?.k === 'num') return { k: 'num', v: op === '!' ? (v.v === 0n ? 1n : 0n) : op === '-' ? -v.v : op === '~' ? ~v.v & ((1n << 64n) - 1n) : v.v };
      if (op === '!' && truth(v) !== undefined) return { k: 'num', v: truth(v) ? 0n : 1n };
      return undefined;
    }
    case 'call_expression': {
      const name = n.childForFieldName('function')?.text ?? '';
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []);
      // `(u16) (addr >> 16)`: a cast to a typedef name reads as a call of a parenthesised name
      const callee = n.childForFieldName('function');
      if (callee?.type === 'parenthesized_expression' && args.length === 1 && isTypeName(w, callee.namedChildren[0], c, fn)) return evalC(w, args[0], c, fn);
      if (cr4Readers(w.index).has(name)) return { k: 'cr', cr: { ...EMPTY_CR, keepsCurrent: true } };
      if (w.hints.cpuId.includes(name)) return w.role.kind === 'bsp' ? { k: 'num', v: 0n } : w.role.kind === 'ap' ? { k: 'nonzero' } : undefined;
      if (w.hints.percpuAccessors.includes(name) && args[0]) {
        const cur = args[1] ? isCurrentCpu(w, evalC(w, args[1], c, fn)) : true;
        const ref: TableRef = { kind: 'percpu', name: args[0].text };
        return cur ? { k: 'table', ref } : { k: 'table', ref: { kind: 'unknown', text: n.text } };
      }
      const returned = c.vals.get(retKey(n));
      if (returned) return returned;
      if (c.ret && /^(_|ACCESS_ONCE|READ_ONCE)/.test(name)) return c.ret;
      const k = w.index.macros.evaluate(n.text, fn.file);
      return k === undefined ? undefined : { k: 'num', v: k };
    }
    case 'initializer_list': {
      const record = recordOf(w, n, c, fn);
      if (record) return record;
      let base: Val | undefined, limit: Val | undefined;
      let any = false;
      for (const p of n.namedChildren) {
        if (p?.type !== 'initializer_pair') continue;
        any = true;
        const field = p.childForFieldName('designator')?.text.replace(/^\./, '') ?? p.namedChildren[0]?.text.replace(/^\./, '');
        const value = p.childForFieldName('value');
        if (field === 'base' || field === 'address') base = evalC(w, value, c, fn);
        if (field === 'limit' || field === 'size') limit = evalC(w, value, c, fn);
      }
      if (!any || (limit?.k === 'num' && limit.v === 0n && (!base || (base.k === 'num' && base.v === 0n)))) return { k: 'desc', desc: { kind: 'empty' } };
      if (base?.k === 'table') return { k: 'desc', desc: { kind: 'table', table: base.ref } };
      return { k: 'desc', desc: { kind: 'unknown', text: n.text.replace(/\s+/g, ' ') } };
    }
    case 'field_expression': {
      // a half of a gate read back (`gate->a & ~(7UL << 32)`), or a field of a local struct being built
      const arg = n.childForFieldName('argument');
      const field = n.childForFieldName('field')?.text ?? '';
      // a field of a local (or of a struct a parameter points at) as the code set it: `desc.bits.ist`
      const path = fieldPath(n);
      if (path) {
        const local = c.vals.get(path);
        if (local) return local.k === 'unknown' ? undefined : local;
        const fields = structFields(c.vals, path);
        if (fields) return { k: 'struct', fields };
      }
      const g = evalC(w, arg, c, fn);
      if (g?.k === 'gate') return { k: 'word', w: memWord(gateMem(g, field)) };
      if (g?.k === 'recs' && g.items[0]?.k === 'struct') return fieldOf(g.items[0].fields, field);
      if (g?.k === 'struct') return fieldOf(g.fields, field);
      return undefined;
    }
    case 'conditional_expression': return undefined;
    default: return undefined;
  }
}

/** The fields a local struct was given (`idte.a`, `idte.b`), or null when it has none. */
export function structFields(vals: ReadonlyMap<string, Val>, name: string): ReadonlyMap<string, Val> | null {
  const prefix = `${name}.`;
  let out: Map<string, Val> | null = null;
  for (const [k, v] of vals) if (k.startsWith(prefix)) (out ??= new Map()).set(k.slice(prefix.length), v);
  return out;
}

/** Where a walked call's return value is kept among the caller's locals: a name no C variable has. */
export function retKey(call: SyntaxNode): string { return `\0ret@${call.startIndex}:${call.endIndex}:${call.text}`; }

/** The caller's locals with a call's return value, or without a stale one from another walk through the same place. */
export function withReturn(vals: ReadonlyMap<string, Val>, key: string, ret: Val | undefined): ReadonlyMap<string, Val> {
  if (ret === undefined && !vals.has(key)) return vals;
  const out = new Map(vals);
  if (ret === undefined) out.delete(key); else out.set(key, ret);
  return out;
}

/** A name for one half of the gate memory a value points at (what a read-modify-write of it keeps). */
export function gateMem(g: Extract<Val, { k: 'gate' }>, field: string): string {
  return `${valKey(g)}.${LOW_HALF.includes(field) ? 'low' : field}`;
}

/** `|`, `&`, `<<`, `>>` over address bits and constants: a gate half being composed (`(addr & 0xffff) | (1UL << 47)`). */
export function composeWord(op: string | undefined, l: Val | undefined, r: Val | undefined): Val | undefined {
  const wordy = (v: Val | undefined): boolean => v?.k === 'addr' || v?.k === 'element' || v?.k === 'word';
  if (!wordy(l) && !wordy(r)) return undefined;
  const a = wordOf(l), b = wordOf(r);
  if (!a || !b) return undefined;
  let w: Word | undefined;
  if (op === '|') w = orWord(a, b);
  else if (op === '&') w = andWord(a, b);
  else if ((op === '<<' || op === '>>') && r?.k === 'num' && r.v >= 0n && r.v < 64n) w = shiftWord(a, op === '<<' ? Number(r.v) : -Number(r.v));
  return w ? { k: 'word', w } : undefined;
}

/**
 * A function declared without the workspace defining it, `extern void h(void);` (an entry point
 * built elsewhere, a handler a quick fix introduced), in the file itself or in any header, where
 * such prototypes live: its name is an address.
 */
function isDeclaredHandler(index: WorkspaceIndex, file: string, name: string): boolean {
  return prototypesIn(index, file).has(name) || headerPrototypes(index).has(name);
}

/**
 * Per file, the prototypes of the text they were read from, by lineage (an edit's index shares its
 * lineage and re-reads only the file that changed; the texts are the index's own, held no longer).
 */
const prototypeCache = new WeakMap<object, Map<string, { text: string; names: ReadonlySet<string> }>>();
const headerNames = new WeakMap<WorkspaceIndex, ReadonlySet<string>>();

/** `void h(void)` prototypes of one text, one line at a time, as they are written. */
function prototypesIn(index: WorkspaceIndex, file: string): ReadonlySet<string> {
  let perFile = prototypeCache.get(index.lineage);
  if (!perFile) { perFile = new Map(); prototypeCache.set(index.lineage, perFile); }
  const text = index.texts.get(file) ?? '';
  const hit = perFile.get(file);
  if (hit && hit.text === text) return hit.names;
  const names = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*(?:extern\s+)?(?:asmlinkage\s+)?void\s[^\n]*\(\s*void\s*\)[^\n]*/gm)) {
    for (const d of m[0].matchAll(/([A-Za-z_]\w*)\s*\(\s*void\s*\)/g)) names.add(d[1]);
  }
  perFile.set(file, { text, names });
  return names;
}

function headerPrototypes(index: WorkspaceIndex): ReadonlySet<string> {
  let all = headerNames.get(index);
  if (!all) {
    const out = new Set<string>();
    for (const file of index.texts.keys()) if (file.endsWith('.h')) for (const n of prototypesIn(index, file)) out.add(n);
    all = out;
    headerNames.set(index, all);
  }
  return all;
}

/** `a.b.c` / `a->b.c` as the dotted path `a.b.c` when its base is a plain name; null otherwise. */
export function fieldPath(n: SyntaxNode): string | null {
  if (n.type === 'identifier') return n.text;
  if (n.type !== 'field_expression') return null;
  const base = n.childForFieldName('argument');
  const field = n.childForFieldName('field')?.text;
  const head = base ? fieldPath(base) : null;
  return head && field ? `${head}.${field}` : null;
}

/** A field of a struct value: a leaf, or the struct of the leaves below it (`d->bits`). */
function fieldOf(fields: ReadonlyMap<string, Val>, field: string): Val | undefined {
  const f = fields.get(field);
  if (f) return f.k === 'unknown' ? undefined : f;
  const prefix = `${field}.`;
  let sub: Map<string, Val> | null = null;
  for (const [k, v] of fields) if (k.startsWith(prefix)) (sub ??= new Map()).set(k.slice(prefix.length), v);
  return sub ? { k: 'struct', fields: sub } : undefined;
}


/** A macro that names a type (`#define u16 unsigned short`). */
const TYPE_MACRO = /^\s*(?:(?:unsigned|signed|short|long|int|char|void|const|volatile|_Bool|bool|float|double|(?:struct|union|enum)\s+\w+|\w+_t)\s*\**\s*)+$/;

/** A name that is nothing the code can call or read (no function, variable, local or macro but one naming a type): a type name. */
function isTypeName(w: PathWalker, n: SyntaxNode | null | undefined, c: Ctx, fn: CFunction): boolean {
  if (n?.type !== 'identifier') return false;
  const name = n.text;
  const m = w.index.macros.get(name, fn.file);
  return !c.vals.has(name) && !w.index.functions.has(name) && !w.index.variable(name) && (!m || (m.params === null && TYPE_MACRO.test(m.body))) && !w.index.asmLabels.has(name);
}
