// The benchmark suite (`npm run bench`; never part of `npm test`):
//   node bench/run.mjs [--real [LABEL=]DIR ...] [--runs N] [--scales 1,2,4] [--edits N] [--out FILE]
//                      [--workdir DIR] [--no-lsp] [--no-profile]
//   node bench/run.mjs --render RESULTS.json [--out FILE]
// (every run saves its results in WORKDIR/last-run.json; --render writes BENCHMARKS.md from
// such a file again without measuring, e.g. after editing this script's text)
// For the synthetic Xen-shaped trees (bench/generate.mjs, generated into --workdir when absent or
// stale) and each real tree given, it measures side by side:
//   parse floor   one thread parsing every .c/.h/.S file once with web-tree-sitter, nothing else
//                 (bench/parse-floor.mjs in a fresh process; its own time, without process start)
//   cold check    a fresh `node dist/cli.js check DIR --format json --no-cache`, start to exit,
//                 and its peak RSS
//   first check with an empty cache  the same with `--cache-dir TMP`, TMP a new empty
//                 directory: the run analyses and writes the result cache, the index store and
//                 the trace store
//   warm check    that command again right after, with the cache it wrote (a hit: the report
//                 printed from the cache; a warm run that is not a hit is logged)
//   one-file change  the same command after a statement is added to one line of walked code (the
//                 first C step of the boot CPU's path): a miss of the result cache, the other
//                 files' indexes taken from the index store, the calls that did not read the
//                 changed function replayed from the trace store (the file is put back after)
//   cores used    CPU time (user + sys) of the cold check over its wall time
//   LSP           edit-to-diagnostics and hover p50/p95 of dist/server.js on the file of that
//                 step, and the server's first analysis and peak RSS (bench/lsp-edit.mjs)
//   growth        1x -> 4x ratios
// each the median of N runs (default 5; 3 for a tree whose first round took over 40 s), the rounds
// interleaved across the trees (a burst of noise on a shared machine hits all trees). Then it
// profiles one cold check of the 1x tree and of each real tree (bench/profile.mjs), prints the
// table and writes BENCHMARKS.md (a section between <!-- keep --> and <!-- /keep --> in an
// existing BENCHMARKS.md is carried over).
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync, mkdtempSync, utimesSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, generatorId } from './generate.mjs';
import { measureLsp, pct } from './lsp-edit.mjs';
import { profileCheck, profileMarkdown, profileServer, serverProfileMarkdown } from './profile.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'dist/cli.js');
const TIME = '/usr/bin/time';
// the targets of the performance issues: cold / floor (all files, and the files the check reads),
// warm and one-file change / floor, edits and hovers, peak RSS (xen-sized trees; kernel-scale ones:
// over KERNEL_SCALE_BYTES of .c/.h/.S), and at kernel scale the cold check and the server's first analysis
const TARGETS = { coldRatio: 0.3, coldRatioCheck: 0.5, warmRatio: 0.1, changeRatio: 0.1, editP95: 30, hoverP95: 10, rssMb: 600, kernelRssMb: 1024, kernelColdMs: 20_000, kernelFirstMs: 20_000 };
const KERNEL_SCALE_BYTES = 100e6;

// ------------------------------------------------------------------------------------------ args
const argv = process.argv.slice(2);
const opts = { real: [], runs: 5, scales: [1, 2, 4], edits: 40, out: path.join(repo, 'BENCHMARKS.md'), workdir: path.join(os.tmpdir(), 'trapline-bench'), lsp: true, profile: true };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = () => { const x = argv[++i]; if (x === undefined) usage(`${a} needs a value`); return x; };
  if (a === '--real') { const x = v(); const eq = x.indexOf('='); opts.real.push(eq > 0 && !existsSync(x) ? { label: x.slice(0, eq), dir: path.resolve(x.slice(eq + 1)) } : { label: null, dir: path.resolve(x) }); }
  else if (a === '--runs') opts.runs = Math.max(1, Number(v()));
  else if (a === '--scales') opts.scales = v().split(',').filter(Boolean).map((s) => Number(s.replace(/x$/, '')));
  else if (a === '--edits') opts.edits = Math.max(1, Number(v()));
  else if (a === '--out') opts.out = path.resolve(v());
  else if (a === '--workdir') opts.workdir = path.resolve(v());
  else if (a === '--no-lsp') opts.lsp = false;
  else if (a === '--no-profile') opts.profile = false;
  else if (a === '--render') opts.render = path.resolve(v());
  else if (a === '--help' || a === '-h') usage();
  else usage(`unknown argument "${a}"`);
}
function usage(msg) {
  if (msg) process.stderr.write(`bench: ${msg}\n`);
  process.stderr.write('usage: node bench/run.mjs [--real [LABEL=]DIR ...] [--runs N] [--scales 1,2,4] [--edits N] [--out FILE] [--workdir DIR] [--no-lsp] [--no-profile]\n       node bench/run.mjs --render RESULTS.json [--out FILE]   (rewrite BENCHMARKS.md from a saved run, no measuring)\n');
  process.exit(msg ? 2 : 0);
}
for (const f of [cli, path.join(repo, 'dist/server.js')]) if (!existsSync(f)) { process.stderr.write(`bench: ${f} is missing: run \`npm run build\` first\n`); process.exit(2); }
for (const d of opts.real) if (!existsSync(d.dir)) { process.stderr.write(`bench: ${d.dir}: no such directory\n`); process.exit(2); }

