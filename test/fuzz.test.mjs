// Seeded, deterministic fuzzing of the engine through the bundled API (out/api.js, build first:
// `node scripts/build.mjs`). Every input is a small tree written into a temporary directory:
// a fixture (test/fixtures/*, examples/*) with one to three mutations (lines deleted, duplicated
// or swapped, a truncation mid-token, random bytes with NUL and invalid UTF-8, unbalanced
// `#if`/`#endif`, self-`call`ing labels, mutually recursive C functions, include cycles, broken
// `#define` parameter lists, CRLF, identifiers renamed to JavaScript's own property names), a
// random or malformed `.trapline.json`, or a synthetic tree (10,000-deep nesting of `(`, `{`,
// `#if`, `if`; huge single lines; macro bombs; long call chains; odd file names).
//
// For each input: `analyze`, then `reportModel`, `toJson`, `toSarif`, `toText`, and the IDE layer the language
// server calls (hover, timeline, definition, references, outline, call hierarchy, quick fixes)
// at a few positions. A thrown exception, an input slower than BUDGET_MS, or an invalid output
// (JSON without version 1, SARIF failing the 2.1.0 schema, empty text) fails the test with the
// seed, the input number, what was mutated and the kept input directory.
//
// The inputs run in two worker threads (input i in worker i % 2; the stack sized so that stack
// overflows show as they would in the CLI); the main thread is a watchdog that terminates a
// worker stuck in one input for WATCHDOG_MS (a hang) and goes on with the next input. Measured on
// the project's 2-core machine: 2,400 inputs in about 20 s (most of them 5-15 ms each).
//
//   node --test test/fuzz.test.mjs
//   TRAPLINE_FUZZ_SEED=123 TRAPLINE_FUZZ_INPUTS=5000 node --test test/fuzz.test.mjs
//   TRAPLINE_FUZZ_ONLY=17,42 node --test test/fuzz.test.mjs     # replay single inputs of a seed
//   TRAPLINE_FUZZ_KEEP=1 ...                                     # keep every input directory
//   TRAPLINE_FUZZ_PROFILE=1 ...                                  # time per kind of input
//   TRAPLINE_FUZZ_WATCHDOG_MS=300 ...                            # (to see the watchdog work)
//
// A failing run keeps the failing inputs (and prints where); a passing run removes its inputs.
//
// Inputs that crashed once are kept under test/fixtures/fuzz/<name>/ and each has a test below
// that it analyses cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const API = join(ROOT, 'out/api.js');
const WASM = join(ROOT, 'dist');
const FUZZ_FIXTURES = join(ROOT, 'test/fixtures/fuzz');

const SEED = Number(process.env.TRAPLINE_FUZZ_SEED ?? 20260820) >>> 0;
const INPUTS = Number(process.env.TRAPLINE_FUZZ_INPUTS ?? 2400);
const ONLY = process.env.TRAPLINE_FUZZ_ONLY ? process.env.TRAPLINE_FUZZ_ONLY.split(',').map(Number) : null;
const KEEP = process.env.TRAPLINE_FUZZ_KEEP === '1';
/** One input (analysis + every output + IDE requests) slower than this fails. */
const BUDGET_MS = 2000;
/** One input still running after this is a hang: its worker is terminated. */
const WATCHDOG_MS = Number(process.env.TRAPLINE_FUZZ_WATCHDOG_MS ?? 20000);
/**
 * The worker's stack: the CLI and the server run on the main thread (V8's 984 KB). Measured on
 * Node 20: with 1.15 MB here, the same nesting depths overflow as in `node dist/cli.js check`
 * (2,505 nested `#if` in C, 1,350 nested `{` blocks, 5,451 nested parentheses in an operand).
 */
const STACK_MB = 1.15;

// ================================================================ worker: generate, analyse, check

/** mulberry32: a small seeded PRNG; every input has its own stream, derived from (seed, index). */
function rngFor(seed, index) {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    /** A key of `weights` ({ name: weight }), chosen by weight. */
    weighted: (weights) => {
      const total = Object.values(weights).reduce((s, w) => s + w, 0);
      let x = next() * total;
      for (const [k, w] of Object.entries(weights)) { if ((x -= w) < 0) return k; }
      return Object.keys(weights)[0];
    },
  };
  return r;
}

/** Every file of a tree, by relative path, as latin1 strings (byte-exact round trip). */
function readTree(dir) {
  const files = new Map();
  const walk = (rel) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) files.set(r, readFileSync(join(dir, r)).toString('latin1'));
    }
  };
  walk('');
  return files;
}

function baseTrees() {
  const out = [];
  for (const group of ['test/fixtures', 'examples']) {
    const dir = join(ROOT, group);
    for (const name of readdirSync(dir).sort()) {
      if (name === 'fuzz' || !statSync(join(dir, name)).isDirectory()) continue;
      const sub = join(dir, name);
      // test/fixtures/fixes holds several trees, one per directory (and no file of its own)
      const trees = existsSync(join(sub, '.trapline.json')) || readdirSync(sub, { withFileTypes: true }).some((e) => e.isFile()) ? [sub] : readdirSync(sub).sort().map((d) => join(sub, d));
      for (const t of trees) out.push({ name: t.slice(ROOT.length + 1), files: readTree(t) });
    }
  }
  return out;
}

const SOURCE = /\.(c|h|S|s|inc)$/;
const IDENT = /[A-Za-z_]\w*/g;
/** Names that are properties of every JavaScript object: a symbol or a key called so must not reach Object.prototype. */
const JS_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'length'];
const CPP_LINES = ['#if 0', '#if 1', '#ifdef CONFIG_X', '#ifndef __ASSEMBLY__', '#else', '#elif 1', '#elif', '#endif', '#endif', '#if', '#if (', '#if defined(', '#if 1/0', '#if 1 %% 0',
  '#define start start', '#define F(x) F(x)', '#define X Y\n#define Y X', '#undef ENTRY', '#include "nothere.h"', '#include <', '#include', '#define', '#define ENTRY(n[) n[:', '#define G(a,,b) a b',
  '#error stop', '#pragma once', '#line 99999999999', '#', '##', '#if 0xffffffffffffffffffffffff', '#if -9223372036854775808 / -1', '#if (1 ? 2 : 3', '#if 1 << 100000'];
const ASM_LINES = ['call start', 'jmp start', 'jmp *%rax', 'call *%rbx', 'lidt idt_descr(%rip)', 'ltr %ax', 'lgdt gdt_descr', 'mov %rcx,%cr4', 'sti', 'cli', 'ud2', 'ret', 'lret', 'iretq',
  'push $start', 'jz 1f', '1:', 'jnz 1b', 'loop 1b', '.section .init.text, "ax"', '.previous', '.pushsection .data', '.popsection', '.popsection', '.code16', '.code32', '.macro m a\n call \\a\n.endm',
  '.endm', '.macro', 'm start', '.quad start', '.long 0', '.fill 256, 16, 0', '.rept 3', '.endr', '.if 1', '.endif', 'movq %rax,(%rdi)', 'test %eax,%eax', 'cmp $0,%eax', 'je start', '.L1:', 'jmp .L1'];
