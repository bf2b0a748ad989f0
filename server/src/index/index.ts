import * as path from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { snapshot, type PriorCopy, type SyntaxNode } from '../parse/syntax';
import type { ParserHost } from '../parse/parser';
import { editBetween, languageOf } from '../parse/parser';
import { DEFAULT_MAX_FILE_SIZE, type Profile } from '../config';
import type { LimitHit } from '../model/types';
import { pushTo } from '../model/maps';
import { MacroTable, scanMacros, splitArgs, matchParen, type MacroDef } from './macros';
import { blankAttributes, type CFileIndex, type CFunction, type CVariable } from './c-index';
import { lexCFile } from './c-lex';
import { indexAsmTree, type AsmFile, type AsmStmt } from './asm-index';
import { byPreference, listSourceFiles } from './workspace';
import { LayeredMap } from './layered-map';
import { isSkipped, withSource, type Skipped } from './read-source';

export interface UnitStmt { stmt: AsmStmt; section: string; bits: 16 | 32 | 64 }
/** A root `.S` file with its `#include`d `.S` files spliced in where they are included. */
export interface AsmUnit { root: string; stmts: UnitStmt[]; labels: Map<string, number> }
export interface AsmLabelRef { unit: number; pos: number; section: string }
/** `memcpy(per_cpu(idt, cpu), bsp_idt, ...)`: how a per-CPU table is made from a shared one. */
export interface CopyRecipe { fn: CFunction; dst: string; src: string; offset: number }
/** A function that ORs its parameter `param` into a features word (`set_in_cr4(mask)`: `mmu_cr4_features |= mask`). */
export interface FeatureHelper { fn: string; param: number; word: string }

/**
 * The indexes made from one build by edits of function bodies (`withCFile`): they share the
 * workspace-wide facts (variables, features words and helpers, ...), and each edit records the
 * function names it redefined, by version.
 */
export interface Lineage { readonly redefined: Map<string, number> }
/** A definition `pickFunction` answered, in which index. */
export interface Picked { fn: CFunction; lineage: Lineage; version: number }

export interface IndexStats { files: number; cFiles: number; asmFiles: number; bytes: number; skipped: { file: string; reason: string }[] }

const MAX_INCLUDE_DEPTH = 8;
/** Statements read into one assembly unit, its includes spliced in (xen.git's largest unit, boot/head.S, has about 1,800): against include fan-outs. */
const MAX_UNIT_STMTS = 200000;
/** Predefined by the compiler for `.S` files on x86-64. */
const PREDEFINED = new Set(['__ASSEMBLY__', '__x86_64__', '__ELF__', '__GNUC__']);

export class WorkspaceIndex {
  readonly functions: ReadonlyMap<string, CFunction[]>;
  readonly variables: ReadonlyMap<string, CVariable[]>;
  readonly units: AsmUnit[] = [];
  /** Where a limit stopped the reading of the tree (TL900 reports them). */
  readonly limits: LimitHit[] = [];
  readonly asmLabels = new Map<string, AsmLabelRef>();
  /** Variables whose value is loaded into CR4 somewhere (`write_cr4(mmu_cr4_features)`, `mov sym(%rip),%rcx; mov %rcx,%cr4`). */
  readonly featureWords = new Set<string>();
  /** Bits ORed into each features word anywhere in the tree (directly or through a helper such as set_in_cr4). */
  readonly featuresOrs = new Map<string, bigint>();
  readonly copyRecipes: CopyRecipe[] = [];
  readonly featureHelpers: FeatureHelper[] = [];
  /** Assembler macros that jump to or call their first argument (`tailcall fn`). */
  readonly asmFlowMacros = new Map<string, 'jmp' | 'call'>();
  /** Functions declared `noreturn` anywhere (prototype or definition). */
  readonly noreturn = new Set<string>();
  /** Each C file's own index, as read (an edit replaces one of these, see `withCFile`). */
  readonly cFiles = new Map<string, CFileIndex>();
  private readonly trees: TreeCache;
  private readonly picked = new Map<string, Map<string, CFunction>>();
  private readonly ownsTrees: boolean;

  /** The build this index comes from by edits of function bodies (`withCFile`), and how many edits on. */
  readonly lineage: Lineage;
  readonly version: number;

