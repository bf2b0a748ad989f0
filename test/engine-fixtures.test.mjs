// End-to-end tests of the engine on the fixture trees under test/fixtures/ and on examples/:
// each fixture is analysed once by the real CLI (`node dist/cli.js check DIR --format json
// --no-cache`: the engine, not a cached report; build first: `node scripts/build.mjs`), and each
// test asserts one behaviour on the findings.
//
//   node --test test/engine-fixtures.test.mjs
//
// Expected lines are looked up in the fixture's own text (`lineOf`), so an assertion names the
// exact source line a finding must sit on: a finding one line off fails.
// TRAPLINE_CLI=/path/to/cli.js runs the same tests against another build of the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.TRAPLINE_CLI ?? join(ROOT, 'dist/cli.js');
const FIXTURES = join(ROOT, 'test/fixtures');
const EXAMPLES = join(ROOT, 'examples');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` first`);

const reports = new Map();

/** The JSON report of one tree (fixture name or path), computed once. Exit code 1 (findings) is not an error. */
function check(tree) {
  const dir = tree.startsWith('/') ? tree : join(FIXTURES, tree);
  if (!reports.has(dir)) {
    let out;
    try {
      out = execFileSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      if (e.status !== 1) throw new Error(`trapline check ${dir} exited ${e.status}: ${e.stderr}`);
      out = e.stdout;
    }
    reports.set(dir, JSON.parse(out));
  }
  return reports.get(dir);
}

/** 1-based line of the only line of `file` (in fixture `tree`) that contains `snippet`. */
function lineOf(tree, file, snippet) {
  const dir = tree.startsWith('/') ? tree : join(FIXTURES, tree);
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  assert.equal(hits.length, 1, `"${snippet}" should occur exactly once in ${tree}/${file} (found on lines ${hits.join(', ') || 'none'})`);
  return hits[0];
}

const at = (f) => ({ rule: f.rule, role: f.role, file: f.location.file, line: f.location.line });
const order = (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.role.localeCompare(b.role);
const warnings = (r) => r.findings.filter((f) => f.severity === 'warning');
/** Warnings as {rule, role, file, line}, sorted: compared whole, so an extra or a missing one fails. */
const warningsAt = (r) => warnings(r).map(at).sort(order);
const sorted = (xs) => [...xs].sort(order);
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
/** The one finding of `rule` for `role`. */
function only(r, rule, role) {
  const fs = r.findings.filter((f) => f.rule === rule && f.role === role);
  assert.equal(fs.length, 1, `expected one ${rule} finding for ${role}, got ${JSON.stringify(fs.map(at))}`);
  return fs[0];
}

// ---------------------------------------------------------------- TL001 ist-without-tss

test('TL001: IST set on the live IDT before ltr is reported on the bsp at the first set_ist line', () => {
  const fx = 'tl001-bsp-ist-before-ltr';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL001', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', 'set_ist(&idt_table[TRAP_double_fault], IST_DF)') }]);
  const f = only(r, 'TL001', 'bsp');
  assert.deepEqual(f.vectors, [8]);
  // closed by the ltr of load_system_tables (inside the ltr() helper), reached from __start_xen
  assert.deepEqual(f.closes, { file: 'include/asm/desc.h', line: lineOf(fx, 'include/asm/desc.h', '"ltr %w0"'), text: 'ltr sel' });
  assert.deepEqual(f.chain.map((c) => [c.symbol, c.file, c.line]), [
    ['start', 'boot/head.S', lineOf(fx, 'boot/head.S', 'call    __start_xen')],
    ['__start_xen', 'setup.c', lineOf(fx, 'setup.c', 'trap_init();')],
  ]);
});

test('TL001 fixed: IST indices set only after ltr of a TSS with those slots give no warning', () => {
  assert.deepEqual(warningsAt(check('tl001-bsp-fixed')), []);
});

