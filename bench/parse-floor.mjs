// The parse floor of a tree: one thread parsing every .c/.h/.S file once with web-tree-sitter
// (the wasm files in dist/: tree-sitter-c for .c/.h, our gas grammar for .S/.s), nothing else.
//   node bench/parse-floor.mjs DIR
// Prints one JSON line: the times exclude process start and module loading (`sinceStart` says
// how long the process had been running when the work began). `all` is every source file under
// DIR (only .git, node_modules and the like skipped); `check` is the subset `trapline check`
// reads (the profile's and .trapline.json's excludes applied), timed from the same single pass.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, Language } from 'web-tree-sitter';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const dist = path.join(repo, 'dist');
const dir = process.argv[2];
if (!dir) { process.stderr.write('usage: node bench/parse-floor.mjs DIR\n'); process.exit(2); }
const root = path.resolve(dir);

// Same skip list and extensions as the engine's listing (server/src/index/workspace.ts).
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out', '.trapline-cache']);
const langOf = (f) => (/\.[ch]$/.test(f) ? 'c' : /\.[sS]$/.test(f) ? 'gas' : null);
function list(exclude) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try { entries = readdirSync(path.join(root, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name) && !exclude(r) && !exclude(r + '/')) walk(r); }
      else if (e.isFile() && langOf(e.name) && !exclude(r)) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

// The check's file set: the excludes the engine would use (out/api.js is the engine bundled for
// the tests; without it, the check set is taken to be every file).
let checkSet = null;
try {
  const require = createRequire(import.meta.url);
  const api = require(path.join(repo, 'out/api.js'));
  const picomatch = require('picomatch');
  const config = api.loadConfig(root, api.RULE_IDS);
  const patterns = config.exclude.filter((e) => e.trim().length > 0);
  const isExcluded = patterns.length > 0 ? picomatch(patterns, { dot: true }) : () => false;
  checkSet = new Set(list(isExcluded));
} catch { /* no out/api.js: the check set is every file */ }

const sinceStart = performance.now();
const t0 = performance.now();
const wasm = path.join(dist, 'web-tree-sitter.wasm');
await Parser.init({ wasmBinary: readFileSync(wasm), locateFile: () => wasm });
const langs = {
  c: await Language.load(readFileSync(path.join(dist, 'tree-sitter-c.wasm'))),
  gas: await Language.load(readFileSync(path.join(dist, 'tree-sitter-gas.wasm'))),
};
const parser = new Parser();
const t1 = performance.now();
const files = list(() => false);
const t2 = performance.now();
let readMs = 0, parseMs = 0, bytes = 0, checkParseMs = 0, checkReadMs = 0, checkBytes = 0, checkFiles = 0;
for (const f of files) {
  const a = performance.now();
  const text = readFileSync(path.join(root, f), 'utf8');
  const b = performance.now();
  parser.setLanguage(langs[langOf(f)]);
  const tree = parser.parse(text);
  tree.delete();
  const c = performance.now();
  readMs += b - a; parseMs += c - b; bytes += Buffer.byteLength(text);
  if (!checkSet || checkSet.has(f)) { checkFiles++; checkReadMs += b - a; checkParseMs += c - b; checkBytes += Buffer.byteLength(text); }
}
const t3 = performance.now();
const r = (x) => Math.round(x);
process.stdout.write(JSON.stringify({
  sinceStart: r(sinceStart), initMs: r(t1 - t0), listMs: r(t2 - t1),
  all: { files: files.length, bytes, readMs: r(readMs), parseMs: r(parseMs), ms: r(t3 - t0) },
  check: { files: checkFiles, bytes: checkBytes, readMs: r(checkReadMs), parseMs: r(checkParseMs), ms: r(t1 - t0 + (t2 - t1) + checkReadMs + checkParseMs), exact: checkSet !== null },
  maxRssKb: process.resourceUsage().maxRSS,
}) + '\n');
