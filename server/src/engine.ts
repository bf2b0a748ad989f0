import * as path from 'node:path';
import type { Finding, LimitHit, Severity } from './model/types';
import { CONFIG_FILE, loadConfig, type Config, type ConfigOverrides } from './config';
import { buildIndex, IndexCancelled, type IndexCache, type TreeCache, type WorkspaceIndex } from './index/index';
import { ParserHost, wasmPathsIn } from './parse/parser';
import { PathWalker } from './paths/walker';
import { TIME_LIMIT } from './paths/limits';
import { WalkMemory } from './paths/traces';
import type { RolePath } from './paths/steps';
import { RULES, RULE_IDS } from './rules';
import { applySuppressions, rulesRun, type UnusedSuppression } from './rules/suppressions';

export interface AnalysisStats { files: number; cFiles: number; asmFiles: number; bytes: number; skipped: { file: string; reason: string }[]; functions: number; asmUnits: number; ms: { index: number; paths: number; rules: number } }
export interface Analysis {
  root: string; config: Config; index: WorkspaceIndex; paths: RolePath[]; findings: Finding[];
  /** Suppression comments that suppressed nothing (shown as hints, with a fix that removes them). */
  unusedSuppressions: UnusedSuppression[];
  /** The rules asked for (all when undefined). */
  rules?: string[];
  stats: AnalysisStats;
  /** The walks' traces, kept for re-analysing an edit (an editor session asks for them). */
  walks: WalkMemory | null;
}

export interface AnalyzeOptions {
  wasmDir?: string;
  host?: ParserHost;
  overlay?: Map<string, string>;
  rules?: string[];
  cache?: IndexCache;
  trees?: TreeCache;
  /** The index of the analysis this one replaces: its macro evaluations are kept when the macros are the same. */
  previous?: WorkspaceIndex;
  onProgress?: (done: number, total: number) => void;
  cancelled?: () => boolean;
  /** Keep the walks' traces in the analysis (`walks`), for `reanalyzeEdit`. */
  keepWalks?: boolean;
  /** Editor settings; `.trapline.json` is merged over them. */
  settings?: ConfigOverrides;
  /** The root's configuration, when the caller has loaded it already (the CLI, for its cache key). */
  config?: Config;
  /** Stop walking after this many milliseconds of walk (an editor must answer; a TL900 note says where it stopped). */
  timeLimitMs?: number;
}

let sharedHost: Promise<ParserHost> | null = null;
export function parserHost(wasmDir: string): Promise<ParserHost> {
  sharedHost ??= ParserHost.create(wasmPathsIn(wasmDir));
  return sharedHost;
}

/** Where the wasm files are: next to the running bundle (dist/). */
export function defaultWasmDir(): string { return __dirname; }

/** The engine's one entry point: index, walk each role, run every rule. Knows nothing of LSP or the CLI. */
export async function analyze(root: string, opts: AnalyzeOptions = {}): Promise<Analysis> {
  const absRoot = path.resolve(root);
  const config = opts.config ?? loadConfig(absRoot, RULE_IDS, opts.settings, opts.overlay?.get(CONFIG_FILE));
  const host = opts.host ?? await parserHost(opts.wasmDir ?? defaultWasmDir());
  const t0 = performance.now();
  const index = await buildIndex(absRoot, host, config.profile, { exclude: config.exclude, maxFileBytes: config.maxFileSize, overlay: opts.overlay, cache: opts.cache, trees: opts.trees, previousMacros: opts.previous?.macros, onProgress: opts.onProgress, cancelled: opts.cancelled });
  // a change that came while indexing finished supersedes this analysis before its walk
  await new Promise((r) => setImmediate(r));
  if (opts.cancelled?.()) { index.dispose(); throw new IndexCancelled(); }
  const t1 = performance.now();
  const { paths, walks } = runRoles(index, config, { keep: opts.keepWalks, timeLimitMs: opts.timeLimitMs });
  const t2 = performance.now();
  return conclude(absRoot, config, index, paths, walks, opts.rules, { index: t1 - t0, paths: t2 - t1 });
}

