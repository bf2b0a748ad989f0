/**
 * C calls: what a call does to boot state (start the APs, free init memory, copy a table, exit), then
 * the callee walked, or a function-like macro expanded and walked.
 */
import { isMemoryCopy } from '../effects/c-library';
import { forwardedTo, vocabularyOf } from '../effects/vocabulary';
import type { CFunction } from '../index/c-index';
import { type SyntaxNode, snapshot } from '../parse/syntax';
import { noteRead, walkSymbol, worthWalking } from './calls';
import { type Ctx, MACRO_FILE, dedupe } from './context';
import { execExpr, execStmt } from './drive-c';
import { RETURNED, compactText, evalC, retKey, withReturn } from './eval-c';
import { MAX_CALLS, MAX_UNRESOLVED } from './limits';
import { type Val, handsGateMemory, valKey } from './values';
import type { PathWalker } from './walker';
import { storeGateStruct } from './c-assign';


/** Texts made from syntax nodes, once per node: the walker meets the same call sites again and again. */
const lines = new WeakMap<SyntaxNode, string>(), bare = new WeakMap<SyntaxNode, string>();

/** A call's text on one line, as the timeline shows it. */
function oneLine(n: SyntaxNode): string {
  let t = lines.get(n);
  if (t === undefined) { t = n.text.replace(/\s+/g, ' '); lines.set(n, t); }
  return t;
}

/** An argument without a cast or `&` before it (`(unsigned long)__init_begin` -> `__init_begin`). */
function bareName(n: SyntaxNode): string {
  let t = bare.get(n);
  if (t === undefined) { t = n.text.replace(/^\(\s*[\w\s*]+\)\s*|^&\s*/g, '').trim(); bare.set(n, t); }
  return t;
}

