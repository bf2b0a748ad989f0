/**
 * One role's walk: the state it carries (chain, call stack, memo, open traces, limits), the
 * step sink, and its entry. The transfer functions beside it take it as their first argument:
 * drive-c, c-assign, c-calls, c-inline-asm and eval-c for C; drive-asm and asm-insn for
 * assembler; apply for effects onto machine state; calls between functions; replay for traces.
 */
import type { Hints } from '../config';
import { cr4Shadows } from '../effects/cr4-shadow';
import { type CFunction, rangeOf } from '../index/c-index';
import type { WorkspaceIndex } from '../index/index';
import type { ChainLink, Effect, LimitHit, Range, RoleConfig } from '../model/types';
import type { SyntaxNode } from '../parse/syntax';
import { applyTo } from './apply';
import { walkSymbol } from './calls';
import { type Ctx, MACRO_FILE } from './context';
import { CLOCK_EVERY, MAX_DEPTH, MAX_NESTING, TIME_LIMIT, TRACE } from './limits';
import type { AsmRecord, OpenTrace } from './replay';
import { type GateTables, type State, stateKey } from './state';
import { seesLateWords } from '../model/roles';
import type { CallSite, RolePath, Step, StepEffect } from './steps';
import type { MemoEntry, Trace, TraceEvent } from './traces';
import { type Val, handsGateMemory } from './values';

/** The walk of one role from its entry (see the module comment). */
export class PathWalker {
  readonly steps: Step[] = [];
  readonly unresolved = new Map<string, Range>();
  readonly calls: CallSite[] = [];
  seq = 0;
  startApsAt: number | null = null;
  apBase: State | null = null;
  readonly chain: ChainLink[] = [];
  readonly callStack: string[] = [];
  readonly within: string[] = [];
  readonly macroTrees = new Map<string, SyntaxNode | null>();
  /** Summaries of calls already walked: same function, same arguments, same machine states in -> same states out. */
  readonly memo = new Map<string, MemoEntry>();
  /** This walk's C calls by memo key, walked or re-used (kept when the walker records). */
  readonly traces = new Map<string, Trace>();
  /** Calls walked, and calls re-used from the previous walk's traces. */
  readonly counts = { walked: 0, reused: 0 };
  /** What the recorded calls read, in walk order (each trace is a slice). */
  readonly log: TraceEvent[] = [];
  /** Traces being recorded, innermost last. */
  readonly open: OpenTrace[] = [];
  unresolvedSets = 0;
  /** Gate writes so far: their states hold the step number that wrote them. */
  siteWrites = 0;
  /** Deepest statement nesting since the innermost open trace began. */
  peak = 0;
  /** How many conditional branches of the current function we are inside: a noreturn call there is an error exit. */
  condDepth = 0;
  nesting = 0;
  /** While a macro expansion is walked: where the macro is called (its nodes are not in any file). */
  macroSite: Range | null = null;
  /**
   * The call that handed gate memory to the function being walked (`set_ist(&idt_table[2], 1)`):
   * what is stored there is the caller's gate write, reported at that call, as it reads in the
   * boot code, whatever the writer is called and however it is built inside.
   */
  writer: { range: Range; text: string; chain: number; within: string } | null = null;
  /** Where a limit stopped this path, each place once. */
  readonly limits: LimitHit[] = [];
  readonly limitsAt = new Set<string>();
  /** Every unresolved target noted, in order (an assembler call's record takes its slice). */
  readonly noted: [string, Range][] = [];
  /** Assembler calls by key: met once (null), or what their second walk did (a third does the same). */
  readonly asmCalls = new Map<string, AsmRecord | null>();
  ticks = 0;
  /** The time limit passed: every statement from here on is skipped. */
  expired = false;

  constructor(readonly index: WorkspaceIndex, readonly hints: Hints, readonly role: RoleConfig,
    /** The states the role starts in: the reset state in the memory it starts from (paths/roles.ts). */
    readonly start: readonly State[],
    readonly gates: GateTables,
    /** The previous walk's traces of this role (an editor session), re-used where they still hold. */
    readonly previous: ReadonlyMap<string, Trace> | null = null,
    /** Record traces for the next walk (costs a little; the command line does not). */
    readonly recording = false,
    /** The time limit of the analysis (`deadline` in performance.now() time), or none. */
    readonly timeLimit: { deadline: number; ms: number } | null = null) {}

  get lateWords(): boolean { return seesLateWords(this.role); }
  shadowWords: ReadonlySet<string> | null = null;
  get shadows(): ReadonlySet<string> { return this.shadowWords ??= cr4Shadows(this.index); }

  /** The value of a features word as this CPU sees it (an AP, or a role after boot, also sees every bit ORed in anywhere). */
  wordView = (st: State, w: string): bigint => {
    const own = st.features.get(w) ?? this.initialWord(w);
    return this.lateWords ? own | this.wordHull(w) : own;
  };

  /** Every bit the tree ORs into a features word anywhere. */
  wordHull(w: string): bigint { return this.index.featuresOrs.get(w) ?? 0n; }
  initialWord(w: string): bigint {
    const init = this.index.variable(w)?.init;
    return init ? this.index.macros.evaluate(init) ?? 0n : 0n;
  }

