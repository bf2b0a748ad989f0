/**
 * Struct layouts read from the tree's own definitions: where each field (bitfields included) lies
 * in memory. A gate written field by field (`gate->offset_low = ...; gate->bits = d->bits`) or
 * copied whole from a struct built that way is decoded by the layout of the struct that names
 * those fields, as the compiler lays it out, whatever the struct and its fields are called.
 */
import type { WorkspaceIndex } from '../index/index';
import type { Bit, Word } from './gate-word';

/** One leaf field: its dotted path from the struct (`bits.ist`), bit offset and width. */
export interface Leaf { offset: number; width: number }
export interface Layout { name: string; bits: number; leaves: ReadonlyMap<string, Leaf> }

/** Widths of the scalar types boot code declares descriptor fields with, in bits (x86-64). */
const SCALARS = new Map<string, number>([
  ['u8', 8], ['u16', 16], ['u32', 32], ['u64', 64], ['__u8', 8], ['__u16', 16], ['__u32', 32], ['__u64', 64],
  ['uint8_t', 8], ['uint16_t', 16], ['uint32_t', 32], ['uint64_t', 64],
  ['char', 8], ['short', 16], ['int', 32], ['long', 64], ['unsigned', 32],
]);

const STRUCT_DEF = /\bstruct\s+([A-Za-z_]\w*)\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*([^;]*);/g;
const TYPEDEF = /\btypedef\s+struct\s+([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*;/g;

const perIndex = new WeakMap<WorkspaceIndex, Map<string, Layout>>();

/** Every struct the tree defines (and its typedef names), laid out; a struct whose member types are not all known is left out. */
export function structLayouts(index: WorkspaceIndex): ReadonlyMap<string, Layout> {
  let out = perIndex.get(index);
  if (out) return out;
  const bodies = new Map<string, { body: string; packed: boolean }>();
  const aliases = new Map<string, string>();
  for (const [file, text] of index.texts) {
    if (!file.endsWith('.h') && !file.endsWith('.c')) continue;
    if (!text.includes('struct')) continue;
    for (const m of text.matchAll(STRUCT_DEF)) if (!bodies.has(m[1])) bodies.set(m[1], { body: m[2], packed: /packed/.test(m[3]) });
    for (const m of text.matchAll(TYPEDEF)) aliases.set(m[2], m[1]);
  }
  out = new Map();
  const made = out;
  const layoutOf = (name: string, depth: number): Layout | null => {
    const known = made.get(name);
    if (known) return known;
    const def = bodies.get(name);
    if (!def || depth > 8) return null;
    const l = layOut(name, def.body, def.packed, (n) => layoutOf(aliases.get(n) ?? n, depth + 1));
    if (l) made.set(name, l);
    return l;
  };
  for (const name of bodies.keys()) layoutOf(name, 0);
  for (const [alias, name] of aliases) { const l = made.get(name); if (l) made.set(alias, l); }
  perIndex.set(index, out);
  return out;
}

/**
 * Members in order (`u16 a : 3, b : 5;` declares two bitfields of one unit): scalars aligned to
 * their size unless the struct is packed, bitfields packed into their unit as GCC does on x86-64.
 */
function layOut(name: string, body: string, packed: boolean, nested: (n: string) => Layout | null): Layout | null {
  const leaves = new Map<string, Leaf>();
  let at = 0;
  let unit: { start: number; width: number; used: number } | null = null;
  const clean = body.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ').replace(/^[ \t]*#[^\n]*$/gm, ' ');
  for (const decl of clean.split(';')) {
    const d = decl.trim().replace(/\s+/g, ' ');
    if (!d) continue;
    const m = /^(?:const |volatile )*(?:(struct|union) ([A-Za-z_]\w*)|((?:unsigned |signed )?(?:long long|long|short|char|int|[A-Za-z_]\w*)(?: int)?)) (.+)$/.exec(d);
    if (!m) return null;
    const type = m[2] ?? m[3].replace(/^(unsigned|signed) /, '').replace(/ int$/, '').replace(/^long long$/, 'long');
    for (const part of m[4].split(',')) {
      const p = /^\s*(\*?)\s*([A-Za-z_]\w*)\s*(?:\[\s*(\d+)\s*\])?\s*(?::\s*(\d+))?\s*$/.exec(part);
      if (!p) return null;
      const [, ptr, field, count, bitsText] = p;
      const sub = ptr || m[1] !== 'struct' ? undefined : nested(type);
      const width = ptr ? 64 : sub ? sub.bits : SCALARS.get(type) ?? (m[1] === 'union' ? undefined : nested(type)?.bits);
      if (width === undefined) return null;
      if (bitsText !== undefined) {
        const bits = Number(bitsText);
        if (!unit || unit.width !== width || unit.used + bits > width) { at = align(at, packed ? 1 : width); unit = { start: at, width, used: 0 }; at += width; }
        leaves.set(field, { offset: unit.start + unit.used, width: bits });
        unit.used += bits;
        continue;
      }
      unit = null;
      at = align(at, packed ? 1 : Math.min(width, 64));
      const n = count === undefined ? 1 : Number(count);
      if (sub && n === 1) for (const [path, leaf] of sub.leaves) leaves.set(`${field}.${path}`, { offset: at + leaf.offset, width: leaf.width });
      else if (n === 1) leaves.set(field, { offset: at, width });
      at += width * n;
    }
  }
  return { name, bits: packed ? at : align(at, 8), leaves };
}

/** `at` rounded up to a multiple of `bits` bits (`bits` of 1: packed). */
function align(at: number, bits: number): number {
  const a = Math.max(8, Math.min(bits, 64));
  return bits <= 1 ? at : Math.ceil(at / a) * a;
}

/**
 * The 16-byte struct whose fields a set of stored field paths names (`offset_low`, `segment`,
 * `bits.ist`...): the layout a gate built from them has, or null when no struct of the tree, or
 * more than one layout, fits.
 */
export function gateLayout(index: WorkspaceIndex, fields: Iterable<string>): Layout | null {
  const wanted = [...fields];
  if (wanted.length === 0) return null;
  let found: Layout | null = null;
  for (const l of new Set(structLayouts(index).values())) {
    if (l.bits !== 128) continue;
    if (!wanted.every((f) => l.leaves.has(f) || [...l.leaves.keys()].some((k) => k.startsWith(`${f}.`)))) continue;
    if (found && !sameLeaves(found, l)) return null;
    found = l;
  }
  return found;
}

function sameLeaves(a: Layout, b: Layout): boolean {
  if (a.leaves.size !== b.leaves.size) return false;
  for (const [k, v] of a.leaves) { const w = b.leaves.get(k); if (!w || w.offset !== v.offset || w.width !== v.width) return false; }
  return true;
}

/**
 * The two 8-byte halves of a 16-byte gate whose fields hold these words (a field's low bits fill
 * it); a field not given is unknown.
 */
export function gateHalves(layout: Layout, fields: ReadonlyMap<string, Word>): { low: Word; high: Word } {
  const bits: Bit[] = Array.from({ length: 128 }, () => '?');
  for (const [path, leaf] of layout.leaves) {
    const w = fields.get(path);
    if (!w) continue;
    for (let i = 0; i < leaf.width && leaf.offset + i < 128; i++) bits[leaf.offset + i] = w.bits[i] ?? 0;
  }
  return { low: { bits: bits.slice(0, 64) }, high: { bits: bits.slice(64) } };
}
