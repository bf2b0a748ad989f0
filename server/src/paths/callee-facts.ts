/**
 * What of a callee's own definition decides whether the walk enters it (calls.ts,
 * `worthWalking`): a trace that asked must find the same answers again, or its re-use would
 * skip a call the walk now enters (or enter one it now skips).
 */
import type { Hints } from '../config';
import type { CFunction } from '../index/c-index';
import { isTableSymbol, type Lineage, type WorkspaceIndex } from '../index/index';
import { isRelevant } from '../summaries/relevance';

/** It names a gate table: handed a handler's address, it may write a gate of that table. */
export function namesTable(index: WorkspaceIndex, fn: CFunction): boolean {
  return fn.refs.some((r) => isTableSymbol(index, r));
}

/** It calls init code (another function than itself, that its file can name). */
export function callsInit(index: WorkspaceIndex, fn: CFunction): boolean {
  return fn.callees.some((x) => x !== fn.name && index.visibleFunction(x, fn.file) !== undefined && index.isInit(x, fn.file));
}

/**
 * `namesTable` and `callsInit` of a definition, made once per lineage: the indexes an edit of
 * function bodies makes share the workspace-wide facts they read (which names are tables,
 * functions, init code), and an edited function is a new definition.
 */
const perLineage = new WeakMap<Lineage, WeakMap<CFunction, string>>();

/** The three answers, as one string: the relevance summary (cached by the summaries), `namesTable`, `callsInit`. */
export function calleeFacts(index: WorkspaceIndex, hints: Hints, fn: CFunction): string {
  let known = perLineage.get(index.lineage);
  if (!known) { known = new WeakMap(); perLineage.set(index.lineage, known); }
  let own = known.get(fn);
  if (own === undefined) {
    own = `${namesTable(index, fn) ? 't' : '-'}${callsInit(index, fn) ? 'i' : '-'}`;
    known.set(fn, own);
  }
  return `${isRelevant(index, hints, fn) ? 'r' : '-'}${own}`;
}
