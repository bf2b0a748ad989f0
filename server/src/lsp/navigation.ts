import { SymbolKind, type CallHierarchyIncomingCall, type CallHierarchyItem, type CallHierarchyOutgoingCall, type DocumentSymbol, type Location } from 'vscode-languageserver/node';
import type { Analysis } from '../engine';
import * as nav from '../ide/nav/index';
import { location, lspRange } from './convert';

/** LSP shapes for the IDE navigation layer (which knows nothing of the protocol). */
export function definitions(a: Analysis, file: string, line: number, character: number): Location[] {
  return nav.definition(a.index, file, line, character).map((r) => location(a.root, r));
}

export function references(a: Analysis, file: string, line: number, character: number, includeDeclaration: boolean): Location[] {
  return nav.references(a.index, file, line, character, includeDeclaration).map((r) => location(a.root, r));
}

const KIND: Record<nav.OutlineKind, SymbolKind> = { function: SymbolKind.Function, variable: SymbolKind.Variable, label: SymbolKind.Key, section: SymbolKind.Namespace, macro: SymbolKind.Constant };

export function outline(a: Analysis, file: string): DocumentSymbol[] {
  const conv = (s: nav.OutlineSymbol): DocumentSymbol => ({ name: s.name, kind: KIND[s.kind], range: lspRange(s.range), selectionRange: lspRange(s.selectionRange), children: s.children.map(conv) });
  return nav.documentSymbols(a.index, file).map(conv);
}

function item(a: Analysis, c: nav.CallItem): CallHierarchyItem {
  return { name: c.name, kind: c.kind === 'function' ? SymbolKind.Function : SymbolKind.Key, uri: location(a.root, c.range).uri, range: lspRange(c.range), selectionRange: lspRange(c.selectionRange), detail: a.index.sectionOf(c.name) ?? undefined, data: c };
}

export function prepareCallHierarchy(a: Analysis, file: string, line: number, character: number): CallHierarchyItem[] | null {
  const c = nav.prepareCallHierarchy(a.index, file, line, character);
  return c ? [item(a, c)] : null;
}

export function incomingCalls(a: Analysis, it: CallHierarchyItem): CallHierarchyIncomingCall[] {
  const c = it.data as nav.CallItem;
  // LSP ranges of a call are in the caller's document: drop the ones an #include put elsewhere
  return nav.incomingCalls(a.index, c).map((x) => ({ from: item(a, x.from), fromRanges: x.ranges.filter((r) => r.file === x.from.file).map(lspRange) }));
}

export function outgoingCalls(a: Analysis, it: CallHierarchyItem): CallHierarchyOutgoingCall[] {
  const c = it.data as nav.CallItem;
  return nav.outgoingCalls(a.index, c).map((x) => ({ to: item(a, x.to), fromRanges: x.ranges.filter((r) => r.file === c.file).map(lspRange) }));
}
