// Quick fixes (server/src/ide/fixes/) through the engine API bundle (`out/api.js`,
// built by `node scripts/build.mjs`):
//
//   node --test test/code-actions.test.mjs
//
// Every fix is tested round trip: the fixture tree is copied to a temporary directory (fixtures
// are never edited in place), the action's edits are applied to the copy, the copy is analysed
// again, and the finding must be gone (same rule and role, same opening line text and vectors)
// while no warning appeared that was not there before. The expected text is computed from the
// fixture's own lines. Trees under test/fixtures/fixes/ are written for these tests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from './helpers/edits.mjs';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const API = process.env.TRAPLINE_API ?? join(ROOT, 'out/api.js');
const WASM = join(ROOT, 'dist');

if (!existsSync(API)) throw new Error(`${API} is missing: run \`node scripts/build.mjs\` first`);
const api = createRequire(import.meta.url)(API);
const { codeActions, PLACEHOLDER_HANDLER } = api.fixes;

const dirOf = (tree) => (tree.startsWith('examples/') ? join(ROOT, tree) : join(ROOT, 'test/fixtures', tree));
const temps = [];
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** Findings after suppression comments, whether or not `analyze()` already applies them. */
function visible(a) {
  return a.findings; // analyze() applies suppression comments
}

const analyses = new Map();
async function analyze(tree) {
  if (!analyses.has(tree)) analyses.set(tree, await api.analyze(dirOf(tree), { wasmDir: WASM }));
  return analyses.get(tree);
}

const warnings = (a) => visible(a).filter((f) => f.severity === 'warning');

/** 0-based line of the only line of `text` that contains `snippet`. */
function lineIn(text, snippet) {
  const hits = text.split('\n').flatMap((l, i) => (l.includes(snippet) ? [i] : []));
  assert.equal(hits.length, 1, `"${snippet}" should occur exactly once (found on lines ${hits.map((h) => h + 1).join(', ') || 'none'})`);
  return hits[0];
}
const textOf = (a, file) => a.index.texts.get(file);
const linesOf = (text) => text.split('\n');

/** Identity of a finding that survives edits elsewhere: rule, role, file, opening line text, vectors. */
const keyOf = (a, f) => `${f.rule}|${f.role}|${f.range.file}|${linesOf(textOf(a, f.range.file) ?? '')[f.range.line]?.trim()}|${f.vectors.join(',')}`;

/** The one warning of `rule` for `role` in `file` (on the line holding `snippet`, when given). */
function findingOf(a, rule, role, file, snippet) {
  const line = snippet === undefined ? undefined : lineIn(textOf(a, file), snippet);
  const fs = warnings(a).filter((f) => f.rule === rule && f.role === role && f.range.file === file && (line === undefined || f.range.line === line));
  assert.equal(fs.length, 1, `expected one ${rule}/${role} warning in ${file}${snippet ? ` at "${snippet}"` : ''}, got ${fs.length}`);
  return fs[0];
}

/** The one action whose title matches. */
function actionOf(actions, re) {
  const hits = actions.filter((x) => re.test(x.title));
  assert.equal(hits.length, 1, `expected one action matching ${re}, got: ${actions.map((x) => x.title).join(' | ')}`);
  return hits[0];
}


/**
 * Applies `action` to a copy of `tree` and analyses the copy: `finding` must be gone and no new
 * warning may appear. Returns the new analysis and the edited files' text.
 */
async function roundTrip(tree, finding, action) {
  const a = await analyze(tree);
  const dir = mkdtempSync(join(tmpdir(), 'trapline-fix-'));
  temps.push(dir);
  cpSync(dirOf(tree), dir, { recursive: true });
  applyEdits(dir, action.edits);
  const b = await api.analyze(dir, { wasmDir: WASM });
  const before = new Set(warnings(a).map((f) => keyOf(a, f)));
  const now = warnings(b);
  const still = now.filter((f) => keyOf(b, f) === keyOf(a, finding));
  assert.deepEqual(still.map((f) => f.message), [], `"${action.title}" should remove the ${finding.rule}/${finding.role} finding`);
  const added = now.filter((f) => !before.has(keyOf(b, f)));
  assert.deepEqual(added.map((f) => `${f.rule}/${f.role} ${f.range.file}:${f.range.line + 1} ${f.message}`), [], `"${action.title}" should add no warning`);
  return { b, dir, text: (file) => readFileSync(join(dir, file), 'utf8') };
}

