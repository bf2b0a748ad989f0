// Hostile trees and edits end in a bounded run and a clear message (issue 19, items 11-13 and 15),
// through the real CLI (`node dist/cli.js`, with a time limit and a 512 MB heap so a blow-up fails
// fast) and the real language server (`node dist/server.js --stdio`); build first: `npm run build`.
// TRAPLINE_DIST=DIR runs them against another build (to see them fail before the fixes).
//
//   node --test test/reliability-bounds.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestWithin, startServer } from './helpers/lsp-server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = process.env.TRAPLINE_DIST ?? join(ROOT, 'dist');
const CLI = join(DIST, 'cli.js');
const SERVER = join(DIST, 'server.js');
const HAZARDS = join(ROOT, 'examples/boot-hazards');
const api = createRequire(import.meta.url)(join(ROOT, 'out/api.js'));
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);

process.env.TRAPLINE_CACHE_DIR = mkdtempSync(join(tmpdir(), 'trapline-bounds-cache-'));
const temps = [];
/** A temporary tree: a copy of `src` (or empty), then `files` written into it. */
function tree(src, files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-bounds-'));
  temps.push(dir);
  if (src) cpSync(src, dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}
after(() => { for (const d of [...temps, process.env.TRAPLINE_CACHE_DIR]) rmSync(d, { recursive: true, force: true }); });

/** `trapline check DIR --format json` in 20 s and 512 MB: exit 0 or 1, the report and the run's time. */
function check(dir) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', CLI, 'check', dir, '--no-cache', '--format', 'json'], { encoding: 'utf8', timeout: 20000, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}, signal ${r.signal} after ${Math.round(ms)} ms (a hang or a heap blow-up): ${r.stderr.slice(-2000)}`);
  return { report: JSON.parse(r.stdout), stderr: r.stderr, ms };
}
const notes = (rep) => rep.findings.filter((f) => f.rule === 'TL900');
const lineOf = (dir, f) => readFileSync(join(dir, f.location.file), 'utf8').split('\n')[f.location.line - 1];

// ================================================================ item 11: fan-outs

/** `start` calls f0; each label calls the next twice (`depth` labels): 2^depth calls unmemoised. */
function asmFanout(depth) {
  let s = '.text\n.globl start\nstart:\n\tcall f0\n\tud2\n';
  for (let i = 0; i < depth; i++) s += `f${i}:\n\tcall f${i + 1}\n\tcall f${i + 1}\n\tret\n`;
  return `${s}f${depth}:\n\tret\n`;
}

test('item 11: an assembler file where each label calls the next twice (f0 .. f60, 2.4 KB) finishes, and says where the call depth limit stopped it', () => {
  const text = asmFanout(60);
  assert.ok(text.length > 1500 && text.length < 2600, `${text.length} bytes`);
  const dir = tree(null, { 'boot.S': text });
  const { report: rep } = check(dir);
  const depth = notes(rep).filter((f) => /call depth limit 48 reached at `f48`: the call is not followed/.test(f.message));
  assert.ok(depth.length > 0, JSON.stringify(notes(rep)));
  assert.ok(depth.every((f) => /call\s+f48$/.test(lineOf(dir, f))), 'at the call the limit stopped');
});

test('item 11: below the depth limit the same fan-out (f0 .. f12, an lidt at the bottom) gives the steps a walk of every call gives, without a note', () => {
  // every call of f12 loads the IDT: one step per call, under its own call chain
  const text = asmFanout(12).replace(/f12:\n\tret\n$/, 'f12:\n\tlidt idt_descr\n\tret\nidt_descr:\n\t.word 0\n\t.quad 0\n');
  const { report: rep } = check(tree(null, { 'boot.S': text }));
  assert.deepEqual(notes(rep), []);
  const lidts = rep.roles[0].steps.filter((s) => /lidt/.test(s.text));
  assert.equal(lidts.length, 2 ** 12, 'one lidt step per call of f12');
  assert.ok(lidts.every((s) => s.depth === 13), 'each under its 13 calls');
});