test('TL001: an AP loading the BSP\'s IST-carrying IDT before its own ltr is reported on the ap at the lidt', () => {
  const fx = 'tl001-ap-lidt-before-ltr';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL001', role: 'ap', file: 'smpboot.c', line: lineOf(fx, 'smpboot.c', '"lidt %0"') }]);
  const f = only(r, 'TL001', 'ap');
  assert.deepEqual(f.vectors, [2, 8, 18]);
  assert.deepEqual(f.closes, { file: 'traps.c', line: lineOf(fx, 'traps.c', '"ltr %w0"'), text: 'ltr TSS_SELECTOR' });
  assert.deepEqual(f.chain.map((c) => [c.symbol, c.file, c.line]), [['__high_start', 'boot/head.S', lineOf(fx, 'boot/head.S', 'jnz     start_secondary')]]);
});

test('TL001 fixed: the AP loading its TSS before the shared IDT gives no warning', () => {
  assert.deepEqual(warningsAt(check('tl001-ap-fixed')), []);
});

test('TL001: ltr of a TSS whose IST slots are not set does not close the window (never closed)', () => {
  const fx = 'tl001-null-tss';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL001', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', 'set_ist(&idt_table[TRAP_double_fault], IST_DF)') }]);
  assert.equal(only(r, 'TL001', 'bsp').closes, null);
});

test('TL001: the window opens at the lidt even when ltr is the very next instruction ("lidt %0; ltr %w1")', () => {
  const fx = 'tl001-ltr-next-insn';
  const r = check(fx);
  const line = lineOf(fx, 'smpboot.c', '"lidt %0; ltr %w1"');
  assert.deepEqual(warningsAt(r), [{ rule: 'TL001', role: 'ap', file: 'smpboot.c', line }]);
  assert.deepEqual(only(r, 'TL001', 'ap').closes, { file: 'smpboot.c', line, text: 'ltr TSS_SELECTOR' });
});

