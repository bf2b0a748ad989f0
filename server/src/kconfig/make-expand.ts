/**
 * GNU make's expansion of `$(...)`: variable references (with `$(VAR:a=b)` substitution),
 * and the text, file-name and conditional functions Kbuild Makefiles use to build their
 * object lists. What make would learn from the system (`$(shell ...)`, a glob, `$(eval ...)`)
 * or from functions defined where we do not read (`$(call cc-option,...)`) is an unknown.
 */
import { asMaybe, bare, isDecided, isMaybe, mapWords, matchPattern, maybeAll, patsubst, words } from './make-text';
import { normalizePath } from './rel-path';

export interface MakeScope {
  /** A variable's value, expanded; undefined when it is not defined. */
  value(name: string): string | undefined;
  /** A variable's text as assigned (what `$(call)` substitutes into). */
  raw(name: string): string | undefined;
  /** Runs `f` with variables set for its duration (`$(foreach)`'s variable, `$(call)`'s `$(1)`..). */
  withBound<T>(binding: ReadonlyMap<string, string>, f: () => T): T;
  exists(path: string): boolean;
  /** A marker for a value that cannot be known here. */
  unknown(text: string): string;
}

const MAX_DEPTH = 48;

/** Splits `a,b,c` at commas outside parentheses/braces; the last of `max` pieces keeps the rest. */
function splitArgs(s: string, max: number): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length && out.length < max - 1; i++) {
    const c = s[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
  }
  out.push(s.slice(start));
  return out;
}

/** The index of the bracket closing the one at `open`, or -1. */
function closing(s: string, open: number): number {
  const o = s[open], c = o === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === o) depth++;
    else if (s[i] === c && --depth === 0) return i;
  }
  return -1;
}

type Fn = (ex: MakeExpander, args: string[], depth: number) => string;

const ARGS: ReadonlyMap<string, number> = new Map(Object.entries({
  subst: 3, patsubst: 3, strip: 1, findstring: 2, filter: 2, 'filter-out': 2, sort: 1, word: 2, words: 1, wordlist: 3,
  firstword: 1, lastword: 1, dir: 1, notdir: 1, suffix: 1, basename: 1, addsuffix: 2, addprefix: 2, join: 2, wildcard: 1,
  realpath: 1, abspath: 1, if: 3, or: 1000, and: 1000, foreach: 3, call: 1000, value: 1, origin: 1, flavor: 1,
  error: 1, warning: 1, info: 1, shell: 1, eval: 1, file: 2,
}));
/** These take their arguments unexpanded. */
const LAZY = new Set(['if', 'or', 'and', 'foreach', 'call', 'value', 'origin', 'flavor', 'eval']);

export class MakeExpander {
  constructor(readonly scope: MakeScope) {}

  expand(text: string, depth = 0): string {
    if (!text.includes('$')) return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c !== '$') { out += c; continue; }
      const n = text[i + 1];
      if (n === '$') { out += '$'; i++; continue; }
      if (n === '(' || n === '{') {
        const end = closing(text, i + 1);
        if (end < 0) { out += text.slice(i); break; }
        out += this.reference(text.slice(i + 2, end), depth + 1);
        i = end;
        continue;
      }
      if (n !== undefined) { out += this.variable(n); i++; }
    }
    return out;
  }

  private reference(body: string, depth: number): string {
    if (depth > MAX_DEPTH) return this.scope.unknown(body);
    const fn = /^([a-z-]+)[ \t]/.exec(body);
    if (fn && ARGS.has(fn[1])) {
      const name = fn[1];
      const args = splitArgs(body.slice(fn[0].length), ARGS.get(name) ?? 1);
      return FUNCTIONS[name](this, LAZY.has(name) ? args : args.map((a) => this.expand(a, depth)), depth);
    }
    const sub = /^([^:]*):([^=]*)=(.*)$/s.exec(body);
    if (sub) {
      const value = this.variable(this.expand(sub[1], depth));
      const from = this.expand(sub[2], depth), to = this.expand(sub[3], depth);
      const [p, r] = from.includes('%') ? [from, to] : [`%${from}`, `%${to}`];
      return mapWords(value, (w) => patsubst(p, r, w));
    }
    return this.variable(this.expand(body, depth));
  }

  private variable(name: string): string {
    if (!isDecided(name)) return this.scope.unknown(name);
    return this.scope.value(name) ?? '';
  }

  /** Whether a condition text is empty (false), not (true), or depends on undecided parts. */
  truth(text: string): boolean | undefined {
    const ws = words(text);
    if (ws.some((w) => !isMaybe(w) && isDecided(w))) return true;
    return ws.length === 0 ? false : undefined;
  }
}

const filterOf = (keep: boolean) => (_ex: MakeExpander, [pats, text]: string[]): string => {
  const ps = words(pats);
  return words(text).map((w) => {
    const hit = ps.filter((p) => matchPattern(bare(p), bare(w)) !== null);
    const sure = hit.some((p) => !isMaybe(p));
    if (keep) return hit.length === 0 ? '' : sure ? w : asMaybe(w);
    return sure ? '' : hit.length > 0 ? asMaybe(w) : w;
  }).filter((w) => w !== '').join(' ');
};

