import type { IdtDesc } from '../model/types';
import { isTableSymbol, type AsmUnit, type Lineage, type WorkspaceIndex } from '../index/index';
import type { Operand } from '../index/asm-index';
import { DESCRIPTOR_LOAD_MNEMONICS, isIdtStore, systemInsn } from './insn';
import { MEMORY_COPIES } from './c-library';
import { dataWordsAt } from '../index/asm-facts';

/**
 * IDTs found from use: a table is an IDT because a descriptor that `lidt` loads names it, not
 * because of its name. Read from the assembler descriptors (`idt_descr: .word LIMIT; .quad
 * idt_table`), the same data words the walker reads at the `lidt` itself, and from C descriptor
 * initialisers (a GDT descriptor's table is counted too: it only makes the walk look closer).
 */

/** The assembler label a memory operand names (`idt_descr(%rip)`, `bootsym(idt_48)`, `REF(saved_idt)`). */
function labelOf(index: WorkspaceIndex, op: Operand | undefined): string | undefined {
  const syms = op && (op.k === 'mem' || op.k === 'expr' || op.k === 'imm') ? op.syms : [];
  return syms.find((s) => index.asmLabels.has(s));
}

const storedPerIndex = new WeakMap<WorkspaceIndex, ReadonlySet<string>>();

/** The labels an `sidt` of the tree stores IDTR into: their data words (zeros, as assembled) are not what `lidt` reads. */
function idtStores(index: WorkspaceIndex): ReadonlySet<string> {
  let out = storedPerIndex.get(index);
  if (!out) {
    const found = new Set<string>();
    for (const unit of index.units) {
      for (const { stmt } of unit.stmts) {
        if (stmt.kind !== 'insn' || !isIdtStore(stmt.mnemonic)) continue;
        const label = labelOf(index, stmt.operands[0]);
        if (label) found.add(label);
      }
    }
    out = found;
    storedPerIndex.set(index, out);
  }
  return out;
}

/**
 * `lidt idt_descr(%rip)` / `lidt bootsym(idt_48)`: the descriptor's data words say empty or which
 * table; memory an `sidt` fills (`sidt saved_idt` before suspend, `lidt saved_idt` on resume) holds
 * the IDT that was live then.
 */
export function asmDescriptor(index: WorkspaceIndex, op: Operand | undefined): IdtDesc {
  const label = labelOf(index, op);
  if (!label) return { kind: 'unknown', text: op?.text ?? '' };
  if (idtStores(index).has(label)) return { kind: 'saved', text: label };
  const words = dataWordsAt(index, label);
  if (words.length === 0) return { kind: 'unknown', text: label };
  const limit = index.macros.evaluate(words[0].value);
  const baseSym = words.slice(1).find((w) => w.size >= 4)?.syms[0];
  if (baseSym) return { kind: 'table', table: { kind: 'symbol', name: baseSym } };
  if (limit === 0n) return { kind: 'empty' };
  return { kind: 'unknown', text: label };
}

/** A C array, or an assembler data label (Xen's `DATA(bsp_idt, PAGE_SIZE)`). */
function isArrayOrData(index: WorkspaceIndex, name: string): boolean {
  return index.variable(name)?.isArray === true || isTableSymbol(index, name);
}

const perUnit = new WeakMap<AsmUnit, readonly string[]>();
const perIndex = new WeakMap<WorkspaceIndex, ReadonlySet<string>>();

/**
 * A C descriptor initialiser naming an array as its base: `struct desc_ptr idtr = { .limit = ...,
 * .base = (unsigned long)idt_table }`, Linux's `.address = (unsigned long)idt_table`.
 */
