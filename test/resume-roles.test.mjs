// Roles that start after boot: the boot CPU back from S3 (`"kind": "resume"`) and an AP brought
// online later (`"kind": "ap", "after": "boot"`). Their CPU starts from reset, their memory is what
// the boot CPU's path left: gates with their IST indices, TSS slots, per-CPU table slots, features
// words, init memory freed. The fixtures are analysed by the real CLI (build first:
// `node scripts/build.mjs`), the starting states through the engine's API.
//
//   node --test test/resume-roles.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import api from '../out/api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const FIXTURES = join(ROOT, 'test/fixtures');

/** The CLI's report of a directory, JSON or text; exit code 1 (findings) is not an error. */
function run(dir, format = 'json') {
  try {
    const out = execFileSync(process.execPath, [CLI, 'check', dir, '--format', format, '--no-cache'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { out, stderr: '' };
  } catch (e) {
    if (e.status !== 1) throw new Error(`trapline check ${dir} exited ${e.status}: ${e.stderr}`);
    return { out: e.stdout, stderr: e.stderr };
  }
}

const reports = new Map();
function check(fixture) {
  if (!reports.has(fixture)) reports.set(fixture, JSON.parse(run(join(FIXTURES, fixture)).out));
  return reports.get(fixture);
}

/** A copy of a fixture with its `.trapline.json` (and any file) changed, analysed, then removed. */
function checkCopy(fixture, edit, format = 'json') {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-resume-'));
  try {
    cpSync(join(FIXTURES, fixture), dir, { recursive: true });
    edit(dir);
    const r = run(dir, format);
    return format === 'json' ? JSON.parse(r.out) : r;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

function withRoles(roles) {
  return (dir) => {
    const file = join(dir, '.trapline.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), roles }));
  };
}

/** 1-based line of the only line of `file` in `fixture` that contains `snippet`. */
function lineOf(fixture, file, snippet) {
  const lines = readFileSync(join(FIXTURES, fixture, file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  assert.equal(hits.length, 1, `"${snippet}" should occur exactly once in ${fixture}/${file} (found on lines ${hits.join(', ') || 'none'})`);
  return hits[0];
}

const warnings = (r) => r.findings.filter((f) => f.severity === 'warning').map((f) => `${f.rule} ${f.role} ${f.location.file}:${f.location.line}`).sort();
const chainOf = (f) => f.chain.map((c) => `${c.symbol} ${c.file}:${c.line}`);

// ---------------------------------------------------------------- the boot CPU back from S3

test('resume: IST taken off the table before lidt and put back after ltr is silent', () => {
  const fx = 'resume-ist-cleared';
  const r = check(fx);
  assert.deepEqual(warnings(r), []);
  const s3 = r.roles.find((x) => x.name === 's3');
  assert.deepEqual([s3.kind, s3.after, s3.entry], ['resume', 'boot', 's3_resume']);
  // the gates it clears are the ones boot set: the table of the running system, not an empty one
  const texts = s3.steps.map((s) => s.text);
  const clear = texts.indexOf('set_ist(&idt[X86_EXC_NMI], IST_NONE)');
  const load = texts.indexOf('lidt *idtr'), tr = texts.indexOf('ltr sel'), set = texts.indexOf('set_ist(&idt[X86_EXC_NMI], IST_NMI)');
  assert.ok(clear >= 0 && clear < load && load < tr && tr < set, texts.join('\n'));
});

test('resume: the table still has IST from before suspend: TL001 on the resume role from its lidt to its ltr, nothing else', () => {
  const fx = 'resume-ist-stale';
  const r = check(fx);
  const lidt = lineOf(fx, 'include/asm/desc.h', '"lidt %0"');
  assert.deepEqual(warnings(r), [`TL001 s3 include/asm/desc.h:${lidt}`]);
  const f = r.findings.find((x) => x.rule === 'TL001');
  assert.deepEqual(f.vectors, [2, 8, 18]);
  assert.deepEqual(f.closes, { file: 'include/asm/desc.h', line: lineOf(fx, 'include/asm/desc.h', '"ltr %w0"'), text: 'ltr sel' });
  assert.deepEqual(chainOf(f), [
    `s3_resume acpi/wakeup_prot.S:${lineOf(fx, 'acpi/wakeup_prot.S', 'call    percpu_early_traps_init')}`,
    `percpu_early_traps_init traps.c:${lineOf(fx, 'traps.c', '    load_system_tables();')}`,
    `load_system_tables traps.c:${lineOf(fx, 'traps.c', 'lidt(&idtr);')}`,
  ]);
  assert.match(f.message, /^\[s3\] vector 2 \(NMI\), vector 8 \(#DF\), vector 18 \(#MC\) of the live IDT idt_table use an IST stack while no TSS is loaded/);
});

test('resume: the same fixture with the fix (resume-ist-cleared) differs only in the resume code', () => {
  // the pair is a true before/after: the boot path and its findings are the same
  const stale = check('resume-ist-stale'), cleared = check('resume-ist-cleared');
  // (line numbers aside: the fix adds lines to traps.c)
  const bsp = (r) => r.roles.find((x) => x.name === 'bsp').steps.map((s) => `${s.depth} ${s.file} ${s.text}`);
  assert.deepEqual(bsp(stale), bsp(cleared));
  assert.deepEqual(stale.findings.filter((f) => f.role === 'bsp').map((f) => f.fingerprint), cleared.findings.filter((f) => f.role === 'bsp').map((f) => f.fingerprint));
});

test('resume: a role of kind "other" at the same entry starts from empty memory and cannot see the window', () => {
  const r = checkCopy('resume-ist-stale', withRoles([{ name: 'bsp', entry: 'start' }, { name: 's3', kind: 'other', entry: 's3_resume' }]));
  assert.deepEqual(warnings(r), []);
});

test('resume: the resume role is walked after the boot CPU wherever the configuration lists it', () => {
  const r = checkCopy('resume-ist-stale', withRoles([{ name: 's3', kind: 'resume', entry: 's3_resume' }, { name: 'bsp', entry: 'start' }]));
  assert.deepEqual(r.roles.map((x) => x.name), ['s3', 'bsp']);
  assert.deepEqual(warnings(r), warnings(check('resume-ist-stale')));
});

test('resume: a role named s3 or resume* is of kind resume when it does not say', () => {
  const r = checkCopy('resume-ist-stale', withRoles([{ name: 'bsp', entry: 'start' }, { name: 's3-wake', entry: 's3_resume' }]));
  assert.equal(r.roles.find((x) => x.name === 's3-wake').kind, 'resume');
  assert.deepEqual(warnings(r), [`TL001 s3-wake include/asm/desc.h:${lineOf('resume-ist-stale', 'include/asm/desc.h', '"lidt %0"')}`]);
});

test('resume: the text report says which roles start after boot', () => {
  const { out } = checkCopy('resume-ist-stale', () => {}, 'text');
  assert.match(out, /roles bsp@start, s3@s3_resume \(resume\): 0 errors, 1 warnings, 1 notes\n$/);
});

test('resume: IDTR restored from the memory sidt stored it in is the running system\'s IDT; CR4 restored first is a TL002', () => {
  const fx = 'resume-saved-idtr';
  const r = check(fx);
  const ltr = lineOf(fx, 'traps.c', '"ltr %w0"');
  const cr4 = lineOf(fx, 'acpi/wakeup_prot.S', 'mov     %rax, %cr4');
  const lidt = lineOf(fx, 'acpi/wakeup_prot.S', 'lidt    saved_idt(%rip)');
  assert.deepEqual(warnings(r), [`TL001 s3 acpi/wakeup_prot.S:${lidt}`, `TL002 s3 acpi/wakeup_prot.S:${cr4}`]);
  // the TSS's IST slots were written at boot and are still in memory: loading TR closes both
  for (const f of r.findings.filter((x) => x.severity === 'warning')) assert.deepEqual(f.closes, { file: 'traps.c', line: ltr, text: 'ltr TSS_SELECTOR' });
  assert.match(r.findings.find((x) => x.rule === 'TL002').message, /may set CR4\.MCE \(bit 6\) while no IDT is loaded/);
  assert.match(r.findings.find((x) => x.rule === 'TL001').message, /of the live IDT idt_table use an IST stack while no TSS is loaded \(`lidt saved_idt\(%rip\)`\)/);
});

test('resume: without the sidt, the same descriptor is the zeros it was assembled with (an empty IDT), on any role', () => {
  const r = checkCopy('resume-saved-idtr', (dir) => {
    const file = join(dir, 'acpi/wakeup_prot.S');
    // (a comment in its place: the lines stay where they were)
    writeFileSync(file, readFileSync(file, 'utf8').replace('sidt    saved_idt(%rip)', '/* no sidt */'));
  });
  const fx = 'resume-saved-idtr';
  assert.deepEqual(warnings(r), [`TL002 s3 acpi/wakeup_prot.S:${lineOf(fx, 'acpi/wakeup_prot.S', 'mov     %rax, %cr4')}`]);
  assert.match(r.findings.find((x) => x.rule === 'TL002').message, /while no IDT is loaded/);
  assert.ok(r.findings.some((x) => x.rule === 'TL100' && x.role === 's3' && /the IDT is empty/.test(x.message)));
});

// ---------------------------------------------------------------- an AP brought online after boot

test('hot-plug: an AP started after boot loads the shared table with the IST indices boot set: TL001; the APs started at boot are fine', () => {
  const fx = 'hotplug-ap-ist-table';
  const r = check(fx);
  assert.deepEqual(warnings(r), [
    `TL001 hotplug include/asm/desc.h:${lineOf(fx, 'include/asm/desc.h', '"lidt %0"')}`,
    `TL004 hotplug smpboot.c:${lineOf(fx, 'smpboot.c', 'percpu_traps_init();')}`,
  ]);
  const f = r.findings.find((x) => x.rule === 'TL001');
  assert.deepEqual(f.closes, { file: 'include/asm/desc.h', line: lineOf(fx, 'include/asm/desc.h', '"ltr %w0"'), text: 'ltr sel' });
  assert.deepEqual(chainOf(f), [
    `ap_start boot/head.S:${lineOf(fx, 'boot/head.S', 'call    start_secondary')}`,
    `start_secondary smpboot.c:${lineOf(fx, 'smpboot.c', 'load_system_tables();')}`,
    `load_system_tables traps.c:${lineOf(fx, 'traps.c', 'lidt(&idtr);')}`,
  ]);
  const hotplug = r.roles.find((x) => x.name === 'hotplug');
  assert.deepEqual([hotplug.kind, hotplug.after], ['ap', 'boot']);
  assert.equal(r.roles.find((x) => x.name === 'ap').after, undefined);
});

test('hot-plug: init memory is gone before the AP starts: calling into it is a TL004 naming the boot CPU\'s free point', () => {
  const fx = 'hotplug-ap-ist-table';
  const f = check(fx).findings.find((x) => x.rule === 'TL004');
  const free = lineOf(fx, 'setup.c', 'free_init_memory();');
  assert.equal(f.message, `[hotplug] start_secondary calls percpu_traps_init (.init.text) after init memory was freed at boot (by \`free_init_memory()\` at setup.c:${free} on the bsp path): it jumps into freed memory.`);
});

test('hot-plug: the text report names the role\'s kind', () => {
  const { out } = checkCopy('hotplug-ap-ist-table', () => {}, 'text');
  assert.match(out, /roles bsp@start, ap@ap_start, hotplug@ap_start \(ap after boot\): /);
});

// ---------------------------------------------------------------- the states they start in

test('start states: the resume role is the boot CPU out of reset in its own memory; a hot-plugged AP shares only the tables and words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-resume-'));
  try {
    cpSync(join(FIXTURES, 'resume-ist-stale'), dir, { recursive: true });
    withRoles([{ name: 'bsp', entry: 'start' }, { name: 's3', kind: 'resume', entry: 's3_resume' }, { name: 'late', kind: 'ap', after: 'boot', entry: 's3_resume' }])(dir);
    const a = await api.analyze(dir, { wasmDir: join(ROOT, 'dist') });
    try {
      const [bsp, s3, late] = a.paths;
      const end = bsp.steps[bsp.steps.length - 1].after[0];
      assert.ok(end.istSlots !== 0 && end.tssLoaded && end.initFreed && (end.cr4Must & 0x40n) !== 0n);
      const start = s3.steps[0].before[0];
      // the CPU: reset
      assert.deepEqual([start.idt.kind, start.tssLoaded, start.cr4Must, start.cr4May, start.iflag], ['none', false, 0n, 0n, false]);
      // the memory: the booted system's, this CPU's own parts included
      assert.equal(start.tables.get('idt_table'), end.tables.get('idt_table'));
      assert.equal(start.tables.get('idt_table')[2].ist, 2);
      assert.equal(start.istSlots, end.istSlots);
      assert.equal(start.percpu.get('idt_tables'), 'idt_table');
      assert.deepEqual(start.savedIdt, end.idt);
      assert.equal(start.initFreed, true);
      // another CPU: the same shared memory, none of the boot CPU's own
      const other = late.steps[0].before[0];
      assert.equal(other.tables.get('idt_table'), end.tables.get('idt_table'));
      assert.deepEqual([other.istSlots, other.percpu.size, other.savedIdt.kind, other.initFreed], [0, 0, 'unknown', true]);
    } finally { a.index.dispose(); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

// ---------------------------------------------------------------- configuration

/** Roles and problems of a `.trapline.json` text, as loadConfig reads it. */
function configOf(text) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-resume-config-'));
  try {
    writeFileSync(join(dir, '.trapline.json'), text);
    const c = api.loadConfig(dir, api.RULE_IDS);
    return { roles: c.roles, problems: c.problems.map((p) => p.message) };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('config: "kind": "resume" is the boot CPU after boot; "after": "boot" makes any kind start after boot', () => {
  const { roles, problems } = configOf(JSON.stringify({ profile: 'generic', roles: [
    { name: 'bsp', entry: 'start' },
    { name: 'wake', kind: 'resume', entry: 's3_resume' },
    { name: 'online', kind: 'ap', after: 'boot', entry: 'ap_start' },
    { name: 'ap', entry: 'ap_start' },
    { name: 'kexec', kind: 'other', after: 'boot', entry: 'purgatory' },
    { name: 'resume2', entry: 'wakeup' },
  ] }));
  assert.deepEqual(problems, []);
  assert.deepEqual(roles, [
    { name: 'bsp', entry: 'start', kind: 'bsp' },
    { name: 'wake', entry: 's3_resume', kind: 'bsp', after: 'boot' },
    { name: 'online', entry: 'ap_start', kind: 'ap', after: 'boot' },
    { name: 'ap', entry: 'ap_start', kind: 'ap' },
    { name: 'kexec', entry: 'purgatory', kind: 'other', after: 'boot' },
    { name: 'resume2', entry: 'wakeup', kind: 'bsp', after: 'boot' },
  ]);
});

for (const [what, role] of [
  ['an unknown kind ("hotplug")', { name: 'cpu', kind: 'hotplug', entry: 'ap_start' }],
  ['"after" other than "boot"', { name: 'ap', after: 'smp', entry: 'ap_start' }],
  ['"after" that is not a string', { name: 'ap', after: true, entry: 'ap_start' }],
]) {
  test(`config: ${what} is reported with the shape of a role, and the profile's roles are used`, () => {
    const { roles, problems } = configOf(JSON.stringify({ profile: 'generic', roles: [{ name: 'bsp', entry: 'start' }, role] }));
    assert.deepEqual(problems, ['.trapline.json: "roles" must be a list of { "name": string, "entry": string | string[], "via"?: string[], "kind"?: "bsp" | "ap" | "resume" | "other", "after"?: "boot" } (item 2 is not)']);
    assert.deepEqual(roles, api.PROFILES.generic.roles);
  });
}

test('config: the xen profile checks the S3 resume path by default (s3_resume, __ret_point in older trees)', () => {
  const s3 = api.PROFILES.xen.roles.find((r) => r.name === 's3');
  assert.deepEqual(s3, { name: 's3', entry: ['s3_resume', '__ret_point'], kind: 'bsp', after: 'boot' });
  assert.deepEqual(api.PROFILES.linux.roles.map((r) => r.name), ['bsp', 'ap']);
});

test('config: the settings schema in package.json offers the same kinds and "after"', () => {
  const role = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties['trapline.roles'].items;
  assert.deepEqual(role.properties.kind.enum, ['bsp', 'ap', 'resume', 'other']);
  assert.deepEqual(role.properties.after.enum, ['boot']);
});

test('faces: the panel\'s roles and the hover name a role that starts after boot as such', async () => {
  const a = await api.analyze(join(FIXTURES, 'resume-ist-stale'), { wasmDir: join(ROOT, 'dist') });
  try {
    const s3 = api.timeline.roles(a).find((r) => r.afterBoot);
    assert.ok(s3, JSON.stringify(api.timeline.roles(a)));
    assert.equal(s3.kind, 'bsp');
    assert.ok(api.timeline.roles(a).filter((r) => r.name !== s3.name).every((r) => r.afterBoot === false));
    // hover on a step only the resume path reaches: the role header says it resumes after boot
    const p = a.paths.find((x) => x.role.name === s3.name);
    const own = p.steps.find((s) => !a.paths.some((q) => q !== p && q.steps.some((t) => t.range.file === s.range.file && t.range.line === s.range.line)));
    const md = api.timeline.hover(a, own.range.file, own.range.line, own.range.column);
    assert.match(md, new RegExp(`\\*\\*${s3.name}\\*\\* \\(boot CPU, resuming after boot`));
  } finally { a.index.dispose(); }
});
