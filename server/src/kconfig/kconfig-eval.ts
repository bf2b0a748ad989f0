/**
 * Symbol values as scripts/kconfig/symbol.c sym_calc_value computes them after `conf
 * --defconfig` read the user values: visibility from the prompts, a visible symbol takes its
 * user value, others the first default whose condition holds, `imply` and `select` on top, a
 * choice picks its user value, its default or its first visible value. Each value is an
 * interval (tristate.ts): where an undecided input leaves several outcomes, the result spans them.
 */
import type { KconfigTree, KExpr, KSymbol, Prop, SymbolType } from './kconfig-model';
import { and, ANY, decided, join, letter, levels, mToY, N, not, or, tri, Y, fromLetter, type Level, type Tri } from './tristate';
import { hasUnknown } from './unknowns';

/** A user value as `.config`/defconfig write it: the text after `=` (unquoted), `n` for "is not set". */
export interface UserValue { readonly value: string; readonly quoted: boolean }

export interface SymbolValue {
  readonly type: SymbolType;
  /** bool/tristate: the value; others: n. */
  readonly tri: Tri;
  /** int/hex/string: the value, undefined when undecided; bool/tristate: the letter when decided. */
  readonly str: string | undefined;
  /** Whether `.config` would list it (y: written, n: not, both: undecided). */
  readonly written: Tri;
}

const nz = (t: Tri): Tri => tri(t.lo > 0 ? 2 : 0, t.hi > 0 ? 2 : 0);
const BASE: Partial<Record<SymbolType, 10 | 16>> = { int: 10, hex: 16 };

export class KconfigEvaluator {
  private readonly memo = new Map<KSymbol, SymbolValue>();
  private readonly busy = new Set<KSymbol>();
  private readonly visMemo = new Map<KSymbol, Tri>();
  private readonly selection = new Map<KSymbol, { candidates: KSymbol[]; none: boolean }>();
  private readonly byName = new Map<string, KSymbol>();
  /** A choice's user state: OR of its values' user values, and the value set to y. */
  private readonly choiceUser = new Map<KSymbol, { tri: Tri; pick: KSymbol | null }>();

  constructor(tree: KconfigTree, private readonly modules: KSymbol | null, private readonly user: ReadonlyMap<string, UserValue>) {
    for (const [n, s] of tree.symbols) this.byName.set(n, s);
    for (const c of tree.choices) {
      this.byName.set(c.name, c);
      let t = N, pick: KSymbol | null = null;
      for (const m of c.members) {
        const u = this.userTri(m);
        if (!u) continue;
        t = or(t, u);
        if (u === Y) pick = m;
      }
      this.choiceUser.set(c, { tri: t, pick });
    }
  }

  value(sym: KSymbol): SymbolValue {
    const done = this.memo.get(sym);
    if (done) return done;
    // a dependency loop (Kconfig rejects them, choices aside) sees the symbol's initial value, as sym_calc_value does
    if (this.busy.has(sym)) return { type: sym.type, tri: N, str: sym.type === 'bool' || sym.type === 'tristate' ? 'n' : '', written: N };
    this.busy.add(sym);
    const v = sym.type === 'bool' || sym.type === 'tristate' ? this.tristateValue(sym)
      : sym.type === 'unknown' ? { type: sym.type, tri: N, str: sym.name, written: N } : this.stringValue(sym);
    this.busy.delete(sym);
    const out = sym.noWrite ? { ...v, written: N } : v;
    this.memo.set(sym, out);
    return out;
  }

  /** The value of an expression (a condition, a default of a bool). */
  expr(e: KExpr | null): Tri {
    if (!e) return Y;
    switch (e.op) {
      case 'sym': return this.symTri(e.name);
      case '!': return not(this.expr(e.arg));
      case '&&': return and(this.expr(e.left), this.expr(e.right));
      case '||': return or(this.expr(e.left), this.expr(e.right));
      default: {
        const a = this.symStr(e.left.name), b = this.symStr(e.right.name);
        if (a === undefined || b === undefined) return tri(0, 2);
        const r = compare(a, this.typeOf(e.left.name), b, this.typeOf(e.right.name));
        const holds = e.op === '=' ? r === 0 : e.op === '!=' ? r !== 0 : e.op === '<' ? r < 0 : e.op === '<=' ? r <= 0 : e.op === '>' ? r > 0 : r >= 0;
        return holds ? Y : N;
      }
    }
  }

