// Reliability of the configuration and of what the faces print (issue 19), through the built CLI
// and the bundled language server (test/helpers/faces.mjs) and the panel's script
// (test/helpers/panel-page.mjs); build first: `node scripts/build.mjs`.
//
// - `.trapline.json` that is not a regular file inside the tree (/dev/zero, a FIFO, a link out
//   of the tree, a directory): reported, not read, the defaults used; never a hang or its bytes.
// - Hostile sizes: 40,000 unknown keys, 20,000 roles, exclude globs that backtrack, JSON nested
//   20,000 deep, duplicate roles: bounded runs and one precise message per limit.
// - Editor settings go through the validator of `.trapline.json`.
// - Control characters from the tree are shown escaped in text output, stderr and hovers.
//
//   node --test test/reliability-config.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FIXED, HAZARDS, ROOT, privateCache, report, startServer, tempCopy, trapline, traplineWith } from './helpers/faces.mjs';
import { hostileTimeline, page } from './helpers/panel-page.mjs';
import api from '../out/api.js';

privateCache('trapline-reliability-config-cache-');

/** examples/boot-hazards without its .trapline.json: the generic profile's roles and every rule. */
const DEFAULTS = /profile generic, roles bsp@start, ap@ap_start: 0 errors, 5 warnings/;

/** A copy of examples/boot-hazards whose `.trapline.json` is made by `make(path)`. */
function hazardsWith(make) {
  const dir = tempCopy(HAZARDS);
  rmSync(join(dir, '.trapline.json'));
  make(join(dir, '.trapline.json'));
  return dir;
}

/** The stderr lines about `.trapline.json`. */
const configLines = (stderr) => stderr.split('\n').filter((l) => l.startsWith('.trapline.json:'));

/** A check that must end within `ms` with the defaults' findings and one line saying what is wrong with the file. */
function checkedWithDefaults(dir, message, ms = 15000) {
  const r = traplineWith({ timeout: ms }, 'check', dir);
  assert.ok(!r.timedOut, `no answer in ${ms} ms`);
  assert.equal(r.status, 1, `exit ${r.status} (signal ${r.signal}): ${r.stderr.slice(0, 500)}`);
  assert.match(r.stdout, DEFAULTS);
  const lines = configLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr.slice(0, 2000));
  assert.match(lines[0], message);
  return r;
}

// ================================================================ the file itself (items 1-4)

test('config file: a symbolic link to /dev/zero is not read (it never ends): the defaults and one line, in bounded time', () => {
  const dir = hazardsWith((f) => symlinkSync('/dev/zero', f));
  checkedWithDefaults(dir, /^\.trapline\.json:1:1: error: \.trapline\.json: a symbolic link to a file outside the workspace \(not read\); using the defaults$/);
});

test('config file: a FIFO is not opened for a blocking read: the CLI ends with the defaults and one line', () => {
  const dir = hazardsWith((f) => execFileSync('mkfifo', [f]));
  checkedWithDefaults(dir, /^\.trapline\.json:1:1: error: \.trapline\.json: not a regular file \(FIFO\); using the defaults$/);
});

test('config file: a FIFO does not hang the language server: the defaults are analysed and the file gets a diagnostic', async () => {
  const s = await startServer(HAZARDS, (root) => { rmSync(join(root, '.trapline.json')); execFileSync('mkfifo', [join(root, '.trapline.json')]); });
  try {
    // the analysis's diagnostics come one file at a time: the config file's may follow the TL001 ones
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL001') && s.diags.has(s.uri('.trapline.json')), 'the analysis with the defaults', 15000);
    const d = s.diags.get(s.uri('.trapline.json')) ?? [];
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0].message, '.trapline.json: not a regular file (FIFO); using the defaults');
  } finally { s.kill(); }
});

test('config file: a symbolic link to a file outside the tree is neither obeyed nor echoed (/proc/self/environ: the environment)', () => {
  const outside = tempCopy(null);
  writeFileSync(join(outside, 'config.json'), '{ "rules": { "TL001": "off" } }\n');
  const obeyed = hazardsWith((f) => symlinkSync(join(outside, 'config.json'), f));
  checkedWithDefaults(obeyed, /outside the workspace/);
  assert.ok(report(obeyed).report.findings.some((f) => f.rule === 'TL001'), 'TL001 is not turned off by a file outside the tree');

  const environ = hazardsWith((f) => symlinkSync('/proc/self/environ', f));
  const canary = 'TRAPLINE_CANARY_7f3e9a';
  const r = traplineWith({ timeout: 15000, env: { [canary]: canary } }, 'check', environ);
  assert.equal(r.status, 1, r.stderr);
  assert.ok(!r.stderr.includes(canary) && !r.stdout.includes(canary), 'the environment appears in the output');
  assert.doesNotMatch(r.stderr, /PATH=|HOME=|SHELL=/);
  assert.match(configLines(r.stderr)[0], /outside the workspace/);
});

