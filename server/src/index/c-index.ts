import type { Node, Point } from 'web-tree-sitter';
import type { MacroTable } from './macros';
import type { Range } from '../model/types';

export interface CFunction {
  name: string;
  file: string;
  range: Range;
  nameRange: Range;
  params: string[];
  section: string | null;
  isStatic: boolean;
  isInline: boolean;
  /** Names this function calls or takes the address of, for the relevance summary and TL004. */
  callees: string[];
  refs: string[];
  /** Byte offsets of the definition in the file, to find it again in a re-parsed tree. */
  startIndex: number;
  endIndex: number;
}

export interface CVariable {
  name: string;
  file: string;
  range: Range;
  section: string | null;
  /** Initializer text, for features words and descriptors. */
  init: string | null;
  isArray: boolean;
  /** `idt_entry_t *idt_tables[NR_CPUS]`: an array of pointers, i.e. one table per CPU. */
  isPointerArray: boolean;
  /** `void (*interrupt[NR_VECTORS])(void)`: an array of function pointers (handlers), neither a table nor per-CPU slots. */
  isCodeArray?: boolean;
}

/** One C file's definitions, in the order they stand in the file. */
export interface CFileIndex { functions: CFunction[]; variables: CVariable[] }

/**
 * Hides attribute-like names (`__init`, `noinline`, `__section(".x")`) behind spaces so that
 * tree-sitter-c sees plain declarations; offsets stay the same.
 */
export function blankAttributes(text: string, macros: MacroTable): string {
  return text.replace(/\b[A-Za-z_]\w*\b(\s*\((?:[^()]|\([^()]*\))*\))?/g, (m, args: string | undefined, offset: number) => {
    const name = args ? m.slice(0, m.length - args.length).trimEnd() : m;
    if (!name.startsWith('_') && !/^[a-z]/.test(name)) return m;
    if (!macros.isAttributeLike(name)) return m;
    // `#ifndef __ASM_SMP_H__` names a macro, it does not decorate a declaration
    if (/^[ \t]*#/.test(text.slice(text.lastIndexOf('\n', offset) + 1, offset))) return m;
    if (args && macros.get(name)?.params === null) {
      // object-like attribute followed by a parenthesised group: keep the group (it is a declarator)
      return ' '.repeat(name.length) + m.slice(name.length);
    }
    return m.replace(/[^\n]/g, ' ');
  });
}

export function rangeOf(file: string, n: { startPosition: Point; endPosition: Point }): Range {
  return { file, line: n.startPosition.row, column: n.startPosition.column, endLine: n.endPosition.row, endColumn: n.endPosition.column };
}

/** The identifier a declarator names, through pointers, arrays, parentheses and functions. */
export function declaratorName(n: Node | null): Node | null {
  for (let cur = n; cur;) {
    if (cur.type === 'identifier' || cur.type === 'field_identifier') return cur;
    const next: Node | null = cur.childForFieldName('declarator') ?? cur.namedChildren.find((c) => c !== null && c.type !== 'attribute_specifier') ?? null;
    if (next === cur) return null;
    cur = next;
  }
  return null;
}

export function sectionFromText(prefix: string, macros: MacroTable): string | null {
  const attr = /(?:__)?section(?:__)?\s*\(\s*"([^"]+)"/.exec(prefix);
  if (attr) return attr[1];
  for (const id of prefix.match(/[A-Za-z_]\w*/g) ?? []) {
    const s = macros.sectionOf(id);
    if (s) return s;
  }
  return null;
}
