// The whole-tree build of a WorkspaceIndex: every source file read (or its cached text kept,
// by size and mtime), macros scanned, C lexed, assembly parsed, then the units and text facts.
import { createHash } from 'node:crypto';
import { languageOf, type ParserHost } from '../parse/parser';
import { DEFAULT_MAX_FILE_SIZE, type Profile } from '../config';
import { MacroTable, scanEnums, scanMacros, type MacroDef } from './macros';
import type { CFileIndex, CFunction, CVariable } from './c-index';
import { lexCFile } from './c-lex';
import { indexAsmTree, type AsmFile } from './asm-index';
import { byPreference, listSourceFiles } from './workspace';
import { isSkipped, withSource, type Skipped } from './read-source';
import { WorkspaceIndex, type IndexStats } from './workspace-index';
import { disposeTrees, forgetMoved, placeOf, type TreeCache } from './parse-cache';
import { buildUnits } from './asm-units';
import { noreturnIn, scanFeaturesAndCopies, scanFlowMacros } from './facts';
import { pushTo } from '../model/maps';
import { notBuilt, treeConfig } from './tree-config';
import { configKey, outlineText } from './config-regions';
import { reachedHeaders } from './include-reach';

/**
 * What indexing one file produced, reused while its text and the tree's macros are unchanged
 * (an edit re-parses one file, not the tree).
 */
export interface CachedFile {
  /** The text it was made from; an entry read back from disk (cache/index-store) has only its `hash`. */
  text?: string;
  hash?: string;
  macroKey: string; configKey: string; defs: MacroDef[]; c?: CFileIndex; asm?: AsmFile; disk?: DiskStamp;
}
/** What a stored entry names its text by. */
export function textHash(text: string): string { return createHash('sha1').update(text).digest('hex'); }
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
    if (hit?.disk && hit.text !== undefined && sameStamp(hit.disk, now)) return { text: hit.text, disk: hit.disk };
    const buf = src.read();
    if (isSkipped(buf)) return buf;
    if (buf.includes(0)) return { skipped: 'binary (NUL bytes)' };
    // a file that is not UTF-8 (Latin-1 in a comment) is read byte for byte, one character each
    try { return { text: utf8.decode(buf), disk: now }; } catch { return { text: LATIN1.decode(buf), disk: now }; }
  });
}
const LATIN1 = new TextDecoder('latin1');

export type IndexCache = Map<string, CachedFile>;

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
  /** The `.config` to read the tree under (a file or an `O=` build folder, relative to the root), when the user names one. */
  kconfig?: string;
}

/**
 * The cache's entry for the file when it was made from this text; a stored one that was takes
 * the text (the next questions compare texts, not hashes), one that was not is dropped.
 */
function entryOf(cache: IndexCache, f: string, text: string): CachedFile | undefined {
  const hit = cache.get(f);
  if (!hit || hit.text === text) return hit;
  if (hit.text === undefined && hit.hash === textHash(text)) {
    const now = { ...hit, text };
    cache.set(f, now);
    return now;
  }
  cache.delete(f);
  return undefined;
}

export class IndexCancelled extends Error { constructor() { super('indexing cancelled'); } }