  /** Which value a choice picks: the candidates, and whether it may pick none. */
  choiceSelection(choice: KSymbol): { candidates: KSymbol[]; none: boolean } {
    const done = this.selection.get(choice);
    if (done) return done;
    const candidates: KSymbol[] = [];
    let none = true;
    const offer = (s: KSymbol, taken: Tri): boolean => {
      if (taken.hi === 0) return false;
      if (!candidates.includes(s)) candidates.push(s);
      if (taken.lo > 0) none = false;
      return !none;
    };
    const pick = this.choiceUser.get(choice)?.pick;
    let settled = pick ? offer(pick, nz(this.visibility(pick))) : false;
    for (const p of choice.props) {
      if (settled) break;
      if (p.kind !== 'default' || p.expr?.op !== 'sym') continue;
      const target = this.byName.get(p.expr.name);
      if (target?.choice === choice) settled = offer(target, and(nz(this.expr(p.cond)), nz(this.visibility(target))));
    }
    for (const m of choice.members) { if (settled) break; settled = offer(m, nz(this.visibility(m))); }
    const out = { candidates, none };
    this.selection.set(choice, out);
    return out;
  }

  private symTri(name: string): Tri {
    if (hasUnknown(name)) return ANY;
    const c = fromLetter(name);
    if (c) return c;
    const s = this.byName.get(name);
    return s && (s.type === 'bool' || s.type === 'tristate') ? this.value(s).tri : N;
  }

  /** The string a symbol compares as: its value, the letter of a bool, its own name for a constant. */
  private symStr(name: string): string | undefined {
    if (hasUnknown(name)) return undefined;
    const s = this.byName.get(name);
    if (!s || fromLetter(name)) return name;
    const v = this.value(s);
    if (s.type !== 'bool' && s.type !== 'tristate') return v.str;
    if (!decided(v.tri)) return undefined;
    if (v.tri.lo === 1) { const mod = this.modulesTri(); return decided(mod) ? (mod.lo === 0 ? 'n' : 'm') : undefined; }
    return letter(v.tri.lo);
  }

  private typeOf(name: string): SymbolType { return fromLetter(name) ? 'unknown' : this.byName.get(name)?.type ?? 'unknown'; }

  private modulesTri(): Tri { return this.modules ? this.value(this.modules).tri : N; }

  private userTri(sym: KSymbol): Tri | undefined {
    const u = this.user.get(sym.name);
    if (!u || u.quoted) return undefined;
    const t = fromLetter(u.value);
    return t && (t.lo !== 1 || sym.type === 'tristate') ? t : undefined;
  }

  /** Any prompt visible? (sym_calc_visibility) */
  private visibility(sym: KSymbol): Tri {
    const done = this.visMemo.get(sym);
    if (done) return done;
    let v = N;
    const choiceTri = sym.choice ? this.value(sym.choice).tri : null;
    for (const p of sym.props) {
      if (p.kind !== 'prompt') continue;
      let pv = this.expr(p.cond);
      // a tristate value of a choice that is y cannot be m on its own
      if (choiceTri && sym.type === 'tristate' && pv.lo <= 1 && pv.hi >= 1 && choiceTri.hi === 2) pv = pv === tri(1) && choiceTri === Y ? N : join(pv, N);
      v = or(v, pv);
    }
    const out = applyBool(v, sym.type !== 'tristate' ? true : this.modulesOff());
    this.visMemo.set(sym, out);
    return out;
  }

  private modulesOff(): boolean | undefined { const m = this.modulesTri(); return m.hi === 0 ? true : m.lo > 0 ? false : undefined; }

  /** sym_get_type: a tristate is a bool while modules are off, or as a visible value of a choice. */
  private isBool(sym: KSymbol, visible: Level): boolean | undefined {
    if (sym.type !== 'tristate') return true;
    if (sym.choice && visible === 2) return true;
    return this.modulesOff();
  }