  constructor(readonly root: string, readonly texts: Map<string, string>, readonly macros: MacroTable,
    readonly host: ParserHost, readonly profile: Profile, readonly stats: IndexStats, shared: TreeCache | undefined,
    /** Definitions by name, C functions and variables; an edit's index also names its lineage and version. */
    made: { functions: ReadonlyMap<string, CFunction[]>; variables: ReadonlyMap<string, CVariable[]>; lineage?: Lineage; version?: number }) {
    this.functions = made.functions;
    this.variables = made.variables;
    this.lineage = made.lineage ?? { redefined: new Map() };
    this.version = made.version ?? 0;
    this.trees = shared ?? newTreeCache();
    this.ownsTrees = shared === undefined;
  }

  /** The definition of a C function, preferring one near the file asking (same directory tree). */
  pickFunction(name: string, fromFile?: string): CFunction | undefined {
    const defs = this.functions.get(name);
    if (!defs || defs.length === 0) return undefined;
    if (defs.length === 1 || !fromFile) return defs[0];
    // the walk and the summaries ask the same few questions many times
    let byFile = this.picked.get(name);
    if (!byFile) { byFile = new Map(); this.picked.set(name, byFile); }
    let pick = byFile.get(fromFile);
    if (!pick) {
      pick = [...defs].sort((x, y) => closeness(y.file, fromFile) - closeness(x.file, fromFile))[0];
      byFile.set(fromFile, pick);
    }
    return pick;
  }

  /**
   * What `pickFunction(name, fromFile)` answers, given that it answered `was.fn` in the index of
   * this lineage at `was.version`: that, without a lookup, while no edit since redefined the name
   * (a trace re-checks thousands of such answers per keystroke, in a map of ten thousand names).
   */
  pickedAgain(name: string, fromFile: string | undefined, was: Picked): CFunction | undefined {
    if (was.lineage === this.lineage && (this.lineage.redefined.get(name) ?? -1) <= was.version) return was.fn;
    return this.pickFunction(name, fromFile);
  }

  variable(name: string): CVariable | undefined { return this.variables.get(name)?.[0]; }

  /** Section a symbol lives in: C annotation or the asm section its label sits in. */
  sectionOf(sym: string): string | null {
    const fn = this.functions.get(sym)?.[0];
    if (fn) return fn.section ?? '.text';
    const v = this.variables.get(sym)?.[0];
    if (v) return v.section ?? '.data';
    const l = this.asmLabels.get(sym);
    return l ? l.section : null;
  }

  /** A function `fromFile` can name: a static one only from its own file. */
  visibleFunction(name: string, fromFile: string): CFunction | undefined {
    const f = this.pickFunction(name, fromFile);
    return f && (!f.isStatic || f.file === fromFile || !f.file.endsWith('.c')) ? f : undefined;
  }

  isInit(sym: string, fromFile?: string): boolean {
    const fn = fromFile ? this.pickFunction(sym, fromFile) : undefined;
    const s = fn ? fn.section ?? '.text' : this.sectionOf(sym);
    return s !== null && isInitSection(s);
  }

  /** The C tree of a file, parsed again on demand (for the code actions that read a whole file). */
  cTree(file: string): Tree {
    const text = this.texts.get(file) ?? '';
    return cachedParse(this.trees.files, file, text, () => this.host.parse('c', blankAttributes(text, this.macros)), (old) => old.delete());
  }

  /**
   * The definition's syntax, from a parse of the function alone (the walk enters a few functions
   * of each large file, and a whole-file parse costs more than the rest of its analysis), copied
   * out of wasm: the walk reads it many times over.
   */
  functionNode(fn: CFunction): SyntaxNode | null {
    const text = this.texts.get(fn.file) ?? '';
    const key = placeOf(fn);
    // by place, not offset: a copy counts offsets from its function's start (see placedText)
    return cachedParse(this.trees.functions, key, placedText(fn, text), (again) => this.parseFunction(fn, text, key, again));
  }

