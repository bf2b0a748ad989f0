// Suppression comments (server/src/rules/suppressions.ts) through the engine API bundle
// (`out/api.js`, built by `node scripts/build.mjs`):
//
//   node --test test/suppressions.test.mjs
//
// First on small texts written here (every comment style, what is and is not a directive), then
// end to end: a fixture tree is copied to a temporary directory, comments are inserted above or
// on the lines of its findings (lines looked up in the fixture's own text), the copy is analysed
// again, and the suppressed findings must be gone while the comments that cover nothing are
// reported as unused.
import { test } from 'node:test';
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
const FIXTURES = join(ROOT, 'test/fixtures');

if (!existsSync(API)) throw new Error(`${API} is missing: run \`node scripts/build.mjs\` first`);
const api = createRequire(import.meta.url)(API);
const { applySuppressions, parseSuppressions, rulesRun } = api.suppress;

/** A finding as the engine makes it, reduced to what suppressions look at. */
function finding(rule, file, line, role = 'bsp') {
  const range = { file, line, column: 4, endLine: line, endColumn: 20 };
  return { rule, name: rule, severity: 'warning', role, message: `${rule} here`, range, closes: null, chain: [], related: [], vectors: [], flow: [] };
}

/** 0-based line of the only line of `text` containing `snippet`. */
function lineIn(text, snippet) {
  const hits = text.split('\n').flatMap((l, i) => (l.includes(snippet) ? [i] : []));
  assert.equal(hits.length, 1, `"${snippet}" should occur once (found on lines ${hits.join(', ') || 'none'})`);
  return hits[0];
}

const at = (f) => `${f.rule}@${f.range.file}:${f.range.line}`;

// ------------------------------------------------------------------------------------ C texts

const C_TEXT = [
  '/* Exception set-up. */',
  'void f(void)',
  '{',
  '    /* trapline-disable-next-line TL002 -- CR4 load reviewed */',
  '    write_cr4(x);',
  '    lidt(&d); // trapline-disable-line TL001',
  '    // trapline-disable-next-line TL001, TL002',
  '    foo();',
  '    const char *s = "/* trapline-disable-next-line TL005 */";',
  '    bar();',
  '    /*',
  '     * trapline-disable-next-line TL003 -- a block comment',
  '     * over three lines',
  '     */',
  '    baz();',
  '# trapline-disable-next-line TL006',
  '    qux();',
  '    quux(); /* see trapline-disable-line in the docs */',
  '}',
  '',
].join('\n');

test('C: /* */ and // comments, next-line and same-line, several ids; strings and # lines are not comments', () => {
  const texts = new Map([['a.c', C_TEXT]]);
  const L = (s) => lineIn(C_TEXT, s);
  const fs = [
    finding('TL002', 'a.c', L('write_cr4(x)')),
    finding('TL001', 'a.c', L('lidt(&d)')),
    finding('TL001', 'a.c', L('foo();')),
    finding('TL005', 'a.c', L('bar();')),
    finding('TL003', 'a.c', L('baz();')),
    finding('TL006', 'a.c', L('qux();')),
    finding('TL100', 'a.c', L('quux();')),
  ];
  const r = applySuppressions(fs, texts);
  // kept: the marker inside a string literal, the `#` line (cpp in C), a sentence that only mentions the marker
  assert.deepEqual(r.findings.map(at), [`TL005@a.c:${L('bar();')}`, `TL006@a.c:${L('qux();')}`, `TL100@a.c:${L('quux();')}`]);
  // the TL002 of `TL001, TL002` suppressed nothing
  assert.deepEqual(r.unused.map((u) => ({ file: u.file, line: u.range.line, rules: u.rules, message: u.message })), [
    { file: 'a.c', line: L('// trapline-disable-next-line TL001, TL002'), rules: ['TL002'], message: 'unused suppression: no TL002 finding on the next line' },
  ]);
  assert.equal(r.unused[0].text, '// trapline-disable-next-line TL001, TL002');
  assert.equal(r.unused[0].range.column, 4);
});

test('C: directives parsed with their target line, ids and reason', () => {
  const ds = parseSuppressions('a.c', C_TEXT);
  assert.deepEqual(ds.map((d) => ({ kind: d.kind, line: d.range.line, target: d.target, rules: d.rules, reason: d.reason })), [
    { kind: 'next-line', line: 3, target: 4, rules: ['TL002'], reason: 'CR4 load reviewed' },
    { kind: 'line', line: 5, target: 5, rules: ['TL001'], reason: null },
    { kind: 'next-line', line: 6, target: 7, rules: ['TL001', 'TL002'], reason: null },
    // a block comment over several lines: the line after its end
    { kind: 'next-line', line: 10, target: 14, rules: ['TL003'], reason: 'a block comment over three lines' },
  ]);
});

// ---------------------------------------------------------------------------------- .S texts