// ------------------------------------------------------------------------------------- TL001

test('TL001: IST set before ltr in another function of the same file: the set_ist lines move after ltr()', async () => {
  const tree = 'tl001-bsp-ist-before-ltr';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL001', 'bsp', 'traps.c');
  const act = actionOf(codeActions(a, f), /^Move the IST assignments after `ltr\(TSS_SELECTOR\)`/);
  assert.equal(act.isPreferred, true);
  assert.equal(act.kind, 'quickfix');
  const orig = linesOf(textOf(a, 'traps.c'));
  const moved = orig.slice(lineIn(orig.join('\n'), 'Give the fatal exceptions'), lineIn(orig.join('\n'), 'IST_MCE);') + 1);
  assert.equal(moved.length, 4);
  const r = await roundTrip(tree, f, act);
  const now = linesOf(r.text('traps.c'));
  const ltr = lineIn(now.join('\n'), 'ltr(TSS_SELECTOR);');
  assert.deepEqual(now.slice(ltr + 1, ltr + 7), ['', ...moved, '}']);
  // trap_init now ends with its lidt, without a blank line left behind
  const lidt = lineIn(now.join('\n'), 'lidt(&idtr);');
  assert.deepEqual(now.slice(lidt, lidt + 2), ['    lidt(&idtr);', '}']);
});

test('TL001: the IST writes are all a call does (enable_each_ist of a parameter table): the call moves after the TSS load', async () => {
  const tree = 'percpu-table-param';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL001', 'bsp', 'traps.c');
  const act = actionOf(codeActions(a, f), /^Move `enable_each_ist\(idt_tables\[0\]\)` after `load_system_tables\(\)`/);
  assert.equal(act.isPreferred, true);
  const orig = textOf(a, 'setup.c');
  const comment = linesOf(orig)[lineIn(orig, 'before the TSS')];
  const r = await roundTrip(tree, f, act);
  const now = linesOf(r.text('setup.c'));
  const call = lineIn(now.join('\n'), 'load_system_tables();');
  assert.deepEqual(now.slice(call, call + 4), ['    load_system_tables();', '', comment, '    enable_each_ist(idt_tables[0]);']);
});

test('TL001: an AP lidt before the call that loads the TSS, in one function: the lidt (and its comment) move after the call', async () => {
  const tree = 'tl001-ap-lidt-before-ltr';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL001', 'ap', 'smpboot.c');
  const act = actionOf(codeActions(a, f), /^Move `lidt idtr` after `load_system_tables\(\)`/);
  assert.equal(act.isPreferred, true);
  const orig = textOf(a, 'smpboot.c');
  const comment = linesOf(orig)[lineIn(orig, "The boot CPU's table")];
  const lidt = linesOf(orig)[lineIn(orig, '"lidt %0"')];
  const r = await roundTrip(tree, f, act);
  const now = linesOf(r.text('smpboot.c'));
  const call = lineIn(now.join('\n'), 'load_system_tables();');
  assert.deepEqual(now.slice(call, call + 4), ['    load_system_tables();', '', comment, lidt]);
});

