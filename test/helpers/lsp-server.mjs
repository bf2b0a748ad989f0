// The bundled language server (`node dist/server.js --stdio`) on a prepared workspace, over JSON-RPC.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

/**
 * A server on `root`: diagnostics kept by URI, log lines and window/showMessage params kept in
 * order. `initializationOptions` are sent with `initialize`; `nodeArgs` go to the server's node;
 * `settings`: the client answers workspace/configuration with them (as VS Code does with the
 * `trapline.*` settings); `spawnOptions` (uid, gid) go to the child process.
 */
export async function startServer(server, root, { initializationOptions, nodeArgs = [], settings, spawnOptions = {} } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], ...spawnOptions });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const diags = new Map();
  const logs = [];
  const messages = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => diags.set(p.uri, p.diagnostics));
  conn.onNotification('window/logMessage', (p) => logs.push(p.message));
  conn.onNotification('window/showMessage', (p) => messages.push(p));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => settings ?? null));
  conn.onError(() => { /* the stream closes when the server exits */ });
  conn.listen();
  const uri = (f) => pathToFileURL(join(root, f)).toString();
  const capabilities = settings ? { workspace: { configuration: true } } : {};
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities, initializationOptions, workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }] });
  conn.sendNotification('initialized', {});
  const until = async (pred, what, ms = 20000) => {
    const t0 = performance.now();
    while (!pred()) {
      if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; server log: ${logs.join('\n')}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill(); };
  return { root, child, conn, diags, logs, messages, uri, until, exited, kill, stderr: () => stderr };
}

/** `{ ok: result }` or `{ error: { code, message } }` */
export async function request(conn, method, params) {
  try { return { ok: await conn.sendRequest(method, params) }; } catch (e) { return { error: { code: e.code, message: e.message } }; }
}

/** A request with a time limit: `{ ok }`, `{ error }` or `{ timeout: true }` (a server that does not answer). */
export async function requestWithin(conn, method, params, ms) {
  let timer;
  const late = new Promise((r) => { timer = setTimeout(() => r({ timeout: true }), ms); });
  try { return await Promise.race([request(conn, method, params), late]); } finally { clearTimeout(timer); }
}
