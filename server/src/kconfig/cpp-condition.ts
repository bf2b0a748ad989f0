/**
 * `#if`/`#ifdef` conditions decided by a kernel configuration, as the compiler sees them
 * through include/generated/autoconf.h: `CONFIG_X=y` defines `CONFIG_X` as 1, `=m` defines
 * `CONFIG_X_MODULE` (not `CONFIG_X`), a string or number defines `CONFIG_X` as it, `n` defines
 * nothing. `IS_ENABLED`/`IS_BUILTIN`/`IS_MODULE`/`IS_REACHABLE` are include/linux/kconfig.h's.
 * Names that are not the configuration's go to the caller's macro host; an answer nobody has
 * leaves the condition undecided (undefined), never guessed.
 */
import type { KernelConfig } from './configuration';

export interface CppHost {
  /** Whether a macro is defined; undefined when the caller cannot tell. */
  defined?(name: string): boolean | undefined;
  /** The value of an identifier or a call (`NAME` or `NAME(args)`, as written); undefined when unknown. */
  value?(text: string): bigint | undefined;
}

/** What the configuration says of a macro name: defined (with its value), not defined, undecided, or nothing (not its name). */
export type ConfigMacro =
  | { readonly kind: 'defined'; readonly value: bigint | string }
  | { readonly kind: 'not-defined' }
  | { readonly kind: 'undecided' }
  | { readonly kind: 'not-config' };

export function configMacro(config: KernelConfig, name: string): ConfigMacro {
  if (!name.startsWith(config.prefix) || config.source.kind === 'none') return { kind: 'not-config' };
  const base = name.slice(config.prefix.length);
  const v = config.values.get(base);
  if (v) {
    if (v.kind === 'undecided') return { kind: 'undecided' };
    if (v.kind === 'tristate') return v.value === 'y' ? { kind: 'defined', value: 1n } : { kind: 'not-defined' };
    if (v.kind === 'number') return /^-?\d+$|^0[xX][0-9a-fA-F]+$/.test(v.value) ? { kind: 'defined', value: BigInt(v.value) } : { kind: 'undecided' };
    return { kind: 'defined', value: v.value };
  }
  if (base.endsWith('_MODULE')) {
    const of = config.values.get(base.slice(0, -'_MODULE'.length));
    if (of?.kind === 'tristate') return of.value === 'm' ? { kind: 'defined', value: 1n } : { kind: 'not-defined' };
    if (of?.kind === 'undecided') return { kind: 'undecided' };
  }
  // not set by the configuration: not defined, unless a header of the tree defines it (the host says)
  return { kind: 'not-defined' };
}

interface MacroState { defined: boolean | undefined; value: bigint | undefined }

function stateOf(config: KernelConfig, name: string, host: CppHost | undefined): MacroState {
  const c = configMacro(config, name);
  switch (c.kind) {
    case 'defined': return { defined: true, value: typeof c.value === 'bigint' ? c.value : undefined };
    case 'undecided': return { defined: undefined, value: undefined };
    case 'not-defined':
      if (host?.defined?.(name) === true) return { defined: true, value: host.value?.(name) };
      return { defined: false, value: 0n };
    case 'not-config': {
      const d = host?.defined?.(name);
      return { defined: d, value: d === false ? 0n : host?.value?.(name) };
    }
  }
}

/** `#ifdef NAME` / `#ifndef NAME`: true, false, or undefined (undecided). */
export function isMacroDefined(config: KernelConfig, name: string, host?: CppHost): boolean | undefined {
  return stateOf(config, name.trim(), host).defined;
}

/** The truth of an `#if`/`#elif` condition: true, false, or undefined (undecided). */
export function evaluateCondition(config: KernelConfig, cond: string, host?: CppHost): boolean | undefined {
  const text = cond.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/, '');
  const toks = tokenize(text);
  if (!toks) return undefined;
  const p = new CondParser(toks, text, config, host);
  try {
    const v = p.ternary();
    return p.atEnd() ? (v === undefined ? undefined : v !== 0n) : undefined;
  } catch {
    return undefined;
  }
}

/** One directive: `if`/`elif` take a condition, `ifdef`/`ifndef` a name. */
export function evaluateDirective(config: KernelConfig, directive: 'if' | 'elif' | 'ifdef' | 'ifndef', text: string, host?: CppHost): boolean | undefined {
  if (directive === 'if' || directive === 'elif') return evaluateCondition(config, text, host);
  const d = isMacroDefined(config, text, host);
  return d === undefined ? undefined : directive === 'ifdef' ? d : !d;
}

/** A token and where it ends in the condition's text. */
type Tok = ({ t: 'num'; v: bigint } | { t: 'id'; v: string } | { t: 'op'; v: string }) & { end: number };
type V = bigint | undefined;

function tokenize(s: string): Tok[] | null {
  const out: Tok[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)[uUlL]*|'(\\.|[^'\\])'|([A-Za-z_]\w*)|(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>?:,]))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return null;
    const end = re.lastIndex;
    if (m[1]) out.push({ t: 'num', v: /^0[0-7]+$/.test(m[1]) ? BigInt(`0o${m[1].slice(1)}`) : BigInt(m[1]), end });
    else if (m[2]) out.push({ t: 'num', v: BigInt((m[2].length === 2 ? ({ n: 10, t: 9, r: 13, '0': 0 } as Record<string, number>)[m[2][1]] ?? m[2].charCodeAt(1) : m[2].charCodeAt(0))), end });
    else if (m[3]) out.push({ t: 'id', v: m[3], end });
    else out.push({ t: 'op', v: m[4], end });
    i = end;
  }
  return out;
}

