import { createHash } from 'node:crypto';
import { expandMacros } from './macro-expand';
/**
 * Preprocessor macros found anywhere in the tree, read with a text scan (no parse needed):
 * the constants table, the section annotations (`__init` -> `.init.text`), and the
 * attribute-like names that must be hidden from tree-sitter-c (it cannot know `void __init f(void)`).
 */
export interface MacroDef {
  name: string;
  params: string[] | null; // null: object-like
  body: string;
  file: string;
  line: number;
  /** Names this definition depends on being defined (`#ifdef INIT_SECTIONS_ONLY` around it). */
  requires: string[];
}

const DEFINE_RE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\(([^)]*)\))?[ \t]*((?:[^\n\\]|\\\n|\\(?!\n))*)/gm;

/**
 * Enumeration constants a text defines, in order, each with the expression of its value (an
 * implicit one is the previous plus one): `enum { GATE_INTERRUPT = 0xE, GATE_TRAP = 0xF }`.
 */
export function scanEnums(text: string): { name: string; value: string }[] {
  if (!text.includes('enum')) return [];
  const out: { name: string; value: string }[] = [];
  for (const m of text.matchAll(/\benum\s*[A-Za-z_]?\w*\s*\{([^{}]*)\}/g)) {
    const body = stripComments(m[1]).replace(/^[ \t]*#[^\n]*$/gm, '');
    // the last explicit value, and how far past it the next item is (`A = 4, B, C`: C is 4 + 2)
    let base: string | null = '0', step = 0;
    for (const item of splitArgs(body)) {
      if (item.trim() === '') continue;
      const e = /^([A-Za-z_]\w*)\s*(?:=\s*([\s\S]+))?$/.exec(item.trim());
      if (!e) { base = null; continue; }
      if (e[2] !== undefined) { base = `(${e[2].trim()})`; step = 0; }
      if (base !== null) out.push({ name: e[1], value: step === 0 ? base : `${base} + ${step}` });
      step++;
    }
  }
  return out;
}

export function scanMacros(file: string, text: string): MacroDef[] {
  if (!text.includes('define')) return [];
  const out: MacroDef[] = [];
  const guards = ifdefGuards(text);
  let line = 0, lineStart = 0;
  DEFINE_RE.lastIndex = 0;
  for (let m = DEFINE_RE.exec(text); m; m = DEFINE_RE.exec(text)) {
    const body = stripComments(m[4].replace(/\\\n/g, ' ')).trim();
    const params = m[2] !== undefined ? m[3].split(',').map((p) => p.trim()).filter((p) => p.length > 0) : null;
    // matches come in order: count newlines since the previous one only
    for (let i = text.indexOf('\n', lineStart); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) { line++; lineStart = i + 1; }
    out.push({ name: m[1], params, body, file, line, requires: guards(line) });
    if (DEFINE_RE.lastIndex <= m.index) DEFINE_RE.lastIndex = m.index + 1;
  }
  return out;
}

/** For each line, the names of the enclosing `#ifdef NAME` blocks (their first branch only). */
function ifdefGuards(text: string): (line: number) => string[] {
  const ranges: { name: string; from: number; to: number }[] = [];
  const stack: { name: string | null; from: number }[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const m = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b\s*(\w*)/.exec(l);
    if (!m) return;
    if (m[1] === 'ifdef') stack.push({ name: m[2], from: i });
    else if (m[1] === 'ifndef' || m[1] === 'if') stack.push({ name: null, from: i });
    else {
      const top = stack[stack.length - 1];
      if (top?.name) ranges.push({ name: top.name, from: top.from, to: i });
      if (m[1] === 'endif') stack.pop();
      else if (top) top.name = null;
    }
  });
  return (line) => ranges.filter((r) => r.from < line && line < r.to).map((r) => r.name);
}

export function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?(\*\/|$)/g, ' ').replace(/\/\/.*$/gm, '');
}

/** Built-in section annotations of the kernel-wide family, used when the tree does not define them. */
const BUILTIN_SECTIONS = new Map([
  ['__init', '.init.text'], ['__initdata', '.init.data'], ['__initconst', '.init.rodata'], ['__initrodata', '.init.rodata'],
  ['__cpuinit', '.init.text'], ['__cpuinitdata', '.init.data'], ['__devinit', '.init.text'], ['__devinitdata', '.init.data'],
  ['__meminit', '.init.text'], ['__initdata_cf_clobber', '.init.data'],
]);

