/**
 * Traces of walked calls and their re-use: an assembler call met again, and an edit's re-walk
 * replaying the calls whose reads still hold.
 */
import type { CFunction } from '../index/c-index';
import type { ChainLink, LimitHit, Range } from '../model/types';
import { resume } from './calls';
import { type Ctx, ctxKey } from './context';
import { MAX_CALLS, MAX_NESTING, MAX_UNRESOLVED } from './limits';
import type { CallSite, Step } from './steps';
import { type Cap, type MemoEntry, type Trace, type TraceEvent, readsHold } from './traces';
import type { PathWalker } from './walker';

/**
 * A trace being recorded: where it began, and what it has read so far (a read asked again
 * answers as it did the first time, so it is logged once per trace; a finished call's reads
 * count for its caller).
 */
export interface OpenTrace {
  t: Trace; seq: number; calls: number; unresolvedSets: number; siteWrites: number; peak: number;
  read: Set<CFunction>; asked: Set<CFunction>; found: Set<MemoEntry>;
}

/**
 * What walking an assembler call did, to do again when the same call is met again (see asmCall):
 * its steps, call sites, notes and log slice, relative to where it began, and the contexts back.
 */
export interface AsmRecord {
  firstStep: number; chainLength: number; firstSeq: number; seqSpan: number; peak: number;
  steps: Step[]; calls: CallSite[]; unresolved: [string, Range][]; limits: LimitHit[]; log: TraceEvent[]; outs: Ctx[];
}

/**
 * An assembler call (`target` with the caller's contexts, registers and stack included): a
 * third meeting of the same call does again what the second did, without walking it (a first
 * and a second walk may differ: C calls walked in the first are met as before in the second).
 * A call that wrote gates (their states hold step numbers), started the APs, met a cap or the
 * time limit is walked every time.
 */
export function asmCall(w: PathWalker, target: string, link: ChainLink, ctxs: Ctx[], walk: () => Ctx[]): Ctx[] {
  const key = `${target}|${w.callStack.join(',')}|${w.nesting}|${w.startApsAt === null}|${ctxs.map(ctxKey).join(';')}`;
  const known = w.asmCalls.get(key);
  if (known && w.calls.length + known.calls.length < MAX_CALLS && w.unresolved.size + known.unresolved.length < MAX_UNRESOLVED) return redoAsmCall(w, known, link);
  if (known === undefined) { w.asmCalls.set(key, null); return walk(); }
  const r: AsmRecord = { firstStep: w.steps.length, chainLength: w.chain.length, firstSeq: w.seq, seqSpan: 0, peak: 0, steps: [], calls: [], unresolved: [], limits: [], log: [], outs: [] };
  const calls = w.calls.length, noted = w.noted.length, limits = w.limits.length, log = w.log.length;
  const writes = w.siteWrites, aps = w.startApsAt, peak = w.peak;
  w.peak = w.nesting;
  const out = walk();
  r.peak = w.peak - w.nesting;
  w.peak = Math.max(peak, w.peak);
  if (w.siteWrites !== writes || w.startApsAt !== aps || w.expired || w.calls.length >= MAX_CALLS || w.unresolved.size >= MAX_UNRESOLVED) return out;
  r.steps = w.steps.slice(r.firstStep);
  r.calls = w.calls.slice(calls);
  r.unresolved = w.noted.slice(noted);
  r.limits = w.limits.slice(limits);
  r.log = w.log.slice(log);
  r.seqSpan = w.seq - r.firstSeq;
  r.outs = out;
  w.asmCalls.set(key, r);
  return out;
}

/** Does again what a recorded assembler call did, under the current caller. */
function redoAsmCall(w: PathWalker, r: AsmRecord, link: ChainLink): Ctx[] {
  const shift = w.steps.length - r.firstStep, seq = w.seq - r.firstSeq;
  for (const s of r.steps) {
    const chain = [...w.chain, link, ...s.chain.slice(r.chainLength + 1)];
    w.steps.push({ ...s, index: s.index + shift, seq: s.seq + seq, chain, depth: chain.length });
  }
  for (const c of r.calls) w.calls.push(seq === 0 ? c : { ...c, seq: c.seq + seq });
  w.seq += r.seqSpan;
  w.peak = Math.max(w.peak, w.nesting + r.peak);
  if (w.recording) for (const e of r.log) w.log.push(e);
  for (const [sym, range] of r.unresolved) { w.unresolved.set(sym, range); w.noted.push([sym, range]); if (w.recording) w.unresolvedSets++; }
  for (const h of r.limits) w.noteLimit(h, true);
  return r.outs;
}