const PREC = new Map(Object.entries({ '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10 }));
const KCONFIG_H = new Set(['IS_ENABLED', 'IS_BUILTIN', 'IS_MODULE', 'IS_REACHABLE']);

/** C's precedence over values that may be unknown: `0 && x` and `1 || x` are decided whatever x is. */
class CondParser {
  private i = 0;
  constructor(private readonly toks: Tok[], private readonly text: string, private readonly config: KernelConfig, private readonly host: CppHost | undefined) {}
  atEnd(): boolean { return this.i >= this.toks.length; }
  private peekOp(v: string): boolean { const t = this.toks[this.i]; return t !== undefined && t.t === 'op' && t.v === v; }
  private expect(v: string): void { if (!this.peekOp(v)) throw new Error(`expected ${v}`); this.i++; }

  ternary(): V {
    const c = this.binary(1);
    if (!this.peekOp('?')) return c;
    this.i++;
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    return c === undefined ? (a === b ? a : undefined) : c !== 0n ? a : b;
  }

  private binary(min: number): V {
    let left = this.unary();
    for (;;) {
      const t = this.toks[this.i];
      if (!t || t.t !== 'op') return left;
      const p = PREC.get(t.v);
      if (p === undefined || p < min) return left;
      this.i++;
      const right = this.binary(p + 1);
      left = apply(t.v, left, right);
    }
  }

  private unary(): V {
    const t = this.toks[this.i++];
    if (!t) throw new Error('end of condition');
    if (t.t === 'num') return t.v;
    if (t.t === 'op') {
      if (t.v === '(') { const v = this.ternary(); this.expect(')'); return v; }
      const v = this.unary();
      if (v === undefined) return undefined;
      if (t.v === '!') return v === 0n ? 1n : 0n;
      if (t.v === '-') return -v;
      if (t.v === '+') return v;
      if (t.v === '~') return ~v;
      throw new Error(`unexpected ${t.v}`);
    }
    if (t.v === 'defined') {
      const paren = this.peekOp('(');
      if (paren) this.i++;
      const n = this.toks[this.i++];
      if (!n || n.t !== 'id') throw new Error('defined needs a name');
      if (paren) this.expect(')');
      const d = stateOf(this.config, n.v, this.host).defined;
      return d === undefined ? undefined : d ? 1n : 0n;
    }
    if (this.peekOp('(')) return this.call(t.v, this.i - 1);
    return stateOf(this.config, t.v, this.host).value;
  }

  /** `NAME(args)`: kconfig.h's tests decided here, any other call asked of the host as written. */
  private call(name: string, nameTok: number): V {
    const start = this.i;
    let depth = 0;
    for (; this.i < this.toks.length; this.i++) {
      const t = this.toks[this.i];
      if (t.t === 'op' && t.v === '(') depth++;
      else if (t.t === 'op' && t.v === ')' && --depth === 0) break;
    }
    if (this.i >= this.toks.length) throw new Error('unclosed call');
    const args = this.toks.slice(start + 1, this.i++);
    if (KCONFIG_H.has(name) && args.length === 1 && args[0].t === 'id') return this.kconfigTest(name, args[0].v);
    const from = nameTok > 0 ? this.toks[nameTok - 1].end : 0;
    return this.host?.value?.(this.text.slice(from, this.toks[this.i - 1].end).trim());
  }

  private kconfigTest(test: string, option: string): V {
    const builtin = this.isOne(option);
    const module = this.isOne(`${option}_MODULE`);
    const or = (a: V, b: V): V => (a === 1n || b === 1n ? 1n : a === undefined || b === undefined ? undefined : 0n);
    const and = (a: V, b: V): V => (a === 0n || b === 0n ? 0n : a === undefined || b === undefined ? undefined : 1n);
    if (test === 'IS_BUILTIN') return builtin;
    if (test === 'IS_MODULE') return module;
    if (test === 'IS_ENABLED') return or(builtin, module);
    // IS_REACHABLE: built in, or a module seen from code built as a module (MODULE defined)
    const inModule = this.host?.defined?.('MODULE') ?? false;
    return or(builtin, and(module, inModule ? 1n : 0n));
  }

  /** kconfig.h's __is_defined: 1 when the name is defined as exactly 1. */
  private isOne(name: string): V {
    const s = stateOf(this.config, name, this.host);
    if (s.defined === false) return 0n;
    if (s.defined === undefined || s.value === undefined) return undefined;
    return s.value === 1n ? 1n : 0n;
  }
}

function apply(op: string, a: V, b: V): V {
  if (op === '&&') return a === 0n || b === 0n ? 0n : a === undefined || b === undefined ? undefined : 1n;
  if (op === '||') return (a !== undefined && a !== 0n) || (b !== undefined && b !== 0n) ? 1n : a === undefined || b === undefined ? undefined : 0n;
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? undefined : a / b;
    case '%': return b === 0n ? undefined : a % b;
  }
  return undefined;
}