export function walkCall(w: PathWalker, n: SyntaxNode, ctxs0: Ctx[], fn: CFunction): Ctx[] {
  const fnNode = n.childForFieldName('function');
  const argNodes = (n.childForFieldName('arguments')?.namedChildren ?? []);
  let ctxs = ctxs0;
  for (const a of argNodes) ctxs = execExpr(w, a, ctxs, fn);
  if (ctxs.length === 0) return ctxs;
  if (fnNode && fnNode.type !== 'identifier') {
    // a call through a pointer: followed when the pointer is a known function, noted otherwise
    const target = evalC(w, fnNode.type === 'parenthesized_expression' ? fnNode.namedChildren[0]?.type === 'pointer_expression' ? fnNode.namedChildren[0].childForFieldName('argument') : fnNode.namedChildren[0] : fnNode, ctxs[0], fn);
    if (target?.k === 'addr' && w.index.functions.has(target.sym)) return walkSymbol(w, target.sym, ctxs, { file: fn.file, range: w.rangeIn(fn, n) }, 'sub');
    const pointer = fnNode.type === 'field_expression' || fnNode.type === 'subscript_expression' || (fnNode.type === 'parenthesized_expression' && fnNode.namedChildren[0]?.type === 'pointer_expression');
    if (pointer && fn.file !== MACRO_FILE) {
      if (w.unresolved.size < MAX_UNRESOLVED) w.noteUnresolved(`${compactText(fnNode)}()`, w.rangeIn(fn, n));
      else {
        if (w.recording) w.log.push({ k: 'capped', cap: 'unresolved' });
        w.noteLimit({ limit: `unresolved target limit ${MAX_UNRESOLVED}`, at: w.within[w.within.length - 1] ?? fn.name, effect: 'later unresolved calls through pointers are not reported', range: w.rangeIn(fn, n) }, false, true);
      }
    }
    return ctxs;
  }
  if (fnNode?.type !== 'identifier') return ctxs;
  const name = fnNode.text;
  const range = w.rangeIn(fn, n);
  if (fn.file !== MACRO_FILE) {
    if (w.calls.length < MAX_CALLS) w.calls.push({ callee: name, caller: w.within[w.within.length - 1] ?? fn.name, range, seq: w.seq++ });
    else {
      if (w.recording) w.log.push({ k: 'capped', cap: 'calls' });
      w.noteLimit({ limit: `call site limit ${MAX_CALLS}`, at: w.within[w.within.length - 1] ?? fn.name, effect: 'later call sites are not recorded (TL004 does not see them)', range }, false, true);
    }
  }
  const text = oneLine(n);
  const c0 = ctxs[0];
  const h = w.hints;
  if (h.startAps.includes(name)) return w.apply({ kind: 'start-aps', text }, range, ctxs);
  if (h.runsNext.includes(name)) {
    // the thread runs on this CPU after the caller: walked here, as a call (the caller only waits for it)
    const started = argNodes.map((a) => evalC(w, a, c0, fn)).find((v) => v?.k === 'addr' && w.index.functions.has(v.sym));
    if (started?.k === 'addr') {
      w.record({ kind: 'call', callee: started.sym, text }, range, ctxs, ctxs);
      const mark = w.steps.length;
      const back = walkSymbol(w, started.sym, ctxs, { file: fn.file, range }, 'sub');
      if (w.steps.length === mark) w.steps.pop();
      return back;
    }
  }
  if (freesInit(w, name, argNodes, fn.file)) {
    const after = w.apply({ kind: 'free-init', text }, range, ctxs);
    return walkSymbol(w, name, after, { file: fn.file, range }, 'sub', []);
  }
  if (isMemoryCopy(name) && argNodes.length >= 2) {
    const d = evalC(w, argNodes[0], c0, fn), s = evalC(w, argNodes[1], c0, fn);
    if (d?.k === 'table' && s?.k === 'table') return w.apply({ kind: 'table-copy', dst: d.ref, src: s.ref, text }, range, ctxs);
    // one gate copied from a struct built field by field (`memcpy(&idt[entry], gate, sizeof(*gate))`)
    if (d?.k === 'gate' && s?.k === 'struct') return storeGateStruct(w, d, s.fields, text, range, ctxs);
    return ctxs;
  }
  // error exits (panic, BUG, a noreturn call in a branch) are not boot paths
  if (h.exitFunctions.includes(name) || (w.condDepth > 0 && w.index.noreturn.has(name))) return [];
  const callee = w.index.pickFunction(name, fn.file);
  if (callee) {
    if (!worthWalking(w, name, fn.file, callee, argNodes.map((a) => evalC(w, a, c0, fn)), ctxs) || w.callStack.includes(name)) return ctxs;
    // group paths by argument values so each distinct call is walked once
    const groups = new Map<string, { args: (Val | undefined)[]; ctxs: Ctx[] }>();
    for (const c of ctxs) {
      const args = argNodes.map((a) => evalC(w, a, c, fn));
      const k = args.map(valKey).join('|');
      const g = groups.get(k);
      if (g) g.ctxs.push(c); else groups.set(k, { args, ctxs: [c] });
    }
    const out: Ctx[] = [];
    const key = retKey(n);
    for (const g of groups.values()) {
      const mark = w.steps.length;
      // inside a gate writer its own calls are how it writes, not steps of the boot path
      const quiet = w.writer !== null || handsGateMemory(g.args);
      if (!quiet) w.record({ kind: 'call', callee: name, text }, range, g.ctxs, g.ctxs);
      const back = w.asWriter(g.args, text, range, () => walkSymbol(w, name, g.ctxs, { file: fn.file, range }, 'sub', g.args));
      // a call that did nothing to boot state is not a step of the timeline
      if (!quiet && w.steps.length === mark + 1) w.steps.pop();
      if (w.index.noreturn.has(name)) continue; // the path ends inside it
      // what it returned, for the expression the call is part of (`write_cr4(read_cr4() | mask)`)
      out.push(...back.map((b) => ({ ...b, vals: withReturn(b.vals, key, RETURNED.has(b.ret?.k ?? '') ? b.ret : undefined), stack: g.ctxs[0].stack })));
    }
    return dedupe(out);
  }
  if (w.index.asmLabels.has(name)) return walkSymbol(w, name, ctxs, { file: fn.file, range }, 'sub');
  // a function-like macro at statement position: expand it and walk the expansion
  const m = w.index.macros.get(name, fn.file);
  if (m && m.params !== null && /\bjmp\b/.test(m.body + (w.index.macros.get(m.body.match(/^\s*(\w+)/)?.[1] ?? '', fn.file)?.body ?? ''))) {
    // a stack-switching tail jump (reset_stack_and_jump(fn)): the path continues in fn and never comes back
    const target = tailJumpTarget(w.index.macros.expand(n.text, fn.file));
    if (target && (w.index.functions.has(target) || w.index.asmLabels.has(target))) {
      walkSymbol(w, target, ctxs, { file: fn.file, range }, 'sub');
      return [];
    }
  }
  // a macro that changes boot state by its words, one handed gate memory (a gate writer written as
  // a macro), or one that forwards to a function (`#define load_idt(dtr) native_load_idt(dtr)`)
  const args = m && m.params !== null ? argNodes.map((a) => evalC(w, a, c0, fn)) : [];
  if (m && m.params !== null && (vocabularyOf(h).macro.test(m.body) || args.some((a) => a?.k === 'gate') || forwardedTo(w.index, m.body) !== null) && !w.callStack.includes(name)) {
    const node = macroStatement(w, name, n.text, fn.file);
    if (node) {
      w.callStack.push(name);
      const outer = w.macroSite;
      w.macroSite = outer ?? range;
      try {
        const f = w.asWriter(args, text, range, () => execStmt(w, node, ctxs, { ...fn, file: MACRO_FILE }));
        return f.normal.length > 0 ? f.normal : ctxs;
      } finally { w.callStack.pop(); w.macroSite = outer; }
    }
  }
  return ctxs;
}

