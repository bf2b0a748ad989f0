import type { Analysis, AnalysisStats } from '../engine';
import type { Config } from '../config';
import type { Finding } from '../model/types';
import { configuredKind, startsAfterBoot, type ConfiguredKind } from '../model/roles';
import { fingerprint } from './fingerprint';

/** A finding with its fingerprint, computed while the line texts were at hand. */
export interface ReportFinding extends Finding { fingerprint: string }

/** A role's path as the reports show it: its kind as configured, each step's text, place (0-based line) and call depth. */
export interface ReportRole { name: string; kind: ConfiguredKind; afterBoot: boolean; entry: string | null; steps: { text: string; file: string; line: number; depth: number }[] }

/**
 * Everything the reporters and the CLI print, and nothing else: plain JSON-serialisable data, so
 * that a cached report prints exactly as the analysis it was made from.
 */
export interface ReportModel {
  /** Absolute path of the analysed root. */
  root: string;
  profile: string;
  /** The kernel configuration the tree was read under (`.config`, or a defconfig resolved through Kconfig), or null. */
  configuration: string | null;
  roles: ReportRole[];
  findings: ReportFinding[];
  stats: AnalysisStats;
  configProblems: Config['problems'];
}

export function reportModel(a: Analysis): ReportModel {
  // each file split once, not once per finding in it
  const split = new Map<string, string[]>();
  const lineText = (file: string, line: number): string => {
    let lines = split.get(file);
    if (!lines) { lines = a.index.texts.get(file)?.split('\n') ?? []; split.set(file, lines); }
    return lines[line] ?? '';
  };
  return {
    root: a.root,
    profile: a.config.profile.name,
    configuration: a.index.kernelConfig?.description ?? null,
    roles: a.paths.map((p) => ({ name: p.role.name, kind: configuredKind(p.role), afterBoot: startsAfterBoot(p.role), entry: p.entry, steps: p.steps.map((s) => ({ text: s.effect.text, file: s.range.file, line: s.range.line, depth: s.depth })) })),
    findings: a.findings.map((f) => ({ ...f, fingerprint: fingerprint(f, lineText) })),
    stats: a.stats,
    configProblems: a.config.problems,
  };
}