test('TL001: in assembly, the lidt moves after the ltr of the same straight-line code', async () => {
  const tree = 'fixes/ap-asm-lidt';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL001', 'ap', 'boot/head.S', 'lidt    idt_descr(%rip)');
  const act = actionOf(codeActions(a, f), /^Move `lidt idt_descr\(%rip\)` after `ltr %ax`/);
  const r = await roundTrip(tree, f, act);
  const now = linesOf(r.text('boot/head.S'));
  const ltr = lineIn(now.join('\n'), 'ltr     %ax');
  assert.deepEqual(now.slice(ltr - 2, ltr + 5), [
    '        call    ap_ist_setup',
    '        movl    $TSS_SELECTOR,%eax',
    '        ltr     %ax',
    '',
    '        /* The shared table: its NMI, #DF and #MC gates use IST stacks. */',
    '        lidt    idt_descr(%rip)',
    '        call    start_secondary',
  ]);
});

test('TL001: lidt and ltr in one asm statement: the IST indices are cleared before it with set_ist(&table[vector], 0)', async () => {
  const tree = 'tl001-ltr-next-insn';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL001', 'ap', 'smpboot.c');
  assert.deepEqual(f.vectors, [2, 8, 18]);
  const acts = codeActions(a, f);
  assert.ok(!acts.some((x) => /^Move/.test(x.title)), 'nothing to move: the ltr is in the same statement');
  const act = actionOf(acts, /^Clear the IST indices of idt_table \(vectors 2, 8, 18\)/);
  const orig = textOf(a, 'smpboot.c');
  const stmt = linesOf(orig)[lineIn(orig, '"lidt %0; ltr %w1"')];
  const r = await roundTrip(tree, f, act);
  const now = linesOf(r.text('smpboot.c'));
  const at = lineIn(now.join('\n'), '"lidt %0; ltr %w1"');
  assert.deepEqual(now.slice(at - 3, at + 1), [...f.vectors.map((v) => `    set_ist(&idt_table[${v}], 0);`), stmt]);
});

test("TL001: lidt and ltr in sibling functions: the tree's own disable_each_ist() is called before the lidt", async () => {
  const tree = 'fixes/ap-c-helpers';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL001', 'ap', 'include/asm/desc.h');
  const act = actionOf(codeActions(a, f), /^Clear the IST indices of idt_table/);
  assert.deepEqual(act.edits.map((e) => [e.file, e.range.line, e.newText]), [['traps.c', lineIn(textOf(a, 'traps.c'), 'lidt(&idtr);'), '    disable_each_ist(idt_table);\n']]);
  const r = await roundTrip(tree, f, act);
  const now = linesOf(r.text('traps.c'));
  const lidt = lineIn(now.join('\n'), 'lidt(&idtr);');
  assert.equal(now[lidt - 1], '    disable_each_ist(idt_table);');
});

test('TL001: a lidt in shared assembly with the ltr in C gets only the suppression', async () => {
  const a = await analyze('bsp-ap-split');
  const f = findingOf(a, 'TL001', 'ap', 'boot/head.S');
  assert.deepEqual(codeActions(a, f).map((x) => x.title), ['Suppress TL001 on this line (trapline-disable-next-line)']);
});

// ------------------------------------------------------------------------------------- TL002

