import type { Node, Tree } from 'web-tree-sitter';
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
}

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
    if (args && macros.get(name)?.params === null) {
      // object-like attribute followed by a parenthesised group: keep the group (it is a declarator)
      return ' '.repeat(name.length) + m.slice(name.length);
    }
    void offset;
    return m.replace(/[^\n]/g, ' ');
  });
}

export function rangeOf(file: string, n: Node): Range {
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

function sectionFromText(prefix: string, macros: MacroTable): string | null {
  const attr = /(?:__)?section(?:__)?\s*\(\s*"([^"]+)"/.exec(prefix);
  if (attr) return attr[1];
  for (const id of prefix.match(/[A-Za-z_]\w*/g) ?? []) {
    const s = macros.sectionOf(id);
    if (s) return s;
  }
  return null;
}

const CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification', 'declaration_list']);

export function indexCTree(file: string, original: string, tree: Tree, macros: MacroTable): CFileIndex {
  const functions: CFunction[] = [];
  const variables: CVariable[] = [];
  // containers (#if blocks) can nest thousands deep: an explicit stack, in document order
  const handleFunction = (c: Node): void => {
    const fn = c.childForFieldName('declarator');
    const id = declaratorName(fn);
    if (!id) return;
    const fdecl = findFunctionDeclarator(fn);
    const prefix = original.slice(c.startIndex, id.startIndex);
    const params = (fdecl?.childForFieldName('parameters')?.namedChildren ?? [])
      .map((p) => (p ? declaratorName(p.childForFieldName('declarator'))?.text : undefined) ?? '')
      .filter((p) => p.length > 0);
    const callees = new Set<string>();
    const refs = new Set<string>();
    const body = c.childForFieldName('body');
    if (body) collectNames(body, callees, refs);
    functions.push({
      name: id.text, file, range: rangeOf(file, c), nameRange: rangeOf(file, id), params,
      section: sectionFromText(prefix, macros), isStatic: /\bstatic\b/.test(prefix), isInline: /inline/.test(prefix),
      callees: [...callees], refs: [...refs], startIndex: c.startIndex, endIndex: c.endIndex,
    });
  };
  const handleDeclaration = (c: Node): void => {
    if (c.namedChildren.some((x) => x?.type === 'storage_class_specifier' && x.text === 'extern')) return;
    for (const d of c.childrenForFieldName('declarator')) {
      if (!d || d.type === 'function_declarator') continue;
      const id = declaratorName(d);
      if (!id) continue;
      const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      const prefix = original.slice(c.startIndex, c.endIndex);
      variables.push({
        name: id.text, file, range: rangeOf(file, id), section: sectionFromText(prefix.slice(0, prefix.indexOf('=') >= 0 ? prefix.indexOf('=') : undefined), macros),
        init: value ? value.text : null, isArray: /\[/.test(d.text.split('=')[0]), isPointerArray: /\*/.test(d.text.split('[')[0]) && /\[/.test(d.text.split('=')[0]),
      });
    }
  };
  const visit = (root: Node): void => {
    const stack: { node: Node; i: number }[] = [{ node: root, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i >= top.node.namedChildCount) { stack.pop(); continue; }
      const c = top.node.namedChild(top.i++);
      if (!c) continue;
      if (CONTAINERS.has(c.type)) stack.push({ node: c, i: 0 });
      else if (c.type === 'function_definition') handleFunction(c);
      else if (c.type === 'declaration') handleDeclaration(c);
    }
  };
  visit(tree.rootNode);
  return { functions, variables };
}

export function findFunctionDeclarator(n: Node | null): Node | null {
  for (let cur = n; cur; cur = cur.childForFieldName('declarator')) {
    if (cur.type === 'function_declarator') return cur;
  }
  return null;
}

function collectNames(n: Node, callees: Set<string>, refs: Set<string>): void {
  const stack: Node[] = [n];
  while (stack.length > 0) {
    const cur = stack.pop() as Node;
    if (cur.type === 'call_expression') {
      const f = cur.childForFieldName('function');
      if (f?.type === 'identifier') callees.add(f.text);
    } else if (cur.type === 'identifier') refs.add(cur.text);
    for (const c of cur.namedChildren) if (c) stack.push(c);
  }
}