/** Names that are attributes by convention when the tree does not say otherwise. */
const BUILTIN_ATTRIBUTES = [
  'noinline', 'noreturn', 'always_inline', 'asmlinkage', 'nocall', '__read_mostly', '__ro_after_init', '__maybe_unused',
  '__used', '__cold', '__weak', 'inline', '__inline__', '__always_inline', '__noreturn', '__packed', 'cf_check',
  '__visible', 'notrace', '__section', '__aligned', '__init_call', '__exit', '__exitdata', 'attribute_const', 'pure',
  '__pure', '__must_check', 'fastcall', '__cpuinit', '__devinit', '__init', '__initdata', '__initconst',
];

/** Defined by the compiler, not in any file: `__ASSEMBLY__` for `.S` files, the target's names. */
const COMPILER_DEFINED = new Set(['__ASSEMBLY__', '__ASSEMBLER__', '__x86_64__', '__GNUC__', '__ELF__', '__STDC__']);

/** A source file (`.c`, `.S`): its definitions are its own; a header's are everyone's who includes it. */
const isSource = (file: string): boolean => /\.(c|S|s)$/.test(file);

export class MacroTable {
  private readonly defs = new Map<string, MacroDef>();
  private readonly attrCache = new Map<string, boolean>();
  private readonly sectionCache = new Map<string, string | null>();

  private readonly guarded: MacroDef[] = [];
  /**
   * What a source file (`.c`, `.S`) defines for itself: inside that file its own definition is
   * the one the preprocessor uses (`#define G(...)` in idt.c, not a crypto `.S` file's `G`).
   */
  private readonly own = new Map<string, Map<string, MacroDef>>();
  /** What headers define: all a source file sees besides its own (another `.S` file's `#define p 0` is not in it). */
  private readonly shared = new Map<string, MacroDef>();
  /** Enumeration constants (`enum { GATE_INTERRUPT = 0xE, ... }`): values an `#if` cannot see but C expressions can. */
  private readonly enums = new Map<string, bigint>();

  /** First definition wins; callers add files in a deterministic, preference order. */
  add(defs: MacroDef[]): void {
    // (a file's definitions come together: whether it is a source file is asked once)
    let file: string | null = null, mine: Map<string, MacroDef> | null = null;
    for (const d of defs) {
      if (d.requires.length > 0) { this.guarded.push(d); continue; }
      if (!this.defs.has(d.name)) this.defs.set(d.name, d);
      if (d.file !== file) {
        file = d.file;
        mine = isSource(file) ? this.own.get(file) ?? new Map() : null;
        if (mine) this.own.set(file, mine);
      }
      if (mine) { if (!mine.has(d.name)) mine.set(d.name, d); }
      else if (!this.shared.has(d.name)) this.shared.set(d.name, d);
    }
  }

  /** Enumeration constants, first definition winning (their value expressions are read once the macros are sealed). */
  addEnums(entries: readonly { name: string; value: string }[]): void {
    for (const e of entries) {
      if (this.enums.has(e.name) || this.defs.has(e.name)) continue;
      const v = this.evaluate(e.value);
      if (v !== undefined) this.enums.set(e.name, v);
    }
  }

  /**
   * The definitions a file's text sees: its own, then the headers' (no other source file's). With
   * no file (an assembler unit, which may include other `.S` files): every definition, first wins.
   */
  private lookup(file: string | undefined): (name: string) => MacroDef | undefined {
    if (file === undefined || !isSource(file)) return (name) => this.defs.get(name);
    const mine = this.own.get(file);
    return mine ? (name) => mine.get(name) ?? this.shared.get(name) : (name) => this.shared.get(name);
  }

  /**
   * The cache of answers for texts read in a file: a source file with definitions of its own
   * sees them and the headers'; another source, the headers'; anything else, all. Two levels of
   * maps, not one key joining file and text: the walker asks for the same few texts very often.
   */
  private scope<T>(caches: Map<string, Map<string, T>>, file: string | undefined): Map<string, T> {
    const name = file === undefined || !isSource(file) ? '' : this.own.has(file) ? file : '\0';
    let m = caches.get(name);
    if (!m) { m = new Map(); caches.set(name, m); }
    return m;
  }

  /**
   * Definitions inside `#ifdef NAME` count only when NAME is defined somewhere in the tree:
   * names a build system passes per file (`-DINIT_SECTIONS_ONLY`) would otherwise leak
   * `#define inline inline __init` into every file.
   */
  seal(): void {
    for (const d of this.guarded) {
      if (this.defs.has(d.name)) continue;
      if (!d.requires.every((r) => this.defs.has(r) || r.startsWith('CONFIG_') || COMPILER_DEFINED.has(r))) continue;
      this.defs.set(d.name, d);
      if (!isSource(d.file) && !this.shared.has(d.name)) this.shared.set(d.name, d);
    }
    this.guarded.length = 0;
  }