test('TL002: an AP trampoline loads the features word into CR4: and-out MCE (bit 6) there, set_in_cr4() after the lidt', async () => {
  const tree = 'tl002-ap-mce-features-word';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL002', 'ap', 'boot/head.S', 'movq    %rcx,%cr4');
  const act = actionOf(codeActions(a, f), /^Load CR4 without MCE here and set it after `asm volatile \( "lidt %0"/);
  assert.equal(act.isPreferred, true);
  const r = await roundTrip(tree, f, act);
  const head = linesOf(r.text('boot/head.S'));
  const mov = lineIn(head.join('\n'), 'movq    %rcx,%cr4');
  // head.S cannot see X86_CR4_MCE (asm/processor.h is not included): the literal bit
  assert.deepEqual(head.slice(mov - 2, mov + 1), ['        movq    mmu_cr4_features(%rip),%rcx', '        andq    $~(1 << 6),%rcx', '        movq    %rcx,%cr4']);
  const c = linesOf(r.text('smpboot.c'));
  const lidt = lineIn(c.join('\n'), '"lidt %0"');
  assert.equal(c[lidt + 1], '    set_in_cr4(X86_CR4_MCE);');
});

test('TL002: inline-asm CR4 write right before the lidt: move it after (preferred), or mask its operand', async () => {
  const tree = 'tl002-inline-asm-word';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL002', 'ap', 'smpboot.c');
  const acts = codeActions(a, f);
  const move = actionOf(acts, /^Move the CR4 write after `asm volatile \( "lidt %0"/);
  assert.equal(move.isPreferred, true);
  const r1 = await roundTrip(tree, f, move);
  const m = r1.text('smpboot.c');
  assert.ok(lineIn(m, '"lidt %0"') < lineIn(m, '"mov %0,%%cr4"'));
  const mask = actionOf(acts, /^Load CR4 without MCE here/);
  assert.equal(mask.isPreferred, false);
  const r2 = await roundTrip(tree, f, mask);
  const c = linesOf(r2.text('smpboot.c'));
  assert.equal(c[lineIn(c.join('\n'), '%%cr4')], '    asm volatile ( "mov %0,%%cr4" : : "r" (mmu_cr4_features & ~X86_CR4_MCE) );');
  assert.equal(c[lineIn(c.join('\n'), '"lidt %0"') + 1], '    set_in_cr4(X86_CR4_MCE);');
});

test('TL002: the value is followed out of the write_cr4() helper to the caller that passes the features word', async () => {
  const tree = 'fixes/ap-c-helpers';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL002', 'ap', 'include/asm/processor.h');
  const acts = codeActions(a, f);
  const move = actionOf(acts, /^Move the CR4 write after `load_system_tables\(\)`/);
  const r1 = await roundTrip(tree, f, move);
  const m = linesOf(r1.text('smpboot.c'));
  const call = lineIn(m.join('\n'), 'load_system_tables();');
  assert.deepEqual(m.slice(call - 1, call + 4), ['    cpu_idt_init();', '    load_system_tables();', '', '    /* Every CR4 feature the boot CPU has turned on. */', '    write_cr4(mmu_cr4_features);']);
  assert.equal(m[lineIn(m.join('\n'), '{') + 1], '    cpu_idt_init();', 'no blank line is left at the top of the body');
  const mask = actionOf(acts, /^Load CR4 without MCE here and set it after `load_system_tables\(\)`/);
  assert.ok(mask.edits.every((e) => e.file === 'smpboot.c'), 'the shared helper in the header is not edited');
  const r2 = await roundTrip(tree, f, mask);
  const c = linesOf(r2.text('smpboot.c'));
  assert.equal(c[lineIn(c.join('\n'), 'write_cr4(')], '    write_cr4(mmu_cr4_features & ~X86_CR4_MCE);');
  assert.equal(c[lineIn(c.join('\n'), 'load_system_tables();') + 1], '    set_in_cr4(X86_CR4_MCE);');
});

test("TL002: the tree's own names: its CR4 bit-6 macro and its set-bits helper", async () => {
  const tree = 'renamed-symbols';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL002', 'ap', 'boot/x86_64.S');
  const act = actionOf(codeActions(a, f), /^Load CR4 without MCE here and set it after `cpu_tables_load\(\)`/);
  const r = await roundTrip(tree, f, act);
  const c = linesOf(r.text('smpboot.c'));
  assert.equal(c[lineIn(c.join('\n'), 'cpu_tables_load();') + 1], '    cr4_set_bits(CR4_MCE_BIT);');
});

// ------------------------------------------------------------------------------- TL003 / TL007

test('TL003: the vectors left on an asm init placeholder get a (placeholder) non-init handler after the last C gate write', async () => {
  const tree = 'tl003-init-placeholder';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL003', 'bsp', 'boot/head.S');
  assert.deepEqual(f.vectors, [9, 15, ...Array.from({ length: 12 }, (_, i) => 20 + i)]);
  const acts = codeActions(a, f);
  const act = actionOf(acts, new RegExp(`^Install ${PLACEHOLDER_HANDLER} on vectors 9, 15, 20-31 after \`for \\( v = FIRST_DYNAMIC_VECTOR`));
  assert.equal(act.isPreferred, true);
  const r = await roundTrip(tree, f, act);
  const t = linesOf(r.text('traps.c'));
  const loop = lineIn(t.join('\n'), 'set_intr_gate(v, &irq_common_entry);');
  assert.deepEqual(t.slice(loop + 1, loop + 6), [
    `    set_intr_gate(9, &${PLACEHOLDER_HANDLER});`,
    `    set_intr_gate(15, &${PLACEHOLDER_HANDLER});`,
    '    for ( v = 20; v <= 31; v++ )',
    `        set_intr_gate(v, &${PLACEHOLDER_HANDLER});`,
    '}',
  ]);
  const fn = lineIn(t.join('\n'), 'void __init trap_init(void)');
  assert.deepEqual(t.slice(fn - 2, fn), [`extern void ${PLACEHOLDER_HANDLER}(void);`, '']);
});

test('TL003: an asm init handler moves out of .init.text with .pushsection/.popsection', async () => {
  const tree = 'tl003-init-placeholder';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL003', 'bsp', 'boot/head.S');
  const act = actionOf(codeActions(a, f), /^Move ignore_int out of the init section/);
  const r = await roundTrip(tree, f, act);
  const h = linesOf(r.text('boot/head.S'));
  const label = h.indexOf('ignore_int:');
  assert.deepEqual(h.slice(label - 3, label + 3), [
    '        .section .init.text, "ax", @progbits',
    '        .pushsection .text, "ax", @progbits',
    '/* Placeholder for every vector until trap_init(): just return. */',
    'ignore_int:',
    '        iretq',
    '        .popsection',
  ]);
});

test("TL003: a non-init handler the tree installs for spare vectors is reused, in the tree's own gate-write form", async () => {
  const tree = 'macro-sections';
  const a = await analyze(tree);
  const orig = textOf(a, 'traps.c');
  const f = findingOf(a, 'TL003', 'bsp', 'traps.c', '&early_reserved_trap);');
  const acts = codeActions(a, f);
  const act = actionOf(acts, /^Install spurious_trap on vectors 0, 3-7, 9-13, 15-17, 19-31 after `_set_gate\(&idt_table\[TRAP_machine_check\]/);
  const r = await roundTrip(tree, f, act);
  const t = linesOf(r.text('traps.c'));
  const last = lineIn(t.join('\n'), '&machine_check);');
  assert.deepEqual(t.slice(last + 1, last + 4), [
    '    _set_gate(&idt_table[0], SYS_DESC_irq_gate, 0, &spurious_trap);',
    '    for ( v = 3; v <= 7; v++ )',
    '        _set_gate(&idt_table[v], SYS_DESC_irq_gate, 0, &spurious_trap);',
  ]);
  // the handler's section comes from a macro of the tree (__boot_trap -> __init): that is what goes
  const rm = actionOf(acts, /^Remove `__boot_trap` from early_reserved_trap/);
  assert.deepEqual(rm.edits.map((e) => [e.file, e.range.line, e.newText]), [['traps.c', lineIn(orig, 'early_reserved_trap(void)'), '']]);
  const r2 = await roundTrip(tree, f, rm);
  assert.equal(linesOf(r2.text('traps.c'))[lineIn(orig, 'early_reserved_trap(void)')], 'static void early_reserved_trap(void)');
});

test('TL003: a single vector is written with the name the file uses for it', async () => {
  const tree = 'macro-sections';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL003', 'bsp', 'traps.c', '&early_debug_trap);');
  const acts = codeActions(a, f);
  const act = actionOf(acts, /^Install spurious_trap on vector 1 after/);
  const r = await roundTrip(tree, f, act);
  const t = linesOf(r.text('traps.c'));
  assert.equal(t[lineIn(t.join('\n'), '&machine_check);') + 1], '    _set_gate(&idt_table[TRAP_debug], SYS_DESC_irq_gate, 0, &spurious_trap);');
  const mv = actionOf(acts, /^Move early_debug_trap out of the init section/);
  const r2 = await roundTrip(tree, f, mv);
  const h = linesOf(r2.text('boot/head.S'));
  const label = lineIn(h.join('\n'), 'ENTRY(early_debug_trap)');
  assert.deepEqual(h.slice(label - 2, label + 3), ['        .pushsection .text, "ax", @progbits', '/* Early #DB/#BP handler: boot-time only. */', 'ENTRY(early_debug_trap)', '        iretq', '        .popsection']);
});

test('TL003: kernel style: tabs, `for (v = ...)`, a counter declared when the function has none, __init dropped', async () => {
  const tree = 'fixes/kernel-style';
  const file = 'arch/x86/kernel/idt.c';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL003', 'bsp', file);
  const acts = codeActions(a, f);
  const act = actionOf(acts, new RegExp(`^Install ${PLACEHOLDER_HANDLER} on vectors 1, 3-7, 9-12, 15-17, 19-31 after \`set_intr_gate\\(X86_TRAP_MC`));
  const r = await roundTrip(tree, f, act);
  const t = linesOf(r.text(file));
  const last = lineIn(t.join('\n'), 'set_intr_gate(X86_TRAP_MC, asm_exc_machine_check);');
  assert.deepEqual(t.slice(last + 1, last + 4), [`\tset_intr_gate(1, ${PLACEHOLDER_HANDLER});`, '\tfor (v = 3; v <= 7; v++)', `\t\tset_intr_gate(v, ${PLACEHOLDER_HANDLER});`]);
  const decl = lineIn(t.join('\n'), '\tunsigned int v;');
  assert.equal(t[decl - 1], '\t};', 'declared after the declarations that open the body');
  const rm = actionOf(acts, /^Remove `__init` from early_trap/);
  const r2 = await roundTrip(tree, f, rm);
  assert.equal(linesOf(r2.text(file))[lineIn(textOf(a, file), 'early_trap(void)')], 'static void early_trap(void)');
});

