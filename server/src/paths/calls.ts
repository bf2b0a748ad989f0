/**
 * Interprocedural: a symbol reached by call or jump is walked (asm or C), memoised by its
 * arguments and machine states, or skipped when the relevance summary says it changes nothing.
 */
import { loadedTables } from '../effects/idt-tables';
import type { CFunction } from '../index/c-index';
import type { Range, TableRef } from '../model/types';
import type { SyntaxNode } from '../parse/syntax';
import { isRelevant } from '../summaries/relevance';
import { calleeFacts, callsInit, namesTable } from './callee-facts';
import { slotName } from './apply';
import type { Ctx } from './context';
import { walkAsm } from './drive-asm';
import { walkC } from './drive-c';
import { MAX_DEPTH } from './limits';
import { asmCall, beginTrace, endTrace, firstRead, replay, traceHolds } from './replay';
import { type State, stateKey } from './state';
import { type CallOut, type MemoEntry, outsSig } from './traces';
import { type Val, valKey } from './values';
import type { PathWalker } from './walker';

/** Walks a symbol reached by call or jump. Returns the contexts that come back (for calls). */
export function walkSymbol(w: PathWalker, sym: string, ctxs: Ctx[], from: { file: string; range: Range } | null, mode: 'top' | 'sub', args: (Val | undefined)[] = []): Ctx[] {
  if (w.callStack.includes(sym) || ctxs.length === 0) return ctxs;
  if (w.callStack.length > MAX_DEPTH) { if (from) w.depthLimit(sym, from.range); return ctxs; }
  const label = w.index.asmLabels.get(sym);
  if (label && !/^(\.init)?\.?data|rodata|bss/.test(label.section)) {
    const walk = (): Ctx[] => w.enter(sym, from, () => walkAsm(w, label.unit, label.pos, ctxs, mode));
    return from ? asmCall(w, `${sym}|${mode}`, w.linkFrom(sym, from.range), ctxs, walk) : walk();
  }
  const fn = w.index.pickFunction(sym, from?.file);
  if (fn) {
    if (mode === 'sub' && !worthWalking(w, sym, from?.file, fn, args, ctxs)) return ctxs;
    const writer = w.writer;
    const key = `${fn.file}:${sym}|${args.map(valKey).join(',')}|${ctxs.map((c) => stateKey(c.st)).join(';')}${writer ? `@${writer.range.file}:${writer.range.line}:${writer.range.column}` : ''}`;
    const known = w.memo.get(key);
    const caller = ctxs[0];
    if (known) {
      if (w.recording && firstRead(w, (o) => o.found, known)) w.log.push({ k: 'hit', key, sig: outsSig(known) });
      const back = known.outs.map((k) => resume(caller, k));
      if (from && changedStates(ctxs, back)) {
        w.chain.push(w.linkFrom(sym, from.range));
        w.record({ kind: 'call', callee: sym, text: `${sym}() (as before)` }, from.range, ctxs, back);
        w.chain.pop();
      }
      return back;
    }
    const old = w.previous?.get(key);
    if (old && traceHolds(w, old, from)) return replay(w, old, sym, from, ctxs);
    w.counts.walked++;
    if (w.recording) { w.log.push({ k: 'miss', key }); beginTrace(w, key, from); }
    const walked = w.enter(sym, from, () => walkC(w, fn, args, ctxs));
    // Every path through it ended (error exits, loops the engine cannot bound): unless it is
    // declared noreturn, the function does return, with what the engine saw at worst unknown.
    const fellBack = walked !== null && walked.length === 0 && mode === 'sub' && !w.index.noreturn.has(sym);
    const out = walked === null ? ctxs : fellBack ? ctxs.map((c) => ({ ...c, ret: undefined })) : walked.map((o) => resume(caller, o));
    const entry: MemoEntry = { outs: walked !== null && !fellBack ? walked : out.map((o) => ({ st: o.st, ret: o.ret })) };
    w.memo.set(key, entry);
    if (w.recording) endTrace(w, entry, fellBack);
    return out;
  }
  if (from) w.noteUnresolved(sym, from.range);
  return ctxs;
}

/**
 * Did a call change the machine states it was given? As sets: paths come back in their own
 * order and number (split by its branches, merged again), which is no change of state.
 */
function changedStates(before: readonly Ctx[], after: readonly Ctx[]): boolean {
  const was = new Set(before.map((c) => stateKey(c.st)));
  return after.some((c) => !was.has(stateKey(c.st)));
}

/** A function's syntax; a recorded call depends on it. */
export function syntaxOf(w: PathWalker, fn: CFunction): SyntaxNode | null {
  noteRead(w, fn);
  return w.index.functionNode(fn);
}

