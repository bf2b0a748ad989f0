// Reliability on hostile trees (issue 19), through the real CLI (`node dist/cli.js`) and the real
// language server (`node dist/server.js --stdio`); build first: `node scripts/build.mjs`.
//
// - Sizes are checked before reading: a sparse 1.5 GB file is skipped without being read.
// - The result cache opens exactly what the analysis opens, the same way: a source symlink to
//   /dev/zero or to a FIFO is neither read nor waited on, when the entry is written or looked up.
// - Only regular files are read: a FIFO in the tree, or one that replaces a file between the
//   listing and the reading, is skipped as "not a regular file", never waited on.
// - Folders that cannot be listed (chmod 000) and names that are not UTF-8 are skipped and listed
//   with the reason (CLI stderr, JSON `stats.skipped`, the server's log), never dropped silently.
// Each run has a time limit (a hang fails the test) and its peak RSS is measured.
//
//   node --test test/reliability-fs.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED, HAZARDS, ROOT, linesAbout, privateCache, report, runCli, skippedOf, startServer, tempCopy } from './helpers/faces.mjs';

privateCache('trapline-reliability-fs-cache-');

const MAXRSS = join(ROOT, 'bench/maxrss.cjs');
const FIFO_AFTER_LISTING = join(ROOT, 'test/helpers/fifo-after-listing.cjs');
/** What a run over the example trees may take at most, with a 1.5 GB file or a /dev/zero in them (normal: under 1 s, about 100 MB). */
const MAX_SECONDS = 15;
const MAX_RSS_MB = 300;
const CAP = 2 * 1024 * 1024;

/**
 * `trapline check DIR --format json ARGS` with a time limit and its peak RSS: { status, report,
 * stderr (without the RSS line), seconds, rssMb }. `opts`: runCli's (env, uid, node flags).
 */
function check(dir, args = [], { node = [], ...run } = {}) {
  const t0 = performance.now();
  const r = runCli(['check', dir, '--format', 'json', ...args], { node: ['--require', MAXRSS, ...node], timeout: MAX_SECONDS * 1000, ...run });
  const seconds = (performance.now() - t0) / 1000;
  const rss = /^TRAPLINE_BENCH_MAXRSS_KB (\d+)$/m.exec(r.stderr);
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} (signal ${r.signal}): ${r.stderr}`);
  const stderr = r.stderr.replace(/\n?TRAPLINE_BENCH_MAXRSS_KB \d+\n/, '');
  return { status: r.status, report: JSON.parse(r.stdout), stdout: r.stdout, stderr, seconds, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

/** Within the limits of time and memory. */
function bounded(r, what) {
  assert.ok(r.seconds < MAX_SECONDS, `${what}: ${r.seconds.toFixed(1)} s`);
  assert.ok(r.rssMb < MAX_RSS_MB, `${what}: peak RSS ${Math.round(r.rssMb)} MB`);
}

/** The reason `file` was skipped for, asserting that it was skipped once and said so on one stderr line. */
function skipReason(r, file) {
  const entries = r.report.stats.skipped.filter((s) => s.file === file);
  assert.equal(entries.length, 1, `${file} in stats.skipped once: ${JSON.stringify(r.report.stats.skipped)}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith(`trapline: skipped ${file}: `));
  assert.deepEqual(lines, [`trapline: skipped ${file}: ${entries[0].reason}`], r.stderr);
  return entries[0].reason;
}