test('TL001: set_ist through a per-CPU table pointer passed to a helper (enable_each_ist(idt_tables[0])) is a gate write', () => {
  const fx = 'percpu-table-param';
  assert.deepEqual(warningsAt(check(fx)), [{ rule: 'TL001', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', 'set_ist(&idt[TRAP_double_fault], IST_DF)') }]);
});

// ---------------------------------------------------------------- TL002 mce-before-handler

test('TL002: an AP loading the CR4 features word after the BSP ORed MCE into it is reported on the ap at the CR4 write, not on the bsp', () => {
  const fx = 'tl002-ap-mce-features-word';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL002', role: 'ap', file: 'boot/head.S', line: lineOf(fx, 'boot/head.S', 'movq    %rcx,%cr4') }]);
  const f = only(r, 'TL002', 'ap');
  assert.deepEqual(f.vectors, [18]);
  assert.match(f.message, /may set CR4\.MCE/);
  assert.deepEqual(f.closes, { file: 'smpboot.c', line: lineOf(fx, 'smpboot.c', '"lidt %0"'), text: 'lidt idtr' });
  // the boot CPU runs the same instruction, but the word does not hold MCE yet on its path
  const bspSteps = r.roles.find((x) => x.name === 'bsp').steps;
  assert.ok(bspSteps.some((s) => s.file === 'boot/head.S' && s.line === f.location.line), 'the bsp runs the same CR4 write');
});

test('TL002 fixed: the AP loads the features word only once #MC is deliverable', () => {
  assert.deepEqual(warningsAt(check('tl002-ap-fixed')), []);
});

test('TL002: a features word loaded into CR4 by inline asm ("mov %0,%%cr4" :: "r" (word)) is a features word too', () => {
  const fx = 'tl002-inline-asm-word';
  assert.deepEqual(warningsAt(check(fx)), [{ rule: 'TL002', role: 'ap', file: 'smpboot.c', line: lineOf(fx, 'smpboot.c', '"mov %0,%%cr4"') }]);
});

// ---------------------------------------------------------------- TL003 init-handler-survives-init

test('TL003: reserved vectors left on an init-section placeholder when init is freed are reported at the fill loop', () => {
  const fx = 'tl003-init-placeholder';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL003', role: 'bsp', file: 'boot/head.S', line: lineOf(fx, 'boot/head.S', '1:      movq    %rax,(%rdi)') }]);
  const f = only(r, 'TL003', 'bsp');
  assert.deepEqual(f.vectors, [9, 15, ...range(20, 31)]);
  assert.match(f.message, /ignore_int/);
  assert.match(f.message, new RegExp(`mm\\.c:${lineOf(fx, 'mm.c', '    free_init_memory();')}`));
});

test('TL003 fixed: a placeholder overwritten on every vector before the free point gives no warning', () => {
  assert.deepEqual(warningsAt(check('tl003-fixed')), []);
});

// ---------------------------------------------------------------- TL004 init-section-reference

// One finding per reference, on the reference itself (the call), naming the init symbol.
test('TL004: a non-init function that runs after the free point and calls an __init gate installer is reported once, at the call', () => {
  const fx = 'tl004-late-call-into-init';
  const r = check(fx);
  const f = r.findings.filter((x) => x.rule === 'TL004' && x.location.file === 'apic.c');
  assert.deepEqual(f.map(at), [{ rule: 'TL004', role: 'bsp', file: 'apic.c', line: lineOf(fx, 'apic.c', '    setup_apic_vectors();') }]);
  assert.match(f[0].message, /setup_apic_vectors/);
  assert.deepEqual(warnings(r).filter((x) => x.rule !== 'TL004'), []);
});

test('TL004: a non-init function that runs after the free point and calls an __init helper with no boot effect is reported once, at the call', () => {
  const fx = 'tl004-late-call-into-init';
  const r = check(fx);
  const f = r.findings.filter((x) => x.rule === 'TL004' && x.location.file === 'idle.c');
  assert.deepEqual(f.map(at), [{ rule: 'TL004', role: 'bsp', file: 'idle.c', line: lineOf(fx, 'idle.c', '    parse_idle_param(opt_idle);') }]);
  assert.match(f[0].message, /parse_idle_param/);
});

test('TL004: a non-init function that calls the boot allocator only while system_state says boot is on is fine after the free point, the state set before it', () => {
  assert.deepEqual(warningsAt(check('tl004-guarded-by-state')), []);
});

test('TL004: the same guard with the state set only after the free point: the call after the free reaches the init allocator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-tl004-'));
  try {
    cpSync(join(FIXTURES, 'tl004-guarded-by-state'), dir, { recursive: true });
    const mm = join(dir, 'mm.c');
    writeFileSync(mm, readFileSync(mm, 'utf8').replace('    system_state = SYS_STATE_active;\n\n', '').replace('    alloc_pagetable();\n', '    alloc_pagetable();\n    system_state = SYS_STATE_active;\n'));
    const f = check(dir).findings.filter((x) => x.rule === 'TL004');
    assert.deepEqual(f.map(at), [{ rule: 'TL004', role: 'bsp', file: 'pagetable.c', line: lineOf('tl004-guarded-by-state', 'pagetable.c', '    return alloc_boot_pages(1);') }]);
    assert.match(f[0].message, /alloc_pagetable calls alloc_boot_pages \(\.init\.text\) after init memory is freed/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('TL004 fixed: the same calls made before free_init_memory() are fine', () => {
  assert.deepEqual(warningsAt(check('tl004-fixed')), []);
});

// ---------------------------------------------------------------- TL005 torn-live-gate-write

test('TL005: an asm fill loop writing the loaded IDT in two halves is reported at the loop', () => {
  const fx = 'tl005-fill-live-table';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL005', role: 'bsp', file: 'boot/head.S', line: lineOf(fx, 'boot/head.S', '1:      movq    %rax,(%rdi)') }]);
  assert.deepEqual(only(r, 'TL005', 'bsp').vectors, range(0, 255));
});

test('TL005 fixed: the same loop filling the table before it is loaded gives no warning', () => {
  assert.deepEqual(warningsAt(check('tl005-fixed')), []);
});

// ---------------------------------------------------------------- TL006 irq-before-vectors

test('TL006: sti before the external-interrupt vectors are installed is reported at the sti', () => {
  const fx = 'tl006-sti-before-irq-vectors';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL006', role: 'bsp', file: 'setup.c', line: lineOf(fx, 'setup.c', 'local_irq_enable();') }]);
  const f = only(r, 'TL006', 'bsp');
  assert.deepEqual([...f.vectors].sort((a, b) => a - b), [...range(0x20, 0xdf), 0xf0]);
  assert.deepEqual(f.closes, { file: 'traps.c', line: lineOf(fx, 'traps.c', '_set_gate(&idt_table[n]'), text: '_set_gate(&idt_table[n], SYS_DESC_irq_gate, 0, addr)' });
});

test('TL006 fixed: sti after init_IRQ() and timer_init() gives no warning', () => {
  assert.deepEqual(warningsAt(check('tl006-fixed')), []);
});

// ---------------------------------------------------------------- TL007 nmi-gate-unusable

test('TL007: a live IDT without an NMI gate is reported at the lidt and closed where the NMI gate is installed', () => {
  const fx = 'tl007-nmi-gate-missing';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL007', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', '"lidt %0"') }]);
  const f = only(r, 'TL007', 'bsp');
  assert.deepEqual(f.vectors, [2]);
  assert.deepEqual(f.closes, { file: 'traps.c', line: lineOf(fx, 'traps.c', '&idt_table[TRAP_nmi]'), text: '_set_gate(&idt_table[TRAP_nmi], SYS_DESC_irq_gate, 0, &nmi)' });
});