test('config file: a directory is reported as not a regular file and the defaults are analysed (not exit 2 without analysis)', () => {
  const dir = hazardsWith((f) => mkdirSync(f));
  checkedWithDefaults(dir, /^\.trapline\.json:1:1: error: \.trapline\.json: not a regular file \(directory\); using the defaults$/);
});

test('config file: a symbolic link to a regular file inside the tree is read', () => {
  const dir = hazardsWith((f) => { writeFileSync(join(f, '..', 'conf.json'), '{ "rules": { "TL001": "off" } }\n'); symlinkSync('conf.json', f); });
  const { report: rep, stderr } = report(dir);
  assert.equal(configLines(stderr).length, 0, stderr);
  assert.ok(!rep.findings.some((f) => f.rule === 'TL001'), 'TL001 is off');
});

// ================================================================ sizes (item 5)

test('config: 40,000 unknown keys are reported in one pass: the first 100, then one line counting the rest', () => {
  const keys = Array.from({ length: 40000 }, (_, i) => `  "k${i}": 1`);
  const dir = hazardsWith((f) => writeFileSync(f, `{\n${keys.join(',\n')}\n}\n`));
  const r = traplineWith({ timeout: 20000 }, 'check', dir);
  assert.ok(!r.timedOut, 'no answer in 20 s');
  assert.ok(r.ms < 10000, `${Math.round(r.ms)} ms`);
  const lines = configLines(r.stderr);
  assert.equal(lines.length, 101);
  assert.equal(lines[0], '.trapline.json:2:3: error: .trapline.json: unknown key "k0"; using the defaults');
  assert.equal(lines[99], '.trapline.json:101:3: error: .trapline.json: unknown key "k99"; using the defaults');
  assert.match(lines[100], /^\.trapline\.json:1:1: error: \.trapline\.json: 39900 more problems not shown; using the defaults$/);
  assert.match(r.stdout, DEFAULTS);
});

test('config: 20,000 roles: the first 64 are walked, and one line says the rest are ignored', () => {
  const roles = Array.from({ length: 20000 }, (_, i) => ({ name: `bsp${i}`, entry: 'start' }));
  const dir = hazardsWith((f) => writeFileSync(f, JSON.stringify({ profile: 'generic', roles })));
  const r = traplineWith({ timeout: 30000 }, 'check', dir, '--format', 'json');
  assert.ok(!r.timedOut, 'no answer in 30 s');
  assert.equal(r.status, 1, r.stderr);
  const lines = configLines(r.stderr);
  assert.equal(lines.length, 1, lines.slice(0, 5).join('\n'));
  assert.match(lines[0], /: error: \.trapline\.json: "roles": 20000 roles; roles past the 64th are ignored; using the defaults$/);
  assert.equal(JSON.parse(r.stdout).roles.length, 64);
});

// ================================================================ exclude globs (item 6)

test('config: an exclude glob that backtracks on a long name (*a*a*a*a*a*a*a*a*a*b) is refused naming the key and the limit; the run ends', () => {
  const dir = tempCopy(HAZARDS);
  writeFileSync(join(dir, `${'a'.repeat(200)}.c`), 'int x;\n');
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', exclude: ['*a*a*a*a*a*a*a*a*a*b', 'mm.c'] }, null, 2));
  const r = traplineWith({ timeout: 15000 }, 'check', dir, '--format', 'json');
  assert.ok(!r.timedOut, 'no answer in 15 s');
  const lines = configLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^\.trapline\.json:\d+:\d+: error: \.trapline\.json: "exclude" pattern "\*a\*a\*a\*a\*a\*a\*a\*a\*a\*b" has 10 "\*" in one path segment \(at most 2\); using the defaults$/);
  // the valid pattern beside it still applies
  assert.equal(JSON.parse(r.stdout).stats.files, report(HAZARDS).report.stats.files);
});

test('config: many globstars on deep folders (twelve `**/a/` on 30 nested folders) match at once, segment by segment', () => {
  const dir = tempCopy(HAZARDS);
  const deep = join(dir, ...Array(30).fill('a'));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'x.c'), 'int x;\n');
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', exclude: [`${'**/a/'.repeat(12)}b`, `${'**/a/'.repeat(12)}x.c`] }));
  const r = traplineWith({ timeout: 15000 }, 'check', dir, '--format', 'json');
  assert.ok(r.ms < 5000, `${Math.round(r.ms)} ms`);
  assert.equal(configLines(r.stderr).length, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).stats.files, report(HAZARDS).report.stats.files, 'a/.../a/x.c is excluded');
});