const dirOf = (w: string): string => (w.includes('/') ? w.slice(0, w.lastIndexOf('/') + 1) : './');
const notdirOf = (w: string): string => w.slice(w.lastIndexOf('/') + 1);

const FUNCTIONS: Record<string, Fn> = {
  subst: (_ex, [from, to, text]) => (from === '' ? text : text.split(from).join(to)),
  patsubst: (_ex, [p, r, text]) => mapWords(text, (w) => patsubst(p.trim(), r.trim(), w)),
  strip: (_ex, [t]) => words(t).join(' '),
  findstring: (_ex, [f, t]) => (t.includes(f) ? f : ''),
  filter: filterOf(true),
  'filter-out': filterOf(false),
  sort: (_ex, [t]) => {
    const best = new Map<string, string>();
    for (const w of words(t)) { const b = bare(w), old = best.get(b); if (old === undefined || isMaybe(old)) best.set(b, w); }
    return [...best.keys()].sort().map((b) => best.get(b) as string).join(' ');
  },
  word: (_ex, [n, t]) => words(t)[Number(n) - 1] ?? '',
  words: (_ex, [t]) => String(words(t).length),
  wordlist: (_ex, [s, e, t]) => words(t).slice(Number(s) - 1, Number(e)).join(' '),
  firstword: (_ex, [t]) => words(t)[0] ?? '',
  lastword: (_ex, [t]) => words(t).slice(-1)[0] ?? '',
  dir: (_ex, [t]) => mapWords(t, dirOf),
  notdir: (_ex, [t]) => mapWords(t, notdirOf),
  suffix: (_ex, [t]) => mapWords(t, (w) => { const m = /\.[^./]*$/.exec(notdirOf(w)); return m ? m[0] : ''; }),
  basename: (_ex, [t]) => mapWords(t, (w) => w.replace(/\.[^./]*$/, '')),
  addsuffix: (_ex, [s, t]) => mapWords(t, (w) => w + s),
  addprefix: (_ex, [p, t]) => mapWords(t, (w) => p + w),
  join: (_ex, [a, b]) => { const x = words(a), y = words(b); return Array.from({ length: Math.max(x.length, y.length) }, (_v, i) => (x[i] ?? '') + (y[i] ?? '')).join(' '); },
  wildcard: (ex, [t]) => words(t).map((w) => (/[*?[]/.test(w) || !isDecided(w) ? ex.scope.unknown(`wildcard ${w}`) : ex.scope.exists(normalizePath(w)) ? w : '')).join(' '),
  realpath: (_ex, [t]) => mapWords(t, normalizePath),
  abspath: (_ex, [t]) => mapWords(t, normalizePath),
  if: (ex, [c, a = '', b = ''], depth) => {
    const t = ex.truth(ex.expand(c, depth));
    return t === true ? ex.expand(a, depth) : t === false ? ex.expand(b, depth) : `${maybeAll(ex.expand(a, depth))} ${maybeAll(ex.expand(b, depth))}`.trim();
  },
  or: (ex, args, depth) => {
    let undecided = false;
    for (const a of args) { const v = ex.expand(a, depth); const t = ex.truth(v); if (t === true) return undecided ? maybeAll(v) : v; if (t === undefined) undecided = true; }
    return undecided ? ex.scope.unknown('or ...') : '';
  },
  and: (ex, args, depth) => {
    let last = '';
    for (const a of args) { last = ex.expand(a, depth); const t = ex.truth(last); if (t === false) return ''; if (t === undefined) return ex.scope.unknown('and ...'); }
    return last;
  },
  foreach: (ex, [v, list, body], depth) => {
    const name = ex.expand(v, depth).trim();
    return words(ex.expand(list, depth)).map((w) => {
      const r = ex.scope.withBound(new Map([[name, bare(w)]]), () => ex.expand(body, depth));
      return isMaybe(w) ? maybeAll(r) : r;
    }).filter((r) => r !== '').join(' ');
  },
  call: (ex, [fn, ...args], depth) => {
    const name = ex.expand(fn, depth).trim();
    const body = ex.scope.raw(name);
    if (body === undefined) return ex.scope.unknown(`call ${name},...`);
    const binding = new Map<string, string>([['0', name], ...args.map((a, i): [string, string] => [String(i + 1), ex.expand(a, depth)])]);
    return ex.scope.withBound(binding, () => ex.expand(body, depth));
  },
  value: (ex, [n], depth) => ex.scope.raw(ex.expand(n, depth).trim()) ?? '',
  origin: (ex, [n], depth) => (ex.scope.raw(ex.expand(n, depth).trim()) === undefined ? 'undefined' : 'file'),
  flavor: (ex, [n], depth) => (ex.scope.raw(ex.expand(n, depth).trim()) === undefined ? 'undefined' : 'recursive'),
  error: () => '',
  warning: () => '',
  info: () => '',
  shell: (ex, [cmd]) => ex.scope.unknown(`shell ${cmd}`),
  eval: (ex, [t]) => ex.scope.unknown(`eval ${t}`),
  file: (ex, [op]) => ex.scope.unknown(`file ${op}`),
};