export async function buildIndex(root: string, host: ParserHost, profile: Profile, opts: BuildOptions): Promise<WorkspaceIndex> {
  const stats: IndexStats = { files: 0, cFiles: 0, asmFiles: 0, bytes: 0, skipped: [] };
  // the kernel configuration first: the C sources its Makefiles do not build are not read (an
  // assembler file may be included by one that is built: it is read, and is no unit of its own)
  const tc = treeConfig(root, profile, opts.kconfig);
  const listed = byPreference(listSourceFiles(root, opts.exclude, stats.skipped), profile.prefer);
  const built = tc ? listed.filter((f) => !f.endsWith('.c') || !notBuilt(tc, f)) : listed;
  stats.notBuilt = listed.length - built.length;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const limit = opts.maxFileBytes ?? DEFAULT_MAX_FILE_SIZE;
  const read = new Map<string, { text: string; disk?: DiskStamp } | Skipped>();
  const readOnce = (f: string): { text: string; disk?: DiskStamp } | Skipped => {
    let r = read.get(f);
    if (r === undefined) {
      const over = opts.overlay?.get(f);
      r = over !== undefined ? { text: over } : readText(root, f, limit, opts.cache?.get(f), utf8);
      read.set(f, r);
    }
    return r;
  };
  // where the Makefiles say what is built, only the headers it includes are read, and those the
  // compiler flags force in (the rest add nothing a walk can meet)
  let files = built;
  const kbuild = tc?.kbuild;
  if (kbuild) {
    const isHeader = (f: string): boolean => f.endsWith('.h');
    const headers = built.filter(isHeader);
    const forced = headers.filter((h) => kbuild.forcedIncludes.has(h));
    const reached = reachedHeaders([...forced, ...built.filter((f) => !isHeader(f))], headers, (f) => { const r = readOnce(f); return isSkipped(r) ? undefined : r.text; });
    for (const h of forced) reached.add(h);
    files = built.filter((f) => !isHeader(f) || reached.has(f));
    stats.notIncluded = built.length - files.length;
  }
  const texts = new Map<string, string>();
  // a C file's outline (its definitions, its #defines) as the configuration builds it
  const cfgKey = configKey(tc?.config ?? null);
  const outline = (f: string, text: string): string => outlineText(tc?.config ?? null, f, text);
  const macros = new MacroTable();
  const noreturn = new Set<string>();
  const stamps = new Map<string, DiskStamp>();
  const defsOf = new Map<string, MacroDef[]>();
  const enumsOf: ReturnType<typeof scanEnums>[] = [];
  for (const f of files) {
    const got = readOnce(f);
    read.delete(f);
    if (isSkipped(got)) { stats.skipped.push({ file: f, reason: got.skipped }); continue; }
    const text = got.text;
    if (opts.cache && got.disk) stamps.set(f, got.disk);
    texts.set(f, text);
    stats.bytes += text.length;
    for (const n of noreturnIn(text)) noreturn.add(n);
    const hit = opts.cache && entryOf(opts.cache, f, text);
    // the outline is made at most once here, for the #defines and the enumerations both
    let made: string | undefined;
    const outlined = (): string => (made ??= outline(f, text));
    const defs = hit && hit.configKey === cfgKey ? hit.defs : scanMacros(f, outlined());
    defsOf.set(f, defs);
    macros.add(defs);
    if (languageOf(f) === 'c' && text.includes('enum')) enumsOf.push(scanEnums(outlined()));
  }
  macros.seal();
  // (their values are read with the macros sealed)
  for (const entries of enumsOf) macros.addEnums(entries);
  const macroKey = macros.fingerprint();
  if (opts.previousMacros?.fingerprint() === macroKey) macros.adoptValues(opts.previousMacros);
  if (opts.trees && opts.cache && [...opts.cache.values()].some((c) => c.macroKey !== macroKey)) {
    // blanking depends on the macros: trees parsed under other macros are stale
    disposeTrees(opts.trees);
  }
  const functions = new Map<string, CFunction[]>(), variables = new Map<string, CVariable[]>();
  const index = new WorkspaceIndex(root, texts, macros, host, profile, stats, opts.trees, { functions, variables });
  index.kernelConfig = tc;
  if (files.length < listed.length) { const kept = new Set(files); index.unread = new Set(listed.filter((f) => !kept.has(f))); }
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
    const cached = hit && hit.text === text && hit.macroKey === macroKey && hit.configKey === cfgKey ? hit : undefined;
    const remember = (made: { c?: CFileIndex; asm?: AsmFile }): void => { opts.cache?.set(f, { text, macroKey, configKey: cfgKey, defs: defsOf.get(f) ?? [], ...made, disk: stamps.get(f) }); };
    if (lang === 'c') {
      stats.cFiles++;
      // Cheap pre-filter: a file with no function body and no variable adds nothing (but its #defines).
      if (!/[{;]/.test(text)) { if (!cached) remember({}); continue; }
      let ci = cached?.c;
      if (!ci) {
        ci = lexCFile(f, outline(f, text), macros);
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