/** The server's peak RSS (VmHWM) in MB, where /proc tells it. */
function serverPeakMb(s) {
  try { return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${s.child.pid}/status`, 'utf8'))[1]) / 1024; } catch { return 0; }
}

/** The server's log line about skipping `file` (waited for). */
async function serverSkipLine(s, file) {
  await s.until(() => s.logs.some((l) => l.startsWith(`trapline: skipped ${file}: `)), `the server's log line on ${file}`);
  return s.logs.filter((l) => l.startsWith(`trapline: skipped ${file}: `));
}

const fifoAt = (file) => execFileSync('mkfifo', [file]);
const hourAgo = () => new Date(Date.now() - 3600_000);

// ================================================================ 8: size checked before reading

test('size: a sparse 1.5 GB file is skipped from its size, never read (bounded time and RSS), by the analysis and by the cache', () => {
  const dir = tempCopy(FIXED);
  closeSync(openSync(join(dir, 'big.c'), 'w'));
  execFileSync('truncate', ['-s', '1500M', join(dir, 'big.c')]);
  // old enough for the cache to trust its stat (a skipped file written just now is not cached)
  utimesSync(join(dir, 'big.c'), hourAgo(), hourAgo());
  const env = { ...process.env, TRAPLINE_CACHE_TRACE: '1' };
  const cold = check(dir, [], { env });
  bounded(cold, 'the cold run');
  assert.equal(skipReason(cold, 'big.c'), `larger than ${CAP} bytes (1572864000 bytes)`);
  assert.equal(cold.report.stats.files, report(FIXED, '--no-cache').report.stats.files);
  assert.match(cold.stderr, /^trapline: cache miss \(/m);
  assert.doesNotMatch(cold.stderr, /cache not written/);
  const warm = check(dir, [], { env });
  bounded(warm, 'the warm run');
  assert.match(warm.stderr, /^trapline: cache hit$/m);
  assert.equal(warm.stdout, cold.stdout);
});

test('size: the server skips a sparse 1.5 GB file from its size, reports it in its log and stays small', async () => {
  const s = await startServer(HAZARDS, (root) => {
    closeSync(openSync(join(root, 'big.c'), 'w'));
    execFileSync('truncate', ['-s', '1500M', join(root, 'big.c')]);
  });
  try {
    assert.deepEqual(await serverSkipLine(s, 'big.c'), [`trapline: skipped big.c: larger than ${CAP} bytes (1572864000 bytes)`]);
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL001'), 'the diagnostics');
    assert.ok(serverPeakMb(s) < MAX_RSS_MB, `server peak RSS ${Math.round(serverPeakMb(s))} MB`);
  } finally { s.kill(); }
});

// ================================================================ 9: the cache opens what the analysis opens

for (const [what, make] of [['/dev/zero', () => '/dev/zero'], ['a FIFO', (outside) => { fifoAt(join(outside, 'pipe')); return join(outside, 'pipe'); }]]) {
  test(`cache: a source symlink to ${what} is skipped by the analysis and not read by the cache when it writes the entry`, () => {
    const dir = tempCopy(FIXED);
    const cache = tempCopy();
    symlinkSync(make(tempCopy()), join(dir, 'dev.c'));
    const env = { ...process.env, TRAPLINE_CACHE_TRACE: '1' };
    const cold = check(dir, ['--cache-dir', cache], { env });
    bounded(cold, 'the cold run');
    assert.equal(skipReason(cold, 'dev.c'), 'symbolic link (not followed)');
    assert.match(cold.stderr, /^trapline: cache miss \(no entry\)$/m);
    assert.doesNotMatch(cold.stderr, /cache not written/);
    const warm = check(dir, ['--cache-dir', cache], { env });
    bounded(warm, 'the warm run');
    assert.match(warm.stderr, /^trapline: cache hit$/m);
    assert.equal(warm.stdout, cold.stdout);
  });

  test(`cache: a skipped source symlink turned to ${what} after the entry was written is not read by the lookup (a hit: the analysis would skip it the same)`, () => {
    const dir = tempCopy(FIXED);
    const cache = tempCopy();
    const outside = tempCopy();
    writeFileSync(join(outside, 'real.c'), 'int outside_value = 1;\n');
    utimesSync(join(outside, 'real.c'), hourAgo(), hourAgo());
    symlinkSync(join(outside, 'real.c'), join(dir, 'dev.c'));
    const env = { ...process.env, TRAPLINE_CACHE_TRACE: '1' };
    const cold = check(dir, ['--cache-dir', cache], { env });
    assert.doesNotMatch(cold.stderr, /cache not written/);
    rmSync(join(dir, 'dev.c'));
    symlinkSync(make(outside), join(dir, 'dev.c'));
    const warm = check(dir, ['--cache-dir', cache], { env });
    bounded(warm, 'the lookup');
    assert.match(warm.stderr, /^trapline: cache hit$/m);
    assert.equal(warm.stdout, cold.stdout);
  });
}

// ================================================================ 10: only regular files are read

test('special files: a FIFO named like a source file is skipped as "not a regular file", never waited on', () => {
  const dir = tempCopy(FIXED);
  fifoAt(join(dir, 'pipe.c'));
  const r = check(dir);
  bounded(r, 'the run');
  assert.equal(skipReason(r, 'pipe.c'), 'not a regular file (FIFO)');
  assert.equal(r.report.stats.files, report(FIXED, '--no-cache').report.stats.files);
});

test('special files: a file turned into a FIFO between the listing and the reading is skipped as "not a regular file", never waited on', () => {
  const dir = tempCopy(HAZARDS);
  const r = check(dir, ['--no-cache'], { node: ['--require', FIFO_AFTER_LISTING], env: { ...process.env, TRAPLINE_TEST_FIFO: join(dir, 'traps.c') } });
  bounded(r, 'the run');
  assert.equal(skipReason(r, 'traps.c'), 'not a regular file (FIFO)');
  assert.equal(r.report.stats.files, report(HAZARDS, '--no-cache').report.stats.files - 1);
});

test('special files: the server skips a file turned into a FIFO between its listing and its reading, and analyses the rest', async () => {
  // the hook's target is known once the helper has made the tree (before it starts the server)
  const env = { ...process.env };
  const s = await startServer(HAZARDS, (root) => { env.TRAPLINE_TEST_FIFO = join(root, 'traps.c'); }, { node: ['--require', FIFO_AFTER_LISTING], env });
  try {
    assert.deepEqual(await serverSkipLine(s, 'traps.c'), ['trapline: skipped traps.c: not a regular file (FIFO)']);
    await s.until(() => s.logs.some((l) => /^trapline: \d+ files /.test(l)), 'the end of the analysis');
  } finally { s.kill(); }
});

// ================================================================ 14: folders that cannot be listed, names that are not UTF-8

/** Spawn options under which chmod 000 holds: root reads anything, so the run is nobody's. */
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** Why `dir` is listable by the runs anyway (then the test is skipped), or null. */
function stillListable(dir) {
  const r = spawnSync(process.execPath, ['-e', `require('node:fs').readdirSync(${JSON.stringify(dir)})`], { ...asUser, timeout: 10000 });
  if (r.error) return `cannot run as uid ${asUser.uid}: ${r.error.message}`;
  return r.status === 0 ? `chmod 000 does not prevent listing here (uid ${asUser.uid ?? process.getuid?.()})` : null;
}

/** A copy of `src` with a folder `locked/` (holding a source file) that cannot be listed, the rest open to the runs' user. */
function lockedTree(root) {
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'locked'));
  writeFileSync(join(root, 'locked/hidden.c'), 'int hidden_value;\n');
  chmodSync(join(root, 'locked'), 0o000);
}

