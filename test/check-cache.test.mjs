// The on-disk result cache of `trapline check` (server/src/cache/check-cache.ts), through the real
// CLI (`node dist/cli.js`; build first: `node scripts/build.mjs`), on copies of the examples in
// temporary directories, each test with its own --cache-dir. TRAPLINE_CACHE_TRACE=1 makes the CLI
// say on stderr whether it used the cache (`trapline: cache hit`, `trapline: cache miss (why)`);
// the reports themselves must not tell a hit from a cold run.
//
//   node --test test/check-cache.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.TRAPLINE_CLI ?? join(ROOT, 'dist/cli.js');
const HAZARDS = join(ROOT, 'examples/boot-hazards');
const FIXED = join(ROOT, 'examples/boot-fixed');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` first`);

const temps = [];
function temp() {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-cache-test-'));
  temps.push(dir);
  return dir;
}
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** A copy of `src` and an empty cache directory beside it (never inside it). */
function setup(src = HAZARDS) {
  const base = temp();
  const tree = join(base, 'tree');
  cpSync(src, tree, { recursive: true });
  return { tree, cache: join(base, 'cache') };
}

/**
 * `trapline check TREE --cache-dir CACHE ARGS...` with the trace on: { status, stdout, stderr
 * (without the trace lines), trace (the result cache's), index (the index store's), traces (the trace store's) }. `env` replaces variables of the environment.
 */
function check(tree, cache, args = [], { env = {}, cli = CLI } = {}) {
  const r = spawnSync(process.execPath, [cli, 'check', tree, ...(cache ? ['--cache-dir', cache] : []), ...args], {
    encoding: 'utf8', timeout: 60000, env: { ...process.env, TRAPLINE_CACHE_DIR: '', TRAPLINE_CACHE_TRACE: '1', ...env },
  });
  if (r.error) throw r.error;
  const lines = r.stderr.split('\n');
  const traced = (prefix) => lines.filter((l) => l.startsWith(`trapline: ${prefix}`)).map((l) => l.slice('trapline: '.length)).join('; ');
  const untraced = lines.filter((l) => !/^trapline: (cache |index store|traces)/.test(l));
  return { status: r.status, stdout: r.stdout, stderr: untraced.join('\n'), trace: traced('cache '), index: traced('index store'), traces: traced('traces') };
}

/** Same status, stdout and stderr: what a user sees does not tell the two runs apart. */
function assertSameOutput(warm, cold) {
  assert.equal(warm.stdout, cold.stdout);
  assert.equal(warm.stderr, cold.stderr);
  assert.equal(warm.status, cold.status);
}

/** Every path under dir, recursively (to show that a run wrote nothing into the tree). */
function tree(dir) { return readdirSync(dir, { recursive: true }).sort(); }

/** A cold run that writes the cache (asserted), then its result. */
function cold(t, cache, args = [], opts = {}) {
  const r = check(t, cache, args, opts);
  assert.match(r.trace, /^cache miss \(/, r.trace);
  assert.doesNotMatch(r.trace, /not written/, r.trace);
  return r;
}

/** Sets a file's mtime, keeping its content. */
function setMtime(file, when) { utimesSync(file, statSync(file).atime, when); }

/** Every file of the tree an hour old: their stat is trusted without reading them again. */
function age(dir) {
  const old = new Date(Date.now() - 3600_000);
  for (const f of tree(dir)) if (statSync(join(dir, f)).isFile()) setMtime(join(dir, f), old);
}

// ------------------------------------------------------------------------------- hits

for (const format of ['text', 'json', 'sarif']) {
  test(`${format}: the cold run writes one entry outside the tree, the warm run is a hit with byte-identical output`, () => {
    const { tree: t, cache } = setup();
    const before = tree(t);
    const first = cold(t, cache, ['--format', format]);
    assert.equal(first.trace, 'cache miss (no entry)');
    assert.equal(first.status, 1);
    // the report, what the run indexed of each file (cache/index-store.ts) and its walks (cache/trace-store.ts)
    const written = readdirSync(cache);
    assert.equal(written.filter((f) => /^check-[0-9a-f]{32}\.json$/.test(f)).length, 1);
    assert.equal(written.filter((f) => /^traces-[0-9a-f]{32}\.v8$/.test(f)).length, 1);
    assert.deepEqual(written.filter((f) => !/^check-[0-9a-f]{32}\.json$|^index-[0-9a-f]{32}-\d\d\.v8$|^traces-[0-9a-f]{32}\.v8$/.test(f)), []);
    const second = check(t, cache, ['--format', format]);
    assert.equal(second.trace, 'cache hit');
    assertSameOutput(second, first);
    assert.deepEqual(tree(t), before, 'nothing written into the analysed tree');
    // and a hit prints what an analysis without the cache prints (timings aside)
    const fresh = check(t, null, ['--format', format, '--no-cache']);
    const noTimes = (s) => s.replace(/"ms": \{[^}]*\}/, '"ms": {}');
    assert.equal(noTimes(second.stdout), noTimes(fresh.stdout));
  });
}

