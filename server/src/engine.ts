import * as path from 'node:path';
import type { Finding, LimitHit, Severity } from './model/types';
import { CONFIG_FILE, loadConfig, type Config, type ConfigOverrides } from './config';
import { buildIndex, IndexCancelled, type IndexCache, type TreeCache, type WorkspaceIndex } from './index/index';
import { ParserHost, wasmPathsIn } from './parse/parser';
import { TIME_LIMIT } from './paths/limits';
import { runRoles } from './paths/roles';
import type { WalkMemory } from './paths/traces';
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
  /** Keep the walks' traces in the analysis (`walks`), for `reanalyzeEdit` or the command line's trace store. */
  keepWalks?: boolean;
  /** The walks whose traces the walk re-uses where they hold, given the index and the configuration (a trace store's, or the last analysis', when the walk inputs are the same). */
  previousWalks?: (index: WorkspaceIndex, config: Config) => WalkMemory | null;
  /** Editor settings; `.trapline.json` is merged over them. */
  settings?: ConfigOverrides;
  /** The root's configuration, when the caller has loaded it already (the CLI, for its cache key). */
  config?: Config;
  /** Stop walking after this many milliseconds of walk (an editor must answer; a TL900 note says where it stopped). */
  timeLimitMs?: number;
}

export { runRoles, type WalkOptions } from './paths/roles';
export { walkInputs } from './paths/walk-inputs';

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
  const index = await buildIndex(absRoot, host, config.profile, { exclude: config.exclude, maxFileBytes: config.maxFileSize, kconfig: config.kconfig ?? undefined, overlay: opts.overlay, cache: opts.cache, trees: opts.trees, previousMacros: opts.previous?.macros, onProgress: opts.onProgress, cancelled: opts.cancelled });
  // a change that came while indexing finished supersedes this analysis before its walk
  await new Promise((r) => setImmediate(r));
  if (opts.cancelled?.()) { index.dispose(); throw new IndexCancelled(); }
  const t1 = performance.now();
  const { paths, walks } = runRoles(index, config, { previous: opts.previousWalks?.(index, config), keep: opts.keepWalks, timeLimitMs: opts.timeLimitMs });
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