const S_TEXT = [
  '#include <asm/config.h>',
  '#define FILL_COUNT 256',
  '# trapline-disable-next-line TL005 -- filled before the lidt on every path',
  '1:      movq    %rax,(%rdi)',
  '        lidt    idt_descr(%rip)     # trapline-disable-line TL001',
  '        /* trapline-disable-next-line TL002 */',
  '        movq    %rcx,%cr4',
  '        // trapline-disable-next-line TL100 -- nothing here any more',
  '        nop',
  '#ifdef CONFIG_X # trapline-disable-line TL001',
  '        lidt    other(%rip)',
  '        # trapline-disable-line TL007, TL001',
  '        ltr     %ax /* trapline-disable-line TL001 */ /* trapline-disable-line TL001 */',
  '',
].join('\n');

test('.S: #, /* */ and // comments; a # cpp directive is not a gas comment', () => {
  const texts = new Map([['boot/head.S', S_TEXT]]);
  const L = (s) => lineIn(S_TEXT, s);
  const fs = [
    finding('TL005', 'boot/head.S', L('1:      movq')),
    finding('TL001', 'boot/head.S', L('lidt    idt_descr')),
    finding('TL002', 'boot/head.S', L('%rcx,%cr4')),
    finding('TL001', 'boot/head.S', L('#ifdef CONFIG_X')),
    finding('TL001', 'boot/head.S', L('lidt    other')),
    finding('TL001', 'boot/head.S', L('ltr     %ax')),
  ];
  const r = applySuppressions(fs, texts);
  // `#ifdef ... # ...` is a preprocessor line: its `#` is no comment; the `lidt other` line has no directive
  assert.deepEqual(r.findings.map(at), [`TL001@boot/head.S:${L('#ifdef CONFIG_X')}`, `TL001@boot/head.S:${L('lidt    other')}`]);
  assert.deepEqual(r.unused.map((u) => [u.range.line, u.rules, u.message]), [
    [L('TL100 -- nothing'), ['TL100'], 'unused suppression: no TL100 finding on the next line'],
    [L('# trapline-disable-line TL007, TL001'), ['TL007', 'TL001'], 'unused suppression: no TL007 or TL001 finding on this line'],
  ]);
});

test('.S: `#` is a comment only in assembly; the same line in a .c file is the preprocessor', () => {
  const text = '# trapline-disable-next-line TL001\nlidt x\n';
  assert.equal(parseSuppressions('boot/x.S', text).length, 1);
  assert.equal(parseSuppressions('x.c', text).length, 0);
  assert.equal(parseSuppressions('x.h', text).length, 0);
});

test('a directive without ids suppresses every rule on its line', () => {
  const text = 'void f(void)\n{\n    /* trapline-disable-next-line -- the whole line */\n    g();\n    /* trapline-disable-next-line */\n    h();\n}\n';
  const texts = new Map([['x.c', text]]);
  const r = applySuppressions([finding('TL001', 'x.c', 3), finding('TL002', 'x.c', 3)], texts);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.unused.map((u) => [u.range.line, u.rules, u.message]), [[4, [], 'unused suppression: no finding on the next line']]);
});

test('ids of rules that did not run are never called unused', () => {
  const texts = new Map([['a.c', C_TEXT]]);
  const r = applySuppressions([], texts, ['TL001', 'TL003']);
  // TL002 did not run: the TL002-only directive and the TL002 of `TL001, TL002` are not reported
  assert.deepEqual(r.unused.map((u) => [u.range.line, u.rules]), [[5, ['TL001']], [6, ['TL001']], [10, ['TL003']]]);
  assert.deepEqual(rulesRun(['TL001', 'TL002', 'TL003'], { TL002: 'off' }), ['TL001', 'TL003']);
  assert.deepEqual(rulesRun(['TL001', 'TL002', 'TL003'], {}, ['TL003']), ['TL003']);
});

test('files without the marker cost nothing and change nothing', () => {
  const fs = [finding('TL001', 'a.c', 1)];
  const r = applySuppressions(fs, new Map([['a.c', 'void f(void) {}\n']]));
  assert.equal(r.findings, fs);
  assert.deepEqual(r.unused, []);
});

// ------------------------------------------------------------------------------ end to end

/** Copy of a fixture tree in a temporary directory (fixtures are never edited in place). */
function copyOf(tree) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-suppress-'));
  cpSync(join(FIXTURES, tree), dir, { recursive: true });
  return dir;
}

/** Inserts `comment` as a line above the only line containing `snippet`, indented like it. */
function above(dir, file, snippet, comment) {
  const p = join(dir, file);
  const lines = readFileSync(p, 'utf8').split('\n');
  const i = lineIn(lines.join('\n'), snippet);
  lines.splice(i, 0, `${/^[ \t]*/.exec(lines[i])[0]}${comment}`);
  writeFileSync(p, lines.join('\n'));
}

/** Appends `comment` to the only line containing `snippet`. */
function onLine(dir, file, snippet, comment) {
  const p = join(dir, file);
  const lines = readFileSync(p, 'utf8').split('\n');
  const i = lineIn(lines.join('\n'), snippet);
  lines[i] = `${lines[i]} ${comment}`;
  writeFileSync(p, lines.join('\n'));
}


/** The findings and unused suppressions of a tree: `analyze()` applies the comments. */
async function analyzeSuppressed(dir) {
  const a = await api.analyze(dir, { wasmDir: WASM });
  return { a, findings: a.findings, unused: a.unusedSuppressions };
}

