// Cross-language navigation (server/src/ide/nav/) through the bundled engine API:
// go to definition, references, the outline of a file and the call hierarchy, across C and
// GNU assembler, on test/fixtures/navigation (build first: `node scripts/build.mjs`).
//
//   node --test test/navigation.test.mjs
//
// Expected positions are looked up in the fixture's own text (`at`), never hard-coded.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import api from '../out/api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'test/fixtures/navigation');
const nav = api.navigation;
let index;

before(async () => {
  const a = await api.analyze(DIR, { wasmDir: join(ROOT, 'dist') });
  index = a.index;
});

/** Position of `word` inside the (nth) line of `file` containing `snippet`: { line, column } (0-based). */
function at(file, snippet, word = snippet, nth = 0) {
  const lines = readFileSync(join(DIR, file), 'utf8').split('\n');
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    if (!lines[line].includes(snippet)) continue;
    if (seen++ < nth) continue;
    const column = lines[line].indexOf(word, lines[line].indexOf(snippet));
    assert.ok(column >= 0, `${word} not in "${lines[line]}"`);
    return { line, column };
  }
  throw new Error(`no line containing ${JSON.stringify(snippet)} in ${file}`);
}

/** `file:line:column` of a range's start, for readable comparisons. */
const where = (r) => `${r.file}:${r.line}:${r.column}`;
const pos = (file, snippet, word, nth) => { const p = at(file, snippet, word, nth); return `${file}:${p.line}:${p.column}`; };
const def = (file, snippet, word, nth) => { const p = at(file, snippet, word, nth); return nav.definition(index, file, p.line, p.column + 1).map(where); };

test('definition: an asm call goes to the C function it names', () => {
  assert.deepEqual(def('boot/head.S', 'call    early_setup', 'early_setup'), [pos('traps.c', 'void __init early_setup(void)', 'early_setup')]);
  // through the `tailcall` assembler macro, from an included file
  assert.deepEqual(def('boot/x86_64.S', 'tailcall start_secondary', 'start_secondary'), [pos('smpboot.c', 'void start_secondary(void)', 'start_secondary')]);
});

test('definition: C goes to the asm label (a call and an extern declaration)', () => {
  const label = pos('boot/x86_64.S', 'ENTRY(reload_segments)', 'reload_segments');
  assert.deepEqual(def('smpboot.c', '    reload_segments();', 'reload_segments'), [label]);
  assert.deepEqual(def('smpboot.c', 'extern void reload_segments(void);', 'reload_segments'), [label]);
});

test('definition: numeric labels, backward and forward, in the same unit', () => {
  assert.deepEqual(def('boot/head.S', 'jb      1b', '1b'), [pos('boot/head.S', '1:      inc', '1')]);
  assert.deepEqual(def('boot/head.S', 'jnz     1f', '1f'), [pos('boot/head.S', '1:      call    load_tables', '1')]);
  assert.deepEqual(def('boot/x86_64.S', 'leaq    2f(%rip)', '2f'), [pos('boot/x86_64.S', '2:', '2')]);
});

test('definition: #include lines go to the included file', () => {
  assert.deepEqual(def('boot/head.S', '#include "x86_64.S"', 'x86_64'), ['boot/x86_64.S:0:0']);
  assert.deepEqual(def('boot/head.S', '#include <asm/config.h>', 'config'), ['include/asm/config.h:0:0']);
});

test('definition: asm labels of the unit, C variables from asm, #define macros', () => {
  assert.deepEqual(def('boot/head.S', 'jz      .Lno_flags', '.Lno_flags'), [pos('boot/head.S', '.Lno_flags:', '.Lno_flags')]);
  assert.deepEqual(def('boot/head.S', 'jmp     __high_start', '__high_start'), [pos('boot/head.S', '__high_start:', '__high_start')]);
  // a label of head.S used from the included x86_64.S
  assert.deepEqual(def('boot/x86_64.S', 'lgdt    boot_gdt_descr', 'boot_gdt_descr'), [pos('boot/head.S', 'boot_gdt_descr:', 'boot_gdt_descr')]);
  assert.deepEqual(def('boot/head.S', 'mov     boot_flags(%rip)', 'boot_flags'), [pos('traps.c', 'unsigned long boot_flags;', 'boot_flags')]);
  assert.deepEqual(def('setup.c', 'if ( boot_flags )', 'boot_flags'), [pos('traps.c', 'unsigned long boot_flags;', 'boot_flags')]);
  assert.deepEqual(def('boot/head.S', '$BOOT_SPIN_LIMIT', 'BOOT_SPIN_LIMIT'), [pos('boot/head.S', '#define BOOT_SPIN_LIMIT', 'BOOT_SPIN_LIMIT')]);
  assert.deepEqual(def('boot/x86_64.S', 'pushq   $BOOT_CS', 'BOOT_CS'), [pos('include/asm/config.h', '#define BOOT_CS', 'BOOT_CS')]);
  // registers and plain numbers are not symbols
  assert.deepEqual(def('boot/head.S', 'xor     %ecx,%ecx', 'ecx'), []);
});

