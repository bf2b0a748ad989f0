/**
 * Reads a Makefile as make would up to the point of building: assignments (`=`, `:=`, `+=`,
 * `?=`, `define`), conditionals, `include`, `export`; rules and recipes are skipped. A
 * conditional the configuration cannot decide makes the assignments inside it "maybe": their
 * words are marked (make-text.ts) and every list they reach says so. Each assignment keeps the
 * line it came from, so a word of a list can name the Makefile line that put it there.
 */
import { MakeExpander, type MakeScope } from './make-expand';
import { bare, isDecided, isMaybe, maybeAll, words } from './make-text';
import { normalizePath } from './rel-path';
import { hasUnknown, type Unknowns } from './unknowns';

export interface MakeLine { readonly file: string; readonly line: number; readonly text: string }
export interface MakeWord { readonly text: string; readonly maybe: boolean; readonly where: MakeLine | null }

interface Chunk { readonly text: string; readonly expanded: boolean; readonly maybe: boolean; readonly where: MakeLine | null }
/** `fixed`: given on the command line, which a Makefile assignment does not change (only `override` does). */
interface Variable { chunks: Chunk[]; exported: boolean; fixed: boolean }
type State = 'yes' | 'no' | 'maybe';
/** One conditional: whether its current branch is read, whether an earlier branch was; `dead` inside a branch not read. */
interface Frame { state: State; taken: State; readonly dead: boolean }

export interface MakeIO {
  read(path: string): string | undefined;
  exists(path: string): boolean;
  /** Build-system files whose rules we emulate instead of reading (scripts/Kbuild.include, auto.conf). */
  skipInclude(path: string): boolean;
}

const ALTERNATIVES = ['y', 'm', ''];
const MAX_INCLUDE_DEPTH = 16;

export class MakeEvaluator implements MakeScope {
  /** This make's own variables; an include sees its includer's through `parent` (copied on first write). */
  private readonly vars = new Map<string, Variable>();
  private readonly parent: MakeEvaluator | null;
  private readonly bound: ReadonlyMap<string, string>[] = [];
  private readonly expander = new MakeExpander(this);
  readonly notes: string[] = [];
  private includeDepth = 0;

  /** `base`: the make that runs this one; a sub-make sees its exported variables, an include all of them. */
  constructor(private readonly io: MakeIO, private readonly unknowns: Unknowns, base?: MakeEvaluator, inherit: 'exported' | 'all' = 'exported') {
    this.parent = base && inherit === 'all' ? base : null;
    if (base && inherit === 'exported') for (const [n, v] of base.entries()) if (v.exported || v.fixed) this.vars.set(n, { chunks: [...v.chunks], exported: v.exported, fixed: v.fixed });
  }

  private *entries(): Generator<[string, Variable]> {
    yield* this.vars;
    if (this.parent) for (const [n, v] of this.parent.entries()) if (!this.vars.has(n)) yield [n, v];
  }

  private lookup(name: string): Variable | undefined { return this.vars.get(name) ?? this.parent?.lookup(name); }

  private writable(name: string): Variable | undefined {
    const own = this.vars.get(name);
    if (own) return own;
    const p = this.parent?.lookup(name);
    if (!p) return undefined;
    const copy = { chunks: [...p.chunks], exported: p.exported, fixed: p.fixed };
    this.vars.set(name, copy);
    return copy;
  }

  /** A variable given from outside: on the command line (`fixed`), or as auto.conf sets it. */
  define(name: string, value: string, how: { exported?: boolean; fixed?: boolean } = {}): void {
    this.vars.set(name, { chunks: [{ text: value, expanded: true, maybe: false, where: null }], exported: how.exported ?? true, fixed: how.fixed ?? false });
  }

  value(name: string): string | undefined {
    for (let i = this.bound.length - 1; i >= 0; i--) { const b = this.bound[i].get(name); if (b !== undefined) return b; }
    const v = this.lookup(name);
    return v ? v.chunks.map((c) => this.chunkText(c)).filter((t) => t !== '').join(' ') : undefined;
  }

  raw(name: string): string | undefined {
    for (let i = this.bound.length - 1; i >= 0; i--) { const b = this.bound[i].get(name); if (b !== undefined) return b; }
    return this.lookup(name)?.chunks.map((c) => c.text).join(' ');
  }

  withBound<T>(binding: ReadonlyMap<string, string>, f: () => T): T {
    this.bound.push(binding);
    try { return f(); } finally { this.bound.pop(); }
  }

  exists(path: string): boolean { return this.io.exists(path); }
  unknown(text: string): string { return this.unknowns.marker({ kind: 'make', text }); }
  expand(text: string): string { return this.expander.expand(text); }

  /** The words of a variable, each with the line that assigned it. */
  wordsOf(name: string): MakeWord[] {
    const v = this.lookup(name);
    if (!v) return [];
    return v.chunks.flatMap((c) => words(this.chunkText(c)).map((w) => ({ text: bare(w), maybe: isMaybe(w), where: c.where })));
  }

