#!/usr/bin/env node
// Parse-error coverage of the committed tree-sitter-gas wasm over a tree of `.S` files.
//
//   npm run grammar:coverage -- DIR [DIR...] [--worst N] [--lines N] [--json]
//
// For every `.S` file below DIR (recursively) it prints the share of lines touched by an ERROR or
// MISSING node, then the worst files and the total. `--lines N` also prints up to N offending
// lines per file (handy while working on the grammar); `--json` prints one JSON object instead.
// Always exits 0 (it measures, it does not judge), except on usage errors.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Parser, Language } from 'web-tree-sitter';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WASM = join(ROOT, 'grammars/tree-sitter-gas/tree-sitter-gas.wasm');

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: npm run grammar:coverage -- DIR [DIR...] [--worst N] [--lines N] [--json]');
  process.exit(2);
}

const dirs = [];
let worstN = 10;
let linesN = 0;
let json = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--worst') worstN = Number(argv[++i]);
  else if (a === '--lines') linesN = Number(argv[++i]);
  else if (a === '--json') json = true;
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else dirs.push(a);
}
if (dirs.length === 0) usage('no directory given');
if (!Number.isFinite(worstN) || !Number.isFinite(linesN)) usage('--worst/--lines need a number');

/** Every `.S` file below dir, sorted (symlinked files count, symlinked folders are not entered). */
function findSFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.S') && (e.isFile() || (e.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile()))) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Row numbers (0-based) touched by ERROR or MISSING nodes. */
function errorRows(root) {
  const rows = new Set();
  const visit = (node) => {
    if (node.isError || node.isMissing) {
      const s = node.startPosition;
      const e = node.endPosition;
      // a node that ends at column 0 of a row does not touch that row
      const last = e.row > s.row && e.column === 0 ? e.row - 1 : e.row;
      for (let r = s.row; r <= last; r++) rows.add(r);
      if (node.isMissing) return;
    }
    if (!node.hasError) return;
    for (let i = 0; i < node.childCount; i++) visit(node.child(i));
  };
  visit(root);
  return rows;
}

await Parser.init();
const language = await Language.load(readFileSync(WASM));
const parser = new Parser();
parser.setLanguage(language);

const results = [];
let parseMs = 0;
for (const dir of dirs) {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) usage(`not a directory: ${dir}`);
  for (const file of findSFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const t0 = performance.now();
    const tree = parser.parse(text);
    parseMs += performance.now() - t0;
    const lines = text.split('\n');
    const total = text.endsWith('\n') ? lines.length - 1 : lines.length;
    const rows = errorRows(tree.rootNode);
    results.push({
      file,
      lines: total,
      errorLines: rows.size,
      share: total ? rows.size / total : 0,
      sample: [...rows].sort((a, b) => a - b).slice(0, linesN).map((r) => ({ line: r + 1, text: lines[r] })),
    });
    tree.delete();
  }
}

const totalLines = results.reduce((n, r) => n + r.lines, 0);
const totalErr = results.reduce((n, r) => n + r.errorLines, 0);
const worst = [...results].sort((a, b) => b.share - a.share || b.errorLines - a.errorLines);
const pct = (x) => `${(100 * x).toFixed(2)}%`;

if (json) {
  console.log(JSON.stringify({
    files: results.length, lines: totalLines, errorLines: totalErr,
    share: totalLines ? totalErr / totalLines : 0, parseMs: Math.round(parseMs),
    worst: worst.slice(0, worstN).map(({ sample, ...r }) => r),
    perFile: results.map(({ sample, ...r }) => r),
  }, null, 2));
} else {
  for (const r of results) {
    console.log(`${pct(r.share).padStart(8)}  ${String(r.errorLines).padStart(5)}/${String(r.lines).padEnd(6)} ${r.file}`);
    for (const s of r.sample) console.log(`          ${String(s.line).padStart(5)}: ${s.text}`);
  }
  console.log('\nworst files:');
  for (const r of worst.slice(0, worstN)) {
    console.log(`${pct(r.share).padStart(8)}  ${String(r.errorLines).padStart(5)}/${String(r.lines).padEnd(6)} ${r.file}`);
  }
  console.log(`\ntotal: ${totalErr}/${totalLines} lines in ERROR/MISSING = ${pct(totalLines ? totalErr / totalLines : 0)}` +
    ` over ${results.length} files; worst file ${worst.length ? pct(worst[0].share) : '-'}; parse time ${parseMs.toFixed(0)} ms`);
}