const C_LINES = ['start();', 'for (;;) ;', 'while (1) { }', 'do { } while (0);', 'goto out;', 'out: ;', 'return;', 'switch (x) { case 1: break; default: ; }', 'asm volatile("lidt %0" :: "m"(idt_descr));',
  'asm volatile("ltr %w0" :: "q"(sel));', 'asm volatile("mov %0,%%cr4" :: "r"(mmu_cr4_features));', 'write_cr4(read_cr4() | X86_CR4_MCE);', 'local_irq_enable();', 'set_ist(&idt_table[2], 1);',
  'set_intr_gate(2, &nmi);', 'memcpy(idt_tables[cpu], idt_table, sizeof(idt_table));', 'free_init_memory();', 'panic("x");', 'if (smp_processor_id() == 0) start_secondary(); else start_xen();', '{', '}', '(', ')',
  '((void (*)(void))0)();', 'fp = start; fp();', 'int a[] = { [0 ... 255] = 1 };', 'static void __init f(void) { }', '__attribute__((noreturn)) void start(void);'];

function lines(s) { return s.split('\n'); }

/** Random bytes, biased towards the ones parsers and decoders dislike. */
function junk(rng, n) {
  const parts = [];
  for (let i = 0; i < n; i++) {
    parts.push(rng.pick([
      () => '\x00', () => '\xff', () => '\xc3', () => '\xed\xa0\x80', () => '\xef\xbb\xbf', () => '\xf4\x90\x80\x80', () => '\xc0\xaf', () => '\r', () => '\t', () => '\x0b', () => '\x0c', () => '\x1b',
      () => '\\', () => '"', () => "'", () => '/*', () => '*/', () => '//', () => '#', () => '\n', () => '(', () => ')', () => '{', () => '}', () => '$', () => '%', () => ':', () => ';', () => ',',
      () => String.fromCharCode(rng.range(32, 126)), () => String.fromCharCode(rng.int(256)),
      () => '\xe2\x80\xae', () => '\xf0\x9f\x92\xa5', // U+202E (bidi override) and an emoji, valid UTF-8
    ])());
  }
  return parts.join('');
}