const log = (s) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const median = (xs) => { const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b); if (!v.length) return NaN; const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const tStart = performance.now();

// ------------------------------------------------------------------------------------- machine
function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try { cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu; } catch { /* not Linux */ }
  const git = (...a) => { try { return execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim(); } catch { return ''; } };
  const dirty = git('status', '--porcelain', '--', 'server', 'client', 'grammars', 'scripts');
  // a source file newer than the bundle: the figures are of an older build
  const built = statSync(cli).mtimeMs;
  let stale = false;
  const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) walk(f); else if (statSync(f).mtimeMs > built) stale = true; } };
  try { walk(path.join(repo, 'server/src')); } catch { /* no sources */ }
  return {
    cpu, cores: os.cpus().length, ramGb: os.totalmem() / 2 ** 30, node: process.version, platform: `${os.type()} ${os.release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), commit: git('rev-parse', '--short', 'HEAD') || 'unknown', dirty: dirty.length > 0, stale,
    distBuilt: statSync(cli).mtime.toISOString().replace(/\.\d+Z$/, 'Z'), rssVia: existsSync(TIME) ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS (preloaded bench/maxrss.cjs)',
  };
}

// ------------------------------------------------------------------------------------- trees
function syntheticTree(scale) {
  const dir = path.join(opts.workdir, `synth-${scale}x`);
  let stamp = null;
  try { stamp = JSON.parse(readFileSync(path.join(dir, '.bench-tree.json'), 'utf8')); } catch { /* absent */ }
  if (!stamp || stamp.generator !== generatorId() || stamp.scale !== scale) {
    log(`generating the synthetic ${scale}x tree in ${dir}`);
    stamp = generate(scale, dir);
  }
  return { label: `synthetic ${scale}x`, dir, scale, synthetic: true };
}

// ------------------------------------------------------------------------------- measurements
function parseFloor(dir) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(repo, 'bench/parse-floor.mjs'), dir], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 900_000 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`parse-floor failed on ${dir}: ${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), wall };
}

/**
 * `trapline check DIR --format json` with the result cache in `cacheDir`; `cache` and `store` are
 * what the CLI's trace says the result cache and the index store did; `cpuS` its user + sys time.
 */