/** True the first time the innermost trace reads this (outside every trace nothing is logged). */
export function firstRead<T>(w: PathWalker, set: (o: OpenTrace) => Set<T>, what: T): boolean {
  const o = w.open[w.open.length - 1];
  if (!o) return false;
  const seen = set(o);
  if (seen.has(what)) return false;
  seen.add(what);
  return true;
}

export function beginTrace(w: PathWalker, key: string, from: { range: Range } | null): void {
  const t: Trace = {
    key, stack: [...w.callStack], chainLength: w.chain.length, top: from === null, macroSite: w.macroSite, nesting: w.nesting, peak: 0,
    firstStep: w.steps.length, writesSites: false, firstSeq: w.seq, seqSpan: 0, steps: [], calls: [], log: w.log, from: w.log.length, to: 0,
    unresolvedSets: 0, children: [], entry: { outs: [] }, fellBack: false, callsAtStart: w.calls.length, unresolvedCountAtStart: w.unresolved.size, unresolvedAtStart: null,
  };
  w.open.push({ t, seq: w.seq, calls: w.calls.length, unresolvedSets: w.unresolvedSets, siteWrites: w.siteWrites, peak: w.peak, read: new Set(), asked: new Set(), found: new Set() });
  w.peak = w.nesting;
}

export function endTrace(w: PathWalker, entry: MemoEntry, fellBack: boolean): void {
  const o = w.open.pop();
  if (!o) return;
  const t = o.t;
  t.steps = w.steps.slice(t.firstStep);
  t.calls = w.calls.slice(o.calls);
  t.seqSpan = w.seq - o.seq;
  t.to = w.log.length;
  t.unresolvedSets = w.unresolvedSets - o.unresolvedSets;
  t.writesSites = w.siteWrites > o.siteWrites;
  t.peak = w.peak - t.nesting;
  w.peak = Math.max(o.peak, w.peak);
  t.entry = entry;
  t.fellBack = fellBack;
  // (the targets noted before it are the first ones of the walk's map: it only grows; below the
  // cap now, it was not met inside)
  if (w.unresolved.size >= MAX_UNRESOLVED && metInside(t, 'unresolved')) t.unresolvedAtStart = [...w.unresolved.keys()].slice(0, t.unresolvedCountAtStart);
  const caller = w.open[w.open.length - 1];
  if (caller) {
    for (const f of o.read) caller.read.add(f);
    for (const f of o.asked) caller.asked.add(f);
    for (const m of o.found) caller.found.add(m);
  }
  adopt(w, t);
}

/** A finished trace (recorded or re-used) joins this walk's traces and its caller's children. */
function adopt(w: PathWalker, t: Trace): void {
  w.open[w.open.length - 1]?.t.children.push(t);
  w.traces.set(t.key, t);
}

/**
 * Would walking this call again do exactly what the trace did? Its key already says same
 * function, arguments and machine states; the rest of what it read must answer the same:
 * the walker state it began in, the syntax of every function it entered, every relevance
 * summary it asked, every memoised call it found or did not find.
 */
export function traceHolds(w: PathWalker, t: Trace, from: { range: Range } | null): boolean {
  // a call that wrote gates left its step numbers in the tables: it holds only at the same step
  if ((t.writesSites && t.firstStep !== w.steps.length) || t.top !== (from === null)) return false;
  if (t.stack.length !== w.callStack.length || t.stack.some((s, i) => s !== w.callStack[i])) return false;
  const m = w.macroSite, n = t.macroSite;
  if (m !== n && (!m || !n || m.file !== n.file || m.line !== n.line || m.column !== n.column || m.endLine !== n.endLine || m.endColumn !== n.endColumn)) return false;
  if (t.nesting !== w.nesting && Math.max(t.nesting, w.nesting) + t.peak >= MAX_NESTING) return false;
  // from the same counts, the call records the same and meets the caps at the same places
  // (Linux's boot reaches both; the calls around the place where it does are replayed then too)
  const sameCalls = w.calls.length === t.callsAtStart;
  const was = t.unresolvedAtStart;
  const sameUnresolved = was !== null && was.length === w.unresolved.size && was.every((s) => w.unresolved.has(s));
  if (!sameUnresolved && !underUnresolvedCap(w, t)) return false;
  if (t.calls.length > 0 && w.calls.length + t.calls.length >= MAX_CALLS && !sameCalls) return false;
  // a cap met inside holds from the same counts, or when it was reached before the call, as it is now
  const capsHold = capsOf(sameCalls || (t.callsAtStart >= MAX_CALLS && w.calls.length >= MAX_CALLS),
    sameUnresolved || (t.unresolvedCountAtStart >= MAX_UNRESOLVED && w.unresolved.size >= MAX_UNRESOLVED));
  return readsHold(t, w.index, w.hints, w.memo, w.startApsAt, capsHold);
}

