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
  /** What each function-like macro's expansion does (expanding is costly; many callers share a macro). */
  macroBodies: Map<string, { own: boolean; flow: boolean }>;
}
const cache = new WeakMap<WorkspaceIndex, Summaries>();

function summariesOf(index: WorkspaceIndex, hints: Hints): Summaries {
  let s = cache.get(index);
  if (!s || s.hints !== hints) {
    const hintNames = new Set([...hints.gateWriters.map((g) => g.name), ...hints.istSetters.map((g) => g.name), ...hints.freeInit, ...hints.startAps, ...hints.readCr4, ...index.featureWords]);
    s = { hints, memo: new Map(), hintNames, copiers: new Set(index.copyRecipes.map((c) => c.fn)), macroBodies: new Map() };
    cache.set(index, s);
  }
  return s;
}

/**
 * Function summary: may this function (or anything it calls) change boot exception state?
 * Computed once per index, as a fixpoint over the call graph; cycles are cut by the
 * in-progress mark. Irrelevant calls are not walked, which keeps paths small.
 */
export function isRelevant(index: WorkspaceIndex, hints: Hints, fn: CFunction): boolean {
  const { memo, hintNames, copiers, macroBodies } = summariesOf(index, hints);
  const known = memo.get(fn);
  if (known !== undefined) return known;
  const textOf = (f: CFunction): string => index.texts.get(f.file)?.slice(f.startIndex, f.endIndex) ?? '';
  const visit = (f: CFunction, depth: number): boolean => {
    const known = memo.get(f);
    if (known !== undefined) return known;
    memo.set(f, false);
    const text = textOf(f);
    let r = OWN.test(text) || IRQ.test(text) || f.refs.some((x) => hintNames.has(x)) || copiers.has(f);
    if (!r && depth < 64) {
      const asmFlow = ASM_FLOW.test(text);
      const callees = asmFlow ? [...f.callees, ...f.refs.filter((x) => index.functions.has(x))] : f.callees;
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
    const text = textOf(f);
    if (OWN.test(text) || f.refs.some((x) => hintNames.has(x)) || copiers.has(f)) return true;
    if (!IRQ.test(text)) return true; // relevant through its callees, which passed this test
    return f.callees.some((c) => { const g = index.pickFunction(c, f.file); return g !== undefined && g !== f && memo.get(g) === true && !IRQ.test(textOf(g)); });
  };
  return visit(fn, 0);
}