function check(dir, cacheDir) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'trapline-time-'));
  const timeOut = path.join(tmp, 'rss');
  const useTime = existsSync(TIME);
  const cmd = useTime ? TIME : process.execPath;
  const checkArgs = [cli, 'check', dir, '--format', 'json', ...(cacheDir ? ['--cache-dir', cacheDir] : ['--no-cache'])];
  const args = useTime ? ['-f', '%M %U %S', '-o', timeOut, process.execPath, ...checkArgs] : ['--require', path.join(repo, 'bench/maxrss.cjs'), ...checkArgs];
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 900_000, env: { ...process.env, TRAPLINE_CACHE_TRACE: '1' } });
  const wall = performance.now() - t0;
  try {
    if (r.status !== 0 && r.status !== 1) throw new Error(`trapline check ${dir} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
    const [rssKb, user, sys] = useTime ? readFileSync(timeOut, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [Number(/TRAPLINE_BENCH_MAXRSS_KB (\d+)/.exec(r.stderr)?.[1]), NaN, NaN];
    const report = JSON.parse(r.stdout);
    const warnings = report.findings.filter((f) => f.severity === 'warning' || f.severity === 'error');
    const cache = /^trapline: cache (hit|miss .*)$/m.exec(r.stderr)?.[1] ?? 'no trace';
    const store = /^trapline: index store: (.*)$/m.exec(r.stderr)?.[1] ?? null;
    const traces = /^trapline: traces: (\d+ calls re-used .*)$/m.exec(r.stderr)?.[1] ?? null;
    return { wall, rssKb, cpuS: user + sys, cache, store, traces, report, stats: report.stats, findings: report.findings.length, warnings: warnings.length, rules: [...new Set(warnings.map((f) => f.rule))].sort() };
  } finally { rmSync(tmp, { recursive: true, force: true }); }
}

/**
 * Where a one-line change of walked code goes: the first step of the boot CPU's path (else of the
 * first role) in a C file on a line that ends a statement, so that a statement added after it
 * keeps the file valid C. Null when the walk has no such step.
 */
function walkedLine(dir, report) {
  const roles = [...report.roles].sort((a, b) => Number(b.kind === 'bsp') - Number(a.kind === 'bsp'));
  for (const r of roles) {
    for (const st of r.steps) {
      if (!st.file.endsWith('.c')) continue;
      const line = readFileSync(path.join(dir, st.file), 'utf8').split('\n')[st.line - 1];
      if (line !== undefined && /;\s*$/.test(line)) return { file: st.file, line: st.line - 1, role: r.name, text: st.text };
    }
  }
  return null;
}

/** The check after ` barrier();` is added to the walked line, with the cache the cold run wrote; the file is put back (text and mtime) after. */
function changeCheck(dir, cacheDir, site) {
  const file = path.join(dir, site.file);
  const text = readFileSync(file, 'utf8');
  const st = statSync(file);
  const lines = text.split('\n');
  lines[site.line] += ' barrier();';
  writeFileSync(file, lines.join('\n'));
  try { return check(dir, cacheDir); } finally { writeFileSync(file, text); utimesSync(file, st.atime, st.mtime); }
}

/**
 * One round on one tree: parse floor, cold check (--no-cache), the first check with an empty
 * cache (it writes the result cache, the index store and the trace store), warm check (the
 * cache that one wrote), one-file change.
 */
function round(tree) {
  const t0 = performance.now();
  const floor = parseFloor(tree.dir);
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'trapline-bench-cache-'));
  try {
    const cold = check(tree.dir, null);
    const filling = check(tree.dir, cacheDir);
    const warm = check(tree.dir, cacheDir);
    if (warm.cache !== 'hit') log(`${tree.label}: the warm check was not a cache hit (${warm.cache})`);
    tree.site ??= walkedLine(tree.dir, cold.report);
    const change = tree.site ? changeCheck(tree.dir, cacheDir, tree.site) : null;
    if (change && !change.cache.startsWith('miss')) log(`${tree.label}: the check after the change was not a miss (${change.cache})`);
    for (const r of [cold, filling, warm, change]) if (r) delete r.report;
    return { floor, cold, filling, warm, change, took: performance.now() - t0 };
  } finally { rmSync(cacheDir, { recursive: true, force: true }); }
}

/**
 * Rounds interleaved across the trees (round 1 of every tree, then round 2, ...), so that a burst
 * of noise on a shared machine spreads over all trees instead of one tree's figures.
 */
function measureTrees(trees) {
  const rounds = trees.map(() => []);
  const runs = trees.map(() => opts.runs);
  for (let i = 0; i < opts.runs; i++) {
    trees.forEach((tree, t) => {
      if (i >= runs[t]) return;
      const r = round(tree);
      rounds[t].push(r);
      log(`${tree.label} run ${i + 1}/${runs[t]}: floor ${Math.round(r.floor.all.ms)} ms, cold ${Math.round(r.cold.wall)} ms ${Math.round(r.cold.rssKb / 1024)} MB, warm ${Math.round(r.warm.wall)} ms${r.change ? `, one-file change ${Math.round(r.change.wall)} ms (${r.change.store})` : ''}`);
      if (i === 0 && r.took > 40_000 && runs[t] > 3) { runs[t] = 3; log(`${tree.label}: slow tree, ${runs[t]} runs`); }
    });
  }
  return trees.map((tree, t) => summarise(tree, rounds[t]));
}

function summarise(tree, rounds) {
  const m = (f) => median(rounds.map(f));
  const first = rounds[0];
  const res = {
    ...tree, runs: rounds.length,
    files: first.floor.all.files, bytes: first.floor.all.bytes, checkFiles: first.cold.stats.files, checkBytes: first.cold.stats.bytes,
    floorFilesCheck: first.floor.check.files, floorExact: first.floor.check.exact,
    floorMs: m((r) => r.floor.all.ms), floorParseMs: m((r) => r.floor.all.parseMs), floorWallMs: m((r) => r.floor.wall),
    floorCheckMs: m((r) => r.floor.check.ms),
    coldMs: m((r) => r.cold.wall), coldRssMb: m((r) => r.cold.rssKb / 1024), warmMs: m((r) => r.warm.wall), warmRssMb: m((r) => r.warm.rssKb / 1024),
    coldMinMs: Math.min(...rounds.map((r) => r.cold.wall)), coldMaxMs: Math.max(...rounds.map((r) => r.cold.wall)),
    coldCores: m((r) => r.cold.cpuS * 1000 / r.cold.wall),
    fillingMs: m((r) => r.filling.wall), fillingRssMb: m((r) => r.filling.rssKb / 1024),
    change: first.change ? { site: tree.site, ms: m((r) => r.change.wall), rssMb: m((r) => r.change.rssKb / 1024), store: first.change.store, traces: first.change.traces, stages: { index: m((r) => r.change.stats.ms.index), paths: m((r) => r.change.stats.ms.paths) } } : null,
    stages: { index: m((r) => r.cold.stats.ms.index), paths: m((r) => r.cold.stats.ms.paths), rules: m((r) => r.cold.stats.ms.rules) },
    functions: first.cold.stats.functions, findings: first.cold.findings, warnings: first.cold.warnings, warningRules: first.cold.rules,
  };
  res.coldRatio = res.coldMs / res.floorMs;
  res.warmRatio = res.warmMs / res.floorMs;
  res.coldRatioCheck = res.coldMs / res.floorCheckMs;
  res.warmRatioCheck = res.warmMs / res.floorCheckMs;
  res.changeRatio = res.change ? res.change.ms / res.floorMs : NaN;
  res.changeRatioCheck = res.change ? res.change.ms / res.floorCheckMs : NaN;
  return res;
}

const WARM_EDITS = 10;

async function measureServer(tree) {
  if (!opts.lsp) return null;
  if (!tree.site) { log(`${tree.label}: no walked C code, LSP skipped`); return null; }
  log(`${tree.label}: language server, ${opts.edits} edits of ${tree.site.file}, 100 hovers`);
  const r = await measureLsp(tree.dir, tree.site.file, { edits: opts.edits, walkedEdits: opts.edits, hovers: 100 });
  return {
    file: tree.site.file,
    firstMs: r.firstMs, editP50: pct(r.editMs, 50), editP95: pct(r.editMs, 95), walkedP50: pct(r.walkedEditMs, 50), walkedP95: pct(r.walkedEditMs, 95), walkedEdits: r.walkedEditMs.length, hoverP50: pct(r.hoverMs, 50), hoverP95: pct(r.hoverMs, 95),
    hoversAnswered: r.hoversAnswered, stepHovers: r.stepHovers, hovers: r.hoverMs.length, hoverMax: Math.max(...r.hoverMs), editMax: Math.max(...r.editMs),
    rssMb: r.hwmKb / 1024, edits: r.editMs.length, rssFirstMb: r.rssAfterFirstKb / 1024,
    rssEditMinMb: Math.min(...r.rssPerEditKb) / 1024, rssEditMaxMb: Math.max(...r.rssPerEditKb) / 1024,
    // the first edits of walked code run code V8 has not optimised yet: shown apart as well
    walkedFirstMax: Math.max(...r.walkedEditMs.slice(0, WARM_EDITS)),
    walkedLaterP50: r.walkedEditMs.length > WARM_EDITS ? pct(r.walkedEditMs.slice(WARM_EDITS), 50) : NaN,
    walkedLaterP95: r.walkedEditMs.length > WARM_EDITS ? pct(r.walkedEditMs.slice(WARM_EDITS), 95) : NaN,
  };
}

// ------------------------------------------------------------------------------------- output
const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const sec = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const mark = (ok) => (ok === null ? 'n/a' : ok ? 'met' : '**not met**');

function figuresTable(rows) {
  const out = ['| tree | files read by check (all .c/.h/.S) | source | parse floor | cold check | cold peak RSS | cold / floor | warm check | warm / floor | one-file change | change / floor | server first analysis | edit-to-diagnostics p50 / p95 | edit of walked code p50 / p95 | hover p50 / p95 | server peak RSS | runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const l = r.lsp;
    out.push(`| ${r.label} | ${f0(r.checkFiles)} (${f0(r.files)}) | ${mb(r.bytes)} | ${sec(r.floorMs)} | ${sec(r.coldMs)} | ${f0(r.coldRssMb)} MB | ${f2(r.coldRatio)} | ${sec(r.warmMs)} | ${f2(r.warmRatio)} | ${r.change ? sec(r.change.ms) : 'n/a'} | ${f2(r.changeRatio)} | ${l ? sec(l.firstMs) : 'n/a'} | ${l ? `${f0(l.editP50)} / ${f0(l.editP95)} ms` : 'n/a'} | ${l && l.walkedEdits > 0 ? `${f0(l.walkedP50)} / ${f0(l.walkedP95)} ms` : 'n/a'} | ${l ? `${f2(l.hoverP50)} / ${f2(l.hoverP95)} ms` : 'n/a'} | ${l ? `${f0(l.rssMb)} MB` : 'n/a'} | ${r.runs} |`);
  }
  return out.join('\n');
}

function detailTable(rows) {
  const out = ['| tree | floor: own time (parse only) / process wall | floor over the check\'s files | cold min-max | cold: index / paths / rules (CLI timers) | cold: cores used | first check with an empty cache (writes the stores): wall; peak RSS | one-file change: the line; index / paths; files from the index store; calls from the trace store | warm peak RSS | server: file; edits; max | edits of walked code: the first ' + WARM_EDITS + ' max; after them p50 / p95 | server RSS: after the first analysis; after each edit min-max | hovers: on steps, answered; max | C functions | findings (warnings: rules) |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const c = r.change;
    out.push(`| ${r.label} | ${sec(r.floorMs)} (${sec(r.floorParseMs)}) / ${sec(r.floorWallMs)} | ${r.floorFilesCheck === r.files ? 'same files' : `${sec(r.floorCheckMs)} (${f0(r.floorFilesCheck)} files): cold / floor ${f2(r.coldRatioCheck)}, warm / floor ${f2(r.warmRatioCheck)}, change / floor ${f2(r.changeRatioCheck)}`} | ${sec(r.coldMinMs)} - ${sec(r.coldMaxMs)} | ${f0(r.stages.index)} / ${f0(r.stages.paths)} / ${f0(r.stages.rules)} ms | ${f2(r.coldCores)} | ${sec(r.fillingMs)}; ${f0(r.fillingRssMb)} MB | ${c ? `\`${c.site.file}:${c.site.line + 1}\` (${c.site.role}: \`${c.site.text}\`); ${f0(c.stages.index)} / ${f0(c.stages.paths)} ms; ${c.store ?? 'n/a'}; ${c.traces ?? 'n/a'}` : 'n/a'} | ${f0(r.warmRssMb)} MB | ${r.lsp ? `\`${r.lsp.file}\`; ${r.lsp.edits}; ${f0(r.lsp.editMax)} ms` : 'n/a'} | ${r.lsp?.walkedEdits ? `${f0(r.lsp.walkedFirstMax)} ms; ${f0(r.lsp.walkedLaterP50)} / ${f0(r.lsp.walkedLaterP95)} ms` : 'n/a'} | ${r.lsp ? `${f0(r.lsp.rssFirstMb)} MB; ${f0(r.lsp.rssEditMinMb)}-${f0(r.lsp.rssEditMaxMb)} MB` : 'n/a'} | ${r.lsp ? `${r.lsp.hovers}: ${r.lsp.stepHovers}, ${r.lsp.hoversAnswered}; ${f1(r.lsp.hoverMax)} ms` : 'n/a'} | ${f0(r.functions)} | ${r.findings} (${r.warnings}: ${r.warningRules.join(', ') || 'none'}) |`);
  }
  return out.join('\n');
}

function targetsTable(rows) {
  const out = [`| tree | cold / floor <= ${TARGETS.coldRatio} (the check's files: <= ${TARGETS.coldRatioCheck}) | warm / floor <= ${TARGETS.warmRatio} | one-file change / floor <= ${TARGETS.changeRatio} | edit-to-diagnostics p95 < ${TARGETS.editP95} ms | the same for edits of walked code, from the first | hover p95 < ${TARGETS.hoverP95} ms | peak RSS (CLI / server) < ${TARGETS.rssMb} MB, kernel scale <= 1 GB | kernel scale: cold check <= ${TARGETS.kernelColdMs / 1000} s | kernel scale: server's first analysis <= ${TARGETS.kernelFirstMs / 1000} s |`, '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const l = r.lsp;
    const both = r.floorFilesCheck !== r.files;
    const ratio = (x, xc, t, tc = t) => `${f2(x)}: ${mark(x <= t)}${both ? `; vs the check's files ${f2(xc)}: ${mark(xc <= tc)}` : ''}`;
    const rss = Math.max(r.coldRssMb, r.warmRssMb, r.change?.rssMb ?? 0, l?.rssMb ?? 0);
    const kernelScale = r.bytes > KERNEL_SCALE_BYTES;
    const rssTarget = kernelScale ? TARGETS.kernelRssMb : TARGETS.rssMb;
    const kernel = (x, t) => (kernelScale ? (Number.isFinite(x) ? `${sec(x)}: ${mark(x <= t)}` : 'n/a') : 'not kernel scale');
    out.push(`| ${r.label} | ${ratio(r.coldRatio, r.coldRatioCheck, TARGETS.coldRatio, TARGETS.coldRatioCheck)} | ${ratio(r.warmRatio, r.warmRatioCheck, TARGETS.warmRatio)} | ${r.change ? ratio(r.changeRatio, r.changeRatioCheck, TARGETS.changeRatio) : 'n/a'} | ${l ? `${f0(l.editP95)} ms: ${mark(l.editP95 < TARGETS.editP95)}` : 'n/a'} | ${l && l.walkedEdits > 0 ? `${f0(l.walkedP95)} ms: ${mark(l.walkedP95 < TARGETS.editP95)}` : 'n/a'} | ${l ? `${f2(l.hoverP95)} ms: ${mark(l.hoverP95 < TARGETS.hoverP95)}` : 'n/a'} | ${f0(r.coldRssMb)} / ${l ? f0(l.rssMb) : 'n/a'} MB: ${mark(rss < rssTarget)} | ${kernel(r.coldMs, TARGETS.kernelColdMs)} | ${kernel(l?.firstMs, TARGETS.kernelFirstMs)} |`);
  }
  return out.join('\n');
}

function growthTable(rows) {
  const syn = rows.filter((r) => r.synthetic).sort((a, b) => a.scale - b.scale);
  const base = syn.find((r) => r.scale === 1);
  if (!base || syn.length < 2) return null;
  const out = ['| from 1x to | source bytes | parse floor | cold check time | cold peak RSS | warm check time | edit-to-diagnostics p50 | server RSS after the first analysis | server peak RSS | linear or better (time / memory) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|'];
  for (const r of syn.filter((x) => x !== base)) {
    const b = r.bytes / base.bytes;
    const g = (x, y) => (Number.isFinite(x) && Number.isFinite(y) && y > 0 ? x / y : NaN);
    const t = g(r.coldMs, base.coldMs), m = g(r.coldRssMb, base.coldRssMb);
    const sm = g(r.lsp?.rssMb, base.lsp?.rssMb), e = g(r.lsp?.editP50, base.lsp?.editP50);
    const worstMem = Math.max(m, Number.isFinite(sm) ? sm : 0);
    out.push(`| ${r.scale}x | x${f2(b)} | x${f2(g(r.floorMs, base.floorMs))} | x${f2(t)} | x${f2(m)} | x${f2(g(r.warmMs, base.warmMs))} | ${Number.isFinite(e) ? `x${f2(e)}` : 'n/a'} | ${Number.isFinite(g(r.lsp?.rssFirstMb, base.lsp?.rssFirstMb)) ? `x${f2(g(r.lsp?.rssFirstMb, base.lsp?.rssFirstMb))}` : 'n/a'} | ${Number.isFinite(sm) ? `x${f2(sm)}` : 'n/a'} | ${mark(t <= b * 1.05 && (!Number.isFinite(e) || e <= b * 1.05))} / ${mark(worstMem <= b * 1.05)} |`);
  }
  return out.join('\n');
}

function keptSection(file) {
  try {
    const old = readFileSync(file, 'utf8');
    const m = /<!-- keep -->[\s\S]*?<!-- \/keep -->/.exec(old);
    return m ? m[0] : null;
  } catch { return null; }
}

function markdown(mc, rows, profiles, totalMs) {
  const synth = rows.find((r) => r.synthetic && r.scale === 1);
  const real = rows.find((r) => !r.synthetic);
  const kept = keptSection(opts.out);
  const growth = growthTable(rows);
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`node bench/run.mjs`); real trees are added with `--real [LABEL=]DIR`, e.g.',
    '`npm run bench -- --real "xen.git HEAD=../xen"`. Not part of `npm test`. Every figure is the median of',
    'the runs shown, measured on the `dist/` bundles as built (`npm run build` first). The synthetic',
    `trees are generated in \`${opts.workdir}\` when absent or stale.`,
    '',
    '## Machine and build',
    '',
    `- CPU: ${mc.cpu}, ${mc.cores} cores; RAM ${f1(mc.ramGb)} GiB; ${mc.platform}`,
    `- Node ${mc.node}; peak RSS of the CLI via ${mc.rssVia}`,
    `- Date ${mc.date}; trapline commit \`${mc.commit}\`${mc.dirty ? ' (with uncommitted changes under server/, client/, grammars/ or scripts/)' : ''}; dist/cli.js built ${mc.distBuilt}${mc.stale ? ', **older than some of server/src/** (run `npm run build`)' : ', newer than every file in server/src/'}`,
    `- The whole run took ${(totalMs / 60000).toFixed(1)} min.`,
    '',
    '## Figures',
    '',
    figuresTable(rows),
    '',
    '- **parse floor**: one thread parsing every `.c`/`.h`/`.S` file of the tree once with web-tree-sitter (the wasm files in `dist/`: tree-sitter-c for `.c`/`.h`, tree-sitter-gas for `.S`), reading included, nothing else (`bench/parse-floor.mjs`, a fresh process, timed from after its imports: wasm load + listing + reading + parsing; process start excluded).',
    '- **cold check**: a fresh `node dist/cli.js check DIR --format json --no-cache`, wall time from spawn to exit (process start and wasm load included), and its peak RSS. **first check with an empty cache** (in the details): the same with `--cache-dir TMP`, TMP a new empty directory; it also records the walks\' traces and writes the result cache, the index store and the trace store. **warm check**: that command run again right after, with the cache it wrote: a hit, which lists and stats the tree\'s files, reads and verifies the cache entry and prints the report from it, without loading the engine or the wasm parsers (the result cache in `docs/architecture.md`).',
    '- **one-file change**: the same command again after ` barrier();` is added to one line of walked code (the line of the first C step of the boot CPU\'s path that ends a statement; the line is given in the details), with the cache the runs before it left: the result cache misses (that file changed), the index store gives every other file\'s `#define`s and index (`server/src/cache/index-store.ts`), and the roles are walked again, replaying from the trace store every call whose reads still hold (`server/src/cache/trace-store.ts`): only the calls that read the changed function are walked. The file is put back (text and mtime) after. **cores used**: the cold check\'s CPU time (user + sys, from /usr/bin/time) over its wall time.',
    '- **server first analysis**: from `initialize` until the server has published the first analysis\' diagnostics (`trapline/timelineChanged`), over the real `dist/server.js` over JSON-RPC.',
    '- **edit-to-diagnostics**: an unsaved edit (`didChange` with a comment line appended, sent as VS Code sends it to a server that syncs incrementally: the range and the text typed) of the file of that line (the details say which) until the server has answered it (the diagnostics that changed published, then `trapline/timelineChanged`), over the real `dist/server.js` over JSON-RPC (`bench/lsp-edit.mjs`). Such an edit is off every boot path: the server answers it at once, without a new walk (`server/src/incremental.ts`). **edit of walked code**: a statement added at the end of a line holding a boot step of the same file (as many edits, each on the text of the one before): the server walks the roles again at once, re-using every call whose trace from the previous walk still holds (`server/src/paths/traces.ts`). **hover**: the round trip of `textDocument/hover` at 100 positions in the same file, half on the boot steps in it (from `trapline/timeline`, which answer with the step\'s timeline), half at the first word of lines spread over the file (most answer nothing). **server peak RSS**: the server\'s VmHWM after the first analysis, the edits and the hovers.',
    '- **files read by check**: what `trapline check` reads after the profile\'s excludes; the figure in brackets is every `.c`/`.h`/`.S` file under the directory, which is what the parse floor parses. For the synthetic trees both are the same.',
    '',
    '### Details',
    '',
    detailTable(rows),
    '',
    '## Targets (from the performance issue)',
    '',
    targetsTable(rows),
    '',
    `Kernel scale: a tree of over ${KERNEL_SCALE_BYTES / 1e6} MB of \`.c\`/\`.h\`/\`.S\` (the source column).`,
    '',
    'For a real tree whose directory holds files the profile excludes (xen.git: `tools/`, `stubdom/`, other architectures), the ratio against the parse floor of the files the check actually reads is shown as well; that one is the fair comparison.',
    '',
  ];
  if (growth) lines.push('## Growth', '', 'The synthetic 2x and 4x trees add copies of the ordinary code (one boot path). Linear or better: the time and memory ratios are at most the source-size ratio (5 % tolerance).', '', growth, '');
  if (kept) lines.push(kept, '');
  if (profiles.length) {
    lines.push('## Where the time goes', '', 'One cold check under `node --cpu-prof` (500 µs sampling) per tree, every sample given to the stage on its stack (`bench/profile.mjs`; stack frames mapped to `server/src/` through `dist/cli.js.map`). tree-sitter runs in wasm without function names: the wasm module is named (runtime, C grammar, gas grammar), and a parse is C or asm by what the engine does right after it. "index C" is the lexer reading each C file (`c-lex.ts`); "paths" includes parsing and copying the functions the walk enters (`functionNode`, `parse/syntax.ts`).', '');
    for (const p of profiles) lines.push(profileMarkdown(p.profile, p.label), '');
    const sp = profiles.filter((p) => p.server);
    if (sp.length) {
      lines.push('### Edits in the language server', '', 'The same attribution over the server (`node --cpu-prof dist/server.js`), counting only the samples after the first analysis: opening the file and the edits. Each edit is answered from the analysis on screen: the edited file is lexed again and the rules run again over the paths kept (the edit is off every path). "LSP" is the server\'s own work (diagnostics, and the navigation maps it builds after publishing). Idle time (the debounce) is left out.', '');
      for (const p of sp) lines.push(serverProfileMarkdown(p.server, p.label), '');
    }
  }
  lines.push('## The synthetic tree', '',
    '`node bench/generate.mjs SCALE OUTDIR` writes it (deterministic, seeded; no Xen code). It has no `.trapline.json`: it has `xen/arch/x86`, so the xen profile is detected and the CLI runs as on xen.git (roles `bsp` from `trapline_boot_cpu_entry`, `ap` from `trapline_realmode_entry`).',
    synth ? `At 1x: ${f0(synth.files)} files, ${mb(synth.bytes)}, ${f0(synth.functions)} C functions (xen.git HEAD's \`xen/\`: 1,616 files, 16.6 MB; ~10,400 function bodies in \`.c\` files, ~21,600 \`#define\`s, ~2,250 static inlines, all of which the generator aims at).` : '',
    '',
    '- Boot path: `xen/arch/x86/boot/head.S` (`start`) includes `trampoline.S` (AP real-mode entry, BSP entry; `%ebx` = 0 on the BSP, 1 on an AP) and `x86_64.S` (`__high_start`: BSP/AP split on `%ebx`; the BSP fills `idt_table` with `ignore_int`, loads it and calls `__start_xen`; an AP calls `start_secondary`). `setup.c` (`__start_xen` calls ~50 subsystem init functions, `trap_init`, `load_system_tables`, `identify_cpu`, `mcheck_init`, `__cpu_up` per CPU, `do_initcalls`, then `init_done`, which wipes `__init_begin..__init_end`), `traps-setup.c` (gate loops over vectors, `set_ist`, TSS IST slots, `lgdt`/`ltr`/`lidt`), `smpboot.c` (per-CPU IDT copies by `memcpy`, `start_secondary`), `cpu/common.c` and `cpu/mcheck/mce.c` (CR4 through the features word `mmu_cr4_features`), inline-asm helpers (`lidt`, `ltr`, `write_cr4`, `set_in_cr4`) in `asm/desc.h` and `asm/processor.h`, exception entry points in `x86_64/entry.S`. 16 components have a CPU feature function that writes CR4 and is reached from boot.',
    '- Two hazards on purpose: vectors 20-31 keep `ignore_int` (in `.init.text`) when `init_done()` frees init memory (TL003), and `trap_init()` sets IST indices on the live `idt_table` before the TSS is loaded (TL001 on the BSP). The check reports exactly these two warnings at every scale.',
    '- Ordinary code: ~50 components in Xen\'s directories (`xen/common`, `xen/drivers/...`, `xen/arch/x86/{mm,hvm,pv,cpu,...}`, ...), functions in layers calling each other (same file, same component, common helpers such as `printk`, `_spin_lock`, `xfree`), `__init` functions and `__initcall`s, lock/IRQ-flag helpers, headers with `#define`s, function-like macros, structs, prototypes and static inlines; file sizes long-tailed (largest ~190 KB at 1x). 2x and 4x add copies under `xen/r2/`, `xen/r3/`, `xen/r4/` with new names.',
    synth && real ? `- Compared with ${real.label} the walk is lighter (fewer, simpler relevant functions: paths take ${f0(synth.stages.paths)} ms against ${f0(real.stages.paths)} ms), while the tree-size-bound stages (read, macro scan, parse, index) see a Xen-sized input, somewhat larger than what the check reads there (${f0(synth.checkFiles)} files, ${mb(synth.checkBytes)} read against ${f0(real.checkFiles)} files, ${mb(real.checkBytes)}).` : '',
    '');
  return lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}

// ------------------------------------------------------------------------------------------ main
if (opts.render) {
  const saved = JSON.parse(readFileSync(opts.render, 'utf8'));
  process.stdout.write(`${figuresTable(saved.rows)}\n\n${targetsTable(saved.rows)}\n\n${growthTable(saved.rows) ?? ''}\n`);
  writeFileSync(opts.out, markdown(saved.machine, saved.rows, saved.profiles, saved.totalMs));
  log(`wrote ${path.relative(process.cwd(), opts.out) || opts.out} from ${opts.render}`);
  process.exit(0);
}
const mc = machine();
log(`${mc.cpu}, ${mc.cores} cores, node ${mc.node}, commit ${mc.commit}${mc.dirty ? ' (engine sources modified)' : ''}`);
if (mc.stale) log('warning: dist/ is older than some of server/src/: run `npm run build` to measure the current code');
const trees = [...opts.scales.map(syntheticTree), ...opts.real.map((d) => ({ label: d.label ?? d.dir, dir: d.dir, synthetic: false }))];
const rows = measureTrees(trees);
for (const [i, t] of trees.entries()) {
  const r = rows[i];
  r.lsp = await measureServer(t);
  if (r.lsp) log(`${t.label}: edit p50 ${f0(r.lsp.editP50)} ms p95 ${f0(r.lsp.editP95)} ms, hover p95 ${f2(r.lsp.hoverP95)} ms, server ${f0(r.lsp.rssMb)} MB`);
}
// the measurements are kept before profiling: a profile that fails loses nothing measured
mkdirSync(opts.workdir, { recursive: true });
writeFileSync(path.join(opts.workdir, 'last-run.json'), JSON.stringify({ machine: mc, rows, profiles: [], totalMs: performance.now() - tStart }, null, 2));
const profiles = [];
if (opts.profile) {
  for (const t of trees.filter((x) => !x.synthetic || x.scale === 1)) {
    log(`profiling a cold check of ${t.label}`);
    const p = { label: t.label, profile: profileCheck(t.dir) };
    if (opts.lsp && t.site) {
      log(`profiling the language server on ${t.label}`);
      try { p.server = await profileServer(t.dir, t.site.file, { edits: 10 }); } catch (e) { log(`${t.label}: the server's profile failed (${e.message}); left out`); }
    }
    profiles.push(p);
  }
}
const totalMs = performance.now() - tStart;
process.stdout.write(`\n${figuresTable(rows)}\n\n${targetsTable(rows)}\n\n${growthTable(rows) ?? ''}\n`);
writeFileSync(opts.out, markdown(mc, rows, profiles, totalMs));
writeFileSync(path.join(opts.workdir, 'last-run.json'), JSON.stringify({ machine: mc, rows, profiles, totalMs }, null, 2));
log(`wrote ${path.relative(process.cwd(), opts.out) || opts.out} in ${(totalMs / 60000).toFixed(1)} min`);
