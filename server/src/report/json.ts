import type { Analysis } from '../engine';
import type { Finding, Range } from '../model/types';
import { fingerprint } from './fingerprint';

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
  roles: { name: string; entry: string | null; steps: { text: string; file: string; line: number; depth: number }[] }[];
  findings: JsonFinding[];
  stats: Record<string, unknown>;
}

/** 1-based lines and columns, paths relative to the analysed root (they already are). */
export function jsonLocation(r: Range): JsonLocation {
  return { file: r.file, line: r.line + 1, column: r.column + 1, endLine: r.endLine + 1, endColumn: r.endColumn + 1 };
}

export function lineTextOf(a: Analysis): (file: string, line: number) => string {
  return (file, line) => a.index.texts.get(file)?.split('\n')[line] ?? '';
}

export function jsonFinding(f: Finding, lineText: (file: string, line: number) => string): JsonFinding {
  return {
    rule: f.rule, name: f.name, severity: f.severity, role: f.role, message: f.message,
    location: jsonLocation(f.range),
    closes: f.closes ? { file: f.closes.range.file, line: f.closes.range.line + 1, text: f.closes.text } : null,
    chain: f.chain.map((c) => ({ symbol: c.symbol, file: c.range.file, line: c.range.line + 1 })),
    vectors: f.vectors,
    fingerprint: fingerprint(f, lineText),
  };
}

export function toJson(a: Analysis, findings: Finding[]): JsonReport {
  const lt = lineTextOf(a);
  return {
    version: 1, profile: a.config.profile.name,
    roles: a.paths.map((p) => ({ name: p.role.name, entry: p.entry, steps: p.steps.map((s) => ({ text: s.effect.text, file: s.range.file, line: s.range.line + 1, depth: s.depth })) })),
    findings: findings.map((f) => jsonFinding(f, lt)),
    stats: { ...a.stats, findings: findings.length },
  };
}