test('folders: a folder that cannot be listed (chmod 000) is skipped with the reason, not dropped silently', (t) => {
  const dir = tempCopy(HAZARDS);
  lockedTree(dir);
  const why = stillListable(join(dir, 'locked'));
  if (why) { t.skip(why); return; }
  const r = check(dir, ['--no-cache'], asUser);
  bounded(r, 'the run');
  assert.equal(skipReason(r, 'locked'), 'unreadable directory (EACCES: permission denied)');
  assert.equal(r.report.stats.files, report(HAZARDS, '--no-cache').report.stats.files);
});

test('folders: the server reports a folder that cannot be listed in its log, and analyses the rest', async (t) => {
  const probe = tempCopy();
  lockedTree(probe);
  const why = stillListable(join(probe, 'locked'));
  if (why) { t.skip(why); return; }
  const s = await startServer(HAZARDS, lockedTree, asUser);
  try {
    assert.deepEqual(await serverSkipLine(s, 'locked'), ['trapline: skipped locked: unreadable directory (EACCES: permission denied)']);
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL001'), 'the diagnostics');
  } finally { s.kill(); }
});

/** Adds a folder `bad<0xff>/` holding a source file and a source file `x<0xff>.c`; false where the file system refuses such names. */
function badNames(root) {
  const bytes = (name) => Buffer.concat([Buffer.from(`${root}/`), Buffer.from(name, 'latin1')]);
  try { mkdirSync(bytes('bad\xff')); } catch { return false; }
  writeFileSync(Buffer.concat([bytes('bad\xff'), Buffer.from('/in.c')]), 'int in_bad_dir;\n');
  writeFileSync(bytes('x\xff.c'), 'int bad_name;\n');
  return readdirSync(root, { encoding: 'buffer' }).some((n) => n.includes(0xff));
}

test('names: a folder and a source file whose names are not UTF-8 are skipped with the reason (the bad byte shown as \\xff), not dropped or misnamed', (t) => {
  const dir = tempCopy(FIXED);
  if (!badNames(dir)) { t.skip('the file system refuses names that are not UTF-8'); return; }
  const r = check(dir);
  bounded(r, 'the run');
  assert.equal(skipReason(r, 'bad\\xff'), 'name is not valid UTF-8');
  assert.equal(skipReason(r, 'x\\xff.c'), 'name is not valid UTF-8');
  assert.deepEqual(skippedOf(r.report), ['bad\\xff', 'x\\xff.c']);
  assert.equal(r.report.stats.files, report(FIXED, '--no-cache').report.stats.files);
  assert.equal(linesAbout(r.stderr, '\ufffd').length, 0, 'no name decoded into U+FFFD');
});

test('names: the server reports a folder and a file whose names are not UTF-8 in its log', async (t) => {
  let refused = false;
  const s = await startServer(HAZARDS, (root) => { refused = !badNames(root); });
  try {
    if (refused) { t.skip('the file system refuses names that are not UTF-8'); return; }
    assert.deepEqual(await serverSkipLine(s, 'bad\\xff'), ['trapline: skipped bad\\xff: name is not valid UTF-8']);
    assert.deepEqual(await serverSkipLine(s, 'x\\xff.c'), ['trapline: skipped x\\xff.c: name is not valid UTF-8']);
  } finally { s.kill(); }
});
