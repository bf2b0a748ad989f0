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

const same = (a, b, from = 0) => (a === null || b === null ? a === b : a.type === b.type && a.startIndex === b.startIndex + from && a.endIndex === b.endIndex + from);

/** Walks both trees side by side; returns how many nodes were compared. A copy of text alone from `from` of the real tree's text counts from 0. */
function compare(real, copy, where, from = 0) {
  let nodes = 0;
  const stack = [[real, copy]];
  while (stack.length > 0) {
    const [r, c] = stack.pop();
    nodes++;
    const at = `${where} ${r.type}@${r.startIndex}`;
    assert.equal(c.type, r.type, at);
    assert.equal(c.isNamed, r.isNamed, at);
    assert.equal(c.startIndex + from, r.startIndex, at);
    assert.equal(c.endIndex + from, r.endIndex, at);
    assert.deepEqual(c.startPosition, r.startPosition, `${at} start`);
    assert.deepEqual(c.endPosition, r.endPosition, `${at} end`);
    assert.equal(c.text, r.text, at);
    assert.equal(c.namedChildCount, r.namedChildCount, at);
    if (r !== real) assert.ok(same(r.nextNamedSibling, c.nextNamedSibling, from), `${at} next named sibling`);
    for (const f of FIELDS) {
      assert.ok(same(r.childForFieldName(f), c.childForFieldName(f), from), `${at} field ${f}`);
      assert.deepEqual(c.childrenForFieldName(f).map((x) => x.startIndex + from), r.childrenForFieldName(f).map((x) => x.startIndex), `${at} fields ${f}`);
    }
    const kids = r.children;
    assert.equal(c.children.length, kids.length, at);
    kids.forEach((k, i) => { assert.ok(same(k, c.child(i), from), `${at} child ${i}`); stack.push([k, c.children[i]]); });
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
  const head = '/* Ünïcode — comment */\r\nstatic int x;\r\n\r\n  ';
  const fn = 'void __init trap_init(void)\r\n{\r\n    /* “quoted” */ set_intr_gate(TRAP_nmi, &nmi);\r\n    if ( x ) { lidt(&idt_descr); }\r\n}';
  const from = head.length;
  const macros = new MacroTable();
  macros.seal();
  const slice = blankAttributes(fn, macros);
  const start = { row: 3, column: 2 };
  // the file parsed whole, and the function's text parsed alone and copied as standing at its start
  const whole = host.parse('c', `${head}${slice}\r\nint tail;\r\n`);
  let top = whole.rootNode.descendantForIndex(from);
  while (top.type !== 'function_definition') top = top.parent;
  assert.equal(top.startPosition.row, 3);
  const tree = host.parse('c', slice);
  const nodes = compare(top, snapshot(tree.rootNode.firstChild, slice, start), 'function alone', from);
  assert.ok(nodes > 30);
  tree.delete(); whole.delete();
});

test('syntax: a function edited keystroke by keystroke copies as a fresh parse of each text', async () => {
  const root = path.resolve('examples/boot-hazards');
  const file = 'setup.c';
  const { index } = await api.analyze(root, { wasmDir: path.resolve('dist'), trees: api.newTreeCache() });
  const host = await hostP;
  const text = readFileSync(path.join(root, file), 'utf8');
  // typed one key at a time (each text but the last has a syntax error), then a line deleted, a brace and a comment opened, and back
  const typed = '    lidt(&idt_descr); /* early */\n';
  const at = text.indexOf('    trap_init();');
  const texts = [...typed].map((_, i) => text.slice(0, at) + typed.slice(0, i + 1) + text.slice(at));
  const full = texts[texts.length - 1];
  const line = full.indexOf('    cmdline_parse(boot_cmdline);\n');
  texts.push(full.slice(0, line) + full.slice(line + 33));
  texts.push(full.slice(0, line) + '    if ( i ) {\n' + full.slice(line));
  texts.push(full.slice(0, line) + '    /* if ( i ) {\n' + full.slice(line));
  texts.push(full);
  let idx = index, nodes = 0;
  for (const next of texts) {
    idx = idx.withCFile(file, next, api.lexCFile(file, next, idx.macros));
    const fn = idx.functions.get('__start_xen')[0];
    const copy = idx.functionNode(fn);
    const whole = host.parse('c', blankAttributes(next, idx.macros));
    let def = whole.rootNode.descendantForIndex(fn.startIndex);
    while (def.type !== 'function_definition') def = def.parent;
    nodes += compare(def, copy, `after ${JSON.stringify(next.slice(at, at + 40))}`, fn.startIndex);
    whole.delete();
  }
  assert.ok(nodes > 2000, `${nodes} nodes`);
});