  /** The definition of `name` (as `file` sees it, when given). */
  get(name: string, file?: string): MacroDef | undefined { return this.lookup(file)(name); }

  private key: string | null = null;

  /** Changes when any definition changes: cached per-file indexes depend on the macros. Read once sealed. */
  fingerprint(): string {
    if (this.key === null) {
      const h = createHash('sha1');
      for (const d of this.defs.values()) h.update(`${d.name}(${d.params?.join(',') ?? ''})${d.body}\n`);
      for (const [file, mine] of this.own) for (const d of mine.values()) if (this.defs.get(d.name) !== d) h.update(`${file}:${d.name}(${d.params?.join(',') ?? ''})${d.body}\n`);
      for (const d of this.shared.values()) if (this.defs.get(d.name) !== d) h.update(`header:${d.name}(${d.params?.join(',') ?? ''})${d.body}\n`);
      for (const [name, v] of this.enums) h.update(`enum ${name}=${v}\n`);
      this.key = h.digest('hex');
    }
    return this.key;
  }

  /**
   * Takes over what a table with the same definitions (same fingerprint) evaluated: a value
   * depends only on the expression and the definitions. (The attribute and section caches are
   * not taken: their depth cut-offs make them depend on the order of questions.)
   */
  adoptValues(same: MacroTable): void {
    for (const [scope, theirs] of same.values) {
      const mine = this.values.get(scope);
      if (!mine) { this.values.set(scope, new Map(theirs)); continue; }
      for (const [k, v] of theirs) if (!mine.has(k)) mine.set(k, v);
    }
  }

  /** The section a macro name places its declaration in (`__init` -> `.init.text`), resolved through the tree's own defines. */
  sectionOf(name: string, depth = 0): string | null {
    const cached = this.sectionCache.get(name);
    if (cached !== undefined) return cached;
    let result: string | null = null;
    const d = this.defs.get(name);
    if (d && depth < 6) {
      const lit = /(?:section|__section__)\s*\(\s*"([^"]+)"/.exec(d.body) ?? /^\s*\w*\s*\(\s*"(\.[^"]+)"/.exec(d.body);
      if (lit) result = lit[1];
      else {
        for (const id of d.body.match(/[A-Za-z_]\w*/g) ?? []) {
          if (id === name) continue;
          const s = this.sectionOf(id, depth + 1);
          if (s) { result = s; break; }
        }
      }
    }
    if (result === null && !d) result = BUILTIN_SECTIONS.get(name) ?? null;
    this.sectionCache.set(name, result);
    return result;
  }

  /** True for names that only decorate a declaration (attributes, section and linkage annotations). */
  isAttributeLike(name: string, depth = 0): boolean {
    const cached = this.attrCache.get(name);
    if (cached !== undefined) return cached;
    this.attrCache.set(name, false); // cycle guard
    const d = this.defs.get(name);
    let result: boolean;
    if (!d) result = BUILTIN_ATTRIBUTES.includes(name) || BUILTIN_SECTIONS.has(name);
    else if (depth > 6) result = false;
    else {
      const body = d.body.replace(/"[^"]*"/g, '""');
      const ids = body.match(/[A-Za-z_]\w*/g) ?? [];
      const first = ids[0];
      result = body.length === 0
        ? /^_*[a-z]/.test(name) || name.startsWith('__') // empty: `#define __init` (not feature flags like CONFIG_X; one reached through another, `asmlinkage` -> `CPP_ASMLINKAGE`, is)
        : /^__attribute__\b/.test(body) || (first !== undefined && first !== name && (this.isAttributeLike(first, depth + 1) || this.defs.get(first)?.body.trim() === '') && /^[\w\s(),".]*$/.test(body));
    }
    this.attrCache.set(name, result);
    return result;
  }

  /** Values by scope (`scope`), then expression; null: the expression has none. */
  private readonly values = new Map<string, Map<string, bigint | null>>();

  /** Evaluates an integer constant expression, expanding macros of the tree. Undefined when it cannot. */
  evaluate(expr: string, file?: string): bigint | undefined {
    const known = this.scope(this.values, file);
    let v = known.get(expr);
    if (v === undefined) { v = this.evaluateUncached(expr, file) ?? null; known.set(expr, v); }
    return v ?? undefined;
  }

  private evaluateUncached(expr: string, file: string | undefined): bigint | undefined {
    const expanded = expandMacros(stripComments(expr), this.lookup(file));
    if (expanded === null) return undefined;
    try {
      const toks = tokenize(expanded).map((t) => (t.t === 'id' && this.enums.has(t.v) ? { t: 'num' as const, v: this.enums.get(t.v) as bigint } : t));
      const p = new ExprParser(toks);
      const v = p.parseTernary();
      return p.atEnd() ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Text expansion of object- and function-like macros (see macro-expand.ts); the text itself when the expansion passes the bound. */
  expand(text: string, file?: string): string {
    const known = this.scope(this.expansions, file);
    let e = known.get(text);
    if (e === undefined) { e = expandMacros(text, this.lookup(file)) ?? text; known.set(text, e); }
    return e;
  }

  /** Expansions made, by scope (the walker asks again for every call of a macro it walks). */
  private readonly expansions = new Map<string, Map<string, string>>();
}


export function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim().length > 0 || out.length > 0) out.push(cur.trim());
  return out;
}

type Tok = { t: 'num'; v: bigint } | { t: 'op'; v: string } | { t: 'id'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>?:]))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new Error('bad token');
    if (m[1]) out.push({ t: 'num', v: m[1].startsWith('0b') || m[1].startsWith('0B') ? BigInt(m[1]) : m[1].length > 1 && m[1][0] === '0' && !/^0[xX]/.test(m[1]) ? BigInt('0o' + m[1].slice(1)) : BigInt(m[1]) });
    else if (m[2]) out.push({ t: 'id', v: m[2] });
    else out.push({ t: 'op', v: m[3] });
    i = re.lastIndex;
  }
  return out;
}

