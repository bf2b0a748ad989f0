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
 * Everything that is costly is computed once and kept in a WeakMap: per index the label table
 * and the call graph, per file text the line starts and comment/string masks (file-text.ts).
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
 * Builds everything the requests share: line tables and comment masks of every file (kept
 * across edits for the files they leave as they were), the label table, the per-file maps, and
 * for a whole analysis the call graph. Optional: each request builds what it lacks, but a face
 * can call this after an analysis so that the first request is fast. An edit's index builds its
 * call graph only when a call hierarchy is asked for: on Linux it is 0.7 s and 100 MB, which
 * every pause in typing would spend again.
 */
export function prepare(index: WorkspaceIndex): void {
  for (const file of index.texts.keys()) maskOf(fileText(index, file)!);
  fileUnits(index);
  labelTable(index);
  fileVariables(index, '');
  if (index.version === 0) graphOf(index);
}
