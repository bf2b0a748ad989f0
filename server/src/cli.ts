#!/usr/bin/env node
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildIdentity, cacheDirectory, CheckCache, configIdentity } from './cache/check-cache';
import { TraceStore } from './cache/trace-store';
import { wasmPathsIn } from './parse/parser';
import { IndexStore } from './cache/index-store';
import type { IndexCache } from './index/build';
import type { WorkspaceIndex } from './index/index';
import type { WalkMemory } from './paths/traces';
import { loadConfig, type Config } from './config';
import { RULE_IDS } from './rules';
import { toJson, type JsonReport } from './report/json';
import { reportModel, type ReportModel } from './report/model';
import { toSarif } from './report/sarif';
import { toText } from './report/text';
import { escapeControls } from './report/escape';

const VERSION = '0.1.0';
const USAGE = `usage: trapline check [DIR] [--format text|json|sarif] [--output FILE] [--rule ID...] [--baseline FILE]
                      [--cache-dir DIR] [--no-cache] [--time-limit SECONDS]

A check of a tree whose source files, .trapline.json and --rule selection are unchanged since
the last check of it prints that check's report from the cache: --cache-dir DIR, else
$TRAPLINE_CACHE_DIR, else $XDG_CACHE_HOME/trapline or ~/.cache/trapline (a directory inside the
analysed tree is not used). --no-cache neither reads nor writes it.

--time-limit SECONDS (default 60, 0 for none) stops the walk of a tree that takes longer; a TL900
note says where, and the report is not cached.

exit codes: 0 no warning or error, 1 warnings or errors found, 2 usage or I/O error`;

class UsageError extends Error {}

/** One line on stderr; what it quotes from the tree or the command line cannot break it or reach the terminal raw. */
function warn(line: string): void {
  process.stderr.write(`${escapeControls(line)}\n`);
}

interface Args { dir: string; format: 'text' | 'json' | 'sarif'; output: string | null; rules: string[]; baseline: string | null; cacheDir: string | null; cache: boolean; timeLimitMs: number | undefined }