test('TL007: an NMI gate still pointing into init memory when it is freed is reported at the free point (TL003 at its install)', () => {
  const fx = 'tl007-nmi-init-handler';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), sorted([
    { rule: 'TL003', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', '&early_nmi);') },
    { rule: 'TL007', role: 'bsp', file: 'mm.c', line: lineOf(fx, 'mm.c', '    free_init_memory();') },
  ]));
  assert.equal(only(r, 'TL007', 'bsp').closes, null);
  assert.deepEqual(only(r, 'TL003', 'bsp').vectors, [2]);
});

test('TL007 fixed: the NMI gate installed before the table is loaded gives no warning', () => {
  assert.deepEqual(warningsAt(check('tl007-fixed')), []);
});

// ---------------------------------------------------------------- TL100 critical-region

test('TL100: the empty-IDT region is information from the empty lidt to the first real lidt', () => {
  const fx = 'tl100-critical-region-calls';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), []);
  const f = only(r, 'TL100', 'bsp');
  assert.equal(f.severity, 'information');
  assert.deepEqual(at(f), { rule: 'TL100', role: 'bsp', file: 'boot/head.S', line: lineOf(fx, 'boot/head.S', 'lidt    idt_empty(%rip)') });
  assert.deepEqual(f.closes, { file: 'traps.c', line: lineOf(fx, 'traps.c', '"lidt %0"'), text: 'lidt idtr' });
});

test('TL100: the critical-region note names the calls inside it that may fault (cmdline_parse, console_init)', () => {
  const f = only(check('tl100-critical-region-calls'), 'TL100', 'bsp');
  assert.match(f.message, /cmdline_parse/);
  assert.match(f.message, /console_init/);
});

test('TL100 fixed: with trap_init() first, the region holds no command-line or console code', () => {
  const fx = 'tl100-fixed';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), []);
  const f = only(r, 'TL100', 'bsp');
  assert.equal(f.severity, 'information');
  assert.doesNotMatch(f.message, /cmdline_parse|console_init/);
});

// ---------------------------------------------------------------- flow through the sources

test('asm -> C: a hazard in a C function called from head.S is reported in the C file, via the asm call, closed by the asm ltr', () => {
  const fx = 'asm-calls-c';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL001', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', 'set_ist(&idt_table[TRAP_nmi], IST_NMI)') }]);
  const f = only(r, 'TL001', 'bsp');
  assert.deepEqual(f.chain.map((c) => [c.symbol, c.file, c.line]), [['start', 'boot/head.S', lineOf(fx, 'boot/head.S', 'call    early_traps_setup')]]);
  assert.deepEqual(f.closes, { file: 'boot/head.S', line: lineOf(fx, 'boot/head.S', 'ltr     %ax'), text: 'ltr %ax' });
});

test('#include fall-through: the code of a .S included right after a label runs when that label is reached', () => {
  const fx = 'include-fallthrough';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), [{ rule: 'TL005', role: 'bsp', file: 'boot/x86_64.S', line: lineOf(fx, 'boot/x86_64.S', '1:      movq    %rax,(%rdi)') }]);
  const f = only(r, 'TL100', 'bsp');
  assert.deepEqual(at(f), { rule: 'TL100', role: 'bsp', file: 'boot/x86_64.S', line: lineOf(fx, 'boot/x86_64.S', 'lidt    idt_descr(%rip)') });
  const steps = r.roles.find((x) => x.name === 'bsp').steps.map((s) => `${s.file}:${s.line}`);
  assert.deepEqual(steps, [
    `boot/head.S:${lineOf(fx, 'boot/head.S', 'lgdt    gdt_descr(%rip)')}`,
    `boot/x86_64.S:${lineOf(fx, 'boot/x86_64.S', 'lidt    idt_descr(%rip)')}`,
    `boot/x86_64.S:${lineOf(fx, 'boot/x86_64.S', '1:      movq    %rax,(%rdi)')}`,
  ]);
});