/** Rules and suppressions over walked paths: the last stage of a whole analysis and of an edit's re-analysis. */
export function conclude(root: string, config: Config, index: WorkspaceIndex, paths: RolePath[], walks: WalkMemory | null, only: string[] | undefined, ms: { index: number; paths: number }): Analysis {
  const t0 = performance.now();
  // suppression comments (`/* trapline-disable-next-line TL002 -- reason */`) are honoured by every face
  const { findings, unused } = applySuppressions(runRules(index, paths, config, only), index.texts, rulesRun(RULE_IDS, config.rules, only));
  let functions = 0;
  for (const f of index.cFiles.values()) functions += f.functions.length;
  return {
    root, config, index, paths, findings, unusedSuppressions: unused, rules: only, walks,
    stats: { ...index.stats, functions, asmUnits: index.units.length, ms: { index: Math.round(ms.index), paths: Math.round(ms.paths), rules: Math.round(performance.now() - t0) } },
  };
}

/**
 * How the walks use traces: `previous`, the walks of the analysis an edit replaces, re-used
 * where they still hold (only when the index's workspace-wide facts are the same: see
 * reanalyzeEdit); `keep`, record this walk's traces for the next edit.
 */
export interface WalkOptions { previous?: WalkMemory | null; keep?: boolean; timeLimitMs?: number }

/** BSP-like roles first: an AP starts with the memory the BSP left when it started the APs. */
export function runRoles(index: WorkspaceIndex, config: Config, opts: WalkOptions = {}): { paths: RolePath[]; walks: WalkMemory | null } {
  // the same gate tables as the traces re-used: their states name tables by object
  const memory = new WalkMemory(opts.previous?.gates);
  const order = [...config.roles].sort((a, b) => (a.kind === 'bsp' ? 0 : 1) - (b.kind === 'bsp' ? 0 : 1));
  const out: RolePath[] = [];
  let bsp: PathWalker | null = null;
  const timeLimit = opts.timeLimitMs === undefined ? null : { deadline: performance.now() + opts.timeLimitMs, ms: opts.timeLimitMs };
  let expired = false;
  for (const role of order) {
    let shared = null;
    // APs are started before init memory is freed: without a start point, the memory just before the free
    if (role.kind === 'ap' && bsp) {
      const free = bsp.steps.find((s) => s.effect.kind === 'free-init');
      shared = bsp.apBase ?? free?.before[0] ?? bsp.steps[bsp.steps.length - 1]?.after[0] ?? null;
    }
    const w: PathWalker = new PathWalker(index, config.profile.hints, role, shared, memory.gates, opts.previous?.roles.get(role.name) ?? null, opts.keep ?? false, timeLimit);
    out.push(w.run());
    expired ||= w.expired;
    if (opts.keep) memory.roles.set(role.name, w.traces);
    memory.walked += w.counts.walked;
    memory.reused += w.counts.reused;
    if (role.kind === 'bsp' && !bsp) bsp = w;
  }
  // the calls of a walk cut short did not finish: none of them is re-used
  return { paths: config.roles.map((r) => out.find((p) => p.role === r) as RolePath), walks: opts.keep && !expired ? memory : null };
}

/** Where the time limit stopped the analysis, if it did. */
export function timeLimitHit(a: Analysis): LimitHit | undefined {
  for (const p of a.paths) for (const h of p.limits) if (h.limit.startsWith(TIME_LIMIT)) return h;
  return undefined;
}

export function runRules(index: WorkspaceIndex, paths: RolePath[], config: Config, only?: string[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (only && only.length > 0 && !only.includes(rule.meta.id)) continue;
    const sev: Severity = config.rules[rule.meta.id] ?? rule.meta.defaultSeverity;
    if (sev === 'off') continue;
    for (const f of rule.check({ index, paths })) findings.push({ ...f, severity: sev });
  }
  return findings.sort((a, b) => a.range.file.localeCompare(b.range.file) || a.range.line - b.range.line || a.rule.localeCompare(b.rule));
}