test('item 11: an #include fan-out (9 small files, each including the next 9 times) is read up to a bound, and a note says at which #include it stopped', () => {
  const files = { 'boot.S': `.text\n.globl start\nstart:\n${'#include "i1.S"\n'.repeat(9)}\tud2\n`, 'i9.S': '\tnop\n' };
  for (let i = 1; i < 9; i++) files[`i${i}.S`] = `#include "i${i + 1}.S"\n`.repeat(9);
  const dir = tree(null, files);
  const { report: rep } = check(dir);
  const stop = notes(rep).filter((f) => /include expansion limit 200000 statements reached at `i\d\.S`: the rest of boot\.S is not read/.test(f.message));
  assert.equal(stop.length, 1, JSON.stringify(notes(rep).map((f) => f.message)));
  assert.match(lineOf(dir, stop[0]), /^#include "i\d\.S"$/);
  // the include depth limit (8) is said where it cut, once per #include line
  const deep = notes(rep).filter((f) => /include depth limit 8 reached at `i9\.S`/.test(f.message));
  assert.ok(deep.length > 0 && deep.length <= 9, `${deep.length} depth notes`);
});

test('item 11: `#define X X X X ...` with `#if X` (98 bytes) is expanded once (a macro is not replaced inside its own expansion)', () => {
  const text = `.text\nstart:\n#define X ${'X '.repeat(29)}\n#if X\n\tud2\n#endif\n`;
  assert.ok(text.length <= 100, `${text.length} bytes`);
  const { ms } = check(tree(null, { 'boot.S': text }));
  assert.ok(ms < 15000, `${Math.round(ms)} ms`);
});

test('item 11: macro expansion follows the C standard\'s hide sets and is bounded', () => {
  const table = (text) => { const m = new api.MacroTable(); m.add(api.scanMacros('m.h', text)); m.seal(); return m; };
  const norm = (s) => s.replace(/\s+/g, ' ').trim();
  assert.equal(norm(table('#define X X X\n').expand('X')), 'X X');
  assert.equal(norm(table('#define A B\n#define B A\n').expand('A')), 'A', 'indirect self-reference is painted too');
  assert.equal(norm(table('#define f(x) x + f(x)\n').expand('f(1)')), '1 + f(1)');
  assert.equal(norm(table('#define max(a, b) ((a) > (b) ? (a) : (b))\n').expand('max(max(1, 2), 3)')), '((((1) > (2) ? (1) : (2))) > (3) ? (((1) > (2) ? (1) : (2))) : (3))', 'an argument is expanded before it is put in');
  assert.equal(table('#define ONE 1\n#define TWO (ONE + ONE)\n#define four(x) (x * TWO)\n').evaluate('four(2)'), 4n);
  assert.equal(table('#define g f\n#define f(x) (x + 1)\n').evaluate('g(2)'), 3n, 'a function-like name met in a replacement takes the arguments after it');
  // each level doubles: 2^40 tokens unbounded
  let chain = '';
  for (let i = 0; i < 40; i++) chain += `#define M${i} M${i + 1} M${i + 1}\n`;
  const m = table(`${chain}#define M40 1\n`);
  const t0 = performance.now();
  assert.equal(m.evaluate('M0'), undefined);
  assert.equal(m.expand('M0'), 'M0', 'past the bound the text is left as written');
  assert.ok(performance.now() - t0 < 5000);
});

// ================================================================ item 12: names of Object.prototype

const PROTO_NAMES = { set_intr_gate: 'constructor', trap_init: 'toString', machine_check: '__proto__', idt_table: 'hasOwnProperty', load_system_tables: 'valueOf' };
function renamed(src, map) {
  const dir = tree(src);
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      if (!/\.(c|h|S)$/.test(e)) continue;
      let t = readFileSync(p, 'utf8');
      for (const [a, b] of Object.entries(map)) t = t.replaceAll(new RegExp(`\\b${a}\\b`, 'g'), b);
      writeFileSync(p, t);
    }
  };
  walk(dir);
  return dir;
}