function parseArgs(argv: string[]): Args {
  if (argv[0] !== 'check') throw new UsageError(argv[0] === undefined ? 'missing command (trapline check [DIR])' : `unknown command "${argv[0]}"`);
  const a: Args = { dir: '.', format: 'text', output: null, rules: [], baseline: null, cacheDir: null, cache: true, timeLimitMs: 60000 };
  let dirSet = false;
  for (let i = 1; i < argv.length; i++) {
    const x = argv[i];
    const value = (): string => { const v = argv[++i]; if (v === undefined) throw new UsageError(`${x} needs a value`); return v; };
    if (x === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format "${f}" (text, json, sarif)`);
      a.format = f;
    } else if (x === '--output' || x === '-o') a.output = value();
    else if (x === '--rule') {
      const r = value();
      for (const id of r.split(',')) { if (!RULE_IDS.includes(id)) throw new UsageError(`unknown rule "${id}" (known: ${RULE_IDS.join(', ')})`); a.rules.push(id); }
    } else if (x === '--baseline') a.baseline = value();
    else if (x === '--cache-dir') a.cacheDir = value();
    else if (x === '--no-cache') a.cache = false;
    else if (x === '--time-limit') {
      const v = value();
      const s = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(s)) throw new UsageError(`--time-limit takes a number of seconds, not "${v}"`);
      a.timeLimitMs = s > 0 ? s * 1000 : undefined;
    }
    else if (x.startsWith('-')) throw new UsageError(`unknown option "${x}"`);
    else if (!dirSet) { a.dir = x; dirSet = true; } else throw new UsageError(`unexpected argument "${x}"`);
  }
  return a;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(`${USAGE}\n`); return 0; }
  if (argv.length === 0) { process.stderr.write(`${USAGE}\n`); return 2; }
  let args: Args;
  try { args = parseArgs(argv); } catch (e) {
    // one line, as compilers do: the usage is one --help away
    if (e instanceof UsageError) { warn(`trapline: ${e.message}`); return 2; }
    throw e;
  }
  if (!existsSync(args.dir)) { warn(`trapline: ${args.dir}: no such directory`); return 2; }
  if (!statSync(args.dir).isDirectory()) { warn(`trapline: ${args.dir}: not a directory (trapline check takes the root of a source tree)`); return 2; }
  let baseline: Set<string> | null = null;
  if (args.baseline) {
    try {
      const b = JSON.parse(readFileSync(args.baseline, 'utf8')) as JsonReport;
      baseline = new Set(b.findings.map((f) => f.fingerprint));
    } catch (e) { warn(`trapline: cannot read baseline ${args.baseline}: ${(e as Error).message}`); return 2; }
  }
  const root = path.resolve(args.dir);
  const config = loadConfig(root, RULE_IDS);
  const build = args.cache ? buildIdentity([__filename, ...Object.values(wasmPathsIn(__dirname))]) : '';
  const cacheDir = cacheDirectory(args.cacheDir, process.env);
  const cache = args.cache ? openCache(cacheDir, root, build, args, config) : null;
  if (cache) {
    const r = cache.lookup();
    if ('hit' in r) { trace('cache hit'); return print(r.hit, args, baseline); }
    trace(`cache miss (${r.miss})`);
  }
  // what the last run indexed of each file: only the files changed since are indexed again
  const store = cache ? IndexStore.open(cacheDir, root, build, 'cli') : null;
  const stored = store?.load();
  const indexCache: IndexCache | undefined = stored?.cache;
  if (stored?.problem) trace(`index store: ${stored.problem}`);
  const fromStore = indexCache?.size ?? 0;
  // loaded only now: a cache hit needs neither the engine nor the wasm parsers
  const { analyze, timeLimitHit, walkInputs } = await import('./engine.js');
  // what the last run's walks did: only the calls whose reads changed are walked again
  const traces = cache ? TraceStore.open(cacheDir, root, build, configIdentity(root, config), 'cli') : null;
  let inputs: string | null = null;
  const previousWalks = (index: WorkspaceIndex): WalkMemory | null => {
    inputs = walkInputs(index);
    const got = traces?.load(inputs, index);
    if (got && 'none' in got) trace(`traces: ${got.none}`);
    return got && 'walks' in got ? got.walks : null;
  };
  const a = await analyze(root, { rules: args.rules, config, timeLimitMs: args.timeLimitMs, cache: indexCache, keepWalks: traces !== null, previousWalks: traces ? previousWalks : undefined });
  if (traces && a.walks && inputs !== null) {
    trace(`traces: ${a.walks.reused} calls re-used from the last run, ${a.walks.walked} walked`);
    const unsaved = traces.save(inputs, a.walks, a.index);
    if (unsaved) trace(`traces not written (${unsaved})`);
  }
  if (store && indexCache) {
    const kept = [...a.index.texts.keys()].filter((f) => indexCache.get(f)?.hash !== undefined).length;
    if (fromStore > 0) trace(`index store: ${kept} of ${a.index.texts.size} files as indexed by the last run`);
    const unsaved = store.save(indexCache, a.index.texts);
    if (unsaved) trace(`index store not written (${unsaved})`);
  }
  const model = reportModel(a);
  const cut = timeLimitHit(a);
  // a report cut short depends on the machine's speed: it is not the tree's
  if (cut) warn(`trapline: the analysis stopped after ${(args.timeLimitMs ?? 0) / 1000} s (--time-limit) at ${cut.range.file}:${cut.range.line + 1} in \`${cut.at}\`; the findings are those of the paths walked until then`);
  const unwritten = cut ? 'cut short by the time limit' : cache?.store(model, a.index.texts, a.index.unread);
  if (unwritten) trace(`cache not written (${unwritten})`);
  return print(model, args, baseline);
}

/** The cache of this root, for this build (the bundle and its wasm files), configuration and rule selection. */
function openCache(dir: string, root: string, build: string, args: Args, config: Config): CheckCache | null {
  const cache = CheckCache.open(dir, root, { version: VERSION, build, config, rules: args.rules });
  if (!cache) trace(`cache not used (${dir} is inside the analysed tree)`);
  return cache;
}

/** TRAPLINE_CACHE_TRACE=1: one line on stderr saying what the cache did (for tests and for finding out why a check was slow). */
function trace(message: string): void {
  if (process.env.TRAPLINE_CACHE_TRACE) warn(`trapline: ${message}`);
}

/** The report, the stderr notes and the exit code, all from the model. */
function print(m: ReportModel, args: Args, baseline: Set<string> | null): number {
  for (const p of m.configProblems) warn(`${p.range.file}:${p.range.line + 1}:${p.range.column + 1}: error: ${p.message}; using the defaults`);
  for (const s of m.stats.skipped) warn(`trapline: skipped ${s.file}: ${s.reason}`);
  const findings = baseline ? m.findings.filter((f) => !baseline.has(f.fingerprint)) : m.findings;
  let out: string;
  if (args.format === 'json') out = JSON.stringify(toJson(m, findings), null, 2) + '\n';
  else if (args.format === 'sarif') out = JSON.stringify(toSarif(m, findings, VERSION), null, 2) + '\n';
  else out = toText(m, findings, baseline !== null);
  if (args.output) { try { writeFileSync(args.output, out); } catch (e) { warn(`trapline: cannot write ${args.output}: ${(e as Error).message}`); return 2; } }
  else process.stdout.write(out);
  return findings.some((f) => f.severity === 'warning' || f.severity === 'error') ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  const stack = process.env.TRAPLINE_DEBUG && e instanceof Error ? e.stack : undefined;
  // a debugging stack keeps its lines
  if (stack) for (const l of `trapline: ${stack}`.split('\n')) warn(l);
  else warn(`trapline: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
