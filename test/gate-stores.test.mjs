// Gate writes decoded from what the code stores, whatever the writer is called: a gate half
// composed from a handler's address bits (`(a & 0xffff) | ... | ((a & 0xffff0000) << 32)`), and an
// IST field rewritten in place, read by the x86-64 gate layout (server/src/effects/gate-word.ts).
//
//   node --test test/gate-stores.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');

function report(fixture) {
  try {
    return JSON.parse(execFileSync(process.execPath, [CLI, 'check', join(ROOT, 'test/fixtures', fixture), '--format', 'json', '--no-cache'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    if (e.status !== 1) throw e;
    return JSON.parse(e.stdout);
  }
}

test('gate-writer-renamed: gates written by write_gate()/gate_set_stack() (no profile name) give the vectors the code set, and the one real IST hazard', () => {
  const r = report('gate-writer-renamed');
  const warnings = r.findings.filter((f) => f.severity === 'warning');
  assert.deepEqual(warnings.map((f) => `${f.rule} ${f.location.file}:${f.location.line}`).sort(), [
    'TL001 traps.c:53',
    'TL003 boot/head.S:32',
  ]);
  const tl003 = warnings.find((f) => f.rule === 'TL003');
  // trap_init rewrote 0-8, 10-14, 16-19 and 32-255 with real handlers; the placeholder survives on the rest
  assert.deepEqual(tl003.vectors, [9, 15, ...Array.from({ length: 12 }, (_, i) => 20 + i)]);
  const tl001 = warnings.find((f) => f.rule === 'TL001');
  assert.deepEqual(tl001.vectors, [8]);
  // reported at the call that hands the gate over, as the boot code reads, not inside the writer
  assert.match(tl001.message, /`gate_set_stack\(&idt_table\[TRAP_double_fault\], IST_DF\)`/);
  assert.deepEqual(tl001.chain.at(-1), { symbol: '__start_xen', file: 'setup.c', line: 15 }, 'the chain ends at the call of trap_init: the store inside gate_set_stack is its caller\'s step');
});

/** Warnings as `RULE file:line`, sorted. */
const warningsOf = (fixture) => report(fixture).findings.filter((f) => f.severity === 'warning');
const places = (ws) => ws.map((f) => `${f.rule} ${f.location.file}:${f.location.line}`).sort();

test('forms-retarget-fixed: a macro that fills whole gates (disabled, then present) and a helper that retargets live gates through a copy built field by field: every placeholder is replaced before init memory is freed, no warning', () => {
  assert.deepEqual(places(warningsOf('forms-retarget-fixed')), []);
});

test('forms-retarget-missed: the retarget loop stops at vector 20, so 20-31 keep the init-section placeholder (TL003 at the IDT_FILL that installed them)', () => {
  const ws = warningsOf('forms-retarget-missed');
  assert.deepEqual(places(ws), ['TL003 traps.c:16']);
  assert.deepEqual(ws[0].vectors, Array.from({ length: 12 }, (_, i) => 20 + i));
  assert.match(ws[0].message, /still point at early_fault \(init section\) when init memory is freed by `free_init_memory\(\)` at setup\.c:12/);
});

test('forms-cr4-shadow-fixed: CR4.MCE set through a shadow word and helpers no profile names, after the #MC gate is written and the IDT loaded: no warning', () => {
  assert.deepEqual(places(warningsOf('forms-cr4-shadow-fixed')), []);
});

test('forms-cr4-shadow-early: the same helpers before any IDT is loaded: TL002 at the mov to CR4, closed by the lidt', () => {
  const ws = warningsOf('forms-cr4-shadow-early');
  assert.deepEqual(places(ws), ['TL002 include/cpu.h:21']);
  assert.match(ws[0].message, /sets CR4\.MCE \(bit 6\) while no IDT is loaded, until `lidt d` at traps\.c:21/);
});

// Linux's way: gates described by tables of `{ .vector, .bits.ist, .bits.type, .bits.p, .addr }`
// records (built by macros), walked by `for (; size > 0; t++, size--)`, each record laid into a
// local `gate_desc` field by field (`offset_low`, `segment`, `bits`, `offset_middle`,
// `offset_high`) by a callee handed its address, then copied into the table with `memcpy`: the
// gate is decoded by the layout of the tree's own struct (bitfields included), no name known.

test('forms-idt-table-missed: the early stubs stay on vectors 20-31 (TL003 [bsp]); an AP loads the shared table, IST on #DB/NMI/#DF/#MC, before its TSS (TL001 [ap], closed by the ltr in cpu_init)', () => {
  const ws = warningsOf('forms-idt-table-missed');
  assert.deepEqual(places(ws), ['TL001 arch/x86/include/asm/desc.h:22', 'TL003 arch/x86/kernel/idt.c:118']);
  const tl003 = ws.find((f) => f.rule === 'TL003');
  assert.deepEqual(tl003.vectors, Array.from({ length: 12 }, (_, i) => 20 + i));
  assert.match(tl003.message, /still point at early_idt_handler_array\[\] \(init section\) when init memory is freed by `free_initmem\(\)`/);
  const tl001 = ws.find((f) => f.rule === 'TL001');
  assert.equal(tl001.role, 'ap');
  assert.deepEqual(tl001.vectors, [1, 2, 8, 18], 'the vectors of ist_idts, whose records set bits.ist');
  assert.match(tl001.message, /until `ltr GDT_ENTRY_TSS\*8` at arch\/x86\/include\/asm\/desc\.h:27/);
  assert.deepEqual(tl001.chain.map((c) => c.symbol), ['start_secondary', 'load_current_idt'], 'load_idt() is a macro that forwards to native_load_idt()');
});

test('forms-idt-table-fixed: the reserved vectors get a handler outside init text, and the AP loads its TSS first: no warning', () => {
  assert.deepEqual(places(warningsOf('forms-idt-table-fixed')), []);
});
