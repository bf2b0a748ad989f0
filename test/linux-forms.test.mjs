// Linux read as its build reads it: headers under the kernel configuration (the native
// `load_idt()` macro, not the paravirt wrapper of another branch), a source file's own macros
// (idt.c's `G()`, not a cipher's `.S` one), enumeration constants (`GATE_INTERRUPT`), a type
// spelled by a macro (`#define u16 unsigned short` in a driver), `.section ".init.text"` quoted,
// and entry stubs declared by a macro (`DECLARE_IDTENTRY(exc_nmi)` -> `asm_exc_nmi`).
//
//   node --test test/linux-forms.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const TREE = join(ROOT, 'test/fixtures/forms-linux-config');

function check(dir) {
  const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout);
}
const places = (rep) => rep.findings.filter((f) => f.severity === 'warning').map((f) => `${f.rule} ${f.role} ${f.location.file}:${f.location.line}`).sort();

test('forms-linux-config: under its configuration (no PARAVIRT_XXL) the AP loads the shared IDT before its TSS (TL001 [ap]) and the early stubs survive on 20-31 (TL003 [bsp])', () => {
  const rep = check(TREE);
  assert.match(rep.configuration ?? '', /x86_64_defconfig/);
  assert.deepEqual(places(rep), ['TL001 ap arch/x86/include/asm/desc.h:22', 'TL003 bsp arch/x86/kernel/idt.c:120']);
  const tl001 = rep.findings.find((f) => f.rule === 'TL001');
  assert.deepEqual(tl001.vectors, [1, 2, 8, 18], 'the IST records of ist_idts, their gate type an enumeration constant');
  const tl003 = rep.findings.find((f) => f.rule === 'TL003');
  assert.match(tl003.message, /early_idt_handler_array\[\] \(init section\)/, 'the stubs sit in `.section ".init.text"`');
  assert.deepEqual(tl003.vectors, Array.from({ length: 12 }, (_, i) => 20 + i), 'trap_init rewrote 0-19 with the asm_exc_* stubs DECLARE_IDTENTRY declares');
});

test('forms-linux-config: without a Kconfig, every branch of desc.h is read and the paravirt wrapper hides the lidt: a TL900 note, no guess', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-linux-forms-'));
  try {
    cpSync(TREE, dir, { recursive: true });
    rmSync(join(dir, 'Kconfig'));
    const rep = check(dir);
    assert.equal(rep.configuration ?? null, null);
    assert.deepEqual(places(rep), []);
    assert.ok(rep.findings.some((f) => f.rule === 'TL900' && /pv_cpu_ops\.\w+\(\)/.test(f.message)), JSON.stringify(rep.findings.map((f) => f.message)));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('forms-linux-config: "kconfig" in .trapline.json names a build folder (O=) whose .config decides: with PARAVIRT_XXL the lidt is behind pv_ops (a TL900 note), and the report says which .config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-linux-forms-'));
  try {
    cpSync(TREE, dir, { recursive: true });
    mkdirSync(join(dir, 'build'));
    writeFileSync(join(dir, 'build/.config'), 'CONFIG_X86_64=y\nCONFIG_PARAVIRT=y\nCONFIG_PARAVIRT_XXL=y\n');
    writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ kconfig: 'build' }));
    const rep = check(dir);
    assert.match(rep.configuration ?? '', /build\/\.config/);
    assert.deepEqual(places(rep).filter((p) => p.startsWith('TL001')), []);
    assert.ok(rep.findings.some((f) => f.rule === 'TL900' && /pv_cpu_ops\.\w+\(\)/.test(f.message)));
    // a path out of the tree is refused, with the defaults used
    writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ kconfig: '../elsewhere' }));
    const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.match(r.stderr, /\.trapline\.json:1:\d+: error: \.trapline\.json: "kconfig" must be the path of a \.config or of a build folder holding one, relative to the workspace root and inside it; using the defaults/);
    assert.match(JSON.parse(r.stdout).configuration ?? '', /x86_64_defconfig/);
    // a folder that holds no .config is said where it is named, and the defaults are used
    writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ kconfig: 'no-such-build' }));
    const missing = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.match(missing.stderr, /\.trapline\.json:1:\d+: error: \.trapline\.json: "kconfig" names "no-such-build", which is neither a \.config nor a folder holding one; using the defaults/);
    assert.match(JSON.parse(missing.stdout).configuration ?? '', /x86_64_defconfig/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
