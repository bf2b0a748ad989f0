import type { ChainLink, CrValue, Effect, Handler, IdtDesc, LimitHit, Range, RoleConfig, TableRef } from '../model/types';
import type { Hints } from '../config';
import { closeness, isTableSymbol, type AsmUnit, type WorkspaceIndex } from '../index/index';
import type { CFunction } from '../index/c-index';
import { rangeOf } from '../index/c-index';
import { snapshot, type SyntaxNode } from '../parse/syntax';
import type { AsmStmt, Operand } from '../index/asm-index';
import { splitInlineAsm, namedOperandIndex, type InlineOperand } from '../effects/inline-asm';
import { systemInsn } from '../effects/insn';
import { vocabularyOf } from '../effects/vocabulary';
import { asmDescriptor, loadedTables } from '../effects/idt-tables';
import { cr4Readers, cr4Shadows } from '../effects/cr4-shadow';
import { isMemoryCopy } from '../effects/c-library';
import { isRelevant } from '../summaries/relevance';
import { crBits, setGate, stateKey, joinStates, type GateTables, type State } from './state';
import { seesLateWords } from '../model/roles';
import { outsSig, readsHold, type MemoEntry, type Trace, type TraceEvent } from './traces';
import type { CallSite, RolePath, Step, StepEffect } from './steps';
import { EMPTY_CR, asCr, identicalVal, orVals, sameVal, truth, valKey, vectorsOf, wordOf, type Val } from './values';
import { andWord, decodeLowGate, memWord, orWord, shiftWord, type Word } from '../effects/gate-word';

/** One path through the code: the machine state plus what the code's variables or registers hold. */
interface Ctx {
  st: State;
  vals: ReadonlyMap<string, Val>;
  stack: readonly Val[];
  flags: { reg: string; imm?: bigint } | null;
  ret?: Val;
}
interface Flow { normal: Ctx[]; ret: Ctx[]; brk: Ctx[]; cont: Ctx[] }

const MAX_CTXS = 6;
const MAX_DEPTH = 48;
/** Statement and expression nesting the walker follows; deeper code (generated, or hostile) is skipped as opaque. */
const MAX_NESTING = 200;
/** Unresolved call targets kept per path, and call sites: caps against generated code. */
const MAX_UNRESOLVED = 64;
const MAX_CALLS = 100000;
/** Assembler statements one walk of a unit follows. */
const ASM_BUDGET = 20000;
/** C calls and assembler statements between two looks at the clock. */
const CLOCK_EVERY = 256;
/** How the time limit's note begins (`time limit 10 s`). */
export const TIME_LIMIT = 'time limit';

/**
 * A trace being recorded: where it began, and what it has read so far (a read asked again
 * answers as it did the first time, so it is logged once per trace; a finished call's reads
 * count for its caller).
 */
interface OpenTrace {
  t: Trace; seq: number; calls: number; unresolvedSets: number; siteWrites: number; peak: number;
  read: Set<CFunction>; asked: Set<CFunction>; found: Set<MemoEntry>;
}

/**
 * What walking an assembler call did, to do again when the same call is met again (see asmCall):
 * its steps, call sites, notes and log slice, relative to where it began, and the contexts back.
 */
interface AsmRecord {
  firstStep: number; chainLength: number; firstSeq: number; seqSpan: number; peak: number;
  steps: Step[]; calls: CallSite[]; unresolved: [string, Range][]; limits: LimitHit[]; log: TraceEvent[]; outs: Ctx[];
}
const CALLER_SAVED = ['a', 'c', 'd', 'si', 'di', 'r8', 'r9', 'r10', 'r11'];

/** `%ebx`, `%bl`, `%rbx` -> `b`; `%r8d` -> `r8`. */
export function regFamily(r: string): string {
  const x = r.toLowerCase().replace(/^%/, '');
  let m = /^r(\d+)[dwb]?$/.exec(x);
  if (m) return `r${m[1]}`;
  m = /^[re]?([abcd])[xlh]$/.exec(x);
  if (m) return m[1];
  m = /^[re]?(si|di|sp|bp)l?$/.exec(x);
  if (m) return m[1];
  return x;
}

/** TRAPLINE_TRACE=1: every assembler statement walked and every gate write, on stderr (read once: `process.env` is slow to ask). */
const TRACE = process.env.TRAPLINE_TRACE !== undefined;

/** Same locals, stack and flags: the same values in the same order, compared without making keys. */
function sameLocals(a: Ctx, b: Ctx): boolean {
  return sameVals(a.vals, b.vals) && sameStack(a.stack, b.stack)
    && (a.flags === b.flags || (a.flags !== null && b.flags !== null && a.flags.reg === b.flags.reg && a.flags.imm === b.flags.imm));
}

function sameVals(a: ReadonlyMap<string, Val>, b: ReadonlyMap<string, Val>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  const x = flatOf(a), y = flatOf(b);
  for (let i = 0; i < x.length; i += 2) if (x[i] !== y[i] || !sameVal(x[i + 1] as Val, y[i + 1] as Val)) return false;
  return true;
}

/** A value map's names and values, in order, made once per map: maps are copied on write, never changed in place. */
const flats = new WeakMap<ReadonlyMap<string, Val>, (string | Val)[]>();
function flatOf(m: ReadonlyMap<string, Val>): (string | Val)[] {
  let f = flats.get(m);
  if (f === undefined) { f = []; m.forEach((v, k) => { f?.push(k, v); }); flats.set(m, f); }
  return f;
}

function sameStack(a: readonly Val[], b: readonly Val[]): boolean {
  return a === b || (a.length === b.length && a.every((v, i) => sameVal(v, b[i])));
}

function dedupe(ctxs: Ctx[]): Ctx[] {
  if (ctxs.length <= 1) return ctxs;
  // grouped by machine state first: its key string is cached, so the lookup hashes nothing new
  const byState = new Map<string, number[]>();
  let out: Ctx[] = [];
  for (const c of ctxs) {
    const k = stateKey(c.st);
    const same = byState.get(k);
    const twin = same?.find((i) => sameLocals(out[i], c));
    if (twin !== undefined) {
      // the same path but for what it returns: one path, returning a value not known
      if (!sameVal(out[twin].ret, c.ret)) out[twin] = { ...out[twin], ret: undefined };
      continue;
    }
    if (same) same.push(out.length); else byState.set(k, [out.length]);
    out.push(c);
  }
  if (out.length > MAX_CTXS) {
    const head = out.slice(0, MAX_CTXS - 1);
    const rest = out.slice(MAX_CTXS - 1).reduce((a, b) => ({ ...a, st: joinStates(a.st, b.st), ret: sameVal(a.ret, b.ret) ? a.ret : undefined }));
    out = [...head, rest];
  }
  return out;
}

function flow(normal: Ctx[] = []): Flow { return { normal, ret: [], brk: [], cont: [] }; }

/** The context with local `name` set to `v` (value maps are copied on write; one that already holds exactly that is kept). */
function withLocal(c: Ctx, name: string, v: Val): Ctx {
  if (c.vals.has(name) && identicalVal(c.vals.get(name), v)) return c;
  const vals = new Map(c.vals);
  vals.set(name, v);
  return { ...c, vals };
}

export class PathWalker {
  readonly steps: Step[] = [];
  readonly unresolved = new Map<string, Range>();
  readonly calls: CallSite[] = [];
  private seq = 0;
  startApsAt: number | null = null;
  apBase: State | null = null;
  private readonly chain: ChainLink[] = [];
  private readonly callStack: string[] = [];
  private readonly within: string[] = [];
  private readonly macroTrees = new Map<string, SyntaxNode | null>();
  /** Summaries of calls already walked: same function, same arguments, same machine states in -> same states out. */
  private readonly memo = new Map<string, MemoEntry>();
  /** This walk's C calls by memo key, walked or re-used (kept when the walker records). */
  readonly traces = new Map<string, Trace>();
  /** Calls walked, and calls re-used from the previous walk's traces. */
  readonly counts = { walked: 0, reused: 0 };
  /** What the recorded calls read, in walk order (each trace is a slice). */
  private readonly log: TraceEvent[] = [];
  /** Traces being recorded, innermost last. */
  private readonly open: OpenTrace[] = [];
  private unresolvedSets = 0;
  /** Gate writes so far: their states hold the step number that wrote them. */
  private siteWrites = 0;
  /** Deepest statement nesting since the innermost open trace began. */
  private peak = 0;
  /** How many conditional branches of the current function we are inside: a noreturn call there is an error exit. */
  private condDepth = 0;
  private nesting = 0;
  /** While a macro expansion is walked: where the macro is called (its nodes are not in any file). */
  private macroSite: Range | null = null;
  /**
   * The call that handed gate memory to the function being walked (`set_ist(&idt_table[2], 1)`):
   * what is stored there is the caller's gate write, reported at that call, as it reads in the
   * boot code, whatever the writer is called and however it is built inside.
   */
  private writer: { range: Range; text: string; chain: number; within: string } | null = null;
  /** Where a limit stopped this path, each place once. */
  readonly limits: LimitHit[] = [];
  private readonly limitsAt = new Set<string>();
  /** Every unresolved target noted, in order (an assembler call's record takes its slice). */
  private readonly noted: [string, Range][] = [];
  /** Assembler calls by key: met once (null), or what their second walk did (a third does the same). */
  private readonly asmCalls = new Map<string, AsmRecord | null>();
  private ticks = 0;
  /** The time limit passed: every statement from here on is skipped. */
  expired = false;

  constructor(private readonly index: WorkspaceIndex, private readonly hints: Hints, readonly role: RoleConfig,
    /** The states the role starts in: the reset state in the memory it starts from (paths/roles.ts). */
    private readonly start: readonly State[],
    private readonly gates: GateTables,
    /** The previous walk's traces of this role (an editor session), re-used where they still hold. */
    private readonly previous: ReadonlyMap<string, Trace> | null = null,
    /** Record traces for the next walk (costs a little; the command line does not). */
    private readonly recording = false,
    /** The time limit of the analysis (`deadline` in performance.now() time), or none. */
    private readonly timeLimit: { deadline: number; ms: number } | null = null) {}

  private get lateWords(): boolean { return seesLateWords(this.role); }
  private shadowWords: ReadonlySet<string> | null = null;
  private get shadows(): ReadonlySet<string> { return this.shadowWords ??= cr4Shadows(this.index); }

  /** The value of a features word as this CPU sees it (an AP, or a role after boot, also sees every bit ORed in anywhere). */
  wordView = (st: State, w: string): bigint => {
    const own = st.features.get(w) ?? this.initialWord(w);
    return this.lateWords ? own | this.wordHull(w) : own;
  };

  /** Every bit the tree ORs into a features word anywhere. */
  private wordHull(w: string): bigint { return this.index.featuresOrs.get(w) ?? 0n; }

  private initialWord(w: string): bigint {
    const init = this.index.variable(w)?.init;
    return init ? this.index.macros.evaluate(init) ?? 0n : 0n;
  }

  run(): RolePath {
    const entries = Array.isArray(this.role.entry) ? this.role.entry : [this.role.entry];
    const entry = entries.find((e) => this.index.asmLabels.has(e) || this.index.functions.has(e)) ?? null;
    if (entry) {
      this.within.push(entry);
      this.walkSymbol(entry, this.start.map((st) => ({ st, vals: new Map(), stack: [], flags: null })), null, 'top');
    }
    return { role: this.role, entry, steps: this.steps, unresolved: [...this.unresolved].map(([symbol, range]) => ({ symbol, range })), startApsAt: this.startApsAt, calls: this.calls, limits: this.limits };
  }

  // ---------------------------------------------------------------- effects

  private record(effect: StepEffect, range: Range, ctxs: Ctx[], next: Ctx[]): void {
    const w = this.writer;
    const chain = w ? this.chain.slice(0, w.chain) : [...this.chain];
    this.steps.push({
      index: this.steps.length, seq: this.seq++, effect, range, chain, within: w ? w.within : this.within[this.within.length - 1] ?? '',
      depth: chain.length, before: ctxs.map((c) => c.st), after: next.map((c) => c.st),
    });
  }

