/**
 * What of a callee's own definition decides whether the walk enters it (calls.ts,
 * `worthWalking`): a trace that asked must find the same answers again, or its re-use would
 * skip a call the walk now enters (or enter one it now skips).
 */
import type { Hints } from '../config';
import type { CFunction } from '../index/c-index';
import { isTableSymbol, type WorkspaceIndex } from '../index/index';
import { isRelevant } from '../summaries/relevance';

/** It names a gate table: handed a handler's address, it may write a gate of that table. */
export function namesTable(index: WorkspaceIndex, fn: CFunction): boolean {
  return fn.refs.some((r) => isTableSymbol(index, r));
}

/** It calls init code (another function than itself, that its file can name). */
export function callsInit(index: WorkspaceIndex, fn: CFunction): boolean {
  return fn.callees.some((x) => x !== fn.name && index.visibleFunction(x, fn.file) !== undefined && index.isInit(x, fn.file));
}

const perIndex = new WeakMap<WorkspaceIndex, WeakMap<CFunction, string>>();

/** The three answers, as one string: the relevance summary, `namesTable`, `callsInit` (asked by every trace that meets the callee: made once per index). */
export function calleeFacts(index: WorkspaceIndex, hints: Hints, fn: CFunction): string {
  let known = perIndex.get(index);
  if (!known) { known = new WeakMap(); perIndex.set(index, known); }
  let facts = known.get(fn);
  if (facts === undefined) {
    facts = `${isRelevant(index, hints, fn) ? 'r' : '-'}${namesTable(index, fn) ? 't' : '-'}${callsInit(index, fn) ? 'i' : '-'}`;
    known.set(fn, facts);
  }
  return facts;
}
