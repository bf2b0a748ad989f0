import { afterBootKind } from '../model/roles';
import type { ReportFinding, ReportModel } from './model';
import { escapeControls } from './escape';

/** Compiler-style: `file:line:col: warning: message [TL001]` followed by the call chain, then a one-line summary. */
export function toText(m: ReportModel, findings: ReportFinding[], sinceBaseline = false): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.range.file}:${f.range.line + 1}:${f.range.column + 1}: ${f.severity}: ${f.message} [${f.rule}]`);
    if (f.chain.length > 0) lines.push(`    via ${f.chain.map((c) => `${c.symbol} (${c.range.file}:${c.range.line + 1})`).join(' -> ')}`);
    if (f.closes) lines.push(`    closes at ${f.closes.range.file}:${f.closes.range.line + 1}: ${f.closes.text}`);
  }
  const count = (s: string): number => findings.filter((f) => f.severity === s).length;
  // a role after boot says so: its findings are not boot's
  const roles = m.roles.map((r) => `${r.name}${r.entry ? `@${r.entry}` : ' (entry not found)'}${r.afterBoot ? ` (${afterBootKind(r.kind)})` : ''}`).join(', ');
  lines.push(`trapline: ${m.stats.files} files, profile ${m.profile}${m.configuration ? `, configuration ${m.configuration}` : ''}, roles ${roles}: ${count('error')} errors, ${count('warning')} warnings, ${count('information')} notes${sinceBaseline ? ' (new since baseline)' : ''}`);
  // one finding a line, whatever the file names and code hold
  return lines.map(escapeControls).join('\n') + '\n';
}