test('TL007: the table is loaded before its NMI gate is written: the real nmi handler is installed before the lidt', async () => {
  const tree = 'tl007-nmi-gate-missing';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL007', 'bsp', 'traps.c');
  const act = actionOf(codeActions(a, f), /^Install nmi on vector 2 after `set_intr_gate\(TRAP_machine_check, &machine_check\)`/);
  const r = await roundTrip(tree, f, act);
  const t = linesOf(r.text('traps.c'));
  assert.equal(t[lineIn(t.join('\n'), 'set_intr_gate(TRAP_machine_check, &machine_check);') + 1], '    set_intr_gate(TRAP_nmi, &nmi);');
});

test('TL007 and TL003: an __init NMI handler still installed at the free point: install nmi, or move early_nmi out of .init.text', async () => {
  const tree = 'tl007-nmi-init-handler';
  const a = await analyze(tree);
  for (const f of [findingOf(a, 'TL007', 'bsp', 'mm.c'), findingOf(a, 'TL003', 'bsp', 'traps.c')]) {
    const acts = codeActions(a, f);
    const act = actionOf(acts, /^Install nmi on vector 2 after `for \( v = FIRST_DYNAMIC_VECTOR/);
    const r = await roundTrip(tree, f, act);
    const t = linesOf(r.text('traps.c'));
    assert.equal(t[lineIn(t.join('\n'), 'set_intr_gate(v, &irq_common_entry);') + 1], '    set_intr_gate(TRAP_nmi, &nmi);');
    const mv = actionOf(acts, /^Move early_nmi out of the init section/);
    const r2 = await roundTrip(tree, f, mv);
    const h = linesOf(r2.text('boot/head.S'));
    const label = lineIn(h.join('\n'), 'ENTRY(early_nmi)');
    assert.equal(h[label - 2], '        .pushsection .text, "ax", @progbits');
    assert.equal(h[label + 2], '        .popsection');
  }
});

// ------------------------------------------------------------------------------------- TL004

test('TL004: __init is dropped from the function called late; marking the caller __init is not offered when its own caller is not init', async () => {
  const tree = 'tl004-late-call-into-init';
  const a = await analyze(tree);
  for (const [file, referred] of [['apic.c', 'setup_apic_vectors'], ['idle.c', 'parse_idle_param']]) {
    const f = findingOf(a, 'TL004', 'bsp', file);
    const acts = codeActions(a, f);
    assert.ok(!acts.some((x) => /^Mark /.test(x.title)), 'init_done (not init) calls it after the free: __init would only move the finding');
    const act = actionOf(acts, new RegExp(`^Remove \`__init\` from ${referred}`));
    assert.equal(act.isPreferred, true);
    const r = await roundTrip(tree, f, act);
    const t = r.text(file);
    assert.ok(!new RegExp(`__init ${referred}`).test(t));
    assert.ok(new RegExp(`static void ${referred}\\(`).test(t));
  }
});