  private apply(effect: Effect, range: Range, ctxs: Ctx[]): Ctx[] {
    const site = this.steps.length;
    if (effect.kind === 'gate' || effect.kind === 'ist') this.siteWrites++;
    const next = ctxs.map((c) => ({ ...c, st: this.applyTo(c.st, effect, site) }));
    // a CR4 rewrite with the bits it already had, or IF set to what it was, is not a step of the timeline
    const quiet = (effect.kind === 'cr4' || effect.kind === 'irq' || effect.kind === 'features-or' || effect.kind === 'tss-ist')
      && next.every((n, i) => stateKey(n.st) === stateKey(ctxs[i].st));
    if (quiet) return ctxs;
    if (TRACE && effect.kind === 'gate') process.stderr.write(`gate ${JSON.stringify(effect.table)} ${effect.vectors.length} ${effect.vectors.slice(0, 3)} ${effect.handler.symbol}\n`);
    this.record(effect, range, ctxs, next);
    if (effect.kind === 'start-aps' && this.recording) this.log.push({ k: 'aps', first: this.startApsAt === null, site, base: next[0]?.st ?? null });
    if (effect.kind === 'start-aps' && this.startApsAt === null) {
      this.startApsAt = site;
      this.apBase = next[0]?.st ?? null;
    }
    return next;
  }

  private ensureTable(st: State, name: string): State {
    if (st.tables.has(name)) return st;
    const v = this.index.variable(name);
    const gates = v && v.init === null ? this.gates.zero : this.gates.opaque;
    const tables = new Map(st.tables);
    tables.set(name, gates);
    return { ...st, tables };
  }

  /** The table a reference means on this CPU now; null for another CPU's table. */
  private resolveTable(st: State, ref: TableRef): { st: State; name: string | null } {
    if (ref.kind === 'unknown') return { st, name: null };
    if (ref.kind === 'symbol') return { st: this.ensureTable(st, ref.name), name: ref.name };
    const alias = st.percpu.get(ref.name);
    if (alias) return { st: this.ensureTable(st, alias), name: alias };
    const own = `${ref.name}[${this.role.name}]`;
    if (st.tables.has(own)) return { st, name: own };
    return { st: this.makeOwnCopy(st, ref.name, own), name: own };
  }

  /** This CPU's copy of a shared table, made the way the tree makes it (memcpy, then any edits after it). */
  private makeOwnCopy(st: State, slot: string, own: string): State {
    const recipe = this.index.copyRecipes.find((r) => slotName(r.dst, this.index) === slot);
    const percpu = new Map(st.percpu);
    percpu.set(slot, own);
    if (!recipe) {
      const tables = new Map(st.tables);
      tables.set(own, this.gates.opaque);
      return { ...st, tables, percpu };
    }
    const srcSt = this.ensureTable(st, recipe.src);
    const tables = new Map(srcSt.tables);
    tables.set(own, srcSt.tables.get(recipe.src) ?? this.gates.opaque);
    let scratch: State = { ...srcSt, tables, percpu };
    // Walk what the copying function does to the copy after the memcpy (e.g. clear IST before the CPU runs).
    const fnNode = this.syntaxOf(recipe.fn);
    // the copy counts offsets from the function's start (the recipe's, from the file's)
    const at = recipe.offset - recipe.fn.startIndex - 1;
    const call = fnNode?.descendantForIndex(at, at);
    let stmt: SyntaxNode | null = call ?? null;
    while (stmt && stmt.parent && stmt.parent.type !== 'compound_statement') stmt = stmt.parent;
    if (stmt?.parent) {
      // Only the statements that touch the copy (`disable_each_ist(per_cpu(idt, cpu))`); they are
      // walked aside: their steps belong to the CPU that prepares the copy, not to this path.
      const dst = recipe.dst.replace(/\s+/g, '');
      const mark = this.steps.length;
      this.within.push(recipe.fn.name);
      let ctxs: Ctx[] = [{ st: scratch, vals: new Map(), stack: [], flags: null }];
      for (let s = stmt.nextNamedSibling; s && ctxs.length > 0; s = s.nextNamedSibling) {
        if (s.text.replace(/\s+/g, '').includes(dst)) ctxs = this.execStmt(s, ctxs, recipe.fn).normal;
      }
      this.within.pop();
      this.steps.length = mark;
      if (ctxs[0]) scratch = ctxs[0].st;
    }
    const out = new Map(st.tables);
    out.set(own, scratch.tables.get(own) ?? this.gates.opaque);
    return { ...st, tables: out, percpu };
  }

  private applyTo(st0: State, e: Effect, site: number): State {
    let st = st0;
    switch (e.kind) {
      case 'lidt': {
        if (e.desc.kind === 'empty') return { ...st, idt: { kind: 'empty' } };
        if (e.desc.kind === 'unknown') return { ...st, idt: { kind: 'unknown' } };
        if (e.desc.kind === 'saved') return { ...st, idt: st.savedIdt };
        const r = this.resolveTable(st, e.desc.table);
        return r.name ? { ...r.st, idt: { kind: 'table', name: r.name } } : { ...r.st, idt: { kind: 'unknown' } };
      }
      case 'ltr': return { ...st, tssLoaded: true };
      case 'gate': {
        const r = this.resolveTable(st, e.table);
        if (!r.name) return r.st;
        return this.gates.update(r.st, r.name, (g) => { for (const v of e.vectors) setGate(g, v, e.handler, site, e.form === 'lower-half'); });
      }
      case 'ist': {
        const r = this.resolveTable(st, e.table);
        if (!r.name) return r.st;
        return this.gates.update(r.st, r.name, (g) => { for (const v of e.vectors) if (g[v]) g[v] = { ...g[v], ist: e.ist, site: e.ist !== 0 ? site : g[v].site }; });
      }
      case 'tss-ist': return { ...st, istSlots: st.istSlots | (1 << e.slot) };
      case 'cr4': {
        const b = crBits(st, e.value, (w) => this.wordView(st, w), (w) => this.wordHull(w));
        return { ...st, cr4Must: b.must, cr4May: b.may };
      }
      case 'features-or': {
        const features = new Map(st.features);
        features.set(e.word, (st.features.get(e.word) ?? this.initialWord(e.word)) | e.bits);
        return { ...st, features };
      }
      case 'irq': return { ...st, iflag: e.enabled };
      case 'free-init': return { ...st, initFreed: true };
      case 'table-copy': {
        const src = this.resolveTable(st, e.src);
        st = src.st;
        const dst = this.resolveTable(st, e.dst);
        if (!src.name || !dst.name) return dst.st;
        const tables = new Map(dst.st.tables);
        tables.set(dst.name, dst.st.tables.get(src.name) ?? this.gates.opaque);
        return { ...dst.st, tables };
      }
      case 'percpu-alias': {
        st = this.ensureTable(st, e.table);
        const percpu = new Map(st.percpu);
        percpu.set(e.slot, e.table);
        return { ...st, percpu };
      }
      default: return st;
    }
  }

  // ---------------------------------------------------------------- dispatch

  /** Walks a symbol reached by call or jump. Returns the contexts that come back (for calls). */
  private walkSymbol(sym: string, ctxs: Ctx[], from: { file: string; range: Range } | null, mode: 'top' | 'sub', args: (Val | undefined)[] = []): Ctx[] {
    if (this.callStack.includes(sym) || ctxs.length === 0) return ctxs;
    if (this.callStack.length > MAX_DEPTH) { if (from) this.depthLimit(sym, from.range); return ctxs; }
    const label = this.index.asmLabels.get(sym);
    if (label && !/^(\.init)?\.?data|rodata|bss/.test(label.section)) {
      const walk = (): Ctx[] => this.enter(sym, from, () => this.walkAsm(label.unit, label.pos, ctxs, mode));
      return from ? this.asmCall(`${sym}|${mode}`, this.linkFrom(sym, from.range), ctxs, walk) : walk();
    }
    const fn = this.index.pickFunction(sym, from?.file);
    if (fn) {
      if (mode === 'sub' && !this.relevant(sym, from?.file, fn) && !this.mayWriteGates(fn, args, ctxs[0]?.st)) return ctxs;
      const w = this.writer;
      const key = `${fn.file}:${sym}|${args.map(valKey).join(',')}|${ctxs.map((c) => stateKey(c.st)).join(';')}${w ? `@${w.range.file}:${w.range.line}:${w.range.column}` : ''}`;
      const known = this.memo.get(key);
      const caller = ctxs[0];
      if (known) {
        if (this.recording && this.firstRead((o) => o.found, known)) this.log.push({ k: 'hit', key, sig: outsSig(known) });
        const back = known.outs.map((k) => ({ st: k.st, ret: k.ret, vals: caller.vals, stack: caller.stack, flags: null }));
        if (from && back.some((b, i) => stateKey(b.st) !== stateKey(ctxs[Math.min(i, ctxs.length - 1)].st))) {
          this.chain.push(this.linkFrom(sym, from.range));
          this.record({ kind: 'call', callee: sym, text: `${sym}() (as before)` }, from.range, ctxs, back);
          this.chain.pop();
        }
        return back;
      }
      const old = this.previous?.get(key);
      if (old && this.holds(old, from)) return this.replay(old, sym, from, ctxs);
      this.counts.walked++;
      if (this.recording) { this.log.push({ k: 'miss', key }); this.begin(key, from); }
      let out = this.enter(sym, from, () => this.walkC(fn, args, ctxs));
      // Every path through it ended (error exits, loops the engine cannot bound): unless it is
      // declared noreturn, the function does return, with what the engine saw at worst unknown.
      const fellBack = out.length === 0 && mode === 'sub' && !this.index.noreturn.has(sym);
      if (fellBack) out = ctxs.map((c) => ({ ...c, ret: undefined }));
      const entry: MemoEntry = { outs: out.map((o) => ({ st: o.st, ret: o.ret })) };
      this.memo.set(key, entry);
      if (this.recording) this.end(entry, fellBack);
      return out;
    }
    if (from) this.noteUnresolved(sym, from.range);
    return ctxs;
  }

  // ---------------------------------------------------------------- traces

  /** A function's syntax; a recorded call depends on it. */
  private syntaxOf(fn: CFunction): SyntaxNode | null {
    if (this.recording && this.firstRead((o) => o.read, fn)) {
      this.log.push({ k: 'read', fn, fileText: this.index.texts.get(fn.file) ?? '' });
    }
    return this.index.functionNode(fn);
  }

  /** The summary that decides whether a callee is walked; a recorded call depends on its answer. */
  private relevant(sym: string, from: string | undefined, fn: CFunction): boolean {
    const is = isRelevant(this.index, this.hints, fn);
    // the same name from the same file picks the same function in any index with these workspace-wide facts
    if (this.recording && this.firstRead((o) => o.asked, fn)) this.log.push({ k: 'relevant', sym, from, is, picked: { fn, lineage: this.index.lineage, version: this.index.version } });
    return is;
  }

  private noteUnresolved(sym: string, range: Range): void {
    this.unresolved.set(sym, range);
    this.noted.push([sym, range]);
    if (this.recording) { this.log.push({ k: 'unresolved', sym, range }); this.unresolvedSets++; }
  }

  /**
   * A limit stopped the walk here (noted once per limit and place, or once per walk for a cap
   * that every later call meets; `logged`: the trace log has it already).
   */
  private noteLimit(hit: LimitHit, logged = false, oncePerWalk = false): void {
    const r = hit.range;
    const where = oncePerWalk ? hit.limit : `${hit.limit}@${r.file}:${r.line}:${r.column}`;
    if (this.limitsAt.has(where)) return;
    this.limitsAt.add(where);
    this.limits.push(hit);
    if (this.recording && !logged) this.log.push({ k: 'limit', hit });
  }

  private depthLimit(sym: string, range: Range): void {
    this.noteLimit({ limit: `call depth limit ${MAX_DEPTH}`, at: sym, effect: 'the call is not followed', range });
  }

  /** True once the time limit has passed (the clock is read every CLOCK_EVERY C calls and assembler statements). */
  private timeUp(): boolean {
    if (this.expired) return true;
    if (this.timeLimit === null || ++this.ticks % CLOCK_EVERY !== 0 || performance.now() <= this.timeLimit.deadline) return false;
    this.expired = true;
    return true;
  }

  /** Where the time limit stopped the walk: the first statement that saw it. */
  private timeLimitAt(range: Range): void {
    if (this.timeLimit === null || this.limits.some((h) => h.limit.startsWith(TIME_LIMIT))) return;
    this.noteLimit({ limit: `${TIME_LIMIT} ${this.timeLimit.ms / 1000} s`, at: this.within[this.within.length - 1] ?? '', effect: 'the analysis stopped here; the rest of the path is not checked', range });
  }

