// The index's one import point for the rest of the server: the workspace index, its build and
// the lookups over it. The modules beside this one hold each concern.
export { WorkspaceIndex, closeness, isInitSection, type AsmUnit, type UnitStmt, type Picked, type Lineage } from './workspace-index';
export { buildIndex, IndexCancelled, type IndexCache } from './build';
export { newTreeCache, placedText, type TreeCache } from './parse-cache';
export { isTableSymbol, scanFactsOf } from './facts';