test('config: the globs within the limits keep their meaning (extglob, globstar, braces) and stay fast on hostile names', () => {
  const dir = tempCopy(HAZARDS);
  const deep = join(dir, ...Array(100).fill('a'));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, `${'a'.repeat(250)}.c`), 'int x;\n');
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', exclude: ['*a*b', '**/a/**/b', '**/*a*b/**', '!(boot|include|a)/**', '{mm,irq}.c'] }));
  const r = report(dir);
  assert.ok(r.ms < 10000, `${Math.round(r.ms)} ms`);
  assert.equal(configLines(r.stderr).length, 0, r.stderr);
  const all = report(HAZARDS).report.stats.files;
  const top = readdirSync(HAZARDS).filter((f) => /\.(c|S)$/.test(f)).length;
  // every top-level source file is excluded by !(boot|include|a)/** (a/** allows no folder); the 100-deep one stays
  assert.equal(r.report.stats.files, all - top + 1);
});

test('config: the worst globs within the limits stay fast on the longest paths (16 folders of 250 characters)', () => {
  const dir = tempCopy(HAZARDS);
  const deep = join(dir, ...Array(16).fill('a'.repeat(250)));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'x.c'), 'int x;\n');
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', exclude: ['**/*a*a/**/*a*a/b', '**/@(a|aa)@(a|aa)@(a|aa)*a*b/**'] }));
  const r = report(dir);
  assert.ok(r.ms < 5000, `${Math.round(r.ms)} ms`);
  assert.equal(configLines(r.stderr).length, 0, r.stderr);
  assert.equal(r.report.stats.files, report(HAZARDS).report.stats.files + 1);
});

test('config: an exclude pattern with a "/" inside a group is refused naming it (groups are matched within one segment)', () => {
  const dir = tempCopy(HAZARDS);
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', exclude: ['{boot,include/asm}/**'] }));
  assert.match(configLines(trapline('check', dir).stderr).join('\n'), /"exclude" pattern "\{boot,include\/asm\}\/\*\*" has a "\/" inside a group/);
});

test('config: the linux profile reads arch/x86 and skips the other architectures (arch/!(x86)/** excluded all of arch/)', () => {
  const dir = tempCopy(null);
  mkdirSync(join(dir, 'arch/x86/kernel'), { recursive: true });
  mkdirSync(join(dir, 'arch/arm'), { recursive: true });
  mkdirSync(join(dir, 'init'));
  writeFileSync(join(dir, 'arch/x86/kernel/head_64.S'), 'startup_64:\n\tret\n');
  writeFileSync(join(dir, 'arch/arm/a.c'), 'int a;\n');
  writeFileSync(join(dir, 'init/main.c'), 'int m;\n');
  const { report: rep } = report(dir);
  assert.equal(rep.profile, 'linux');
  assert.equal(rep.stats.files, 2, 'init/main.c and arch/x86/kernel/head_64.S');
  assert.equal(rep.stats.asmFiles, 1);
});

test('config: exclude patterns mean what picomatch means (files; folders with and without their trailing /), but for the empty name', () => {
  const picomatch = createRequire(import.meta.url)('picomatch');
  const patterns = [...Object.values(api.PROFILES).flatMap((p) => p.exclude), '*.c', '**/test*', 'a/**/b', '**/a/**', 'a/*/b', '?.c', '[ab].c', '[!a]*.c', 'a/', 'a/**/', '**', '*',
    '{mm,irq}.c', '@(a|b)/**', '!(x86)', '!tools/**', 'a\\*b', '**/.git/**', 'x/**/y/**/z.c', 'a**b', '.*', '*(a|b).c', '+(a|b).c', 'a/b/', 'a/**/b/**'];
  const files = ['a', 'b', 'a/b', 'a/x/b', 'a/x/y/b', 'a/b/c/b', 'tools/x.c', 'arch/x86/a.c', 'arch/arm/a.c', 'x.c', 'mm.c', 'irq.c', '.git/x', 'd/.git/x', 'test.c',
    'd/testing.S', 'x/y/z.c', 'x/q/y/r/z.c', 'a*b', 'axb', '.hidden', 'a.c', 'ab.c', 'ba.c', 'x.lds.S', 'k/x.lds.S', 'Documentation/x/y.c', 'xen/tools/a.c'];
  const folders = ['a', 'a/b', 'a/x', 'tools', 'arch', 'arch/x86', 'arch/arm', '.git', 'd/.git', 'x86', 'a.c', 'x/y', 'xen/tools'];
  for (const p of patterns) {
    assert.equal(api.excludePatternProblem(p), null, p);
    const ours = api.excludeMatcher([p]);
    const theirs = picomatch(p, { dot: true });
    for (const f of files) assert.equal(ours(f), theirs(f), `${p} on the file ${f}`);
    for (const d of folders) {
      // picomatch lets !(x86) match the empty name after `arch/`: every folder test of arch/ said "excluded"
      const expected = p === 'arch/!(x86)/**' && d === 'arch' ? false : theirs(d) || theirs(`${d}/`);
      assert.equal(ours(d) || ours(`${d}/`), expected, `${p} on the folder ${d}`);
    }
  }
});

