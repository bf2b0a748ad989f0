import type { Node, Point } from 'web-tree-sitter';

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
 * The text a copy reads from: `source` stands at `offset` of the parsed input (a function parsed
 * alone keeps only its own text), and the copied root starts at `base`, `basePoint`.
 */
class SyntaxTree {
  private newlines: number[] | null = null;
  constructor(private readonly source: string, private readonly offset: number, private readonly base: number, private readonly basePoint: Point) {}

  text(start: number, end: number): string { return this.source.slice(start - this.offset, end - this.offset); }

  /** Row and column of an index, counted as tree-sitter counts them for UTF-16 input (`\n` ends a row). */
  position(index: number): Point {
    if (!this.newlines) {
      this.newlines = [];
      for (let i = this.source.indexOf('\n', this.base - this.offset); i >= 0; i = this.source.indexOf('\n', i + 1)) this.newlines.push(i + this.offset);
    }
    let lo = 0, hi = this.newlines.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.newlines[mid] < index) lo = mid + 1; else hi = mid; }
    if (lo === 0) return { row: this.basePoint.row, column: this.basePoint.column + index - this.base };
    return { row: this.basePoint.row + lo, column: index - this.newlines[lo - 1] - 1 };
  }
}

let nextId = 1;

/** Copies `root` and everything under it. `source` is the parsed text from index `offset` on (all of it by default). */
export function snapshot(root: Node, source: string, offset = 0): SyntaxNode {
  const tree = new SyntaxTree(source, offset, root.startIndex, root.startPosition);
  const cursor = root.walk();
  try {
    const make = (field: string | null): SyntaxNode =>
      new SyntaxNode(tree, nextId++, cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex, field);
    const top = make(null);
    // ancestors of the cursor's node, nearest last
    const stack = [top];
    if (cursor.gotoFirstChild()) {
      outer: for (;;) {
        const parent = stack[stack.length - 1];
        const n = make(cursor.currentFieldName ?? null);
        n.parent = parent;
        parent.children.push(n);
        if (cursor.gotoFirstChild()) { stack.push(n); continue; }
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
