/**
 * Records: structs built by designated initialisers (`{ .vector = 2, .bits.ist = 2, .addr = nmi }`),
 * alone or as the elements of a static table (`def_idts[] = { INTG(X86_TRAP_DE, divide_error), ... }`,
 * macros expanded). A table-driven gate writer walks such a table record by record.
 */
import type { CFunction, CVariable } from '../index/c-index';
import { snapshot, type SyntaxNode } from '../parse/syntax';
import type { Ctx } from './context';
import { evalC } from './eval-c';
import type { Val } from './values';
import type { PathWalker } from './walker';

/** Descriptor fields: an initialiser naming them is a `lidt`/`lgdt` operand, not a record. */
const DESCRIPTOR_FIELDS = new Set(['base', 'address', 'limit', 'size']);

/**
 * The record an initialiser list builds, by dotted field path (a nested list flattened: `.bits =
 * { .ist = 2 }` is `bits.ist`), or null when it designates no field or is a descriptor.
 */
export function recordOf(w: PathWalker, n: SyntaxNode, c: Ctx, fn: CFunction): Val | null {
  const fields = new Map<string, Val>();
  const fill = (list: SyntaxNode, prefix: string): void => {
    for (const p of list.namedChildren) {
      if (p?.type !== 'initializer_pair') continue;
      const path = p.childrenForFieldName('designator').map((d) => d.text.replace(/^\./, '') ?? '').filter((d) => /^[A-Za-z_]\w*$/.test(d)).join('.');
      const value = p.childForFieldName('value');
      if (!path || !value) continue;
      if (value.type === 'initializer_list') fill(value, `${prefix}${path}.`);
      else {
        // a static initialiser holds link-time constants: a name nothing in the tree defines is a
        // symbol's address (`.addr = asm_exc_nmi`, declared by a macro: `DECLARE_IDTENTRY(...)`)
        const v = evalC(w, value, c, fn) ?? (value.type === 'identifier' && !w.index.macros.get(value.text, fn.file) ? { k: 'addr', sym: value.text } as const : undefined);
        if (v) fields.set(`${prefix}${path}`, v);
      }
    }
  };
  fill(n, '');
  if (fields.size === 0 || [...fields.keys()].every((f) => DESCRIPTOR_FIELDS.has(f))) return null;
  return { k: 'struct', fields };
}

const tables = new WeakMap<CVariable, readonly Val[] | null>();
const structs = new WeakMap<CVariable, Val | null>();

/**
 * The records of a static table, in order, or null when its initialiser holds none. Read once per
 * definition: its initialiser expanded (preprocessor lines inside it left out: every branch is
 * read) and parsed on its own.
 */
export function tableRecords(w: PathWalker, v: CVariable, at: Ctx, fn: CFunction): readonly Val[] | null {
  if (tables.has(v)) return tables.get(v) ?? null;
  let out: Val[] | null = null;
  const list = initialiserOf(w, v, '[]');
  if (list) {
    const c: Ctx = { ...at, vals: new Map() };
    const items = list.namedChildren.filter((x): x is SyntaxNode => x?.type === 'initializer_list').map((x) => recordOf(w, x, c, fn));
    if (items.length > 0 && items.every((x) => x !== null)) out = items as Val[];
  }
  tables.set(v, out);
  return out;
}

/**
 * What a struct variable's initialiser holds: a descriptor (`struct desc_ptr idt_descr = { .size =
 * ..., .address = (unsigned long)idt_table }`) or a record; null without a braced initialiser.
 */
export function structInitialiser(w: PathWalker, v: CVariable, at: Ctx, fn: CFunction): Val | null {
  if (structs.has(v)) return structs.get(v) ?? null;
  const list = initialiserOf(w, v, '');
  const out = list ? evalC(w, list, { ...at, vals: new Map() }, fn) ?? null : null;
  structs.set(v, out);
  return out;
}

/** A variable's braced initialiser, macros expanded, parsed on its own (`suffix`: `[]` for an array). */
function initialiserOf(w: PathWalker, v: CVariable, suffix: string): SyntaxNode | null {
  const init = v.init?.trim();
  const expanded = init?.startsWith('{') ? w.index.macros.expand(init.replace(/^[ \t]*#[^\n]*$/gm, ''), v.file) : '';
  if (!expanded.includes('.')) return null;
  const source = `static int __t${suffix} = ${expanded};`;
  const tree = w.index.host.parse('c', source);
  try {
    const value = tree.rootNode.namedChildren[0]?.childForFieldName('declarator')?.childForFieldName('value');
    return value?.type === 'initializer_list' ? snapshot(value, source) : null;
  } finally { tree.delete(); }
}
