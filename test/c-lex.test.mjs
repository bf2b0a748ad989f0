// The lexical C index (server/src/index/c-lex.ts) reads what a tree-sitter-c parse reads: every
// C file of our fixtures and examples through both, then the forms real trees write that a
// parse gets wrong or right only by luck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import api from '../out/api.js';
import { treeSitterCIndex } from './helpers/tree-sitter-c-index.mjs';

const { lexCFile, MacroTable, scanMacros, ParserHost, wasmPathsIn } = api;
const hostP = ParserHost.create(wasmPathsIn(path.resolve('dist')));

function filesOf(dir) {
  const out = [];
  for (const e of readdirSync(dir)) { const f = path.join(dir, e); if (statSync(f).isDirectory()) out.push(...filesOf(f)); else out.push(f); }
  return out;
}

function macrosOf(texts) {
  const m = new MacroTable();
  for (const [f, t] of texts) m.add(scanMacros(f, t));
  m.seal();
  return m;
}

function lex(text, macroText = '') {
  const macros = macrosOf([['defs.h', macroText], ['x.c', text]]);
  return lexCFile('x.c', text, macros);
}

const trees = [...readdirSync('test/fixtures').filter((d) => d !== 'fuzz').map((d) => path.join('test/fixtures', d)), ...readdirSync('examples').map((d) => path.join('examples', d))];

test('c-lex: every C file of the fixtures and examples indexes as tree-sitter-c reads it', async () => {
  const host = await hostP;
  let files = 0, functions = 0;
  for (const tree of trees) {
    const texts = filesOf(tree).filter((f) => /\.[ch]$/.test(f)).map((f) => [f, readFileSync(f, 'utf8')]);
    const macros = macrosOf(texts);
    const known = new Set();
    const pairs = texts.map(([f, text]) => {
      const ts = treeSitterCIndex(host, text, macros);
      const lx = lexCFile(f, text, macros);
      for (const x of [...ts.functions, ...ts.variables]) known.add(x.name);
      return { f, ts, lx };
    });
    for (const { f, ts, lx } of pairs) {
      files++;
      const fns = lx.functions.map((x) => ({ name: x.name, line: x.nameRange.line, params: x.params, callees: [...x.callees].sort(), refs: x.refs.filter((r) => known.has(r)).sort(), startIndex: x.startIndex, endIndex: x.endIndex }));
      // typedef names are identifiers to a lexer and types to a parser: compare names that declare something
      assert.deepEqual(fns, ts.functions.map((x) => ({ ...x, refs: x.refs.filter((r) => known.has(r)) })), f);
      assert.deepEqual(lx.variables.map((v) => ({ name: v.name, line: v.range.line, isArray: v.isArray, isPointerArray: v.isPointerArray })), ts.variables, f);
      functions += fns.length;
    }
  }
  assert.ok(files > 250 && functions > 500, `${files} files, ${functions} functions`);
});

test('c-lex: sections, static and parameters come from the declaration as written', () => {
  const r = lex('static void __init noreturn setup_idt(struct desc_ptr *d, unsigned int n __maybe_unused)\n{\n    lidt(d);\n}\n', '#define __init __section(".init.text")\n#define __section(s) __attribute__((__section__(s)))\n');
  assert.equal(r.functions.length, 1);
  const f = r.functions[0];
  assert.deepEqual([f.name, f.section, f.isStatic, f.params, f.range.line, f.range.endLine], ['setup_idt', '.init.text', true, ['d', 'n'], 0, 3]);
  assert.deepEqual(f.callees, ['lidt']);
});

test('c-lex: extern "C" blocks, parenthesised and macro-made names are functions', () => {
  const r = lex('#ifdef __cplusplus\nextern "C" {\n#endif\nstatic inline void *ptr_w(void *p) { return p; }\nvoid *(memmove)(void *d, const void *s, size_t n) { return d; }\nunsigned long gva_to_gfn(LEVELS)(struct vcpu *v) { return 0; }\n#ifdef __cplusplus\n}\n#endif\n');
  assert.deepEqual(r.functions.map((f) => [f.name, f.params.join(',')]), [['ptr_w', 'p'], ['memmove', 'd,s,n'], ['gva_to_gfn', 'v']]);
});

test('c-lex: macro type specifiers and stray words leave the parameter name', () => {
  const r = lex('long do_op(XEN_GUEST_HANDLE_PARAM(op_t) uop, void __iomem *buf, void (*fn)(int), u32) { return 0; }\n');
  assert.deepEqual(r.functions[0].params, ['uop', 'buf', 'fn']);
});

test('c-lex: file-scope declarations: tables, per-CPU pointer arrays, locks; prototypes and calls are not variables', () => {
  const r = lex([
    'idt_entry_t idt_table[IDT_ENTRIES] __section(".bss.page_aligned");',
    'idt_entry_t *idt_tables[NR_CPUS] __read_mostly;',
    'unsigned long mmu_cr4_features = X86_CR4_PSE | X86_CR4_PGE, other;',
    'static DEFINE_SPINLOCK(map_lock);',
    '__initcall(setup_thing);',
    'DEFINE_PER_CPU(idt_entry_t *, idt);',
    'void load_tr(void);',
    'extern unsigned long cr4_shadow;',
    'typedef struct { int a; } pair_t;',
    'struct __attribute__((aligned(64))) xsave_area { char x[64]; };',
    'static const struct ops __initconst ops = { .init = setup_thing };',
  ].join('\n'));
  assert.deepEqual(r.variables.map((v) => [v.name, v.isArray, v.isPointerArray, v.section]), [
    ['idt_table', true, false, '.bss.page_aligned'], ['idt_tables', true, true, null], ['mmu_cr4_features', false, false, null], ['other', false, false, null],
    ['map_lock', false, false, null], ['ops', false, false, '.init.rodata'],
  ]);
  assert.equal(r.variables[2].init, 'X86_CR4_PSE | X86_CR4_PGE');
  assert.deepEqual(r.functions, []);
});

test('c-lex: references leave out fields, labels, goto targets, tags and keywords; ranges count both #if branches once', () => {
  const r = lex([
    'void trap_init(struct cpu *c)',
    '{',
    '    struct tss_struct *t = &per_cpu(tss, c->id);',
    '#ifdef CONFIG_A',
    '    if ( t->ist[0] ) {',
    '#else',
    '    if ( t->ist[1] ) {',
    '#endif',
    '        goto out;',
    '    }',
    '    switch ( c->vendor ) { case VENDOR_A ... VENDOR_RANGE(7): set_ist(c->idt, IST_MCE); break; }',
    'out:',
    '    ltr(TSS_SELECTOR);',
    '}',
    'int after;',
  ].join('\n'));
  assert.deepEqual(r.functions.map((f) => [f.name, f.range.endLine]), [['trap_init', 13]]);
  const f = r.functions[0];
  assert.deepEqual([...f.callees].sort(), ['VENDOR_RANGE', 'ltr', 'per_cpu', 'set_ist']);
  assert.deepEqual([...f.refs].sort(), ['IST_MCE', 'TSS_SELECTOR', 'VENDOR_A', 'VENDOR_RANGE', 'c', 'ltr', 'per_cpu', 'set_ist', 't', 'tss']);
  assert.deepEqual(r.variables.map((v) => v.name), ['after']);
});
