// Where the time of one cold `trapline check` goes:
//   node bench/profile.mjs DIR [--interval US] [--keep FILE.cpuprofile]
// Runs `node --cpu-prof dist/cli.js check DIR --format json` and attributes every sample to a
// stage by its stack (mapped to server/src/ through dist/cli.js.map):
//   startup (module load, wasm load, config), read (listing, readFileSync, UTF-8 decode),
//   macro scan (#define scan, noreturn scan, macro table), C parse (attribute blanking +
//   tree-sitter-c), asm parse (tree-sitter-gas), index C (the lexer: C text -> functions and
//   variables), index asm (tree -> statements, through the web-tree-sitter node API), index
//   other (units, features, copies), paths (walker, relevance, parsing and copying the functions
//   the walk enters), rules, report (JSON), cache
//   (writing the result cache entry: listing, hashing the files read), GC. The check runs with an
//   empty cache directory, as a cold check does.
// tree-sitter runs in wasm with no function names: a run of samples inside ParserHost.parse is
// C or asm by what the engine does right after it (indexAsmTree for asm).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const STAGES = ['startup', 'read', 'macro scan', 'C parse', 'asm parse', 'index C', 'index asm', 'index other', 'paths', 'rules', 'report', 'cache', 'LSP', 'GC', 'other'];

/** Stage a frame starts, given the stage of its caller; null keeps the caller's. */
function classify(fn, src, parent) {
  const file = src ?? '';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'other';
  if (parent === 'paths' || parent === 'rules' || parent === 'report' || parent === 'cache') {
    if (parent === 'paths' && file.endsWith('parse/parser.ts') && fn === 'parse') return 'paths:reparse';
    return null;
  }
  if (parent === 'paths:reparse') return null;
  if (file.endsWith('engine.ts')) {
    if (fn === 'runRoles') return 'paths';
    if (fn === 'runRules') return 'rules';
    if (fn === 'parserHost') return 'startup';
  }
  if (file.endsWith('rules/suppressions.ts')) return 'rules';
  if (file.includes('/report/')) return 'report';
  if (file.includes('server/src/cache/')) return 'cache';
  // the language server's own work: diagnostics, timeline, hover, JSON-RPC
  if (file.includes('server/src/lsp/') || file.includes('server/src/ide/') || file.endsWith('server/src/server.ts') && fn !== 'run' && fn !== 'analyze' || file.includes('vscode-jsonrpc') || file.includes('vscode-languageserver')) return parent === 'other' ? 'LSP' : null;
  if (file.endsWith('config.ts') && parent === 'other') return 'startup';
  if (file.endsWith('parse/parser.ts')) {
    if (fn === 'create') return 'startup';
    if (fn === 'parse') return parent === 'index' || parent === 'C prep' ? 'parse?' : null;
  }
  if (file.endsWith('index/build.ts') && fn === 'buildIndex') return 'index';
  if (parent === 'index') {
    if (file.endsWith('index/workspace.ts')) return 'read';
    if (fn === 'readFileSync' || fn === 'decode' || fn === 'tryReadSync' || fn === 'openSync') return 'read';
    if (fn.startsWith('RegExp:') || file.endsWith('index/macros.ts')) return 'macro scan';
    if (fn === 'blankAttributes') return 'C prep';
    if (fn === 'lexCFile') return 'index C';
    if (fn === 'indexAsmTree') return 'index asm';
    if (['buildUnits', 'scanFeaturesAndCopies', 'scanFlowMacros'].includes(fn)) return 'index other';
    if (fn === 'delete' && file.includes('web-tree-sitter')) return 'delete?';
    return null;
  }
  return null;
}

