import type { Range } from './model/types';
import { conclude, runRoles, type Analysis } from './engine';
import { languageOf } from './parse/parser';
import { lexCFile } from './index/c-lex';
import type { CFileIndex, CFunction } from './index/c-index';
import { scanFactsOf, type IndexCache, type WorkspaceIndex } from './index/index';
import { outlineText } from './index/config-regions';
import { scanMacros, type MacroDef } from './index/macros';
import { followSummaries, isRelevant, type Counterpart } from './summaries/relevance';
import { callsInit, namesTable } from './paths/callee-facts';

/**
 * An edit to one C file re-analysed from the analysis it replaces, when it changes only function
 * bodies: no definition the walk or the index's workspace-wide facts read changes. The index
 * takes the file's new functions. When the edited code is off every path (no function it
 * changes is boot-relevant before or after) and nothing the paths point at moves, the paths
 * stay; otherwise the roles are walked again, re-using every call whose trace still holds
 * (`prev.walks`: the previous walks' traces; without them, null). Rules and suppressions run
 * again. Anything else answers null: the caller re-analyses the tree. An answer also brings the
 * file's entry in `cache` (the index cache of the caller's whole analyses) up to the new text.
 */
export function reanalyzeEdit(prev: Analysis, file: string, text: string, cache?: IndexCache, timeLimitMs?: number): Analysis | null {
  // a source the configuration does not build, or a header no built source includes, is read by nothing
  if (prev.index.unread.has(file)) return prev;
  const before = prev.index.texts.get(file);
  const oldIndex = prev.index.cFiles.get(file);
  if (before === undefined || oldIndex === undefined || languageOf(file) !== 'c') return null;
  if (before === text) return prev;
  const change = changedLines(before, text);
  // lines of the preprocessor or suppression comments: re-analyse
  // (enumeration constants are read from the whole text, like the macros)
  if (/^[ \t]*#|trapline|\\$|\benum\b/m.test(change.old + '\n' + change.new)) return null;
  const config = prev.index.kernelConfig?.config ?? null;
  const outline = outlineText(config, file, text);
  const defs = scanMacros(file, outline);
  const hit = cache?.get(file);
  // the previous text's definitions were scanned when it was read or edited
  if (macroKey(hit?.text === before ? hit.defs : scanMacros(file, outlineText(config, file, before))) !== macroKey(defs)) return null;
  const ci = lexCFile(file, outline, prev.index.macros);
  if (ci.functions.length !== oldIndex.functions.length || ci.variables.length !== oldIndex.variables.length) return null;
  // what the file gives the index's text scans (features words, ORs into them, calls of the helpers
  // that OR, table copies, noreturn, flow macros) stays: compared whole, since a helper's name or
  // a pattern spanning lines need not show on the changed lines
  if (scanFactsOfFile(prev.index, file, before, oldIndex) !== scanFactsOfFile(prev.index, file, text, ci)) return null;
  for (let i = 0; i < ci.variables.length; i++) {
    const a = oldIndex.variables[i], b = ci.variables[i];
    if (a.name !== b.name || a.section !== b.section || a.init !== b.init || a.isArray !== b.isArray || a.isPointerArray !== b.isPointerArray) return null;
  }
  const changed: [CFunction, CFunction][] = [];
  for (let i = 0; i < ci.functions.length; i++) {
    const a = oldIndex.functions[i], b = ci.functions[i];
    if (a.name !== b.name || a.section !== b.section || a.isStatic !== b.isStatic || a.isInline !== b.isInline || a.params.join(',') !== b.params.join(',')) return null;
    if (before.slice(a.startIndex, a.endIndex) !== text.slice(b.startIndex, b.endIndex)) changed.push([a, b]);
  }
  const hints = prev.config.profile.hints;
  const t0 = performance.now();
  const index = prev.index.withCFile(file, text, ci);
  // the file's definitions by position (same names in the same order), and whether each kept its text
  const counterparts = new Map(oldIndex.functions.map((a, i) => [a, { fn: ci.functions[i], same: !changed.some(([x]) => x === a) }]));
  // (before the question below asks the previous index: what its walk asked is what is followed)
  followSummaries(prev.index, index, hints, counterpartIn(file, counterparts));
  // the new index's own summaries are left untouched until its walk asks (their cycle cuts
  // depend on the order of questions): this question gets summaries of its own
  // (what else a callee's definition tells the walk: a function that now names a gate table or
  // calls init code may be entered where it was passed over)
  const offPath = !changed.some(([a]) => isRelevant(prev.index, hints, a) || walkedAsWriter(prev, a, before)) && !changed.some(([, b]) => isRelevant(index, hints, b, { aside: true }))
    && !changed.some(([a, b]) => namesTable(prev.index, a) !== namesTable(index, b) || callsInit(prev.index, a) !== callsInit(index, b)) && unmoved(prev, file, change);
  if (!offPath && !prev.walks) return null;
  // same macros by name and body (their lines may have moved): the tree's macro key holds
  if (hit) cache?.set(file, { text, macroKey: hit.macroKey, configKey: hit.configKey, defs, c: ci });
  if (offPath) return conclude(prev.root, prev.config, index, prev.paths, prev.walks, prev.rules, { index: performance.now() - t0, paths: 0 });
  const t1 = performance.now();
  const { paths, walks } = runRoles(index, prev.config, { previous: prev.walks, keep: true, timeLimitMs });
  return conclude(prev.root, prev.config, index, paths, walks, prev.rules, { index: t1 - t0, paths: performance.now() - t1 });
}

/**
 * An old definition's counterpart in the edited index: the file's by position, every other the
 * same. Made apart from reanalyzeEdit: a closure made there would hold its whole scope, the
 * analysis it replaces included, and the new index's summaries keep it (each edit would keep
 * every analysis before it alive: 4 MB per edit on xen.git HEAD, 36 MB on Linux).
 */
function counterpartIn(file: string, counterparts: ReadonlyMap<CFunction, { fn: CFunction; same: boolean }>): Counterpart {
  return (old) => (old.file === file ? counterparts.get(old) : { fn: old, same: true });
}

const calleesOf = new WeakMap<Analysis['paths'], ReadonlySet<string>>();

/**
 * Was `fn` perhaps walked though its summary says it cannot change boot state? The walk enters
 * a callee handed gate memory (a gate writer no profile names): one called on a path that stores
 * through a parameter, or passes one on, may have been.
 */
function walkedAsWriter(prev: Analysis, fn: CFunction, text: string): boolean {
  if (fn.params.length === 0) return false;
  let callees = calleesOf.get(prev.paths);
  if (!callees) { callees = new Set(prev.paths.flatMap((p) => p.calls.map((c) => c.callee))); calleesOf.set(prev.paths, callees); }
  if (!callees.has(fn.name)) return false;
  const body = text.slice(fn.startIndex, fn.endIndex);
  return fn.params.some((p) => new RegExp(`\\b${p}\\s*->\\s*\\w+\\s*[|&^]?=(?!=)|\\*\\s*${p}\\s*=(?!=)|[(,]\\s*${p}\\s*[,)]`).test(body));
}

const scanFacts = new WeakMap<CFileIndex, { wide: object; facts: string }>();

/**
 * scanFactsOf once per lexed text under the same workspace-wide facts (this edit's new text is
 * the next edit's old one; a whole analysis may bring other variables or helpers).
 */
function scanFactsOfFile(index: WorkspaceIndex, file: string, text: string, ci: CFileIndex): string {
  let f = scanFacts.get(ci);
  if (f?.wide !== index.lineage) { f = { wide: index.lineage, facts: scanFactsOf(index, file, text, ci.functions) }; scanFacts.set(ci, f); }
  return f.facts;
}

interface Change { from: number; oldTo: number; newTo: number; old: string; new: string }

/** The lines an edit touches, old and new (first line, last line of each), and their text. */
function changedLines(a: string, b: string): Change {
  let p = 0;
  const n = Math.min(a.length, b.length);
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < n - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  const lineStart = a.lastIndexOf('\n', p - 1) + 1;
  const endOf = (t: string, at: number): number => { const e = t.indexOf('\n', at); return e < 0 ? t.length : e; };
  const oldText = a.slice(lineStart, endOf(a, a.length - s));
  const newText = b.slice(lineStart, endOf(b, b.length - s));
  const from = countLines(a, lineStart);
  return { from, oldTo: from + countLines(oldText, oldText.length), newTo: from + countLines(newText, newText.length), old: oldText, new: newText };
}

function countLines(t: string, to: number): number {
  let n = 0;
  for (let i = t.indexOf('\n'); i >= 0 && i < to; i = t.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Nothing the analysis points at in this file sits on a changed line or below one whose line
 * count changed (those ranges would have to move with the text).
 */
function unmoved(prev: Analysis, file: string, c: Change): boolean {
  const shifted = c.oldTo !== c.newTo;
  const clear = (r: Range): boolean => r.file !== file || r.endLine < c.from || (!shifted && r.line > c.oldTo);
  const lines = touched(prev);
  return (lines.get(file) ?? []).every(clear);
}

const touchedCache = new WeakMap<Analysis, Map<string, Range[]>>();

/** Every range the paths and findings hold, by file. */
function touched(a: Analysis): Map<string, Range[]> {
  let m = touchedCache.get(a);
  if (m) return m;
  const out = new Map<string, Range[]>();
  m = out;
  const add = (r: Range): void => { const l = out.get(r.file); if (l) l.push(r); else out.set(r.file, [r]); };
  for (const p of a.paths) {
    for (const s of p.steps) { add(s.range); for (const c of s.chain) add(c.range); }
    for (const c of p.calls) add(c.range);
    for (const u of p.unresolved) add(u.range);
  }
  for (const u of a.unusedSuppressions) add(u.range);
  for (const f of a.findings) {
    add(f.range);
    if (f.closes) add(f.closes.range);
    for (const c of f.chain) add(c.range);
    for (const r of f.related) add(r.range);
    for (const s of f.flow) add(s.range);
  }
  touchedCache.set(a, out);
  return out;
}

function macroKey(defs: MacroDef[]): string {
  return defs.map((d) => `${d.name}(${d.params?.join(',') ?? ''})${d.body}|${d.requires.join(',')}`).join('\n');
}