const C_DESCRIPTOR_BASE = /\.\s*(?:base|address)\s*=\s*(?:\(\s*[\w\s]+\*?\s*\)\s*)?&?\s*([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?[,}]/g;
/** `memcpy(DST, SRC, ...)`: the head names of both sides. */
const C_COPY = new RegExp(`\\b(?:${[...MEMORY_COPIES].join('|')})\\s*\\(\\s*&?\\s*([A-Za-z_]\\w*)[^,;]*,\\s*&?\\s*\\(?\\s*([A-Za-z_]\\w*)`, 'g');
/** `asm("lidt %0" :: "m" (*dtr))`: the name whose memory a C descriptor load reads. */
const C_DESCRIPTOR_LOAD = new RegExp(`"[^"\\n]*\\b(?:${DESCRIPTOR_LOAD_MNEMONICS.join('|')})\\b[^"\\n]*"[^;]*?"[=+&]*m"\\s*\\(\\s*\\*?\\s*\\(?\\s*([A-Za-z_]\\w*)`, 'g');
/** Words a declaration starts with that are not its type. */
const QUALIFIERS = /^(?:(?:static|const|volatile|extern|register|inline|__\w+)\s+)*/;
const NOT_TYPES = new Set(['return', 'sizeof', 'if', 'while', 'else', 'case', 'goto']);

/** The type a declaration text names (`const struct desc_ptr idtr`, `idt_descr_t *d`): the struct tag or the type word. */
function declaredType(decl: string): string | undefined {
  const tag = /\b(?:struct|union)\s+([A-Za-z_]\w*)/.exec(decl);
  if (tag) return tag[1];
  const word = /^([A-Za-z_]\w*)\b/.exec(decl.replace(QUALIFIERS, ''));
  return word && !NOT_TYPES.has(word[1]) ? word[1] : undefined;
}

/**
 * The type a C `lidt`/`lgdt` at `at` hands its memory operand `name` (`const struct desc_ptr *dtr`,
 * `struct desc_ptr idtr = ...`): the nearest declaration of the name before it (uses such as
 * `lidt(&idtr)` name no type).
 */
function loadOperandType(text: string, at: number, name: string): string | undefined {
  const before = text.slice(Math.max(0, at - 4000), at);
  const decls = [...before.matchAll(new RegExp(`[;{}(,]\\s*([^;{}(),]*?)\\b${name}\\s*(?:\\[[^\\]]*\\]\\s*)?[,);=]`, 'g'))];
  return decls.reverse().map((d) => declaredType(d[1].replace(/\*/g, ' ').trim())).find((t) => t !== undefined);
}

/** The type of the initialiser a `.field =` at `at` is inside (`struct desc_ptr idtr = {`, `(struct desc_ptr){`), if the text says. */
function initializerType(text: string, at: number): string | undefined {
  let depth = 0, i = at;
  for (const stop = Math.max(0, at - 4000); ; i--) {
    if (i <= stop) return undefined;
    const c = text[i];
    if (c === '}') depth++;
    else if (c === '{' && depth-- === 0) break;
  }
  const head = text.slice(Math.max(0, i - 300), i);
  const literal = /\(\s*([^()]*)\)\s*$/.exec(head);
  if (literal) return declaredType(literal[1]);
  const decl = /([^;{}]*?)=\s*$/.exec(head);
  return decl ? declaredType(decl[1].trim()) : undefined;
}

/** The tables a descriptor of the tree names, for `lidt`: the assembler's data words and C's initialisers. */
export function loadedTables(index: WorkspaceIndex): ReadonlySet<string> {
  let all = perIndex.get(index);
  if (!all) {
    const out = new Set<string>();
    for (const unit of index.units) for (const t of tablesLoadedIn(index, unit)) out.add(t);
    const copies: [string, string][] = [];
    // the types C loads read, and the initialisers' bases by their type: decided once all are seen
    const types = new Set<string>();
    const bases: (DescriptorBase & { file: string })[] = [];
    const known = scannedIn(index);
    for (const [file, text] of index.texts) {
      if (file.endsWith('.S') || file.endsWith('.s')) continue;
      let got = known.get(file);
      if (got?.text !== text) { got = { text, facts: descriptorFactsIn(text) }; known.set(file, got); }
      for (const t of got.facts.types) types.add(t);
      for (const b of got.facts.bases) bases.push({ ...b, file });
      copies.push(...got.facts.copies);
    }
    for (const b of bases) {
      // an initialiser is a descriptor's when its type is one a C load reads (a `.address` of `struct page_vma_mapped_walk` is not)
      if (types.size > 0 && b.type !== undefined && !types.has(b.type)) continue;
      if (isArrayOrData(index, b.name)) { out.add(b.name); continue; }
      if (index.variable(b.name)) continue;
      // a base that is no array the index knows is a pointer to one: Xen's per-CPU `idt` (`.base = (unsigned long)idt`);
      // but not a parameter (`idt_invalidate(void *addr)`): what it points to is the caller's, and no table of that name
      const fn = index.cFiles.get(b.file)?.functions.find((f) => f.startIndex <= b.at && b.at < f.endIndex);
      if (!fn?.params.includes(b.name)) out.add(b.name);
    }
    // a table copied whole into a loaded one (or into a CPU's slot of one) is one too: `memcpy(idt_tables[cpu], idt_table, ...)`
    for (let grew = true; grew;) {
      grew = false;
      for (const [dst, src] of copies) if (out.has(dst) && !out.has(src) && isArrayOrData(index, src)) { out.add(src); grew = true; }
    }
    all = out;
    perIndex.set(index, all);
  }
  return all;
}

interface DescriptorBase { name: string; type: string | undefined; at: number }
/** What one C text tells of descriptors: the types its loads read, its initialisers' bases, its whole-table copies. */
interface DescriptorFacts { types: string[]; bases: DescriptorBase[]; copies: [string, string][] }

function descriptorFactsIn(text: string): DescriptorFacts {
  const facts: DescriptorFacts = { types: [], bases: [], copies: [] };
  if (/\bl[ig]dt/.test(text)) for (const m of text.matchAll(C_DESCRIPTOR_LOAD)) { const t = loadOperandType(text, m.index, m[1]); if (t) facts.types.push(t); }
  if (text.includes('.base') || text.includes('.address')) for (const m of text.matchAll(C_DESCRIPTOR_BASE)) facts.bases.push({ name: m[1], type: initializerType(text, m.index), at: m.index });
  if (text.includes('mem')) for (const m of text.matchAll(C_COPY)) facts.copies.push([m[1], m[2]]);
  return facts;
}

/**
 * Each file's descriptor facts with the text they were read from, shared by the indexes an
 * editor session makes from one build by edits (one lineage): an edit scans its own file again,
 * not the tree (the scan was most of an edit's time).
 */
const scanned = new WeakMap<Lineage, Map<string, { text: string; facts: DescriptorFacts }>>();
function scannedIn(index: WorkspaceIndex): Map<string, { text: string; facts: DescriptorFacts }> {
  let m = scanned.get(index.lineage);
  if (!m) { m = new Map(); scanned.set(index.lineage, m); }
  return m;
}

function tablesLoadedIn(index: WorkspaceIndex, unit: AsmUnit): readonly string[] {
  let ts = perUnit.get(unit);
  if (!ts) {
    const found: string[] = [];
    for (const { stmt } of unit.stmts) {
      if (stmt.kind !== 'insn' || systemInsn(stmt.mnemonic) !== 'lidt') continue;
      const d = asmDescriptor(index, stmt.operands[0]);
      if (d.kind === 'table' && d.table.kind === 'symbol') found.push(d.table.name);
    }
    ts = found;
    perUnit.set(unit, ts);
  }
  return ts;
}