  private chunkText(c: Chunk): string {
    const t = c.expanded ? c.text : this.expander.expand(c.text);
    return c.maybe ? maybeAll(t) : t;
  }

  run(file: string, text: string): void {
    const stack: Frame[] = [];
    const context = (): State => (stack.some((f) => f.state === 'no') ? 'no' : stack.some((f) => f.state === 'maybe') ? 'maybe' : 'yes');
    let recipe = false;
    let define: { name: string; expanded: boolean; body: string[]; where: MakeLine } | null = null;
    for (const { line, text: raw } of logicalLines(text)) {
      const where: MakeLine = { file, line, text: raw.trim() };
      if (define) {
        if (/^\s*endef\b/.test(raw)) { if (context() !== 'no') this.assign([define.name], define.expanded ? ':=' : '=', define.body.join('\n'), context() === 'maybe', define.where); define = null; }
        else define.body.push(raw);
        continue;
      }
      if (recipe && raw.startsWith('\t')) continue;
      const t = stripComment(raw).trim();
      if (t === '') continue;
      const cond = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(t);
      if (cond) {
        const dead = context() === 'no';
        const state = dead ? 'no' : this.condition(cond[1], cond[2]);
        stack.push({ state, taken: state, dead });
        continue;
      }
      const els = /^else\b\s*(.*)$/.exec(t);
      if (els) {
        const top = stack[stack.length - 1];
        if (!top) { this.notes.push(`${file}:${line}: else without if`); continue; }
        if (top.dead) continue;
        const inner = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(els[1]);
        const c: State = inner ? this.condition(inner[1], inner[2]) : 'yes';
        const before = top.taken;
        top.state = before === 'yes' ? 'no' : before === 'no' ? c : c === 'no' ? 'no' : 'maybe';
        top.taken = before === 'yes' || c === 'yes' ? 'yes' : before === 'no' && c === 'no' ? 'no' : 'maybe';
        continue;
      }
      if (/^endif\b/.test(t)) { if (!stack.pop()) this.notes.push(`${file}:${line}: endif without if`); continue; }
      const ctx = context();
      if (ctx === 'no') continue;
      const def = /^(?:(?:override|export|private)\s+)*define\s+(\S+)\s*(=|:=|::=)?\s*$/.exec(t);
      if (def) { define = { name: this.expand(def[1]).trim(), expanded: def[2] !== undefined && def[2] !== '=', body: [], where }; continue; }
      const inc = /^(-include|sinclude|include)\s+(.*)$/.exec(t);
      if (inc) { this.include(inc[2], inc[1] === 'include', where); recipe = false; continue; }
      const split = splitAssignment(t);
      if (split) {
        const exported = /^(?:(?:override|private)\s+)*export\s/.test(split.lhs);
        const override = /^(?:(?:export|private)\s+)*override\s/.test(split.lhs);
        const names = this.names(split.lhs.replace(/^(?:(?:override|export|private)\s+)+/, ''));
        this.assign(names.list, split.op, split.rhs, ctx === 'maybe' || names.list.length > 1, where, exported, override);
        recipe = false;
        continue;
      }
      const exp = /^export\s+(.*)$/.exec(t);
      if (exp) { for (const n of words(this.expand(exp[1]))) { const v = this.writable(n); if (v) v.exported = true; else this.vars.set(n, { chunks: [], exported: true, fixed: false }); } continue; }
      if (/^(unexport|vpath|\.)/.test(t)) continue;
      if (hasTopLevelColon(t)) { recipe = true; continue; }
      // a bare function call ($(error ...), $(eval ...)): nothing for the lists, except what eval would define
      if (/^\$\(eval\b/.test(t)) this.notes.push(`${file}:${line}: $(eval ...) not evaluated`);
    }
    if (stack.length > 0) this.notes.push(`${file}: ${stack.length} conditional(s) not closed`);
  }

  /** The names an assignment's left side can have: several when it holds an undecided value (`obj-$(CONFIG_X)`). */
  private names(lhs: string): { list: string[] } {
    const name = this.expand(lhs).trim();
    if (isDecided(name)) return { list: [name] };
    const parts = name.split(/(\u0001\d+\u0002)/);
    let list = [''];
    for (const p of parts) list = /^\u0001\d+\u0002$/.test(p) ? list.flatMap((l) => ALTERNATIVES.map((a) => l + a)) : list.map((l) => l + p.replace(/\u0003/g, ''));
    return { list: [...new Set(list)].slice(0, 27) };
  }

  private assign(names: string[], op: string, rhs: string, maybe: boolean, where: MakeLine, exported = false, override = false): void {
    for (const name of names) {
      const old = this.lookup(name);
      if (old?.fixed && !override) { if (exported) (this.writable(name) as Variable).exported = true; continue; }
      const keepExport = exported || (old?.exported ?? false);
      if (op === '?=' && old) continue;
      const recursive = op === '=' || op === '?=' || (op === '+=' && (!old || old.chunks.every((c) => !c.expanded)));
      const text = op === '!=' ? this.unknown(`shell ${rhs}`) : recursive ? rhs : this.expand(rhs);
      const chunk: Chunk = { text, expanded: !recursive, maybe, where };
      if (op === '+=') { const w = this.writable(name); if (w) { w.chunks.push(chunk); w.exported = keepExport; } else this.vars.set(name, { chunks: [chunk], exported: keepExport, fixed: false }); continue; }
      const kept = maybe && old ? old.chunks.map((c) => ({ ...c, maybe: true })) : [];
      this.vars.set(name, { chunks: [...kept, chunk], exported: keepExport, fixed: false });
    }
  }

  private condition(kind: string, rest: string): State {
    if (kind === 'ifdef' || kind === 'ifndef') {
      const name = this.expand(rest).trim();
      const v = this.lookup(name);
      let s: State;
      if (!isDecided(name)) s = 'maybe';
      else if (!v || v.chunks.every((c) => c.text.trim() === '')) s = 'no';
      else if (v.chunks.some((c) => !c.maybe && c.text.trim() !== '' && !hasUnknown(c.text))) s = 'yes';
      else s = 'maybe';
      return kind === 'ifdef' ? s : flip(s);
    }
    const args = conditionArgs(rest);
    if (!args) return 'maybe';
    const [a, b] = args.map((x) => this.expand(x).trim());
    const s: State = !isDecided(a) || !isDecided(b) ? 'maybe' : a === b ? 'yes' : 'no';
    return kind === 'ifeq' ? s : flip(s);
  }

  private include(rest: string, required: boolean, where: MakeLine): void {
    for (const w of words(this.expand(rest))) {
      const path = normalizePath(bare(w));
      if (this.io.skipInclude(path)) continue;
      if (!isDecided(w)) { this.notes.push(`${where.file}:${where.line}: include of ${this.unknowns.render(path)} depends on an undecided value, not read`); continue; }
      const text = this.io.read(path);
      if (text === undefined) { if (required) this.notes.push(`${where.file}:${where.line}: ${path} cannot be read`); continue; }
      if (this.includeDepth >= MAX_INCLUDE_DEPTH) { this.notes.push(`${where.file}:${where.line}: include depth limit, ${path} not read`); continue; }
      this.includeDepth++;
      try { this.run(path, text); } finally { this.includeDepth--; }
    }
  }
}

const flip = (s: State): State => (s === 'yes' ? 'no' : s === 'no' ? 'yes' : 'maybe');

/** `(a,b)`, `"a" "b"`, `'a' 'b'` or a mix of the quoted forms. */
function conditionArgs(rest: string): [string, string] | null {
  const r = rest.trim();
  if (r.startsWith('(') && r.endsWith(')')) {
    const inner = r.slice(1, -1);
    let depth = 0;
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c === '(' || c === '{') depth++;
      else if (c === ')' || c === '}') depth--;
      else if (c === ',' && depth === 0) return [inner.slice(0, i), inner.slice(i + 1)];
    }
    return null;
  }
  const q = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(r);
  return q ? [q[2], q[4]] : null;
}

