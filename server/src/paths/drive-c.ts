/**
 * The structural walk of C statements: blocks, branches, loops, switch, return.
 */
import type { CFunction } from '../index/c-index';
import type { SyntaxNode } from '../parse/syntax';
import { assign } from './c-assign';
import { walkCall } from './c-calls';
import { inlineAsm } from './c-inline-asm';
import { syntaxOf } from './calls';
import { type Ctx, type Flow, dedupe, flow, withLocal } from './context';
import { evalC } from './eval-c';
import { MAX_NESTING } from './limits';
import { type Val, truth } from './values';
import type { PathWalker } from './walker';
import { decideDirective, PREDEFINED_C_SET } from '../index/cpp-decide';
import type { CallOut } from './traces';

/**
 * A C function's body from its entry: what comes back, per path (machine state, return value, and
 * what it stored through pointers to the caller's locals); null when it has no body to walk.
 */
export function walkC(w: PathWalker, fn: CFunction, args: (Val | undefined)[], ctxs: Ctx[]): CallOut[] | null {
  // the clock is read at calls: between two, one function body at most
  if (w.timeUp()) { w.timeLimitAt(fn.range); return []; }
  const node = syntaxOf(w, fn);
  const body = node?.childForFieldName('body');
  if (!body) return null;
  const vals = new Map<string, Val>();
  fn.params.forEach((p, i) => { const a = args[i]; if (a) vals.set(p, a); });
  const entered = ctxs.map((c) => ({ ...c, vals, stack: [], flags: null }));
  const saved = w.condDepth;
  w.condDepth = 0;
  const f = execStmt(w, body, entered, fn);
  w.condDepth = saved;
  const out = dedupe([...f.normal, ...f.ret, ...f.brk, ...f.cont]);
  // parameters that point at a caller's local struct: their fields as the callee left them go back
  const refs: [string, string][] = [];
  fn.params.forEach((p, i) => { const a = args[i]; if (a?.k === 'struct' && a.of) refs.push([p, a.of]); });
  return out.map((c) => (refs.length === 0 ? { st: c.st, ret: c.ret } : { st: c.st, ret: c.ret, writes: writesBack(c.vals, refs) }));
}

/** The callee's fields of each pointer parameter (`gate.offset_low`), as the caller's local's (`desc.offset_low`). */
function writesBack(vals: ReadonlyMap<string, Val>, refs: readonly [string, string][]): ReadonlyMap<string, Val> {
  const out = new Map<string, Val>();
  for (const [param, local] of refs) for (const [k, v] of vals) if (k.startsWith(`${param}.`)) out.set(`${local}${k.slice(param.length)}`, v);
  return out;
}