  /**
   * An assembler call (`target` with the caller's contexts, registers and stack included): a
   * third meeting of the same call does again what the second did, without walking it (a first
   * and a second walk may differ: C calls walked in the first are met as before in the second).
   * A call that wrote gates (their states hold step numbers), started the APs, met a cap or the
   * time limit is walked every time.
   */
  private asmCall(target: string, link: ChainLink, ctxs: Ctx[], walk: () => Ctx[]): Ctx[] {
    const key = `${target}|${this.callStack.join(',')}|${this.nesting}|${this.startApsAt === null}|${ctxs.map(ctxKey).join(';')}`;
    const known = this.asmCalls.get(key);
    if (known && this.calls.length + known.calls.length < MAX_CALLS && this.unresolved.size + known.unresolved.length < MAX_UNRESOLVED) return this.redo(known, link);
    if (known === undefined) { this.asmCalls.set(key, null); return walk(); }
    const r: AsmRecord = { firstStep: this.steps.length, chainLength: this.chain.length, firstSeq: this.seq, seqSpan: 0, peak: 0, steps: [], calls: [], unresolved: [], limits: [], log: [], outs: [] };
    const calls = this.calls.length, noted = this.noted.length, limits = this.limits.length, log = this.log.length;
    const writes = this.siteWrites, aps = this.startApsAt, peak = this.peak;
    this.peak = this.nesting;
    const out = walk();
    r.peak = this.peak - this.nesting;
    this.peak = Math.max(peak, this.peak);
    if (this.siteWrites !== writes || this.startApsAt !== aps || this.expired || this.calls.length >= MAX_CALLS || this.unresolved.size >= MAX_UNRESOLVED) return out;
    r.steps = this.steps.slice(r.firstStep);
    r.calls = this.calls.slice(calls);
    r.unresolved = this.noted.slice(noted);
    r.limits = this.limits.slice(limits);
    r.log = this.log.slice(log);
    r.seqSpan = this.seq - r.firstSeq;
    r.outs = out;
    this.asmCalls.set(key, r);
    return out;
  }

  /** Does again what a recorded assembler call did, under the current caller. */
  private redo(r: AsmRecord, link: ChainLink): Ctx[] {
    const shift = this.steps.length - r.firstStep, seq = this.seq - r.firstSeq;
    for (const s of r.steps) {
      const chain = [...this.chain, link, ...s.chain.slice(r.chainLength + 1)];
      this.steps.push({ ...s, index: s.index + shift, seq: s.seq + seq, chain, depth: chain.length });
    }
    for (const c of r.calls) this.calls.push(seq === 0 ? c : { ...c, seq: c.seq + seq });
    this.seq += r.seqSpan;
    this.peak = Math.max(this.peak, this.nesting + r.peak);
    if (this.recording) for (const e of r.log) this.log.push(e);
    for (const [sym, range] of r.unresolved) { this.unresolved.set(sym, range); this.noted.push([sym, range]); if (this.recording) this.unresolvedSets++; }
    for (const h of r.limits) this.noteLimit(h, true);
    return r.outs;
  }

  /** True the first time the innermost trace reads this (outside every trace nothing is logged). */
  private firstRead<T>(set: (o: OpenTrace) => Set<T>, what: T): boolean {
    const o = this.open[this.open.length - 1];
    if (!o) return false;
    const seen = set(o);
    if (seen.has(what)) return false;
    seen.add(what);
    return true;
  }

  private begin(key: string, from: { range: Range } | null): void {
    const t: Trace = {
      key, stack: [...this.callStack], chainLength: this.chain.length, top: from === null, macroSite: this.macroSite, nesting: this.nesting, peak: 0,
      firstStep: this.steps.length, writesSites: false, firstSeq: this.seq, seqSpan: 0, steps: [], calls: [], log: this.log, from: this.log.length, to: 0,
      unresolvedSets: 0, children: [], entry: { outs: [] }, fellBack: false,
    };
    this.open.push({ t, seq: this.seq, calls: this.calls.length, unresolvedSets: this.unresolvedSets, siteWrites: this.siteWrites, peak: this.peak, read: new Set(), asked: new Set(), found: new Set() });
    this.peak = this.nesting;
  }

  private end(entry: MemoEntry, fellBack: boolean): void {
    const o = this.open.pop();
    if (!o) return;
    const t = o.t;
    t.steps = this.steps.slice(t.firstStep);
    t.calls = this.calls.slice(o.calls);
    t.seqSpan = this.seq - o.seq;
    t.to = this.log.length;
    t.unresolvedSets = this.unresolvedSets - o.unresolvedSets;
    t.writesSites = this.siteWrites > o.siteWrites;
    t.peak = this.peak - t.nesting;
    this.peak = Math.max(o.peak, this.peak);
    t.entry = entry;
    t.fellBack = fellBack;
    const caller = this.open[this.open.length - 1];
    if (caller) {
      for (const f of o.read) caller.read.add(f);
      for (const f of o.asked) caller.asked.add(f);
      for (const m of o.found) caller.found.add(m);
    }
    this.adopt(t);
  }

  /** A finished trace (recorded or re-used) joins this walk's traces and its caller's children. */
  private adopt(t: Trace): void {
    this.open[this.open.length - 1]?.t.children.push(t);
    this.traces.set(t.key, t);
  }

  /**
   * Would walking this call again do exactly what the trace did? Its key already says same
   * function, arguments and machine states; the rest of what it read must answer the same:
   * the walker state it began in, the syntax of every function it entered, every relevance
   * summary it asked, every memoised call it found or did not find.
   */
  private holds(t: Trace, from: { range: Range } | null): boolean {
    // a call that wrote gates left its step numbers in the tables: it holds only at the same step
    if ((t.writesSites && t.firstStep !== this.steps.length) || t.top !== (from === null)) return false;
    if (t.stack.length !== this.callStack.length || t.stack.some((s, i) => s !== this.callStack[i])) return false;
    const m = this.macroSite, n = t.macroSite;
    if (m !== n && (!m || !n || m.file !== n.file || m.line !== n.line || m.column !== n.column || m.endLine !== n.endLine || m.endColumn !== n.endColumn)) return false;
    if (t.nesting !== this.nesting && Math.max(t.nesting, this.nesting) + t.peak >= MAX_NESTING) return false;
    if (this.unresolved.size + t.unresolvedSets >= MAX_UNRESOLVED || this.calls.length + t.calls.length >= MAX_CALLS) return false;
    return readsHold(t, this.index, this.hints, this.memo, this.startApsAt);
  }

  /** Does again what a holding trace did: its steps and call sites under this caller, its memoised calls, its notes. */
  private replay(t: Trace, sym: string, from: { range: Range } | null, ctxs: Ctx[]): Ctx[] {
    this.counts.reused++;
    if (this.recording) {
      this.log.push({ k: 'miss', key: t.key });
      for (let i = t.from; i < t.to; i++) this.log.push(t.log[i]);
    }
    const prefix = [...this.chain];
    if (from) prefix.push(this.linkFrom(sym, from.range));
    const skip = t.chainLength + (t.top ? 0 : 1);
    const seq = this.seq - t.firstSeq;
    const shift = this.steps.length - t.firstStep;
    for (const s of t.steps) {
      // a step reported at a writer's call site has the chain of that call's caller: as deep
      // below this caller's chain as it was below the trace's
      const chain = s.chain.length < skip ? this.chain.slice(0, this.chain.length - (t.chainLength - s.chain.length)) : [...prefix, ...s.chain.slice(skip)];
      this.steps.push({ ...s, index: s.index + shift, seq: s.seq + seq, chain, depth: chain.length });
    }
    // call sites are never changed in place: unmoved ones are shared (a path holds thousands)
    if (seq === 0) for (const c of t.calls) this.calls.push(c);
    else for (const c of t.calls) this.calls.push({ callee: c.callee, caller: c.caller, range: c.range, seq: c.seq + seq });
    this.seq += t.seqSpan;
    // what it did counts for the traces being recorded around it, as if it had been walked
    if (t.writesSites) this.siteWrites++;
    this.peak = Math.max(this.peak, this.nesting + t.peak);
    for (let i = t.from; i < t.to; i++) {
      const e = t.log[i];
      // (the events are in this walk's log already)
      if (e.k === 'unresolved') { this.unresolved.set(e.sym, e.range); this.noted.push([e.sym, e.range]); if (this.recording) this.unresolvedSets++; }
      else if (e.k === 'limit') this.noteLimit(e.hit, true);
      else if (e.k === 'aps' && e.first) { this.startApsAt = e.site + shift; this.apBase = e.base; }
    }
    // the calls under it were walked inside it, as they would be again
    const install = (x: Trace): void => { this.memo.set(x.key, x.entry); this.traces.set(x.key, x); x.children.forEach(install); };
    t.children.forEach(install);
    this.memo.set(t.key, t.entry);
    this.adopt(t);
    if (t.fellBack) return ctxs.map((c) => ({ ...c, ret: undefined }));
    const caller = ctxs[0];
    return t.entry.outs.map((o) => ({ st: o.st, vals: caller.vals, stack: caller.stack, flags: null, ret: o.ret }));
  }

  /** The link a call adds to the chain: the function it is made from, and where. */
  private linkFrom(sym: string, range: Range): ChainLink {
    return { symbol: this.within[this.within.length - 1] ?? sym, range };
  }

  private enter(sym: string, from: { file: string; range: Range } | null, body: () => Ctx[]): Ctx[] {
    if (from) this.chain.push(this.linkFrom(sym, from.range));
    this.callStack.push(sym);
    this.within.push(sym);
    try { return body(); } finally {
      this.within.pop();
      this.callStack.pop();
      if (from) this.chain.pop();
    }
  }

  // ---------------------------------------------------------------- C

  private walkC(fn: CFunction, args: (Val | undefined)[], ctxs: Ctx[]): Ctx[] {
    // the clock is read at calls: between two, one function body at most
    if (this.timeUp()) { this.timeLimitAt(fn.range); return []; }
    const node = this.syntaxOf(fn);
    const body = node?.childForFieldName('body');
    if (!body) return ctxs;
    const vals = new Map<string, Val>();
    fn.params.forEach((p, i) => { const a = args[i]; if (a) vals.set(p, a); });
    const entered = ctxs.map((c) => ({ ...c, vals, stack: [], flags: null }));
    const saved = this.condDepth;
    this.condDepth = 0;
    const f = this.execStmt(body, entered, fn);
    this.condDepth = saved;
    const out = dedupe([...f.normal, ...f.ret, ...f.brk, ...f.cont]);
    // back in the caller: its variables, the callee's machine state and return value
    const caller = ctxs[0];
    return out.map((c) => ({ st: c.st, vals: caller?.vals ?? new Map(), stack: caller?.stack ?? [], flags: null, ret: c.ret }));
  }

