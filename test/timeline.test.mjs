// The boot timeline as an IDE layer (server/src/ide/timeline/) through the bundled engine API:
// the data of `trapline/roles` and `trapline/timeline` (steps with state badges, windows) and the
// hover markdown, on examples/boot-hazards and test/fixtures/timeline (build first:
// `node scripts/build.mjs`).
//
//   node --test test/timeline.test.mjs
//
// Expected lines are looked up in the trees' own text (`lineOf`, 0-based), never hard-coded.
// TRAPLINE_XEN=/path/to/xen (default /tmp/xen/7e510a7b87, skipped when absent) also measures
// hovers on a real tree.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import api from '../out/api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'examples/boot-hazards');
const FIXTURE = join(ROOT, 'test/fixtures/timeline');
const T = api.timeline;
let a, fx;

before(async () => {
  a = await api.analyze(EXAMPLE, { wasmDir: join(ROOT, 'dist') });
  fx = await api.analyze(FIXTURE, { wasmDir: join(ROOT, 'dist') });
});

/** 0-based line of the only line of `file` under `dir` that contains `snippet`. */
function lineOf(dir, file, snippet) {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(snippet) ? [i] : []));
  assert.equal(hits.length, 1, `"${snippet}" should occur exactly once in ${file} (found on 0-based lines ${hits.join(', ') || 'none'})`);
  return hits[0];
}

/** { line, column } (0-based) of `word` on the line of `file` containing `snippet`. */
function posOf(dir, file, snippet, word = snippet) {
  const line = lineOf(dir, file, snippet);
  const column = readFileSync(join(dir, file), 'utf8').split('\n')[line].indexOf(word);
  assert.ok(column >= 0, `${word} not on the line of ${snippet}`);
  return { line, column };
}

/** The markdown link the hover gives for a 0-based line: `[file:line](file:///abs#Lline)`, `_` escaped in the text. */
function linkTo(dir, file, line) {
  return `[${`${file}:${line + 1}`.replace(/_/g, '\\_')}](${pathToFileURL(join(dir, file)).href}#L${line + 1})`;
}

/** The hover's part for one role: from its `**role**` heading to the next `---`. */
function roleSection(md, role) {
  const parts = md.split('\n---\n');
  const s = parts.find((p) => p.trimStart().startsWith(`**${role}**`));
  assert.ok(s, `no section for role ${role} in:\n${md}`);
  return s;
}

const at = (s) => `${s.file}:${s.line}`;

// ---------------------------------------------------------------- roles and timeline

test('roles: every configured role with its entry, kind, step and finding counts', () => {
  const rs = T.roles(a);
  assert.deepEqual(rs.map((r) => [r.name, r.entry, r.kind]), [['bsp', 'start', 'bsp'], ['ap', 'ap_start', 'ap']]);
  for (const r of rs) {
    assert.equal(r.steps, a.paths.find((p) => p.role.name === r.name).steps.length);
    assert.equal(r.findings, a.findings.filter((f) => f.role === r.name).length);
    assert.ok(r.steps > 0 && r.findings > 0, `${r.name} has steps and findings`);
  }
  assert.equal(T.timeline(a, 'no-such-role'), null);
});

