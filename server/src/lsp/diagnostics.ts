import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../model/types';
import { lspRange, uriOf } from './convert';

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };


/** Findings grouped per file URI as LSP diagnostics, with the closing step and the call chain as related information. */
export function toDiagnostics(root: string, findings: Finding[], docs: (rule: string) => string): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const f of findings) {
    const uri = uriOf(root, f.range.file);
    const d: Diagnostic = {
      range: lspRange(f.range), severity: SEVERITY[f.severity], code: f.rule, codeDescription: { href: docs(f.rule) }, source: 'trapline', message: f.message,
      relatedInformation: [
        ...f.related.map((r) => ({ location: { uri: uriOf(root, r.range.file), range: lspRange(r.range) }, message: r.message })),
        ...f.chain.map((c) => ({ location: { uri: uriOf(root, c.range.file), range: lspRange(c.range) }, message: `called from ${c.symbol}` })),
      ],
    };
    const list = out.get(uri) ?? [];
    list.push(d);
    out.set(uri, list);
  }
  return out;
}
