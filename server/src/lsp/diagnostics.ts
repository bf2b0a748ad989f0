import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Range } from '../model/types';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

export function uriOf(root: string, file: string): string { return pathToFileURL(path.join(root, file)).toString(); }

function lspRange(r: Range): Diagnostic['range'] {
  return { start: { line: r.line, character: r.column }, end: { line: r.endLine, character: r.endColumn } };
}

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