/** Top-level labels of an assembly text and function names of a C text (approximate). */
function labelsOf(text) { return [...text.matchAll(/^[ \t]*(?:ENTRY\(|GLOBAL\()?([A-Za-z_][\w.$]*)\)?:?/gm)].filter((m) => /:|ENTRY|GLOBAL/.test(m[0])).map((m) => m[1]); }
function cFunctionsOf(text) { return [...text.matchAll(/^[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\([^;{)]*\)\s*\n?\{/gm)].map((m) => ({ name: m[1], open: m.index + m[0].length })); }

/** The mutations of a fixture tree: each takes (rng, files) and returns a short description. */
const MUTATIONS = {
  deleteLines(rng, files, f) {
    const ls = lines(files.get(f)); const at = rng.int(ls.length); const n = rng.range(1, 6);
    ls.splice(at, n); files.set(f, ls.join('\n')); return `delete ${n} lines at ${at + 1} of ${f}`;
  },
  duplicateLines(rng, files, f) {
    const ls = lines(files.get(f)); const at = rng.int(ls.length); const n = rng.range(1, 8);
    ls.splice(at, 0, ...ls.slice(at, at + n)); files.set(f, ls.join('\n')); return `duplicate ${n} lines at ${at + 1} of ${f}`;
  },
  swapLines(rng, files, f) {
    const ls = lines(files.get(f)); const a = rng.int(ls.length), b = rng.int(ls.length);
    [ls[a], ls[b]] = [ls[b], ls[a]]; files.set(f, ls.join('\n')); return `swap lines ${a + 1} and ${b + 1} of ${f}`;
  },
  moveBlock(rng, files, f) {
    const ls = lines(files.get(f)); const a = rng.int(ls.length); const n = rng.range(2, 15);
    const block = ls.splice(a, n); const b = rng.int(ls.length + 1); ls.splice(b, 0, ...block);
    files.set(f, ls.join('\n')); return `move ${n} lines from ${a + 1} to ${b + 1} of ${f}`;
  },
  truncate(rng, files, f) {
    const t = files.get(f); const at = rng.int(t.length + 1);
    files.set(f, t.slice(0, at)); return `truncate ${f} at byte ${at}`;
  },
  insertBytes(rng, files, f) {
    const t = files.get(f); const at = rng.int(t.length + 1); const n = rng.range(1, 12);
    files.set(f, t.slice(0, at) + junk(rng, n) + t.slice(at)); return `insert ${n} random bytes at byte ${at} of ${f}`;
  },
  flipBytes(rng, files, f) {
    const t = [...files.get(f)]; const n = rng.range(1, 6);
    for (let i = 0; i < n && t.length > 0; i++) t[rng.int(t.length)] = junk(rng, 1);
    files.set(f, t.join('')); return `replace ${n} bytes of ${f}`;
  },
  insertLine(rng, files, f) {
    const ls = lines(files.get(f)); const at = rng.int(ls.length + 1);
    const pool = rng.chance(0.4) ? CPP_LINES : /\.[Ss]$/.test(f) ? ASM_LINES : C_LINES;
    const l = rng.pick(pool); ls.splice(at, 0, l); files.set(f, ls.join('\n')); return `insert ${JSON.stringify(l)} at line ${at + 1} of ${f}`;
  },
  unbalancedIf(rng, files, f) {
    const ls = lines(files.get(f));
    const idx = ls.flatMap((l, i) => (/^\s*#\s*(if|ifdef|ifndef|else|elif|endif)\b/.test(l) ? [i] : []));
    if (idx.length > 0 && rng.chance(0.6)) { const i = rng.pick(idx); const l = ls[i]; ls.splice(i, 1); files.set(f, ls.join('\n')); return `delete ${JSON.stringify(l.trim())} at line ${i + 1} of ${f}`; }
    const l = rng.pick(['#if 1', '#if 0', '#ifdef __ASSEMBLY__', '#endif', '#else', '#endif\n#endif']); const at = rng.int(ls.length + 1);
    ls.splice(at, 0, l); files.set(f, ls.join('\n')); return `insert unbalanced ${JSON.stringify(l)} at line ${at + 1} of ${f}`;
  },
  selfCall(rng, files, f) {
    const t = files.get(f);
    if (/\.[Ss]$/.test(f)) {
      const ls = lines(t); const idx = ls.flatMap((l, i) => (/^[ \t]*(ENTRY\(|GLOBAL\()?[A-Za-z_][\w.$]*\)?:?\s*$/.test(l) && /:|ENTRY|GLOBAL/.test(l) ? [i] : []));
      if (idx.length === 0) return null;
      const i = rng.pick(idx); const name = labelsOf(ls[i])[0]; if (!name) return null;
      const insn = rng.pick(['call', 'jmp', 'jz', 'jnz', 'call', 'loop']);
      ls.splice(i + 1, 0, `        ${insn} ${name}`); files.set(f, ls.join('\n')); return `\`${insn} ${name}\` right after the label ${name} in ${f}`;
    }
    const fns = cFunctionsOf(t); if (fns.length === 0) return null;
    const fn = rng.pick(fns);
    files.set(f, t.slice(0, fn.open) + `\n    ${fn.name}();\n` + t.slice(fn.open)); return `${fn.name}() calls itself first in ${f}`;
  },
  mutualRecursion(rng, files) {
    const all = [...files.keys()].filter((f) => f.endsWith('.c')).flatMap((f) => cFunctionsOf(files.get(f)).map((fn) => ({ f, ...fn })));
    if (all.length < 2) return null;
    const a = rng.pick(all); const b = rng.pick(all.filter((x) => x !== a));
    // insert into the later position first so that the earlier offset stays valid
    const [x, y] = a.f === b.f && b.open > a.open ? [b, a] : [a, b];
    for (const [at, callee] of [[x, y.name], [y, x.name]]) { const t = files.get(at.f); files.set(at.f, t.slice(0, at.open) + `\n    ${callee}();\n` + t.slice(at.open)); }
    return `${a.name} (${a.f}) and ${b.name} (${b.f}) call each other`;
  },
  asmCallC(rng, files, f) {
    // an assembly label calls a C function that calls back into assembly
    const cs = [...files.keys()].filter((g) => g.endsWith('.c')).flatMap((g) => cFunctionsOf(files.get(g)).map((fn) => ({ g, ...fn })));
    const labels = labelsOf(files.get(f)); if (!/\.[Ss]$/.test(f) || cs.length === 0 || labels.length === 0) return null;
    const c = rng.pick(cs); const l = rng.pick(labels); const ls = lines(files.get(f)); const i = ls.findIndex((x) => x.includes(`${l}`) && /:|ENTRY|GLOBAL/.test(x));
    if (i < 0) return null;
    ls.splice(i + 1, 0, `        call ${c.name}`); files.set(f, ls.join('\n'));
    const t = files.get(c.g); files.set(c.g, t.slice(0, c.open) + `\n    asm volatile("call ${l}");\n` + t.slice(c.open));
    return `${l} (${f}) calls ${c.name} (${c.g}), which calls ${l} from inline asm`;
  },
  includeSelf(rng, files, f) {
    if (!/\.[SsCch]$/.test(f)) return null;
    const ls = lines(files.get(f)); const at = rng.int(ls.length + 1); const base = f.split('/').pop();
    ls.splice(at, 0, `#include "${base}"`); files.set(f, ls.join('\n')); return `${f} includes itself at line ${at + 1}`;
  },
  includeCycle(rng, files, f) {
    if (!/\.S$/.test(f)) return null;
    const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/') + 1) : ''; const base = f.slice(dir.length);
    const other = `${dir}cycle${rng.int(100)}.S`;
    files.set(other, `/* includes back */\ncycle_label:\n        call cycle_label\n#include "${base}"\n`);
    const ls = lines(files.get(f)); const at = rng.int(ls.length + 1);
    ls.splice(at, 0, `#include "${other.slice(dir.length)}"`); files.set(f, ls.join('\n'));
    return `${f} includes ${other}, which includes ${f}`;
  },
  breakDefine(rng, files, f) {
    const t = files.get(f); const defs = [...t.matchAll(/^[ \t]*#[ \t]*define[ \t]+[A-Za-z_]\w*\(/gm)];
    if (defs.length === 0) return null;
    const d = rng.pick(defs); const at = d.index + d[0].length;
    const bad = rng.pick(['[', '(', '*', '+', '?', '\\', '|', '{', '.', '$', '^', ')', '...', ' ', '', ',', '1']);
    files.set(f, t.slice(0, at) + bad + t.slice(at)); return `insert ${JSON.stringify(bad)} into the parameters of \`${d[0].trim()}\` in ${f}`;
  },
  renameIdent(rng, files, f) {
    const ids = [...new Set(files.get(f).match(IDENT) ?? [])].filter((x) => x.length > 2);
    if (ids.length === 0) return null;
    const from = rng.pick(ids);
    const others = [...files.values()].flatMap((t) => t.match(IDENT) ?? []);
    const to = rng.chance(0.5) ? rng.pick(JS_NAMES) : rng.pick(others);
    const re = new RegExp(`\\b${from}\\b`, 'g');
    for (const [g, t] of files) if (SOURCE.test(g)) files.set(g, t.replace(re, to));
    return `rename ${from} to ${to} in every file`;
  },
  lineEndings(rng, files, f) {
    const to = rng.pick(['\r\n', '\r', '\n\r', '\u2028']);
    files.set(f, files.get(f).replace(/\n/g, to)); return `line endings of ${f} as ${JSON.stringify(to)}`;
  },
  renameFile(rng, files, f) {
    // file names a URI or a compiler-style line must escape; .c files only (nothing includes them)
    if (!f.endsWith('.c')) return null;
    const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/') + 1) : '';
    const to = dir + rng.pick(['a b', 'x#1', '100%', 'q?x', 'semi;colon', "it's", 'é', '[x]', 'c:d', '%41', 'a\tb']) + '_' + f.slice(dir.length);
    files.set(to, files.get(f)); files.delete(f); return `rename ${f} to ${JSON.stringify(to)}`;
  },
  emptyFile(rng, files, f) { files.set(f, rng.pick(['', '\n', '\xef\xbb\xbf', '\x00', ' '])); return `${f} emptied`; },
  deleteFile(rng, files, f) { files.delete(f); return `delete ${f}`; },
  copyFile(rng, files, f) {
    const to = rng.pick(['dup/', 'x/y/', '']) + rng.pick(['copy_', 'z']) + f.split('/').pop();
    files.set(to, files.get(f)); return `copy ${f} to ${to} (every definition twice)`;
  },
  longLine(rng, files, f) {
    const ls = lines(files.get(f)); const at = rng.int(ls.length + 1); const n = rng.range(10000, 200000);
    const l = rng.pick([() => '/* ' + 'x'.repeat(n) + ' */', () => '// ' + 'y'.repeat(n), () => (/\.[Ss]$/.test(f) ? '.byte ' + '1,'.repeat(n / 2) + '1' : 'int z[] = {' + '1,'.repeat(n / 2) + '1};'),
      () => (/\.[Ss]$/.test(f) ? 'nop; '.repeat(n / 5) : 'x = 1' + '+1'.repeat(n / 2) + ';'), () => 'start' + '_'.repeat(n) + ':'])();
    ls.splice(at, 0, l); files.set(f, ls.join('\n')); return `insert a ${l.length}-byte line at line ${at + 1} of ${f}`;
  },
  nest(rng, files, f) {
    const ls = lines(files.get(f)); const at = rng.int(ls.length + 1); const n = rng.range(50, 600);
    const asm = /\.[Ss]$/.test(f);
    const l = rng.pick([() => '#if 1\n'.repeat(n) + '#endif\n'.repeat(n), () => (asm ? `mov $${'('.repeat(n)}1${')'.repeat(n)},%eax` : `x = ${'('.repeat(n)}1${')'.repeat(n)};`), () => (asm ? '.if 1\n'.repeat(n) + '.endif\n'.repeat(n) : '{'.repeat(n) + '}'.repeat(n))])();
    ls.splice(at, 0, l); files.set(f, ls.join('\n')); return `insert ${n}-deep nesting at line ${at + 1} of ${f}`;
  },
};
/** How often each mutation is chosen. */
const MUTATION_WEIGHTS = {
  deleteLines: 10, duplicateLines: 8, swapLines: 8, moveBlock: 5, truncate: 6, insertBytes: 10, flipBytes: 6, insertLine: 12, unbalancedIf: 8, selfCall: 6, mutualRecursion: 4, asmCallC: 3,
  includeSelf: 3, includeCycle: 3, breakDefine: 3, renameIdent: 6, renameFile: 2, lineEndings: 3, emptyFile: 2, deleteFile: 3, copyFile: 2, longLine: 2, nest: 3,
};

// ---------------------------------------------------------------- .trapline.json

function randomConfig(rng, files) {
  const syms = [...files.values()].flatMap((t) => labelsOf(t).concat(cFunctionsOf(t).map((f) => f.name)));
  const sym = () => (syms.length > 0 && rng.chance(0.7) ? rng.pick(syms) : rng.pick(['start', 'ap_start', '', 'nothere', ...JS_NAMES, '(', 'a[', '*', '\\b', '$']));
  const VALUES = {
    profile: () => rng.pick(['xen', 'linux', 'generic', 'XEN', '', 'auto', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 5, null, [], {}, true]),
    roles: () => rng.pick([
      () => [], () => 'bsp', () => 5, () => null, () => ({}), () => [null], () => [5], () => ['bsp'],
      () => [{ name: 'bsp', entry: sym() }],
      () => [{ name: 'bsp', entry: sym() }, { name: 'ap', entry: sym(), via: [sym()] }],
      () => [{ name: rng.pick(['bsp', 'ap', '', 'x', ...JS_NAMES]), entry: rng.pick([sym(), [sym(), sym()], [], [5, null, {}], 7, null]), via: rng.pick([undefined, [], [sym()], 'x', [1, null], ['(', '[', '+']]), kind: rng.pick([undefined, 'bsp', 'ap', 'other', 5, 'weird', null]) }],
      () => Array.from({ length: rng.range(2, 6) }, (_, i) => ({ name: `r${i}`, entry: sym(), kind: rng.pick(['bsp', 'ap', 'other']) })),
      () => [{ name: 'bsp', entry: 'start' }, { name: 'bsp', entry: 'start' }],
    ])(),
    rules: () => rng.pick([
      () => ({}), () => [], () => 'off', () => 5, () => null, () => ({ TL001: 'off' }), () => ({ TL999: 'error' }), () => ({ TL001: 5 }), () => ({ TL001: 'fatal' }), () => ({ tl001: 'off' }),
      () => ({ __proto__: 'off' }), () => JSON.parse('{"__proto__": "off", "constructor": "error"}'),
      () => Object.fromEntries(['TL001', 'TL002', 'TL003', 'TL004', 'TL005', 'TL006', 'TL007', 'TL100', 'TL900'].map((id) => [id, rng.pick(['error', 'warning', 'information', 'hint', 'off'])])),
    ])(),
    exclude: () => rng.pick([
      () => [], () => 'x', () => 5, () => [5], () => ['../x'], () => ['/etc/**'], () => ['**'], () => [''], () => ['[', '{a,b', '\\'], () => ['boot/**'], () => ['*.c'], () => ['./a'], () => ['a/../../b'],
      () => ['C:\\x'], () => ['~/x'], () => ['!**'], () => ['**/*.S', '**/*.c'], () => [null],
    ])(),
  };
  const kind = rng.weighted({ fields: 10, garbage: 2, truncated: 2, text: 2 });
  if (kind === 'garbage') return { text: junk(rng, rng.range(0, 80)), desc: 'random bytes' };
  const obj = {};
  for (const k of Object.keys(VALUES)) if (rng.chance(0.5)) obj[k] = VALUES[k]();
  if (rng.chance(0.2)) obj[rng.pick(['Profile', 'rule', 'excludes', 'unknown', 'constructor', 'toString'])] = rng.pick([1, 'x', [], {}]);
  let text = JSON.stringify(obj, null, rng.pick([0, 2]));
  if (kind === 'truncated') { const at = rng.int(text.length); text = text.slice(0, at); return { text, desc: `truncated at ${at}: ${JSON.stringify(text).slice(0, 200)}` }; }
  if (kind === 'text') {
    text = rng.pick([
      () => '\xef\xbb\xbf' + text, () => text.replace(/}$/, ',}'), () => `// comment\n${text}`, () => '{"profile": "xen", "profile": "toString"}', () => `{"x": ${'['.repeat(10000)}${']'.repeat(10000)}}`,
      () => '{"rules": {"TL001": "off"}, "exclude": ["**"]}', () => '{"roles": [{"name": "bsp", "entry": "start"}], "rules": {"TL001": "off", "TL001": "error"}}', () => '{"__proto__": {"profile": "xen"}}',
    ])();
    return { text, desc: JSON.stringify(text).slice(0, 200) };
  }
  return { text, desc: text.slice(0, 300) };
}

// ---------------------------------------------------------------- synthetic trees

const DEEP = 10000;
const SYNTHETIC = {
  deepParensC: () => ({ 'x.c': `void start(void)\n{\n    int x = ${'('.repeat(DEEP)}1${')'.repeat(DEEP)};\n    lidt(x);\n}\n` }),
  deepBracesC: () => ({ 'x.c': `void start(void)\n{\n${'{'.repeat(DEEP)}\n    asm volatile("lidt %0" :: "m"(d));\n${'}'.repeat(DEEP)}\n}\n` }),
  deepIfStmtC: () => ({ 'x.c': `void start(void)\n{\n    ${'if (a) '.repeat(DEEP)}asm volatile("lidt %0" :: "m"(d));\n}\n` }),
  deepCppIfC: () => ({ 'x.c': `${'#if 1\n'.repeat(DEEP)}void start(void) { }\n${'#endif\n'.repeat(DEEP)}` }),
  deepCppIfS: () => ({ 'x.S': `${'#if 1\n'.repeat(DEEP)}start:\n        lidt idt(%rip)\n${'#endif\n'.repeat(DEEP)}` }),
  deepParensS: () => ({ 'x.S': `start:\n        mov $${'('.repeat(DEEP)}1${')'.repeat(DEEP)}, %eax\n        lidt idt(%rip)\n` }),
  deepAsmIf: () => ({ 'x.S': `start:\n${'.if 1\n'.repeat(DEEP)}        lidt idt(%rip)\n${'.endif\n'.repeat(DEEP)}` }),
  deepUnclosed: (rng) => ({ [rng.pick(['x.c', 'x.S'])]: rng.pick(['(', '{', '[', '#if 1\n', '"', '/*']).repeat(DEEP) }),
  longSum: (rng) => ({ 'x.c': `void start(void)\n{\n    unsigned long x = 1${'+1'.repeat(rng.range(20000, 100000))};\n    write_cr4(x);\n}\n` }),
  longInitializer: (rng) => ({ 'x.c': `unsigned long tbl[] = {${'0,'.repeat(rng.range(20000, 300000))}0};\nvoid start(void) { }\n` }),
  hugeLineS: (rng) => ({ 'x.S': `start:\n        .quad ${'start,'.repeat(rng.range(20000, 120000))}0\n        lidt idt(%rip)\n` }),
  hugeComment: (rng) => ({ [rng.pick(['x.c', 'x.S', 'x.h'])]: `/*${'*'.repeat(rng.range(100000, 1900000))}*/\n` }),
  nearLimit: (rng) => ({ 'x.S': `start:\n        lidt idt(%rip)\n/*${'z'.repeat(2 * 1024 * 1024 - 40 - rng.int(80))}*/\n` }),
  overLimit: () => ({ 'x.c': `/*${'z'.repeat(2 * 1024 * 1024 + 10)}*/\n`, 'y.S': 'start:\n        lidt idt(%rip)\n' }),
  macroBombIf: (rng) => {
    const n = rng.range(25, 60);
    const defs = ['#define A0 1', ...Array.from({ length: n }, (_, i) => `#define A${i + 1} (A${i} + A${i})`)].join('\n');
    return { 'x.S': `${defs}\n#if A${n}\nstart:\n        lidt idt(%rip)\n#endif\n`, 'y.c': `${defs}\nvoid start(void) { if (A${n}) write_cr4(A${n}); }\n` };
  },
  macroBombStmt: (rng) => {
    const n = rng.range(20, 40);
    const defs = ['#define L0() asm volatile("lidt %0" :: "m"(d))', ...Array.from({ length: n }, (_, i) => `#define L${i + 1}() do { L${i}(); L${i}(); } while (0)`)].join('\n');
    return { 'x.c': `${defs}\nvoid start(void)\n{\n    L${n}();\n}\n` };
  },
  recursiveMacros: () => ({ 'x.h': '#define A B\n#define B A\n#define F(x) G(x)\n#define G(x) F(x)\n#define S(x) S(x) S(x)\n', 'x.c': '#include "x.h"\nvoid start(void)\n{\n    F(1); A; S(2);\n#if A\n    lidt(A);\n#endif\n}\n', 'x.S': '#include "x.h"\n#if F(1)\nap_start:\n        call A\n#endif\n' }),
  selfCallLabel: (rng) => ({ 'x.S': `start:\n        ${rng.pick(['call', 'jmp', 'jnz', 'jz', 'loop'])} start\n        lidt idt(%rip)\nap_start:\n        call ap_start\n        call start\n` }),
  mutualC: () => ({ 'x.c': 'void b(void);\nvoid a(void) { b(); asm volatile("lidt %0" :: "m"(d)); }\nvoid b(void) { a(); }\nvoid start(void) { a(); start(); }\nvoid ap_start(void) { ap_start(); }\n' }),
  mutualAsmC: () => ({ 'x.S': 'start:\n        call c_entry\n        ud2\nback:\n        call c_entry\n        ret\n', 'y.c': 'void c_entry(void)\n{\n    asm volatile("call back");\n    asm volatile("lidt %0" :: "m"(d));\n}\n' }),
  includeSelf: () => ({ 'a.S': 'start:\n        lidt idt(%rip)\n#include "a.S"\n        ud2\n', 'h.h': '#include "h.h"\n#define X 1\n', 'c.c': '#include "h.h"\n#include "c.c"\nvoid f(void) { }\n' }),
  includeCycle: () => ({ 'a.S': 'start:\n        lidt idt(%rip)\n#include "b.S"\n        ud2\n', 'b.S': 'b_label:\n        call start\n#include "a.S"\n', 'c.S': '#include "d/../c.S"\n', 'd/e.S': '#include "../a.S"\n' }),
  callChainAsm: (rng) => {
    const n = rng.range(500, DEEP);
    return { 'x.S': `start:\n${Array.from({ length: n }, (_, i) => `l${i}:\n        call l${i + 1}\n        ret\n`).join('')}l${n}:\n        lidt idt(%rip)\n        ret\n` };
  },
  jumpChainAsm: (rng) => {
    const n = rng.range(500, 3000);
    return { 'x.S': `start:\n        jmp l0\n${Array.from({ length: n }, (_, i) => `l${i}:\n        test %eax,%eax\n        jz l${(i * 7 + 3) % n}\n        jmp l${i + 1}\n`).join('')}l${n}:\n        lidt idt(%rip)\n` };
  },
  callChainC: (rng) => {
    const n = rng.range(200, 3000);
    return { 'x.c': `${Array.from({ length: n }, (_, i) => `void f${i}(void);`).join('\n')}\nvoid start(void) { f0(); }\n${Array.from({ length: n }, (_, i) => `void f${i}(void) { ${i + 1 < n ? `f${i + 1}();` : 'asm volatile("lidt %0" :: "m"(d));'} }`).join('\n')}\n` };
  },
  branchyC: (rng) => {
    const n = rng.range(50, 1500);
    return { 'x.c': `void start(void)\n{\n${Array.from({ length: n }, (_, i) => `    if (x${i}) { asm volatile("lidt %0" :: "m"(d${i})); } else { set_ist(&idt_table[2], ${i % 8}); }\n`).join('')}    asm volatile("ltr %w0" :: "q"(s));\n}\n` };
  },
  manyFunctions: (rng) => {
    const n = rng.range(1000, 5000);
    return { 'x.c': Array.from({ length: n }, (_, i) => `void g${i}(void) { g${(i * 31 + 7) % n}(); g${(i * 17 + 1) % n}(); }`).join('\n') + '\nvoid start(void) { g0(); }\n' };
  },
  weirdNames: (rng) => ({
    [rng.pick(['a b.S', 'ü.S', 'x#1.S', '%41.S', 'q?.S', 'semi;colon.S', '-rf.S', "it's.S", 'é/é.S'])]: 'start:\n        lidt idt(%rip)\n        mov %rcx,%cr4\n',
    [rng.pick(['c d.c', 'ß.c', 'y#.c', '100%.c', '[x].c'])]: 'void f(void) { }\n',
  }),
  emptyTree: (rng) => rng.pick([{}, { '.trapline.json': '{}' }, { 'x.c': '' }, { 'x.S': '' }, { 'notes.txt': 'hello' }, { 'x.inc': 'start: lidt idt' }]),
  binaryAndBad: (rng) => ({ 'bin.c': 'int x;\x00\x01\x02', 'latin1.c': 'int caf\xe9;\nvoid start(void) { }\n', 'bom.S': '\xef\xbb\xbfstart:\n        lidt idt(%rip)\n', 'bad.S': junk(rng, 200) }),
  tableOps: (rng) => {
    const n = rng.range(1, 300000);
    return { 'x.c': `struct gate idt_table[${n}];\nvoid start(void)\n{\n    for (int i = 0; i < ${n}; i++) set_intr_gate(i, &h);\n    set_ist(&idt_table[${rng.pick([-1, 0, 2, 255, 256, n, 1e12, '0x7fffffffffffffff'])}], ${rng.pick([-1, 0, 1, 7, 8, 99])});\n    asm volatile("lidt %0" :: "m"(d));\n}\n` };
  },
};

/** Synthetic trees that take 100 ms or more each: chosen a third as often as the others. */
const HEAVY = new Set(['callChainAsm', 'jumpChainAsm', 'hugeLineS', 'longInitializer', 'longSum', 'callChainC', 'manyFunctions', 'nearLimit', 'branchyC', 'deepCppIfS', 'deepAsmIf']);

// ---------------------------------------------------------------- one input

/** Input `index` of `seed`: { desc, files } (files: relative path -> latin1 string). */
function makeInput(seed, index, bases) {
  const rng = rngFor(seed, index);
  const kind = rng.weighted({ mutate: 70, config: 10, synthetic: 14, splice: 6 });
  if (kind === 'synthetic') {
    const name = rng.weighted(Object.fromEntries(Object.keys(SYNTHETIC).map((k) => [k, HEAVY.has(k) ? 1 : 3])));
    const files = new Map(Object.entries(SYNTHETIC[name](rng)));
    if (rng.chance(0.3)) files.set('.trapline.json', JSON.stringify({ profile: 'generic', roles: [{ name: 'bsp', entry: 'start' }, { name: 'ap', entry: 'ap_start' }] }));
    return { desc: `synthetic ${name}`, files };
  }
  const base = rng.pick(bases);
  const files = new Map(base.files);
  const desc = [`${kind} ${base.name}`];
  if (kind === 'splice') {
    const other = rng.pick(bases);
    for (const [f, t] of other.files) if (f !== '.trapline.json' && (rng.chance(0.5) || !files.has(f))) files.set(f, t);
    desc.push(`with files of ${other.name}`);
  }
  if (kind === 'config' || rng.chance(0.05)) {
    const c = randomConfig(rng, files);
    files.set('.trapline.json', c.text);
    desc.push(`.trapline.json: ${c.desc}`);
  }
  if (kind !== 'config') {
    const n = rng.weighted({ 1: 5, 2: 3, 3: 2 });
    for (let i = 0; i < Number(n); i++) {
      const sources = [...files.keys()].filter((f) => SOURCE.test(f));
      if (sources.length === 0) break;
      // .S and .c files hold the paths; headers matter less
      const preferred = sources.filter((f) => /\.(S|c)$/.test(f));
      const f = preferred.length > 0 && rng.chance(0.8) ? rng.pick(preferred) : rng.pick(sources);
      const m = rng.weighted(MUTATION_WEIGHTS);
      const d = MUTATIONS[m](rng, files, f);
      if (d) desc.push(d);
    }
  }
  return { desc: desc.join('; '), files };
}

function writeInput(dir, files) {
  mkdirSync(dir, { recursive: true });
  for (const [f, t] of files) {
    const p = join(dir, f);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, Buffer.from(t, 'latin1'));
  }
}

/** RFC 3986 URI reference characters (what a SARIF consumer parses), with %XX escapes only. */
const URI_REF = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const TEXT_FINDING = /^.+:\d+:\d+: (error|warning|information|hint): .+ \[TL\d{3}\]$/;

/**
 * Analyses `dir` and checks every output; returns { ms, failure } where failure is null or
 * { kind, message, stack }. `api`, `validate` are the engine API and the SARIF validator.
 */
async function checkTree(api, validate, dir, rng, exhaustive = false) {
  const fail = (kind, e, where = '') => {
    if (!(e instanceof Error)) return { kind, message: `${where}${String(e)}`.slice(0, 400), stack: '', key: '' };
    // a stack overflow repeats the same frames thousands of times: keep the first occurrence of each
    const frames = [...new Set((e.stack ?? '').split('\n').slice(1).map((l) => l.trim().replace(/^at /, '')))];
    const engine = frames.filter((l) => l.includes('/server/src/')).map((l) => l.replace(/:\d+:\d+\)?$/, ''));
    return { kind, message: `${where}${e.name}: ${e.message}`.slice(0, 400), stack: frames.slice(0, 18).map((l) => `      ${l}`).join('\n'), key: engine.join('|') };
  };
  const t0 = performance.now();
  let a;
  try { a = await api.analyze(dir, { wasmDir: WASM }); } catch (e) { return { ms: performance.now() - t0, failure: fail('crash in analyze', e) }; }
  let json, sarif, text, stage = 'reportModel', where = '';
  try {
    const m = api.reportModel(a);
    stage = 'toJson';
    json = JSON.stringify(api.toJson(m, m.findings));
    stage = 'toSarif';
    sarif = JSON.stringify(api.toSarif(m, m.findings, '0.1.0'));
    stage = 'toText';
    text = api.toText(m, m.findings);
    // the language server's requests at a few places (what an editor asks for while the user types)
    stage = 'IDE requests';
    const files = [...a.index.texts.keys()];
    for (const r of api.timeline.roles(a)) api.timeline.timeline(a, r.name);
    // a few random places; for a kept fixture, the start of every word (up to 400 per file)
    const places = [];
    if (exhaustive) {
      for (const f of files) {
        let n = 0;
        a.index.texts.get(f).split('\n').forEach((l, line) => { for (const m of l.matchAll(/[A-Za-z_.$][\w.$]*/g)) if (n++ < 400) places.push([f, line, m.index]); });
      }
    } else {
      for (let i = 0; i < 4 && files.length > 0; i++) {
        const f = rng.pick(files);
        const ls = a.index.texts.get(f).split('\n');
        const line = rng.int(ls.length + 1);
        places.push([f, line, rng.int((ls[line]?.length ?? 0) + 2)]);
      }
    }
    for (const [i, [f, line, col]] of places.entries()) {
      where = `at ${f}:${line + 1}:${col + 1}: `;
      api.timeline.hover(a, f, line, col);
      api.navigation.definition(a.index, f, line, col);
      api.navigation.references(a.index, f, line, col, i % 2 === 0);
      if (i === 0 || places[i - 1][0] !== f) api.navigation.documentSymbols(a.index, f);
      const item = api.navigation.prepareCallHierarchy(a.index, f, line, col);
      if (item) { api.navigation.incomingCalls(a.index, item); api.navigation.outgoingCalls(a.index, item); }
    }
    stage = 'quick fixes'; where = '';
    for (const f of exhaustive ? a.findings : a.findings.slice(0, 3)) api.fixes.codeActions(a, f);
    for (const u of a.unusedSuppressions.slice(0, 2)) api.fixes.unusedSuppressionAction(a, u);
  } catch (e) {
    a.index.dispose();
    return { ms: performance.now() - t0, failure: fail(`crash in ${stage}`, e, where) };
  }
  const ms = performance.now() - t0;
  a.index.dispose();
  // outputs: JSON report version 1, SARIF 2.1.0, compiler-style text
  const report = JSON.parse(json);
  if (report.version !== 1 || !Array.isArray(report.findings) || !Array.isArray(report.roles)) return { ms, failure: { kind: 'invalid JSON report', message: json.slice(0, 300), stack: '' } };
  for (const f of report.findings) {
    const l = f.location;
    if (!(Number.isInteger(l.line) && l.line >= 1 && Number.isInteger(l.column) && l.column >= 1 && typeof l.file === 'string' && l.file.length > 0 && !l.file.startsWith('/') && !l.file.startsWith('..'))) {
      return { ms, failure: { kind: 'invalid JSON report', message: `finding ${f.rule} at ${JSON.stringify(l)}`, stack: '' } };
    }
  }
  const log = JSON.parse(sarif);
  if (!validate(log)) return { ms, failure: { kind: 'invalid SARIF', message: JSON.stringify(validate.errors.slice(0, 3)), stack: '' } };
  // every URI in the log: artifact locations (relative to SRCROOT) and the root itself
  const uris = [];
  const walk = (x) => { if (Array.isArray(x)) x.forEach(walk); else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) { if (k === 'uri' && typeof v === 'string') uris.push(v); else walk(v); } };
  walk(log.runs);
  const badUri = uris.find((u) => !URI_REF.test(u));
  if (badUri !== undefined) return { ms, failure: { kind: 'invalid SARIF', message: `uri ${JSON.stringify(badUri)} is not a URI reference (RFC 3986): its characters must be percent-encoded`, stack: '' } };
  if (typeof text !== 'string' || text.trim() === '' || !text.endsWith('\n')) return { ms, failure: { kind: 'invalid text', message: JSON.stringify(text), stack: '' } };
  const tl = text.slice(0, -1).split('\n');
  for (const l of tl.slice(0, -1)) {
    if (!(l.startsWith('    via ') || l.startsWith('    closes at ') || TEXT_FINDING.test(l))) return { ms, failure: { kind: 'invalid text', message: `a line that is neither a finding nor its via/closes line: ${JSON.stringify(l.slice(0, 300))}`, stack: '' } };
  }
  if (!tl[tl.length - 1].startsWith('trapline: ')) return { ms, failure: { kind: 'invalid text', message: 'the summary is not the last line', stack: '' } };
  return { ms, failure: null };
}

async function workerMain() {
  process.setSourceMapsEnabled(true);
  Error.stackTraceLimit = Infinity;
  const { seed, only, tmp, keep, dirs } = workerData;
  const { default: api } = await import(API);
  const { sarifValidator } = await import('./helpers/sarif-schema.mjs');
  const validate = sarifValidator();
  await api.parserHost(WASM);
  if (dirs) {
    // fixed trees (test/fixtures/fuzz/*): same checks, no generation
    for (const i of only) {
      const d = dirs[i];
      parentPort.postMessage({ type: 'start', i, desc: d, dir: d });
      const r = await checkTree(api, validate, d, rngFor(seed, i), true);
      parentPort.postMessage({ type: 'result', i, ...r });
    }
    parentPort.postMessage({ type: 'done' });
    return;
  }
  const bases = baseTrees();
  for (const i of only) {
    const t0 = performance.now();
    const input = makeInput(seed, i, bases);
    const dir = join(tmp, `in-${i}`);
    writeInput(dir, input.files);
    parentPort.postMessage({ type: 'start', i, desc: input.desc, dir });
    const r = await checkTree(api, validate, dir, rngFor(seed ^ 0x51ed, i));
    if (process.env.TRAPLINE_FUZZ_PROFILE) r.total = performance.now() - t0;
    if (!r.failure && r.ms <= BUDGET_MS && !keep) rmSync(dir, { recursive: true, force: true });
    parentPort.postMessage({ type: 'result', i, ...r });
  }
  parentPort.postMessage({ type: 'done' });
}

if (!isMainThread) await workerMain();

// ================================================================ main thread: the tests

/**
 * Runs the inputs `data.only` (indices) in one worker, restarting it after a hang or a worker
 * crash. Resolves to [{ i, desc, dir, ms, failure }].
 */
async function runInWorker(data) {
  const results = [];
  let only = data.only;
  while (only.length > 0) {
    const outcome = await new Promise((resolveRun) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { ...data, only }, resourceLimits: { stackSizeMb: STACK_MB } });
      let current = null;
      let startedAt = 0;
      let settled = false;
      const finish = (o) => { if (settled) return; settled = true; clearInterval(watchdog); resolveRun(o); void w.terminate(); };
      const watchdog = setInterval(() => {
        if (current && performance.now() - startedAt > WATCHDOG_MS) finish({ at: current, failure: { kind: `hang (no answer in ${WATCHDOG_MS / 1000} s)`, message: '', stack: '' } });
      }, 100);
      w.on('message', (m) => {
        if (settled) return;
        if (m.type === 'start') { current = m; startedAt = performance.now(); }
        else if (m.type === 'result') { results.push({ ...current, ...m }); current = null; }
        else if (m.type === 'done') finish({ done: true });
      });
      w.on('error', (e) => finish(current ? { at: current, failure: { kind: 'worker died', message: String(e?.stack ?? e).slice(0, 2000), stack: '' } } : { error: e }));
      w.on('exit', (code) => finish(current ? { at: current, failure: { kind: `worker exited (${code})`, message: '', stack: '' } } : { error: new Error(`fuzz worker exited (${code}) between inputs`) }));
    });
    if (outcome.done) break;
    if (outcome.error) throw outcome.error;
    results.push({ ...outcome.at, ms: 0, failure: outcome.failure });
    // go on after the input that hung or killed the worker
    only = only.slice(only.indexOf(outcome.at.i) + 1);
  }
  return results;
}

/** Inputs spread over up to two workers (input i goes to worker i % n): the same inputs whatever n is. */
async function runAll(data, indices) {
  const n = Math.max(1, Math.min(2, availableParallelism(), indices.length));
  const parts = Array.from({ length: n }, (_, k) => indices.filter((i, j) => j % n === k));
  const t0 = performance.now();
  const results = (await Promise.all(parts.map((only) => runInWorker({ ...data, only })))).flat().sort((a, b) => a.i - b.i);
  return { results, ms: performance.now() - t0, workers: n };
}

/** The failures among results: crashes, invalid outputs and inputs over the time budget. */
function failuresOf(results) {
  return results.flatMap((r) => (r.failure ? [{ ...r, ...r.failure }] : r.ms > BUDGET_MS ? [{ ...r, kind: `slow (over ${BUDGET_MS} ms)`, message: `${Math.round(r.ms)} ms`, stack: '' }] : []));
}

function describe(failures, seed) {
  // one entry per distinct problem (kind + message + innermost frame), with every input that hit it
  const groups = new Map();
  for (const f of failures) {
    const key = `${f.kind}|${f.message.replace(/^at \S+: /, '').replace(/\d+/g, 'N').slice(0, 80)}|${f.key ?? ''}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  return [...groups.values()].map((g) => {
    const f = g[0];
    return [`${f.kind}: ${f.message}`, f.stack ? f.stack : null,
      ...(f.desc === f.dir ? [`  input: ${f.dir}`] : [
        `  first input: seed ${seed}, input ${f.i} (TRAPLINE_FUZZ_SEED=${seed} TRAPLINE_FUZZ_ONLY=${f.i}), kept at ${f.dir}`,
        `  what: ${String(f.desc).slice(0, 400)}`]),
      g.length > 1 ? `  ${g.length} inputs in all: ${g.slice(0, 20).map((x) => x.i).join(', ')}${g.length > 20 ? ', ...' : ''}` : null].filter((x) => x !== null).join('\n');
  }).join('\n\n');
}

if (isMainThread) {
  if (!existsSync(API)) throw new Error(`${API} is missing: run \`node scripts/build.mjs\` first`);

  const count = ONLY ? ONLY.length : INPUTS;
  test(`fuzz: ${count} seeded inputs (seed ${SEED}): no crash, no input over ${BUDGET_MS} ms, valid JSON, SARIF 2.1.0 and text`, { timeout: 10 * 60 * 1000 }, async (t) => {
    const tmp = mkdtempSync(join(tmpdir(), `trapline-fuzz-${SEED}-`));
    const { results, ms, workers } = await runAll({ seed: SEED, tmp, keep: KEEP }, ONLY ?? Array.from({ length: INPUTS }, (_, i) => i));
    const failures = failuresOf(results);
    const slowest = [...results].sort((a, b) => b.ms - a.ms)[0];
    if (process.env.TRAPLINE_FUZZ_PROFILE) {
      const by = new Map();
      for (const r of results) { const k = String(r.desc).split(';').slice(0, process.env.TRAPLINE_FUZZ_PROFILE === '2' ? 2 : 1).join(';').replace(/test\/fixtures\/|examples\//, '').replace(/^(mutate|config|splice) .*/, '$1').replace(/ at (line|byte) \d+.*/, ''); const e = by.get(k) ?? { n: 0, ms: 0, total: 0, max: 0 }; e.n++; e.ms += r.ms; e.max = Math.max(e.max, r.ms); e.total += r.total ?? 0; by.set(k, e); }
      for (const [k, e] of [...by].sort((a, b) => b[1].total - a[1].total)) console.log(`${k.padEnd(40)} n=${e.n} analysis=${Math.round(e.ms)} max=${Math.round(e.max)} total=${Math.round(e.total)}`);
    }
    const line = `fuzz: ${results.length} inputs (seed ${SEED}) in ${(ms / 1000).toFixed(1)} s (${workers} workers), ${failures.length} failed; slowest input ${slowest?.i} (${Math.round(slowest?.ms ?? 0)} ms: ${String(slowest?.desc).slice(0, 80)})`;
    t.diagnostic(line);
    console.log(line);
    if (failures.length === 0 && !KEEP) rmSync(tmp, { recursive: true, force: true });
    assert.equal(results.length, count, `every input ran (${results.length} of ${count})`);
    assert.equal(failures.length, 0, `${failures.length} of ${results.length} inputs failed (seed ${SEED}; inputs kept under ${tmp}):\n\n${describe(failures, SEED)}`);
  });

  // inputs that crashed once: each must analyse cleanly (same checks as the fuzzer, with the IDE
  // requests at every word); all of them run in one worker, once
  const kept = existsSync(FUZZ_FIXTURES) ? readdirSync(FUZZ_FIXTURES).filter((d) => statSync(join(FUZZ_FIXTURES, d)).isDirectory()).sort() : [];
  let keptResults = null;
  const resultOf = (name) => {
    keptResults ??= runInWorker({ seed: SEED, dirs: kept.map((d) => join(FUZZ_FIXTURES, d)), only: kept.map((_, i) => i) });
    return keptResults.then((rs) => rs.filter((r) => r.i === kept.indexOf(name)));
  };
  for (const name of kept) {
    test(`fuzz fixture ${name}: analyses cleanly, every output valid`, async () => {
      const results = await resultOf(name);
      assert.equal(results.length, 1);
      const failures = failuresOf(results);
      assert.equal(failures.length, 0, describe(failures, SEED));
    });
  }

  // include cycles: `gas` would stop at them, but an editor shows such a tree while the user types;
  // the files must still be analysed (found by the fuzzer: both files of a cycle disappeared)
  const stepsOf = async (name) => {
    const { default: api } = await import(API);
    const a = await api.analyze(join(FUZZ_FIXTURES, name), { wasmDir: WASM });
    try { const m = api.reportModel(a); return Object.fromEntries(api.toJson(m, m.findings).roles.map((r) => [r.name, r])); } finally { a.index.dispose(); }
  };
  test('fuzz fixture include-self: a .S file that includes itself is still analysed (its entry is found)', async () => {
    const roles = await stepsOf('include-self');
    assert.equal(roles.bsp.entry, 'start', 'the bsp entry `start` of head.S');
    assert.ok(roles.bsp.steps.some((s) => /lidt/.test(s.text) && s.file === 'head.S'), JSON.stringify(roles.bsp.steps));
  });
  test('fuzz fixture include-cycle: two .S files that include each other are still analysed', async () => {
    const roles = await stepsOf('include-cycle');
    assert.equal(roles.bsp.entry, 'start', 'the bsp entry `start` of head.S');
    assert.ok(roles.bsp.steps.some((s) => /lidt/.test(s.text) && s.file === 'head.S'), JSON.stringify(roles.bsp.steps));
    assert.ok(roles.bsp.steps.some((s) => /ltr/.test(s.text) && s.file === 'helper.S'), 'the call into helper.S is followed');
  });
}