test('constant propagation: xor %ebx vs mov $1,%ebx sends the bsp and the ap down different sides of the same jnz', () => {
  const fx = 'bsp-ap-split';
  const r = check(fx);
  // the fill loop of the live table is only on the bsp's side, the IST table without TSS only on the ap's
  assert.deepEqual(warningsAt(r), [
    { rule: 'TL001', role: 'ap', file: 'boot/head.S', line: lineOf(fx, 'boot/head.S', 'lidt    idt_descr(%rip)') },
    { rule: 'TL005', role: 'bsp', file: 'boot/head.S', line: lineOf(fx, 'boot/head.S', '2:      movq    %rax,(%rdi)') },
  ]);
  const files = (role) => new Set(r.roles.find((x) => x.name === role).steps.map((s) => s.file));
  assert.deepEqual([...files('bsp')].sort(), ['boot/head.S', 'setup.c', 'traps.c']);
  assert.deepEqual([...files('ap')].sort(), ['boot/head.S', 'smpboot.c']);
});

test('section macros: __boot_trap -> __init -> __section(".init.text") puts a C handler in init, __cold -> ".text.unlikely" does not', () => {
  const fx = 'macro-sections';
  const r = check(fx);
  const fs = r.findings.filter((f) => f.rule === 'TL003' && f.location.file === 'traps.c' && f.location.line === lineOf(fx, 'traps.c', '&early_reserved_trap);'));
  assert.equal(fs.length, 1);
  assert.deepEqual(fs[0].vectors, [0, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 15, 16, 17, 19, ...range(20, 31)]);
  assert.match(fs[0].message, /early_reserved_trap/);
  assert.ok(!r.findings.some((f) => /spurious_trap/.test(f.message)), 'spurious_trap is in .text.unlikely, not init');
});

test('section macros: an asm handler after `__INIT` (#define __INIT .section .init.text) lives in .init.text', () => {
  const fx = 'macro-sections';
  const r = check(fx);
  assert.deepEqual(warningsAt(r), sorted([
    { rule: 'TL003', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', '&early_reserved_trap);') },
    { rule: 'TL003', role: 'bsp', file: 'traps.c', line: lineOf(fx, 'traps.c', '&early_debug_trap);') },
  ]));
  const f = r.findings.find((x) => x.location.line === lineOf(fx, 'traps.c', '&early_debug_trap);'));
  assert.deepEqual(f.vectors, [1]);
});

test('renamed symbols: every project symbol renamed, roles named in .trapline.json, the same findings as boot-hazards', () => {
  const original = check(join(EXAMPLES, 'boot-hazards'));
  const renamed = check('renamed-symbols');
  assert.deepEqual(renamed.roles.map((x) => [x.name, x.entry]), [['bsp', 'cpu0_entry'], ['ap', 'secondary_landing']]);
  const key = (f) => ({ ...at(f), severity: f.severity, column: f.location.column, vectors: f.vectors, closes: f.closes && { file: f.closes.file, line: f.closes.line } });
  assert.equal(warnings(renamed).length, 5);
  assert.deepEqual(renamed.findings.map(key), original.findings.map(key));
});

test('clean reference ordering (hazard-rules.md): no warning on the bsp', () => {
  assert.deepEqual(warningsAt(check('clean-reference')).filter((f) => f.role === 'bsp'), []);
});

test('clean reference ordering (hazard-rules.md): no warning on the ap, which loads its own copy with IST cleared until after ltr', () => {
  assert.deepEqual(warningsAt(check('clean-reference')).filter((f) => f.role === 'ap'), []);
});

// ---------------------------------------------------------------- examples

const HAZARDS = join(EXAMPLES, 'boot-hazards');

