import type { Finding } from '../model/types';

/** Compiler-style: `file:line:col: warning: message [TL001]` followed by the call chain. */
export function toText(findings: Finding[], summary: string): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.range.file}:${f.range.line + 1}:${f.range.column + 1}: ${f.severity}: ${f.message} [${f.rule}]`);
    if (f.chain.length > 0) lines.push(`    via ${f.chain.map((c) => `${c.symbol} (${c.range.file}:${c.range.line + 1})`).join(' -> ')}`);
    if (f.closes) lines.push(`    closes at ${f.closes.range.file}:${f.closes.range.line + 1}: ${f.closes.text}`);
  }
  lines.push(summary);
  return lines.join('\n') + '\n';
}