test('references: a C function across C and asm, without comments and strings', () => {
  const p = at('traps.c', 'void load_tables(void)', 'load_tables');
  const refs = nav.references(index, 'traps.c', p.line, p.column, true).map(where).sort();
  const expected = [
    pos('traps.c', 'void load_tables(void)', 'load_tables'),
    pos('traps.c', '    load_tables();', 'load_tables'),
    pos('smpboot.c', 'void load_tables(void);', 'load_tables'),
    pos('smpboot.c', '    load_tables();', 'load_tables'),
    pos('setup.c', 'void load_tables(void);', 'load_tables'),
    pos('setup.c', '    load_tables();', 'load_tables'),
    pos('boot/head.S', 'call    load_tables', 'load_tables'),
  ].sort();
  assert.deepEqual(refs, expected);
  const noDecl = nav.references(index, 'traps.c', p.line, p.column, false).map(where);
  assert.equal(noDecl.length, expected.length - 1);
  assert.ok(!noDecl.includes(pos('traps.c', 'void load_tables(void)', 'load_tables')));
});

test('references: a C variable used from asm; an asm label used from C', () => {
  const p = at('boot/head.S', 'mov     boot_flags(%rip)', 'boot_flags');
  const refs = nav.references(index, 'boot/head.S', p.line, p.column, true).map(where).sort();
  assert.deepEqual(refs, [
    pos('boot/head.S', 'mov     boot_flags(%rip)', 'boot_flags'),
    pos('setup.c', 'extern unsigned long boot_flags;', 'boot_flags'),
    pos('setup.c', 'if ( boot_flags )', 'boot_flags'),
    pos('smpboot.c', 'extern unsigned long boot_flags;', 'boot_flags'),
    pos('traps.c', 'unsigned long boot_flags;', 'boot_flags'),
    pos('traps.c', 'boot_flags = 1;', 'boot_flags'),
  ].sort());
  const q = at('boot/x86_64.S', 'ENTRY(reload_segments)', 'reload_segments');
  const lrefs = nav.references(index, 'boot/x86_64.S', q.line, q.column, false).map(where).sort();
  assert.deepEqual(lrefs, [
    pos('boot/head.S', 'call    reload_segments', 'reload_segments'),
    pos('smpboot.c', 'extern void reload_segments(void);', 'reload_segments'),
    pos('smpboot.c', '    reload_segments();', 'reload_segments'),
  ].sort());
});

test('references: numeric labels, only the references in their scope', () => {
  const first = at('boot/head.S', '1:      inc', '1');
  assert.deepEqual(nav.references(index, 'boot/head.S', first.line, first.column, false).map(where), [pos('boot/head.S', 'jb      1b', '1b')]);
  const second = at('boot/head.S', 'jnz     1f', '1f');
  assert.deepEqual(nav.references(index, 'boot/head.S', second.line, second.column, true).map(where),
    [pos('boot/head.S', '1:      call    load_tables', '1'), pos('boot/head.S', 'jnz     1f', '1f')]);
});

/** Outline as nested `kind name` strings. */
const shape = (syms) => syms.map((s) => (s.children.length > 0 ? [`${s.kind} ${s.name}`, shape(s.children)] : `${s.kind} ${s.name}`));

