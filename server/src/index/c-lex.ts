import type { MacroTable } from './macros';
import { blankAttributes, sectionFromText, type CFileIndex, type CFunction } from './c-index';
import { LineMap } from '../model/lines';

/**
 * The per-file C index (top-level functions and variables, each function's callees and
 * referenced names) read from a token stream instead of a tree-sitter parse. Indexing needs only
 * the outline of a file; a parse costs more than the whole analysis of the file, and most files of
 * a kernel tree are never walked. The walk still parses, with tree-sitter, the files it enters.
 *
 * It reads the file as tree-sitter-c does after `blankAttributes`: attribute-like macro names
 * (and their argument groups) are not tokens, the keywords of tree-sitter-c are not identifiers,
 * and every branch of an `#if` is read, braces counted along the first one (as ctags does).
 */

const ID = 0, KW = 1, PUNCT = 2, LIT = 3, PP_IF = 4, PP_ELSE = 5, PP_ENDIF = 6;
const ARROW = -1, ELLIPSIS = -2;

/** Reserved words of tree-sitter-c: never `identifier` nodes. */
const KEYWORDS = new Set(('FALSE NULL TRUE _Alignas _Alignof _Atomic _Generic _Nonnull _Noreturn __alignof __alignof__ __asm __asm__ '
  + '__attribute __attribute__ __based __cdecl __clrcall __declspec __except __extension__ __fastcall __finally __forceinline __inline '
  + '__inline__ __leave __restrict __restrict__ __sptr __stdcall __thiscall __thread __try __unaligned __uptr __vectorcall __volatile__ '
  + '_alignof _unaligned alignas alignof asm auto bool break case char char16_t char32_t char64_t char8_t charptr_t const constexpr '
  + 'continue default defined do double else enum extern false float for goto if inline int int16_t int32_t int64_t int8_t intptr_t '
  + 'long max_align_t noreturn nullptr nullptr_t offsetof ptrdiff_t register restrict return short signed size_t sizeof ssize_t static '
  + 'struct switch thread_local true typedef uint16_t uint32_t uint64_t uint8_t uintptr_t union unsigned void volatile while').split(' '));
/** Keywords that name a type by themselves (tree-sitter-c's `primitive_type` and the sized ones). */
const TYPE_WORDS = new Set(('bool char char16_t char32_t char64_t char8_t charptr_t double float int int16_t int32_t int64_t int8_t intptr_t '
  + 'long max_align_t nullptr_t ptrdiff_t short signed size_t ssize_t uint16_t uint32_t uint64_t uint8_t uintptr_t unsigned void').split(' '));
const TAG_WORDS = new Set(['struct', 'union', 'enum']);
/** `__attribute__((...))`, `__declspec(...)`, `asm("label")`: groups that belong to no declarator. */
const GROUP_WORDS = new Set(['__attribute__', '__attribute', '__declspec', 'asm', '__asm', '__asm__', '_Alignas', 'alignas']);

interface Tokens { kind: number[]; start: number[]; end: number[]; code: number[]; text: string }

function isIdStart(c: number): boolean { return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95; }
function isIdChar(c: number): boolean { return isIdStart(c) || (c >= 48 && c <= 57); }
function isSpace(c: number): boolean { return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11; }

/**
 * End (exclusive) of the parenthesised group opening at `open`, nested at most two deep, as the
 * group `blankAttributes` matches; -1 when there is none.
 */
function attributeGroupEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) { if (++depth > 2) return -1; } else if (c === 41 && --depth === 0) return i + 1;
  }
  return -1;
}