// ================================================================ duplicates and depth (item 7)

test('config: a second role of the same name is reported and ignored; its findings are not reported twice', () => {
  const dir = tempCopy(HAZARDS);
  writeFileSync(join(dir, '.trapline.json'), '{\n  "profile": "generic",\n  "roles": [\n    { "name": "bsp", "entry": "start" },\n    { "name": "ap", "entry": "ap_start" },\n    { "name": "ap", "entry": "ap_start" }\n  ]\n}\n');
  const r = trapline('check', dir);
  const lines = configLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.equal(lines[0], '.trapline.json:6:5: error: .trapline.json: "roles": a second role named "ap" (item 3) is ignored; using the defaults');
  assert.match(r.stdout, DEFAULTS);
});

test('config: invalid JSON nested 20,000 deep is reported where it is wrong, not at 1:1', () => {
  const dir = hazardsWith((f) => writeFileSync(f, `\n\n${'['.repeat(20000)}x`));
  checkedWithDefaults(dir, /^\.trapline\.json:3:20001: error: \.trapline\.json: invalid JSON /);
});

test('fixed tree: a clean configuration stays clean (no problem reported by the new checks)', () => {
  const r = report(FIXED);
  assert.equal(configLines(r.stderr).length, 0, r.stderr);
  assert.equal(r.status, 0);
});

// ================================================================ editor settings (item 16)

/** A server on examples/boot-hazards without .trapline.json, with the client's `trapline.*` settings. */
async function withSettings(settings, f) {
  const s = await startServer(HAZARDS, (root) => rmSync(join(root, '.trapline.json')), { settings });
  try { await f(s); } finally { s.kill(); }
}
const tlDiags = (s) => [...s.diags.values()].flat().filter((d) => /^TL\d+$/.test(d.code));

test('settings: roles from trapline.roles get their kind from the name as in .trapline.json (the AP findings stay)', async () => {
  await withSettings({ profile: 'generic', roles: [{ name: 'bsp', entry: 'start' }, { name: 'ap', entry: 'ap_start' }] }, async (s) => {
    await s.until(() => tlDiags(s).filter((d) => d.severity === 2).length >= 5, 'the 5 warnings of examples/boot-hazards');
    assert.ok(tlDiags(s).some((d) => d.message.startsWith('[ap] ')), 'an AP finding');
    assert.deepEqual(s.messages, []);
  });
});

for (const [what, settings, message] of [
  ['trapline.roles: [null]', { roles: [null] }, /^Trapline: settings: "trapline\.roles" must be a list of .* \(item 1 is not\); using the defaults$/],
  ['trapline.exclude: [5]', { exclude: [5] }, /^Trapline: settings: "trapline\.exclude" must be a list of glob patterns; using the defaults$/],
  ['a severity "__proto__"', { rules: { TL001: '__proto__' } }, /^Trapline: settings: "trapline\.rules": severity of TL001 must be one of error, warning, information, hint, off; using the defaults$/],
  ['trapline.kconfig naming no .config', { kconfig: 'build/no-such.config' }, /^Trapline: settings: "trapline\.kconfig" names "build\/no-such\.config", which is neither a \.config nor a folder holding one; using the defaults$/],
]) {
  test(`settings: ${what} is reported in a warning message naming the setting, and the defaults are analysed`, async () => {
    await withSettings(settings, async (s) => {
      await s.until(() => tlDiags(s).filter((d) => d.code === 'TL001').length >= 2, 'the TL001 diagnostics of the defaults');
      for (const d of [...s.diags.values()].flat()) assert.ok([1, 2, 3, 4].includes(d.severity), `severity ${JSON.stringify(d.severity)}`);
      await s.until(() => s.messages.length > 0, 'a warning message');
      assert.equal(s.messages.length, 1, JSON.stringify(s.messages));
      assert.equal(s.messages[0].type, 2, 'a warning');
      assert.match(s.messages[0].message, message);
    });
  });
}

