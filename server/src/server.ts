import {
  CodeActionKind, createConnection, DiagnosticSeverity, MessageType, ShowMessageNotification, type CodeAction, DidChangeConfigurationNotification, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type Diagnostic, type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { analyze, timeLimitHit, walkInputs, type Analysis } from './engine';
import { reanalyzeEdit } from './incremental';
import { escapeControls } from './report/escape';
import { CONFIG_FILE, knownNames, type Config, type ConfigOverrides } from './config';
import { settingsOverrides } from './config/settings';
import { namesKernelConfig } from './index/tree-config';
import { newTreeCache, type IndexCache, type TreeCache, type WorkspaceIndex } from './index/index';
import { IndexCancelled } from './index/index';
import { RULE_IDS, RULES } from './rules';
import { IndexStore } from './cache/index-store';
import { buildIdentity, configIdentity } from './cache/check-cache';
import { TraceStore } from './cache/trace-store';
import type { WalkMemory } from './paths/traces';
import { wasmPathsIn } from './parse/parser';
import { toDiagnostics } from './lsp/diagnostics';
import * as navigation from './lsp/navigation';
import { prepare as prepareNavigation } from './ide/nav/index';
import * as timeline from './ide/timeline/index';
import { codeActions, unusedSuppressionAction, type CodeAction as Fix } from './ide/fixes';
import type { DiagnosticData } from './lsp/diagnostics';
import { lspRange, uriOf } from './lsp/convert';

/** Protocol glue only: the analysis lives in engine.ts, the IDE features in ide/. */
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let root: string | null = null;
let settings: ConfigOverrides = {};
/** The problems with the settings last shown, so that each analysis does not show them again. */
let settingsProblems = '';
let canPullConfig = false;
/** What each file's diagnostics were when last sent, as sent. */
let published = new Map<string, string>();
let timer: NodeJS.Timeout | null = null;
let prepareTimer: NodeJS.Timeout | null = null;
const PREPARE_AFTER_MS = 400;
/** A whole analysis is under way: an edit then waits for the next one instead of taking the fast path. */
let running = false;
let generation = 0;
let firstRun = true;
/** Files edited since the analysis on screen; one alone may be answered from it (reanalyzeEdit). */
const edited = new Set<string>();
/** Something other than an edit (settings, a closed file, files on disk) asks for a whole analysis. */
let wholeAnalysis = true;
/**
 * The last edits answered from the analysis on screen took longer than keystrokes come (walks
 * that re-used little): the next ones wait for typing to pause, so answers never queue up. One
 * slow answer alone does not (the first edits after an analysis run code not yet optimised, a
 * garbage collection lands in one).
 */
let slowEdits = 0;
const KEYSTROKE_MS = 100;
const SLOW_IN_A_ROW = 2;
/** The analysis on screen; the whole-file trees it parsed live in wasm memory until it is replaced. */
let current: Analysis | null = null;
/** Per-file index results: an edit re-parses the edited file only. */
const cache: IndexCache = new Map();
const trees: TreeCache = newTreeCache();
/**
 * Walking time per analysis (initializationOptions.timeLimitMs overrides it): a tree or an
 * unsaved edit that walks longer is cut short, and the last complete analysis stays on screen.
 */
let timeLimitMs = 10000;
/**
 * Where this tree's index is kept between editor sessions (initializationOptions.cacheDir: the
 * extension's global storage), so that the first analysis indexes only the files changed since
 * the last session; none without it.
 */
let cacheDir: string | null = null;
let store: IndexStore | null = null;
/** The skipped-files lines last logged: logged again only when they change, not after every edit. */
let loggedSkips = '[]';
const docsOf = (id: string): string => RULES.find((r) => r.meta.id === id)?.meta.docs ?? '';

connection.onInitialize((params: InitializeParams) => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  root = folder ? fileURLToPath(folder) : null;
  canPullConfig = params.capabilities.workspace?.configuration === true;
  const init = params.initializationOptions as { timeLimitMs?: unknown; cacheDir?: unknown } | undefined;
  if (typeof init?.timeLimitMs === 'number' && init.timeLimitMs > 0) timeLimitMs = init.timeLimitMs;
  if (typeof init?.cacheDir === 'string' && path.isAbsolute(init.cacheDir)) cacheDir = init.cacheDir;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      callHierarchyProvider: true,
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
  };
});