function skipSpaceFrom(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function tokenize(text: string, macros: MacroTable): Tokens {
  const t: Tokens = { kind: [], start: [], end: [], code: [], text };
  const n = text.length;
  let i = 0;
  let lineStart = true;
  // identifiers inside a group that follows a plain name (`foo(int __maybe_unused x)`) are never
  // blanked: the blanking regex consumes the group with the name before it
  let exemptUntil = 0;
  const push = (kind: number, s: number, e: number, code = 0): void => { t.kind.push(kind); t.start.push(s); t.end.push(e); t.code.push(code); };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) { i++; lineStart = true; continue; }
    if (isSpace(c)) { i++; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 47) { const e = text.indexOf('\n', i); i = e < 0 ? n : e; continue; }
    if (c === 35 && lineStart) { i = directive(text, i, push); continue; }
    lineStart = false;
    if (isIdStart(c)) {
      let e = i + 1;
      while (e < n && isIdChar(text.charCodeAt(e))) e++;
      const word = text.slice(i, e);
      if (i >= exemptUntil) {
        const after = skipSpaceFrom(text, e);
        const group = text.charCodeAt(after) === 40 ? attributeGroupEnd(text, after) : -1;
        if ((c === 95 || (c >= 97 && c <= 122)) && macros.isAttributeLike(word)) {
          // an object-like attribute keeps the group after it (it is a declarator)
          if (group >= 0 && macros.get(word)?.params !== null) i = group;
          else { i = e; if (group >= 0) exemptUntil = group; }
          continue;
        }
        if (group >= 0) exemptUntil = group;
      }
      push(KEYWORDS.has(word) ? KW : ID, i, e);
      i = e;
      continue;
    }
    if (c === 34 || c === 39) { i = literalEnd(text, i, c); push(LIT, i, i); continue; }
    if (c >= 48 && c <= 57) {
      let e = i + 1;
      while (e < n) {
        const d = text.charCodeAt(e);
        if (isIdChar(d) || d === 46) e++;
        else if ((d === 43 || d === 45) && /[eEpP]/.test(text[e - 1])) e++;
        else break;
      }
      push(LIT, i, e);
      i = e;
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 62) { push(PUNCT, i, i + 2, ARROW); i += 2; continue; }
    // `case A ... B(7):`: not a field access
    if (c === 46 && text.charCodeAt(i + 1) === 46 && text.charCodeAt(i + 2) === 46) { push(PUNCT, i, i + 3, ELLIPSIS); i += 3; continue; }
    push(PUNCT, i, i + 1, c);
    i++;
  }
  return t;
}

function literalEnd(text: string, i: number, quote: number): number {
  let e = i + 1;
  while (e < text.length) {
    const d = text.charCodeAt(e);
    if (d === 92) { e += 2; continue; }
    if (d === quote) return e + 1;
    if (d === 10) return e;
    e++;
  }
  return e;
}

/** A preprocessor line (with continuations and comments): conditionals become tokens, the rest is skipped. */
function directive(text: string, i: number, push: (kind: number, s: number, e: number) => void): number {
  const m = /#[ \t]*(\w*)/y;
  m.lastIndex = i;
  const name = m.exec(text)?.[1] ?? '';
  if (name === 'if' || name === 'ifdef' || name === 'ifndef') push(PP_IF, i, i + 1);
  else if (name === 'else' || name === 'elif' || name === 'elifdef' || name === 'elifndef') push(PP_ELSE, i, i + 1);
  else if (name === 'endif') push(PP_ENDIF, i, i + 1);
  let e = i + 1;
  while (e < text.length) {
    const c = text.charCodeAt(e);
    if (c === 10) return e;
    if (c === 92 && text.charCodeAt(e + 1) === 10) { e += 2; continue; }
    if (c === 92 && text.charCodeAt(e + 1) === 13 && text.charCodeAt(e + 2) === 10) { e += 3; continue; }
    if (c === 47 && text.charCodeAt(e + 1) === 42) { const x = text.indexOf('*/', e + 2); e = x < 0 ? text.length : x + 2; continue; }
    if (c === 47 && text.charCodeAt(e + 1) === 47) { const x = text.indexOf('\n', e); return x < 0 ? text.length : x; }
    e++;
  }
  return e;
}

/**
 * The matching `}` of every `{` (and back). Across `#if`/`#else` the branches after the first
 * start from the depth at `#if`, and `#endif` keeps the depth the first branch left.
 */