test('one entry serves every format: json and sarif after a text run are hits, identical to their own cold runs', () => {
  const { tree: t, cache } = setup();
  cold(t, cache);
  for (const format of ['json', 'sarif']) {
    const warm = check(t, cache, ['--format', format]);
    assert.equal(warm.trace, 'cache hit');
    const { cache: other } = setup();
    const own = cold(t, other, ['--format', format]);
    if (format === 'json') {
      // the timings of the run that filled the cache are kept, not measured again
      const strip = (s) => { const j = JSON.parse(s); delete j.stats.ms; return j; };
      assert.deepEqual(strip(warm.stdout), strip(own.stdout));
    } else assert.equal(warm.stdout, own.stdout);
  }
});

test('config problems and skipped files are printed on stderr from a hit as on the cold run', () => {
  const { tree: t, cache } = setup();
  writeFileSync(join(t, '.trapline.json'), '{\n  "profile": "generic",\n  "colour": "blue"\n}\n');
  writeFileSync(join(t, 'blob.c'), Buffer.from([0x69, 0x6e, 0x74, 0x00, 0x01]));
  symlinkSync('setup.c', join(t, 'link.c'));
  // a skipped file modified just before the run is not cached (the index does not say what it read of it)
  age(t);
  const first = cold(t, cache);
  assert.match(first.stderr, /^\.trapline\.json:3:3: error: \.trapline\.json: unknown key "colour"; using the defaults$/m);
  assert.match(first.stderr, /^trapline: skipped blob\.c: binary \(NUL bytes\)$/m);
  assert.match(first.stderr, /^trapline: skipped link\.c: symbolic link \(not followed\)$/m);
  const second = check(t, cache);
  assert.equal(second.trace, 'cache hit');
  assertSameOutput(second, first);
});

test('--baseline filters a hit as it filters a cold run (findings, summary, exit code)', () => {
  const { tree: t, cache } = setup();
  const baseline = join(dirname(cache), 'baseline.json');
  assert.equal(cold(t, cache, ['--format', 'json', '--output', baseline]).status, 1);
  const warm = check(t, cache, ['--baseline', baseline]);
  assert.equal(warm.trace, 'cache hit');
  assert.equal(warm.status, 0);
  assert.match(warm.stdout, /: 0 errors, 0 warnings, 0 notes \(new since baseline\)\n$/);
  assertSameOutput(warm, check(t, null, ['--baseline', baseline, '--no-cache']));
});

// ------------------------------------------------------------------------- invalidation

test('a same-size edit with the mtime put back is found by the content hash: a miss, and the new findings', () => {
  const { tree: t, cache } = setup(FIXED);
  const traps = join(t, 'traps.c');
  // a recent mtime (here a little ahead, so that a slow machine cannot make it old before the
  // cold run records it): within the timestamp granule of the recording, the stat is not trusted
  const recent = new Date(Date.now() + 60_000);
  setMtime(traps, recent);
  const mtimeMs = statSync(traps).mtimeMs;
  const first = cold(t, cache);
  assert.equal(first.status, 0, first.stdout);
  const text = readFileSync(traps, 'utf8');
  assert.equal(text.split('    ltr(TSS_SELECTOR);').length, 2);
  writeFileSync(traps, text.replace('    ltr(TSS_SELECTOR);', '    tlr(TSS_SELECTOR);'));
  setMtime(traps, recent);
  assert.equal(statSync(traps).size, Buffer.byteLength(text));
  assert.equal(statSync(traps).mtimeMs, mtimeMs);
  const second = check(t, cache);
  assert.equal(second.trace, 'cache miss (traps.c changed)');
  assert.equal(second.status, 1);
  assert.match(second.stdout, /: 0 errors, 4 warnings, 2 notes\n$/);
  assert.match(second.stdout, /^traps\.c:\d+:5: warning: \[bsp\] .* no TSS is loaded .* \[TL001\]$/m);
  const third = check(t, cache);
  assert.equal(third.trace, 'cache hit');
  assertSameOutput(third, second);
});

test('an edit that changes the mtime is a miss even when the old stat was trusted', () => {
  const { tree: t, cache } = setup(FIXED);
  age(t);
  cold(t, cache);
  assert.equal(check(t, cache).trace, 'cache hit');
  const traps = join(t, 'traps.c');
  writeFileSync(traps, readFileSync(traps, 'utf8').replace('    ltr(TSS_SELECTOR);', '    tlr(TSS_SELECTOR);'));
  const r = check(t, cache);
  assert.equal(r.trace, 'cache miss (traps.c changed)');
  assert.match(r.stdout, /: 0 errors, 4 warnings, 2 notes\n$/);
});