test('outline: a .S file, sections holding their labels, and its #defines', () => {
  const syms = nav.documentSymbols(index, 'boot/head.S');
  assert.deepEqual(shape(syms), [
    'macro BOOT_SPIN_LIMIT',
    ['section .text.header', ['function start']],
    ['section .init.data', ['variable boot_gdt_descr', 'variable .Lboot_msg']],
    ['section .init.text', [['function trampoline_setup', ['label .Lno_flags']]]],
    ['section .text', ['function __high_start']],
  ]);
  const text = syms[1];
  assert.equal(where(text.selectionRange), pos('boot/head.S', '.section .text.header', '.section'));
  const start = text.children[0];
  assert.equal(where(start.selectionRange), pos('boot/head.S', 'ENTRY(start)', 'start'));
  // ranges contain their selection ranges and their children
  const contains = (a, b) => (a.line < b.line || (a.line === b.line && a.column <= b.column)) && (a.endLine > b.endLine || (a.endLine === b.endLine && a.endColumn >= b.endColumn));
  const check = (s) => { assert.ok(contains(s.range, s.selectionRange), s.name); for (const c of s.children) { assert.ok(contains(s.range, c.range), `${s.name} > ${c.name}`); check(c); } };
  syms.forEach(check);
  assert.equal(start.range.endLine, at('boot/head.S', 'jmp     trampoline_setup').line);
  // an included file: the section comes from the includer
  assert.deepEqual(shape(nav.documentSymbols(index, 'boot/x86_64.S')), ['label .L_bsp', 'function reload_segments', 'function early_fault', 'function early_fault_common']);
});

test('outline: a C file lists its functions and global variables', () => {
  assert.deepEqual(shape(nav.documentSymbols(index, 'traps.c')), ['variable boot_flags', 'function load_tables', 'function percpu_traps_init', 'function early_setup']);
});

/** Calls as `kind name @ range starts`, sorted. */
const calls = (list, key) => list.map((c) => `${c[key].kind} ${c[key].name} @ ${c.ranges.map(where).join(' ')}`).sort();

test('call hierarchy: incoming calls of a C function come from C and from asm', () => {
  const p = at('traps.c', 'void load_tables(void)', 'load_tables');
  const item = nav.prepareCallHierarchy(index, 'traps.c', p.line, p.column);
  assert.equal(item.name, 'load_tables');
  assert.equal(item.kind, 'function');
  assert.equal(where(item.selectionRange), pos('traps.c', 'void load_tables(void)', 'load_tables'));
  assert.deepEqual(calls(nav.incomingCalls(index, item), 'from'), [
    `function __start_xen @ ${pos('setup.c', '    load_tables();', 'load_tables')}`,
    `function percpu_traps_init @ ${pos('traps.c', '    load_tables();', 'load_tables')}`,
    `function start_secondary @ ${pos('smpboot.c', '    load_tables();', 'load_tables')}`,
    `label start @ ${pos('boot/head.S', 'call    load_tables', 'load_tables')}`,
  ]);
});

test('call hierarchy: outgoing calls of asm stretches go to C and to asm, not to local labels', () => {
  const p = at('boot/head.S', 'ENTRY(start)', 'start');
  const start = nav.prepareCallHierarchy(index, 'boot/head.S', p.line, p.column);
  assert.equal(start.kind, 'label');
  assert.deepEqual(calls(nav.outgoingCalls(index, start), 'to'), [
    `function early_setup @ ${pos('boot/head.S', 'call    early_setup', 'early_setup')}`,
    `function load_tables @ ${pos('boot/head.S', 'call    load_tables', 'load_tables')}`,
    `label trampoline_setup @ ${pos('boot/head.S', 'jmp     trampoline_setup', 'trampoline_setup')}`,
  ]);
  // the cursor inside the stretch (on an instruction) prepares the enclosing label
  const cli = at('boot/head.S', '        cli', 'cli');
  assert.equal(nav.prepareCallHierarchy(index, 'boot/head.S', cli.line, cli.column).name, 'start');
  // __high_start runs on into the included x86_64.S: its calls are there
  const h = at('boot/head.S', '__high_start:', '__high_start');
  const high = nav.prepareCallHierarchy(index, 'boot/head.S', h.line, h.column);
  assert.deepEqual(calls(nav.outgoingCalls(index, high), 'to'), [
    `function __start_xen @ ${pos('boot/x86_64.S', 'tailcall __start_xen', '__start_xen')}`,
    `function percpu_traps_init @ ${pos('boot/x86_64.S', 'call    percpu_traps_init', 'percpu_traps_init')}`,
    `function start_secondary @ ${pos('boot/x86_64.S', 'tailcall start_secondary', 'start_secondary')}`,
  ]);
});