function matchBraces(t: Tokens): Int32Array {
  const match = new Int32Array(t.kind.length).fill(-1);
  let stack: number[] = [];
  const pp: { atIf: number[]; afterFirst: number[] | null }[] = [];
  for (let i = 0; i < t.kind.length; i++) {
    const k = t.kind[i];
    if (k === PUNCT) {
      if (t.code[i] === 123) stack.push(i);
      else if (t.code[i] === 125) { const o = stack.pop(); if (o !== undefined) { match[o] = i; match[i] = o; } }
    } else if (k === PP_IF) pp.push({ atIf: [...stack], afterFirst: null });
    else if (k === PP_ELSE) {
      const top = pp[pp.length - 1];
      if (top) { top.afterFirst ??= stack; stack = [...top.atIf]; }
    } else if (k === PP_ENDIF) {
      const top = pp.pop();
      if (top?.afterFirst) stack = top.afterFirst;
    }
  }
  return match;
}

export function lexCFile(file: string, text: string, macros: MacroTable): CFileIndex {
  const t = tokenize(text, macros);
  const match = matchBraces(t);
  const lines = new LineMap(text);
  const out: CFileIndex = { functions: [], variables: [] };
  const word = (i: number): string => text.slice(t.start[i], t.end[i]);
  const isP = (i: number, ch: number): boolean => t.kind[i] === PUNCT && t.code[i] === ch;
  const n = t.kind.length;
  let s = 0; // first token of the top-level item being read
  for (let i = 0; i < n;) {
    const k = t.kind[i];
    if (k === PP_IF || k === PP_ELSE || k === PP_ENDIF) { i++; s = i; continue; }
    if (isP(i, 59)) { declaration(t, s, i, match, file, lines, macros, out, word); i++; s = i; continue; }
    // `extern "C" {` holds declarations (tree-sitter-c's linkage_specification): read inside it
    if (isP(i, 123) && i - 2 >= s && t.kind[i - 1] === LIT && t.kind[i - 2] === KW && word(i - 2) === 'extern') { i++; s = i; continue; }
    if (isP(i, 125)) { i++; s = i; continue; }
    if (isP(i, 123)) {
      const close = match[i] < 0 ? n : match[i];
      const head = functionHead(t, s, i, word);
      if (head) {
        out.functions.push(functionOf(t, s, i, close, head, file, lines, macros, word));
        i = close + 1; s = i;
        continue;
      }
      i = close + 1;
      // `FOO(x) { ... }` (no declaration): a keyword after the group starts the next item
      if (i < n && t.kind[i] === KW && !isQualifier(word(i))) s = i;
      continue;
    }
    i++;
  }
  return out;
}

function isQualifier(w: string): boolean {
  return w === 'const' || w === 'volatile' || w === '__volatile__' || w === 'restrict' || w === '__restrict' || w === '__restrict__' || w === '_Atomic' || w === '__extension__';
}