function relative(uri: string): string | null {
  if (!root || !uri.startsWith('file:')) return null;
  const rel = path.relative(root, fileURLToPath(uri));
  return rel.startsWith('..') ? null : rel.split(path.sep).join('/');
}

async function pullSettings(): Promise<void> {
  if (!canPullConfig) return;
  const s: unknown = await connection.workspace.getConfiguration('trapline');
  const { overrides, problems } = settingsOverrides(s, knownNames(RULE_IDS));
  // a kernel configuration named in the settings that is not there is said, not used unseen
  if (overrides.kconfig !== undefined && root && !namesKernelConfig(root, overrides.kconfig)) {
    problems.push(`settings: "trapline.kconfig" names ${JSON.stringify(overrides.kconfig)}, which is neither a .config nor a folder holding one`);
    delete overrides.kconfig;
  }
  settings = overrides;
  // settings live in a settings.json the server does not know: a message, not a diagnostic
  const shown = problems.join('\n');
  if (shown === settingsProblems) return;
  settingsProblems = shown;
  for (const p of problems) connection.console.warn(`trapline: ${p}; using the defaults`);
  // a notification: nothing waits for a client that does not answer message requests
  if (problems.length > 0) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Trapline: ${problems[0]}; using the defaults${problems.length > 1 ? ` (${problems.length - 1} more in the Trapline output)` : ''}` });
}

async function run(): Promise<void> {
  if (!root) return;
  running = true;
  try {
    const [file] = edited;
    const doc = file !== undefined && edited.size === 1 && !wholeAnalysis ? documents.get(uriOf(root, file)) : undefined;
    if (doc && answerEdit(file, doc.getText())) return;
    await analyzeTree();
  } finally { running = false; }
}

async function analyzeTree(): Promise<void> {
  if (!root) return;
  const mine = ++generation;
  edited.clear();
  wholeAnalysis = false;
  const overlay = new Map<string, string>();
  for (const d of documents.all()) { const f = relative(d.uri); if (f) overlay.set(f, d.getText()); }
  if (firstRun && cacheDir) openStore(root, cacheDir);
  const progress = firstRun ? await connection.window.createWorkDoneProgress().catch(() => null) : null;
  progress?.begin('Trapline', 0, 'Indexing boot code', true);
  const t0 = performance.now();
  let a: Analysis;
  try {
    a = await analyze(root, {
      overlay, cache, trees, settings, previous: current?.index, keepWalks: true, timeLimitMs, previousWalks: walksFor,
      cancelled: () => mine !== generation || (progress?.token.isCancellationRequested ?? false),
      onProgress: (done, total) => progress?.report(Math.round((100 * done) / Math.max(total, 1)), `Indexing boot code ${done}/${total} files`),
    });
  } catch (e) {
    progress?.done();
    // a newer change superseded this run: what it was to bring on screen still needs a whole analysis
    if (e instanceof IndexCancelled) { wholeAnalysis = true; return; }
    throw e;
  }
  progress?.done();
  if (mine !== generation) { a.index.dispose(); wholeAnalysis = true; return; }
  firstRun = false;
  if (cutShort(a)) { a.index.dispose(); return; }
  show(a);
  if (store) void store.saveAsync(cache, a.index.texts).then((problem) => { if (problem) connection.console.warn(`trapline: the index was not kept for the next session (${problem})`); });
  if (cacheDir) keepWalksLater();
  const warnings = a.findings.filter((f) => f.severity === 'warning' || f.severity === 'error').length;
  const reused = a.walks && a.walks.reused > 0 ? `; ${a.walks.reused} calls re-used from the walks before, ${a.walks.walked} walked` : '';
  connection.console.log(`trapline: ${a.stats.files} files (${a.stats.cFiles} C, ${a.stats.asmFiles} asm, ${a.stats.skipped.length} skipped), profile ${a.config.profile.name}, roles ${a.paths.map((p) => `${p.role.name}@${p.entry ?? 'not found'}`).join(', ')}: ${a.findings.length} findings (${warnings} warnings) in ${Math.round(performance.now() - t0)} ms${reused}`);
  logSkipped(a.stats.skipped);
}

/**
 * The walks a whole analysis re-uses where their traces hold: the analysis on screen's, when
 * nothing but function bodies changed since (the same walk inputs: an edit of several files, a
 * checkout that touched only bodies); for the first analysis, the last session's, kept in the
 * trace store. The rest is walked.
 */
function walksFor(index: WorkspaceIndex, config: Config): WalkMemory | null {
  const inputs = walkInputs(index);
  if (current?.walks) return walkInputs(current.index) === inputs ? current.walks : null;
  if (!firstRun || !cacheDir || !root) return null;
  const got = TraceStore.open(cacheDir, root, serverBuild(), configIdentity(root, config), 'server')?.load(inputs, index);
  if (got && 'walks' in got) connection.console.log('trapline: the walks of the last session kept: calls whose reads still hold are re-used');
  return got && 'walks' in got ? got.walks : null;
}

let keepTimer: NodeJS.Timeout | null = null;
/** Typing paused this long after a whole analysis: its walks are kept for the next session (a tree's take up to a second to write). */
const KEEP_WALKS_AFTER_MS = 5000;

/** Keeps the walks on screen in the trace store once typing pauses (each edit puts it off). */
function keepWalksLater(): void {
  if (keepTimer) clearTimeout(keepTimer);
  keepTimer = setTimeout(() => {
    keepTimer = null;
    const a = current;
    if (!a?.walks || !root || !cacheDir || running || edited.size > 0) { if (a?.walks) keepWalksLater(); return; }
    const problem = TraceStore.open(cacheDir, root, serverBuild(), configIdentity(root, a.config), 'server')?.save(walkInputs(a.index), a.walks, a.index);
    if (problem) connection.console.warn(`trapline: the walks were not kept for the next session (${problem})`);
  }, KEEP_WALKS_AFTER_MS);
  keepTimer.unref();
}

let build: string | null = null;
/** This bundle's and its parsers' identity (cache/check-cache.ts), for the stores. */
function serverBuild(): string {
  build ??= buildIdentity([__filename, ...Object.values(wasmPathsIn(__dirname))]);
  return build;
}

/** The index store of the root (cache/index-store.ts), its entries taken into the index cache. */
function openStore(dir: string, under: string): void {
  store = IndexStore.open(under, dir, serverBuild(), 'server');
  const got = store?.load();
  // (nothing kept: the first session on this tree, or another build's)
  if (!got || got.cache.size === 0) return;
  for (const [f, e] of got.cache) if (!cache.has(f)) cache.set(f, e);
  connection.console.log(`trapline: the index of ${got.cache.size} files kept from the last session${got.problem ? ` (${got.problem})` : ''}`);
}

/** One log line per file or folder not read, as the CLI prints them on stderr. */
function logSkipped(skipped: Analysis['stats']['skipped']): void {
  const lines = skipped.map((s) => escapeControls(`trapline: skipped ${s.file}: ${s.reason}`));
  const key = JSON.stringify(lines);
  if (key === loggedSkips) return;
  loggedSkips = key;
  for (const line of lines) connection.console.log(line);
}

/**
 * An analysis the time limit stopped is not put over a complete one (hover, navigation and the
 * panel keep answering from that): the user is told where it stopped. With nothing on screen
 * yet, it is shown, its TL900 note included.
 */
function cutShort(a: Analysis): boolean {
  const hit = timeLimitHit(a);
  if (!hit || !current) return false;
  const message = escapeControls(`trapline: the analysis stopped after ${timeLimitMs / 1000} s (time limit) at ${hit.range.file}:${hit.range.line + 1} in \`${hit.at}\`; showing the last complete analysis`);
  connection.console.warn(message);
  // a notification, not a request: a client without message boxes has nothing to answer
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  return true;
}

