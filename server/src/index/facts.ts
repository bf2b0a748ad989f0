// Workspace-wide facts read from the tree's text rather than from the syntax: features words
// loaded into CR4 and the bits ORed into them (directly or through a helper), table copies,
// code addresses stored into assembler code words, noreturn functions, assembler macros that
// jump to or call their argument.
import { codeWordInit, isCode, isCodeLabel } from './asm-facts';
import { pushTo } from '../model/maps';
import { splitArgs, matchParen } from './macros';
import type { CFunction } from './c-index';
import type { CopyRecipe, FeatureHelper, WorkspaceIndex } from './workspace-index';

/** Workspace-wide facts read from function bodies as text: features-word ORs and table copies. */
export function scanFeaturesAndCopies(index: WorkspaceIndex): void {
  for (const [file, text] of index.texts) for (const w of featureWordsIn(index, file, text, index.cFiles.get(file)?.functions ?? [])) index.featureWords.add(w);
  const words = codeWords(index);
  const bodies: { fn: CFunction; text: string }[] = [];
  for (const defs of index.functions.values()) for (const fn of defs) {
    const text = index.texts.get(fn.file)?.slice(fn.startIndex, fn.endIndex) ?? '';
    bodies.push({ fn, text });
    for (const [word, target] of codeStoresIn(index, words, text)) pushTo(index.codeStores, word, { fn: fn.name, target });
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
 * Assembler macros (in `.S` files or in headers they include) whose body jumps to or calls its
 * first parameter: `.macro tailcall fn:req / call \fn`.
 */
export function scanFlowMacros(text: string, out: Map<string, 'jmp' | 'call'>): void {
  for (const m of text.matchAll(/^[ \t]*\.macro[ \t]+([A-Za-z_]\w*)[ \t,]+([A-Za-z_]\w*)[^\n]*\n([\s\S]*?)^[ \t]*\.endm/gm)) {
    const flow = new RegExp(`^\\s*(jmp|call)q?\\s+\\*?\\\\${m[2]}\\b`, 'm').exec(m[3]);
    if (!flow || out.has(m[1])) continue;
    // `call \fn` followed by BUG/ud2: the callee must not return, so it is a jump
    const after = m[3].slice((flow.index ?? 0) + flow[0].length);
    out.set(m[1], flow[1] === 'jmp' || /^\s*(ud2|BUG|hlt)\b/m.test(after) ? 'jmp' : 'call');
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
    return JSON.stringify([fn.name, orsIn(body), copiesIn(body).map((c) => [c.dst, c.src]), helperCallsIn(body, index.featureHelpers).map((h) => [h.word, h.arg]), codeStoresIn(index, codeWords(index), body)]);
  });
  const flowMacros = new Map<string, 'jmp' | 'call'>();
  if (text.includes('.macro')) scanFlowMacros(text, flowMacros);
  return JSON.stringify([featureWordsIn(index, file, text, functions), noreturnIn(text), [...flowMacros], perFunction]);
}

/** Functions declared noreturn in a text (prototype or definition). */
export function noreturnIn(text: string): string[] {
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

const codeWordsPerIndex = new WeakMap<WorkspaceIndex, ReadonlySet<string>>();

/** Assembler data words assembled with a code address (`initial_code: .quad x86_64_start_kernel`). */
function codeWords(index: WorkspaceIndex): ReadonlySet<string> {
  let out = codeWordsPerIndex.get(index);
  if (!out) {
    const found = new Set<string>();
    for (const name of index.asmLabels.keys()) if (!isCodeLabel(index, name) && codeWordInit(index, name) !== undefined) found.add(name);
    out = found;
    codeWordsPerIndex.set(index, out);
  }
  return out;
}

/** `initial_code = (unsigned long)start_secondary;` in a function body: [code word, code stored]. */
function codeStoresIn(index: WorkspaceIndex, words: ReadonlySet<string>, body: string): [string, string][] {
  if (words.size === 0) return [];
  const out: [string, string][] = [];
  for (const m of body.matchAll(/(?<![\w.>])([A-Za-z_]\w*)\s*=\s*(?:\(\s*[A-Za-z_][\w\s]*\*?\s*\)\s*)?&?\s*([A-Za-z_]\w*)\s*;/g)) {
    if (words.has(m[1]) && isCode(index, m[2])) out.push([m[1], m[2]]);
  }
  return out;
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
export function recipesIn(index: WorkspaceIndex, fn: CFunction, body: string): CopyRecipe[] {
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
  return index.asmLabels.has(name) && !isCodeLabel(index, name);
}
