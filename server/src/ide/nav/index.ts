/**
 * Cross-language navigation over the engine's `WorkspaceIndex`: go to definition, find
 * references, the outline of a file and the call hierarchy, across C and GNU assembler.
 *
 * An IDE layer that knows nothing of LSP: positions are `{ file, line, column }` (file relative to
 * the root, '/'-separated, 0-based line and column) and results use the engine's `Range`. The
 * language server translates. Nothing here re-parses: the word under the cursor comes from the
 * file text, assembly structure from the assembly units' statements, and C structure from the
 * indexed functions and variables.
 *
 * Everything that is costly is computed once per index and kept in a WeakMap keyed by the index
 * (line starts and comment/string masks per file, the label table, the call graph).
 */
import type { WorkspaceIndex } from '../../index/index';
import { fileUnits, labelTable } from '../../index/asm-facts';
import { fileText, maskOf } from '../file-text';
import { fileVariables } from './outline';
import { graphOf } from './call-hierarchy';

export { definition } from './definition';
export { references } from './references';
export { documentSymbols, type OutlineKind, type OutlineSymbol } from './outline';
export { prepareCallHierarchy, incomingCalls, outgoingCalls, type CallItem, type IncomingCall, type OutgoingCall } from './call-hierarchy';
export { isCodeSection } from '../../index/asm-facts';

export interface Position { file: string; line: number; column: number }

/**
 * Builds everything the requests share, once per index: line tables and comment masks of every
 * file, the label table, the per-file maps and the call graph. Optional: each request builds
 * what it lacks, but a face can call this after an analysis so that the first request is fast.
 */
export function prepare(index: WorkspaceIndex): void {
  for (const file of index.texts.keys()) maskOf(fileText(index, file)!);
  fileUnits(index);
  labelTable(index);
  fileVariables(index, '');
  graphOf(index);
}
