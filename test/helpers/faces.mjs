// The real faces for reliability tests: the CLI (`node dist/cli.js`) as a child process and the
// language server (`node dist/server.js --stdio`) over JSON-RPC, on temporary copies of trees.
// Build first: `node scripts/build.mjs`.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = process.env.TRAPLINE_CLI ?? join(ROOT, 'dist/cli.js');
export const SERVER = join(ROOT, 'dist/server.js');
export const HAZARDS = join(ROOT, 'examples/boot-hazards');
export const FIXED = join(ROOT, 'examples/boot-fixed');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` first`);

// the runs share a cache of their own (test/check-cache.test.mjs tests the cache), not the user's
process.env.TRAPLINE_CACHE_DIR = mkdtempSync(join(tmpdir(), 'trapline-reliability-cache-'));

const temps = [];
/** A new temporary directory (removed after the tests), holding a copy of `src` if given. */
export function tempCopy(src) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-rel-'));
  temps.push(dir);
  if (src) cpSync(src, dir, { recursive: true });
  return dir;
}
after(() => { for (const d of [...temps, process.env.TRAPLINE_CACHE_DIR]) { try { chmodSync(d, 0o755); } catch { /* gone */ } rmSync(d, { recursive: true, force: true }); } });

/**
 * `trapline ARGS...` with a time limit (a hang fails instead of blocking the run). `run`: extra
 * spawn options (uid, gid, env, timeout) and `node` (options for node before the script).
 */
export function runCli(args, { node = [], ...run } = {}) {
  const r = spawnSync(process.execPath, [...node, CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30000, maxBuffer: 64 * 1024 * 1024, ...run });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** `trapline ARGS...` with a time limit. */
export function trapline(...args) { return runCli(args); }

/** `trapline check DIR --format json`: exit 0 or 1 and a report. */
export function report(dir, ...more) {
  const r = trapline('check', dir, '--format', 'json', ...more);
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} (signal ${r.signal}): ${r.stderr}`);
  return { ...r, report: JSON.parse(r.stdout) };
}

/** The stderr lines that mention `file`. */
export const linesAbout = (stderr, file) => stderr.split('\n').filter((l) => l.includes(file));
export const skippedOf = (rep) => rep.stats.skipped.map((s) => s.file).sort();

/**
 * A server on a copy of `tree` (with `edit` applied), diagnostics kept by URI. `run`: extra spawn
 * options (uid, gid) and `node` (options for node before the script).
 */
export async function startServer(tree, edit, { node = [], ...run } = {}) {
  const root = tempCopy(tree);
  edit?.(root);
  const child = spawn(process.execPath, [...node, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], ...run });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const diags = new Map();
  const logs = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => diags.set(p.uri, p.diagnostics));
  conn.onNotification('window/logMessage', (p) => logs.push(p.message));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onError(() => { /* the stream closes when the server exits */ });
  conn.listen();
  const uri = (f) => pathToFileURL(join(root, f)).toString();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }] });
  conn.sendNotification('initialized', {});
  const until = async (pred, what, ms = 20000) => {
    const t0 = performance.now();
    while (!pred()) {
      if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; server log: ${logs.join('\n')}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill(); };
  return { root, child, conn, diags, logs, uri, until, exited, kill, stderr: () => stderr };
}
