import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../model/types';
import type { UnusedSuppression } from '../rules/suppressions';
import { lspRange, uriOf } from './convert';

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

/** What a diagnostic carries back to the server for its quick fixes: which finding or unused suppression it is. */
export type DiagnosticData = { finding: number } | { unused: number };

/** Findings grouped per file URI as LSP diagnostics, with the closing step and the call chain as related information. */
export function toDiagnostics(root: string, findings: Finding[], unused: UnusedSuppression[], docs: (rule: string) => string): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  const add = (uri: string, d: Diagnostic): void => { const list = out.get(uri) ?? []; list.push(d); out.set(uri, list); };
  findings.forEach((f, i) => {
    const uri = uriOf(root, f.range.file);
    const data: DiagnosticData = { finding: i };
    add(uri, {
      range: lspRange(f.range), severity: SEVERITY[f.severity], code: f.rule, codeDescription: { href: docs(f.rule) }, source: 'trapline', message: f.message, data,
      relatedInformation: [
        ...f.related.map((r) => ({ location: { uri: uriOf(root, r.range.file), range: lspRange(r.range) }, message: r.message })),
        ...f.chain.map((c) => ({ location: { uri: uriOf(root, c.range.file), range: lspRange(c.range) }, message: `called from ${c.symbol}` })),
      ],
    });
  });
  unused.forEach((u, i) => {
    const data: DiagnosticData = { unused: i };
    add(uriOf(root, u.file), { range: lspRange(u.range), severity: DiagnosticSeverity.Hint, tags: [DiagnosticTag.Unnecessary], source: 'trapline', message: u.message, data });
  });
  return out;
}
