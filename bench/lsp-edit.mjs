// Edit-to-diagnostics and hover latency of the real language server on a tree:
//   node bench/lsp-edit.mjs DIR FILE [EDITS]
// Opens FILE, makes EDITS unsaved edits (a comment line appended), and times each until the
// server publishes diagnostics again; then 100 hovers over FILE's lines.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

const [dir, file, n = '10'] = process.argv.slice(2);
const root = path.resolve(dir);
const child = spawn(process.execPath, [path.resolve('dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
let published = 0;
let wake = null;
conn.onNotification('textDocument/publishDiagnostics', () => { published++; });
conn.onNotification('trapline/timelineChanged', () => { wake?.(); });
conn.onRequest('window/workDoneProgress/create', () => null);
conn.onRequest('client/registerCapability', () => null);
conn.listen();
const next = () => new Promise((r) => { wake = r; });
const uri = pathToFileURL(path.join(root, file)).toString();
const t0 = performance.now();
let ready = next();
await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }] });
conn.sendNotification('initialized', {});
await ready;
console.log(`first analysis: ${Math.round(performance.now() - t0)} ms, ${published} files with diagnostics`);
let text = readFileSync(path.join(root, file), 'utf8');
ready = next();
conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: file.endsWith('.S') ? 'gas' : 'c', version: 1, text } });
await ready;
const times = [];
for (let i = 0; i < Number(n); i++) {
  text += `\n/* edit ${i} */\n`;
  ready = next();
  const t = performance.now();
  conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [{ text }] });
  await ready;
  times.push(performance.now() - t);
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
console.log(`edit-to-diagnostics over ${times.length} edits (includes the server's 150 ms debounce): p50 ${Math.round(pct(times, 50))} ms, p95 ${Math.round(pct(times, 95))} ms`);
const lines = text.split('\n');
const hovers = [];
for (let i = 0; i < 100; i++) {
  const line = Math.floor((i * lines.length) / 100);
  const t = performance.now();
  await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: Math.max(0, lines[line].search(/\S/)) } });
  hovers.push(performance.now() - t);
}
console.log(`hover over 100 lines (round trip): p50 ${pct(hovers, 50).toFixed(2)} ms, p95 ${pct(hovers, 95).toFixed(2)} ms`);
await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
conn.dispose();
