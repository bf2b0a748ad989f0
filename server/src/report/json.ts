import type { Range } from '../model/types';
import type { ConfiguredKind } from '../model/roles';
import type { ReportFinding, ReportModel } from './model';

export interface JsonLocation { file: string; line: number; column: number; endLine: number; endColumn: number }
export interface JsonFinding {
  rule: string; name: string; severity: string; role: string; message: string;
  location: JsonLocation;
  closes: { file: string; line: number; text: string } | null;
  chain: { symbol: string; file: string; line: number }[];
  vectors: number[];
  fingerprint: string;
}
export interface JsonReport {
  version: 1; profile: string;
  /** The kernel configuration the tree was read under, or null (no Kconfig). */
  configuration: string | null;
  /** `kind` and `after` as `.trapline.json` spells them (`after` only for a role that starts after boot). */
  roles: { name: string; kind: ConfiguredKind; after?: 'boot'; entry: string | null; steps: { text: string; file: string; line: number; depth: number }[] }[];
  findings: JsonFinding[];
  stats: Record<string, unknown>;
}

/** 1-based lines and columns, paths relative to the analysed root (they already are). */
export function jsonLocation(r: Range): JsonLocation {
  return { file: r.file, line: r.line + 1, column: r.column + 1, endLine: r.endLine + 1, endColumn: r.endColumn + 1 };
}

export function jsonFinding(f: ReportFinding): JsonFinding {
  return {
    rule: f.rule, name: f.name, severity: f.severity, role: f.role, message: f.message,
    location: jsonLocation(f.range),
    closes: f.closes ? { file: f.closes.range.file, line: f.closes.range.line + 1, text: f.closes.text } : null,
    chain: f.chain.map((c) => ({ symbol: c.symbol, file: c.range.file, line: c.range.line + 1 })),
    vectors: f.vectors,
    fingerprint: f.fingerprint,
  };
}

/** `findings`: the model's findings, or those of them left after a baseline. */
export function toJson(m: ReportModel, findings: ReportFinding[]): JsonReport {
  return {
    version: 1, profile: m.profile, configuration: m.configuration,
    roles: m.roles.map((r) => ({ name: r.name, kind: r.kind, ...(r.afterBoot ? { after: 'boot' as const } : {}), entry: r.entry, steps: r.steps.map((s) => ({ text: s.text, file: s.file, line: s.line + 1, depth: s.depth })) })),
    findings: findings.map(jsonFinding),
    stats: { ...m.stats, findings: findings.length },
  };
}
