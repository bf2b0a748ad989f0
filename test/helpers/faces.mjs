// The faces as a user meets them: the built CLI (`node dist/cli.js`) as a child process and the
// bundled language server (`node dist/server.js --stdio`) over JSON-RPC, on temporary copies of
// example trees. TRAPLINE_DIST names another build to run (e.g. one from before a fix);
// TRAPLINE_CLI another CLI.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.TRAPLINE_DIST ?? join(ROOT, 'dist');
export const CLI = process.env.TRAPLINE_CLI ?? join(DIST, 'cli.js');
export const SERVER = join(DIST, 'server.js');
export const HAZARDS = join(ROOT, 'examples/boot-hazards');
export const FIXED = join(ROOT, 'examples/boot-fixed');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` first`);

const temps = [];
after(() => { for (const d of temps) { try { chmodSync(d, 0o755); } catch { /* gone */ } rmSync(d, { recursive: true, force: true }); } });

/** A temporary directory, removed after the test file; a copy of `src` when given. */
export function tempCopy(src, prefix = 'trapline-rel-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  if (src) cpSync(src, dir, { recursive: true });
  return dir;
}

/** The runs of this test file share a check cache of their own (test/check-cache.test.mjs tests the cache), not the user's. */
export function privateCache(prefix) {
  process.env.TRAPLINE_CACHE_DIR = tempCopy(null, prefix);
}

/** `trapline ARGS...` with a time limit (a hang fails instead of blocking the run); `ms`: how long it took. */
export function trapline(...args) {
  const r = traplineWith({}, ...args);
  if (r.timedOut) throw new Error(`trapline ${args.join(' ')}: no answer in 30 s`);
  return r;
}

/** `trapline ARGS...` with `timeout` (ms, default 30 s) and `env` (added to this process's). */
export function traplineWith({ timeout = 30000, env }, ...args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024, env: env ? { ...process.env, ...env } : process.env });
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0, timedOut: r.error?.code === 'ETIMEDOUT' };
}

/** `trapline check DIR --format json`: exit 0 or 1 and a report. */
export function report(dir, ...more) {
  const r = trapline('check', dir, '--format', 'json', ...more);
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} (signal ${r.signal}): ${r.stderr}`);
  return { ...r, report: JSON.parse(r.stdout) };
}

/**
 * A server on a copy of `tree` (with `edit` applied), diagnostics kept by URI, log and
 * window/showMessage lines kept. `settings`: the client answers workspace/configuration with
 * them (as VS Code does with the `trapline.*` settings).
 */
export async function startServer(tree, edit, { settings } = {}) {
  const root = tempCopy(tree);
  edit?.(root);
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
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
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities, workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }] });
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
