// Runs of the real CLI (`node dist/cli.js`; build first) on copies of trees, for the tests of
// what `trapline check` keeps between runs (index-store, trace-store).
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/cli.js');
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` first`);

const temps = [];
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** A copy of `src` in a new temporary folder (removed after the tests), and a cache folder beside it. */
export function copyTree(src, prefix) {
  const base = mkdtempSync(join(tmpdir(), `trapline-${prefix}-`));
  temps.push(base);
  cpSync(src, join(base, 'tree'), { recursive: true });
  return { tree: join(base, 'tree'), cache: join(base, 'cache') };
}

/** `trapline check TREE --format json ARGS...` with the cache trace on: the report without its timers, and the stderr lines. */
export function checkJson(tree, args) {
  const r = spawnSync(process.execPath, [CLI, 'check', tree, '--format', 'json', ...args], { encoding: 'utf8', timeout: 60000, env: { ...process.env, TRAPLINE_CACHE_DIR: '', TRAPLINE_CACHE_TRACE: '1' } });
  if (r.error) throw r.error;
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const report = JSON.parse(r.stdout);
  delete report.stats.ms;
  return { report, lines: r.stderr.split('\n') };
}

/** What the trace said after `trapline: PREFIX`, one item per line, joined with "; ". */
export const said = (lines, prefix) => lines.filter((l) => l.startsWith(`trapline: ${prefix}`)).map((l) => l.slice(`trapline: ${prefix}`.length)).join('; ');

/** An edit of one file of the tree, which must change it. */
export const rewrite = (file, change) => (tree) => {
  const p = join(tree, file);
  const before = readFileSync(p, 'utf8');
  const next = change(before);
  assert.notEqual(next, before, `the edit of ${file} changes it`);
  writeFileSync(p, next);
};