test('examples/boot-hazards (seed 1): reserved vectors left on ignore_int (.init.text) after init is freed, TL003 on the bsp', () => {
  const r = check(HAZARDS);
  const f = only(r, 'TL003', 'bsp');
  assert.deepEqual(at(f), { rule: 'TL003', role: 'bsp', file: 'boot/x86_64.S', line: lineOf(HAZARDS, 'boot/x86_64.S', '1:      movq    %rax,(%rdi)') });
  assert.deepEqual(f.vectors, [9, 15, ...range(20, 31)]);
});

test('examples/boot-hazards (seed 2): IST set on the bsp\'s live IDT before its TSS is loaded, TL001 on the bsp', () => {
  const f = only(check(HAZARDS), 'TL001', 'bsp');
  assert.deepEqual(at(f), { rule: 'TL001', role: 'bsp', file: 'traps.c', line: lineOf(HAZARDS, 'traps.c', 'set_ist(&idt_table[TRAP_double_fault], IST_DF)') });
});

test('examples/boot-hazards (seed 3): the ap loads the bsp\'s IST-carrying IDT before its own ltr, TL001 on the ap', () => {
  const f = only(check(HAZARDS), 'TL001', 'ap');
  assert.deepEqual(at(f), { rule: 'TL001', role: 'ap', file: 'boot/x86_64.S', line: lineOf(HAZARDS, 'boot/x86_64.S', 'lidt    idt_descr(%rip)') });
  assert.deepEqual(f.vectors, [2, 8, 18]);
  assert.deepEqual(f.chain.map((c) => [c.symbol, c.file, c.line]), [['ap_start', 'boot/trampoline.S', lineOf(HAZARDS, 'boot/trampoline.S', 'jmpq    *%rax')]]);
});

test('examples/boot-hazards (seed 4): the ap loads mmu_cr4_features with MCE before #MC is deliverable, TL002 on the ap and not on the bsp', () => {
  const r = check(HAZARDS);
  const f = only(r, 'TL002', 'ap');
  assert.deepEqual(at(f), { rule: 'TL002', role: 'ap', file: 'boot/x86_64.S', line: lineOf(HAZARDS, 'boot/x86_64.S', 'movq    %rcx,%cr4') });
  assert.deepEqual(r.findings.filter((x) => x.rule === 'TL002' && x.role === 'bsp'), []);
});

test('examples/boot-hazards (seed 5): ignore_int patched into the live IDT in halves by the fill loop, TL005 on the bsp', () => {
  const f = only(check(HAZARDS), 'TL005', 'bsp');
  assert.deepEqual(at(f), { rule: 'TL005', role: 'bsp', file: 'boot/x86_64.S', line: lineOf(HAZARDS, 'boot/x86_64.S', '1:      movq    %rax,(%rdi)') });
  assert.deepEqual(f.vectors, range(0, 255));
});

test('examples/boot-hazards: exactly the five seed hazards are warnings', () => {
  assert.equal(warnings(check(HAZARDS)).length, 5);
});

test('examples/boot-fixed: the seed\'s proposed fix gives no warning', () => {
  const r = check(join(EXAMPLES, 'boot-fixed'));
  assert.deepEqual(warningsAt(r), []);
  assert.deepEqual(r.findings.map((f) => [f.rule, f.role]).sort(), [['TL100', 'ap'], ['TL100', 'bsp']]);
});

test('examples/boot-fixed: each CPU sets IST on NMI/#DF/#MC of its own live table only after its ltr', () => {
  const r = check(join(EXAMPLES, 'boot-fixed'));
  for (const role of ['bsp', 'ap']) {
    const steps = r.roles.find((x) => x.name === role).steps;
    const ltr = steps.findIndex((s) => s.text.startsWith('ltr'));
    const ist = steps.map((s, i) => (/^set_ist\(.*IST_(NMI|DF|MCE)\)$/.test(s.text) ? i : -1)).filter((i) => i >= 0);
    assert.ok(ltr >= 0, `${role}: ltr on the path`);
    assert.equal(ist.length, 3, `${role}: three set_ist steps (NMI, #DF, #MC) on the path, got ${JSON.stringify(steps.map((s) => s.text).filter((t) => /^(set_ist|ltr)/.test(t)))}`);
    assert.ok(ist.every((i) => i > ltr), `${role}: set_ist after ltr`);
  }
});
