import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import type { Location, Range as LspRange } from 'vscode-languageserver/node';
import type { Range } from '../model/types';

/** Engine ranges (0-based, workspace-relative files) to LSP ranges and locations. */
export function lspRange(r: Range): LspRange {
  return { start: { line: r.line, character: r.column }, end: { line: r.endLine, character: r.endColumn } };
}

export function uriOf(root: string, file: string): string { return pathToFileURL(path.join(root, file)).toString(); }

export function location(root: string, r: Range): Location { return { uri: uriOf(root, r.file), range: lspRange(r) }; }
