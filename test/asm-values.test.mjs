// Values in assembly: a register loaded with a label's address and jumped through, a code
// pointer pushed and reached by `lretq`, a data word assembled with a code address
// (`SYM_DATA(initial_code, .quad x86_64_start_kernel)`) that C overwrites before it starts an AP.
// Roles entered where real CPUs start, in assembler.
//
//   node --test test/asm-values.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const MISSED = join(ROOT, 'test/fixtures/entry-head64-missed');

function report(dir) {
  const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout);
}
const warnings = (rep) => rep.findings.filter((f) => f.severity === 'warning');
const places = (ws) => ws.map((f) => `${f.rule} ${f.location.file}:${f.location.line}`).sort();

/** A copy of the fixture with one file's text changed. */
function edited(file, change) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-asm-values-'));
  cpSync(MISSED, dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
  return dir;
}

test('entry-head64-missed: entered at startup_64 and secondary_startup_64 (no .trapline.json), both reach C through `movq $1f,%rax; jmp *%rax` and the lretq through initial_code: TL003 [bsp] and TL001 [ap], as from the C entries', () => {
  const rep = report(MISSED);
  assert.deepEqual(rep.roles.map((r) => `${r.name}@${r.entry}`), ['bsp@startup_64', 'ap@secondary_startup_64']);
  const ws = warnings(rep);
  assert.deepEqual(places(ws), ['TL001 arch/x86/include/asm/desc.h:22', 'TL003 arch/x86/kernel/idt.c:118']);
  assert.deepEqual(rep.findings.filter((f) => f.rule === 'TL900'), [], 'no jump left unresolved');
  // the boot CPU reads initial_code as assembled; the AP what do_boot_cpu stored before starting it
  assert.deepEqual(ws.find((f) => f.rule === 'TL003').chain.map((c) => c.symbol), ['startup_64', 'x86_64_start_kernel', 'idt_setup_early_handler']);
  assert.deepEqual(ws.find((f) => f.rule === 'TL001').chain.map((c) => c.symbol), ['secondary_startup_64', 'start_secondary', 'load_current_idt']);
});

test('entry-head64-missed: the thread rest_init starts (kernel_thread(kernel_init, ...)) is the next part of the path: it starts the APs and frees init memory; freeing the initrd frees no init code', () => {
  const tl003 = warnings(report(MISSED)).find((f) => f.rule === 'TL003');
  assert.match(tl003.message, /when init memory is freed by `free_initmem\(\)` at init\/main\.c:29/);
});

test('entry-head64-missed: an AP reads the code word as the code that starts the APs stored it, not the suspend path\'s store elsewhere', () => {
  // without do_boot_cpu's store, the one store left (the suspend path's) is what a later CPU finds there
  const dir = edited('arch/x86/kernel/smpboot.c', (t) => t.replace('initial_code = (unsigned long)start_secondary;', ''));
  try {
    const rep = report(dir);
    assert.deepEqual(places(warnings(rep)), ['TL003 arch/x86/kernel/idt.c:118'], 'the AP no longer reaches start_secondary');
    const ap = rep.roles.find((r) => r.name === 'ap');
    assert.ok(!ap.steps.some((s) => /start_secondary|x86_64_start_kernel/.test(s.file + s.text)), JSON.stringify(ap.steps.map((s) => s.text)));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('entry-head64-missed: a register jumped through that holds no known address is said (TL900), not guessed', () => {
  const dir = edited('arch/x86/kernel/head_64.S', (t) => t.replace('movq\t$1f, %rax', 'movq\t8(%rsp), %rax'));
  try {
    const rep = report(dir);
    const notes = rep.findings.filter((f) => f.rule === 'TL900').map((f) => `${f.role} ${f.location.file}:${f.location.line} ${f.message}`);
    assert.ok(notes.some((n) => /^bsp arch\/x86\/kernel\/head_64\.S:24 .*cannot follow `jmp \*%rax`/.test(n)), notes.join('\n'));
    assert.deepEqual(places(warnings(rep)), []);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