/** Puts an analysis on screen: diagnostics, the panel's notification, navigation maps. */
function show(a: Analysis): void {
  // an edit answered without a walk shares the index's trees with the analysis it replaces
  if (current && current.paths !== a.paths) current.index.dispose();
  current = a;
  publish(a);
  void connection.sendNotification('trapline/timelineChanged', { roles: timeline.roles(a) });
  // build the navigation maps once typing pauses (a request builds what it lacks meanwhile), so
  // the first go-to-definition is instant and a keystroke never waits for them
  if (prepareTimer) clearTimeout(prepareTimer);
  prepareTimer = setTimeout(() => { prepareTimer = null; if (current === a) prepareNavigation(a.index); }, PREPARE_AFTER_MS);
}

function publish(a: Analysis): void {
  const diags = toDiagnostics(a.root, a.findings, a.unusedSuppressions, docsOf);
  // a broken .trapline.json is reported on that file; the defaults are used meanwhile
  if (a.config.problems.length > 0) {
    const uri = uriOf(a.root, CONFIG_FILE);
    const list: Diagnostic[] = a.config.problems.map((p) => ({
      range: { start: { line: p.range.line, character: p.range.column }, end: { line: p.range.endLine, character: p.range.endColumn } },
      severity: DiagnosticSeverity.Error, source: 'trapline', message: `${p.message}; using the defaults`,
    }));
    diags.set(uri, [...(diags.get(uri) ?? []), ...list]);
  }
  // only what changed: a keystroke usually leaves every file's diagnostics as they were
  for (const uri of published.keys()) if (!diags.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  const now = new Map<string, string>();
  for (const [uri, list] of diags) {
    const sent = JSON.stringify(list);
    now.set(uri, sent);
    if (published.get(uri) !== sent) void connection.sendDiagnostics({ uri, diagnostics: list });
  }
  published = now;
}

/**
 * An edit of one C file's function bodies, answered from the analysis on screen: off every
 * path without a walk, on a path by walking again with every call that still holds re-used.
 * False when the edit needs a whole analysis.
 */
function answerEdit(file: string, text: string): boolean {
  if (!current) return false;
  const t0 = performance.now();
  const next = reanalyzeEdit(current, file, text, cache, timeLimitMs);
  if (!next) return false;
  const ms = performance.now() - t0;
  slowEdits = ms > KEYSTROKE_MS ? slowEdits + 1 : 0;
  edited.clear();
  if (next === current || cutShort(next)) return true;
  const walked = next.paths !== current.paths;
  show(next);
  if (walked && next.walks) connection.console.log(`trapline: ${file} edited on a boot path, walked again in ${Math.round(ms)} ms: ${next.walks.reused} calls re-used from the previous walk (with the calls under them), ${next.walks.walked} walked anew; ${next.findings.length} findings`);
  return true;
}

function schedule(delay = 150, whole = true): void {
  if (whole) wholeAnalysis = true;
  if (timer) clearTimeout(timer);
  generation++; // cancels a run in progress at its next batch boundary
  timer = setTimeout(() => {
    timer = null;
    run().catch((e: unknown) => connection.console.error(`trapline: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
  }, delay);
}

connection.onInitialized(async () => {
  if (canPullConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'trapline' });
  await pullSettings().catch(() => undefined);
  schedule(0);
});
connection.onDidChangeConfiguration(async () => { await pullSettings().catch(() => undefined); schedule(); });
documents.onDidChangeContent((e) => {
  const file = relative(e.document.uri);
  if (file) edited.add(file);
  // answered at once when it can be, unless the last answers were slow (then typing pauses first)
  if (file && edited.size === 1 && !timer && !running && slowEdits < SLOW_IN_A_ROW && answerEdit(file, e.document.getText())) return;
  schedule(150, !file);
});
documents.onDidClose(() => schedule());
connection.onDidChangeWatchedFiles(() => schedule());
/** Requests answered from the analysis on screen; before the first one finishes there is nothing to say. */
function withAnalysis<T>(uri: string, fallback: T, f: (a: Analysis, file: string) => T): T {
  const file = relative(uri);
  return current && file ? f(current, file) : fallback;
}
connection.onDefinition((p) => withAnalysis(p.textDocument.uri, [], (a, f) => navigation.definitions(a, f, p.position.line, p.position.character)));
connection.onReferences((p) => withAnalysis(p.textDocument.uri, [], (a, f) => navigation.references(a, f, p.position.line, p.position.character, p.context.includeDeclaration)));
connection.onDocumentSymbol((p) => withAnalysis(p.textDocument.uri, [], (a, f) => navigation.outline(a, f)));
connection.languages.callHierarchy.onPrepare((p) => withAnalysis(p.textDocument.uri, null, (a, f) => navigation.prepareCallHierarchy(a, f, p.position.line, p.position.character)));
connection.languages.callHierarchy.onIncomingCalls((p) => (current ? navigation.incomingCalls(current, p.item) : []));
connection.languages.callHierarchy.onOutgoingCalls((p) => (current ? navigation.outgoingCalls(current, p.item) : []));
connection.onHover((p) => withAnalysis(p.textDocument.uri, null, (a, f) => {
  const value = timeline.hover(a, f, p.position.line, p.position.character);
  return value ? { contents: { kind: 'markdown' as const, value } } : null;
}));
/** An IDE fix as an LSP code action with a workspace edit. */
function toLsp(a: Analysis, fix: Fix, diagnostic: CodeAction['diagnostics']): CodeAction {
  const changes: Record<string, { range: ReturnType<typeof lspRange>; newText: string }[]> = {};
  for (const e of fix.edits) (changes[uriOf(a.root, e.file)] ??= []).push({ range: lspRange(e.range), newText: e.newText });
  return { title: fix.title, kind: CodeActionKind.QuickFix, isPreferred: fix.isPreferred, diagnostics: diagnostic, edit: { changes } };
}
connection.onCodeAction((p) => withAnalysis(p.textDocument.uri, [] as CodeAction[], (a) => p.context.diagnostics.flatMap((d) => {
  // one diagnostic the server cannot map (another tool's, an older analysis') costs only its own fixes
  try { return fixesFor(a, d); } catch (e) {
    connection.console.error(`trapline: code actions for ${String(d.code)}: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
})));
function fixesFor(a: Analysis, d: Diagnostic): CodeAction[] {
  const data = d.data as DiagnosticData | undefined;
  if (!data || typeof data !== 'object' || d.source !== 'trapline') return [];
  if ('unused' in data) {
    const u = typeof data.unused === 'number' ? a.unusedSuppressions[data.unused] : undefined;
    const fix = u ? unusedSuppressionAction(a, u) : null;
    return fix ? [toLsp(a, fix, [d])] : [];
  }
  const f = typeof data.finding === 'number' ? a.findings[data.finding] : undefined;
  // a diagnostic from an older analysis: its finding must still be the same one
  if (!f || f.rule !== d.code || f.range.line !== d.range.start.line) return [];
  return codeActions(a, f).map((fix) => toLsp(a, fix, [d]));
}
// the Boot Timeline panel's data (docs/protocol.md)
connection.onRequest('trapline/roles', () => (current ? timeline.roles(current) : null));
connection.onRequest('trapline/profile', () => (current ? { name: current.config.profile.name, configuration: current.index.kernelConfig?.description ?? null } : null));
connection.onRequest('trapline/timeline', (p: { role: string }) => (current ? timeline.timeline(current, p.role) : null));
connection.onRequest('trapline/reanalyze', () => { cache.clear(); schedule(0); return null; });
documents.listen(connection);
connection.listen();