test('timeline: the bsp steps in path order, with 0-based positions, chains and file URIs', () => {
  const t = T.timeline(a, 'bsp');
  assert.equal(t.role, 'bsp');
  assert.equal(t.kind, 'bsp');
  assert.equal(t.entry, 'start');
  t.steps.forEach((s, i) => assert.equal(s.index, i));
  const S = 'boot/x86_64.S';
  assert.deepEqual(t.steps.slice(0, 3).map((s) => [s.kind, s.text, at(s)]), [
    ['cr4', 'movq %rcx,%cr4', `${S}:${lineOf(EXAMPLE, S, 'movq    %rcx,%cr4')}`],
    ['lgdt', 'lgdt gdt_descr(%rip)', `${S}:${lineOf(EXAMPLE, S, 'lgdt    gdt_descr(%rip)')}`],
    ['lidt', 'lidt idt_descr(%rip)', `${S}:${lineOf(EXAMPLE, S, 'lidt    idt_descr(%rip)')}`],
  ]);
  const lidt = t.steps[2];
  assert.equal(lidt.column, posOf(EXAMPLE, S, 'lidt    idt_descr(%rip)', 'lidt').column);
  assert.equal(lidt.uri, pathToFileURL(join(EXAMPLE, S)).href);
  assert.equal(lidt.within, '__high_start');
  assert.deepEqual(lidt.chain, []);
  // a step inside trap_init: reached from __high_start's call and __start_xen's call
  const ist = t.steps.find((s) => s.kind === 'ist');
  assert.equal(at(ist), `traps.c:${lineOf(EXAMPLE, 'traps.c', 'set_ist(&idt_table[TRAP_double_fault], IST_DF)')}`);
  assert.equal(ist.within, 'trap_init');
  assert.deepEqual(ist.chain, [
    { symbol: '__high_start', file: S, line: lineOf(EXAMPLE, S, 'call    __start_xen') },
    { symbol: '__start_xen', file: 'setup.c', line: lineOf(EXAMPLE, 'setup.c', 'trap_init();') },
  ]);
  assert.equal(ist.depth, 2);
  const call = t.steps.find((s) => s.kind === 'call' && s.text === 'trap_init()');
  assert.equal(call.callee, 'trap_init');
  assert.ok(call.index < ist.index);
  // the order of the main operations on the path
  const first = (pred) => t.steps.findIndex(pred);
  const order = [
    first((s) => s.kind === 'lidt'), first((s) => s.kind === 'ist'), first((s) => s.kind === 'ltr'),
    first((s) => s.kind === 'irq'), first((s) => s.kind === 'start-aps'), first((s) => s.kind === 'free-init'),
  ];
  assert.ok(order.every((x) => x >= 0), `every kind occurs: ${order}`);
  assert.deepEqual([...order].sort((x, y) => x - y), order);
  assert.equal(t.startApsAt, first((s) => s.kind === 'start-aps'));
});

test('timeline: state badges after each step (IDT, TSS, IST slots, CR4.MCE, IF, init freed)', () => {
  const t = T.timeline(a, 'bsp');
  const [cr4, lgdt, lidt] = t.steps;
  assert.deepEqual(cr4.state, { idt: 'none', tss: false, istSlots: [], cr4Mce: 'off', fred: false, iflag: false, initFreed: false });
  assert.equal(lgdt.state.idt, 'none');
  assert.equal(lidt.state.idt, 'table');
  assert.equal(lidt.state.idtTable, 'idt_table');
  assert.deepEqual(lidt.state.istVectors, []);
  assert.equal(lidt.state.tss, false);
  assert.equal(lidt.paths, 1);
  // after the three set_ist: IST on #DF, NMI, #MC of the live table, still no TSS
  const ists = t.steps.filter((s) => s.kind === 'ist');
  assert.equal(ists.length, 3);
  assert.deepEqual(ists[2].state.istVectors, [2, 8, 18]);
  assert.equal(ists[2].state.tss, false);
  // TSS IST slots written, then ltr: TSS loaded with slots 1-3
  const tssIst = t.steps.filter((s) => s.kind === 'tss-ist');
  assert.deepEqual(tssIst.map((s) => s.state.istSlots), [[1], [1, 2], [1, 2, 3]]);
  const ltr = t.steps.find((s) => s.kind === 'ltr');
  assert.equal(at(ltr), `include/asm/desc.h:${lineOf(EXAMPLE, 'include/asm/desc.h', 'ltr %w0')}`);
  assert.equal(ltr.state.tss, true);
  assert.deepEqual(ltr.state.istSlots, [1, 2, 3]);
  assert.ok(t.steps.slice(0, ltr.index).every((s) => !s.state.tss), 'no TSS before the ltr');
  // mcheck_init: CR4.MCE on after the CR4 write in write_cr4
  const mce = t.steps.find((s) => s.kind === 'cr4' && s.index > ltr.index);
  assert.equal(mce.state.cr4Mce, 'on');
  assert.ok(t.steps.slice(0, mce.index).every((s) => s.state.cr4Mce === 'off'), 'MCE is clear on the BSP until mcheck_init');
  // sti, then the free point
  const sti = t.steps.find((s) => s.kind === 'irq');
  assert.equal(sti.state.iflag, true);
  assert.equal(t.steps[sti.index - 1].state.iflag, false);
  const free = t.steps.find((s) => s.kind === 'free-init');
  assert.equal(free.state.initFreed, true);
  assert.equal(t.steps[free.index - 1].state.initFreed, false);
  // the AP loads mmu_cr4_features with the MCE the BSP ORed into it: may be set
  const ap = T.timeline(a, 'ap');
  assert.equal(ap.steps[0].kind, 'cr4');
  assert.equal(ap.steps[0].state.cr4Mce, 'may');
});