test('settings: the schema in package.json offers what the validator takes (roles with their kind)', () => {
  const props = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).sort(), ['trapline.exclude', 'trapline.kconfig', 'trapline.maxFileSize', 'trapline.profile', 'trapline.roles', 'trapline.rules']);
  const role = props['trapline.roles'].items;
  assert.deepEqual(Object.keys(role.properties).sort(), ['after', 'entry', 'kind', 'name', 'via']);
  assert.deepEqual(role.properties.kind.enum, ['bsp', 'ap', 'resume', 'other']);
  assert.deepEqual(role.properties.after.enum, ['boot']);
  assert.deepEqual(role.properties.entry.items, { type: 'string' });
});

// ================================================================ control characters (item 17)

/** Raw control characters other than the line breaks of the output itself. */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
const EVIL = 'traps\x1b]0;owned\x07\x1b[2J\nsetup.c:1:1: error: forged [TL001]\n.c';

test('faces: a file name with ANSI/OSC escapes and newlines cannot forge a finding line in the text report', () => {
  const dir = tempCopy(HAZARDS);
  renameSync(join(dir, 'traps.c'), join(dir, EVIL));
  const r = trapline('check', dir);
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stdout, RAW_CONTROL);
  for (const l of r.stdout.trimEnd().split('\n')) assert.match(l, /^(\S.*:\d+:\d+: (error|warning|information|hint): .* \[TL\d+\]|    via .*|    closes at .*|trapline: .*)$/, l);
  assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('setup.c:1:1: error: forged')), 'a forged finding line');
  assert.ok(r.stdout.includes('traps\\x1b]0;owned\\x07\\x1b[2J\\nsetup.c:1:1: error: forged [TL001]\\n.c:55:5: warning: '), r.stdout);
});

test('faces: stderr lines quote skipped files and configuration keys escaped, one line each', () => {
  const dir = tempCopy(HAZARDS);
  symlinkSync('traps.c', join(dir, 'link\x1b[31m\nfake.c'));
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', 'colour\x1b]8;;http://x\x07\nfake': 1 }));
  const r = trapline('check', dir);
  assert.doesNotMatch(r.stderr, RAW_CONTROL);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.includes('trapline: skipped link\\x1b[31m\\nfake.c: symbolic link (not followed)'), r.stderr);
  assert.ok(lines.includes('.trapline.json:1:22: error: .trapline.json: unknown key "colour\\u001b]8;;http://x\\u0007\\nfake"; using the defaults'), r.stderr);
  for (const l of lines) assert.match(l, /^(\.trapline\.json:\d+:\d+: error: .+|trapline: .+)$/);
});

test('faces: a hover on code in a file whose name holds a newline and escapes keeps its markdown lines', async () => {
  const s = await startServer(HAZARDS, (root) => renameSync(join(root, 'traps.c'), join(root, EVIL)));
  try {
    await s.until(() => (s.diags.get(s.uri(EVIL)) ?? []).some((d) => d.code === 'TL001'), 'TL001 in the renamed file');
    const lines = readFileSync(join(s.root, EVIL), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('set_ist(&idt_table[TRAP_double_fault]'));
    const h = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: s.uri(EVIL) }, position: { line, character: lines[line].indexOf('set_ist') + 1 } });
    const md = h?.contents?.value ?? '';
    assert.match(md, /TL001/);
    assert.doesNotMatch(md, RAW_CONTROL);
    assert.ok(!md.split('\n').some((l) => l.startsWith('setup.c:1:1') || l.startsWith('.c:')), md);
    assert.ok(md.includes('\\nsetup.c:1:1: error: forged'), md);
  } finally { s.kill(); }
});

// ================================================================ the panel (item 18)

test('panel: the lane of a role named __proto__ collapses and expands like any other', () => {
  const p = page();
  p.send({ type: 'data', ...hostileTimeline('__proto__') });
  assert.equal(p.items().length, 5, 'one lane + four steps');
  p.items()[0].dispatch('keydown', { key: 'ArrowLeft' });
  assert.equal(p.items().length, 1, 'the lane collapsed');
  assert.equal(p.items()[0].getAttribute('aria-expanded'), 'false');
  p.items()[0].dispatch('keydown', { key: 'ArrowRight' });
  assert.equal(p.items().length, 5, 'the lane expanded');
});