/** Index after the parenthesised group opening at `open` (tokens), or -1. */
function parenEnd(t: Tokens, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    if (t.kind[i] !== PUNCT) continue;
    if (t.code[i] === 40) depth++;
    else if (t.code[i] === 41 && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index of the `(` matching the `)` at `close`, scanning back no further than `from`. */
function parenStart(t: Tokens, from: number, close: number): number {
  let depth = 0;
  for (let i = close; i >= from; i--) {
    if (t.kind[i] !== PUNCT) continue;
    if (t.code[i] === 41) depth++;
    else if (t.code[i] === 40 && --depth === 0) return i;
  }
  return -1;
}

/** Drops trailing `__attribute__((...))` / `asm(...)` groups and qualifiers before a body or `;`. */
function trimTrailing(t: Tokens, from: number, end: number, word: (i: number) => string): number {
  let e = end;
  for (;;) {
    if (e - 1 >= from && t.kind[e - 1] === KW && isQualifier(word(e - 1))) { e--; continue; }
    if (e - 1 >= from && t.kind[e - 1] === PUNCT && t.code[e - 1] === 41) {
      const open = parenStart(t, from, e - 1);
      if (open - 1 >= from && t.kind[open - 1] === KW && GROUP_WORDS.has(word(open - 1))) { e = open - 1; continue; }
    }
    return e;
  }
}

interface Head { name: number; params: [number, number] }

/** `static void foo(int a)` before a `{`: the name token and the parameter list, or null. */
function functionHead(t: Tokens, s: number, brace: number, word: (i: number) => string): Head | null {
  const e = trimTrailing(t, s, brace, word);
  if (e - 1 <= s || !(t.kind[e - 1] === PUNCT && t.code[e - 1] === 41)) return null;
  for (let i = s; i < e; i++) if (t.kind[i] === PUNCT && t.code[i] === 61) return null;
  const open = parenStart(t, s, e - 1);
  let name = open - 1;
  if (name > s && t.kind[name] === PUNCT && t.code[name] === 41) {
    // `void *(memmove)(...)`, `hap_gva_to_gfn(GUEST_PAGING_LEVELS)(...)`: the name is in or before the group
    const inner = parenStart(t, s, name);
    name = t.kind[inner - 1] === ID && inner - 1 > s ? inner - 1 : inner + 2 === name && t.kind[inner + 1] === ID ? inner + 1 : -1;
  }
  if (name <= s || t.kind[name] !== ID) return null;
  // any word before the name will do: blanked typedef names (`#define mfn_t` leaves `static *f(...)`) are still functions
  if (t.kind[name - 1] === KW && TAG_WORDS.has(word(name - 1))) return null;
  return { name, params: [open + 1, e - 1] };
}

/**
 * Where the declarator starts after the declaration specifiers of `[s, e)`: qualifiers and
 * storage classes, then one type (keywords such as `unsigned long`, a `struct` tag with or
 * without a body, or one typedef name), then qualifiers again.
 */
function declaratorStart(t: Tokens, s: number, e: number, word: (i: number) => string, match: Int32Array | null): number {
  let i = s;
  let typed = false;
  while (i < e) {
    const k = t.kind[i];
    if (k === KW) {
      const w = word(i);
      if (TAG_WORDS.has(w)) {
        if (typed) break;
        typed = true; i++;
        while (i + 1 < e && t.kind[i] === KW && GROUP_WORDS.has(word(i)) && t.kind[i + 1] === PUNCT && t.code[i + 1] === 40) { const g = parenEnd(t, i + 1, e); i = g < 0 ? e : g; }
        if (i < e && t.kind[i] === ID) i++;
        if (i < e && t.kind[i] === PUNCT && t.code[i] === 123) i = match && match[i] >= 0 ? match[i] + 1 : e;
        continue;
      }
      if (TYPE_WORDS.has(w)) { typed = true; i++; continue; }
      if (GROUP_WORDS.has(w) && i + 1 < e && t.kind[i + 1] === PUNCT && t.code[i + 1] === 40) { const g = parenEnd(t, i + 1, e); i = g < 0 ? e : g; continue; }
      if (w === 'static' || w === 'extern' || w === 'inline' || w === 'register' || w === 'auto' || w === 'thread_local' || w === '__thread' || w === '__inline' || w === '__inline__' || w === '__forceinline' || w === 'noreturn' || w === '_Noreturn' || w === 'constexpr' || isQualifier(w)) { i++; continue; }
      break;
    }
    if (k === ID && !typed) {
      typed = true; i++;
      // `typeof(x) y`, `XEN_GUEST_HANDLE_PARAM(t) uop`: a macro type specifier; `T(x);` declares x
      if (i < e && t.kind[i] === PUNCT && t.code[i] === 40) {
        const g = parenEnd(t, i, e);
        if (g > 0 && g < e && !(t.kind[g] === PUNCT && (t.code[g] === 44 || t.code[g] === 61 || t.code[g] === 91 || t.code[g] === 40))) i = g;
      }
      continue;
    }
    break;
  }
  return typed ? i : -1;
}

/**
 * The name a parameter declares: the last word after its type, so that stray words between
 * them (`void __iomem *buf`, `XSM_DEFAULT_ARG struct domain *d`) and attributes after the name do
 * not count; `(*fn)(...)` names fn.
 */
function paramName(t: Tokens, s: number, e: number, word: (i: number) => string, macros: MacroTable): number {
  if (declaratorStart(t, s, e, word, null) < 0) return -1;
  let name = -1;
  for (let i = s + 1; i < e; i++) {
    const k = t.kind[i];
    if (k === PUNCT && t.code[i] === 40) {
      const close = parenEnd(t, i, e);
      if (t.kind[i + 1] === PUNCT && t.code[i + 1] === 42) { const id = declaratorName(t, i + 1, close < 0 ? e : close, macros); if (id >= 0) return id; }
      // `XEN_GUEST_HANDLE(uint64) list`: a macro type, the name comes after it
      if (close < 0 || close >= e) return name;
      name = -1;
      i = close - 1;
      continue;
    }
    if (k === PUNCT && t.code[i] === 91) break;
    // attributes inside the list were left in place (`unsigned int n __maybe_unused`)
    if (k === ID && !(t.kind[i - 1] === KW && TAG_WORDS.has(word(i - 1))) && !macros.isAttributeLike(word(i))) name = i;
  }
  return name;
}

/** The name of a declarator `[s, e)`: the first identifier through pointers and parentheses. */
function declaratorName(t: Tokens, s: number, e: number, macros: MacroTable): number {
  for (let i = s; i < e; i++) {
    // `void (*__initdata interrupt[NR_VECTORS])(void)`: the attribute is not the name
    if (t.kind[i] === ID && macros.isAttributeLike(t.text.slice(t.start[i], t.end[i])) && i + 1 < e && t.kind[i + 1] === ID) continue;
    if (t.kind[i] === ID) return i;
    if (t.kind[i] === PUNCT && (t.code[i] === 42 || t.code[i] === 40)) continue;
    if (t.kind[i] === KW && isQualifier(t.text.slice(t.start[i], t.end[i]))) continue;
    return -1;
  }
  return -1;
}

/** `(*name[N])(void)`: a declarator of function pointers (an array of them: handlers, not tables). */
function holdsCode(t: Tokens, ds: number, de: number): boolean {
  for (let i = ds; i + 1 < de; i++) {
    if (!(t.kind[i] === PUNCT && t.code[i] === 40 && t.kind[i + 1] === PUNCT && t.code[i + 1] === 42)) continue;
    const close = parenEnd(t, i, de);
    return close >= 0 && close < de && t.kind[close] === PUNCT && t.code[close] === 40; // parenEnd: the token after the `)`
  }
  return false;
}

function functionOf(t: Tokens, s: number, brace: number, close: number, head: Head, file: string, lines: LineMap, macros: MacroTable, word: (i: number) => string): CFunction {
  const text = t.text;
  const startIndex = t.start[s];
  const endIndex = close < t.kind.length ? t.end[close] : text.length;
  const name = head.name;
  const prefix = text.slice(startIndex, t.start[name]);
  const params: string[] = [];
  for (const [ps, pe] of splitTop(t, head.params[0], head.params[1])) {
    const id = paramName(t, ps, pe, word, macros);
    if (id >= 0) params.push(word(id));
  }
  const callees = new Set<string>();
  const refs = new Set<string>();
  bodyNames(t, brace + 1, Math.min(close, t.kind.length), word, callees, refs);
  return {
    name: word(name), file, range: lines.range(file, startIndex, endIndex), nameRange: lines.range(file, t.start[name], t.end[name]), params,
    section: sectionFromText(prefix, macros), isStatic: /\bstatic\b/.test(prefix), isInline: /inline/.test(prefix),
    callees: [...callees], refs: [...refs], startIndex, endIndex,
  };
}

/** Segments of `[s, e)` split at top-level commas (outside parentheses, brackets and braces). */
function splitTop(t: Tokens, s: number, e: number): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0, from = s;
  for (let i = s; i < e; i++) {
    if (t.kind[i] !== PUNCT) continue;
    const c = t.code[i];
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 0) { out.push([from, i]); from = i + 1; }
  }
  if (from < e) out.push([from, e]);
  return out;
}