test('touching files without changing them (touch, a checkout of the same content) stays a hit', () => {
  const { tree: t, cache } = setup();
  age(t);
  const first = cold(t, cache);
  for (const f of ['setup.c', 'boot/head.S', 'include/asm/desc.h']) setMtime(join(t, f), new Date());
  const second = check(t, cache);
  assert.equal(second.trace, 'cache hit');
  assertSameOutput(second, first);
  assert.equal(check(t, cache).trace, 'cache hit');
});

test('adding or removing a source file is a miss; a file that is not source is not', () => {
  const { tree: t, cache } = setup();
  cold(t, cache);
  writeFileSync(join(t, 'notes.txt'), 'not a source file\n');
  assert.equal(check(t, cache).trace, 'cache hit');
  writeFileSync(join(t, 'extra.c'), 'static int extra;\n');
  const added = check(t, cache);
  assert.equal(added.trace, 'cache miss (files added or removed)');
  assert.match(added.stdout, /trapline: 17 files,/);
  assert.equal(check(t, cache).trace, 'cache hit');
  rmSync(join(t, 'extra.c'));
  const removed = check(t, cache);
  assert.equal(removed.trace, 'cache miss (files added or removed)');
  assert.match(removed.stdout, /trapline: 16 files,/);
});

test('a tree read under its kernel configuration is cached; a source the configuration does not build is not part of the entry', () => {
  const { tree: t, cache } = setup(join(ROOT, 'test/fixtures/kconfig-linux'));
  assert.equal(check(t, cache).trace, 'cache miss (no entry)');
  assert.equal(check(t, cache).trace, 'cache hit');
  // x86_64_defconfig builds init_64.c, not init_32.c: the analysis never opened the latter
  appendFileSync(join(t, 'arch/x86/mm/init_32.c'), '/* edited */\n');
  assert.equal(check(t, cache).trace, 'cache hit');
  appendFileSync(join(t, 'arch/x86/mm/init_64.c'), '/* edited */\n');
  assert.equal(check(t, cache).trace, 'cache miss (arch/x86/mm/init_64.c changed)');
});

test('changing .trapline.json or --rule is a miss, with the output of the new configuration', () => {
  const { tree: t, cache } = setup();
  cold(t, cache);
  writeFileSync(join(t, '.trapline.json'), '{ "rules": { "TL001": "off" } }\n');
  const off = check(t, cache, ['--format', 'json']);
  assert.equal(off.trace, 'cache miss (configuration changed)');
  const rules = JSON.parse(off.stdout).findings.map((f) => f.rule);
  assert.ok(rules.length > 0 && !rules.includes('TL001'), rules.join(' '));
  // the same rules in other words is still another text
  writeFileSync(join(t, '.trapline.json'), '{ "rules": { "TL001": "off" }  }\n');
  assert.equal(check(t, cache).trace, 'cache miss (configuration changed)');
  const only = check(t, cache, ['--rule', 'TL002', '--format', 'json']);
  assert.equal(only.trace, 'cache miss (--rule selection changed)');
  assert.deepEqual([...new Set(JSON.parse(only.stdout).findings.map((f) => f.rule))], ['TL002']);
  assert.equal(check(t, cache, ['--rule', 'TL002']).trace, 'cache hit');
  assert.equal(check(t, cache).trace, 'cache miss (--rule selection changed)');
});

test('a new build of trapline is a miss', () => {
  const { tree: t, cache } = setup();
  const dist = temp();
  for (const f of ['cli.js', 'web-tree-sitter.wasm', 'tree-sitter-c.wasm', 'tree-sitter-gas.wasm']) copyFileSync(join(dirname(CLI), f), join(dist, f));
  const cli = join(dist, 'cli.js');
  cold(t, cache, [], { cli });
  assert.equal(check(t, cache, [], { cli }).trace, 'cache hit');
  appendFileSync(cli, '\n// rebuilt\n');
  assert.equal(check(t, cache, [], { cli }).trace, 'cache miss (trapline build changed)');
  // (a wasm file changed is a miss too; this one no longer loads, so the run then fails)
  appendFileSync(join(dist, 'tree-sitter-gas.wasm'), Buffer.from([0]));
  assert.match(check(t, cache, [], { cli }).trace, /^cache miss \(trapline build changed\)/);
});

// ------------------------------------------------------------------------- robustness