  run(): RolePath {
    const entries = Array.isArray(this.role.entry) ? this.role.entry : [this.role.entry];
    const entry = entries.find((e) => this.index.asmLabels.has(e) || this.index.functions.has(e)) ?? null;
    if (entry) {
      this.within.push(entry);
      walkSymbol(this, entry, this.start.map((st) => ({ st, vals: new Map(), stack: [], flags: null })), null, 'top');
    }
    return { role: this.role, entry, steps: this.steps, unresolved: [...this.unresolved].map(([symbol, range]) => ({ symbol, range })), startApsAt: this.startApsAt, calls: this.calls, limits: this.limits };
  }

  record(effect: StepEffect, range: Range, ctxs: Ctx[], next: Ctx[]): void {
    const w = this.writer;
    const chain = w ? this.chain.slice(0, w.chain) : [...this.chain];
    this.steps.push({
      index: this.steps.length, seq: this.seq++, effect, range, chain, within: w ? w.within : this.within[this.within.length - 1] ?? '',
      depth: chain.length, before: ctxs.map((c) => c.st), after: next.map((c) => c.st),
    });
  }

  apply(effect: Effect, range: Range, ctxs: Ctx[]): Ctx[] {
    const site = this.steps.length;
    if (effect.kind === 'gate' || effect.kind === 'ist') this.siteWrites++;
    const next = ctxs.map((c) => ({ ...c, st: applyTo(this, c.st, effect, site) }));
    // the boot state code tests later is memory, not an operation of the timeline
    if (effect.kind === 'global') return next;
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

  noteUnresolved(sym: string, range: Range): void {
    this.unresolved.set(sym, range);
    this.noted.push([sym, range]);
    if (this.recording) { this.log.push({ k: 'unresolved', sym, range }); this.unresolvedSets++; }
  }

  /**
   * A limit stopped the walk here (noted once per limit and place, or once per walk for a cap
   * that every later call meets; `logged`: the trace log has it already).
   */
  noteLimit(hit: LimitHit, logged = false, oncePerWalk = false): void {
    const r = hit.range;
    const where = oncePerWalk ? hit.limit : `${hit.limit}@${r.file}:${r.line}:${r.column}`;
    if (this.limitsAt.has(where)) return;
    this.limitsAt.add(where);
    this.limits.push(hit);
    if (this.recording && !logged) this.log.push({ k: 'limit', hit, once: oncePerWalk });
  }

  depthLimit(sym: string, range: Range): void {
    this.noteLimit({ limit: `call depth limit ${MAX_DEPTH}`, at: sym, effect: 'the call is not followed', range });
  }

  /** True once the time limit has passed (the clock is read every CLOCK_EVERY C calls and assembler statements). */
  timeUp(): boolean {
    if (this.expired) return true;
    if (this.timeLimit === null || ++this.ticks % CLOCK_EVERY !== 0 || performance.now() <= this.timeLimit.deadline) return false;
    this.expired = true;
    return true;
  }

  /** Where the time limit stopped the walk: the first statement that saw it. */
  timeLimitAt(range: Range): void {
    if (this.timeLimit === null || this.limits.some((h) => h.limit.startsWith(TIME_LIMIT))) return;
    this.noteLimit({ limit: `${TIME_LIMIT} ${this.timeLimit.ms / 1000} s`, at: this.within[this.within.length - 1] ?? '', effect: 'the analysis stopped here; the rest of the path is not checked', range });
  }

  /** The link a call adds to the chain: the function it is made from, and where. */
  linkFrom(sym: string, range: Range): ChainLink {
    return { symbol: this.within[this.within.length - 1] ?? sym, range };
  }

  enter<T>(sym: string, from: { file: string; range: Range } | null, body: () => T): T {
    if (from) this.chain.push(this.linkFrom(sym, from.range));
    this.callStack.push(sym);
    this.within.push(sym);
    try { return body(); } finally {
      this.within.pop();
      this.callStack.pop();
      if (from) this.chain.pop();
    }
  }

  nestingLimit(n: SyntaxNode, fn: CFunction): void {
    this.noteLimit({ limit: `nesting limit ${MAX_NESTING}`, at: this.within[this.within.length - 1] ?? fn.name, effect: 'the code nested deeper is not followed', range: this.rangeIn(fn, n) });
  }

  /**
   * `walk` with this call as the gate writer when it hands gate memory over (a gate, or a table
   * with a vector: `write_idt_entry(idt, t->vector, &desc)`) and no outer call did.
   */
  asWriter<T>(args: readonly (Val | undefined)[], text: string, range: Range, walk: () => T): T {
    if (this.writer || !handsGateMemory(args)) return walk();
    this.writer = { range, text, chain: this.chain.length, within: this.within[this.within.length - 1] ?? '' };
    try { return walk(); } finally { this.writer = null; }
  }

  /** Where a node of `fn` is: inside a macro expansion, the macro's call site in the user's file. */
  rangeIn(fn: CFunction, n: SyntaxNode): Range {
    return fn.file === MACRO_FILE && this.macroSite ? this.macroSite : rangeOf(fn.file, n);
  }
}