  private execStmt(n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Flow {
    return this.execStmtX(n, ctxs, fn);
  }
  private execStmtX(n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Flow {
    if (ctxs.length === 0 || this.expired) return flow();
    if (this.nesting >= MAX_NESTING) { this.nestingLimit(n, fn); return flow(ctxs); }
    if (++this.nesting > this.peak) this.peak = this.nesting;
    try { return this.execStmtInner(n, ctxs, fn); } finally { this.nesting--; }
  }

  private nestingLimit(n: SyntaxNode, fn: CFunction): void {
    this.noteLimit({ limit: `nesting limit ${MAX_NESTING}`, at: this.within[this.within.length - 1] ?? fn.name, effect: 'the code nested deeper is not followed', range: this.rangeIn(fn, n) });
  }

  private execStmtInner(n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Flow {
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
          const skip = continueGuard(c, cur[0], this);
          if (skip) { narrowed = skip; continue; }
          const r = this.execStmt(c, cur, fn);
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
          cur = this.execExpr(value, cur, fn);
          cur = cur.map((c) => withLocal(c, name, this.eval(value, c, fn) ?? { k: 'unknown' }));
        }
        return flow(cur);
      }
      case 'expression_statement': {
        const e = n.namedChildren[0];
        return flow(e ? this.execExpr(e, ctxs, fn) : ctxs);
      }
      case 'if_statement': {
        const cond = n.childForFieldName('condition');
        const t: Ctx[] = [], f: Ctx[] = [];
        let cur = cond ? this.execExpr(cond, ctxs, fn) : ctxs;
        cur = cur.map((c) => ({ ...c, ret: undefined }));
        const cons = n.childForFieldName('consequence');
        const alt = n.childForFieldName('alternative');
        // the role's `via` symbols decide a branch the engine cannot: take the side that reaches them
        const via = this.role.via ?? [];
        const names = (t: string | undefined): boolean => via.some((v) => (t ?? '').match(/[A-Za-z_]\w*/g)?.includes(v) ?? false);
        const viaSide = via.length === 0 ? undefined : names(cons?.text) ? true : names(alt?.text) ? false : undefined;
        for (const c of cur) {
          const v = (cond ? truth(this.eval(cond, c, fn)) : undefined) ?? viaSide;
          if (v !== false) t.push(c);
          if (v !== true) f.push(c);
        }
        this.condDepth++;
        const a = cons ? this.execStmt(cons, t, fn) : flow(t);
        const altBody = alt?.type === 'else_clause' ? alt.namedChildren[0] : alt;
        const b = altBody ? this.execStmt(altBody, f, fn) : flow(f);
        this.condDepth--;
        return { normal: dedupe([...a.normal, ...b.normal]), ret: [...a.ret, ...b.ret], brk: [...a.brk, ...b.brk], cont: [...a.cont, ...b.cont] };
      }
      case 'for_statement': {
        let cur = ctxs;
        const init = n.childForFieldName('initializer');
        // `for (va = __init_begin; va < __init_end; va += PAGE_SIZE) clear_page(va)`: init memory is wiped here
        const header = `${init?.text ?? ''};${n.childForFieldName('condition')?.text ?? ''}`;
        if (this.hints.initBoundarySymbols.some((b) => new RegExp(`\\b${b}\\b`).test(header))) {
          const text = n.text.split('\n').slice(0, 2).map((l) => l.trim()).join(' ').slice(0, 100);
          cur = this.apply({ kind: 'free-init', text }, this.rangeIn(fn, n), cur);
        }
        if (init) cur = init.type === 'declaration' ? this.execStmt(init, cur, fn).normal : this.execExpr(init, cur, fn);
        const loop = loopRange(n, this);
        if (loop) cur = cur.map((c) => { const vals = new Map(c.vals); vals.set(loop.name, { k: 'range', vs: loop.vs }); return { ...c, vals }; });
        const body = n.childForFieldName('body');
        const r = body ? this.execStmt(body, cur, fn) : flow(cur);
        const forever = n.childForFieldName('condition') === null;
        // with constant bounds and at least one iteration, the body certainly runs
        const skipped = loop && loop.vs.length > 0 ? [] : cur;
        let out = dedupe(forever ? r.brk : [...skipped, ...r.normal, ...r.brk, ...r.cont]);
        if (loop) out = out.map((c) => { const vals = new Map(c.vals); vals.delete(loop.name); return { ...c, vals }; });
        return { ...flow(out), ret: r.ret };
      }
      case 'while_statement': case 'do_statement': {
        const body = n.childForFieldName('body');
        const r = body ? this.execStmt(body, ctxs, fn) : flow(ctxs);
        // `for (;;)` / `while (1)` without break never falls out
        const cond = n.childForFieldName('condition');
        const forever = cond ? truth(this.eval(cond, ctxs[0], fn)) === true : false;
        const skipped = n.type === 'do_statement' ? [] : ctxs; // a do-while body runs at least once
        return { ...flow(dedupe(forever ? r.brk : [...skipped, ...r.normal, ...r.brk, ...r.cont])), ret: r.ret };
      }
      case 'switch_statement': {
        const body = n.childForFieldName('body');
        const acc = flow([...ctxs]);
        this.condDepth++;
        for (const c of body?.namedChildren ?? []) {
          if (c?.type !== 'case_statement') continue;
          let cur = ctxs;
          for (const s of c.namedChildren) {
            if (!s || s.id === c.childForFieldName('value')?.id) continue;
            const r = this.execStmt(s, cur, fn);
            acc.ret.push(...r.ret); acc.normal.push(...r.brk);
            cur = r.normal;
          }
          acc.normal.push(...cur);
        }
        this.condDepth--;
        acc.normal = dedupe(acc.normal);
        return acc;
      }
      case 'return_statement': {
        const e = n.namedChildren[0];
        let cur = e ? this.execExpr(e, ctxs, fn) : ctxs;
        cur = cur.map((c) => ({ ...c, ret: e ? this.eval(e, c, fn) : undefined }));
        return { normal: [], ret: cur, brk: [], cont: [] };
      }
      case 'break_statement': return { normal: [], ret: [], brk: ctxs, cont: [] };
      case 'continue_statement': return { normal: [], ret: [], brk: [], cont: ctxs };
      case 'goto_statement': return { normal: [], ret: ctxs, brk: [], cont: [] };
      case 'labeled_statement': {
        const s = n.namedChildren[n.namedChildren.length - 1];
        return s ? this.execStmt(s, ctxs, fn) : flow(ctxs);
      }
      case 'function_definition': {
        // `for_each_present_cpu ( i ) { ... }` inside a body: tree-sitter-c sees a nested
        // definition; it is a macro loop, whose body runs zero or more times
        const body = n.childForFieldName('body');
        if (!body) return flow(ctxs);
        const r = this.execStmt(body, ctxs, fn);
        return { ...flow(dedupe([...ctxs, ...r.normal, ...r.brk, ...r.cont])), ret: r.ret };
      }
      case 'preproc_if': case 'preproc_ifdef': {
        // the first branch: the configuration most trees build
        const acc = flow();
        let cur = ctxs;
        for (const c of n.namedChildren) {
          if (!c || c.type === 'preproc_else' || c.type === 'preproc_elif' || c.type === 'preproc_elifdef') break;
          if (c.id === n.childForFieldName('condition')?.id || c.id === n.childForFieldName('name')?.id) continue;
          const r = this.execStmt(c, cur, fn);
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
  private execExpr(n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
    if (ctxs.length === 0) return ctxs;
    if (this.nesting >= MAX_NESTING) { this.nestingLimit(n, fn); return ctxs; }
    if (++this.nesting > this.peak) this.peak = this.nesting;
    try { return this.execExprInner(n, ctxs, fn); } finally { this.nesting--; }
  }

  private execExprInner(n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
    switch (n.type) {
      case 'call_expression': return this.call(n, ctxs, fn);
      case 'gnu_asm_expression': return this.inlineAsm(n, ctxs, fn);
      case 'assignment_expression': {
        const rhs = n.childForFieldName('right');
        const cur = rhs ? this.execExpr(rhs, ctxs, fn) : ctxs;
        return this.assign(n, cur, fn);
      }
      case 'compound_statement': return this.execStmt(n, ctxs, fn).normal;
      case 'comma_expression': case 'parenthesized_expression': case 'cast_expression': case 'binary_expression': case 'unary_expression': case 'conditional_expression': case 'argument_list': {
        let cur = ctxs;
        for (const c of n.namedChildren) if (c) cur = this.execExpr(c, cur, fn);
        return cur;
      }
      default: return ctxs;
    }
  }

  private assign(n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
    const lhs = n.childForFieldName('left');
    const rhs = n.childForFieldName('right');
    const op = n.childForFieldName('operator')?.text ?? '=';
    if (!lhs || !rhs || ctxs.length === 0) return ctxs;
    // made only for a step: most assignments are to locals
    const range = (): Range => this.rangeIn(fn, n);
    const text = (): string => n.text.replace(/\s+/g, ' ');
    // TSS IST slot: tss->ist[IST_MCE - 1] = ...
    if (lhs.type === 'subscript_expression') {
      const arr = lhs.childForFieldName('argument');
      if (arr?.type === 'field_expression' && arr.childForFieldName('field')?.text === 'ist') {
        const idx = this.eval(lhs.childForFieldName('index'), ctxs[0], fn);
        if (idx?.k === 'num') return this.apply({ kind: 'tss-ist', slot: Number(idx.v) + 1, text: text() }, range(), ctxs);
        if (idx?.k === 'range') return ctxs; // poisoning loops over unused slots
        return ctxs;
      }
    }
    // gate->ist = n
    if (lhs.type === 'field_expression' && lhs.childForFieldName('field')?.text === 'ist') {
      const g = this.eval(lhs.childForFieldName('argument'), ctxs[0], fn);
      const v = this.eval(rhs, ctxs[0], fn);
      if (g?.k === 'gate' && v?.k === 'num') return this.apply({ kind: 'ist', table: g.ref, vectors: g.vs, ist: Number(v.v), text: this.writer?.text ?? text() }, this.writer?.range ?? range(), ctxs);
      return ctxs;
    }
    // a half of a gate, whole: gate->a = ..., or a field of a local gate being built: g.a = ...
    if (lhs.type === 'field_expression' && op === '=') {
      const arg = lhs.childForFieldName('argument');
      const field = lhs.childForFieldName('field')?.text ?? '';
      const g = this.eval(arg, ctxs[0], fn);
      if (g?.k === 'gate') return this.storeGateHalf(g, field, this.eval(rhs, ctxs[0], fn), text(), range(), ctxs);
      if (arg?.type === 'identifier' && ctxs[0].vals.has(arg.text)) return ctxs.map((c) => withLocal(c, `${arg.text}.${field}`, this.eval(rhs, c, fn) ?? { k: 'unknown' }));
    }
    // a field of a local gate being built, in steps: idte.a |= addr & 0xffff
    if (lhs.type === 'field_expression' && (op === '|=' || op === '&=')) {
      const arg = lhs.childForFieldName('argument');
      const key = `${arg?.text}.${lhs.childForFieldName('field')?.text ?? ''}`;
      if (arg?.type === 'identifier' && ctxs[0].vals.has(key)) return ctxs.map((c) => withLocal(c, key, composeWord(op[0], c.vals.get(key), this.eval(rhs, c, fn)) ?? { k: 'unknown' }));
    }
    // a whole gate copied from a local built field by field: *gate = g
    if (lhs.type === 'pointer_expression' && op === '=' && rhs.type === 'identifier' && ctxs[0].vals.has(rhs.text)) {
      const g = this.eval(lhs.childForFieldName('argument'), ctxs[0], fn);
      if (g?.k === 'gate') {
        const low = LOW_HALF.map((f) => ctxs[0].vals.get(`${rhs.text}.${f}`)).find((x) => x !== undefined);
        return this.storeGateHalf(g, LOW_HALF[0], low, text(), range(), ctxs);
      }
    }
    // features word |= bits
    if (lhs.type === 'identifier' && op === '|=' && !ctxs[0].vals.has(lhs.text) && this.index.featureWords.has(lhs.text)) {
      const v = asCr(this.eval(rhs, ctxs[0], fn));
      if (v) return this.apply({ kind: 'features-or', word: lhs.text, bits: v.bits, text: text() }, range(), ctxs);
      return ctxs;
    }
    // local variable
    if (lhs.type === 'identifier' && (ctxs[0].vals.has(lhs.text) || !this.index.variable(lhs.text))) {
      return ctxs.map((c) => {
        const v = this.eval(rhs, c, fn);
        const merged = op === '|=' ? orVals(c.vals.get(lhs.text), v) : op === '=' ? v : undefined;
        return withLocal(c, lhs.text, merged ?? { k: 'unknown' });
      });
    }
    const rv = this.eval(rhs, ctxs[0], fn);
    // this CPU's per-CPU table slot: idt_tables[0] = idt_table; this_cpu(idt) = bsp_idt
    const slot = this.slotOf(lhs, ctxs[0], fn);
    if (slot && rv?.k === 'table' && rv.ref.kind === 'symbol') {
      if (slot.current) return this.apply({ kind: 'percpu-alias', slot: slot.name, table: rv.ref.name, text: text() }, range(), ctxs);
      return ctxs;
    }
    // a descriptor built field by field: *(unsigned long *)&idt_load[2] = (unsigned long)idt_tables[cpu]
    if (rv?.k === 'table') {
      const local = firstLocal(lhs, ctxs[0]);
      if (local) return ctxs.map((c) => withLocal(c, local, { k: 'desc', desc: { kind: 'table', table: rv.ref } }));
    }
    return ctxs;
  }

  /**
   * Is a callee the relevance summary passed over handed what a gate write needs? Gate memory
   * (`write_gate(&idt_table[v], h, 0)`), or a code address while it indexes a table
   * (`set_intr_gate(v, h)`): what it stores there is decoded when it is walked, whatever its name.
   */
  private mayWriteGates(fn: CFunction, args: readonly (Val | undefined)[], st: State | undefined): boolean {
    // memory of an IDT: a table some descriptor names, or a gate of one (not any array: `memset(buf, ...)`)
    // or this CPU's slot of a per-CPU array that holds one (`idt_tables[0] = idt_table`, or its own copy)
    const idts = loadedTables(this.index);
    const table = (r: TableRef): boolean => r.kind === 'symbol' ? idts.has(r.name)
      : r.kind === 'percpu' && st !== undefined && (st.percpu.has(r.name) || st.tables.has(`${r.name}[${this.role.name}]`));
    if (args.some((a) => (a?.k === 'gate' && (a.ref.kind !== 'symbol' || idts.has(a.ref.name))) || (a?.k === 'table' && table(a.ref)))) return true;
    const code = args.some((a) => a?.k === 'element' || (a?.k === 'addr' && (this.index.functions.has(a.sym) || this.index.asmLabels.has(a.sym))));
    return code && fn.refs.some((r) => isTableSymbol(this.index, r));
  }

  /** A store of `v` into one 8-byte half of gate memory, decoded by the gate layout (only the low half holds the present bit and IST). */
  private storeGateHalf(g: Extract<Val, { k: 'gate' }>, field: string, v: Val | undefined, storeText: string, storeRange: Range, ctxs: Ctx[]): Ctx[] {
    if (!LOW_HALF.includes(field)) return ctxs;
    const text = this.writer?.text ?? storeText, range = this.writer?.range ?? storeRange;
    const w = wordOf(v);
    const store = w ? decodeLowGate(w, gateMem(g, field)) : null;
    if (!store) return ctxs;
    if (store.kind === 'ist') return this.apply({ kind: 'ist', table: g.ref, vectors: g.vs, ist: store.ist, text }, range, ctxs);
    if (store.kind === 'retarget') return this.apply({ kind: 'gate', table: g.ref, vectors: g.vs, handler: { symbol: store.handler, init: this.index.isInit(store.handler) }, form: 'lower-half', text }, range, ctxs);
    const handler: Handler = { symbol: store.handler, init: store.handler !== null && this.index.isInit(store.handler) };
    const next = this.apply({ kind: 'gate', table: g.ref, vectors: g.vs, handler, form: 'whole', text }, range, ctxs);
    return store.ist ? this.apply({ kind: 'ist', table: g.ref, vectors: g.vs, ist: store.ist, text }, range, next) : next;
  }

  /** `idt_tables[cpu]` or `this_cpu(idt)` as an assignment target. */
  private slotOf(n: SyntaxNode, c: Ctx, fn: CFunction): { name: string; current: boolean } | null {
    if (n.type === 'subscript_expression') {
      const a = n.childForFieldName('argument');
      const v = a && this.index.variable(a.text);
      if (a?.type === 'identifier' && v?.isPointerArray) return { name: a.text, current: this.isCurrentCpu(this.eval(n.childForFieldName('index'), c, fn)) };
    }
    if (n.type === 'call_expression') {
      const name = n.childForFieldName('function')?.text ?? '';
      const args = n.childForFieldName('arguments')?.namedChildren ?? [];
      if (this.hints.percpuAccessors.includes(name) && args[0]) return { name: args[0].text, current: args[1] ? this.isCurrentCpu(this.eval(args[1], c, fn)) : true };
    }
    return null;
  }

  private isCurrentCpu(v: Val | undefined): boolean {
    if (v?.k === 'range') return false;
    if (v?.k === 'num') return v.v === 0n ? this.role.kind === 'bsp' : false;
    return true;
  }

  private handlerOf(n: SyntaxNode | undefined, c: Ctx, fn: CFunction): Handler {
    if (!n) return { symbol: null, init: false };
    const v = this.eval(n, c, fn);
    if (v?.k === 'addr') return { symbol: v.sym, init: this.index.isInit(v.sym) };
    const base = n.type === 'subscript_expression' ? n.childForFieldName('argument')?.text : undefined;
    return { symbol: base ? `${base}[]` : null, init: false };
  }

  private call(n: SyntaxNode, ctxs0: Ctx[], fn: CFunction): Ctx[] {
    const fnNode = n.childForFieldName('function');
    const argNodes = (n.childForFieldName('arguments')?.namedChildren ?? []);
    let ctxs = ctxs0;
    for (const a of argNodes) ctxs = this.execExpr(a, ctxs, fn);
    if (ctxs.length === 0) return ctxs;
    if (fnNode && fnNode.type !== 'identifier') {
      // a call through a pointer: followed when the pointer is a known function, noted otherwise
      const target = this.eval(fnNode.type === 'parenthesized_expression' ? fnNode.namedChildren[0]?.type === 'pointer_expression' ? fnNode.namedChildren[0].childForFieldName('argument') : fnNode.namedChildren[0] : fnNode, ctxs[0], fn);
      if (target?.k === 'addr' && this.index.functions.has(target.sym)) return this.walkSymbol(target.sym, ctxs, { file: fn.file, range: this.rangeIn(fn, n) }, 'sub');
      const pointer = fnNode.type === 'field_expression' || fnNode.type === 'subscript_expression' || (fnNode.type === 'parenthesized_expression' && fnNode.namedChildren[0]?.type === 'pointer_expression');
      if (pointer && fn.file !== MACRO_FILE) {
        if (this.unresolved.size < MAX_UNRESOLVED) this.noteUnresolved(`${fnNode.text.replace(/\s+/g, '')}()`, this.rangeIn(fn, n));
        else {
          if (this.recording) this.log.push({ k: 'capped' });
          this.noteLimit({ limit: `unresolved target limit ${MAX_UNRESOLVED}`, at: this.within[this.within.length - 1] ?? fn.name, effect: 'later unresolved calls through pointers are not reported', range: this.rangeIn(fn, n) }, false, true);
        }
      }
      return ctxs;
    }
    if (fnNode?.type !== 'identifier') return ctxs;
    const name = fnNode.text;
    const range = this.rangeIn(fn, n);
    if (fn.file !== MACRO_FILE) {
      if (this.calls.length < MAX_CALLS) this.calls.push({ callee: name, caller: this.within[this.within.length - 1] ?? fn.name, range, seq: this.seq++ });
      else {
        if (this.recording) this.log.push({ k: 'capped' });
        this.noteLimit({ limit: `call site limit ${MAX_CALLS}`, at: this.within[this.within.length - 1] ?? fn.name, effect: 'later call sites are not recorded (TL004 does not see them)', range }, false, true);
      }
    }
    const text = n.text.replace(/\s+/g, ' ');
    const c0 = ctxs[0];
    const h = this.hints;
    const gw = h.gateWriters.find((g) => g.name === name);
    if (gw) {
      const g = argNodes[gw.gate] ? this.eval(argNodes[gw.gate], c0, fn) : undefined;
      if (g?.k === 'gate') return this.apply({ kind: 'gate', table: g.ref, vectors: g.vs, handler: this.handlerOf(argNodes[gw.handler], c0, fn), form: gw.form, text }, range, ctxs);
      return ctxs;
    }
    const is = h.istSetters.find((g) => g.name === name);
    if (is) {
      const g = argNodes[is.gate] ? this.eval(argNodes[is.gate], c0, fn) : undefined;
      const v = argNodes[is.ist] ? this.eval(argNodes[is.ist], c0, fn) : undefined;
      if (g?.k === 'gate' && v?.k === 'num') return this.apply({ kind: 'ist', table: g.ref, vectors: g.vs, ist: Number(v.v), text }, range, ctxs);
      return ctxs;
    }
    if (h.startAps.includes(name)) return this.apply({ kind: 'start-aps', text }, range, ctxs);
    const boundaryArg = argNodes.some((a) => h.initBoundarySymbols.includes(a.text.replace(/^\(\s*[\w\s*]+\)\s*|^&\s*/g, '').trim()));
    if (h.freeInit.includes(name) || boundaryArg) {
      const after = this.apply({ kind: 'free-init', text }, range, ctxs);
      return this.walkSymbol(name, after, { file: fn.file, range }, 'sub', []);
    }
    if ((isMemoryCopy(name) || h.tableCopy.includes(name)) && argNodes.length >= 2) {
      const d = this.eval(argNodes[0], c0, fn), s = this.eval(argNodes[1], c0, fn);
      if (d?.k === 'table' && s?.k === 'table') return this.apply({ kind: 'table-copy', dst: d.ref, src: s.ref, text }, range, ctxs);
      return ctxs;
    }
    // error exits (panic, BUG, a noreturn call in a branch) are not boot paths
    if (h.exitFunctions.includes(name) || (this.condDepth > 0 && this.index.noreturn.has(name))) return [];
    const callee = this.index.pickFunction(name, fn.file);
    if (callee) {
      if ((!this.relevant(name, fn.file, callee) && !this.mayWriteGates(callee, argNodes.map((a) => this.eval(a, c0, fn)), c0.st)) || this.callStack.includes(name)) return ctxs;
      // group paths by argument values so each distinct call is walked once
      const groups = new Map<string, { args: (Val | undefined)[]; ctxs: Ctx[] }>();
      for (const c of ctxs) {
        const args = argNodes.map((a) => this.eval(a, c, fn));
        const k = args.map(valKey).join('|');
        const g = groups.get(k);
        if (g) g.ctxs.push(c); else groups.set(k, { args, ctxs: [c] });
      }
      const out: Ctx[] = [];
      const key = retKey(n);
      for (const g of groups.values()) {
        const mark = this.steps.length;
        // inside a gate writer its own calls are how it writes, not steps of the boot path
        const quiet = this.writer !== null || g.args.some((a) => a?.k === 'gate');
        if (!quiet) this.record({ kind: 'call', callee: name, text }, range, g.ctxs, g.ctxs);
        const back = this.asWriter(g.args, text, range, () => this.walkSymbol(name, g.ctxs, { file: fn.file, range }, 'sub', g.args));
        // a call that did nothing to boot state is not a step of the timeline
        if (!quiet && this.steps.length === mark + 1) this.steps.pop();
        if (this.index.noreturn.has(name)) continue; // the path ends inside it
        // what it returned, for the expression the call is part of (`write_cr4(read_cr4() | mask)`)
        out.push(...back.map((b) => ({ ...b, vals: withReturn(g.ctxs[0].vals, key, RETURNED.has(b.ret?.k ?? '') ? b.ret : undefined), stack: g.ctxs[0].stack })));
      }
      return dedupe(out);
    }
    if (this.index.asmLabels.has(name)) return this.walkSymbol(name, ctxs, { file: fn.file, range }, 'sub');
    // a function-like macro at statement position: expand it and walk the expansion
    const m = this.index.macros.get(name);
    if (m && m.params !== null && /\bjmp\b/.test(m.body + (this.index.macros.get(m.body.match(/^\s*(\w+)/)?.[1] ?? '')?.body ?? ''))) {
      // a stack-switching tail jump (reset_stack_and_jump(fn)): the path continues in fn and never comes back
      const target = tailJumpTarget(this.index.macros.expand(n.text));
      if (target && (this.index.functions.has(target) || this.index.asmLabels.has(target))) {
        this.walkSymbol(target, ctxs, { file: fn.file, range }, 'sub');
        return [];
      }
    }
    // a macro that changes boot state by its words, or one handed gate memory (a gate writer written as a macro)
    const args = m && m.params !== null ? argNodes.map((a) => this.eval(a, c0, fn)) : [];
    if (m && m.params !== null && (vocabularyOf(h).macro.test(m.body) || args.some((a) => a?.k === 'gate')) && !this.callStack.includes(name)) {
      const node = this.macroStatement(name, n.text);
      if (node) {
        this.callStack.push(name);
        const outer = this.macroSite;
        this.macroSite = outer ?? range;
        try {
          const f = this.asWriter(args, text, range, () => this.execStmt(node, ctxs, { ...fn, file: MACRO_FILE }));
          return f.normal.length > 0 ? f.normal : ctxs;
        } finally { this.callStack.pop(); this.macroSite = outer; }
      }
    }
    return ctxs;
  }

  /** `walk` with this call as the gate writer when it hands gate memory over and no outer call did. */
  private asWriter<T>(args: readonly (Val | undefined)[], text: string, range: Range, walk: () => T): T {
    if (this.writer || !args.some((a) => a?.k === 'gate')) return walk();
    this.writer = { range, text, chain: this.chain.length, within: this.within[this.within.length - 1] ?? '' };
    try { return walk(); } finally { this.writer = null; }
  }

  /** Where a node of `fn` is: inside a macro expansion, the macro's call site in the user's file. */
  private rangeIn(fn: CFunction, n: SyntaxNode): Range {
    return fn.file === MACRO_FILE && this.macroSite ? this.macroSite : rangeOf(fn.file, n);
  }

  private macroStatement(name: string, callText: string): SyntaxNode | null {
    const expanded = this.index.macros.expand(callText);
    const key = `${name}:${expanded}`;
    if (!this.macroTrees.has(key)) {
      const source = `void __m(void) { ${expanded}; }`;
      const tree = this.index.host.parse('c', source);
      try {
        const body = tree.rootNode.namedChildren[0]?.childForFieldName('body');
        this.macroTrees.set(key, body ? snapshot(body, source) : null);
      } finally { tree.delete(); }
    }
    return this.macroTrees.get(key) ?? null;
  }

  private inlineAsm(n: SyntaxNode, ctxs: Ctx[], fn: CFunction): Ctx[] {
    const code = n.childForFieldName('assembly_code');
    if (!code) return ctxs;
    const template = code.type === 'concatenated_string' ? code.namedChildren.map((s) => s?.text.slice(1, -1) ?? '').join('') : code.text.slice(1, -1);
    const operands: { name: string | null; value: SyntaxNode | null }[] = [];
    for (const field of ['output_operands', 'input_operands']) {
      for (const o of n.childForFieldName(field)?.namedChildren ?? []) {
        if (!o) continue;
        operands.push({ name: o.childForFieldName('symbol')?.text ?? null, value: o.childForFieldName('value') });
      }
    }
    const valueOf = (op: InlineOperand | undefined): SyntaxNode | null => {
      if (op?.k !== 'c') return null;
      if (op.index >= 0) return operands[op.index]?.value ?? null;
      return operands.find((o) => o.name !== null && namedOperandIndex(o.name) === op.index)?.value ?? null;
    };
    const range = this.rangeIn(fn, n);
    let cur = ctxs;
    for (const insn of splitInlineAsm(template)) {
      const text = insn.text.replace(/%%/g, '%');
      const m = insn.mnemonic;
      const sys = systemInsn(m);
      if (sys === 'lidt') {
        const v = valueOf(insn.operands[0]);
        const d = v ? this.eval(v, cur[0], fn) : undefined;
        cur = this.apply({ kind: 'lidt', desc: descOf(d, v?.text ?? text), text: `lidt ${v?.text ?? ''}`.trim() }, range, cur);
      } else if (sys === 'lgdt') cur = this.apply({ kind: 'lgdt', text }, range, cur);
      else if (sys === 'ltr') cur = this.apply({ kind: 'ltr', text: `ltr ${valueOf(insn.operands[0])?.text ?? ''}`.trim() }, range, cur);
      else if (sys === 'sti' || sys === 'cli') cur = this.apply({ kind: 'irq', enabled: sys === 'sti', text: m }, range, cur);
      else if (m === 'jmp' || m === 'call') {
        // `jmp %c1` with "i" (fn): a tail jump into a function (reset_stack_and_jump)
        const v = valueOf(insn.operands[0]);
        const target = v ? this.eval(v, cur[0], fn) : undefined;
        if (target?.k !== 'addr') continue;
        const back = this.walkSymbol(target.sym, cur, { file: fn.file, range }, 'sub');
        if (m === 'jmp') return [];
        cur = back;
      } else if (m.startsWith('mov') && insn.operands[0]?.k === 'reg' && insn.operands[0].reg === 'cr4') {
        // `mov %%cr4, %0` with "=r" (cr4): the local holds the CR4 this CPU has now
        const v = valueOf(insn.operands[1]);
        if (v?.type === 'identifier') cur = cur.map((c) => withLocal(c, v.text, { k: 'cr', cr: { ...EMPTY_CR, keepsCurrent: true } }));
      } else if (m.startsWith('mov') && insn.operands[1]?.k === 'reg' && insn.operands[1].reg === 'cr4') {
        const v = valueOf(insn.operands[0]);
        const cr = (v ? asCr(this.eval(v, cur[0], fn)) : undefined) ?? { ...EMPTY_CR, keepsCurrent: true };
        cur = this.apply({ kind: 'cr4', value: cr, text: `mov ${v?.text ?? '?'}, %cr4` }, range, cur);
      }
    }
    return cur;
  }

  /** What a C expression denotes, as far as boot state goes. */
  eval(n: SyntaxNode | null | undefined, c: Ctx | undefined, fn: CFunction): Val | undefined {
    if (!n || !c || this.nesting >= MAX_NESTING) return undefined;
    if (++this.nesting > this.peak) this.peak = this.nesting;
    try { return this.evalInner(n, c, fn); } finally { this.nesting--; }
  }

  private evalInner(n: SyntaxNode, c: Ctx, fn: CFunction): Val | undefined {
    // a CR4 shadow word read (`this_cpu(cr4)`, `get_cpu_info()->cr4`): this CPU's CR4 as it is now
    if ((n.type === 'call_expression' || n.type === 'field_expression' || n.type === 'identifier') && this.shadows.size > 0 && !c.vals.has(n.text)
      && this.shadows.has(n.text.replace(/\s+/g, ''))) return { k: 'cr', cr: { ...EMPTY_CR, keepsCurrent: true } };
    switch (n.type) {
      case 'number_literal': {
        const v = this.index.macros.evaluate(n.text);
        return v === undefined ? undefined : { k: 'num', v };
      }
      case 'true': return { k: 'num', v: 1n };
      case 'false': case 'null': return { k: 'num', v: 0n };
      case 'identifier': {
        const own = c.vals.get(n.text);
        if (own) return own.k === 'unknown' ? undefined : own;
        if (fn.params.includes(n.text)) return undefined;
        const v = this.index.variable(n.text);
        const f = this.index.pickFunction(n.text, fn.file);
        if (f && (!v || closeness(f.file, fn.file) >= closeness(v.file, fn.file))) return { k: 'addr', sym: n.text };
        if (v) {
          if (v.isPointerArray) return { k: 'slots', name: n.text };
          if (v.isArray) return isTableSymbol(this.index, n.text) ? { k: 'table', ref: { kind: 'symbol', name: n.text } } : { k: 'addr', sym: n.text };
          return { k: 'cr', cr: { ...EMPTY_CR, words: [n.text] } };
        }
        if (this.index.functions.has(n.text) || declaredHandlers(this.index, fn.file).has(n.text)) return { k: 'addr', sym: n.text };
        if (this.index.asmLabels.has(n.text)) return isTableSymbol(this.index, n.text) ? { k: 'table', ref: { kind: 'symbol', name: n.text } } : { k: 'addr', sym: n.text };
        const k = this.index.macros.evaluate(n.text);
        return k === undefined ? undefined : { k: 'num', v: k };
      }
      case 'parenthesized_expression': return this.eval(n.namedChildren[n.namedChildren.length - 1], c, fn);
      case 'cast_expression': return this.eval(n.childForFieldName('value'), c, fn);
      case 'pointer_expression': {
        const arg = n.childForFieldName('argument');
        const v = this.eval(arg, c, fn);
        const op = n.child(0)?.text;
        if (op === '&' && arg?.type === 'identifier' && c.vals.has(arg.text)) {
          const fields = structFields(c.vals, arg.text);
          if (fields) return { k: 'struct', fields };
        }
        // the address of a function or label, or of a symbol defined outside the workspace (`extern void h(void)`)
        if (op === '&' && arg?.type === 'identifier' && !v && !c.vals.has(arg.text) && !this.index.variable(arg.text)) return { k: 'addr', sym: arg.text };
        return v;
      }
      case 'subscript_expression': {
        const base = this.eval(n.childForFieldName('argument'), c, fn);
        const idx = this.eval(n.childForFieldName('index'), c, fn);
        if (base?.k === 'slots') return { k: 'table', ref: this.isCurrentCpu(idx) ? { kind: 'percpu', name: base.name } : { kind: 'unknown', text: n.text } };
        if (base?.k === 'table') {
          const vs = vectorsOf(idx);
          return vs ? { k: 'gate', ref: base.ref, vs } : undefined;
        }
        if (base?.k === 'addr' && this.index.variable(base.sym)?.isCodeArray) return { k: 'element', of: base.sym };
        return undefined;
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text;
        const l = this.eval(n.childForFieldName('left'), c, fn);
        const rNode = n.childForFieldName('right');
        const r = this.eval(rNode, c, fn);
        if (op === '+' && l?.k === 'table') { const vs = vectorsOf(r); return vs ? { k: 'gate', ref: l.ref, vs } : undefined; }
        const composed = composeWord(op, l, r);
        if (composed) return composed;
        if (op === '|') return orVals(l, r);
        if (op === '&' && rNode?.type === 'unary_expression' && rNode.child(0)?.text === '~') {
          const x = asCr(l), y = this.eval(rNode.childForFieldName('argument'), c, fn);
          if (x && y?.k === 'num') return { k: 'cr', cr: { ...x, bits: x.bits & ~y.v, cleared: x.cleared | y.v } };
          return x ? { k: 'cr', cr: x } : undefined;
        }
        if (l?.k === 'num' && r?.k === 'num') {
          const v = this.index.macros.evaluate(`(${l.v}) ${op} (${r.v})`);
          return v === undefined ? undefined : { k: 'num', v };
        }
        if ((op === '==' || op === '!=') && l?.k === 'range' && r?.k === 'num') return undefined;
        return undefined;
      }
      case 'unary_expression': {
        const v = this.eval(n.childForFieldName('argument'), c, fn);
        const op = n.child(0)?.text;
        if (v?.k === 'num') return { k: 'num', v: op === '!' ? (v.v === 0n ? 1n : 0n) : op === '-' ? -v.v : op === '~' ? ~v.v & ((1n << 64n) - 1n) : v.v };
        if (op === '!' && truth(v) !== undefined) return { k: 'num', v: truth(v) ? 0n : 1n };
        return undefined;
      }
      case 'call_expression': {
        const name = n.childForFieldName('function')?.text ?? '';
        const args = (n.childForFieldName('arguments')?.namedChildren ?? []);
        if (this.hints.readCr4.includes(name) || cr4Readers(this.index).has(name)) return { k: 'cr', cr: { ...EMPTY_CR, keepsCurrent: true } };
        if (this.hints.cpuId.includes(name)) return this.role.kind === 'bsp' ? { k: 'num', v: 0n } : this.role.kind === 'ap' ? { k: 'nonzero' } : undefined;
        if (this.hints.percpuAccessors.includes(name) && args[0]) {
          const cur = args[1] ? this.isCurrentCpu(this.eval(args[1], c, fn)) : true;
          const ref: TableRef = { kind: 'percpu', name: args[0].text };
          return cur ? { k: 'table', ref } : { k: 'table', ref: { kind: 'unknown', text: n.text } };
        }
        const returned = c.vals.get(retKey(n));
        if (returned) return returned;
        if (c.ret && /^(_|ACCESS_ONCE|READ_ONCE)/.test(name)) return c.ret;
        const k = this.index.macros.evaluate(n.text);
        return k === undefined ? undefined : { k: 'num', v: k };
      }
      case 'initializer_list': {
        let base: Val | undefined, limit: Val | undefined;
        let any = false;
        for (const p of n.namedChildren) {
          if (p?.type !== 'initializer_pair') continue;
          any = true;
          const field = p.childForFieldName('designator')?.text.replace(/^\./, '') ?? p.namedChildren[0]?.text.replace(/^\./, '');
          const value = p.childForFieldName('value');
          if (field === 'base' || field === 'address') base = this.eval(value, c, fn);
          if (field === 'limit' || field === 'size') limit = this.eval(value, c, fn);
        }
        if (!any || (limit?.k === 'num' && limit.v === 0n && (!base || (base.k === 'num' && base.v === 0n)))) return { k: 'desc', desc: { kind: 'empty' } };
        if (base?.k === 'table') return { k: 'desc', desc: { kind: 'table', table: base.ref } };
        return { k: 'desc', desc: { kind: 'unknown', text: n.text.replace(/\s+/g, ' ') } };
      }
      case 'field_expression': {
        // a half of a gate read back (`gate->a & ~(7UL << 32)`), or a field of a local struct being built
        const arg = n.childForFieldName('argument');
        const field = n.childForFieldName('field')?.text ?? '';
        const g = this.eval(arg, c, fn);
        if (g?.k === 'gate') return { k: 'word', w: memWord(gateMem(g, field)) };
        if (g?.k === 'struct') { const f = g.fields.get(field); return f && f.k !== 'unknown' ? f : undefined; }
        const local = arg?.type === 'identifier' ? c.vals.get(`${arg.text}.${field}`) : undefined;
        return local && local.k !== 'unknown' ? local : undefined;
      }
      case 'conditional_expression': return undefined;
      default: return undefined;
    }
  }

  // ---------------------------------------------------------------- assembly

  private walkAsm(unitIdx: number, start: number, ctxs: Ctx[], mode: 'top' | 'sub'): Ctx[] {
    const unit = this.index.units[unitIdx];
    const pending = new Map<number, Ctx[]>();
    const visited = new Set<number>();
    const returned: Ctx[] = [];
    const add = (pos: number, cs: Ctx[]): void => { if (cs.length > 0 && !visited.has(pos)) pending.set(pos, [...(pending.get(pos) ?? []), ...cs]); };
    add(start, ctxs);
    const { stmts: plain, loops } = unitFacts(unit);
    let budget = ASM_BUDGET;
    const at = (p: number): Range => unit.stmts[Math.min(p, unit.stmts.length - 1)].stmt.range;
    while (pending.size > 0) {
      let pos = Infinity;
      for (const p of pending.keys()) if (p < pos) pos = p;
      if (budget-- <= 0) { this.noteLimit({ limit: `assembler statement budget ${ASM_BUDGET}`, at: this.within[this.within.length - 1] ?? unit.root, effect: 'the rest of this walk of the unit is not followed', range: at(pos) }); break; }
      if (this.timeUp()) { this.timeLimitAt(at(pos)); break; }
      let cur = dedupe(pending.get(pos) ?? []);
      pending.delete(pos);
      if (visited.has(pos) || pos >= unit.stmts.length) continue;
      visited.add(pos);
      const { stmt, section } = unit.stmts[pos];
      if (TRACE) process.stderr.write(`${this.role.name} ${pos} ${stmt.kind} ${"text" in stmt ? stmt.text : ("name" in stmt ? stmt.name : "")}\n`);
      const file = stmt.range.file;
      if (stmt.kind === 'label') {
        this.within[this.within.length - 1] = /^\d+$|^\.L/.test(stmt.name) ? this.within[this.within.length - 1] : stmt.name;
        const loop = loops.get(pos);
        if (loop) {
          const base = cur[0]?.vals.get(loop.baseReg);
          const handlerSym = lastLea(plain, pos, loop.baseReg);
          if (base?.k === 'addr' || base?.k === 'table') {
            const ref: TableRef = base.k === 'table' ? base.ref : { kind: 'symbol', name: base.sym };
            const count = cur[0]?.vals.get('c');
            const n = count?.k === 'num' ? Number(count.v) : 256;
            cur = this.apply({ kind: 'gate', table: ref, vectors: Array.from({ length: Math.min(n, 256) }, (_, i) => i), handler: { symbol: handlerSym, init: handlerSym ? this.index.isInit(handlerSym) : false }, form: 'loop-two-halves', text: `fill loop: ${loop.text}` }, stmt.range, cur);
          }
          visited.add(loop.end); // the loop is summarised by its effect
          for (let p = pos + 1; p <= loop.end; p++) visited.add(p);
          add(loop.end + 1, cur);
          continue;
        }
        add(pos + 1, cur);
        continue;
      }
      if (stmt.kind === 'section') {
        const before = unit.stmts[pos - 1]?.section;
        if (before !== undefined && before !== section) continue; // code does not fall through into another section
        add(pos + 1, cur);
        continue;
      }
      if (stmt.kind !== 'insn') { add(pos + 1, cur); continue; }
      const flowMacro = this.index.asmFlowMacros.get(stmt.mnemonic);
      const m = flowMacro ?? stmt.mnemonic;
      const ops = stmt.operands;
      const range = stmt.range;
      const text = stmt.text.replace(/\s+/g, ' ');
      const target = (op: Operand | undefined): { pos?: number; sym?: string } => this.asmTarget(unitIdx, pos, op, cur[0]);
      if (m === 'jmp' || m === 'jmpq' || m === 'ljmp' || m === 'ljmpl' || m === 'jmpl') {
        const t = target(ops[ops.length - 1]);
        if (t.pos !== undefined) add(t.pos, cur);
        else if (t.sym) this.walkSymbol(t.sym, cur, { file, range }, 'top');
        else this.noteUnresolved(`${text}`, range);
        continue;
      }
      if (/^j[a-z]+$/.test(m) || m === 'loop' || m === 'jecxz' || m === 'jrcxz') {
        const t = target(ops[0]);
        const taken: Ctx[] = [], fall: Ctx[] = [];
        for (const c of cur) {
          const d = decideJcc(m, c);
          if (d !== false) taken.push(c);
          if (d !== true) fall.push(c);
        }
        const via = this.role.via ?? [];
        const tSym = t.sym ?? (t.pos !== undefined ? nameAt(unit.stmts[t.pos]?.stmt) : undefined);
        const onlyTarget = tSym !== undefined && via.includes(tSym) && taken.length > 0 && fall.length > 0 && taken.every((c) => fall.includes(c));
        add(pos + 1, onlyTarget ? [] : fall);
        if (t.pos !== undefined) { if (t.pos > pos || !visited.has(t.pos)) add(t.pos, taken); }
        else if (t.sym && taken.length > 0) this.walkSymbol(t.sym, taken, { file, range }, 'top');
        continue;
      }
      if (m === 'call' || m === 'callq' || m === 'calll') {
        const t = target(ops[0]);
        let back = cur;
        if (t.pos !== undefined) {
          const name = nameAt(unit.stmts[t.pos]?.stmt) ?? `${unit.root}:${t.pos}`;
          const callee = t.pos;
          if (this.callStack.length > MAX_DEPTH) this.depthLimit(name, range);
          else if (!this.callStack.includes(name)) back = this.asmCall(`${unitIdx}:${callee}`, this.linkFrom(name, range), cur, () => this.enter(name, { file, range }, () => this.walkAsm(unitIdx, callee, cur, 'sub')));
        } else if (t.sym) {
          back = this.walkSymbol(t.sym, cur, { file, range }, 'sub');
          if (this.index.noreturn.has(t.sym)) continue; // nothing after a call to a noreturn function runs
        } else this.noteUnresolved(text, range);
        add(pos + 1, back.map((c) => clobber(c)));
        continue;
      }
      if (/^(ret|retq|retl|lret|lretq|lretl|iret|iretq)$/.test(m)) {
        if (mode === 'sub' && !m.startsWith('l') && !m.startsWith('i')) { returned.push(...cur); continue; }
        const top = cur[0]?.stack[cur[0].stack.length - 1];
        if (top?.k === 'addr') {
          const popped = cur.map((c) => ({ ...c, stack: c.stack.slice(0, -2) }));
          const local = top.sym.startsWith('@') ? Number(top.sym.slice(1)) : unit.labels.get(top.sym);
          if (local !== undefined) add(local, popped); else this.walkSymbol(top.sym, popped, { file, range }, 'top');
        } else if (mode === 'sub') returned.push(...cur);
        continue;
      }
      if (m === 'ud2' || m === 'ud2a') continue;
      cur = this.asmInsn(m, ops, stmt.range, text, cur, unitIdx, pos, stmt.prefix);
      add(pos + 1, cur);
    }
    return mode === 'sub' ? dedupe(returned) : [];
  }

  private asmTarget(unitIdx: number, pos: number, op: Operand | undefined, c: Ctx | undefined): { pos?: number; sym?: string } {
    if (!op) return {};
    const unit = this.index.units[unitIdx];
    if (op.k === 'ind') {
      const inner = op.inner;
      if (inner.k === 'reg') { const v = c?.vals.get(regFamily(inner.reg)); if (v?.k === 'addr') return this.asmTarget(unitIdx, pos, { k: 'expr', text: v.sym, syms: [v.sym], numeric: null }, c); }
      return {};
    }
    if ((op.k === 'expr' || op.k === 'imm') && op.numeric) return { pos: numericLabel(unitFacts(unit).stmts, pos, op.numeric) };
    const syms = op.k === 'imm' || op.k === 'expr' || op.k === 'mem' ? op.syms : [];
    for (const s of syms) {
      const local = unit.labels.get(s);
      if (local !== undefined) return { pos: local };
      if (this.index.asmLabels.has(s) || this.index.functions.has(s)) {
        const l = this.index.asmLabels.get(s);
        if (l && l.unit === unitIdx) return { pos: l.pos };
        return { sym: s };
      }
    }
    return {};
  }

  private asmValue(op: Operand | undefined, c: Ctx): Val | undefined {
    if (!op) return undefined;
    if (op.k === 'reg') return c.vals.get(regFamily(op.reg));
    if (op.k === 'imm') {
      const v = this.index.macros.evaluate(op.text);
      if (v !== undefined) return { k: 'num', v };
      const s = op.syms.find((x) => this.index.asmLabels.has(x) || this.index.functions.has(x) || this.index.variables.has(x));
      return s ? { k: 'addr', sym: s } : undefined;
    }
    if (op.k === 'mem') {
      // only a plain `sym` / `sym(%rip)` names a variable; `FIELD(cr4)(%r15)` is some other memory
      const s = op.disp !== null && /^[A-Za-z_]\w*$/.test(op.disp.trim()) ? op.syms[0] : undefined;
      if (s && this.index.variable(s) && !this.index.variable(s)?.isArray) return { k: 'cr', cr: { ...EMPTY_CR, words: [s] } };
      if (s && this.index.asmLabels.has(s)) return { k: 'cr', cr: { ...EMPTY_CR, words: [s] } };
      return undefined;
    }
    return undefined;
  }

  private asmInsn(m: string, ops: Operand[], range: Range, text: string, cur: Ctx[], unitIdx: number, pos: number, prefix: string | null): Ctx[] {
    const setReg = (c: Ctx, reg: string, v: Val | undefined): Ctx => {
      const fam = regFamily(reg);
      // (a register left as it was keeps the context: no copy of its value map)
      if (v ? c.vals.has(fam) && identicalVal(c.vals.get(fam), v) : !c.vals.has(fam)) return c;
      const vals = new Map(c.vals);
      if (v) vals.set(fam, v); else vals.delete(fam);
      return { ...c, vals };
    };
    const base = m.replace(/[bwlq]$/, '');
    const sys = systemInsn(m);
    if (sys === 'lidt') return this.apply({ kind: 'lidt', desc: asmDescriptor(this.index, ops[0]), text }, range, cur);
    if (sys === 'lgdt') return this.apply({ kind: 'lgdt', text }, range, cur);
    if (sys === 'ltr') return this.apply({ kind: 'ltr', text }, range, cur);
    if (sys === 'sti' || sys === 'cli') return this.apply({ kind: 'irq', enabled: sys === 'sti', text }, range, cur);
    if ((base === 'mov' || m === 'mov') && ops[1]?.k === 'reg' && ops[1].reg === 'cr4') {
      const cr = asCr(cur[0] ? this.asmValue(ops[0], cur[0]) : undefined) ?? { ...EMPTY_CR, keepsCurrent: true };
      return this.apply({ kind: 'cr4', value: cr, text }, range, cur);
    }
    if (m === 'popf' || m === 'popfq' || m === 'popfl') {
      const top = cur[0]?.stack[cur[0].stack.length - 1];
      const next = cur.map((c) => ({ ...c, stack: c.stack.slice(0, -1) }));
      if (top?.k === 'num') return this.apply({ kind: 'irq', enabled: (top.v & 0x200n) !== 0n, text: `${text} (IF=${(top.v & 0x200n) !== 0n ? 1 : 0})` }, range, next);
      return next;
    }
    if (base === 'push' || m === 'push') return cur.map((c) => ({ ...c, stack: [...c.stack, this.asmValue(ops[0], c) ?? { k: 'nonzero' }].slice(-16) }));
    if (base === 'pop' || m === 'pop') return cur.map((c) => setReg({ ...c, stack: c.stack.slice(0, -1) }, ops[0]?.k === 'reg' ? ops[0].reg : '?', c.stack[c.stack.length - 1]));
    // instructions that write registers implicitly
    const clobbered = IMPLICIT_WRITES.get(m) ?? (/^(rep|repe|repne)?\s*(movs|stos|cmps|scas)/.test(m) || (prefix !== null && /rep/.test(prefix)) ? ['c', 'si', 'di'] : null);
    if (clobbered) return cur.map((c) => { const vals = new Map(c.vals); for (const r of clobbered) vals.delete(r); return { ...c, vals, flags: null }; });
    const dst = ops[ops.length - 1];
    if (dst?.k !== 'reg') return cur.map((c) => ({ ...c, flags: /^(cmp|test|bt)/.test(m) ? null : c.flags }));
    if (base === 'xor' || base === 'sub') {
      if (ops[0]?.k === 'reg' && regFamily(ops[0].reg) === regFamily(dst.reg)) return cur.map((c) => setReg(c, dst.reg, { k: 'num', v: 0n }));
      return cur.map((c) => setReg(c, dst.reg, undefined));
    }
    if (base === 'mov' || m === 'movabs' || m === 'movabsq' || base === 'movz' || m === 'movzbl' || m === 'movzwl') {
      return cur.map((c) => {
        let v = this.asmValue(ops[0], c);
        if (/^[abcd][lh]$|^[sd]il$|^r\d+b$/.test(dst.reg) && v?.k === 'num') v = v.v !== 0n ? { k: 'nonzero' } : undefined;
        return setReg(c, dst.reg, v);
      });
    }
    if (base === 'lea') {
      const numeric = ops[0]?.k === 'mem' ? ops[0].numeric : null;
      if (numeric) {
        // address of a numeric local label, as in `leaq 1f(%rip),%rax; pushq %rax; lretq`
        const at = numericLabel(unitFacts(this.index.units[unitIdx]).stmts, pos, numeric);
        return cur.map((c) => setReg(c, dst.reg, at !== undefined ? { k: 'addr', sym: `@${at}` } : undefined));
      }
      return cur.map((c) => {
        const s = ops[0]?.k === 'mem' ? ops[0].syms.find((x) => this.index.asmLabels.has(x) || this.index.functions.has(x) || this.index.variables.has(x)) : undefined;
        const isTable = s !== undefined && isTableSymbol(this.index, s);
        return setReg(c, dst.reg, s ? (isTable ? { k: 'table', ref: { kind: 'symbol', name: s } } : { k: 'addr', sym: s }) : undefined);
      });
    }
    if (base === 'or') return cur.map((c) => setReg(c, dst.reg, orVals(c.vals.get(regFamily(dst.reg)), this.asmValue(ops[0], c))));
    if (base === 'test' || base === 'cmp') {
      return cur.map((c) => {
        const a = ops[0], b = ops[1];
        if (base === 'test' && a?.k === 'reg' && b?.k === 'reg' && regFamily(a.reg) === regFamily(b.reg)) return { ...c, flags: { reg: regFamily(a.reg) } };
        if (base === 'cmp' && a?.k === 'imm' && b?.k === 'reg') { const v = this.index.macros.evaluate(a.text); return { ...c, flags: v !== undefined ? { reg: regFamily(b.reg), imm: v } : null }; }
        return { ...c, flags: null };
      });
    }
    // any other write to a register: its value is no longer known
    return cur.map((c) => setReg(c, dst.reg, undefined));
  }
}

/**
 * The fields that name the low 8 bytes of a 16-byte gate (`idt_entry_t { a, b }`, `{ lo, hi }`):
 * the half that holds the present bit, IST, type and offset 31:0.
 */
const LOW_HALF = ['a', 'lo', 'low'];

const handlersByFile = new WeakMap<WorkspaceIndex, Map<string, ReadonlySet<string>>>();

/**
 * Functions a file declares without the workspace defining them, `extern void h(void);` (entry
 * points built elsewhere, a handler a quick fix introduced): their names are addresses.
 * One line at a time, as such prototypes are written.
 */
function declaredHandlers(index: WorkspaceIndex, file: string): ReadonlySet<string> {
  let perFile = handlersByFile.get(index);
  if (!perFile) { perFile = new Map(); handlersByFile.set(index, perFile); }
  let names = perFile.get(file);
  if (!names) {
    const found = new Set<string>();
    for (const line of (index.texts.get(file) ?? '').split('\n')) {
      if (!line.includes('(void)') || !/^\s*(extern\s+)?(asmlinkage\s+)?void\s/.test(line)) continue;
      for (const m of line.matchAll(/([A-Za-z_]\w*)\s*\(\s*void\s*\)/g)) found.add(m[1]);
    }
    names = found;
    perFile.set(file, names);
  }
  return names;
}

/** The fields a local struct was given (`idte.a`, `idte.b`), or null when it has none. */
function structFields(vals: ReadonlyMap<string, Val>, name: string): ReadonlyMap<string, Val> | null {
  const prefix = `${name}.`;
  let out: Map<string, Val> | null = null;
  for (const [k, v] of vals) if (k.startsWith(prefix)) (out ??= new Map()).set(k.slice(prefix.length), v);
  return out;
}

/**
 * The returned values a caller keeps: machine values (a CR4 value, a descriptor, gate memory).
 * Not every value: a pointer the walk calls a table (`this_cpu(curr_vcpu)`) would decide the
 * caller's null checks and take its walk down paths that change no boot state (xen.git HEAD:
 * three times the steps).
 */
const RETURNED = new Set<string>(['cr', 'desc', 'gate', 'word']);

/** Where a walked call's return value is kept among the caller's locals: a name no C variable has. */
function retKey(call: SyntaxNode): string { return `\0ret@${call.startIndex}:${call.endIndex}:${call.text}`; }

/** The caller's locals with a call's return value, or without a stale one from another walk through the same place. */
function withReturn(vals: ReadonlyMap<string, Val>, key: string, ret: Val | undefined): ReadonlyMap<string, Val> {
  if (ret === undefined && !vals.has(key)) return vals;
  const out = new Map(vals);
  if (ret === undefined) out.delete(key); else out.set(key, ret);
  return out;
}

/** A name for one half of the gate memory a value points at (what a read-modify-write of it keeps). */
function gateMem(g: Extract<Val, { k: 'gate' }>, field: string): string {
  return `${valKey(g)}.${LOW_HALF.includes(field) ? 'low' : field}`;
}

/** `|`, `&`, `<<`, `>>` over address bits and constants: a gate half being composed (`(addr & 0xffff) | (1UL << 47)`). */
function composeWord(op: string | undefined, l: Val | undefined, r: Val | undefined): Val | undefined {
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

/** Instructions that write registers implicitly. */
const IMPLICIT_WRITES = new Map(Object.entries({ int: ['a', 'b', 'c', 'd', 'si', 'di', 'bp'], cpuid: ['a', 'b', 'c', 'd'], rdmsr: ['a', 'd'], rdtsc: ['a', 'd'], lodsb: ['a', 'si'], lodsw: ['a', 'si'], lodsl: ['a', 'si'], xgetbv: ['a', 'd'] }));

/** The pseudo file of a macro expansion's nodes. */
const MACRO_FILE = '<macro>';

function innermostName(n: SyntaxNode): string | null {
  let cur: SyntaxNode | null = n;
  while (cur && cur.type !== 'identifier') cur = cur.childForFieldName('declarator') ?? cur.namedChildren[0] ?? null;
  return cur?.text ?? null;
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

function descOf(v: Val | undefined, text: string): IdtDesc {
  if (v?.k === 'desc') return v.desc;
  if (v?.k === 'table') return { kind: 'table', table: v.ref };
  return { kind: 'unknown', text };
}

/** `per_cpu(idt, cpu)` -> `idt`; `idt_tables[cpu]` -> `idt_tables`. */
function slotName(text: string, index: WorkspaceIndex): string | null {
  const acc = /^\s*(?:\w+)\s*\(\s*(\w+)/.exec(text);
  if (acc && index.profile.hints.percpuAccessors.some((a) => text.trim().startsWith(a))) return acc[1];
  const arr = /^\s*(\w+)\s*\[/.exec(text);
  return arr ? arr[1] : null;
}

/** `for (v = A; v < B; v++)` with constant bounds: the values v takes. */
function loopRange(n: SyntaxNode, w: PathWalker): { name: string; vs: number[] } | null {
  const init = n.childForFieldName('initializer');
  const cond = n.childForFieldName('condition');
  if (!init || !cond || cond.type !== 'binary_expression') return null;
  const m = /^(?:\w+\s+)?(\w+)\s*=\s*(.+?);?$/.exec(init.text.trim());
  if (!m) return null;
  const idx = (w as unknown as { index: WorkspaceIndex }).index;
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
  const idx = (w as unknown as { index: WorkspaceIndex }).index;
  const drop = terms.map((t) => idx.macros.evaluate(t?.[2] ?? ''));
  if (drop.some((d) => d === undefined)) return null;
  return { name, drop: drop.map((d) => Number(d)) };
}

function decideJcc(m: string, c: Ctx): boolean | undefined {
  if (m === 'loop') return undefined;
  const f = c.flags;
  if (!f) return undefined;
  const v = c.vals.get(f.reg);
  let zero: boolean | undefined;
  if (f.imm === undefined) zero = v?.k === 'num' ? v.v === 0n : v?.k === 'nonzero' || v?.k === 'addr' ? false : undefined;
  else zero = v?.k === 'num' ? v.v === f.imm : undefined;
  if (zero === undefined) return undefined;
  if (m === 'jz' || m === 'je') return zero;
  if (m === 'jnz' || m === 'jne') return !zero;
  return undefined;
}

/** A context by content, registers and stack included: what an assembler call's result depends on. */
function ctxKey(c: Ctx): string {
  const vals = flatOf(c.vals).map((x) => (typeof x === 'string' ? x : valKey(x))).join(',');
  return `${stateKey(c.st)}/${vals}/${c.stack.map(valKey).join(',')}/${c.flags ? `${c.flags.reg}=${c.flags.imm ?? ''}` : ''}/${c.ret ? valKey(c.ret) : ''}`;
}

function clobber(c: Ctx): Ctx {
  if (c.flags === null && !CALLER_SAVED.some((r) => c.vals.has(r))) return c;
  const vals = new Map(c.vals);
  for (const r of CALLER_SAVED) vals.delete(r);
  return { ...c, vals, flags: null };
}

function nameAt(s: { kind: string; name?: string | null } | undefined): string | undefined {
  return s?.kind === "label" && s.name ? s.name : undefined;
}

function numericLabel(stmts: { kind: string; name?: string | null }[], pos: number, ref: string): number | undefined {
  const name = ref.slice(0, -1);
  if (ref.endsWith('f')) { for (let p = pos + 1; p < stmts.length; p++) if (stmts[p].kind === 'label' && stmts[p].name === name) return p; }
  else for (let p = pos; p >= 0; p--) if (stmts[p].kind === 'label' && stmts[p].name === name) return p;
  return undefined;
}

type FillLoops = ReturnType<typeof fillLoops>;
const unitCache = new WeakMap<AsmUnit, { stmts: AsmStmt[]; loops: FillLoops }>();

/** A unit's statements and fill loops, computed once per unit (every asm call walks the unit again). */
function unitFacts(unit: AsmUnit): { stmts: AsmStmt[]; loops: FillLoops } {
  let f = unitCache.get(unit);
  if (!f) {
    const stmts = unit.stmts.map((s) => s.stmt);
    f = { stmts, loops: fillLoops(stmts) };
    unitCache.set(unit, f);
  }
  return f;
}

/**
 * Loops that write whole 16-byte gates as two 8-byte stores through one register
 * (`1: movq %rax,(%rdi); movq %rdx,8(%rdi); addq $16,%rdi; loop 1b`): label position -> loop.
 */
function fillLoops(stmts: AsmStmt[]): Map<number, { end: number; baseReg: string; text: string }> {
  const out = new Map<number, { end: number; baseReg: string; text: string }>();
  for (let j = 0; j < stmts.length; j++) {
    const s = stmts[j];
    if (s.kind !== 'insn' || !/^(loop|j[a-z]+)$/.test(s.mnemonic) || s.mnemonic === 'jmp') continue;
    const op = s.operands[0];
    if (op?.k !== 'expr' || !op.numeric || !op.numeric.endsWith('b')) continue;
    const start = numericLabel(stmts as { kind: string; name?: string | null }[], j, op.numeric);
    if (start === undefined) continue;
    const stores = stmts.slice(start, j).filter((x): x is Extract<typeof x, { kind: 'insn' }> => x.kind === 'insn' && /^mov/.test(x.mnemonic) && x.operands[1]?.k === 'mem' && x.operands[0]?.k === 'reg');
    const offs = stores.map((x) => { const m = x.operands[1]; return m.k === 'mem' ? { base: m.base, disp: m.disp ?? '0' } : null; });
    const base = offs[0]?.base;
    if (stores.length === 2 && base && offs.every((o) => o?.base === base) && offs[0]?.disp === '0' && offs[1]?.disp === '8') {
      out.set(start, { end: j, baseReg: regFamily(base), text: `${stores[0].text.trim()}; ${stores[1].text.trim()}` });
    }
  }
  return out;
}

/** The last `lea SYM(%rip), reg` before a loop, not into the loop's table register: the handler a fill loop writes. */
function lastLea(stmts: AsmStmt[], pos: number, tableReg: string): string | null {
  for (let p = pos - 1; p >= 0 && pos - p < 40; p--) {
    const s = stmts[p];
    if (s.kind === 'label' && !/^\d+$/.test(s.name)) break;
    const into = s.kind === 'insn' ? s.operands[1] : undefined;
    if (s.kind === 'insn' && s.mnemonic.startsWith('lea') && s.operands[0]?.k === 'mem' && s.operands[0].syms[0] && !/idt|table/.test(s.operands[0].syms[0]) && !(into?.k === 'reg' && regFamily(into.reg) === tableReg)) return s.operands[0].syms[0];
  }
  return null;
}

export type { CrValue };
