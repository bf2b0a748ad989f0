/** The engine's public surface, for the faces (CLI, language server) and the tests. */
export { analyze, runRoles, runRules, parserHost, type Analysis, type AnalyzeOptions } from './engine';
export { ParserHost, WasmLoadError, wasmPathsIn, languageOf } from './parse/parser';
export { loadConfig, PROFILES, detectProfile } from './config';
export { RULES, RULE_IDS } from './rules';
export { reportModel } from './report/model';
export { toJson } from './report/json';
export { toSarif } from './report/sarif';
export { toText } from './report/text';
export * as timeline from './ide/timeline';
export * as navigation from './ide/navigation';
export * as fixes from './ide/code-actions'; export * as suppress from './rules/suppressions';
export { lexCFile } from './index/c-lex';
export { MacroTable, scanMacros } from './index/macros';
export { blankAttributes, declaratorName } from './index/c-index';
export { snapshot } from './parse/syntax';
export { reanalyzeEdit } from './incremental';
export { newTreeCache } from './index/index';
export { LayeredMap } from './index/layered-map';
