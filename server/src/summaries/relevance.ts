import type { Hints } from '../config';
import type { WorkspaceIndex } from '../index/index';
import type { CFunction } from '../index/c-index';
import { asmStrings, forwardedTo, vocabularyOf, type Vocabulary } from '../effects/vocabulary';
import { loadedTables } from '../effects/idt-tables';
/**
 * Enabling interrupts counts only where a function does it itself (or through a macro):
 * lock helpers that restore IF deep in allocators would otherwise pull half the tree onto
 * every boot path without changing what any rule can see. `sti` counts in asm only.
 */
const enablesIrq = (text: string, strings: string): boolean => /\blocal_irq_enable\b/.test(text) || /\bsti\b/.test(strings);
/** Inline asm that jumps or calls (`jmp %c[fn]`, reset_stack_and_jump): the functions it names are callees. */
const ASM_FLOW = /"[^"\n]*\b(jmp|call)\b[^"\n]*"/;

/** Summaries of one index under one config's hints, with what every visit reads built once. */
interface Summaries {
  hints: Hints; vocabulary: Vocabulary; memo: Map<CFunction, boolean>; hintNames: Set<string>; copiers: Set<CFunction>;
  /** Of the relevant functions that enable interrupts: whether they (or what they call) do more. */
  beyondIrq: Map<CFunction, boolean>;
  macroBodies: Map<string, { own: boolean; flow: boolean }>;
  /** Every question that computed something, in order, with the answers it added (in the order they were settled). */
  asked: Asked[];
  /** The questions of the index this one replaced, followed while they come again in the same order. */
  follow: Follow | null;
}
interface Asked { fn: CFunction; added: [CFunction, boolean][] }
interface Follow { asked: readonly Asked[]; at: number; counterpart: Counterpart; hops: number }
/** A definition of the replaced index in this one, and whether its text is the same. */
export type Counterpart = (old: CFunction) => { fn: CFunction; same: boolean } | undefined;
const cache = new WeakMap<WorkspaceIndex, Summaries>();

/**
 * What a function's own text says, by definition object (one per text: an edit makes new ones),
 * and what each function-like macro's expansion does, by macro table (expanding is costly and
 * many callers share a macro): the same in every index that shares them, so an edit's index
 * asks only about the functions it changed.
 */
interface TextFacts { own: boolean; irq: boolean; asmFlow: boolean; elementAddrs: string[] }
/**
 * `&idt_table[n]`: the address of one element of an array, handed on. Where the array is an IDT
 * (a `lidt` loads it), that is how a gate writer of any name is given its gate: the walk decodes
 * what it stores there.
 */
/**
 * `&idt_table[v]`, or an element of a per-CPU copy: `&this_cpu(idt)[X86_EXC_NMI]` (the name inside
 * the accessor); or a whole table handed to a call (`idt_setup_from_table(idt_table, def_idts, ...)`).
 */
const ELEMENT_ADDR = /&\s*(?:[A-Za-z_]\w*\s*\(\s*)?([A-Za-z_]\w*)\s*\)?\s*\[|\w\s*\(\s*([A-Za-z_]\w*)\s*,/g;
/** By vocabulary first: what a body "does itself" depends on the profile's init-boundary symbols. */
const textFacts = new WeakMap<Vocabulary, WeakMap<CFunction, TextFacts>>();
const macroFacts = new WeakMap<Vocabulary, WeakMap<object, Map<string, { own: boolean; flow: boolean }>>>();

/** The inner cache of `outer` for `key`, made on first use. */
function cacheFor<K extends object, V>(outer: WeakMap<K, V>, key: K, make: () => V): V {
  let v = outer.get(key);
  if (v === undefined) { v = make(); outer.set(key, v); }
  return v;
}

function summariesOf(index: WorkspaceIndex, hints: Hints): Summaries {
  let s = cache.get(index);
  if (!s || s.hints !== hints) {
    s = newSummaries(index, hints);
    cache.set(index, s);
  }
  return s;
}

function newSummaries(index: WorkspaceIndex, hints: Hints): Summaries {
  const hintNames = new Set([...hints.freeInit, ...hints.startAps, ...index.featureWords]);
  const vocabulary = vocabularyOf(hints);
  const macroBodies = cacheFor(cacheFor(macroFacts, vocabulary, () => new WeakMap()), index.macros, () => new Map());
  // a copy of an IDT (not of any array: `memcpy(..., trunc_msg, ...)` in printk's log_store)
  const idts = loadedTables(index);
  const copiers = new Set(index.copyRecipes.filter((c) => idts.has(c.src)).map((c) => c.fn));
  return { hints, vocabulary, memo: new Map(), hintNames, copiers, beyondIrq: new Map(), macroBodies, asked: [], follow: null };
}

/**
 * The summaries of an index that replaces `prev` after an edit of function bodies (same
 * workspace-wide facts) start by following `prev`'s questions: while the walk asks them again in
 * the same order, each takes over the answers it settled then, if every function it settled has
 * the same text (the memo is then exactly what computing would make it); a question whose
 * functions changed is computed and still followed if it settles the same answers. The first
 * question out of order ends the following.
 */
export function followSummaries(prev: WorkspaceIndex, next: WorkspaceIndex, hints: Hints, counterpart: Counterpart): void {
  const p = cache.get(prev);
  if (!p || p.hints !== hints) return;
  const s = newSummaries(next, hints);
  const before = p.follow;
  if (p.asked.length > 0 || !before) s.follow = { asked: p.asked, at: 0, counterpart, hops: 1 };
  // nothing was asked of `prev` (an edit off the paths kept the walk): follow what it followed, through both edits
  else if (before.hops < MAX_HOPS) {
    s.follow = {
      asked: before.asked, at: before.at, hops: before.hops + 1,
      counterpart: (old) => { const a = before.counterpart(old); const b = a && counterpart(a.fn); return b && { fn: b.fn, same: a.same && b.same }; },
    };
  }
  cache.set(next, s);
}
/** Edits off the paths followed through in a row (each adds a step to every lookup). */
const MAX_HOPS = 16;

/** The answer taken over from the followed question, or undefined (then computed: see `followed`). */
function takeOver(s: Summaries, fn: CFunction): boolean | undefined {
  const f = s.follow;
  const q = f?.asked[f.at];
  if (!f || !q || f.counterpart(q.fn)?.fn !== fn) { s.follow = null; return undefined; }
  const added: [CFunction, boolean][] = [];
  for (const [old, v] of q.added) {
    const c = f.counterpart(old);
    if (!c?.same) return undefined;
    added.push([c.fn, v]);
  }
  for (const [g, v] of added) s.memo.set(g, v);
  s.asked.push({ fn, added });
  f.at++;
  return s.memo.get(fn);
}

/** After computing a followed question: still following when it settled what it settled before. */
function followed(s: Summaries, added: [CFunction, boolean][]): void {
  const f = s.follow;
  const q = f?.asked[f.at];
  if (!f || !q) return;
  const same = q.added.length === added.length && q.added.every(([old, v], i) => f.counterpart(old)?.fn === added[i][0] && v === added[i][1]);
  if (same) f.at++; else s.follow = null;
}

/**
 * Function summary: may this function (or anything it calls) change boot exception state?
 * Computed once per index, as a fixpoint over the call graph; cycles are cut by the
 * in-progress mark, so in a cycle the answer depends on which function was asked first.
 * Irrelevant calls are not walked, which keeps paths small.
 */
export function isRelevant(index: WorkspaceIndex, hints: Hints, fn: CFunction, opts: { aside?: boolean } = {}): boolean {
  // `aside`: answered with summaries of its own, leaving the index's to the walk (whose order of questions they record)
  const s = opts.aside ? newSummaries(index, hints) : summariesOf(index, hints);
  const { memo, hintNames, copiers, macroBodies, vocabulary } = s;
  const owns = vocabulary.owns;
  const idts = loadedTables(index);
  const bodyFacts = cacheFor(textFacts, vocabulary, () => new WeakMap<CFunction, TextFacts>());
  const known = memo.get(fn);
  if (known !== undefined) return known;
  const taken = s.follow ? takeOver(s, fn) : undefined;
  if (taken !== undefined) return taken;
  const added: [CFunction, boolean][] = [];
  const factsOf = (f: CFunction): TextFacts => {
    let t = bodyFacts.get(f);
    if (!t) {
      const text = index.texts.get(f.file)?.slice(f.startIndex, f.endIndex) ?? '';
      const strings = asmStrings(text);
      t = { own: owns(text, strings), irq: enablesIrq(text, strings), asmFlow: ASM_FLOW.test(text), elementAddrs: [...new Set(Array.from(text.matchAll(ELEMENT_ADDR), (m) => m[1] ?? m[2]))] };
      bodyFacts.set(f, t);
    }
    return t;
  };
  const visit = (f: CFunction, depth: number): boolean => {
    const known = memo.get(f);
    if (known !== undefined) return known;
    memo.set(f, false);
    const facts = factsOf(f);
    let r = facts.own || facts.irq || f.refs.some((x) => hintNames.has(x)) || copiers.has(f) || facts.elementAddrs.some((x) => idts.has(x));
    if (!r && depth < 64) {
      // functions it names run too where it jumps to them or hands them to a call that runs them next (`kernel_thread(kernel_init, ...)`)
      const runs = facts.asmFlow || f.callees.some((c) => hints.runsNext.includes(c));
      const callees = runs ? [...f.callees, ...f.refs.filter((x) => index.functions.has(x))] : f.callees;
      for (const c of callees) {
        if (hints.exitFunctions.includes(c)) continue;
        const callee = index.pickFunction(c, f.file);
        if (callee && makesRelevant(f, callee, depth)) { r = true; break; }
        if (!callee && index.asmLabels.has(c)) { r = true; break; }
        const m = callee ? undefined : index.macros.get(c);
        if (m && m.params !== null) {
          let body = macroBodies.get(c);
          if (!body) {
            const text = index.macros.expand(m.body);
            const strings = asmStrings(text);
            body = { own: owns(text, strings) || enablesIrq(text, strings), flow: ASM_FLOW.test(text) };
            macroBodies.set(c, body);
          }
          if (body.own) { r = true; break; }
          // a macro that only forwards to a function doing it itself (`#define load_idt(dtr) native_load_idt(dtr)`)
          const to = forwardedTo(index, m.body);
          const g = to === null ? undefined : index.pickFunction(to, f.file);
          if (g && g !== f && factsOf(g).own) { r = true; break; }
          // a tail-jump macro (reset_stack_and_jump(fn)): relevant when the function it jumps to is
          if (body.flow && f.refs.some((x) => { const g = index.pickFunction(x, f.file); return g !== undefined && g !== f && visit(g, depth + 1); })) { r = true; break; }
        }
      }
    }
    memo.set(f, r);
    added.push([f, r]);
    return r;
  };
  /**
   * Relevant for more than enabling interrupts: such a callee makes its callers relevant too. One
   * that enables them is asked of its callees too (`start_kernel` enables IRQs and calls `trap_init`):
   * whether they are is the same whichever function was asked first.
   */
  const ownEffects = (f: CFunction, depth: number): boolean => {
    const facts = factsOf(f);
    if (facts.own || f.refs.some((x) => hintNames.has(x)) || copiers.has(f) || facts.elementAddrs.some((x) => idts.has(x))) return true;
    if (!facts.irq) return true; // relevant through its callees, which passed this test
    const known = s.beyondIrq.get(f);
    if (known !== undefined) return known;
    s.beyondIrq.set(f, false);
    const r = depth < 64 && f.callees.some((c) => {
      const g = hints.exitFunctions.includes(c) ? undefined : index.pickFunction(c, f.file);
      return g !== undefined && makesRelevant(f, g, depth);
    });
    s.beyondIrq.set(f, r);
    return r;
  };
  /** A callee that makes its caller `f` relevant: relevant itself, for more than enabling interrupts. */
  const makesRelevant = (f: CFunction, callee: CFunction, depth: number): boolean => callee !== f && visit(callee, depth + 1) && ownEffects(callee, depth + 1);
  const r = visit(fn, 0);
  if (s.follow) followed(s, added);
  s.asked.push({ fn, added });
  return r;
}