  /**
   * Parses and copies one definition, its text alone (the copy keeps its real lines and columns).
   * One parsed `again` (an edit changed it) keeps its tree for the next edit of it: typing in a
   * function re-parses, and copies out of wasm, only what the keystroke changed.
   */
  private parseFunction(fn: CFunction, text: string, key: string, again: boolean): SyntaxNode | null {
    const at = { row: fn.range.line, column: fn.range.column };
    const body = blankAttributes(text.slice(fn.startIndex, fn.endIndex), this.macros);
    const kept = this.trees.edited.get(key);
    this.trees.edited.delete(key);
    let tree: Tree;
    let prior: PriorCopy | undefined;
    if (kept) {
      const edit = editBetween(kept.body, body);
      tree = this.host.reparse('c', kept.tree, edit, body);
      if (kept.copy) prior = { copy: kept.copy, start: edit.startIndex, oldEnd: edit.oldEndIndex, newEnd: edit.newEndIndex, changed: kept.tree.getChangedRanges(tree) };
      kept.tree.delete();
    } else tree = this.host.parse('c', body);
    let copy: SyntaxNode | null = null;
    try {
      const def = findDef(tree.rootNode, 0);
      copy = def ? snapshot(def, body, at, prior) : null;
    } finally {
      if (again) keepParse(this.trees.edited, key, { tree, body, copy });
      else tree.delete();
    }
    return copy;
  }

  /**
   * This index with one C file read again: same macros, asm and workspace-wide facts (the caller
   * has checked the edit cannot change those). Shares the tree cache.
   */
  withCFile(file: string, text: string, ci: CFileIndex): WorkspaceIndex {
    const texts = new Map(this.texts).set(file, text);
    // the names the file does not define are shared, not copied (ten thousand, for each keystroke)
    const functions = new LayeredMap(this.functions), variables = new LayeredMap(this.variables);
    const version = this.version + 1;
    const next = new WorkspaceIndex(this.root, texts, this.macros, this.host, this.profile, this.stats, this.trees, { functions, variables, lineage: this.lineage, version });
    const old = this.cFiles.get(file);
    // replace the file's definitions in place of the old ones (preference order is kept)
    const swap = <T extends { file: string; name: string }>(m: LayeredMap<string, T[]>, before: T[], after: T[]): void => {
      for (const name of new Set([...before, ...after].map((d) => d.name))) {
        const defs = (m.get(name) ?? []).filter((d) => d.file !== file);
        const mine = after.filter((d) => d.name === name);
        const at = (m.get(name) ?? []).findIndex((d) => d.file === file);
        defs.splice(at < 0 ? defs.length : at, 0, ...mine);
        if (defs.length > 0) m.set(name, defs); else m.delete(name);
      }
    };
    swap(functions, old?.functions ?? [], ci.functions);
    // a name the file does not define keeps its definitions, so its picks hold
    const touched = new Set([...(old?.functions ?? []), ...ci.functions].map((d) => d.name));
    for (const [name, byFile] of this.picked) if (!touched.has(name)) next.picked.set(name, byFile);
    forgetMoved(this.trees, new Set(ci.functions.map(placeOf)), file);
    // (never lowered: an index made and dropped only makes later answers be looked up again)
    for (const name of touched) this.lineage.redefined.set(name, Math.max(version, this.lineage.redefined.get(name) ?? -1));
    swap(variables, old?.variables ?? [], ci.variables);
    for (const [k, v] of this.cFiles) next.cFiles.set(k, v);
    next.cFiles.set(file, ci);
    next.units.push(...this.units);
    next.limits.push(...this.limits);
    for (const [k, v] of this.asmLabels) next.asmLabels.set(k, v);
    for (const w of this.featureWords) next.featureWords.add(w);
    for (const [k, v] of this.featuresOrs) next.featuresOrs.set(k, v);
    // the file's table copies, made by its new definitions (the caller checked they copy the same)
    const remade = new Map<CFunction, CopyRecipe[]>();
    for (const r of this.copyRecipes) {
      if (r.fn.file !== file) { next.copyRecipes.push(r); continue; }
      const fn = ci.functions[old?.functions.indexOf(r.fn) ?? -1];
      if (!fn) continue;
      if (!remade.has(r.fn)) remade.set(r.fn, recipesIn(this, fn, text.slice(fn.startIndex, fn.endIndex)));
      const again = remade.get(r.fn)?.shift();
      if (again) next.copyRecipes.push(again);
    }
    next.featureHelpers.push(...this.featureHelpers);
    for (const [k, v] of this.asmFlowMacros) next.asmFlowMacros.set(k, v);
    for (const n of this.noreturn) next.noreturn.add(n);
    return next;
  }

