import type { WorkspaceIndex } from '../index/index';

/**
 * CR4 shadow words found from the code: memory that a function stores the very value it moves
 * to CR4 (`this_cpu(cr4) = val; asm ("mov %0,%%cr4" :: "r" (val))`, Xen's
 * `get_cpu_info()->cr4 = val`). Reading one is reading this CPU's CR4 as it is now, so
 * `write_cr4(read_cr4() | mask)` keeps the bits CR4 had, whatever the reader is called.
 * Keys are the store targets' texts without white space.
 */

/** `mov %0, %%cr4` / `mov %[v], %%cr4` / `movq %1,%%cr4` in an inline asm template. */
const CR4_WRITE = /mov[lq]?\s+%[a-z]?(?:\d+|\[\w+\])\s*,\s*%%cr4/;
/** The C expressions given to an asm statement as operands: `"r" (val)`. */
const OPERAND = /"[^"]*"\s*\(\s*([A-Za-z_]\w*)\s*\)/g;
/** What follows the `=` of a store of a plain name: `= name;`. */
const STORED_NAME = /^\s*([A-Za-z_]\w*)\s*;/;
/** A left side that is memory, not a declaration of a local: a field, an element, an accessor. */
const MEMORY = /->|\.|\[|\(/;

const perIndex = new WeakMap<WorkspaceIndex, ReadonlySet<string>>();

export function cr4Shadows(index: WorkspaceIndex): ReadonlySet<string> {
  let out = perIndex.get(index);
  if (out) return out;
  const found = new Set<string>();
  for (const [file, c] of index.cFiles) {
    const text = index.texts.get(file);
    if (!text || !text.includes('%%cr4')) continue;
    for (const fn of c.functions) {
      const body = text.slice(fn.startIndex, fn.endIndex);
      const write = CR4_WRITE.exec(body);
      if (!write) continue;
      // the operands of the asm statement that holds the write
      const stmtEnd = body.indexOf(';', write.index);
      const written = new Set(Array.from(body.slice(write.index, stmtEnd < 0 ? undefined : stmtEnd).matchAll(OPERAND), (m) => m[1]));
      for (const [lhs, name] of stores(body)) {
        if (!written.has(name) || !MEMORY.test(lhs) || /^(const\s+)?(unsigned|signed|long|int|char|u\d+|uint\d+_t)\b/.test(lhs)) continue;
        const key = lhs.replace(/\s+/g, '');
        found.add(key);
        // through a local pointer: `struct cpu_info *info = get_cpu_info(); ... info->cr4 = val`
        const head = /^([A-Za-z_]\w*)(->.*)$/.exec(key);
        const init = head && new RegExp(`\\*\\s*${head[1]}\\s*=\\s*([^;]+);`).exec(body);
        if (head && init) found.add(`${init[1].replace(/\s+/g, '')}${head[2]}`);
      }
    }
  }
  out = found;
  perIndex.set(index, out);
  return out;
}

/**
 * Every `LHS = name;` of a body, in one pass (a regular expression that searched back for the left
 * side took seconds on a long line): the left side is the text since the last `;`, `{` or `}`.
 */
function stores(body: string): [string, string][] {
  const out: [string, string][] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === ';' || ch === '{' || ch === '}') { start = i + 1; continue; }
    if (ch !== '=' || body[i + 1] === '=' || '=!<>+-*/&|^%'.includes(body[i - 1] ?? '')) continue;
    const m = STORED_NAME.exec(body.slice(i + 1, i + 200));
    if (m) out.push([body.slice(start, i).trim(), m[1]]);
  }
  return out;
}

const readersOf = new WeakMap<WorkspaceIndex, ReadonlySet<string>>();

/**
 * Functions that return a CR4 shadow word (`read_cr4() { return get_cpu_info()->cr4; }`): their
 * value is this CPU's CR4 as it is now. Found here rather than by walking them: such a reader
 * changes no boot state, so the relevance summary rightly does not walk it.
 */
export function cr4Readers(index: WorkspaceIndex): ReadonlySet<string> {
  let out = readersOf.get(index);
  if (out) return out;
  const shadows = cr4Shadows(index);
  const found = new Set<string>();
  if (shadows.size > 0) {
    for (const [file, c] of index.cFiles) {
      const text = index.texts.get(file);
      if (!text) continue;
      for (const fn of c.functions) {
        if (fn.params.length > 0 || fn.endIndex - fn.startIndex > 400) continue;
        const body = text.slice(fn.startIndex, fn.endIndex);
        const ret = /\{\s*return\s+([^;]+);\s*\}\s*$/.exec(body);
        if (ret && shadows.has(ret[1].replace(/\s+/g, ''))) found.add(fn.name);
      }
    }
  }
  out = found;
  readersOf.set(index, out);
  return out;
}
