// The walker reads copies of tree-sitter trees (server/src/parse/syntax.ts): each copy must answer
// every question the walker asks exactly as the web-tree-sitter tree it was copied from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import api from '../out/api.js';

const { ParserHost, wasmPathsIn, snapshot, blankAttributes, MacroTable } = api;
const hostP = ParserHost.create(wasmPathsIn(path.resolve('dist')));

/** The fields the walker asks for by name. */
const FIELDS = ['body', 'declarator', 'value', 'condition', 'consequence', 'alternative', 'initializer', 'update', 'left', 'right',
  'operator', 'function', 'arguments', 'argument', 'index', 'field', 'name', 'type', 'assembly_code', 'operand'];

function filesOf(dir) {
  const out = [];
  for (const e of readdirSync(dir)) { const f = path.join(dir, e); if (statSync(f).isDirectory()) out.push(...filesOf(f)); else out.push(f); }
  return out;
}

const same = (a, b) => (a === null || b === null ? a === b : a.type === b.type && a.startIndex === b.startIndex && a.endIndex === b.endIndex);

/** Walks both trees side by side; returns how many nodes were compared. */
function compare(real, copy, where) {
  let nodes = 0;
  const stack = [[real, copy]];
  while (stack.length > 0) {
    const [r, c] = stack.pop();
    nodes++;
    const at = `${where} ${r.type}@${r.startIndex}`;
    assert.equal(c.type, r.type, at);
    assert.equal(c.isNamed, r.isNamed, at);
    assert.equal(c.startIndex, r.startIndex, at);
    assert.equal(c.endIndex, r.endIndex, at);
    assert.deepEqual(c.startPosition, r.startPosition, `${at} start`);
    assert.deepEqual(c.endPosition, r.endPosition, `${at} end`);
    assert.equal(c.text, r.text, at);
    assert.equal(c.namedChildCount, r.namedChildCount, at);
    assert.ok(same(r.nextNamedSibling, c.nextNamedSibling), `${at} next named sibling`);
    for (const f of FIELDS) {
      assert.ok(same(r.childForFieldName(f), c.childForFieldName(f)), `${at} field ${f}`);
      assert.deepEqual(c.childrenForFieldName(f).map((x) => x.startIndex), r.childrenForFieldName(f).map((x) => x.startIndex), `${at} fields ${f}`);
    }
    const kids = r.children;
    assert.equal(c.children.length, kids.length, at);
    kids.forEach((k, i) => { assert.ok(same(k, c.child(i)), `${at} child ${i}`); stack.push([k, c.children[i]]); });
  }
  return nodes;
}

test('syntax: a copy of every C file of the fixtures and examples answers as its tree-sitter tree', async () => {
  const host = await hostP;
  const files = [...filesOf('test/fixtures'), ...filesOf('examples')].filter((f) => /\.[ch]$/.test(f) && !f.includes('fuzz'));
  let nodes = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const tree = host.parse('c', text);
    nodes += compare(tree.rootNode, snapshot(tree.rootNode, text), f);
    // the smallest spanning node, as the walker finds a call inside a function
    const copy = snapshot(tree.rootNode, text);
    for (let i = 0; i < text.length; i += 97) assert.ok(same(tree.rootNode.descendantForIndex(i, i + 3), copy.descendantForIndex(i, i + 3)), `${f} descendant at ${i}`);
    tree.delete();
  }
  assert.ok(files.length > 40 && nodes > 20000, `${files.length} files, ${nodes} nodes`);
});

test('syntax: a function parsed alone keeps its real lines and columns, through CRLF line ends and non-ASCII text', async () => {
  const host = await hostP;
  const head = '/* Ünïcode — comment */\r\nstatic int x;\r\n\r\n';
  const fn = 'void __init trap_init(void)\r\n{\r\n    /* “quoted” */ set_intr_gate(TRAP_nmi, &nmi);\r\n    if ( x ) { lidt(&idt_descr); }\r\n}';
  const text = `${head}${fn}\r\nint tail;\r\n`;
  const from = head.length;
  const macros = new MacroTable();
  macros.seal();
  const slice = blankAttributes(fn, macros);
  const start = { row: 3, column: 0 };
  const end = { row: 7, column: 1 };
  const tree = host.parseRange('c', slice, from, start, end);
  const def = tree.rootNode.descendantForIndex(from);
  let top = def;
  while (top.type !== 'function_definition') top = top.parent;
  assert.equal(top.startPosition.row, 3);
  const nodes = compare(top, snapshot(top, slice, from), 'range parse');
  assert.ok(nodes > 30);
  tree.delete();
});