const warnings = (fs) => fs.filter((f) => f.severity === 'warning');

test('end to end, assembly and C: next-line # and /* */ and //, same-line /* */, several ids, one unused', async () => {
  const dir = copyOf('renamed-symbols');
  try {
    const before = await analyzeSuppressed(dir);
    assert.deepEqual(warnings(before.findings).map((f) => `${f.rule}/${f.role}@${f.range.file}`).sort(), [
      'TL001/ap@boot/x86_64.S', 'TL001/bsp@traps.c', 'TL002/ap@boot/x86_64.S', 'TL003/bsp@boot/x86_64.S', 'TL005/bsp@boot/x86_64.S',
    ]);
    above(dir, 'boot/x86_64.S', 'movq    %rcx,%cr4', '# trapline-disable-next-line TL002 -- the AP masks MCE in the trampoline');
    onLine(dir, 'boot/x86_64.S', 'lidt    idtr_boot(%rip)', '/* trapline-disable-line TL001 -- reviewed */');
    above(dir, 'boot/x86_64.S', '1:      movq    %rax,(%rdi)', '// trapline-disable-next-line TL003, TL005, TL007');
    above(dir, 'traps.c', 'set_ist(&exc_vector_table[EXC_DF], STACK_DF);', '/* trapline-disable-next-line TL001 -- load_tr() follows at once */');
    above(dir, 'traps.c', 'set_ist(&exc_vector_table[EXC_NMI], STACK_NMI);', '/* trapline-disable-next-line TL002 -- stale */');
    const after = await analyzeSuppressed(dir);
    assert.deepEqual(warnings(after.findings), [], 'every warning is suppressed');
    // informational findings are untouched
    assert.deepEqual(after.findings.map((f) => f.rule), before.findings.filter((f) => f.severity !== 'warning').map((f) => f.rule));
    const s = readFileSync(join(dir, 'boot/x86_64.S'), 'utf8'), c = readFileSync(join(dir, 'traps.c'), 'utf8');
    assert.deepEqual(after.unused.map((u) => ({ file: u.file, line: u.range.line, rules: u.rules, message: u.message })), [
      { file: 'boot/x86_64.S', line: lineIn(s, 'TL003, TL005, TL007'), rules: ['TL007'], message: 'unused suppression: no TL007 finding on the next line' },
      { file: 'traps.c', line: lineIn(c, 'TL002 -- stale'), rules: ['TL002'], message: 'unused suppression: no TL002 finding on the next line' },
    ]);
    // their quick fixes: drop the unused id from the list, drop the comment that covers nothing (its line too)
    const fixes = after.unused.map((u) => api.fixes.unusedSuppressionAction(after.a, u));
    assert.deepEqual(fixes.map((x) => x.title), ['Remove TL007 from the suppression comment', 'Remove the unused suppression comment']);
    applyEdits(dir, fixes.flatMap((x) => x.edits));
    const s2 = readFileSync(join(dir, 'boot/x86_64.S'), 'utf8'), c2 = readFileSync(join(dir, 'traps.c'), 'utf8');
    assert.equal(s2.split('\n')[lineIn(s, 'TL003, TL005, TL007')], s.split('\n')[lineIn(s, 'TL003, TL005, TL007')].replace('TL003, TL005, TL007', 'TL003, TL005'));
    assert.equal(c2, c.split('\n').filter((l) => !l.includes('TL002 -- stale')).join('\n'));
    const fixed = await analyzeSuppressed(dir);
    assert.deepEqual(warnings(fixed.findings), []);
    assert.deepEqual(fixed.unused, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('end to end, C: same-line // and /* */ after the reference TL004 sits on', async () => {
  const dir = copyOf('tl004-late-call-into-init');
  try {
    const before = await analyzeSuppressed(dir);
    assert.deepEqual(warnings(before.findings).map((f) => `${f.rule}@${f.range.file}`), ['TL004@apic.c', 'TL004@idle.c']);
    onLine(dir, 'apic.c', '    setup_apic_vectors();', '// trapline-disable-line TL004 -- runs once, before the free in practice');
    onLine(dir, 'idle.c', '    parse_idle_param(opt_idle);', '/* trapline-disable-line TL004 */');
    // on the function's name, not on the reference: unused
    const original = readFileSync(join(dir, 'apic.c'), 'utf8');
    onLine(dir, 'apic.c', 'void apic_late_init(void)', '/* trapline-disable-line TL004 */');
    const after = await analyzeSuppressed(dir);
    assert.deepEqual(warnings(after.findings), []);
    const text = readFileSync(join(dir, 'apic.c'), 'utf8');
    assert.deepEqual(after.unused.map((u) => [u.file, u.range.line, u.message]), [['apic.c', lineIn(text, 'void apic_late_init(void)'), 'unused suppression: no TL004 finding on this line']]);
    const fix = api.fixes.unusedSuppressionAction(after.a, after.unused[0]);
    applyEdits(dir, fix.edits);
    assert.equal(readFileSync(join(dir, 'apic.c'), 'utf8'), original, 'the comment and the blank before it are gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