test('TL004: a late function called only by init code can be marked __init itself', async () => {
  const tree = 'fixes/late-init-ref';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL004', 'bsp', 'watchdog.c');
  const acts = codeActions(a, f);
  const mark = actionOf(acts, /^Mark late_watchdog_setup `__init`/);
  const r = await roundTrip(tree, f, mark);
  assert.equal(linesOf(r.text('watchdog.c'))[lineIn(textOf(a, 'watchdog.c'), 'late_watchdog_setup(void)')], 'void __init late_watchdog_setup(void)');
  const rm = actionOf(acts, /^Remove `__init` from watchdog_probe/);
  const r2 = await roundTrip(tree, f, rm);
  assert.equal(linesOf(r2.text('watchdog.c'))[lineIn(textOf(a, 'watchdog.c'), 'watchdog_probe(void)')], 'static void watchdog_probe(void)');
});

test('TL004: a static inline helper in a header: __always_inline instead of inline', async () => {
  const tree = 'fixes/late-init-ref';
  const a = await analyze(tree);
  const file = 'include/asm/quirks.h';
  const f = findingOf(a, 'TL004', 'bsp', file);
  const acts = codeActions(a, f);
  const inl = actionOf(acts, /^Make apply_cpu_quirks `__always_inline`/);
  const line = lineIn(textOf(a, file), 'static inline void apply_cpu_quirks(void)');
  assert.deepEqual(inl.edits, [{ file, range: { file, line, column: 7, endLine: line, endColumn: 13 }, newText: '__always_inline' }]);
  // The engine does not model inlining: TL004 still reports the helper afterwards, so this one
  // is not checked round trip. The other two fixes are.
  await roundTrip(tree, f, actionOf(acts, /^Mark apply_cpu_quirks `__init`/));
  // __init goes from the definition and from the prototype (GCC would merge the prototype's section)
  const rm = actionOf(acts, /^Remove `__init` from quirk_table_init/);
  assert.deepEqual(rm.edits.map((e) => [e.file, e.range.line]).sort(), [[file, lineIn(textOf(a, file), 'quirk_table_init(void);')], ['quirks.c', lineIn(textOf(a, 'quirks.c'), 'quirk_table_init(void)')]]);
  const r = await roundTrip(tree, f, rm);
  assert.equal(linesOf(r.text(file))[lineIn(textOf(a, file), 'quirk_table_init(void);')], 'extern void quirk_table_init(void);');
  assert.equal(linesOf(r.text('quirks.c'))[lineIn(textOf(a, 'quirks.c'), 'quirk_table_init(void)')], 'void quirk_table_init(void)');
});