  /** Frees the trees this index parsed (a shared cache is freed by its owner). */
  dispose(): void {
    if (!this.ownsTrees) return;
    disposeTrees(this.trees);
  }
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

/** Length of the common directory prefix: a name defined near the code using it is the one meant. */
export function closeness(a: string, b: string): number {
  const x = a.split('/'), y = b.split('/');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

export function isInitSection(s: string): boolean {
  return /^\.(init|cpuinit|devinit|meminit)(\.|$)/.test(s) || /^\.init\./.test(s);
}

/**
 * What indexing one file produced, reused while its text and the tree's macros are unchanged
 * (an edit re-parses one file, not the tree).
 */
export interface CachedFile { text: string; macroKey: string; defs: MacroDef[]; c?: CFileIndex; asm?: AsmFile; disk?: DiskStamp }
/** A file's size and mtime when it was read, and when that was. */
export interface DiskStamp { size: number; mtimeMs: number; readAt: number }
/** A file's mtime this close to the moment it was read may hide a later change of the same size. */
const RACY_MS = 2000;


/**
 * True when a file still has the size and mtime it had when its cached text was read (and that
 * mtime was not racily close to the read): a re-analysis in the language server then neither
 * reads it again nor makes a second copy of its text.
 */
function sameStamp(was: DiskStamp | undefined, now: DiskStamp): boolean {
  return was !== undefined && was.mtimeMs <= was.readAt - RACY_MS && was.size === now.size && was.mtimeMs === now.mtimeMs;
}

/**
 * A file's text and stamp (its size and mtime from the fstat taken before the read: a change after
 * it shows as a new stamp next time), the cached text when the stamp says the file is unchanged,
 * or why the file is skipped.
 */
function readText(root: string, f: string, limit: number, hit: CachedFile | undefined, utf8: TextDecoder): { text: string; disk: DiskStamp } | Skipped {
  return withSource(root, f, limit, (src): { text: string; disk: DiskStamp } | Skipped => {
    const now = { ...src.stat, readAt: Date.now() };
    if (hit?.disk && sameStamp(hit.disk, now)) return { text: hit.text, disk: hit.disk };
    const buf = src.read();
    if (isSkipped(buf)) return buf;
    if (buf.includes(0)) return { skipped: 'binary (NUL bytes)' };
    try { return { text: utf8.decode(buf), disk: now }; } catch { return { skipped: 'not valid UTF-8' }; }
  });
}
export type IndexCache = Map<string, CachedFile>;
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

/** Where a definition's copy is cached: its file, line and column. */
function placeOf(fn: CFunction): string { return `${fn.file}@${fn.range.line}:${fn.range.column}`; }

/**
 * Drops the copies (and kept trees) of functions no longer at the place they were copied from,
 * in one file or in all: typing a line break moves every function below it, and a long session
 * would otherwise keep a copy of each at every line it has stood on.
 */
function forgetMoved(trees: TreeCache, live: Set<string>, file?: string): void {
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

export interface BuildOptions {
  exclude: string[];
  maxFileBytes?: number;
  /** Unsaved editor contents by relative path: they count instead of the disk. */
  overlay?: Map<string, string>;
  cache?: IndexCache;
  trees?: TreeCache;
  /** Called while files are parsed (the loop yields to the event loop between batches). */
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches: true abandons the run (a newer edit superseded it). */
  cancelled?: () => boolean;
  /** The previous run's macros: what it evaluated is kept when the definitions are the same. */
  previousMacros?: MacroTable;
}

export class IndexCancelled extends Error { constructor() { super('indexing cancelled'); } }

export async function buildIndex(root: string, host: ParserHost, profile: Profile, opts: BuildOptions): Promise<WorkspaceIndex> {
  const stats: IndexStats = { files: 0, cFiles: 0, asmFiles: 0, bytes: 0, skipped: [] };
  const files = byPreference(listSourceFiles(root, opts.exclude, stats.skipped), profile.prefer);
  const texts = new Map<string, string>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const macros = new MacroTable();
  const noreturn = new Set<string>();
  const limit = opts.maxFileBytes ?? DEFAULT_MAX_FILE_SIZE;
  const stamps = new Map<string, DiskStamp>();
  const defsOf = new Map<string, MacroDef[]>();
  for (const f of files) {
    let text = opts.overlay?.get(f);
    if (text === undefined) {
      const read = readText(root, f, limit, opts.cache?.get(f), utf8);
      if (isSkipped(read)) { stats.skipped.push({ file: f, reason: read.skipped }); continue; }
      text = read.text;
      if (opts.cache) stamps.set(f, read.disk);
    }
    texts.set(f, text);
    stats.bytes += text.length;
    for (const n of noreturnIn(text)) noreturn.add(n);
    const hit = opts.cache?.get(f);
    const defs = hit && hit.text === text ? hit.defs : scanMacros(f, text);
    defsOf.set(f, defs);
    macros.add(defs);
  }
  macros.seal();
  const macroKey = macros.fingerprint();
  if (opts.previousMacros?.fingerprint() === macroKey) macros.adoptValues(opts.previousMacros);
  if (opts.trees && opts.cache && [...opts.cache.values()].some((c) => c.macroKey !== macroKey)) {
    // blanking depends on the macros: trees parsed under other macros are stale
    disposeTrees(opts.trees);
  }
  const functions = new Map<string, CFunction[]>(), variables = new Map<string, CVariable[]>();
  const index = new WorkspaceIndex(root, texts, macros, host, profile, stats, opts.trees, { functions, variables });
  for (const n of noreturn) index.noreturn.add(n);
  const asmFiles: AsmFile[] = [];
  let done = 0;
  for (const [f, text] of texts) {
    if (++done % 100 === 0) {
      opts.onProgress?.(done, texts.size);
      await new Promise((r) => setImmediate(r));
      if (opts.cancelled?.()) throw new IndexCancelled();
    }
    const lang = languageOf(f);
    stats.files++;
    const hit = opts.cache?.get(f);
    const cached = hit && hit.text === text && hit.macroKey === macroKey ? hit : undefined;
    const remember = (made: { c: CFileIndex } | { asm: AsmFile }): void => { opts.cache?.set(f, { text, macroKey, defs: defsOf.get(f) ?? [], ...made, disk: stamps.get(f) }); };
    if (lang === 'c') {
      stats.cFiles++;
      // Cheap pre-filter: a file with no function body and no variable adds nothing.
      if (!/[{;]/.test(text)) continue;
      let ci = cached?.c;
      if (!ci) {
        ci = lexCFile(f, text, macros);
        remember({ c: ci });
      }
      index.cFiles.set(f, ci);
      for (const fn of ci.functions) pushTo(functions, fn.name, fn);
      for (const v of ci.variables) pushTo(variables, v.name, v);
    } else if (lang === 'gas') {
      stats.asmFiles++;
      let ai = cached?.asm;
      if (!ai) {
        const tree = host.parse('gas', text);
        ai = indexAsmTree(f, tree, macros);
        tree.delete();
        remember({ asm: ai });
      }
      asmFiles.push(ai);
    }
  }
  opts.onProgress?.(texts.size, texts.size);
  for (const text of texts.values()) if (text.includes('.macro')) scanFlowMacros(text, index.asmFlowMacros);
  buildUnits(index, asmFiles);
  scanFeaturesAndCopies(index);
  if (opts.trees) forgetMoved(opts.trees, new Set([...functions.values()].flat().map(placeOf)));
  return index;
}

/**
 * Assembler macros (in `.S` files or in headers they include) whose body jumps to or calls its
 * first parameter: `.macro tailcall fn:req / call \fn`.
 */
function scanFlowMacros(text: string, out: Map<string, 'jmp' | 'call'>): void {
  for (const m of text.matchAll(/^[ \t]*\.macro[ \t]+([A-Za-z_]\w*)[ \t,]+([A-Za-z_]\w*)[^\n]*\n([\s\S]*?)^[ \t]*\.endm/gm)) {
    const flow = new RegExp(`^\\s*(jmp|call)q?\\s+\\*?\\\\${m[2]}\\b`, 'm').exec(m[3]);
    if (!flow || out.has(m[1])) continue;
    // `call \fn` followed by BUG/ud2: the callee must not return, so it is a jump
    const after = m[3].slice((flow.index ?? 0) + flow[0].length);
    out.set(m[1], flow[1] === 'jmp' || /^\s*(ud2|BUG|hlt)\b/m.test(after) ? 'jmp' : 'call');
  }
}

function buildUnits(index: WorkspaceIndex, asmFiles: AsmFile[]): void {
  const byPath = new Map(asmFiles.map((a) => [a.file, a]));
  const resolve = (from: string, inc: string): string | undefined => {
    const p = path.posix.normalize(path.posix.join(path.posix.dirname(from), inc));
    return byPath.has(p) ? p : undefined;
  };
  const edges = new Map<string, string[]>();
  for (const a of asmFiles) for (const s of a.stmts) if (s.kind === 'include') { const r = resolve(a.file, s.path); if (r && r !== a.file) edges.set(a.file, [...(edges.get(a.file) ?? []), r]); }
  const included = new Set([...edges.values()].flat());
  // Files included only from a cycle (a.S <-> b.S) would have no root: the first of them becomes one.
  const reached = new Set<string>();
  const reach = (f: string): void => { if (reached.has(f)) return; reached.add(f); for (const g of edges.get(f) ?? []) reach(g); };
  const roots: AsmFile[] = [];
  for (const a of asmFiles) if (!included.has(a.file)) { roots.push(a); reach(a.file); }
  for (const a of asmFiles) if (!reached.has(a.file)) { roots.push(a); reach(a.file); }
  for (const a of roots) {
    const unit: AsmUnit = { root: a.file, stmts: [], labels: new Map() };
    let section = '.text', previous = '.text', bits: 16 | 32 | 64 = 64;
    const pushed: [string, string][] = [];
    // cpp conditionals: an undecidable condition keeps its first branch (the configuration most trees build).
    const conds: { active: boolean; taken: boolean; parentActive: boolean }[] = [];
    const active = (): boolean => conds.length === 0 || conds[conds.length - 1].active;
    const emitSection = (s: Extract<AsmStmt, { kind: 'section' }>): void => {
      if (s.op === 'set') { previous = section; section = s.name ?? section; }
      else if (s.op === 'previous') [section, previous] = [previous, section];
      else if (s.op === 'push') { pushed.push([section, previous]); previous = section; section = s.name ?? section; }
      else { const top = pushed.pop(); if (top) [section, previous] = top; }
    };
    let stopped = false, read = a.stmts.length;
    const deep = new Set<AsmStmt>();
    const emit = (file: AsmFile, depth: number, stack: string[]): void => {
      for (const s of file.stmts) {
        if (stopped) return;
        if (s.kind === 'cpp') {
          if (s.directive === 'if' || s.directive === 'ifdef' || s.directive === 'ifndef') {
            const parent = active();
            const v = s.directive === 'if' ? evalCond(s.cond, index.macros) : isDefined(s.cond, index.macros);
            const truth = v === undefined ? true : s.directive === 'ifndef' ? !v : v;
            conds.push({ active: parent && truth, taken: truth, parentActive: parent });
          } else if (s.directive === 'elif' || s.directive === 'else') {
            const top = conds[conds.length - 1];
            if (!top) continue;
            const v = s.directive === 'else' ? true : (evalCond(s.cond, index.macros) ?? false);
            top.active = top.parentActive && !top.taken && v;
            top.taken = top.taken || v;
          } else conds.pop();
          continue;
        }
        if (!active()) continue;
        if (s.kind === 'include') {
          const r = resolve(file.file, s.path);
          const inc = r ? byPath.get(r) : undefined;
          if (!inc || stack.includes(inc.file)) continue;
          const at = inc.file;
          if (depth >= MAX_INCLUDE_DEPTH) {
            if (!deep.has(s)) index.limits.push({ limit: `include depth limit ${MAX_INCLUDE_DEPTH}`, at, effect: `it is not read into ${a.file} here`, range: s.range });
            deep.add(s);
          } else if ((read += inc.stmts.length) > MAX_UNIT_STMTS) {
            index.limits.push({ limit: `include expansion limit ${MAX_UNIT_STMTS} statements`, at, effect: `the rest of ${a.file} is not read`, range: s.range });
            stopped = true;
          } else emit(inc, depth + 1, [...stack, inc.file]);
          continue;
        }
        const viaMacro = sectionMacro(s, index.macros);
        if (viaMacro) { emitSection(viaMacro); unit.stmts.push({ stmt: viaMacro, section, bits }); continue; }
        if (s.kind === 'section') emitSection(s);
        if (s.kind === 'code-mode') bits = s.bits;
        if (s.kind === 'label') {
          unit.labels.set(s.name, unit.stmts.length);
          if (!/^\d+$/.test(s.name) && !index.asmLabels.has(s.name)) index.asmLabels.set(s.name, { unit: index.units.length, pos: unit.stmts.length, section });
        }
        unit.stmts.push({ stmt: s, section, bits });
      }
    };
    emit(a, 0, [a.file]);
    index.units.push(unit);
  }
}

/** `__INIT` / `__FINIT` alone on a line, a cpp macro for `.section .init.text, "ax"` / `.previous`. */
function sectionMacro(s: AsmStmt, macros: MacroTable): Extract<AsmStmt, { kind: 'section' }> | null {
  if ((s.kind !== 'insn' || s.operands.length > 0) && (s.kind !== 'macro' || s.args.length > 0)) return null;
  const name = s.text.trim();
  const body = macros.get(name)?.body;
  if (!body) return null;
  const m = /^\.(section|pushsection|popsection|previous|text|data|bss)\b\s*([^\s,]*)/.exec(body.trim());
  if (!m) return null;
  const op = m[1] === 'section' ? 'set' : m[1] === 'pushsection' ? 'push' : m[1] === 'popsection' ? 'pop' : m[1] === 'previous' ? 'previous' : 'set';
  return { kind: 'section', op, name: m[1] === 'section' || m[1] === 'pushsection' ? m[2] : op === 'set' ? `.${m[1]}` : null, range: s.range };
}

function isDefined(name: string, macros: MacroTable): boolean | undefined {
  if (PREDEFINED.has(name) || macros.get(name)) return true;
  if (/^CONFIG_/.test(name)) return undefined;
  return false;
}

function evalCond(cond: string, macros: MacroTable): boolean | undefined {
  let undecidable = false;
  const replaced = cond.replace(/defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?/g, (_m, n: string) => {
    const d = isDefined(n, macros);
    if (d === undefined) undecidable = true;
    return d ? '1' : '0';
  });
  if (undecidable) return undefined;
  const v = macros.evaluate(replaced);
  return v === undefined ? undefined : v !== 0n;
}

/** Workspace-wide facts read from function bodies as text: features-word ORs and table copies. */
function scanFeaturesAndCopies(index: WorkspaceIndex): void {
  for (const [file, text] of index.texts) for (const w of featureWordsIn(index, file, text, index.cFiles.get(file)?.functions ?? [])) index.featureWords.add(w);
  const bodies: { fn: CFunction; text: string }[] = [];
  for (const defs of index.functions.values()) for (const fn of defs) {
    const text = index.texts.get(fn.file)?.slice(fn.startIndex, fn.endIndex) ?? '';
    bodies.push({ fn, text });
    for (const [word, rhs] of orsIn(text)) {
      if (!isScalarWord(index, word)) continue;
      const param = fn.params.indexOf(rhs);
      if (param >= 0) index.featureHelpers.push({ fn: fn.name, param, word });
      else { const v = index.macros.evaluate(rhs); if (v !== undefined) orInto(index, word, v); }
    }
    index.copyRecipes.push(...recipesIn(index, fn, text));
  }
  for (const { text } of bodies) {
    for (const h of helperCallsIn(text, index.featureHelpers)) {
      const v = h.arg !== undefined ? index.macros.evaluate(h.arg) : undefined;
      if (v !== undefined) orInto(index, h.word, v);
    }
  }
}

/**
 * What one file's text gives the workspace-wide facts the text scans find (features words, ORs
 * into them and the helpers that OR their parameter, table copies, noreturn functions, assembler
 * macros that jump or call their argument), as one
 * string: two texts of a file with the same string leave those facts as they were.
 */
export function scanFactsOf(index: WorkspaceIndex, file: string, text: string, functions: readonly CFunction[]): string {
  const perFunction = functions.map((fn) => {
    const body = text.slice(fn.startIndex, fn.endIndex);
    return JSON.stringify([fn.name, orsIn(body), copiesIn(body).map((c) => [c.dst, c.src]), helperCallsIn(body, index.featureHelpers).map((h) => [h.word, h.arg])]);
  });
  const flowMacros = new Map<string, 'jmp' | 'call'>();
  if (text.includes('.macro')) scanFlowMacros(text, flowMacros);
  return JSON.stringify([featureWordsIn(index, file, text, functions), noreturnIn(text), [...flowMacros], perFunction]);
}

/** Functions declared noreturn in a text (prototype or definition). */
function noreturnIn(text: string): string[] {
  if (!text.includes('noreturn')) return [];
  return [...text.matchAll(/\b(?:noreturn|__noreturn|__attribute__\s*\(\(\s*(?:__)?noreturn(?:__)?\s*\)\))\b[^;{}()]*?\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]);
}

/**
 * Features words a file loads into CR4. A features word is a global the code loads into CR4, never
 * a parameter of the helper doing the load (`write_cr4(unsigned long val)` with `"r" (val)` would
 * make every `val` a features word).
 */
function featureWordsIn(index: WorkspaceIndex, file: string, text: string, functions: readonly CFunction[]): string[] {
  if (!/cr4/i.test(text)) return [];
  const out: string[] = [];
  const add = (name: string, at: number): void => {
    const enclosing = functions.find((f) => f.startIndex <= at && at < f.endIndex);
    if (enclosing?.params.includes(name)) return;
    if (!/\.S$|\.s$/.test(file) && index.variable(name) === undefined) return;
    out.push(name);
  };
  for (const m of text.matchAll(/\bwrite_cr4\s*\(\s*([A-Za-z_]\w*)\s*\)/g)) add(m[1], m.index ?? 0);
  // inline asm: asm volatile ("mov %0,%%cr4" :: "r" (mmu_cr4_features))
  for (const m of text.matchAll(/%%cr4"\s*:[^:;]*:\s*"[a-z]+"\s*\(\s*([A-Za-z_]\w*)\s*\)/g)) add(m[1], m.index ?? 0);
  for (const m of text.matchAll(/\bmov\w*\s+([A-Za-z_]\w*)(?:\(%rip\))?\s*,\s*%(\w+)\s*\n(?:[^\n]*\n){0,2}?[^\n]*\bmov\w*\s+%\2\s*,\s*%cr4/g)) add(m[1], m.index ?? 0);
  return out;
}

function isScalarWord(index: WorkspaceIndex, name: string): boolean {
  const v = index.variable(name);
  return v !== undefined && !v.isArray && index.featureWords.has(name);
}

/** `word |= rhs;` in a function body: [word, rhs]. */
function orsIn(body: string): [string, string][] {
  if (!body.includes('|=')) return [];
  return [...body.matchAll(/\b([A-Za-z_]\w*)\s*\|=\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]);
}

/** `memcpy(dst, src, ...)` in a function body, with the offset just past its closing parenthesis. */
function copiesIn(body: string): { dst: string; src: string; end: number }[] {
  if (!body.includes('memcpy')) return [];
  return callsIn(body, /\bmemcpy\s*\(/g).filter((c) => c.args.length >= 2).map((c) => ({ dst: c.args[0], src: c.args[1].replace(/^&/, '').trim(), end: c.end }));
}

/** The calls `call` (a pattern ending at the opening parenthesis) finds in a body: their arguments, and the offset just past each. */
function callsIn(body: string, call: RegExp): { args: string[]; end: number }[] {
  const out: { args: string[]; end: number }[] = [];
  for (const m of body.matchAll(call)) {
    const open = (m.index ?? 0) + m[0].length - 1;
    const close = matchParen(body, open);
    if (close >= 0) out.push({ args: splitArgs(body.slice(open + 1, close)), end: close + 1 });
  }
  return out;
}

/** The copies of a table a function body makes (`memcpy(idt_tables[cpu], idt_table, ...)`). */
function recipesIn(index: WorkspaceIndex, fn: CFunction, body: string): CopyRecipe[] {
  return copiesIn(body).filter((c) => /^[A-Za-z_]\w*$/.test(c.src) && isTableSymbol(index, c.src)).map((c) => ({ fn, dst: c.dst, src: c.src, offset: fn.startIndex + c.end }));
}

/** Calls of the helpers that OR a parameter into a features word (`set_in_cr4(X86_CR4_OSXSAVE)`): the word and the argument. */
function helperCallsIn(body: string, helpers: readonly FeatureHelper[]): { word: string; arg: string | undefined }[] {
  return helpers.filter((h) => body.includes(h.fn)).flatMap((h) => callsIn(body, new RegExp(`\\b${h.fn}\\s*\\(`, 'g')).map((c) => ({ word: h.word, arg: c.args[h.param] })));
}

function orInto(index: WorkspaceIndex, word: string, bits: bigint): void {
  index.featuresOrs.set(word, (index.featuresOrs.get(word) ?? 0n) | bits);
}

/** A symbol that names an IDT-sized table: a C array of gates or an asm data label. */
export function isTableSymbol(index: WorkspaceIndex, name: string): boolean {
  const v = index.variable(name);
  if (v) return v.isArray && !v.isPointerArray && !v.isCodeArray;
  const l = index.asmLabels.get(name);
  return l !== undefined && !/text/.test(l.section);
}
