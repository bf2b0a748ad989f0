/**
 * What the fixes read of the analysed tree: its files as `Doc`s, what a file can name, its
 * functions and the C node at a range, with the tree-wide scans kept once per index.
 */
import type { Node } from 'web-tree-sitter';
import type { Analysis } from '../../engine';
import type { CFunction } from '../../index/c-index';
import type { Range } from '../../model/types';
import { Doc, isCLike, wordRe } from '../text';
import { resolverOf } from '../../index/include-reach';

/** Tree-wide scans, done once per index (the server asks for actions many times per analysis). */
const memos = new WeakMap<object, Map<string, unknown>>();

export class Ctx {
  private readonly docs = new Map<string, Doc>();
  constructor(readonly a: Analysis) {}

  memo<T>(key: string, make: () => T): T {
    let m = memos.get(this.a.index);
    if (!m) { m = new Map(); memos.set(this.a.index, m); }
    if (!m.has(key)) m.set(key, make());
    return m.get(key) as T;
  }

  doc(file: string): Doc | null {
    let d = this.docs.get(file);
    if (!d) {
      const t = this.a.index.texts.get(file);
      if (t === undefined) return null;
      d = new Doc(file, t);
      this.docs.set(file, d);
    }
    return d;
  }

  /** Files `file` includes, directly or not (resolved by path suffix among the workspace files). */
  included(file: string): string[] {
    return this.memo(`includes:${file}`, () => this.scanIncludes(file));
  }

  private scanIncludes(file: string): string[] {
    const resolver = resolverOf(this.a.index.texts);
    const seen = new Set<string>([file]);
    const todo = [file];
    while (todo.length > 0 && seen.size < 200) {
      const f = todo.pop() as string;
      const text = this.a.index.texts.get(f) ?? '';
      for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]/gm)) {
        const hit = resolver.beside(f, m[1]) ?? resolver.endingWith(m[1])[0];
        if (hit && !seen.has(hit)) { seen.add(hit); todo.push(hit); }
      }
    }
    return [...seen].filter((x) => x !== file);
  }

  /** Can code in `file` name `name`: mentioned there or in a header it includes. */
  visible(file: string, name: string): boolean {
    const re = wordRe(name);
    return [file, ...this.included(file)].some((f) => re.test(this.a.index.texts.get(f) ?? ''));
  }

  fn(name: string, fromFile?: string): CFunction | undefined { return this.a.index.pickFunction(name, fromFile); }

  /** Every C function definition of the tree. */
  *functions(): Generator<CFunction> {
    for (const defs of this.a.index.functions.values()) yield* defs;
  }

  body(fn: CFunction): string { return (this.a.index.texts.get(fn.file) ?? '').slice(fn.startIndex, fn.endIndex); }

  isInit(sym: string, fromFile?: string): boolean { return this.a.index.isInit(sym, fromFile); }

  /** A C function or an assembly label of that name exists in the workspace. */
  exists(sym: string): boolean { return this.a.index.functions.has(sym) || this.a.index.asmLabels.has(sym); }

  /** The C node at a range's start, in the re-parsed tree of its file. */
  nodeAt(r: Range): Node | null {
    if (!isCLike(r.file) || !this.a.index.texts.has(r.file)) return null;
    return this.a.index.cTree(r.file).rootNode.descendantForPosition({ row: r.line, column: r.column });
  }
}