  private tristateValue(sym: KSymbol): SymbolValue {
    const vis = this.visibility(sym);
    const plain = !sym.choice; // choice values ignore select, imply and dependencies beyond their prompts
    const dep = (e: KExpr | null, none: Tri): Tri => (plain ? applyBool(e ? this.expr(e) : none, this.isBool(sym, 0)) : N);
    const dirDep = plain ? dep(sym.dirDep, Y) : N, revDep = dep(sym.revDep, N), implied = dep(sym.implied, N);
    const user = sym.isChoice ? this.choiceUser.get(sym)?.tri : this.userTri(sym);
    let value: Tri | null = null, written: Tri | null = null;
    for (const v of levels(vis)) {
      let r: Tri, w: Tri = v > 0 ? Y : N;
      if (sym.choice && v === 2) r = this.selected(sym);
      else if (v > 0 && user) r = or(and(user, tri(v)), revDep);
      else {
        r = N;
        w = or(w, nz(revDep));
        if (!sym.isChoice) {
          r = this.firstOf(sym.props, 'default', (p) => and(this.expr(p.expr), this.expr(p.cond)), N, join);
          w = or(w, nz(r));
          if (implied.hi > 0) {
            const withImplied = and(or(r, implied), dirDep);
            r = implied.lo > 0 ? withImplied : join(r, withImplied);
            w = or(w, nz(implied));
          }
        }
        r = or(r, revDep);
      }
      r = applyBool(r, this.isBool(sym, v));
      value = value ? join(value, r) : r;
      written = written ? join(written, w) : w;
    }
    const t = value ?? N;
    return { type: sym.type, tri: t, str: decided(t) ? letter(t.lo) : undefined, written: written ?? N };
  }

  /** A visible value of a choice: y when the choice (y itself) picks it. */
  private selected(sym: KSymbol): Tri {
    const choice = sym.choice as KSymbol;
    const ct = this.value(choice).tri;
    if (ct.hi < 2) return N;
    const sel = this.choiceSelection(choice);
    const mine = !sel.candidates.includes(sym) ? N : sel.candidates.length === 1 && !sel.none ? Y : tri(0, 2);
    return ct.lo === 2 ? mine : join(N, mine);
  }

  /** The first default (range) whose condition holds (sym_get_default_prop), joined over the undecided ones. */
  private firstOf<T>(props: readonly Prop[], kind: 'default' | 'range', valueOf: (p: Prop) => T, none: T, merge: (a: T, b: T) => T): T {
    let acc: T | null = null;
    for (const p of props) {
      if (p.kind !== kind) continue;
      const c = this.expr(p.cond);
      if (c.hi === 0) continue;
      const v = valueOf(p);
      acc = acc === null ? v : merge(acc, v);
      if (c.lo > 0) return acc;
    }
    return acc === null ? none : merge(acc, none);
  }

  private stringValue(sym: KSymbol): SymbolValue {
    const vis = this.visibility(sym);
    const u = this.user.get(sym.name);
    const base = BASE[sym.type];
    const userOk = u !== undefined && (sym.type === 'string' ? true : validNumber(u.value, base ?? 10) && this.inRange(sym, u.value) !== false);
    type D = { str: string | undefined; w: Tri };
    const mergeD = (a: D, b: D): D => ({ str: a.str === b.str ? a.str : undefined, w: join(a.w, b.w) });
    let acc: D | null = null;
    for (const v of levels(vis)) {
      let d: D;
      if (v > 0 && userOk) d = { str: u.value, w: Y };
      else {
        d = this.firstOf<D>(sym.props, 'default', (p) => (p.expr?.op === 'sym' ? { str: this.symStr(p.expr.name), w: Y } : { str: '', w: N }), { str: '', w: N }, mergeD);
        if (v > 0) d = { str: d.str, w: Y };
      }
      acc = acc ? mergeD(acc, d) : d;
    }
    const d = acc ?? { str: '', w: N };
    return { type: sym.type, tri: N, str: d.str === undefined ? undefined : this.clamp(sym, d.str), written: d.w };
  }

