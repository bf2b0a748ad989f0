import type { Node, Point } from 'web-tree-sitter';
import { LineMap } from '../model/lines';

/**
 * A syntax tree copied out of tree-sitter into plain JS objects, read-only.
 *
 * The path walker enters the same functions again and again (once per distinct machine state
 * and argument values); every web-tree-sitter `Node` access crosses into wasm and allocates a
 * fresh wrapper, which made node access a third of the walk. A copy is made in one cursor pass,
 * then read for free; the wasm tree can be freed at once. It answers what the walker asks a
 * `Node` with the same results (checked against web-tree-sitter in test/syntax.test.mjs).
 */
export class SyntaxNode {
  parent: SyntaxNode | null = null;
  /** All children, named and anonymous (operators are anonymous children with a field name). */
  readonly children: SyntaxNode[] = [];
  private named: SyntaxNode[] | null = null;
  private textCache: string | null = null;

  constructor(private readonly tree: SyntaxTree, readonly id: number, readonly type: string, readonly isNamed: boolean,
    readonly startIndex: number, readonly endIndex: number, readonly field: string | null) {}

  get text(): string {
    this.textCache ??= this.tree.text(this.startIndex, this.endIndex);
    return this.textCache;
  }

  get startPosition(): Point { return this.tree.position(this.startIndex); }
  get endPosition(): Point { return this.tree.position(this.endIndex); }

  get namedChildren(): SyntaxNode[] {
    this.named ??= this.children.filter((c) => c.isNamed);
    return this.named;
  }

  get namedChildCount(): number { return this.namedChildren.length; }

  get nextNamedSibling(): SyntaxNode | null {
    const siblings = this.parent?.children;
    if (!siblings) return null;
    for (let i = siblings.indexOf(this) + 1; i < siblings.length; i++) if (siblings[i].isNamed) return siblings[i];
    return null;
  }

  child(i: number): SyntaxNode | null { return this.children[i] ?? null; }

  childForFieldName(name: string): SyntaxNode | null {
    for (const c of this.children) if (c.field === name) return c;
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] { return this.children.filter((c) => c.field === name); }

  /** The smallest node, named or not, spanning [start, end], as tree-sitter's `descendantForIndex` finds it. */
  descendantForIndex(start: number, end = start): SyntaxNode {
    let node: SyntaxNode = this;
    for (let descended = true; descended;) {
      descended = false;
      for (const c of node.children) {
        if (c.endIndex < end || c.endIndex <= start) continue;
        if (start < c.startIndex) break;
        node = c;
        descended = true;
        break;
      }
    }
    return node;
  }
}

/**
 * The text a copy reads from: the whole parsed input, which starts at line and column `at` of
 * its file (a function parsed alone, out of a 6,000-line file, keeps its real positions).
 */
class SyntaxTree {
  private lines: LineMap | null = null;
  constructor(private readonly source: string, private readonly at: Point) {}

  text(start: number, end: number): string { return this.source.slice(start, end); }

  /** Row and column of an index, counted as tree-sitter counts them for UTF-16 input (`\n` ends a row). */
  position(index: number): Point {
    this.lines ??= new LineMap(this.source);
    const { line, column } = this.lines.at(index);
    return line === 0 ? { row: this.at.row, column: this.at.column + column } : { row: this.at.row + line, column };
  }
}

let nextId = 1;

/**
 * The copy a text edit left standing: `copy` was made from the tree before the edit, which
 * replaced `[start, oldEnd)` by text ending at `newEnd`; `changed` are the ranges tree-sitter
 * reports as parsed differently (`Tree.getChangedRanges`), in the new text's indices.
 */
export interface PriorCopy { copy: SyntaxNode; start: number; oldEnd: number; newEnd: number; changed: { startIndex: number; endIndex: number }[] }

const ORIGIN: Point = { row: 0, column: 0 };

/**
 * Copies `root` and everything under it. `source` is the whole parsed text, standing at `at` in
 * its file. With `prior` (an incremental re-parse), a subtree that neither touches the edited
 * text nor a changed range is the same as before: it is copied from the prior copy, shifted to
 * its new place, without reading it out of wasm.
 */
export function snapshot(root: Node, source: string, at: Point = ORIGIN, prior?: PriorCopy): SyntaxNode {
  const tree = new SyntaxTree(source, at);
  const cursor = root.walk();
  const shift = prior ? prior.newEnd - prior.oldEnd : 0;
  // the prior node at the same place, of the same kind, under the prior counterpart of `parent`
  const counterpart = (parent: Frame, n: SyntaxNode): SyntaxNode | null => {
    if (!prior || !parent.old) return null;
    const s = backTo(prior, n.startIndex), e = backTo(prior, n.endIndex);
    if (s === null || e === null) return null;
    const kids = parent.old.children;
    while (parent.next < kids.length && kids[parent.next].startIndex < s) parent.next++;
    for (let i = parent.next; i < kids.length && kids[i].startIndex === s; i++) {
      const k = kids[i];
      if (k.endIndex === e && k.type === n.type && k.isNamed === n.isNamed && k.field === n.field) { parent.next = i + 1; return k; }
    }
    return null;
  };
  const untouched = (n: SyntaxNode): boolean => prior !== undefined && !overlaps(n, prior.start, prior.newEnd)
    && !prior.changed.some((r) => overlaps(n, r.startIndex, r.endIndex));
  const clone = (old: SyntaxNode, parent: SyntaxNode): SyntaxNode => {
    const by = old.startIndex >= (prior as PriorCopy).oldEnd ? shift : 0;
    const n = new SyntaxNode(tree, nextId++, old.type, old.isNamed, old.startIndex + by, old.endIndex + by, old.field);
    n.parent = parent;
    for (const c of old.children) n.children.push(clone(c, n));
    return n;
  };
  try {
    const make = (field: string | null): SyntaxNode =>
      new SyntaxNode(tree, nextId++, cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex, field);
    const top = make(null);
    const old = prior && prior.copy.type === top.type ? prior.copy : null;
    // ancestors of the cursor's node, nearest last, each with its prior counterpart
    const stack: Frame[] = [{ node: top, old, next: 0 }];
    if (cursor.gotoFirstChild()) {
      outer: for (;;) {
        const parent = stack[stack.length - 1];
        const n = make(cursor.currentFieldName ?? null);
        n.parent = parent.node;
        const was = counterpart(parent, n);
        if (was && untouched(n)) parent.node.children.push(clone(was, parent.node));
        else {
          parent.node.children.push(n);
          if (cursor.gotoFirstChild()) { stack.push({ node: n, old: was, next: 0 }); continue; }
        }
        while (!cursor.gotoNextSibling()) {
          cursor.gotoParent();
          stack.pop();
          if (stack.length === 0) break outer;
        }
      }
    }
    return top;
  } finally {
    cursor.delete();
  }
}

interface Frame { node: SyntaxNode; old: SyntaxNode | null; next: number }

/** Where an index of the new text stood before the edit (null inside the replaced text). */
function backTo(p: PriorCopy, i: number): number | null {
  if (i <= p.start) return i;
  if (i >= p.newEnd) return i - (p.newEnd - p.oldEnd);
  return null;
}

/** Closed intervals: a node ending where the edit starts may have grown into it. */
function overlaps(n: SyntaxNode, start: number, end: number): boolean {
  return n.startIndex <= end && start <= n.endIndex;
}
