/**
 * Kconfig's macro language (scripts/kconfig/preprocess.c): `NAME := value` (expanded once),
 * `NAME = value` (expanded at each use, `$(1)`.. its arguments), `NAME += value`, references
 * `$(NAME)` / `$(NAME,arg,...)` resolved as an argument, a variable, a built-in function, then
 * the environment. `$(shell,...)` is never run: the toolchain assumption answers it or it stays
 * an undecided marker (see unknowns.ts), as does an environment variable the caller did not give.
 */
import type { ToolchainAssumption } from './toolchain';
import type { Unknowns } from './unknowns';

interface Variable { recursive: boolean; value: string }

const MAX_DEPTH = 64;

export class KconfigMacros {
  private readonly vars = new Map<string, Variable>();
  /** Environment variables the files read that the caller did not give (they are undecided). */
  readonly missingEnv = new Set<string>();
  /** Where `$(filename)` / `$(lineno)` stand. */
  file = '';
  line = 0;

  constructor(
    private readonly env: ReadonlyMap<string, string>,
    private readonly unknowns: Unknowns,
    private readonly toolchain: ToolchainAssumption | undefined,
  ) {}

  assign(name: string, op: ':=' | '=' | '+=', raw: string): void {
    const old = this.vars.get(name);
    if (op === '+=' && old) old.value = `${old.value} ${old.recursive ? raw : this.expand(raw)}`;
    else if (op === '=' || (op === '+=' && !old)) this.vars.set(name, { recursive: true, value: raw });
    else this.vars.set(name, { recursive: false, value: this.expand(raw) });
  }

  /** Every `$(...)` of a text expanded; a `$` not followed by `(` is kept. */
  expand(text: string, args: readonly string[] = [], depth = 0): string {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '$' && text[i + 1] === '(') {
        const r = this.expandAt(text, i, args, depth);
        out += r.value;
        i = r.end - 1;
      } else out += text[i];
    }
    return out;
  }

  /** The reference starting at `text[at]` (`$(`), expanded, and the index after its `)`. */
  expandAt(text: string, at: number, args: readonly string[] = [], depth = 0): { value: string; end: number } {
    const pieces: string[] = [];
    let nest = 0, start = at + 2, i = at + 2;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '(') nest++;
      else if (c === ')') { if (nest === 0) break; nest--; }
      else if (c === ',' && nest === 0) { pieces.push(text.slice(start, i)); start = i + 1; }
    }
    if (i >= text.length) return { value: text.slice(at), end: text.length }; // unterminated: kept as written
    pieces.push(text.slice(start, i));
    if (depth >= MAX_DEPTH) return { value: this.unknowns.marker({ kind: 'make', text: text.slice(at + 2, i) }), end: i + 1 };
    const [name, ...rest] = pieces.map((p) => this.expand(p, args, depth + 1));
    return { value: this.call(name.trim(), rest, args, depth + 1), end: i + 1 };
  }

  /** `args`: the arguments of this reference; `outer`: those of the function body it appears in (`$(1)`..). */
  private call(name: string, args: string[], outer: readonly string[], depth: number): string {
    if (/^[1-9]\d*$/.test(name)) return outer[Number(name) - 1] ?? '';
    const v = this.vars.get(name);
    if (v) return v.recursive ? this.expand(v.value, args, depth) : v.value;
    switch (name) {
      case 'shell': return this.shell(args.join(','));
      case 'info': case 'warning-if': case 'error-if': return '';
      case 'filename': return this.file;
      case 'lineno': return String(this.line);
    }
    const e = this.env.get(name);
    if (e !== undefined) return e;
    this.missingEnv.add(name);
    return this.unknowns.marker({ kind: 'env', text: name });
  }

  private shell(command: string): string {
    const shown = this.unknowns.render(command);
    const out = this.toolchain?.shell(shown);
    if (out === undefined) return this.unknowns.marker({ kind: 'shell', text: shown });
    return out.replace(/\n+$/, '').replace(/\n/g, ' ');
  }
}
