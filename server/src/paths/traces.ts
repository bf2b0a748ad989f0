import { createHash } from 'node:crypto';
import type { Hints } from '../config';
import { placedText, type Picked, type WorkspaceIndex } from '../index/index';
import type { CFunction } from '../index/c-index';
import type { LimitHit, Range } from '../model/types';
import { calleeFacts } from './callee-facts';
import { GateTables, stateKey, type State } from './state';
import type { CallSite, Step } from './steps';
import { valKey, type Val } from './values';

/** What one walked call returned: the machine states (and return values) that came back. */
export interface CallOut {
  st: State; ret?: Val;
  /** What it stored through pointers to the caller's locals (`idt_init_desc(&desc, t)`), by the caller's names (`desc.bits.ist`). */
  writes?: ReadonlyMap<string, Val>;
}
export interface MemoEntry { outs: CallOut[]; sig?: string }

/** Identity of a call's result, by content: what a later walk must find for the same call. */
export function outsSig(e: MemoEntry): string {
  e.sig ??= e.outs.map((o) => `${stateKey(o.st)}/${o.ret ? valKey(o.ret) : ''}${o.writes ? [...o.writes].map(([k, v]) => `/${k}=${valKey(v)}`).join('') : ''}`).join(';');
  return e.sig;
}

/**
 * What a walked call read, in order, that is not in its memo key, and what it did besides
 * steps and call sites. A later walk re-uses the call only when every read answers the same.
 */
export type TraceEvent =
  /** A call already walked before this one began (or inside it): its result, by content. */
  | { k: 'hit'; key: string; sig: string }
  /** A call walked for the first time inside this one. */
  | { k: 'miss'; key: string }
  /** What decided whether a callee is walked at all (`calleeFacts`), of the definition the name picked then. */
  | { k: 'relevant'; sym: string; from: string | undefined; facts: string; picked: Picked }
  /**
   * A function's syntax, of the file text it was read from: same text at the same place, same
   * syntax. A trace read back from disk has the digest of the function's text as placed then
   * (`placedDigest`), and the file's text only when the file is as it was.
   */
  | { k: 'read'; fn: CFunction; fileText: string; placedDigest?: string }
  | { k: 'unresolved'; sym: string; range: Range }
  /** A limit noted (`once`: noted once per walk, a cap every later call meets). */
  | { k: 'limit'; hit: LimitHit; once: boolean }
  /** The BSP started the APs here (`first`: the first time on this path; `site`: the step number, shifted when replayed). */
  | { k: 'aps'; first: boolean; site: number; base: State | null }
  /**
   * A cap on unresolved targets or call sites was met: what the call records depends on all
   * before it, unless the cap was reached before the call began (then nothing more is recorded
   * either way).
   */
  | { k: 'capped'; cap: Cap };

/** The walk's caps on what it records (limits.ts): call sites, unresolved targets. */
export type Cap = 'calls' | 'unresolved';

/**
 * One call of a C function as a walk went through it: the walker state it began in, everything
 * it recorded, and what it read. Replaying it is the same as walking it again, when every
 * condition holds (see PathWalker.holds).
 */
export interface Trace {
  key: string;
  /** Functions being walked when the call began (recursion and depth cuts read them). */
  stack: readonly string[];
  chainLength: number;
  /** The role's entry (no call site): its steps' chains have no link for the call. */
  top: boolean;
  macroSite: Range | null;
  nesting: number;
  /** Deepest statement nesting reached inside, relative to `nesting`. */
  peak: number;
  /** Step count when the call began: gate sites in its states are step numbers. */
  firstStep: number;
  /** It wrote gates (their states name its steps by number): re-used only at the same step. */
  writesSites: boolean;
  /** Recording order when the call began, and how much of it the call used. */
  firstSeq: number;
  seqSpan: number;
  steps: Step[];
  calls: CallSite[];
  log: TraceEvent[];
  from: number;
  to: number;
  unresolvedSets: number;
  children: Trace[];
  entry: MemoEntry;
  /** The function never came back and is not noreturn: it returned the states it was given. */
  fellBack: boolean;
  /**
   * What the walk had recorded when the call began, as its caps count it: call sites, and
   * unresolved targets (a count at a cap: the call recorded nothing more of those).
   */
  callsAtStart: number;
  unresolvedCountAtStart: number;
  /**
   * The unresolved targets noted before the call began, when it met their cap inside (null
   * otherwise): from the same set, it notes the same targets and meets the cap at the same call.
   */
  unresolvedAtStart: readonly string[] | null;
}

/**
 * The walks of one editor session, kept for the next analysis of an edit: each role's traces
 * by memo key, and the gate tables their states name (their keys stay valid only with them).
 */
export class WalkMemory {
  readonly roles = new Map<string, Map<string, Trace>>();
  /** Over all roles: calls walked, and calls re-used from the previous walks (with all they called). */
  walked = 0;
  reused = 0;
  constructor(readonly gates: GateTables = new GateTables()) {}
}

/** Everything a trace reads from the index still answers the same (in the order the walk asked). */
export function readsHold(t: Trace, index: WorkspaceIndex, hints: Hints, memo: ReadonlyMap<string, MemoEntry>, startApsAt: number | null, capsHold: ReadonlySet<Cap>): boolean {
  const inside = new Set<string>();
  let apsNull = startApsAt === null;
  for (let i = t.from; i < t.to; i++) {
    const e = t.log[i];
    switch (e.k) {
      case 'hit': {
        if (inside.has(e.key)) break;
        const m = memo.get(e.key);
        if (!m || outsSig(m) !== e.sig) return false;
        break;
      }
      case 'miss':
        if (memo.has(e.key)) return false;
        inside.add(e.key);
        break;
      case 'relevant': {
        const fn = index.pickedAgain(e.sym, e.from, e.picked);
        if (!fn || calleeFacts(index, hints, fn) !== e.facts) return false;
        break;
      }
      case 'read':
        if (!sameSyntax(index, e)) return false;
        break;
      case 'aps':
        if (e.first !== apsNull) return false;
        apsNull = false;
        break;
      // a cap met inside: the same only where the caller says so (`capsHold`, replay.ts)
      case 'capped': if (!capsHold.has(e.cap)) return false; break;
      case 'unresolved': case 'limit': break;
    }
  }
  return true;
}

/**
 * The function is still there with the same text at the same lines and columns (steps hold
 * lines and columns; its offset in the file may have moved with an edit above it on the same line).
 */
function sameSyntax(index: WorkspaceIndex, { fn, fileText, placedDigest: was }: TraceEvent & { k: 'read' }): boolean {
  const text = index.texts.get(fn.file);
  if (text === fileText) return true;
  const b = fn.range;
  const now = index.cFiles.get(fn.file)?.functions.find((f) => f.name === fn.name && f.range.line === b.line && f.range.column === b.column);
  if (now === undefined || text === undefined) return false;
  return was === undefined ? placedText(now, text) === placedText(fn, fileText) : placedDigest(placedText(now, text)) === was;
}

/** A function's text as placed (`placedText`), as a trace kept on disk names it. */
export function placedDigest(placed: string): string {
  return createHash('sha1').update(placed).digest('base64');
}
