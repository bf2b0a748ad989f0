import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Parser, Language, Tree, Edit, type Point } from 'web-tree-sitter';
import { LineMap } from '../model/lines';

export type LanguageId = 'c' | 'gas';

export function languageOf(file: string): LanguageId | undefined {
  const ext = path.extname(file);
  if (ext === '.c' || ext === '.h') return 'c';
  if (ext === '.S' || ext === '.s' || ext === '.inc') return 'gas';
  return undefined;
}

/** Where the three wasm files live: next to the bundle in dist/, or in the source tree during development. */
export interface WasmPaths { runtime: string; c: string; gas: string }

export class WasmLoadError extends Error {
  constructor(readonly file: string, cause: unknown) {
    super(`cannot load tree-sitter wasm ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function loadBytes(file: string): Uint8Array {
  try { return readFileSync(file); } catch (e) { throw new WasmLoadError(file, e); }
}

/**
 * Loads the runtime and both languages once; hands out trees. Trees live in wasm memory,
 * which is not garbage-collected: callers delete() what they no longer need.
 */
export class ParserHost {
  private constructor(private readonly parser: Parser, private readonly langs: Record<LanguageId, Language>) {}

  static async create(wasm: WasmPaths): Promise<ParserHost> {
    const runtime = loadBytes(wasm.runtime);
    try {
      await Parser.init({ wasmBinary: runtime, locateFile: () => wasm.runtime } as object);
    } catch (e) { throw new WasmLoadError(wasm.runtime, e); }
    const load = async (file: string): Promise<Language> => {
      const bytes = loadBytes(file);
      try { return await Language.load(bytes); } catch (e) { throw new WasmLoadError(file, e); }
    };
    const langs = { c: await load(wasm.c), gas: await load(wasm.gas) };
    return new ParserHost(new Parser(), langs);
  }

  language(id: LanguageId): Language { return this.langs[id]; }

  parse(lang: LanguageId, text: string, old?: Tree): Tree {
    this.parser.setLanguage(this.langs[lang]);
    const tree = this.parser.parse(text, old ?? null);
    if (!tree) throw new Error(`tree-sitter returned no tree (${lang})`);
    return tree;
  }

  /** Incremental re-parse: applies the edit to the old tree, then parses the new text against it. */
  reparse(lang: LanguageId, old: Tree, edit: Edit, newText: string): Tree {
    old.edit(edit);
    return this.parse(lang, newText, old);
  }
}

/** Resolves the wasm files relative to a base directory that holds them (dist/ at run time). */
export function wasmPathsIn(dir: string): WasmPaths {
  return {
    runtime: path.join(dir, 'web-tree-sitter.wasm'),
    c: path.join(dir, 'tree-sitter-c.wasm'),
    gas: path.join(dir, 'tree-sitter-gas.wasm'),
  };
}

/** The edit that turns `before` into `after`, as one replaced span. */
export function editBetween(before: string, after: string): Edit {
  const most = Math.min(before.length, after.length);
  let p = 0;
  while (p < most && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let q = 0;
  while (q < most - p && before.charCodeAt(before.length - 1 - q) === after.charCodeAt(after.length - 1 - q)) q++;
  const was = new LineMap(before), now = new LineMap(after);
  return new Edit({
    startIndex: p, oldEndIndex: before.length - q, newEndIndex: after.length - q,
    startPosition: pointOf(was, p), oldEndPosition: pointOf(was, before.length - q), newEndPosition: pointOf(now, after.length - q),
  });
}

/** Row and column of an offset (UTF-16 code units, as the trees count). */
function pointOf(lines: LineMap, offset: number): Point {
  const { line, column } = lines.at(offset);
  return { row: line, column };
}