/** Did the call meet this cap inside (its log says so)? */
function metInside(t: Trace, cap: Cap): boolean {
  for (let i = t.from; i < t.to; i++) { const e = t.log[i]; if (e.k === 'capped' && e.cap === cap) return true; }
  return false;
}

/** A set of caps (none, the usual answer at every walked call, is not a new set). */
function capsOf(calls: boolean, unresolved: boolean): ReadonlySet<Cap> {
  if (!calls && !unresolved) return NO_CAPS;
  const out = new Set<Cap>();
  if (calls) out.add('calls');
  if (unresolved) out.add('unresolved');
  return out;
}
const NO_CAPS: ReadonlySet<Cap> = new Set();

/**
 * Would each unresolved call of the trace still be noted (the set below its cap when it is met)?
 * A call through a pointer already in the set does not grow it: a walk near the cap (Linux's
 * boot reaches it) re-uses every call that meets only such targets, not none.
 */
function underUnresolvedCap(w: PathWalker, t: Trace): boolean {
  if (w.unresolved.size + t.unresolvedSets < MAX_UNRESOLVED) return true;
  let size = w.unresolved.size;
  const added = new Set<string>();
  for (let i = t.from; i < t.to; i++) {
    const e = t.log[i];
    if (e.k !== 'unresolved') continue;
    if (size >= MAX_UNRESOLVED) return false;
    if (!w.unresolved.has(e.sym) && !added.has(e.sym)) { added.add(e.sym); size++; }
  }
  return true;
}

/** Does again what a holding trace did: its steps and call sites under this caller, its memoised calls, its notes. */
export function replay(w: PathWalker, t: Trace, sym: string, from: { range: Range } | null, ctxs: Ctx[]): Ctx[] {
  w.counts.reused++;
  if (w.recording) {
    w.log.push({ k: 'miss', key: t.key });
    for (let i = t.from; i < t.to; i++) w.log.push(t.log[i]);
  }
  const prefix = [...w.chain];
  if (from) prefix.push(w.linkFrom(sym, from.range));
  const skip = t.chainLength + (t.top ? 0 : 1);
  const seq = w.seq - t.firstSeq;
  const shift = w.steps.length - t.firstStep;
  for (const s of t.steps) {
    // a step reported at a writer's call site has the chain of that call's caller: as deep
    // below this caller's chain as it was below the trace's
    const chain = s.chain.length < skip ? w.chain.slice(0, w.chain.length - (t.chainLength - s.chain.length)) : [...prefix, ...s.chain.slice(skip)];
    w.steps.push({ ...s, index: s.index + shift, seq: s.seq + seq, chain, depth: chain.length });
  }
  // call sites are never changed in place: unmoved ones are shared (a path holds thousands)
  if (seq === 0) for (const c of t.calls) w.calls.push(c);
  else for (const c of t.calls) w.calls.push({ callee: c.callee, caller: c.caller, range: c.range, seq: c.seq + seq });
  w.seq += t.seqSpan;
  // what it did counts for the traces being recorded around it, as if it had been walked
  if (t.writesSites) w.siteWrites++;
  w.peak = Math.max(w.peak, w.nesting + t.peak);
  for (let i = t.from; i < t.to; i++) {
    const e = t.log[i];
    // (the events are in this walk's log already)
    if (e.k === 'unresolved') { w.unresolved.set(e.sym, e.range); w.noted.push([e.sym, e.range]); if (w.recording) w.unresolvedSets++; }
    else if (e.k === 'limit') w.noteLimit(e.hit, true, e.once);
    else if (e.k === 'aps' && e.first) { w.startApsAt = e.site + shift; w.apBase = e.base; }
  }
  // the calls under it were walked inside it, as they would be again
  const install = (x: Trace): void => { w.memo.set(x.key, x.entry); w.traces.set(x.key, x); x.children.forEach(install); };
  t.children.forEach(install);
  w.memo.set(t.key, t.entry);
  adopt(w, t);
  if (t.fellBack) return ctxs.map((c) => ({ ...c, ret: undefined }));
  const caller = ctxs[0];
  return t.entry.outs.map((o) => resume(caller, o));
}