/** A recorded call read a function's definition (its syntax, or its text): it depends on it. */
export function noteRead(w: PathWalker, fn: CFunction): void {
  if (w.recording && firstRead(w, (o) => o.read, fn)) w.log.push({ k: 'read', fn, fileText: w.index.texts.get(fn.file) ?? '' });
}

/**
 * The summary that decides whether a callee is walked; a recorded call depends on it and on the
 * rest of what the callee's definition tells `worthWalking` (callee-facts.ts).
 */
export function relevant(w: PathWalker, sym: string, from: string | undefined, fn: CFunction): boolean {
  const is = isRelevant(w.index, w.hints, fn);
  // the same name from the same file picks the same function in any index with these workspace-wide facts
  if (w.recording && firstRead(w, (o) => o.asked, fn)) w.log.push({ k: 'relevant', sym, from, facts: calleeFacts(w.index, w.hints, fn), picked: { fn, lineage: w.index.lineage, version: w.index.version } });
  return is;
}

/**
 * Is a callee walked? When it may change boot state (the relevance summary), when it is handed
 * what a gate write needs, or once init memory is freed, when it calls init code itself: what
 * it calls then (`if (system_state != SYS_STATE_early_boot) ... else alloc_boot_pages()`) is
 * decided by the state the path left, and TL004 reads the calls it made (not the ones it could make).
 */
export function worthWalking(w: PathWalker, sym: string, from: string | undefined, fn: CFunction, args: readonly (Val | undefined)[], ctxs: readonly Ctx[]): boolean {
  if (relevant(w, sym, from, fn) || mayWriteGates(w, fn, args, ctxs[0]?.st)) return true;
  return ctxs.some((c) => c.st.initFreed) && !w.index.isInit(sym, fn.file) && callsInit(w.index, fn);
}

/**
 * Is a callee the relevance summary passed over handed what a gate write needs? Gate memory
 * (`write_gate(&idt_table[v], h, 0)`), or a code address while it indexes a table
 * (`set_intr_gate(v, h)`): what it stores there is decoded when it is walked, whatever its name.
 */
export function mayWriteGates(w: PathWalker, fn: CFunction, args: readonly (Val | undefined)[], st: State | undefined): boolean {
  // memory of an IDT: a table some descriptor names, or a gate of one (not any array: `memset(buf, ...)`)
  // or this CPU's slot of a per-CPU array that holds one (`idt_tables[0] = idt_table`, or its own copy)
  const idts = loadedTables(w.index);
  // or another CPU's slot of an array that the tree fills with copies of one (`memcpy(idt_tables[cpu], idt_table, ...)`)
  const table = (r: TableRef): boolean => r.kind === 'symbol' ? idts.has(r.name)
    : r.kind === 'percpu' ? st !== undefined && (st.percpu.has(r.name) || st.tables.has(`${r.name}[${w.role.name}]`))
    : r.kind === 'unknown' && copiedSlot(w, slotName(r.text, w.index));
  if (args.some((a) => (a?.k === 'gate' && (a.ref.kind !== 'symbol' || idts.has(a.ref.name))) || (a?.k === 'table' && table(a.ref)))) return true;
  // or a handler's address (alone, or in a record: `{ .vector = 2, .addr = nmi }`) while it indexes a
  // table, or fills a struct of the caller's (the gate being built: `idt_init_desc(&desc, t)`)
  const isCode = (a: Val | undefined): boolean => a?.k === 'element' || (a?.k === 'addr' && (w.index.functions.has(a.sym) || w.index.asmLabels.has(a.sym) || !w.index.variable(a.sym)));
  const code = args.some((a) => isCode(a) || (a?.k === 'struct' && [...a.fields.values()].some(isCode)) || (a?.k === 'recs' && a.items.some((r) => r.k === 'struct' && [...r.fields.values()].some(isCode))));
  return code && (namesTable(w.index, fn) || args.some((a) => a?.k === 'struct' && a.of !== undefined));
}

/** A per-CPU slot array that the tree fills with copies of a table: its slots are gate memory. */
function copiedSlot(w: PathWalker, slot: string | null): boolean {
  return slot !== null && w.index.copyRecipes.some((c) => slotName(c.dst, w.index) === slot);
}

/** Back in the caller: its locals (with what the callee stored into them through pointers), the callee's machine state and return value. */
export function resume(caller: Ctx | undefined, o: CallOut): Ctx {
  let vals: ReadonlyMap<string, Val> = caller?.vals ?? new Map();
  if (o.writes && o.writes.size > 0) { const m = new Map(vals); for (const [k, v] of o.writes) m.set(k, v); vals = m; }
  return { st: o.st, ret: o.ret, vals, stack: caller?.stack ?? [], flags: null };
}