/** Identifiers of a body, as tree-sitter-c tells them: no fields (`a.x`, `p->x`), labels, goto targets or tags. */
function bodyNames(t: Tokens, s: number, e: number, word: (i: number) => string, callees: Set<string>, refs: Set<string>): void {
  let prev = -1; // previous token that is not a preprocessor line
  for (let i = s; i < e; i++) {
    const k = t.kind[i];
    if (k === PP_IF || k === PP_ELSE || k === PP_ENDIF) continue;
    if (k === ID) {
      let skip = false;
      if (prev >= 0) {
        const pk = t.kind[prev];
        if (pk === PUNCT && (t.code[prev] === 46 || t.code[prev] === ARROW)) skip = true;
        else if (pk === KW) { const w = word(prev); skip = w === 'goto' || TAG_WORDS.has(w); }
      }
      let next = i + 1;
      while (next < e && t.kind[next] >= PP_IF) next++;
      if (!skip && next < e && t.kind[next] === PUNCT && t.code[next] === 58 && (prev < 0 || (t.kind[prev] === PUNCT && (t.code[prev] === 123 || t.code[prev] === 125 || t.code[prev] === 59 || t.code[prev] === 58)))) skip = true;
      if (!skip) {
        const w = word(i);
        refs.add(w);
        if (next < e && t.kind[next] === PUNCT && t.code[next] === 40) callees.add(w);
      }
    }
    prev = i;
  }
}