/** The assignment operator outside `$(...)`, when no rule colon comes before it. */
function splitAssignment(t: string): { lhs: string; op: string; rhs: string } | null {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '$' && (t[i + 1] === '(' || t[i + 1] === '{')) { depth++; i++; continue; }
    if (depth > 0) { if (c === ')' || c === '}') depth--; else if (c === '(' || c === '{') depth++; continue; }
    const op = t.startsWith('::=', i) ? '::=' : t.startsWith(':=', i) ? ':=' : c === '=' ? '=' : (c === '+' || c === '?' || c === '!') && t[i + 1] === '=' ? `${c}=` : null;
    if (op) return { lhs: t.slice(0, i).trim(), op: op === '::=' ? ':=' : op, rhs: t.slice(i + op.length).replace(/^[ \t]+/, '') };
    if (c === ':') return null;
  }
  return null;
}

function hasTopLevelColon(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ':' && depth === 0) return true;
  }
  return false;
}

function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) if (line[i] === '#' && line[i - 1] !== '\\') return line.slice(0, i);
  return line;
}

function* logicalLines(text: string): Generator<{ line: number; text: string }> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let t = lines[i].replace(/\r$/, '');
    while (/(^|[^\\])(\\\\)*\\$/.test(t) && i + 1 < lines.length) t = `${t.slice(0, -1).replace(/[ \t]+$/, '')} ${lines[++i].replace(/\r$/, '').replace(/^[ \t]+/, '')}`;
    yield { line: start + 1, text: t };
  }
}
