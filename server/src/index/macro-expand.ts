/**
 * Macro expansion as the C preprocessor does it (C11 6.10.3), by hide sets (Prosser's
 * algorithm): a macro name met inside its own expansion, directly or through other macros, is
 * "painted blue" and never replaced, so `#define X X X` expands once. A bound on the tokens
 * made keeps mutually multiplying macros (`#define A B B` / `#define B C C` / ...) from growing
 * without end: past it, `expandMacros` answers null.
 */
export interface MacroBody { params: string[] | null; body: string }

/** Tokens an expansion may make before it is given up (the largest expansion of a xen.git macro is about 3,500 tokens). */
export const MAX_EXPANSION_TOKENS = 50000;

interface Tok {
  s: string;
  /** Whitespace before it (kept in the output text). */
  sp: boolean;
  /** The macros this token came out of (null: none). */
  hs: ReadonlySet<string> | null;
}

const TOKEN_RE = /(\s*)(?:([A-Za-z_]\w*)|(\.?\d(?:[eEpP][+-]|[\w.])*)|("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(##|[^\s]))/y;

function lex(text: string): Tok[] {
  const out: Tok[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m && m[0].length > 0; m = TOKEN_RE.exec(text)) {
    const s = m[2] ?? m[3] ?? m[4] ?? m[5];
    if (s === undefined) break;
    out.push({ s, sp: m[1].length > 0, hs: null });
  }
  return out;
}

/** A definition's body as tokens, read once per definition (tokens are copied, never changed). */
const bodies = new WeakMap<MacroBody, Tok[]>();
function bodyOf(d: MacroBody): Tok[] {
  let b = bodies.get(d);
  if (!b) { b = lex(d.body); bodies.set(d, b); }
  return b;
}

const isIdent = (s: string): boolean => /^[A-Za-z_]/.test(s);
const text = (toks: Tok[]): string => toks.map((t, i) => (i > 0 && t.sp ? ' ' : '') + t.s).join('');
const union = (a: ReadonlySet<string> | null, add: string): ReadonlySet<string> => new Set(a ? [...a, add] : [add]);
const intersect = (a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): ReadonlySet<string> | null =>
  a && b ? new Set([...a].filter((x) => b.has(x))) : null;

class TooLong extends Error {}

/** The text with every macro of `defs` expanded; null when the expansion passes the bound. */
export function expandMacros(input: string, defs: (name: string) => MacroBody | undefined): string | null {
  // most texts the walker asks about name no macro: answered without making tokens
  if (!(input.match(/[A-Za-z_]\w*/g) ?? []).some((w) => defs(w) !== undefined)) return input;
  let made = 0;
  let changed = false;
  const count = (n: number): void => { made += n; if (made > MAX_EXPANSION_TOKENS) throw new TooLong(); };

  /** The arguments of the invocation whose `(` is on top of the pending input (reversed): their tokens, how many tokens it takes, its `)`. */
  const actuals = (rest: Tok[]): { args: Tok[][]; taken: number; close: Tok } | null => {
    const args: Tok[][] = [[]];
    let depth = 0;
    for (let i = rest.length - 2; i >= 0; i--) {
      const t = rest[i];
      if (t.s === '(' || t.s === '[' || t.s === '{') depth++;
      else if (t.s === ']' || t.s === '}') depth--;
      else if (t.s === ')') { if (depth === 0) return { args, taken: rest.length - i, close: t }; depth--; }
      else if (t.s === ',' && depth === 0) { args.push([]); continue; }
      args[args.length - 1].push(t);
    }
    return null;
  };

  /** The body with the arguments put in (`#p` stringified, `##` operands unexpanded), every token hidden by `hs`. */
  const subst = (d: MacroBody & { params: string[] }, args: Tok[][], hs: ReadonlySet<string>): Tok[] => {
    const names = d.params.map((p) => (p === '...' ? '__VA_ARGS__' : p.replace(/\.\.\.$/, '')));
    const variadic = d.params.length > 0 && d.params[d.params.length - 1].endsWith('...');
    const argOf = (i: number): Tok[] => {
      if (variadic && i === names.length - 1) return args.slice(i).flatMap((a, k) => (k === 0 ? a : [{ s: ',', sp: false, hs: null }, ...a]));
      return args[i] ?? [];
    };
    const body = bodyOf(d);
    const out: Tok[] = [];
    for (let i = 0; i < body.length; i++) {
      const t = body[i];
      const p = isIdent(t.s) ? names.indexOf(t.s) : -1;
      if (t.s === '#' && i + 1 < body.length && names.includes(body[i + 1].s)) {
        out.push({ s: JSON.stringify(text(argOf(names.indexOf(body[i + 1].s))).trim()), sp: t.sp, hs: null });
        i++;
      } else if (t.s === '##') {
        // the paste: the operands are glued as written, the result is read again as one token
        const next = body[i + 1];
        if (!next) continue;
        const q = names.indexOf(next.s);
        const right = q >= 0 ? argOf(q) : [next];
        i++;
        const left = out.pop();
        const glued = lex(`${left?.s ?? ''}${right[0]?.s ?? ''}`);
        out.push(...glued.map((g, k) => ({ ...g, sp: k === 0 ? left?.sp ?? false : false })), ...right.slice(1));
      } else if (p >= 0) {
        const raw = argOf(p);
        const pasted = body[i + 1]?.s === '##';
        const value = pasted ? raw : expand(raw);
        out.push(...value.map((v, k) => (k === 0 ? { ...v, sp: t.sp } : v)));
      } else out.push({ ...t });
    }
    count(out.length);
    return out.map((t) => ({ ...t, hs: t.hs ? new Set([...t.hs, ...hs]) : hs }));
  };

  const expand = (toks: Tok[]): Tok[] => {
    const out: Tok[] = [];
    // pending input, in reverse: a replacement is pushed back to be read again with what follows
    const rest = toks.slice().reverse();
    while (rest.length > 0) {
      const t = rest.pop() as Tok;
      const d = isIdent(t.s) && !t.hs?.has(t.s) ? defs(t.s) : undefined;
      if (!d) { out.push(t); continue; }
      if (d.params === null) {
        changed = true;
        const hs = union(t.hs, t.s);
        const body = bodyOf(d).map((b) => ({ ...b, hs }));
        count(body.length);
        pushBack(rest, body);
        continue;
      }
      const call = rest[rest.length - 1]?.s === '(' ? actuals(rest) : null;
      if (!call) { out.push(t); continue; }
      rest.length -= call.taken;
      changed = true;
      const hs = union(intersect(t.hs, call.close.hs), t.s);
      const args = call.args.length === 1 && call.args[0].length === 0 && d.params.length === 0 ? [] : call.args;
      pushBack(rest, subst(d as MacroBody & { params: string[] }, args, hs));
    }
    return out;
  };

  // (a text whose macros are all painted or uncalled is answered as it is, spacing and all)
  try { const out = expand(lex(input)); return changed ? text(out) : input; } catch (e) { if (e instanceof TooLong) return null; throw e; }
}

/**
 * Pushes a replacement back onto the pending input (reversed), with a space on either side: the
 * tokens it joins must not run together (`-X` with `#define X -1` is `- -1`, not `--1`).
 */
function pushBack(rest: Tok[], body: Tok[]): void {
  const after = rest[rest.length - 1];
  if (after) rest[rest.length - 1] = { ...after, sp: true };
  for (let i = body.length - 1; i >= 0; i--) rest.push(i === 0 ? { ...body[i], sp: true } : body[i]);
}
