// Tests for the committed tree-sitter-gas grammar (grammars/tree-sitter-gas): the real wasm is
// loaded through web-tree-sitter and every case of test/corpus/*.txt is checked, one test per case.
//
//   node --test test/grammar-corpus.test.mjs
//
// Corpus format (tree-sitter's): a header of `===` lines around the case name, the input, a `---`
// line, then the expected s-expression (compared with rootNode.toString(), whitespace normalised).
// The input is taken without its surrounding blank lines and gets exactly one trailing newline.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, Language } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GRAMMAR_DIR = join(ROOT, 'grammars/tree-sitter-gas');
const WASM = join(GRAMMAR_DIR, 'tree-sitter-gas.wasm');
const CORPUS_DIR = join(GRAMMAR_DIR, 'test/corpus');

/** Split a tree-sitter corpus file into { name, input, expected } cases. */
function parseCorpus(text) {
  const lines = text.split(/\r?\n/);
  const isRule = (line, ch) => line !== undefined && new RegExp(`^${ch}{3,}\\s*$`).test(line);
  const isHeader = (i) => isRule(lines[i], '=') && isRule(lines[i + 2], '=');
  const cases = [];
  let i = 0;
  while (i < lines.length) {
    if (!isHeader(i)) { i++; continue; }
    const name = lines[i + 1].trim();
    i += 3;
    const input = [];
    while (i < lines.length && !isRule(lines[i], '-')) input.push(lines[i++]);
    i++; // the `---` divider
    const expected = [];
    while (i < lines.length && !isHeader(i)) expected.push(lines[i++]);
    cases.push({
      name,
      input: input.join('\n').replace(/^\n+/, '').replace(/\n+$/, '') + '\n',
      expected: expected.join('\n').trim(),
    });
  }
  return cases;
}

const normalize = (s) => s.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();

// Corpus files are read at load time so that each case becomes its own test.
const corpus = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((file) => ({ file, cases: parseCorpus(readFileSync(join(CORPUS_DIR, file), 'utf8')) }));

let gas;
let parser;

before(async () => {
  await Parser.init();
  gas = await Language.load(readFileSync(WASM));
  parser = new Parser();
  parser.setLanguage(gas);
});

const parse = (src) => parser.parse(src);

test('corpus files hold cases', () => {
  assert.ok(corpus.length >= 5, `expected several corpus files in ${CORPUS_DIR}`);
  for (const { file, cases } of corpus) {
    assert.ok(cases.length > 0, `${file} has no cases`);
    for (const c of cases) assert.ok(c.expected.startsWith('(source_file'), `${file}: "${c.name}" has no expected tree`);
  }
});

for (const { file, cases } of corpus) {
  for (const c of cases) {
    test(`corpus ${file.replace(/\.txt$/, '')}: ${c.name}`, () => {
      const tree = parse(c.input);
      try {
        assert.equal(normalize(tree.rootNode.toString()), normalize(c.expected));
      } finally {
        tree.delete();
      }
    });
  }
}

test('the committed wasm was built from the committed grammar.js (grammar.sha256)', () => {
  const actual = createHash('sha256').update(readFileSync(join(GRAMMAR_DIR, 'grammar.js'))).digest('hex');
  const recorded = readFileSync(join(GRAMMAR_DIR, 'grammar.sha256'), 'utf8').trim();
  assert.equal(recorded, actual,
    'grammar.js changed since the last build: run `npm run grammar:build` and commit the regenerated files');
});

test('gas and tree-sitter-c wasm load into one Parser', async () => {
  const c = await Language.load(readFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm')));
  const p = new Parser();
  try {
    p.setLanguage(gas);
    const asm = p.parse('ENTRY(start)\n        lidt    idt_descr(%rip)\n');
    assert.equal(asm.rootNode.hasError, false);
    assert.equal(asm.rootNode.namedChild(1).type, 'instruction');
    p.setLanguage(c);
    const cTree = p.parse('void trap_init(void) { set_intr_gate(2, &nmi); }\n');
    assert.equal(cTree.rootNode.type, 'translation_unit');
    assert.equal(cTree.rootNode.hasError, false);
    p.setLanguage(gas);
    assert.equal(p.parse('mov %eax, %cr4\n').rootNode.hasError, false);
  } finally {
    p.delete();
  }
});

// ---- details the s-expressions do not show: fields, node text, positions --------------------

test('fields of an instruction and its memory operand', () => {
  const tree = parse('        lock btsl $0, %gs:8(%rax,%rcx,4)\n');
  const insn = tree.rootNode.namedChild(0);
  assert.equal(insn.childForFieldName('prefix').text, 'lock');
  assert.equal(insn.childForFieldName('mnemonic').text, 'btsl');
  const mem = insn.namedChildren.filter((n) => n.type === 'operand')[1].namedChild(0);
  assert.equal(mem.type, 'memory');
  assert.deepEqual(
    ['segment', 'displacement', 'base', 'index', 'scale'].map((f) => mem.childForFieldName(f)?.text),
    ['%gs', '8', '%rax', '%rcx', '4'],
  );
});

test('binary_expression exposes its operator field', () => {
  const tree = parse('        .long A | B << 2\n');
  const expr = tree.rootNode.namedChild(0).namedChild(1);
  assert.equal(expr.type, 'binary_expression');
  assert.equal(expr.childForFieldName('operator').type, '|');
  assert.equal(expr.childForFieldName('right').childForFieldName('operator').type, '<<');
});

test('preproc_arg keeps continuations and inner comments, not outer blanks or comments', () => {
  const src = [
    '#define GLOBAL(name)   \\',
    '        .globl name;   \\',
    '        name:',
    '#define SIZE ( 64 /* bytes */ )   /* trailing */',
    '#if defined(CONFIG_X) && X > 1 // why',
    '',
  ].join('\n');
  const tree = parse(src);
  const [fn, def, cond] = tree.rootNode.namedChildren.filter((n) => n.type.startsWith('preproc_'));
  assert.equal(fn.childForFieldName('value').text, '.globl name;   \\\n        name:');
  assert.equal(fn.childForFieldName('parameters').namedChild(0).text, 'name');
  assert.equal(def.childForFieldName('value').text, '( 64 /* bytes */ )');
  assert.equal(cond.childForFieldName('condition').text, 'defined(CONFIG_X) && X > 1');
  assert.equal(tree.rootNode.hasError, false);
});

test('a preprocessor line ends at its newline and labels keep their row', () => {
  const tree = parse('#ifdef CONFIG_PV\nfoo:    nop\n#endif\n');
  const [ifdef, label, insn, endif] = tree.rootNode.namedChildren;
  assert.deepEqual([ifdef.endPosition.row, label.startPosition.row, insn.startPosition.row, endif.startPosition.row], [0, 1, 1, 2]);
});

test('last line without a newline, CRLF line ends and an empty file parse cleanly', () => {
  for (const src of ['#endif', 'foo: mov %eax, %ebx', '#define X 1', 'mov %eax, %ebx\r\n#define X 1\r\nret\r\n', '']) {
    const tree = parse(src);
    assert.equal(tree.rootNode.hasError, false, JSON.stringify(src));
  }
  assert.equal(parse('#define X 1\r\n').rootNode.namedChild(0).childForFieldName('value').text, '1');
});

test('broken input yields ERROR nodes (the coverage measure relies on them)', () => {
  const tree = parse('        mov %eax, , )\n');
  assert.equal(tree.rootNode.hasError, true);
});