test('a corrupt, truncated, empty, foreign or wrong-format entry is a miss with the right output, then rewritten', () => {
  const { tree: t, cache } = setup();
  const first = cold(t, cache, ['--format', 'sarif']);
  const [name] = readdirSync(cache);
  const entry = join(cache, name);
  const good = readFileSync(entry, 'utf8');
  const nl = good.indexOf('\n');
  const damaged = {
    truncated: good.slice(0, Math.floor(good.length / 2)),
    empty: '',
    garbage: '\x00\xff{{not json\n}}',
    // still valid JSON, but not what was written: a message changed
    altered: good.replace(/warning/, 'wArning'),
    'wrong format': good.slice(0, nl).replace(/"format":\d+/, '"format":999') + good.slice(nl),
    'no header': good.slice(nl + 1),
  };
  for (const [what, text] of Object.entries(damaged)) {
    assert.notEqual(text, good, what);
    writeFileSync(entry, text);
    const r = check(t, cache, ['--format', 'sarif']);
    assert.match(r.trace, /^cache miss \((corrupt entry|entry of format 999, not 1)\)$/, `${what}: ${r.trace}`);
    assertSameOutput(r, first);
    assert.equal(check(t, cache, ['--format', 'sarif']).trace, 'cache hit', `${what}: rewritten`);
  }
});

test('an unreadable entry (a directory in its place) is a miss, and the run succeeds silently without the cache', () => {
  const { tree: t, cache } = setup();
  const first = cold(t, cache);
  const [name] = readdirSync(cache);
  rmSync(join(cache, name));
  mkdirSync(join(join(cache, name), 'x'), { recursive: true });
  const r = check(t, cache);
  assert.match(r.trace, /^cache miss \(unreadable entry \(.*\)\); cache not written \(.*\)$/);
  assertSameOutput(r, first);
});

test('an unwritable cache directory means no cache: same output, nothing on stderr without the trace', () => {
  const { tree: t } = setup();
  const file = join(temp(), 'a-file');
  writeFileSync(file, '');
  const cacheDir = join(file, 'cache');
  const r = check(t, cacheDir);
  assert.match(r.trace, /^cache miss \(.*\); cache not written \(ENOTDIR: .*\)$/);
  const quiet = spawnSync(process.execPath, [CLI, 'check', t, '--cache-dir', cacheDir], { encoding: 'utf8', env: { ...process.env, TRAPLINE_CACHE_TRACE: '' } });
  assert.equal(quiet.stderr, '');
  assert.equal(quiet.status, 1);
  assert.equal(quiet.stdout, r.stdout);
});

test('a cache directory inside the analysed tree is not used (nothing is written into the tree)', () => {
  const { tree: t } = setup();
  const before = tree(t);
  const r = check(t, join(t, '.cache'));
  assert.equal(r.trace, `cache not used (${join(t, '.cache')} is inside the analysed tree)`);
  assert.equal(r.status, 1);
  assert.deepEqual(tree(t), before);
});

test('--no-cache neither reads nor writes the cache', () => {
  const { tree: t, cache } = setup();
  const r = check(t, cache, ['--no-cache']);
  assert.equal(r.trace, '');
  assert.equal(existsSync(cache), false);
  cold(t, cache);
  const [name] = readdirSync(cache);
  const written = readFileSync(join(cache, name));
  // an edit the entry does not know of: --no-cache must analyse, not serve the entry
  appendFileSync(join(t, 'setup.c'), '\n');
  const again = check(t, cache, ['--no-cache']);
  assert.equal(again.trace, '');
  assert.deepEqual(readFileSync(join(cache, name)), written);
  assert.equal(again.status, 1);
});

test('the cache directory: --cache-dir, else $TRAPLINE_CACHE_DIR, else $XDG_CACHE_HOME/trapline, else ~/.cache/trapline', () => {
  const { tree: t } = setup();
  const base = temp();
  const entries = (d) => (existsSync(d) ? readdirSync(d).filter((f) => f.startsWith('check-')).length : 0);
  cold(t, null, [], { env: { TRAPLINE_CACHE_DIR: join(base, 'env') } });
  assert.equal(entries(join(base, 'env')), 1);
  cold(t, null, [], { env: { XDG_CACHE_HOME: join(base, 'xdg') } });
  assert.equal(entries(join(base, 'xdg/trapline')), 1);
  cold(t, null, [], { env: { XDG_CACHE_HOME: '', HOME: join(base, 'home') } });
  assert.equal(entries(join(base, 'home/.cache/trapline')), 1);
  cold(t, join(base, 'flag'), [], { env: { TRAPLINE_CACHE_DIR: join(base, 'env') } });
  assert.equal(entries(join(base, 'flag')), 1);
  assert.equal(check(t, null, [], { env: { TRAPLINE_CACHE_DIR: join(base, 'env') } }).trace, 'cache hit');
});
