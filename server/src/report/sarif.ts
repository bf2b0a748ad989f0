import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Range } from '../model/types';
import { RULES } from '../rules';
import type { ReportFinding, ReportModel } from './model';

/** A relative path as a URI reference: each segment percent-encoded (`boot 1#%.S` -> `boot%201%23%25.S`). */
export function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function physical(r: Range): Sarif.PhysicalLocation {
  return { artifactLocation: { uri: relativeUri(r.file), uriBaseId: 'SRCROOT' }, region: { startLine: r.line + 1, startColumn: r.column + 1, endLine: r.endLine + 1, endColumn: r.endColumn + 1 } };
}

const LEVEL: Record<string, Sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** SARIF 2.1.0 as code-scanning services read it: path-problem results with code flows. */
export function toSarif(m: ReportModel, findings: ReportFinding[], version: string): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.meta.id, name: r.meta.name,
    shortDescription: { text: r.meta.name },
    fullDescription: { text: r.meta.description },
    helpUri: r.meta.docs,
    help: { text: `${r.meta.description} See ${r.meta.docs}`, markdown: `${r.meta.description}\n\n[Rule documentation](${r.meta.docs})` },
    defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity] },
    properties: { kind: 'path-problem', tags: ['x86', 'boot'] },
  }));
  const results: Sarif.Result[] = findings.map((f) => {
    const related: Sarif.Location[] = f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.range), message: { text: r.message } }));
    const links = related.map((r) => `[${r.message?.text ?? ''}](${r.id})`).join('; ');
    const result: Sarif.Result = {
      ruleId: f.rule, ruleIndex: RULES.findIndex((r) => r.meta.id === f.rule), level: LEVEL[f.severity],
      message: { text: links ? `${f.message} See ${links}.` : f.message },
      locations: [{ physicalLocation: physical(f.range) }],
      partialFingerprints: { 'traplineFinding/v1': f.fingerprint },
      properties: { role: f.role, vectors: f.vectors },
    };
    if (related.length > 0) result.relatedLocations = related;
    if (f.flow.length > 0) {
      result.codeFlows = [{ threadFlows: [{ locations: f.flow.map((s) => ({ location: { physicalLocation: physical(s.range), message: { text: s.text } }, nestingLevel: s.depth, importance: s.essential ? 'essential' : 'unimportant' })) }] }];
    }
    return result;
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'trapline', version, informationUri: 'https://github.com/trapline/trapline', rules } },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(m.root.endsWith('/') ? m.root : m.root + '/').href } },
      results,
    }],
  };
}
