import type { Hints } from '../config';
import type { WorkspaceIndex } from '../index/index';
import type { CFunction } from '../index/c-index';

/** Text that marks a function body as changing IDT/TSS/CR4/init state itself. */
const OWN = /\b(lidt|lgdt|ltr)\b|%%cr4|->ist\b|\.ist\b|\bist\s*\[|__init_begin/;
/**
 * Enabling interrupts counts only where a function does it itself (or through a macro):
 * lock helpers that restore IF deep in allocators would otherwise pull half the tree onto
 * every boot path without changing what any rule can see.
 */
const IRQ = /\bsti\b|local_irq_enable/;
/** Inline asm that jumps or calls (`jmp %c[fn]`, reset_stack_and_jump): the functions it names are callees. */
const ASM_FLOW = /"[^"\n]*\b(jmp|call)\b[^"\n]*"/;

/** Summaries of one index under one config's hints, with what every visit reads built once. */
interface Summaries {
  hints: Hints; memo: Map<CFunction, boolean>; hintNames: Set<string>; copiers: Set<CFunction>;
  macroBodies: Map<string, { own: boolean; flow: boolean }>;
}
const cache = new WeakMap<WorkspaceIndex, Summaries>();

/**
 * What a function's own text says, by definition object (one per text: an edit makes new ones),
 * and what each function-like macro's expansion does, by macro table (expanding is costly and
 * many callers share a macro): the same in every index that shares them, so an edit's index
 * asks only about the functions it changed.
 */
interface TextFacts { own: boolean; irq: boolean; asmFlow: boolean }
const textFacts = new WeakMap<CFunction, TextFacts>();
const macroFacts = new WeakMap<object, Map<string, { own: boolean; flow: boolean }>>();

function summariesOf(index: WorkspaceIndex, hints: Hints): Summaries {
  let s = cache.get(index);
  if (!s || s.hints !== hints) {
    s = newSummaries(index, hints);
    cache.set(index, s);
  }
  return s;
}

function newSummaries(index: WorkspaceIndex, hints: Hints): Summaries {
  const hintNames = new Set([...hints.gateWriters.map((g) => g.name), ...hints.istSetters.map((g) => g.name), ...hints.freeInit, ...hints.startAps, ...hints.readCr4, ...index.featureWords]);
  let macroBodies = macroFacts.get(index.macros);
  if (!macroBodies) { macroBodies = new Map(); macroFacts.set(index.macros, macroBodies); }
  return { hints, memo: new Map(), hintNames, copiers: new Set(index.copyRecipes.map((c) => c.fn)), macroBodies };
}

/**
 * Function summary: may this function (or anything it calls) change boot exception state?
 * Computed once per index, as a fixpoint over the call graph; cycles are cut by the
 * in-progress mark, so in a cycle the answer depends on which function was asked first.
 * Irrelevant calls are not walked, which keeps paths small.
 */
export function isRelevant(index: WorkspaceIndex, hints: Hints, fn: CFunction, opts: { aside?: boolean } = {}): boolean {
  // `aside`: answered with summaries of its own, leaving the index's to the walk (whose order of questions they record)
  const { memo, hintNames, copiers, macroBodies } = opts.aside ? newSummaries(index, hints) : summariesOf(index, hints);
  const known = memo.get(fn);
  if (known !== undefined) return known;
  const factsOf = (f: CFunction): TextFacts => {
    let t = textFacts.get(f);
    if (!t) {
      const text = index.texts.get(f.file)?.slice(f.startIndex, f.endIndex) ?? '';
      t = { own: OWN.test(text), irq: IRQ.test(text), asmFlow: ASM_FLOW.test(text) };
      textFacts.set(f, t);
    }
    return t;
  };
  const visit = (f: CFunction, depth: number): boolean => {
    const known = memo.get(f);
    if (known !== undefined) return known;
    memo.set(f, false);
    const facts = factsOf(f);
    let r = facts.own || facts.irq || f.refs.some((x) => hintNames.has(x)) || copiers.has(f);
    if (!r && depth < 64) {
      const callees = facts.asmFlow ? [...f.callees, ...f.refs.filter((x) => index.functions.has(x))] : f.callees;
      for (const c of callees) {
        if (hints.exitFunctions.includes(c)) continue;
        const callee = index.pickFunction(c, f.file);
        if (callee && callee !== f && visit(callee, depth + 1) && ownEffects(callee)) { r = true; break; }
        if (!callee && index.asmLabels.has(c)) { r = true; break; }
        const m = callee ? undefined : index.macros.get(c);
        if (m && m.params !== null) {
          let body = macroBodies.get(c);
          if (!body) {
            const text = index.macros.expand(m.body);
            body = { own: OWN.test(text) || IRQ.test(text), flow: ASM_FLOW.test(text) };
            macroBodies.set(c, body);
          }
          if (body.own) { r = true; break; }
          // a tail-jump macro (reset_stack_and_jump(fn)): relevant when the function it jumps to is
          if (body.flow && f.refs.some((x) => { const g = index.pickFunction(x, f.file); return g !== undefined && g !== f && visit(g, depth + 1); })) { r = true; break; }
        }
      }
    }
    memo.set(f, r);
    return r;
  };
  /** Relevant for more than enabling interrupts: such a callee makes its callers relevant too. */
  const ownEffects = (f: CFunction): boolean => {
    const facts = factsOf(f);
    if (facts.own || f.refs.some((x) => hintNames.has(x)) || copiers.has(f)) return true;
    if (!facts.irq) return true; // relevant through its callees, which passed this test
    return f.callees.some((c) => { const g = index.pickFunction(c, f.file); return g !== undefined && g !== f && memo.get(g) === true && !factsOf(g).irq; });
  };
  return visit(fn, 0);
}
