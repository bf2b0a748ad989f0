import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { analyze, type Analysis } from './engine';
import { RULES } from './rules';
import { toDiagnostics } from './lsp/diagnostics';

/** Protocol glue only: the analysis lives in engine.ts. */
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let root: string | null = null;
let published = new Set<string>();
let timer: NodeJS.Timeout | null = null;
let generation = 0;
/** The analysis on screen; its re-parsed trees live in wasm memory until it is replaced. */
let current: Analysis | null = null;
const docsOf = (id: string): string => RULES.find((r) => r.meta.id === id)?.meta.docs ?? '';

connection.onInitialize((params) => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  root = folder ? fileURLToPath(folder) : null;
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } };
});

async function run(): Promise<void> {
  if (!root) return;
  const mine = ++generation;
  const overlay = new Map<string, string>();
  for (const d of documents.all()) {
    const file = path.relative(root, fileURLToPath(d.uri));
    if (!file.startsWith('..')) overlay.set(file.split(path.sep).join('/'), d.getText());
  }
  const t0 = performance.now();
  const a = await analyze(root, { overlay });
  if (mine !== generation) { a.index.dispose(); return; } // a newer run superseded this one
  current?.index.dispose();
  current = a;
  const diags = toDiagnostics(a.root, a.findings, docsOf);
  for (const uri of published) if (!diags.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  for (const [uri, list] of diags) void connection.sendDiagnostics({ uri, diagnostics: list });
  published = new Set(diags.keys());
  connection.console.log(`trapline: ${a.stats.files} files, ${a.findings.length} findings in ${Math.round(performance.now() - t0)} ms`);
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => { run().catch((e: unknown) => connection.console.error(`trapline: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)); }, 150);
}

connection.onInitialized(() => schedule());
documents.onDidChangeContent(() => schedule());
connection.onDidChangeWatchedFiles(() => schedule());
documents.listen(connection);
connection.listen();