const CAST_WORDS = new Set(['unsigned', 'signed', 'long', 'int', 'short', 'char', 'const', 'volatile', 'uint64_t', 'uint32_t', 'uint16_t', 'uint8_t', 'u64', 'u32', 'u16', 'u8', 'size_t']);
const MASK64 = (1n << 64n) - 1n;

class ExprParser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  atEnd(): boolean { return this.i >= this.toks.length; }
  private peek(): Tok | undefined { return this.toks[this.i]; }
  private isOp(v: string): boolean { const t = this.peek(); return t !== undefined && t.t === 'op' && t.v === v; }
  private expect(v: string): void { if (!this.isOp(v)) throw new Error('expected ' + v); this.i++; }

  parseTernary(): bigint {
    const c = this.parseBin(0);
    if (this.isOp('?')) { this.i++; const a = this.parseTernary(); this.expect(':'); const b = this.parseTernary(); return c !== 0n ? a : b; }
    return c;
  }
  private static readonly PREC = new Map(Object.entries({ '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10 }));
  private parseBin(min: number): bigint {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'op') return left;
      const p = ExprParser.PREC.get(t.v);
      if (p === undefined || p < min) return left;
      this.i++;
      const right = this.parseBin(p + 1);
      left = apply(t.v, left, right);
    }
  }
  private parseUnary(): bigint {
    const t = this.peek();
    if (!t) throw new Error('eof');
    if (t.t === 'op') {
      if (t.v === '-') { this.i++; return (-this.parseUnary()) & MASK64; }
      if (t.v === '+') { this.i++; return this.parseUnary(); }
      if (t.v === '~') { this.i++; return ~this.parseUnary() & MASK64; }
      if (t.v === '!') { this.i++; return this.parseUnary() === 0n ? 1n : 0n; }
      if (t.v === '(') {
        // a cast `(unsigned long)` is skipped; otherwise a parenthesised expression
        let j = this.i + 1;
        while (j < this.toks.length && this.toks[j].t === 'id' && CAST_WORDS.has((this.toks[j] as { v: string }).v)) j++;
        const tj = this.toks[j];
        if (j > this.i + 1 && tj && tj.t === 'op' && tj.v === ')') { this.i = j + 1; return this.parseUnary(); }
        this.i++;
        const v = this.parseTernary();
        this.expect(')');
        return v;
      }
    }
    if (t.t === 'num') { this.i++; return t.v; }
    throw new Error('unknown identifier ' + String(t.v));
  }
}

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+': return (a + b) & MASK64;
    case '-': return (a - b) & MASK64;
    case '*': return (a * b) & MASK64;
    case '/': if (b === 0n) throw new Error('div0'); return a / b;
    case '%': if (b === 0n) throw new Error('div0'); return a % b;
    case '<<': return (a << b) & MASK64;
    case '>>': return a >> b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
  }
  throw new Error('op ' + op);
}