/** `fromMs`: count only the samples taken that long after the profile's start (stages and wasm module names still use the whole profile). */
export function analyseProfile(prof, mapFile, { fromMs = 0 } = {}) {
  const sm = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
  const bundleUrl = new URL(`file://${path.join(path.dirname(mapFile), path.basename(mapFile, '.map'))}`).href;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const srcOf = (cf) => {
    if (cf.url !== bundleUrl) return null;
    const e = sm.findEntry(cf.lineNumber, cf.columnNumber);
    return e?.originalSource ? { file: e.originalSource.replace(/^(\.\.\/)+/, ''), line: e.originalLine + 1 } : null;
  };
  // stage of every node, top-down
  const stage = new Map();
  const src = new Map();
  const order = [];
  const root = prof.nodes.find((n) => !parentOf.has(n.id));
  const stack = [[root.id, 'other']];
  while (stack.length) {
    const [id, inherited] = stack.pop();
    const n = byId.get(id);
    const s = srcOf(n.callFrame);
    src.set(id, s);
    const st = classify(n.callFrame.functionName || '(anonymous)', s?.file, inherited) ?? inherited;
    stage.set(id, st);
    order.push(id);
    for (const c of n.children ?? []) stack.push([c, st]);
  }
  // wasm modules seen under parse runs
  const wasmModule = (n) => (n.callFrame.url.startsWith('wasm://') ? n.callFrame.url : null);
  // per-sample stages, resolving parse? runs by what follows
  const samples = prof.samples.map((id, i) => ({ id, st: stage.get(id), dt: prof.timeDeltas[i] ?? 0 }));
  const runs = [];
  for (let i = 0; i < samples.length; i++) {
    if (samples[i].st !== 'parse?') continue;
    let j = i;
    while (j < samples.length && samples[j].st === 'parse?') j++;
    // blankAttributes runs just before a C parse; indexAsmTree just after an asm parse (the lexer parses nothing)
    let lang = i > 0 && samples[i - 1].st === 'C prep' ? 'C parse' : null;
    for (let k = j; k < samples.length && k < j + 2000 && !lang; k++) {
      const st = samples[k].st;
      if (st === 'C prep') lang = 'C parse';
      else if (st === 'index asm') lang = 'asm parse';
      else if (st === 'index other' || st === 'paths' || st === 'rules') lang = 'C parse';
    }
    runs.push({ i, j, lang: lang ?? 'C parse' });
    i = j - 1;
  }
  const setRuns = () => { for (const r of runs) for (let k = r.i; k < r.j; k++) samples[k].st = r.lang; };
  setRuns();
  // a tree deleted right after indexing belongs to the parse of its language
  for (let i = 0; i < samples.length; i++) {
    if (samples[i].st !== 'delete?') continue;
    let prev = null;
    for (let k = i - 1; k >= 0 && k > i - 2000 && !prev; k--) {
      if (samples[k].st === 'C parse') prev = 'C parse';
      else if (samples[k].st === 'index asm' || samples[k].st === 'asm parse') prev = 'asm parse';
    }
    samples[i].st = prev ?? 'C parse';
  }
  // label wasm modules by the parse they show up in
  const modUse = new Map();
  for (const s of samples) {
    const m = wasmModule(byId.get(s.id));
    if (!m) continue;
    const u = modUse.get(m) ?? { c: 0, asm: 0, other: 0 };
    if (s.st === 'C parse' || s.st === 'paths:reparse') u.c++; else if (s.st === 'asm parse') u.asm++; else u.other++;
    modUse.set(m, u);
  }
  const modName = new Map();
  // the runtime shows up in every parse and in the node API; a grammar's lexer only in its own
  // parse (a few runs may be misjudged, C parses dominate): gas mostly in asm runs, C never
  for (const [m, u] of modUse) {
    const asmShare = u.asm / Math.max(1, u.c + u.asm);
    modName.set(m, u.c + u.asm === 0 ? 'wasm' : asmShare > 0.5 ? 'tree-sitter-gas.wasm' : asmShare < 0.005 && u.c > 20 ? 'tree-sitter-c.wasm' : 'web-tree-sitter.wasm');
  }
  // second pass: a run with a sample in one grammar's module is that grammar's parse
  for (const r of runs) {
    for (let k = r.i; k < r.j; k++) {
      const name = modName.get(wasmModule(byId.get(samples[k].id)));
      if (name === 'tree-sitter-gas.wasm') { r.lang = 'asm parse'; break; }
      if (name === 'tree-sitter-c.wasm') { r.lang = 'C parse'; break; }
    }
  }
  setRuns();
  const nameOf = (id) => {
    const n = byId.get(id);
    const cf = n.callFrame;
    const fn = cf.functionName || '(anonymous)';
    const m = wasmModule(n);
    if (m) return `${fn} [${modName.get(m) ?? 'wasm'}]`;
    if (fn.startsWith('RegExp:')) {
      const p = parentOf.get(id);
      const ps = p ? src.get(p) : null;
      return `${fn.length > 60 ? fn.slice(0, 57) + '...' : fn} (in ${byId.get(p)?.callFrame.functionName || '?'}${ps ? `, ${ps.file}` : ''})`;
    }
    const s = src.get(id);
    if (s) return `${fn} (${s.file.replace(/^node_modules\//, '')}:${s.line})`;
    if (cf.url.startsWith('node:')) return `${fn} (${cf.url})`;
    return fn;
  };
  let from = 0;
  for (let t = 0; from < samples.length && t < fromMs * 1000; from++) t += samples[from].dt;
  samples.splice(0, from);
  const idle = samples.filter((s) => s.st === 'idle').reduce((a, s) => a + s.dt, 0);
  const total = samples.reduce((a, s) => a + s.dt, 0) - idle;
  const byStage = new Map();
  const selfBy = new Map();
  for (const s of samples) {
    if (s.st === 'idle') continue;
    const st = s.st === 'parse?' ? 'C parse' : s.st === 'C prep' ? 'C parse' : s.st === 'paths:reparse' ? 'paths' : s.st === 'index' ? 'index other' : s.st;
    byStage.set(st, (byStage.get(st) ?? 0) + s.dt);
    const k = `${st}\u0000${nameOf(s.id)}`;
    selfBy.set(k, (selfBy.get(k) ?? 0) + s.dt);
  }
  const reparse = samples.filter((s) => s.st === 'paths:reparse').reduce((a, s) => a + s.dt, 0);
  const blank = samples.filter((s) => s.st === 'C prep').reduce((a, s) => a + s.dt, 0);
  const stages = STAGES.map((name) => {
    const us = byStage.get(name) ?? 0;
    const top = [...selfBy.entries()].filter(([k]) => k.startsWith(name + '\u0000')).sort((a, b) => b[1] - a[1]).slice(0, 5)
      .map(([k, v]) => ({ fn: k.split('\u0000')[1], ms: v / 1000 }));
    return { name, ms: us / 1000, share: us / total, top };
  });
  return { totalMs: total / 1000, idleMs: idle / 1000, stages, notes: { pathsReparseMs: reparse / 1000, blankAttributesMs: blank / 1000 } };
}

