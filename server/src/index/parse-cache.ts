// The C parses an index keeps: whole-file trees, copies of single function definitions, and the
// trees of the functions edits parsed again (for an incremental re-parse of the next edit).
import type { Node, Tree } from 'web-tree-sitter';
import { snapshot, type PriorCopy, type SyntaxNode } from '../parse/syntax';
import type { ParserHost } from '../parse/parser';
import { editBetween } from '../parse/parser';
import type { MacroTable } from './macros';
import { blankAttributes, type CFunction } from './c-index';

/**
 * C parses kept across runs by a long-lived host (the language server), each with the file text
 * it was made from: whole-file trees (wasm memory, freed by the cache's owner) and copies of
 * function definitions (plain JS).
 */
export interface TreeCache {
  files: Map<string, Cached<Tree>>;
  functions: Map<string, Cached<SyntaxNode | null>>;
  /** The trees of the functions edits parsed again, least recently parsed first, for the next edit of them. */
  edited: Map<string, KeptParse>;
}
interface Cached<T> { text: string; value: T }
/** A function's tree kept in wasm memory, with the (blanked) text it was parsed from and its copy. */
interface KeptParse { tree: Tree; body: string; copy: SyntaxNode | null }
/** The functions being edited at once, about: typing moves between a few. */
const MAX_KEPT = 8;
export function newTreeCache(): TreeCache { return { files: new Map(), functions: new Map(), edited: new Map() }; }
export function disposeTrees(cache: TreeCache): void {
  for (const t of cache.files.values()) t.value.delete();
  for (const k of cache.edited.values()) k.tree.delete();
  cache.files.clear();
  cache.functions.clear();
  cache.edited.clear();
}


/** The C tree of a whole file, parsed again when its text changed (the previous tree freed). */
export function fileTree(trees: TreeCache, host: ParserHost, macros: MacroTable, file: string, text: string): Tree {
  return cachedParse(trees.files, file, text, () => host.parse('c', blankAttributes(text, macros)), (old) => old.delete());
}

/**
 * The definition's syntax, from a parse of the function alone (the walk enters a few functions
 * of each large file, and a whole-file parse costs more than the rest of its analysis), copied
 * out of wasm: the walk reads it many times over.
 */
export function functionSyntax(trees: TreeCache, host: ParserHost, macros: MacroTable, fn: CFunction, text: string): SyntaxNode | null {
  const key = placeOf(fn);
  // by place, not offset: a copy counts offsets from its function's start (see placedText)
  return cachedParse(trees.functions, key, placedText(fn, text), (again) => parseFunction(trees, host, macros, fn, text, key, again));
}

/**
 * Parses and copies one definition, its text alone (the copy keeps its real lines and columns).
 * One parsed `again` (an edit changed it) keeps its tree for the next edit of it: typing in a
 * function re-parses, and copies out of wasm, only what the keystroke changed.
 */
function parseFunction(trees: TreeCache, host: ParserHost, macros: MacroTable, fn: CFunction, text: string, key: string, again: boolean): SyntaxNode | null {
  const at = { row: fn.range.line, column: fn.range.column };
  const body = blankAttributes(text.slice(fn.startIndex, fn.endIndex), macros);
  const kept = trees.edited.get(key);
  trees.edited.delete(key);
  let tree: Tree;
  let prior: PriorCopy | undefined;
  if (kept) {
    const edit = editBetween(kept.body, body);
    tree = host.reparse('c', kept.tree, edit, body);
    if (kept.copy) prior = { copy: kept.copy, start: edit.startIndex, oldEnd: edit.oldEndIndex, newEnd: edit.newEndIndex, changed: kept.tree.getChangedRanges(tree) };
    kept.tree.delete();
  } else tree = host.parse('c', body);
  let copy: SyntaxNode | null = null;
  try {
    const def = findDef(tree.rootNode, 0);
    copy = def ? snapshot(def, body, at, prior) : null;
  } finally {
    if (again) keepParse(trees.edited, key, { tree, body, copy });
    else tree.delete();
  }
  return copy;
}

const placed = new WeakMap<CFunction, string>();

/**
 * A function's text and the lines and columns where it starts and ends: its syntax copy holds
 * while these do, however the rest of its file changed (an edit re-parses the functions it
 * touched or moved to other lines): its offsets count from the function's start. A trace that
 * read the function holds while it does too. Made once per definition (an edit makes new ones),
 * so an unchanged one compares as the same string.
 */
export function placedText(fn: CFunction, fileText: string): string {
  let t = placed.get(fn);
  if (t === undefined) {
    const r = fn.range;
    t = `${r.line}:${r.column}-${r.endLine}:${r.endColumn}\n${fileText.slice(fn.startIndex, fn.endIndex)}`;
    placed.set(fn, t);
  }
  return t;
}

function findDef(root: Node, start: number): Node | null {
  let n: Node | null = root.descendantForIndex(start);
  while (n && !(n.type === 'function_definition' && n.startIndex === start)) n = n.parent;
  return n;
}

/** Where a definition's copy is cached: its file, line and column. */
export function placeOf(fn: CFunction): string { return `${fn.file}@${fn.range.line}:${fn.range.column}`; }

/**
 * Drops the copies (and kept trees) of functions no longer at the place they were copied from,
 * in one file or in all: typing a line break moves every function below it, and a long session
 * would otherwise keep a copy of each at every line it has stood on.
 */
export function forgetMoved(trees: TreeCache, live: Set<string>, file?: string): void {
  for (const key of trees.functions.keys()) if ((file === undefined || key.startsWith(`${file}@`)) && !live.has(key)) trees.functions.delete(key);
  for (const [key, k] of trees.edited) if (!trees.functions.has(key)) { k.tree.delete(); trees.edited.delete(key); }
}

function keepParse(kept: Map<string, KeptParse>, key: string, parse: KeptParse): void {
  kept.set(key, parse);
  for (const [k, old] of kept) {
    if (kept.size <= MAX_KEPT) break;
    old.tree.delete();
    kept.delete(k);
  }
}

/** A cache entry, made again (the old one freed) when its file's text changed since; `make` is told whether there was one. */
function cachedParse<T>(cache: Map<string, Cached<T>>, key: string, text: string, make: (again: boolean) => T, free?: (old: T) => void): T {
  const hit = cache.get(key);
  if (hit && hit.text === text) return hit.value;
  if (hit) free?.(hit.value);
  const value = make(hit !== undefined);
  cache.set(key, { text, value });
  return value;
}