// ------------------------------------------------------------------------------- every action

/** Trees with warnings: every action offered for every warning is applied round trip. */
const TREES = [
  'asm-calls-c', 'bsp-ap-split', 'include-fallthrough', 'macro-sections', 'percpu-table-param', 'renamed-symbols',
  'tl001-ap-lidt-before-ltr', 'tl001-bsp-ist-before-ltr', 'tl001-ltr-next-insn', 'tl001-null-tss',
  'tl002-ap-mce-features-word', 'tl002-inline-asm-word', 'tl003-init-placeholder', 'tl004-late-call-into-init',
  'tl005-fill-live-table', 'tl006-sti-before-irq-vectors', 'tl007-nmi-gate-missing', 'tl007-nmi-init-handler',
  'examples/boot-hazards', 'fixes/ap-asm-lidt', 'fixes/ap-c-helpers', 'fixes/late-init-ref', 'fixes/kernel-style',
];
/** Offered, but the engine cannot see their effect (it does not model inlining). */
const NOT_ROUND_TRIP = [/`__always_inline`/];

test('every action on every warning of the fixture trees: valid edits, finding gone, nothing new; a suppression is always last', async () => {
  let checked = 0;
  for (const tree of TREES) {
    const a = await analyze(tree);
    assert.ok(warnings(a).length > 0, `${tree} has warnings`);
    for (const f of warnings(a)) {
      const acts = codeActions(a, f);
      const last = acts[acts.length - 1];
      assert.equal(last?.title.startsWith(`Suppress ${f.rule}`), true, `${tree}: ${f.rule} ends with its suppression`);
      // one preferred fix when there is a fix; a suppression alone is never preferred
      assert.equal(acts.filter((x) => x.isPreferred).length, acts.length > 1 ? 1 : 0, `${tree}: ${f.rule}: preferred actions`);
      for (const act of acts) {
        assert.equal(act.kind, 'quickfix');
        assert.ok(act.edits.length > 0);
        if (NOT_ROUND_TRIP.some((re) => re.test(act.title))) continue;
        await roundTrip(tree, f, act);
        checked++;
      }
    }
  }
  assert.ok(checked >= 60, `${checked} actions checked`);
});

