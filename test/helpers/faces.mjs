// The faces as a user meets them: the built CLI (`node dist/cli.js`) as a child process and the
// bundled language server (`node dist/server.js --stdio`) over JSON-RPC, on temporary copies of
// example trees. TRAPLINE_DIST names another build to run (e.g. one from before a fix);
// TRAPLINE_CLI another CLI. Build first: `node scripts/build.mjs`.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, startServer as startLsp } from './lsp-server.mjs';

export { request };
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

/**
 * `trapline ARGS...` with a time limit (default 30 s); `node`: options for node before the script;
 * `env` is added to this process's; the rest are spawn options (uid, gid). `ms`: how long it took.
 */
export function runCli(args, { node = [], timeout = 30000, env, ...run } = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...node, CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024, env: env ? { ...process.env, ...env } : process.env, ...run });
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0, timedOut: r.error?.code === 'ETIMEDOUT' };
}

/** `trapline ARGS...`; a run with no answer in 30 s fails instead of blocking the suite. */
export function trapline(...args) {
  const r = runCli(args);
  if (r.timedOut) throw new Error(`trapline ${args.join(' ')}: no answer in 30 s`);
  return r;
}

/** `trapline ARGS...` with `timeout` (ms) and `env`; a timed-out run is returned, `timedOut` set. */
export function traplineWith({ timeout, env }, ...args) {
  return runCli(args, { timeout, env });
}

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
 * A server on a copy of `tree` (with `edit` applied). `settings`: the workspace/configuration
 * answer; `node`: options for the server's node; `initializationOptions`; the rest are spawn
 * options (uid, gid).
 */
export async function startServer(tree, edit, { settings, node = [], initializationOptions, ...run } = {}) {
  const root = tempCopy(tree);
  edit?.(root);
  return startLsp(SERVER, root, { settings, nodeArgs: node, initializationOptions, spawnOptions: run });
}
