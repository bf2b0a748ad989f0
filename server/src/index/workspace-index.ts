import type { Tree } from 'web-tree-sitter';
import type { SyntaxNode } from '../parse/syntax';
import type { ParserHost } from '../parse/parser';
import type { Profile } from '../config';
import type { LimitHit } from '../model/types';
import type { MacroTable } from './macros';
import type { CFileIndex, CFunction, CVariable } from './c-index';
import type { AsmStmt } from './asm-index';
import { LayeredMap } from './layered-map';
import { disposeTrees, fileTree, forgetMoved, functionSyntax, newTreeCache, placeOf, type TreeCache } from './parse-cache';
import { recipesIn } from './facts';
import type { TreeConfig } from './tree-config';

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

/** `notBuilt`: sources the kernel configuration's Makefiles do not build, not read; `notIncluded`: headers no built source includes, not read. */
export interface IndexStats { files: number; cFiles: number; asmFiles: number; bytes: number; skipped: { file: string; reason: string }[]; notBuilt?: number; notIncluded?: number }

/** A C store of a code address into an assembler code word, and the function that makes it. */
export interface CodeStore { fn: string; target: string }

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
  /** Code addresses C stores into assembler code words, by word: `initial_code = (unsigned long)start_secondary` in `do_boot_cpu`. */
  readonly codeStores = new Map<string, CodeStore[]>();
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
  /** The kernel configuration the tree is read under (cpp conditions, built files), when it has one. */
  kernelConfig: TreeConfig | null = null;
  /** Sources listed but not read: the configuration does not build them, or no built source includes them. */
  unread: ReadonlySet<string> = new Set();
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
    return fileTree(this.trees, this.host, this.macros, file, this.texts.get(file) ?? '');
  }

  /** The definition's syntax, parsed alone and copied out of wasm (see `functionSyntax`). */
  functionNode(fn: CFunction): SyntaxNode | null {
    return functionSyntax(this.trees, this.host, this.macros, fn, this.texts.get(fn.file) ?? '');
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
    next.kernelConfig = this.kernelConfig;
    next.unread = this.unread;
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
    // the same in the edited file as before (the caller compared its facts)
    for (const [k, v] of this.codeStores) next.codeStores.set(k, v);
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