test('the suppression comment follows the file: /* */ in C and in .S files written with /* */, indented like the line', async () => {
  const a = await analyze('renamed-symbols');
  const s = findingOf(a, 'TL001', 'ap', 'boot/x86_64.S');
  assert.deepEqual(codeActions(a, s).at(-1).edits, [{
    file: 'boot/x86_64.S', range: { file: 'boot/x86_64.S', line: s.range.line, column: 0, endLine: s.range.line, endColumn: 0 },
    newText: '        /* trapline-disable-next-line TL001 -- reason */\n',
  }]);
  const c = findingOf(a, 'TL001', 'bsp', 'traps.c');
  assert.equal(codeActions(a, c).at(-1).edits[0].newText, '    /* trapline-disable-next-line TL001 -- reason */\n');
});

test('the suppression comment in a .S file written with # comments is a # comment', async () => {
  const tree = 'tl005-fill-live-table';
  const a = await analyze(tree);
  const f = findingOf(a, 'TL005', 'bsp', 'boot/head.S');
  const dir = mkdtempSync(join(tmpdir(), 'trapline-fix-'));
  temps.push(dir);
  cpSync(dirOf(tree), dir, { recursive: true });
  // the same tree with its comments written the gas way
  const p = join(dir, 'boot/head.S');
  writeFileSync(p, readFileSync(p, 'utf8').replace(/^(\s*)\/\*\s*(.*?)\s*\*\/\s*$/gm, '$1# $2'));
  const b = await api.analyze(dir, { wasmDir: WASM });
  const g = findingOf(b, 'TL005', 'bsp', 'boot/head.S');
  const act = codeActions(b, g).at(-1);
  assert.equal(act.edits[0].newText, `${/^[ \t]*/.exec(linesOf(textOf(b, 'boot/head.S'))[g.range.line])[0]}# trapline-disable-next-line TL005 -- reason\n`);
  applyEdits(dir, act.edits);
  const c = await api.analyze(dir, { wasmDir: WASM });
  assert.deepEqual(warnings(c).filter((x) => x.rule === 'TL005'), []);
  void f;
});
