/**
 * The transfer function of machine effects: an effect (lidt, a gate write, CR4, ...) onto the state,
 * with per-CPU tables resolved the way the tree makes them.
 */
import type { WorkspaceIndex } from '../index/index';
import type { Effect, TableRef } from '../model/types';
import type { SyntaxNode } from '../parse/syntax';
import { syntaxOf } from './calls';
import type { Ctx } from './context';
import { execStmt } from './drive-c';
import { type State, crBits, setGate } from './state';
import type { PathWalker } from './walker';

function ensureTable(w: PathWalker, st: State, name: string): State {
  if (st.tables.has(name)) return st;
  const v = w.index.variable(name);
  const gates = v && v.init === null ? w.gates.zero : w.gates.opaque;
  const tables = new Map(st.tables);
  tables.set(name, gates);
  return { ...st, tables };
}

/** The table a reference means on this CPU now; null for another CPU's table. */
function resolveTable(w: PathWalker, st: State, ref: TableRef): { st: State; name: string | null } {
  if (ref.kind === 'unknown') return { st, name: null };
  if (ref.kind === 'symbol') return { st: ensureTable(w, st, ref.name), name: ref.name };
  const alias = st.percpu.get(ref.name);
  if (alias) return { st: ensureTable(w, st, alias), name: alias };
  const own = `${ref.name}[${w.role.name}]`;
  if (st.tables.has(own)) return { st, name: own };
  return { st: makeOwnCopy(w, st, ref.name, own), name: own };
}

/** This CPU's copy of a shared table, made the way the tree makes it (memcpy, then any edits after it). */
function makeOwnCopy(w: PathWalker, st: State, slot: string, own: string): State {
  const recipe = w.index.copyRecipes.find((r) => slotName(r.dst, w.index) === slot);
  const percpu = new Map(st.percpu);
  percpu.set(slot, own);
  if (!recipe) {
    const tables = new Map(st.tables);
    tables.set(own, w.gates.opaque);
    return { ...st, tables, percpu };
  }
  const srcSt = ensureTable(w, st, recipe.src);
  const tables = new Map(srcSt.tables);
  tables.set(own, srcSt.tables.get(recipe.src) ?? w.gates.opaque);
  let scratch: State = { ...srcSt, tables, percpu };
  // Walk what the copying function does to the copy after the memcpy (e.g. clear IST before the CPU runs).
  const fnNode = syntaxOf(w, recipe.fn);
  // the copy counts offsets from the function's start (the recipe's, from the file's)
  const at = recipe.offset - recipe.fn.startIndex - 1;
  const call = fnNode?.descendantForIndex(at, at);
  let stmt: SyntaxNode | null = call ?? null;
  while (stmt && stmt.parent && stmt.parent.type !== 'compound_statement') stmt = stmt.parent;
  if (stmt?.parent) {
    // Only the statements that touch the copy (`disable_each_ist(per_cpu(idt, cpu))`); they are
    // walked aside: their steps belong to the CPU that prepares the copy, not to this path.
    const dst = recipe.dst.replace(/\s+/g, '');
    const mark = w.steps.length;
    w.within.push(recipe.fn.name);
    let ctxs: Ctx[] = [{ st: scratch, vals: new Map(), stack: [], flags: null }];
    for (let s = stmt.nextNamedSibling; s && ctxs.length > 0; s = s.nextNamedSibling) {
      if (s.text.replace(/\s+/g, '').includes(dst)) ctxs = execStmt(w, s, ctxs, recipe.fn).normal;
    }
    w.within.pop();
    w.steps.length = mark;
    if (ctxs[0]) scratch = ctxs[0].st;
  }
  const out = new Map(st.tables);
  out.set(own, scratch.tables.get(own) ?? w.gates.opaque);
  return { ...st, tables: out, percpu };
}

export function applyTo(w: PathWalker, st0: State, e: Effect, site: number): State {
  let st = st0;
  switch (e.kind) {
    case 'lidt': {
      if (e.desc.kind === 'empty') return { ...st, idt: { kind: 'empty' } };
      if (e.desc.kind === 'unknown') return { ...st, idt: { kind: 'unknown' } };
      if (e.desc.kind === 'saved') return { ...st, idt: st.savedIdt };
      const r = resolveTable(w, st, e.desc.table);
      return r.name ? { ...r.st, idt: { kind: 'table', name: r.name } } : { ...r.st, idt: { kind: 'unknown' } };
    }
    case 'ltr': return { ...st, tssLoaded: true };
    case 'gate': {
      const r = resolveTable(w, st, e.table);
      if (!r.name) return r.st;
      return w.gates.update(r.st, r.name, (g) => { for (const v of e.vectors) setGate(g, v, e.handler, site, e.form === 'lower-half'); });
    }
    case 'ist': {
      const r = resolveTable(w, st, e.table);
      if (!r.name) return r.st;
      return w.gates.update(r.st, r.name, (g) => { for (const v of e.vectors) if (g[v]) g[v] = { ...g[v], ist: e.ist, site: e.ist !== 0 ? site : g[v].site }; });
    }
    case 'tss-ist': return { ...st, istSlots: st.istSlots | (1 << e.slot) };
    case 'cr4': {
      const b = crBits(st, e.value, (word) => w.wordView(st, word), (word) => w.wordHull(word));
      return { ...st, cr4Must: b.must, cr4May: b.may };
    }
    case 'features-or': {
      const features = new Map(st.features);
      features.set(e.word, (st.features.get(e.word) ?? w.initialWord(e.word)) | e.bits);
      return { ...st, features };
    }
    case 'irq': return { ...st, iflag: e.enabled };
    case 'global': {
      if (st.globals.get(e.name) === e.value) return st;
      const globals = new Map(st.globals);
      globals.set(e.name, e.value);
      return { ...st, globals };
    }
    case 'free-init': return { ...st, initFreed: true };
    case 'table-copy': {
      const src = resolveTable(w, st, e.src);
      st = src.st;
      const dst = resolveTable(w, st, e.dst);
      if (!src.name || !dst.name) return dst.st;
      const tables = new Map(dst.st.tables);
      tables.set(dst.name, dst.st.tables.get(src.name) ?? w.gates.opaque);
      return { ...dst.st, tables };
    }
    case 'percpu-alias': {
      st = ensureTable(w, st, e.table);
      const percpu = new Map(st.percpu);
      percpu.set(e.slot, e.table);
      return { ...st, percpu };
    }
    default: return st;
  }
}

/** `per_cpu(idt, cpu)` -> `idt`; `idt_tables[cpu]` -> `idt_tables`. */
export function slotName(text: string, index: WorkspaceIndex): string | null {
  const acc = /^\s*(?:\w+)\s*\(\s*(\w+)/.exec(text);
  if (acc && index.profile.hints.percpuAccessors.some((a) => text.trim().startsWith(a))) return acc[1];
  const arr = /^\s*(\w+)\s*\[/.exec(text);
  return arr ? arr[1] : null;
}