  private rangeOf(sym: KSymbol): { lo: bigint; hi: bigint } | null | undefined {
    const base = BASE[sym.type];
    if (!base) return null;
    type R = { lo: bigint; hi: bigint } | null | undefined;
    return this.firstOf<R>(
      sym.props, 'range',
      (p) => {
        const [a, b] = (p.range ?? []).map((s) => this.rangeBound(s.name, base));
        return a === undefined || b === undefined ? undefined : { lo: a, hi: b };
      },
      null,
      (x, y) => (x && y && x.lo === y.lo && x.hi === y.hi ? x : x === null && y === null ? null : undefined),
    );
  }

  private rangeBound(name: string, base: 10 | 16): bigint | undefined {
    const s = this.symStr(name);
    if (s === undefined) return undefined;
    const t = this.typeOf(name);
    return parsePrefix(s, t === 'int' ? 10 : t === 'hex' ? 16 : base);
  }

  /** True inside the range, false outside, undefined when the range is undecided; null: no range. */
  private inRange(sym: KSymbol, value: string): boolean | undefined | null {
    const r = this.rangeOf(sym);
    if (!r) return r;
    const v = parsePrefix(value, BASE[sym.type] ?? 10);
    return v >= r.lo && v <= r.hi;
  }

  /** sym_validate_range: a value outside the range becomes its nearer end. */
  private clamp(sym: KSymbol, value: string): string | undefined {
    const r = this.rangeOf(sym);
    if (r === null) return value;
    const base = BASE[sym.type] ?? 10;
    const v = parsePrefix(value, base);
    if (r === undefined) return undefined;
    if (v >= r.lo && v <= r.hi) return value;
    const end = v < r.lo ? r.lo : r.hi;
    return base === 16 ? `0x${end.toString(16)}` : end.toString();
  }
}

function applyBool(t: Tri, isBool: boolean | undefined): Tri {
  return isBool === true ? mToY(t) : isBool === false ? t : join(t, mToY(t));
}

/** strtoll's prefix parse (what Kconfig does with a range bound or a value it clamps). */
function parsePrefix(s: string, base: 10 | 16): bigint {
  const m = base === 16 ? /^\s*([+-]?)(?:0[xX])?([0-9a-fA-F]+)/.exec(s) : /^\s*([+-]?)(\d+)/.exec(s);
  if (!m) return 0n;
  const v = BigInt(base === 16 ? `0x${m[2]}` : m[2]);
  return m[1] === '-' ? -v : v;
}

function validNumber(s: string, base: 10 | 16): boolean {
  return base === 16 ? /^(0[xX])?[0-9a-fA-F]+$/.test(s) : /^-?\d+$/.test(s);
}

type Parsed = { kind: 'signed' | 'unsigned'; v: bigint } | { kind: 'string' };

/** expr_parse_string: a value as its type reads it; a string when it does not parse. */
function parseAs(s: string, type: SymbolType): Parsed {
  if (type === 'bool' || type === 'tristate') return { kind: 'signed', v: BigInt(s === 'n' ? 0 : s === 'm' ? 1 : s === 'y' ? 2 : -1) };
  const m = type === 'int' ? /^\s*([+-]?)(\d+)$/.exec(s)
    : type === 'hex' ? /^\s*([+-]?)((?:0[xX])?[0-9a-fA-F]+)$/.exec(s)
    : /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(s);
  if (!m) return { kind: 'string' };
  const digits = type === 'hex' && !/^0[xX]/.test(m[2]) ? `0x${m[2]}` : type !== 'hex' && type !== 'int' && /^0[0-7]+$/.test(m[2]) ? `0o${m[2].slice(1)}` : m[2];
  const v = BigInt(digits);
  return { kind: type === 'hex' ? 'unsigned' : 'signed', v: m[1] === '-' ? -v : v };
}

/** expr_calc_value's comparison: numbers when both sides parse, else the strings. */
function compare(a: string, ta: SymbolType, b: string, tb: SymbolType): number {
  if (ta === 'string' && tb === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = parseAs(a, ta), y = parseAs(b, tb);
  if (x.kind === 'string' || y.kind === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const mask = (1n << 64n) - 1n;
  const [p, q] = x.kind === 'unsigned' || y.kind === 'unsigned' ? [x.v & mask, y.v & mask] : [x.v, y.v];
  return p < q ? -1 : p > q ? 1 : 0;
}