/**
 * Does this call free init memory? What is freed is the range its arguments name: a call passed
 * an init-section boundary (`free_kernel_image_pages(..., &__init_begin, &__init_end)`,
 * `memset(__init_begin, ...)`), or one the profile names as freeing init memory called without
 * a range (`free_initmem()`). The same function freeing another range (`free_init_pages("SMP
 * alternatives", __smp_locks, __smp_locks_end)`, an initrd) frees no init code; a macro that
 * only compares addresses with the bounds (`adj_init_size(__init_begin, __init_end, ...)`) frees nothing.
 */
function freesInit(w: PathWalker, name: string, argNodes: readonly SyntaxNode[], file: string): boolean {
  const h = w.hints;
  if (!w.index.functions.has(name) && w.index.macros.get(name, file)?.params) return false;
  const boundaryArg = argNodes.some((a) => h.initBoundarySymbols.includes(bareName(a)));
  if (h.freeInit.includes(name) && argNodes.length === 0) return true;
  if (!boundaryArg) return false;
  // a function that only computes from the bounds (`memory_contains(__init_begin, __init_end, p, n)`) frees nothing
  const callee = w.index.pickFunction(name, file);
  if (callee === undefined) return true;
  noteRead(w, callee);
  return !onlyComputes(w.index.texts.get(callee.file)?.slice(callee.startIndex, callee.endIndex) ?? '');
}

/** A body that calls nothing and stores nothing: it can only compute its result. */
function onlyComputes(def: string): boolean {
  const body = def.slice(def.indexOf('{'));
  const calls = [...body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].some((m) => !/^(if|while|for|switch|return|sizeof|__builtin_\w+|likely|unlikely)$/.test(m[1]));
  return !calls && !/[^=!<>]=[^=]|\+\+|--/.test(body);
}

function macroStatement(w: PathWalker, name: string, callText: string, file: string): SyntaxNode | null {
  const expanded = w.index.macros.expand(callText, file);
  const key = `${name}:${expanded}`;
  if (!w.macroTrees.has(key)) {
    const source = `void __m(void) { ${expanded}; }`;
    const tree = w.index.host.parse('c', source);
    try {
      const body = tree.rootNode.namedChildren[0]?.childForFieldName('body');
      w.macroTrees.set(key, body ? snapshot(body, source) : null);
    } finally { tree.delete(); }
  }
  return w.macroTrees.get(key) ?? null;
}

/** `asm("... jmp %c[fun]" :: [fun] "i" (init_done))` in a macro expansion: the function jumped to. */
function tailJumpTarget(expanded: string): string | null {
  const text = expanded.replace(/"\s*"/g, '');
  const named = /\bjmp\s+%c\[(\w+)\]/.exec(text);
  if (named) return new RegExp(`\\[${named[1]}\\]\\s*"i"\\s*\\(\\s*([A-Za-z_]\\w*)\\s*\\)`).exec(text)?.[1] ?? null;
  const numbered = /\bjmp\s+%c(\d+)/.exec(text);
  if (!numbered) return null;
  const operands = [...text.matchAll(/"[=&+]*[a-zA-Z]+"\s*\(\s*([^()]*(?:\([^()]*\))?[^()]*)\)/g)].map((x) => x[1].trim());
  const op = operands[Number(numbered[1])];
  return op && /^[A-Za-z_]\w*$/.test(op) ? op : null;
}