test('timeline: windows of the bsp (TL001 from the first set_ist to the ltr, TL100 critical) and the ap', () => {
  const t = T.timeline(a, 'bsp');
  const step = (i) => t.steps[i];
  const tl001 = t.windows.filter((w) => w.rule === 'TL001');
  assert.equal(tl001.length, 1);
  const w = tl001[0];
  assert.equal(w.extent, 'window');
  assert.equal(w.critical, false);
  assert.equal(at(step(w.openStep)), `traps.c:${lineOf(EXAMPLE, 'traps.c', 'set_ist(&idt_table[TRAP_double_fault], IST_DF)')}`);
  assert.equal(step(w.openStep), t.steps.find((s) => s.kind === 'ist'), 'opens at the first set_ist');
  assert.equal(step(w.closeStep).kind, 'ltr');
  assert.equal(at(step(w.closeStep)), `include/asm/desc.h:${lineOf(EXAMPLE, 'include/asm/desc.h', 'ltr %w0')}`);
  assert.deepEqual(w.vectors, [8]);
  assert.match(w.reason, /^vector 8 \(#DF\) of the live IDT idt_table/);
  assert.doesNotMatch(w.reason, /\n|^\[bsp\]/);

  const tl100 = t.windows.filter((x) => x.rule === 'TL100');
  assert.equal(tl100.length, 1);
  assert.equal(tl100[0].critical, true);
  assert.equal(at(step(tl100[0].openStep)), `boot/x86_64.S:${lineOf(EXAMPLE, 'boot/x86_64.S', 'lidt    idt_descr(%rip)')}`);
  assert.equal(at(step(tl100[0].closeStep)), `boot/x86_64.S:${lineOf(EXAMPLE, 'boot/x86_64.S', '1:      movq    %rax,(%rdi)')}`);
  assert.ok(t.windows.filter((x) => x.rule !== 'TL100').every((x) => !x.critical));

  // TL003 and TL005 are about the fill loop itself
  const fill = t.steps.find((s) => s.text.startsWith('fill loop'));
  for (const rule of ['TL003', 'TL005']) {
    const p = t.windows.find((x) => x.rule === rule);
    assert.deepEqual([p.extent, p.openStep, p.closeStep], ['point', fill.index, null], rule);
  }
  assert.equal(t.windows.length, a.findings.filter((f) => f.role === 'bsp').length, 'every bsp finding sits on a step');
  assert.deepEqual(t.windows.map((x) => x.openStep), [...t.windows.map((x) => x.openStep)].sort((x, y) => x - y));

  const ap = T.timeline(a, 'ap');
  const apw = Object.fromEntries(ap.windows.map((x) => [x.rule, x]));
  assert.deepEqual(Object.keys(apw).sort(), ['TL001', 'TL002']);
  assert.equal(ap.steps[apw.TL001.openStep].text, 'lidt idt_descr(%rip)');
  assert.deepEqual(apw.TL001.vectors, [2, 8, 18]);
  assert.equal(ap.steps[apw.TL001.closeStep].kind, 'ltr');
  assert.equal(ap.steps[apw.TL002.openStep].text, 'movq %rcx,%cr4');
  assert.equal(apw.TL002.closeStep, apw.TL001.closeStep);
});

test('timeline: several path states are joined (IDT differs -> unknown), a repeated call keeps its own step', () => {
  const t = T.timeline(fx, 'bsp');
  const lidts = t.steps.filter((s) => s.kind === 'lidt');
  assert.deepEqual(lidts.map((s) => [s.text, s.state.idt]), [['lidt boot_idt_descr(%rip)', 'table'], ['lidt null_idt_descr(%rip)', 'empty']]);
  const call = t.steps.find((s) => s.text === 'trap_init()');
  assert.equal(call.paths, 2);
  assert.equal(call.state.idt, 'unknown');
  assert.equal(call.state.idtTable, undefined);
  const ltr = t.steps.find((s) => s.kind === 'ltr');
  assert.equal(ltr.state.tss, true);
  assert.deepEqual(ltr.state.istSlots, [2]);
  const mce = t.steps.find((s) => s.kind === 'cr4');
  assert.equal(mce.state.cr4Mce, 'on');
  const again = t.steps.find((s) => s.text === 'irq_on() (as before)');
  assert.ok(again, 'the second irq_on() replays the first');
  assert.equal(again.state.iflag, true);
  assert.equal(t.steps[again.index - 1].text, 'irq_on()');
  // the call into init_done through reset_stack_and_jump() has its call site in setup.c
  const free = t.steps.find((s) => s.kind === 'free-init');
  assert.deepEqual(free.chain.map((c) => at(c)), [`boot/head.S:${lineOf(FIXTURE, 'boot/head.S', 'call    __start_xen')}`, `setup.c:${lineOf(FIXTURE, 'setup.c', 'reset_stack_and_jump(init_done)')}`]);
});

// ---------------------------------------------------------------- hover

test('hover: the lidt in boot/x86_64.S shows both roles, the state before/after, the AP TL001 window and where it closes', () => {
  const p = posOf(EXAMPLE, 'boot/x86_64.S', 'lidt    idt_descr(%rip)', 'lidt');
  const md = T.hover(a, 'boot/x86_64.S', p.line, p.column + 2);
  assert.ok(md);
  assert.match(md, /^`lidt idt_descr\(%rip\)` — loads the IDT `idt_table`/);
  assert.match(md, /Reached by roles \*\*bsp\*\*, \*\*ap\*\*\./);
  const ap = roleSection(md, 'ap');
  assert.match(ap, /step 3 of 11/);
  assert.ok(ap.includes(`reached via \`ap_start\` (${linkTo(EXAMPLE, 'boot/trampoline.S', lineOf(EXAMPLE, 'boot/trampoline.S', 'jmpq    *%rax'))}) → \`__high_start\``), ap);
  // 2 steps before and 2 after, as links; this one marked
  assert.ok(ap.includes(`- step 1 ${linkTo(EXAMPLE, 'boot/x86_64.S', lineOf(EXAMPLE, 'boot/x86_64.S', 'movq    %rcx,%cr4'))} \`movq %rcx,%cr4\``), ap);
  assert.ok(ap.includes(`- **▶ step 3** ${linkTo(EXAMPLE, 'boot/x86_64.S', p.line)} \`lidt idt_descr(%rip)\``), ap);
  assert.ok(ap.includes(`- step 4 ${linkTo(EXAMPLE, 'smpboot.c', lineOf(EXAMPLE, 'smpboot.c', 'load_system_tables();'))} \`load_system_tables()\` in \`start_secondary\``), ap);
  assert.equal((ap.match(/^- (\*\*▶ )?step \d+/gm) ?? []).length, 5);
  // state before and after: the IDT line changed and is bold, with the IST gates by name
  assert.match(ap, /- State before: no IDT loaded · no TSS loaded · CR4\.MCE \(bit 6\) may be set · IF=0 · init memory not freed/);
  assert.match(ap, /- State after: \*\*IDT `idt_table` \(256\/256 gates present; IST on vector 2 \(NMI\)→IST 2, vector 8 \(#DF\)→IST 1, vector 18 \(#MC\)→IST 3\)\*\* · no TSS loaded/);
  // TL001 opens here and closes at the ltr in desc.h (step 9 of the AP)
  const ltrLine = lineOf(EXAMPLE, 'include/asm/desc.h', 'ltr %w0');
  const tl001 = ap.split('\n').find((l) => l.startsWith('- **TL001**'));
  assert.ok(tl001, ap);
  assert.match(tl001, /ist-without-tss \(warning\): vector 2 \(NMI\), vector 8 \(#DF\), vector 18 \(#MC\) of the live IDT idt\\_table/);
  assert.ok(tl001.includes(`Opens at this step; closes at ${linkTo(EXAMPLE, 'include/asm/desc.h', ltrLine)} \`ltr sel\` (step 9).`), tl001);
  const tl002 = ap.split('\n').find((l) => l.startsWith('- **TL002**'));
  assert.ok(tl002.includes(`Open since ${linkTo(EXAMPLE, 'boot/x86_64.S', lineOf(EXAMPLE, 'boot/x86_64.S', 'movq    %rcx,%cr4'))} \`movq %rcx,%cr4\` (step 1)`), tl002);
  // the bsp runs the same instruction: TL100 (critical) opens here, no TL001
  const bsp = roleSection(md, 'bsp');
  assert.match(bsp, /- State after: \*\*IDT `idt_table` \(no gate present\)\*\*/);
  assert.match(bsp, /- \*\*TL100\*\* critical-region \(information\): critical region: .* Opens at this step; closes at /);
  assert.doesNotMatch(bsp, /TL001/);
  // anywhere on the line's code, not only inside the operands' range
  assert.equal(T.hover(a, 'boot/x86_64.S', p.line, p.column + 18), md);
  // an absolute path under the root works the same
  assert.equal(T.hover(a, join(EXAMPLE, 'boot/x86_64.S'), p.line, p.column), md);
});

test('hover: a call step shows what the call performs, the state when it returns and the window opening inside it', () => {
  const p = posOf(EXAMPLE, 'setup.c', 'trap_init();', 'trap_init');
  const md = T.hover(a, 'setup.c', p.line, p.column + 1);
  assert.match(md, /^`trap_init\(\)` — calls `trap_init`, which changes boot exception state/);
  const t = T.timeline(a, 'bsp');
  const call = t.steps.find((s) => s.text === 'trap_init()');
  const inner = t.steps.filter((s) => s.index > call.index && s.chain.length > call.chain.length && s.chain[call.chain.length].line === call.line);
  assert.ok(md.includes(`\`trap_init\` performs steps ${call.index + 2}–${call.index + 1 + inner.length} (${inner.length} steps) on this path.`), md);
  assert.match(md, /- State after the call returns \(after step \d+\): \*\*IDT `idt_table` \(256\/256 gates present; IST on vector 2 \(NMI\)→IST 2, vector 8 \(#DF\)→IST 1, vector 18 \(#MC\)→IST 3\)\*\*/);
  const setIst = lineOf(EXAMPLE, 'traps.c', 'set_ist(&idt_table[TRAP_double_fault], IST_DF)');
  assert.ok(md.includes(`Opens inside this call at ${linkTo(EXAMPLE, 'traps.c', setIst)} \`set_ist(&idt_table[TRAP_double_fault], IST_DF)\``), md);
});

test('hover: a step of a tree read under a kernel configuration names the configuration', async () => {
  const dir = join(ROOT, 'test/fixtures/forms-linux-config');
  const an = await api.analyze(dir, { wasmDir: join(ROOT, 'dist') });
  const p = posOf(dir, 'arch/x86/include/asm/desc.h', 'asm volatile("lidt %0"::"m" (*dtr));', 'lidt');
  const md = T.hover(an, 'arch/x86/include/asm/desc.h', p.line, p.column);
  assert.match(md, /Reached by roles \*\*bsp\*\*, \*\*ap\*\*, under the kernel configuration arch\/x86\/configs\/x86\\_64\\_defconfig \+ Kconfig defaults/);
});

test('hover: a helper reached many times names every occurrence; a gate write names the vector and handler', () => {
  const p = posOf(EXAMPLE, 'traps.c', '_set_gate(&idt_table[n], SYS_DESC_irq_gate, 0, addr)', '_set_gate');
  const md = T.hover(a, 'traps.c', p.line, p.column);
  assert.match(md, /Reached by role \*\*bsp\*\*\./);
  const n = T.timeline(a, 'bsp').steps.filter((s) => s.file === 'traps.c' && s.line === p.line).length;
  assert.ok(n > 10);
  assert.match(md, new RegExp(`Reached ${n} times on this path \\(steps [0-9, –]+, …\\); the first is shown\\.`));
  const fill = posOf(EXAMPLE, 'boot/x86_64.S', '1:      movq    %rax,(%rdi)', 'movq');
  const fmd = T.hover(a, 'boot/x86_64.S', fill.line, fill.column);
  assert.match(fmd, /^`fill loop: movq %rax,\(%rdi\); movq %rdx,8\(%rdi\)` — writes the gate of vectors 0-255 \(including vector 2 \(NMI\), vector 8 \(#DF\), vector 18 \(#MC\)\) in `idt_table`, handler `ignore_int` \(init section\)/);
  assert.match(fmd, /- \*\*TL005\*\* torn-live-gate-write \(warning\): .* Reported at this step\./);
  assert.match(fmd, /- \*\*TL100\*\* .* closes at this step\./);
});

test('hover: a C function name on the path shows its section and the roles that reach it', () => {
  const ti = posOf(EXAMPLE, 'traps.c', 'void __init trap_init(void)', 'trap_init');
  const md = T.hover(a, 'traps.c', ti.line, ti.column + 3);
  assert.match(md, /^`trap_init` — C function in section `\.init\.text` \(init section\), defined at /);
  assert.ok(md.includes(linkTo(EXAMPLE, 'traps.c', ti.line)));
  assert.match(md, /On the boot path of role \*\*bsp\*\*\./);
  assert.doesNotMatch(md, /\*\*ap\*\*/);
  assert.ok(md.includes(`entered from \`__start_xen\` at ${linkTo(EXAMPLE, 'setup.c', lineOf(EXAMPLE, 'setup.c', 'trap_init();'))}`), md);
  assert.match(md, /- \*\*TL001\*\* ist-without-tss: opens inside at /);
  assert.ok(md.includes(`Init memory is freed on this path by \`free_init_memory()\` at ${linkTo(EXAMPLE, 'mm.c', lineOf(EXAMPLE, 'mm.c', 'free_init_memory();'))}`), md);
  assert.match(md, /after the last step inside `trap_init`\./);
  // anywhere on the definition line, and at a reference (the prototype in setup.c)
  assert.equal(T.hover(a, 'traps.c', ti.line, 1), md);
  const proto = posOf(EXAMPLE, 'setup.c', 'extern void trap_init(void);', 'trap_init');
  assert.match(T.hover(a, 'setup.c', proto.line, proto.column), /^`trap_init` — C function in section `\.init\.text` \(init section\)/);

  const lst = posOf(EXAMPLE, 'traps.c', 'void load_system_tables(void)', 'load_system_tables');
  const both = T.hover(a, 'traps.c', lst.line, lst.column);
  assert.match(both, /^`load_system_tables` — C function in section `\.text`, defined at /);
  assert.match(both, /On the boot path of roles \*\*bsp\*\*, \*\*ap\*\*\./);
  assert.ok(both.includes(`- **ap** (secondary CPU): entered from \`start_secondary\` at ${linkTo(EXAMPLE, 'smpboot.c', lineOf(EXAMPLE, 'smpboot.c', 'load_system_tables();'))}`), both);
  assert.match(both, /  - Path: `ap_start` → `__high_start` → `start_secondary` → `load_system_tables`/);

  // an assembly label: its section and the roles
  const hs = posOf(EXAMPLE, 'boot/head.S', '__high_start:', '__high_start');
  const lmd = T.hover(a, 'boot/head.S', hs.line, hs.column);
  assert.match(lmd, /^`__high_start` — assembly label in section `\.text`, defined at /);
  assert.match(lmd, /roles \*\*bsp\*\*, \*\*ap\*\*/);
  assert.match(lmd, /- \*\*bsp\*\* \(boot CPU\): reached from the entry `start` without a call \(fall-through or jump\)/);
});

test('hover: the symbol of a repeated call lists both call sites', () => {
  const p = posOf(FIXTURE, 'setup.c', 'static void irq_on(void)', 'irq_on');
  const md = T.hover(fx, 'setup.c', p.line, p.column);
  const calls = readFileSync(join(FIXTURE, 'setup.c'), 'utf8').split('\n').flatMap((l, i) => (l.trim() === 'irq_on();' ? [i] : []));
  assert.equal(calls.length, 2);
  assert.ok(md.includes(`entered from \`__start_xen\` at ${linkTo(FIXTURE, 'setup.c', calls[0])}, \`__start_xen\` at ${linkTo(FIXTURE, 'setup.c', calls[1])}`), md);
  const again = T.hover(fx, 'setup.c', calls[1], 6);
  assert.match(again, /`irq_on` was walked before from the same state: its effects are replayed as step \d+\./);
  assert.doesNotMatch(again, /Reached \d+ times/);
  // several path states: the IDT of each, and IF set by the replayed call
  assert.match(again, /State before \(2 path states\): IDT differs between paths: `idt_table` \(2\/256 gates present; IST on vector 2 \(NMI\)→IST 2\) or empty \(limit 0\)/);
  assert.match(again, /State after the call returns \(after step \d+\) \(2 path states\): .*\*\*IF=1 \(interrupts enabled\)\*\*/);
});

test('hover: null where nothing is boot-relevant', () => {
  const q = (file, snippet, word) => { const p = posOf(EXAMPLE, file, snippet, word); return T.hover(a, file, p.line, p.column); };
  assert.equal(q('boot/x86_64.S', 'andq    $0xffff,%rax', 'andq'), null);
  assert.equal(q('traps.c', 'tss->bitmap = 0x8000;', 'bitmap'), null);
  assert.equal(q('traps.c', 'static char ist_stacks', 'ist_stacks'), null);
  assert.equal(q('boot/x86_64.S', 'Boot CPU: point every vector', 'vector'), null);
  assert.equal(T.hover(a, 'traps.c', 10_000, 0), null);
  assert.equal(T.hover(a, 'no/such/file.c', 0, 0), null);
  // blank space before a step's code is not the step
  const lidt = posOf(EXAMPLE, 'boot/x86_64.S', 'lidt    idt_descr(%rip)', 'lidt');
  assert.equal(T.hover(a, 'boot/x86_64.S', lidt.line, 0), null);
});

test('hover: markdown escaping of code and plain text', () => {
  assert.equal(T.code('a`b  c'), '`ab c`');
  assert.equal(T.code('``'), '');
  assert.equal(T.esc('x_y*<z>[w]'), 'x\\_y\\*\\<z\\>\\[w\\]');
  // every link points at an absolute file URI with a 1-based line, and no code span holds a backtick
  const p = posOf(EXAMPLE, 'boot/x86_64.S', 'lidt    idt_descr(%rip)', 'lidt');
  const md = T.hover(a, 'boot/x86_64.S', p.line, p.column);
  for (const m of md.matchAll(/\]\(([^)]*)\)/g)) assert.match(m[1], /^file:\/\/\/.*#L\d+$/);
  assert.equal((md.match(/`/g) ?? []).length % 2, 0);
});

// ---------------------------------------------------------------- speed

function hoverTimes(an, n) {
  const pos = [];
  for (const p of an.paths) for (const s of p.steps) pos.push([s.range.file, s.range.line, s.range.column + 1]);
  for (const fns of an.index.functions.values()) for (const f of fns) pos.push([f.nameRange.file, f.nameRange.line, f.nameRange.column]);
  const picked = Array.from({ length: n }, (_, i) => pos[Math.floor((i * pos.length) / n)]);
  T.hover(an, ...picked[0]); // builds the index
  const times = picked.map(([f, l, c]) => { const t0 = performance.now(); T.hover(an, f, l, c); return performance.now() - t0; }).sort((x, y) => x - y);
  return { p50: times[Math.floor(n * 0.5)], p95: times[Math.floor(n * 0.95)] };
}

test('hover: 100 hovers well under 10 ms each (examples/boot-hazards)', () => {
  const { p50, p95 } = hoverTimes(a, 100);
  assert.ok(p95 < 10, `p50 ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms`);
});

const XEN = process.env.TRAPLINE_XEN ?? '/tmp/xen/7e510a7b87';
test('hover: xen.git, the lidt in boot/x86_64.S and 100 hovers p95 < 10 ms', { skip: !existsSync(join(XEN, 'xen/arch/x86/boot/x86_64.S')) && `no xen tree at ${XEN}` }, async () => {
  const x = await api.analyze(XEN, { wasmDir: join(ROOT, 'dist') });
  const file = 'xen/arch/x86/boot/x86_64.S';
  const lines = readFileSync(join(XEN, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => /^\s*(\d+:)?\s*lidt\s+idt_descr\(%rip\)/.test(l));
  assert.ok(line >= 0);
  const md = T.hover(x, file, line, lines[line].indexOf('lidt'));
  assert.ok(md, 'the lidt has a hover');
  assert.match(md, /^`lidt idt_descr\(%rip\)` — loads the IDT `idt_table`/);
  for (const r of T.roles(x)) assert.ok(md.includes(`**${r.name}**`), `${r.name} reaches the lidt`);
  assert.doesNotMatch(md, /<macro>|\(file:\/\/\/[^)]*%3Cmacro%3E/);
  const { p50, p95 } = hoverTimes(x, 100);
  process.stdout.write(`# xen hover: p50 ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms\n`);
  assert.ok(p95 < 10, `p50 ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms`);
});