test('item 12: a gate writer, boot function, handler and table named constructor / toString / __proto__ / hasOwnProperty / valueOf give the findings the ordinary names give', () => {
  const back = (s) => Object.entries(PROTO_NAMES).reduce((t, [a, b]) => t.replaceAll(b, a), s);
  const view = (rep) => rep.findings.map((f) => `${f.rule} ${f.severity} ${f.location.file}:${f.location.line}:${f.location.column} ${back(f.message)}`);
  const plain = check(tree(HAZARDS)).report;
  const odd = check(renamed(HAZARDS, PROTO_NAMES)).report;
  assert.ok(plain.findings.filter((f) => f.severity === 'warning').length >= 5);
  assert.deepEqual(view(odd), view(plain));
  const steps = (rep) => rep.roles.map((r) => r.steps.map((s) => back(s.text)));
  assert.deepEqual(steps(odd), steps(plain));
});

// ================================================================ item 13: limits are said

test('item 13: a C call chain deeper than 48 ends with a note at the call the limit stopped', () => {
  let c = '';
  for (let i = 0; i < 60; i++) c += `void c${i}(void) { c${i + 1}(); }\n`;
  c += 'void c60(void) { asm volatile ("lidt %0" :: "m" (x)); }\n';
  const dir = tree(null, { 'boot.S': '.text\n.globl start\nstart:\n\tcall c0\n\tud2\n', 'chain.c': c });
  const { report: rep } = check(dir);
  const hit = notes(rep).filter((f) => /^\[bsp\] call depth limit 48 reached at `c\d+`: the call is not followed\.$/.test(f.message));
  assert.equal(hit.length, 1, JSON.stringify(notes(rep).map((f) => f.message)));
  assert.match(lineOf(dir, hit[0]), /c\d+\(\);/);
});