export function execStmt(w: PathWalker, n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Flow {
  if (ctxs.length === 0 || w.expired) return flow();
  if (w.nesting >= MAX_NESTING) { w.nestingLimit(n, fn); return flow(ctxs); }
  if (++w.nesting > w.peak) w.peak = w.nesting;
  try { return execStmtInner(w, n, ctxs, fn); } finally { w.nesting--; }
}

function execStmtInner(w: PathWalker, n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Flow {
  switch (n.type) {
    case 'compound_statement': case 'translation_unit': {
      const acc = flow();
      let cur = ctxs;
      let narrowed: { name: string; drop: number[] } | null = null;
      for (const c of n.namedChildren) {
        if (!c || cur.length === 0) break;
        if (narrowed) {
          const nv = narrowed;
          cur = cur.map((x) => { const v = x.vals.get(nv.name); if (v?.k !== 'range') return x; const vals = new Map(x.vals); vals.set(nv.name, { k: 'range', vs: v.vs.filter((q) => !nv.drop.includes(q)) }); return { ...x, vals }; });
          narrowed = null;
        }
        const skip = continueGuard(c, cur[0], w);
        if (skip) { narrowed = skip; continue; }
        const r = execStmt(w, c, cur, fn);
        acc.ret.push(...r.ret); acc.brk.push(...r.brk); acc.cont.push(...r.cont);
        cur = dedupe(r.normal);
      }
      acc.normal = cur;
      return acc;
    }
    case 'declaration': {
      let cur = ctxs;
      for (const d of n.childrenForFieldName('declarator')) {
        if (d && d.type !== 'init_declarator') {
          // a local without initializer still shadows any global of that name
          const name = innermostName(d);
          if (name) cur = cur.map((c) => withLocal(c, name, { k: 'unknown' }));
          continue;
        }
        if (d?.type !== 'init_declarator') continue;
        const id = d.childForFieldName('declarator');
        const value = d.childForFieldName('value');
        const name = id ? innermostName(id) : null;
        if (!name || !value) continue;
        cur = execExpr(w, value, cur, fn);
        cur = cur.map((c) => withLocal(c, name, evalC(w, value, c, fn) ?? { k: 'unknown' }));
      }
      return flow(cur);
    }
    case 'expression_statement': {
      const e = n.namedChildren[0];
      return flow(e ? execExpr(w, e, ctxs, fn) : ctxs);
    }
    case 'if_statement': {
      const cond = n.childForFieldName('condition');
      const t: Ctx[] = [], f: Ctx[] = [];
      let cur = cond ? execExpr(w, cond, ctxs, fn) : ctxs;
      cur = cur.map((c) => ({ ...c, ret: undefined }));
      const cons = n.childForFieldName('consequence');
      const alt = n.childForFieldName('alternative');
      // the role's `via` symbols decide a branch the engine cannot: take the side that reaches them
      const via = w.role.via ?? [];
      const names = (t: string | undefined): boolean => via.some((v) => (t ?? '').match(/[A-Za-z_]\w*/g)?.includes(v) ?? false);
      const viaSide = via.length === 0 ? undefined : names(cons?.text) ? true : names(alt?.text) ? false : undefined;
      for (const c of cur) {
        const v = (cond ? truth(evalC(w, cond, c, fn)) : undefined) ?? viaSide;
        if (v !== false) t.push(c);
        if (v !== true) f.push(c);
      }
      w.condDepth++;
      const a = cons ? execStmt(w, cons, t, fn) : flow(t);
      const altBody = alt?.type === 'else_clause' ? alt.namedChildren[0] : alt;
      const b = altBody ? execStmt(w, altBody, f, fn) : flow(f);
      w.condDepth--;
      return { normal: dedupe([...a.normal, ...b.normal]), ret: [...a.ret, ...b.ret], brk: [...a.brk, ...b.brk], cont: [...a.cont, ...b.cont] };
    }
    case 'for_statement': {
      let cur = ctxs;
      const init = n.childForFieldName('initializer');
      // `for (va = __init_begin; va < __init_end; va += PAGE_SIZE) clear_page(va)`: init memory is wiped here
      const header = `${init?.text ?? ''};${n.childForFieldName('condition')?.text ?? ''}`;
      if (w.hints.initBoundarySymbols.some((b) => new RegExp(`\\b${b}\\b`).test(header))) {
        const text = n.text.split('\n').slice(0, 2).map((l) => l.trim()).join(' ').slice(0, 100);
        cur = w.apply({ kind: 'free-init', text }, w.rangeIn(fn, n), cur);
      }
      if (init) cur = init.type === 'declaration' ? execStmt(w, init, cur, fn).normal : execExpr(w, init, cur, fn);
      const body = n.childForFieldName('body');
      const records = recordWalk(n, cur[0]);
      if (records && body) return walkRecords(w, body, records, cur, fn);
      const loop = loopRange(n, w);
      if (loop) cur = cur.map((c) => { const vals = new Map(c.vals); vals.set(loop.name, { k: 'range', vs: loop.vs }); return { ...c, vals }; });
      const r = body ? execStmt(w, body, cur, fn) : flow(cur);
      const forever = n.childForFieldName('condition') === null;
      // with constant bounds and at least one iteration, the body certainly runs
      const skipped = loop && loop.vs.length > 0 ? [] : cur;
      let out = dedupe(forever ? r.brk : [...skipped, ...r.normal, ...r.brk, ...r.cont]);
      if (loop) out = out.map((c) => { const vals = new Map(c.vals); vals.delete(loop.name); return { ...c, vals }; });
      return { ...flow(out), ret: r.ret };
    }
    case 'while_statement': case 'do_statement': {
      const body = n.childForFieldName('body');
      const r = body ? execStmt(w, body, ctxs, fn) : flow(ctxs);
      // `for (;;)` / `while (1)` without break never falls out
      const cond = n.childForFieldName('condition');
      const forever = cond ? truth(evalC(w, cond, ctxs[0], fn)) === true : false;
      const skipped = n.type === 'do_statement' ? [] : ctxs; // a do-while body runs at least once
      return { ...flow(dedupe(forever ? r.brk : [...skipped, ...r.normal, ...r.brk, ...r.cont])), ret: r.ret };
    }
    case 'switch_statement': {
      const body = n.childForFieldName('body');
      const acc = flow([...ctxs]);
      w.condDepth++;
      for (const c of body?.namedChildren ?? []) {
        if (c?.type !== 'case_statement') continue;
        let cur = ctxs;
        for (const s of c.namedChildren) {
          if (!s || s.id === c.childForFieldName('value')?.id) continue;
          const r = execStmt(w, s, cur, fn);
          acc.ret.push(...r.ret); acc.normal.push(...r.brk);
          cur = r.normal;
        }
        acc.normal.push(...cur);
      }
      w.condDepth--;
      acc.normal = dedupe(acc.normal);
      return acc;
    }
    case 'return_statement': {
      const e = n.namedChildren[0];
      let cur = e ? execExpr(w, e, ctxs, fn) : ctxs;
      cur = cur.map((c) => ({ ...c, ret: e ? evalC(w, e, c, fn) : undefined }));
      return { normal: [], ret: cur, brk: [], cont: [] };
    }
    case 'break_statement': return { normal: [], ret: [], brk: ctxs, cont: [] };
    case 'continue_statement': return { normal: [], ret: [], brk: [], cont: ctxs };
    case 'goto_statement': return { normal: [], ret: ctxs, brk: [], cont: [] };
    case 'labeled_statement': {
      const s = n.namedChildren[n.namedChildren.length - 1];
      return s ? execStmt(w, s, ctxs, fn) : flow(ctxs);
    }
    case 'function_definition': {
      // `for_each_present_cpu ( i ) { ... }` inside a body: tree-sitter-c sees a nested
      // definition; it is a macro loop, whose body runs zero or more times
      const body = n.childForFieldName('body');
      if (!body) return flow(ctxs);
      const r = execStmt(w, body, ctxs, fn);
      return { ...flow(dedupe([...ctxs, ...r.normal, ...r.brk, ...r.cont])), ret: r.ret };
    }
    case 'preproc_if': case 'preproc_ifdef': {
      // the branch the tree's kernel configuration builds; undecided (or no configuration): the first
      const branch = builtBranch(w, n);
      const acc = flow();
      let cur = ctxs;
      if (!branch) return flow(ctxs);
      for (const c of branch.namedChildren) {
        if (!c || c.type === 'preproc_else' || c.type === 'preproc_elif' || c.type === 'preproc_elifdef') break;
        if (c.id === branch.childForFieldName('condition')?.id || c.id === branch.childForFieldName('name')?.id) continue;
        const r = execStmt(w, c, cur, fn);
        acc.ret.push(...r.ret); acc.brk.push(...r.brk); acc.cont.push(...r.cont);
        cur = r.normal;
      }
      acc.normal = cur;
      return acc;
    }
    default: return flow(ctxs);
  }
}

/** Runs the side effects of an expression: calls, assignments, inline asm. */
export function execExpr(w: PathWalker, n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
  if (ctxs.length === 0) return ctxs;
  if (w.nesting >= MAX_NESTING) { w.nestingLimit(n, fn); return ctxs; }
  if (++w.nesting > w.peak) w.peak = w.nesting;
  try { return execExprInner(w, n, ctxs, fn); } finally { w.nesting--; }
}

function execExprInner(w: PathWalker, n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
  switch (n.type) {
    case 'call_expression': return walkCall(w, n, ctxs, fn);
    case 'gnu_asm_expression': return inlineAsm(w, n, ctxs, fn);
    case 'assignment_expression': {
      const rhs = n.childForFieldName('right');
      const cur = rhs ? execExpr(w, rhs, ctxs, fn) : ctxs;
      return assign(w, n, cur, fn);
    }
    case 'compound_statement': return execStmt(w, n, ctxs, fn).normal;
    case 'comma_expression': case 'parenthesized_expression': case 'cast_expression': case 'binary_expression': case 'unary_expression': case 'conditional_expression': case 'argument_list': {
      let cur = ctxs;
      for (const c of n.namedChildren) if (c) cur = execExpr(w, c, cur, fn);
      return cur;
    }
    default: return ctxs;
  }
}

function innermostName(n: SyntaxNode): string | null {
  let cur: SyntaxNode | null = n;
  while (cur && cur.type !== 'identifier') cur = cur.childForFieldName('declarator') ?? cur.namedChildren[0] ?? null;
  return cur?.text ?? null;
}

/** `for (v = A; v < B; v++)` with constant bounds: the values v takes. */
function loopRange(n: SyntaxNode, w: PathWalker): { name: string; vs: number[] } | null {
  const init = n.childForFieldName('initializer');
  const cond = n.childForFieldName('condition');
  if (!init || !cond || cond.type !== 'binary_expression') return null;
  const m = /^(?:\w+\s+)?(\w+)\s*=\s*(.+?);?$/.exec(init.text.trim());
  if (!m) return null;
  const idx = w.index;
  const from = idx.macros.evaluate(m[2]);
  const op = cond.childForFieldName('operator')?.text;
  const to = idx.macros.evaluate(cond.childForFieldName('right')?.text ?? '');
  if (from === undefined || to === undefined || cond.childForFieldName('left')?.text !== m[1]) return null;
  const end = op === '<=' ? to + 1n : op === '<' || op === '!=' ? to : null;
  if (end === null || end - from > 4096n || end < from) return null;
  return { name: m[1], vs: Array.from({ length: Number(end - from) }, (_, i) => Number(from) + i) };
}

/** `if (v == A || v == B) continue;` inside a loop over v: those values skip the rest of the body. */
function continueGuard(stmt: SyntaxNode, c: Ctx | undefined, w: PathWalker): { name: string; drop: number[] } | null {
  if (stmt.type !== 'if_statement' || !c) return null;
  const cons = stmt.childForFieldName('consequence');
  const isContinue = cons?.type === 'continue_statement' || (cons?.type === 'compound_statement' && cons.namedChildCount === 1 && cons.namedChildren[0]?.type === 'continue_statement');
  if (!isContinue || stmt.childForFieldName('alternative')) return null;
  const cond = stmt.childForFieldName('condition')?.text.replace(/^\(|\)$/g, '') ?? '';
  const terms = cond.split('||').map((t) => /^\s*\(?\s*(\w+)\s*==\s*([^)]+?)\s*\)?\s*$/.exec(t));
  if (terms.some((t) => !t)) return null;
  const name = terms[0]?.[1] ?? '';
  if (c.vals.get(name)?.k !== 'range' || terms.some((t) => t?.[1] !== name)) return null;
  const idx = w.index;
  const drop = terms.map((t) => idx.macros.evaluate(t?.[2] ?? ''));
  if (drop.some((d) => d === undefined)) return null;
  return { name, drop: drop.map((d) => Number(d)) };
}

/**
 * `for (; size > 0; t++, size--)` with `t` pointing at a table's records (or at one local record):
 * the pointer the loop steps, and the records it visits, in order.
 */
function recordWalk(n: SyntaxNode, c: Ctx | undefined): { name: string; items: readonly Val[] } | null {
  const update = n.childForFieldName('update')?.text ?? '';
  if (!c || !update.includes('++')) return null;
  for (const m of update.matchAll(/\b([A-Za-z_]\w*)\s*\+\+|\+\+\s*([A-Za-z_]\w*)/g)) {
    const name = m[1] ?? m[2];
    const v = c.vals.get(name);
    if (v?.k === 'recs') return { name, items: v.items };
    if (v?.k === 'struct' && v.of) return { name, items: [v] };
  }
  return null;
}

/** The loop's body once per record, in order, with the pointer at that record. */
function walkRecords(w: PathWalker, body: SyntaxNode, records: { name: string; items: readonly Val[] }, ctxs: Ctx[], fn: CFunction): Flow {
  const acc = flow();
  let cur = ctxs;
  for (const item of records.items) {
    if (cur.length === 0) break;
    const r = execStmt(w, body, cur.map((c) => withLocal(c, records.name, item)), fn);
    acc.ret.push(...r.ret);
    acc.normal.push(...r.brk);
    cur = dedupe([...r.normal, ...r.cont]);
  }
  acc.normal = dedupe([...acc.normal, ...cur]).map((c) => withLocal(c, records.name, { k: 'unknown' }));
  return acc;
}

/**
 * The branch of an `#if` chain the configuration builds: the first whose condition holds, the
 * `#else`, or none; a condition it cannot decide (or a tree without a configuration) takes that
 * branch, as every tree's first branch was read before.
 */
function builtBranch(w: PathWalker, n: SyntaxNode): SyntaxNode | null {
  const config = w.index.kernelConfig?.config ?? null;
  if (!config) return n;
  for (let cur: SyntaxNode | null = n; cur; cur = cur.childForFieldName('alternative')) {
    if (cur.type === 'preproc_else') return cur;
    const ifdef = cur.type === 'preproc_ifdef' || cur.type === 'preproc_elifdef';
    const text = (ifdef ? cur.childForFieldName('name') : cur.childForFieldName('condition'))?.text ?? '';
    const directive = ifdef ? (/^#\s*(el)?ifndef/.test(cur.text) ? 'ifndef' : 'ifdef') : cur.type === 'preproc_elif' ? 'elif' : 'if';
    const v = decideDirective(directive, text, w.index.macros, config, PREDEFINED_C_SET);
    if (v !== false) return cur;
  }
  return null;
}
