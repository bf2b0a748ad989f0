/**
 * What a walk reads from the index that its traces do not record. A trace records what depends
 * on function bodies: the syntax of each function the call entered, and what each callee's
 * definition said (traces.ts). Everything else it reads is here: every definition but the
 * bodies of functions, the facts the tree's scans made of those bodies, the assembler, the
 * macros and the configuration. Two indexes with the same digest answer those reads the same,
 * so the traces of a walk over one hold over the other wherever their own reads hold: the
 * command line keeps its traces between runs under this digest (cache/trace-store.ts).
 */
import { createHash } from 'node:crypto';
import { cr4Readers, cr4Shadows } from '../effects/cr4-shadow';
import { loadedTables } from '../effects/idt-tables';
import type { CFileIndex } from '../index/c-index';
import { configKey } from '../index/config-regions';
import type { WorkspaceIndex } from '../index/index';

const perIndex = new WeakMap<WorkspaceIndex, string>();

/** The digest of an index's walk inputs (see the module comment), made once per index. */
export function walkInputs(index: WorkspaceIndex): string {
  let known = perIndex.get(index);
  if (known === undefined) { known = digestOf(index); perIndex.set(index, known); }
  return known;
}

function digestOf(index: WorkspaceIndex): string {
  const h = createHash('sha1');
  const put = (label: string, v: unknown): void => { h.update(`${label}\0${canonical(v)}\n`); };
  put('macros', index.macros.fingerprint());
  put('config', configKey(index.kernelConfig?.config ?? null));
  for (const file of [...index.texts.keys()].sort()) {
    const text = index.texts.get(file) ?? '';
    const c = index.cFiles.get(file);
    h.update(`${file}\0`);
    if (c) putCFile(h, text, c);
    else h.update(text);
    h.update('\0');
  }
  // what the tree's scans made of function bodies (index/facts.ts and the effects that scan text)
  put('words', index.featureWords);
  put('ors', index.featuresOrs);
  put('copies', index.copyRecipes.map((r) => [r.fn.file, r.fn.name, r.dst, r.src, r.offset - r.fn.startIndex]));
  put('codeStores', index.codeStores);
  put('helpers', index.featureHelpers);
  put('flowMacros', index.asmFlowMacros);
  put('noreturn', index.noreturn);
  put('loaded', loadedTables(index));
  put('shadows', cr4Shadows(index));
  put('readers', cr4Readers(index));
  return h.digest('hex');
}

/**
 * What of a body the tree's text scans read as if it stood outside: preprocessor lines,
 * `void f(void)` prototype lines (eval-c.ts reads them from headers), struct types defined
 * inside (struct-layout.ts reads every struct definition of the tree).
 */
const READ_AS_OUTSIDE = /^[ \t]*(?:#|(?:extern\s+)?(?:asmlinkage\s+)?void\s.*\(\s*void\s*\)).*$|\bstruct\s+[A-Za-z_]\w*\s*\{[^{}]*\}/gm;

/**
 * A C file without its function bodies: the text between them (declarations, variables,
 * struct types, `#if`s), each function's signature and what of its body is read as if outside
 * (`READ_AS_OUTSIDE`), and the variables as lexed.
 */
function putCFile(h: ReturnType<typeof createHash>, text: string, c: CFileIndex): void {
  let at = 0;
  for (const fn of c.functions) {
    h.update(text.slice(at, fn.startIndex));
    const body = text.slice(fn.startIndex, fn.endIndex);
    h.update(`\0${fn.name}(${fn.params.join(',')})${fn.section ?? ''}${fn.isStatic ? 's' : ''}${fn.isInline ? 'i' : ''}\0${(body.match(READ_AS_OUTSIDE) ?? []).join('\n')}\0`);
    at = Math.max(at, fn.endIndex);
  }
  h.update(text.slice(at));
  h.update(canonical(c.variables.map((v) => [v.name, v.section, v.init, v.isArray, v.isPointerArray, v.isCodeArray ?? false])));
}

/** One text for a value made of maps, sets, arrays, records, bigints and strings, the same for equal content. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? [...x] : x instanceof Set ? [...x] : x));
}