test('item 13: a limit met at many places of one path is one note: the count, the first place, the others as related information', () => {
  let c = '';
  for (let i = 0; i < 47; i++) c += `void c${i}(void) { c${i + 1}(); }\n`;
  // the deepest caller makes six calls the limit stops, on six lines
  c += `void c47(void)\n{\n${Array.from({ length: 6 }, (_, k) => `\td${k}();\n`).join('')}}\n`;
  for (let k = 0; k < 6; k++) c += `void d${k}(void) { asm volatile ("lidt %0" :: "m" (x)); }\n`;
  const dir = tree(null, { 'boot.S': '.text\n.globl start\nstart:\n\tcall c0\n\tud2\n', 'chain.c': c });
  const { report: rep } = check(dir);
  const depth = notes(rep).filter((f) => /call depth limit 48/.test(f.message));
  assert.equal(depth.length, 1, JSON.stringify(notes(rep).map((f) => f.message)));
  assert.match(depth[0].message, /^\[bsp\] call depth limit 48 reached at 6 places, first at `d0`: the call is not followed there\.$/);
  assert.match(lineOf(dir, depth[0]), /d0\(\);/);
  // the other places go with it (SARIF related locations, LSP related information)
  const sarif = JSON.parse(spawnSync(process.execPath, [CLI, 'check', dir, '--no-cache', '--format', 'sarif'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout);
  const result = sarif.runs[0].results.find((r) => /call depth limit 48/.test(r.message.text));
  assert.deepEqual(result.relatedLocations.map((l) => l.message.text), ['d1', 'd2', 'd3', 'd4', 'd5'].map((d) => `also reached at \`${d}\``));
});

test('item 13: statements nested deeper than 200 end with a note where the nesting limit stopped the walk', () => {
  const body = `${'{ '.repeat(230)}asm volatile ("sti");${' }'.repeat(230)}`;
  const dir = tree(null, { 'boot.S': '.text\n.globl start\nstart:\n\tcall deep\n\tud2\n', 'deep.c': `void deep(void)\n{\n${body}\n}\n` });
  const { report: rep } = check(dir);
  const hit = notes(rep).filter((f) => /^\[bsp\] nesting limit 200 reached at `deep`: the code nested deeper is not followed\.$/.test(f.message));
  assert.equal(hit.length, 1, JSON.stringify(notes(rep).map((f) => f.message)));
  assert.equal(hit[0].location.file, 'deep.c');
});

test('item 13: an assembler walk past its 20,000-statement budget ends with a note where it stopped', () => {
  const dir = tree(null, { 'boot.S': `.text\n.globl start\nstart:\n${'\tnop\n'.repeat(20500)}\tsti\n\tud2\n` });
  const { report: rep } = check(dir);
  const hit = notes(rep).filter((f) => /^\[bsp\] assembler statement budget 20000 reached at `start`: the rest of this walk of the unit is not followed\.$/.test(f.message));
  assert.equal(hit.length, 1, JSON.stringify(notes(rep).map((f) => f.message)));
  assert.equal(hit[0].location.line, 3 + 20000, 'at the first statement not walked (the label start and 19,999 nops were)');
});

test('item 15: the CLI stops a walk past --time-limit, says where on stderr and in a TL900 note, and does not cache the report', () => {
  const dir = tree(HAZARDS);
  let c = readFileSync(join(dir, 'setup.c'), 'utf8') + 'void hz0(void) { _set_gate(&idt_table[0], 14, 0, 0); hz1(1); }\n';
  for (let i = 1; i < 30; i++) c += `void hz${i}(unsigned int v) { _set_gate(&idt_table[v], 14, 0, 0); hz${i + 1}(v * 2); hz${i + 1}(v * 2 + 1); }\n`;
  writeFileSync(join(dir, 'setup.c'), `${c}void hz30(unsigned int v) { _set_gate(&idt_table[v], 14, 0, 0); }\n`);
  writeFileSync(join(dir, 'boot/head.S'), headWith(dir, '\tcall hz0\n'));
  const run = () => spawnSync(process.execPath, ['--max-old-space-size=512', CLI, 'check', dir, '--format', 'json', '--time-limit', '1'], { encoding: 'utf8', timeout: 20000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TRAPLINE_CACHE_TRACE: '1' } });
  const r = run();
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}, signal ${r.signal}: ${r.stderr}`);
  // (inside an hz function, or inside the gate writer one of them called)
  assert.match(r.stderr, /^trapline: the analysis stopped after 1 s \(--time-limit\) at (setup\.c|include\/asm\/desc\.h):\d+ in `(hz\d+|_set_gate)`; the findings are those of the paths walked until then$/m);
  assert.match(r.stderr, /cache not written \(cut short by the time limit\)/);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.findings.filter((f) => f.rule === 'TL900' && /^\[bsp\] time limit 1 s reached at `(hz\d+|_set_gate)`: the analysis stopped here; the rest of the path is not checked\.$/.test(f.message)).length, 1);
  // a cap every later call meets is said once
  assert.ok(rep.findings.filter((f) => /call site limit/.test(f.message)).length <= 1);
  assert.doesNotMatch(run().stderr, /cache hit/);
});

// ================================================================ item 15: the language server stays up

/** Hover on examples/boot-hazards' AP `lidt idt_descr`: markdown naming TL001 (the analysis on screen). */
async function hover(s, ms) {
  const lines = readFileSync(join(s.root, 'boot/x86_64.S'), 'utf8').split('\n');
  const line = lines.findIndex((l) => /lidt\s+idt_descr/.test(l));
  return requestWithin(s.conn, 'textDocument/hover', { textDocument: { uri: s.uri('boot/x86_64.S') }, position: { line, character: lines[line].indexOf('lidt') + 1 } }, ms);
}
const hoverShowsTL001 = (r) => !r.timeout && r.ok?.contents?.kind === 'markdown' && /TL001/.test(r.ok.contents.value);

/** boot/head.S of boot-hazards with `code` run first at `start` (unsaved). */
function headWith(root, code) {
  const head = readFileSync(join(root, 'boot/head.S'), 'utf8');
  return head.replace(/(ENTRY\(start\)\n)/, `$1${code}`);
}

test('item 15: an unsaved edit with the pattern of item 11 does not freeze the language server: its analysis ends, hover keeps answering', async () => {
  const s = await startServer(SERVER, tree(HAZARDS), { nodeArgs: ['--max-old-space-size=512'] });
  try {
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL001'), 'the first diagnostics');
    const chain = asmFanout(60).replace(/^\.text\n\.globl start\nstart:\n\tcall f0\n\tud2\n/, '');
    const text = headWith(s.root, `\tcall f0\n\tjmp .Lpast\n${chain}.Lpast:\n`);
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('boot/head.S'), languageId: 'gas', version: 1, text } });
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL900' && /call depth limit 48/.test(d.message)), 'the analysis of the edit (its call depth note)', 20000);
    assert.ok(hoverShowsTL001(await hover(s, 5000)), 'hover answers');
  } finally { s.kill(); }
});

test('item 15: an analysis past the time limit stops, says where, and leaves the last complete analysis answering; the next edit is analysed', async () => {
  const s = await startServer(SERVER, tree(HAZARDS), { initializationOptions: { timeLimitMs: 1000 }, nodeArgs: ['--max-old-space-size=512'] });
  try {
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL001'), 'the first diagnostics');
    // every file's diagnostics are published before the summary line: the snapshot is the whole analysis's
    await s.until(() => s.logs.some((l) => /findings \(\d+ warnings\) in \d+ ms/.test(l)), 'the first analysis logged');
    const before = JSON.stringify([...s.diags.entries()].sort());
    // 2^30 distinct calls (every argument differs): no memo helps, only the time limit ends it
    let c = readFileSync(join(s.root, 'setup.c'), 'utf8');
    c += 'void hz0(void) { _set_gate(&idt_table[0], 14, 0, 0); hz1(1); }\n';
    for (let i = 1; i < 30; i++) c += `void hz${i}(unsigned int v) { _set_gate(&idt_table[v], 14, 0, 0); hz${i + 1}(v * 2); hz${i + 1}(v * 2 + 1); }\n`;
    c += 'void hz30(unsigned int v) { _set_gate(&idt_table[v], 14, 0, 0); }\n';
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('setup.c'), languageId: 'c', version: 1, text: c } });
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('boot/head.S'), languageId: 'gas', version: 1, text: headWith(s.root, '\tcall hz0\n') } });
    await s.until(() => s.messages.some(({ message: m }) => /the analysis stopped after 1 s \(time limit\) at (setup\.c|include\/asm\/desc\.h):\d+ in `(hz\d+|_set_gate)`; showing the last complete analysis/.test(m)), 'the time limit message', 20000);
    assert.ok(hoverShowsTL001(await hover(s, 5000)), 'hover answers from the last complete analysis');
    assert.equal(JSON.stringify([...s.diags.entries()].sort()), before, 'the diagnostics on screen are the complete analysis\'s');
    // the next edit undoes it: analysed, on screen
    s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('boot/head.S'), version: 2 }, contentChanges: [{ text: readFileSync(join(s.root, 'boot/head.S'), 'utf8').replace('.text', '.text ') }] });
    const logged = s.logs.length;
    await s.until(() => s.logs.slice(logged).some((l) => /findings \(\d+ warnings\) in \d+ ms/.test(l)), 'the analysis of the next edit', 20000);
    assert.ok(hoverShowsTL001(await hover(s, 5000)));
  } finally { s.kill(); }
});