function declaration(t: Tokens, s: number, semi: number, match: Int32Array, file: string, lines: LineMap, macros: MacroTable, out: CFileIndex, word: (i: number) => string): void {
  if (semi <= s) return;
  for (let i = s; i < semi; i++) if (t.kind[i] === KW && (word(i) === 'typedef' || word(i) === 'extern')) return;
  // `__initcall(foo);` is a call at file scope, `static DEFINE_SPINLOCK(lock);` a declaration
  if (t.kind[s] === ID && t.kind[s + 1] === PUNCT && t.code[s + 1] === 40) return;
  const d0 = declaratorStart(t, s, semi, word, match);
  if (d0 < 0 || d0 >= semi) return;
  const text = t.text;
  const whole = text.slice(t.start[s], t.end[semi]);
  const eq = whole.indexOf('=');
  const section = sectionFromText(eq >= 0 ? whole.slice(0, eq) : whole, macros);
  for (const [ds, de] of splitTop(t, d0, semi)) {
    const id = declaratorName(t, ds, de, macros);
    if (id < 0) continue;
    let eqTok = -1;
    for (let i = ds; i < de; i++) if (t.kind[i] === PUNCT && t.code[i] === 61) { eqTok = i; break; }
    const declEnd = trimTrailing(t, ds, eqTok >= 0 ? eqTok : de, word);
    // `foo(int)` and `(*fp)(void)` without an initializer declare functions; `*foo(void)` is a
    // pointer declarator in tree-sitter-c's reading, hence a variable; `(x)` is just x
    if (eqTok < 0 && !(t.kind[ds] === PUNCT && t.code[ds] === 42) && t.kind[declEnd - 1] === PUNCT && t.code[declEnd - 1] === 41) {
      const open = parenStart(t, ds, declEnd - 1);
      if (open > id || splitTop(t, open + 1, declEnd - 1).length !== 1) continue;
    }
    let isArray = false, starBeforeBracket = false, seenBracket = false;
    for (let i = ds; i < declEnd; i++) {
      if (t.kind[i] !== PUNCT) continue;
      if (t.code[i] === 91) { isArray = true; seenBracket = true; } else if (t.code[i] === 42 && !seenBracket) starBeforeBracket = true;
    }
    out.variables.push({
      name: word(id), file, range: lines.range(file, t.start[id], t.end[id]), section,
      init: eqTok >= 0 && eqTok + 1 < de ? blankAttributes(text.slice(t.start[eqTok + 1], t.end[de - 1]), macros) : null,
      isArray, isPointerArray: isArray && starBeforeBracket && !holdsCode(t, ds, declEnd),
      isCodeArray: isArray && holdsCode(t, ds, declEnd),
    });
  }
}