test('call hierarchy: an asm label called from asm and from C, and C calling asm', () => {
  const p = at('smpboot.c', '    reload_segments();', 'reload_segments');
  const item = nav.prepareCallHierarchy(index, 'smpboot.c', p.line, p.column);
  assert.equal(item.kind, 'label');
  assert.equal(item.file, 'boot/x86_64.S');
  assert.deepEqual(calls(nav.incomingCalls(index, item), 'from'), [
    `function start_secondary @ ${pos('smpboot.c', '    reload_segments();', 'reload_segments')}`,
    `label trampoline_setup @ ${pos('boot/head.S', 'call    reload_segments', 'reload_segments')}`,
  ]);
  const s = at('smpboot.c', 'void start_secondary(void)', 'start_secondary');
  const ss = nav.prepareCallHierarchy(index, 'smpboot.c', s.line, s.column);
  assert.deepEqual(calls(nav.outgoingCalls(index, ss), 'to'), [
    `function load_tables @ ${pos('smpboot.c', '    load_tables();', 'load_tables')}`,
    `label reload_segments @ ${pos('smpboot.c', '    reload_segments();', 'reload_segments')}`,
  ]);
  // who reaches start_secondary: the asm stretch that tail-calls it
  assert.deepEqual(calls(nav.incomingCalls(index, ss), 'from'), [
    `label __high_start @ ${pos('boot/x86_64.S', 'tailcall start_secondary', 'start_secondary')}`,
  ]);
});

test('call hierarchy: an asm stretch that does not end in a jump or return runs on into the next label', () => {
  const p = at('boot/x86_64.S', 'ENTRY(early_fault)', 'early_fault');
  const item = nav.prepareCallHierarchy(index, 'boot/x86_64.S', p.line, p.column);
  assert.deepEqual(calls(nav.outgoingCalls(index, item), 'to'), [
    `label early_fault_common @ ${pos('boot/x86_64.S', 'early_fault_common:', 'early_fault_common')}`,
  ]);
  // reload_segments ends in `ret`: nothing runs on from it into early_fault
  const q = at('boot/x86_64.S', 'ENTRY(reload_segments)', 'reload_segments');
  assert.deepEqual(nav.outgoingCalls(index, nav.prepareCallHierarchy(index, 'boot/x86_64.S', q.line, q.column)), []);
  assert.deepEqual(nav.incomingCalls(index, item), []);
});

test('numeric labels in a branch the units leave out are resolved from the text', () => {
  assert.deepEqual(def('boot/x86_64.S', 'jmp     3b', '3b'), [pos('boot/x86_64.S', '3:      hlt', '3')]);
  const p = at('boot/x86_64.S', '3:      hlt', '3');
  assert.deepEqual(nav.references(index, 'boot/x86_64.S', p.line, p.column, true).map(where),
    [pos('boot/x86_64.S', '3:      hlt', '3'), pos('boot/x86_64.S', 'jmp     3b', '3b')]);
});

test('after an edit of traps.c that moves its lines, references and the call hierarchy answer from the new text (the line tables kept across edits are of the text they were made from)', async () => {
  const a = await api.analyze(DIR, { wasmDir: join(ROOT, 'dist'), keepWalks: true });
  nav.prepare(a.index);
  const text = readFileSync(join(DIR, 'traps.c'), 'utf8');
  // two lines typed inside the first function body: what follows moves down by two
  const body = text.indexOf('{', text.indexOf('load_tables(void)')) + 1;
  const edited = `${text.slice(0, body)}\n    /* a */\n    /* b */${text.slice(body)}`;
  const next = api.reanalyzeEdit(a, 'traps.c', edited);
  assert.ok(next, 'an edit of a function body is answered from the analysis');
  nav.prepare(next.index);
  const fresh = (await api.analyze(DIR, { wasmDir: join(ROOT, 'dist'), overlay: new Map([['traps.c', edited]]) })).index;
  const line = edited.split('\n').findIndex((l) => l.includes('    load_tables();'));
  const column = edited.split('\n')[line].indexOf('load_tables');
  const answers = (ix) => {
    const item = nav.prepareCallHierarchy(ix, 'traps.c', line, column);
    return { refs: nav.references(ix, 'traps.c', line, column, true).map(where).sort(), incoming: item ? calls(nav.incomingCalls(ix, item), 'from') : null };
  };
  const got = answers(next.index);
  assert.deepEqual(got, answers(fresh));
  assert.ok(got.refs.includes(`traps.c:${line}:${column}`), got.refs.join(', '));
  assert.equal(answers(a.index).refs.includes(`traps.c:${line}:${column}`), false, 'the old index answers from the old text');
});