export function profileCheck(dir, { interval = 500, keep = null } = {}) {
  const out = mkdtempSync(path.join(tmpdir(), 'trapline-prof-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${out}`, `--cpu-prof-interval=${interval}`, path.join(repo, 'dist/cli.js'), 'check', path.resolve(dir), '--format', 'json', '--cache-dir', path.join(out, 'cache')],
      { maxBuffer: 1 << 30, encoding: 'utf8' });
    const wallMs = performance.now() - t0;
    if (r.status !== 0 && r.status !== 1) throw new Error(`trapline check exited ${r.status}: ${r.stderr}`);
    const stats = JSON.parse(r.stdout).stats;
    const f = readdirSync(out).find((x) => x.endsWith('.cpuprofile'));
    if (!f) throw new Error('no .cpuprofile written');
    if (keep) copyFileSync(path.join(out, f), keep);
    const prof = JSON.parse(readFileSync(path.join(out, f), 'utf8'));
    return { dir, wallMs, stats, ...analyseProfile(prof, path.join(repo, 'dist/cli.js.map')) };
  } finally { rmSync(out, { recursive: true, force: true }); }
}

/** The language server under --cpu-prof: the first analysis, then EDITS edits of FILE (bench/lsp-edit.mjs). */
export async function profileServer(dir, file, { edits = 10, interval = 500 } = {}) {
  const { measureLsp } = await import('./lsp-edit.mjs');
  const out = mkdtempSync(path.join(tmpdir(), 'trapline-prof-'));
  try {
    const m = await measureLsp(dir, file, { edits, walkedEdits: 0, hovers: 0, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${out}`, `--cpu-prof-interval=${interval}`] });
    let f = null;
    for (let i = 0; i < 50 && !f; i++) { f = readdirSync(out).find((x) => x.endsWith('.cpuprofile')) ?? null; if (!f) await new Promise((r) => setTimeout(r, 100)); }
    if (!f) throw new Error('no .cpuprofile written by the server');
    const prof = JSON.parse(readFileSync(path.join(out, f), 'utf8'));
    // only the samples after the first analysis: the edits
    return { dir, file, edits, editMs: m.editMs, firstMs: m.firstMs, edit: analyseProfile(prof, path.join(repo, 'dist/server.js.map'), { fromMs: m.firstMs }) };
  } finally { rmSync(out, { recursive: true, force: true }); }
}

export function serverProfileMarkdown(p, label) {
  const e = p.edit;
  // the analysis after didOpen counts as one more re-analysis
  const per = (ms) => ms / p.edits;
  const lines = [`**${label}**, language server: the file opened, then ${p.edits} unsaved edits of \`${p.file}\` (a comment line appended: off every boot path, answered without a new walk; edit-to-diagnostics p50 ${Math.round([...p.editMs].sort((a, b) => a - b)[p.editMs.length >> 1])} ms): CPU per edit ${Math.round(per(e.totalMs))} ms (navigation maps, built once typing pauses, included).`, '',
    '| stage | ms per re-analysis | share | top self time (ms over all) |', '|---|---:|---:|---|'];
  for (const s of e.stages) {
    if (per(s.ms) < 0.5) continue;
    lines.push(`| ${s.name} | ${Math.round(per(s.ms))} | ${(100 * s.share).toFixed(1)} % | ${s.top.slice(0, 4).map((t) => `${t.fn.replace(/\|/g, '\\|')} ${Math.round(t.ms)}`).join('; ')} |`);
  }
  return lines.join('\n');
}

export function profileMarkdown(p, label) {
  const lines = [`**${label}**: ${Math.round(p.totalMs)} ms sampled (wall ${Math.round(p.wallMs)} ms under the profiler; the CLI's own stage timers: index ${p.stats.ms.index} ms, paths ${p.stats.ms.paths} ms, rules ${p.stats.ms.rules} ms).`, '',
    '| stage | ms | share | top self time (ms) |', '|---|---:|---:|---|'];
  for (const s of p.stages) {
    if (s.ms < 0.5) continue;
    lines.push(`| ${s.name} | ${Math.round(s.ms)} | ${(100 * s.share).toFixed(1)} % | ${s.top.map((t) => `${t.fn.replace(/\|/g, '\\|')} ${Math.round(t.ms)}`).join('; ')} |`);
  }
  lines.push('', `Of these, attribute blanking before the C parse: ${Math.round(p.notes.blankAttributesMs)} ms (in C parse); C files parsed again for the walk: ${Math.round(p.notes.pathsReparseMs)} ms (in paths).`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a, i) => !a.startsWith('--') && !['--interval', '--keep'].includes(args[i - 1]));
  if (!dir) { console.error('usage: node bench/profile.mjs DIR [--interval US] [--keep FILE.cpuprofile]'); process.exit(2); }
  const opt = (k) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
  const p = profileCheck(dir, { interval: Number(opt('--interval') ?? 500), keep: opt('--keep') ?? null });
  console.log(profileMarkdown(p, dir));
}
