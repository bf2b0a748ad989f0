/** C statements and names over the syntax tree: which statement holds a node, what a function declares. */
import type { Node } from 'web-tree-sitter';
import { declaratorName } from '../../index/c-index';
import type { Range } from '../../model/types';
import type { Doc } from '../text';
import type { Ctx } from './context';

const STOP = new Set(['function_definition', 'translation_unit']);

/** The statement holding `n` whose parent is a `{ }` block. */
export function blockStmt(n: Node | null): Node | null {
  for (let cur = n; cur; cur = cur.parent) {
    if (STOP.has(cur.type)) return null;
    if (cur.parent?.type === 'compound_statement') return cur;
  }
  return null;
}

/** The statement holding `n` directly in its function's body. */
export function topStmt(n: Node | null): Node | null {
  for (let cur = n; cur; cur = cur.parent) {
    if (STOP.has(cur.type)) return null;
    if (cur.parent?.type === 'compound_statement' && cur.parent.parent?.type === 'function_definition') return cur;
  }
  return null;
}

export function functionOf(n: Node | null): Node | null {
  for (let cur = n; cur; cur = cur.parent) if (cur.type === 'function_definition') return cur;
  return null;
}

/** The call expression holding `n` (`n` itself included), inside its function. */
export function callAround(n: Node | null): Node | null {
  let call = n;
  while (call && call.type !== 'call_expression') call = STOP.has(call.type) ? null : call.parent;
  return call;
}

/** The statement is alone on its lines (only blanks before it, blanks or a comment after it). */
export function alone(doc: Doc, n: Node): boolean {
  const before = doc.line(n.startPosition.row).slice(0, n.startPosition.column);
  const after = doc.line(n.endPosition.row).slice(n.endPosition.column).trim();
  return before.trim() === '' && (after === '' || after.startsWith('/*') || after.startsWith('//'));
}

/** The block statement at a range's start when it is alone on its lines, with its file. */
export function aloneStmtAt(ctx: Ctx, r: Range): { doc: Doc; st: Node } | null {
  const doc = ctx.doc(r.file);
  const st = blockStmt(ctx.nodeAt(r));
  return doc && st && alone(doc, st) ? { doc, st } : null;
}

/** First line of a statement, without its `;`, for titles. */
export function short(text: string): string {
  const first = text.split('\n')[0].trim().replace(/;\s*(\/\*.*|\/\/.*)?$/, '').replace(/\s+/g, ' ');
  return first.length > 60 ? `${first.slice(0, 57)}...` : first;
}

/** `root` and the named nodes under it, each before those under it. */
function* descendants(root: Node): Generator<Node> {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    yield n;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
}

/** Identifiers declared in a function: parameters and locals. */
export function localsOf(fnNode: Node): Set<string> {
  const out = new Set<string>();
  for (const n of descendants(fnNode)) {
    if (n.type !== 'parameter_declaration' && n.type !== 'declaration') continue;
    for (const d of n.childrenForFieldName('declarator')) {
      const id = declaratorName(d);
      if (id) out.add(id.text);
    }
  }
  const name = declaratorName(fnNode.childForFieldName('declarator'));
  if (name) out.delete(name.text);
  return out;
}

export function identifiersIn(n: Node): string[] {
  return [...descendants(n)].filter((c) => c.type === 'identifier').map((c) => c.text);
}

/** The argument `index` of a call of `callee` in a statement. */
export function callArgument(st: Node, callee: string, index: number): Node | null {
  for (const n of descendants(st)) {
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text === callee) {
      const args = n.childForFieldName('arguments')?.namedChildren.filter((x): x is Node => x !== null && x.type !== 'comment') ?? [];
      return args[index] ?? null;
    }
  }
  return null;
}
