// A role entered at any point of the same path gives the same findings from there on: the
// fixtures are checked with their roles' entries moved later along the path (into the shared
// long-mode code where the walk cannot tell the CPUs apart, or into C), by the real CLI.
//
//   node --test test/entry-robust.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const FIXTURES = join(ROOT, 'test/fixtures');

/** Warnings of `fixture` with `role`'s entry set to `entry` (the fixture's own roles otherwise), as "TL001 ap file:line". */
function warningsWith(fixture, moves = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-entry-'));
  try {
    cpSync(join(FIXTURES, fixture), dir, { recursive: true });
    const file = join(dir, '.trapline.json');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    for (const [role, entry] of Object.entries(moves)) {
      const r = config.roles.find((x) => x.name === role);
      assert.ok(r, `${fixture} has a role ${role}`);
      r.entry = entry;
    }
    writeFileSync(file, JSON.stringify(config));
    let out;
    try {
      out = execFileSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      if (e.status !== 1) throw e;
      out = e.stdout;
    }
    const report = JSON.parse(out);
    for (const [role, entry] of Object.entries(moves)) assert.equal(report.roles.find((r) => r.name === role).entry, entry, `${role} entered at ${entry}`);
    return report.findings.filter((f) => f.severity === 'warning').map((f) => `${f.rule} ${f.role} ${f.location.file}:${f.location.line}`).sort();
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('entry-moved-fred: a correct FRED tree is silent whether the boot CPU is entered at start, at the shared __high_start or in C', () => {
  // At __high_start the walk cannot tell the CPUs apart (%ebx is unknown), so the boot CPU's role
  // also walks the AP branch: there `write_cr4(mmu_cr4_features)` keeps CR4.FRED on, because the
  // boot CPU ORs FRED into that word before any AP starts. Memory at an entry reached through
  // code the walk did not see holds what that code may have written.
  assert.deepEqual(warningsWith('entry-moved-fred'), []);
  assert.deepEqual(warningsWith('entry-moved-fred', { bsp: '__high_start' }), []);
  assert.deepEqual(warningsWith('entry-moved-fred', { bsp: '__start_xen' }), []);
  assert.deepEqual(warningsWith('entry-moved-fred', { ap: 'start_secondary' }), []);
});

test('entry-moved-fred: an empty IDT while CR4.FRED is on is no critical region (TL100): events are delivered through FRED', () => {
  const dir = join(FIXTURES, 'entry-moved-fred');
  const out = execFileSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out).findings.filter((f) => f.rule === 'TL100'), []);
});

test('a real hazard stays where it is when its role is entered later on the same path (TL001 ap, TL001 bsp, TL002 ap)', () => {
  const ap = ['TL001 ap smpboot.c:22'];
  assert.deepEqual(warningsWith('tl001-ap-lidt-before-ltr'), ap);
  assert.deepEqual(warningsWith('tl001-ap-lidt-before-ltr', { ap: 'start_secondary' }), ap);
  assert.deepEqual(warningsWith('tl001-ap-lidt-before-ltr', { bsp: '__start_xen' }), ap);
  const bsp = ['TL001 bsp traps.c:38'];
  assert.deepEqual(warningsWith('tl001-bsp-ist-before-ltr'), bsp);
  assert.deepEqual(warningsWith('tl001-bsp-ist-before-ltr', { bsp: '__start_xen' }), bsp);
  // the boot CPU entered where both CPUs meet walks the AP branch too, without a finding of its own there
  assert.deepEqual(warningsWith('tl002-ap-mce-features-word', { bsp: '__high_start' }), ['TL002 ap boot/head.S:24']);
});
