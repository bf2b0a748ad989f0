// The index store of `trapline check` (server/src/cache/index-store.ts): after a run, the next
// check of the tree re-indexes only the files whose text changed, and reports exactly what a
// check without any cache reports on the same tree. Through the real CLI (`node dist/cli.js`;
// build first), on copies of the examples and fixtures, each chain of edits with its own
// --cache-dir. TRAPLINE_CACHE_TRACE=1 makes the CLI say how many files it took from the store.
//
//   node --test test/index-store.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './helpers/lsp-server.mjs';
import { ROOT, checkJson, copyTree, rewrite, said } from './helpers/cli-runs.mjs';

const setup = (src) => copyTree(src, 'index-store');

/** The JSON report without its timers, and what the store said. */
function check(tree, args) {
  const { report, lines } = checkJson(tree, args);
  return { report, store: said(lines, 'index store: '), stderr: lines.filter((l) => !/^trapline: (cache |index store|traces)/.test(l)).join('\n') };
}

/** Each edit, then a check with the store, compared with a check of the same tree without any cache. */
function chain(src, edits) {
  const { tree, cache } = setup(src);
  const first = check(tree, ['--cache-dir', cache]);
  assert.equal(first.store, 'no index stored');
  for (const [what, edit, reused] of edits) {
    edit(tree);
    const warm = check(tree, ['--cache-dir', cache]);
    const cold = check(tree, ['--no-cache']);
    assert.deepEqual(warm.report, cold.report, what);
    assert.equal(warm.stderr, cold.stderr, what);
    const [kept, of] = /^(\d+) of (\d+) files as indexed by the last run$/.exec(warm.store)?.slice(1).map(Number) ?? [];
    assert.ok(of > 0, `${what}: ${warm.store}`);
    reused(kept, of, what);
  }
}

const allBut = (n) => (kept, of, what) => assert.equal(kept, of - n, what);
const some = (kept, of, what) => assert.ok(kept < of, what);

test('edits of walked code, a #define, assembler, a new and a removed file: each check re-indexes the files changed and reports what a check without cache reports', () => {
  chain(join(ROOT, 'examples/boot-hazards'), [
    ['a statement typed into __start_xen', rewrite('setup.c', (t) => t.replace('    trap_init();\n', '    trap_init();\n    cpu_relax();\n')), allBut(1)],
    // the hazard goes away: the report changes, and the store must not keep the old one
    ['set_ist of #DF taken out', rewrite('traps.c', (t) => t.replace('    set_ist(&idt_table[TRAP_double_fault], IST_DF);\n', '')), allBut(1)],
    ['a line of assembler', rewrite('entry.S', (t) => `${t}\n/* trailing comment */\n`), allBut(1)],
    // every C file is read under the tree's macros: a changed #define indexes them again
    ['a #define changed', rewrite('include/asm/desc.h', (t) => t.replace(/#define SYS_DESC_irq_gate\s+14/, '#define SYS_DESC_irq_gate   15')), some],
    ['a new C file', (tree) => writeFileSync(join(tree, 'extra.c'), 'void extra_init(void) { }\n'), allBut(1)],
    ['a file removed', (tree) => unlinkSync(join(tree, 'irq.c')), allBut(0)],
  ]);
});

test('a tree read under its kernel configuration: an edit of a built source re-indexes that file alone', () => {
  const src = join(ROOT, 'test/fixtures/kconfig-linux');
  const built = readdirSync(join(src, 'init')).find((f) => f.endsWith('.c'));
  assert.ok(built, 'the fixture has a C file under init/');
  chain(src, [
    [`a comment typed into init/${built}`, rewrite(`init/${built}`, (t) => `/* edited */\n${t}`), allBut(1)],
  ]);
});

test('a corrupt shard of the store holds no entries: its files alone are indexed again', () => {
  const { tree, cache } = setup(join(ROOT, 'examples/boot-hazards'));
  check(tree, ['--cache-dir', cache]);
  // the shard of setup.c: the one a check without it re-indexes one more file of
  const shards = readdirSync(cache).filter((f) => f.startsWith('index-'));
  const holding = shards.filter((f) => readFileSync(join(cache, f)).includes('setup.c'));
  assert.ok(holding.length >= 1);
  for (const f of holding) writeFileSync(join(cache, f), 'not a shard\n');
  writeFileSync(join(tree, 'traps.c'), `${readFileSync(join(tree, 'traps.c'), 'utf8')}\n`);
  const r = check(tree, ['--cache-dir', cache]);
  const [kept, of] = /(\d+) of (\d+) files as indexed by the last run$/.exec(r.store)?.slice(1).map(Number) ?? [];
  assert.match(r.store, /^index of another format, or corrupt; /);
  assert.ok(kept < of - 1, r.store);
  assert.deepEqual(r.report, check(tree, ['--no-cache']).report);
});

test('a corrupt or foreign store is no store: the check reports as without it, and writes a good one', () => {
  const { tree, cache } = setup(join(ROOT, 'examples/boot-fixed'));
  check(tree, ['--cache-dir', cache]);
  const shards = readdirSync(cache).filter((f) => f.startsWith('index-'));
  assert.ok(shards.length > 0, 'the first check wrote the index store');
  for (const [what, bytes] of [['truncated', (b) => b.subarray(0, b.length >> 1)], ['altered', (b) => { const c = Buffer.from(b); c[c.length - 10] ^= 0xff; return c; }], ['not ours', () => Buffer.from('hello\n')]]) {
    for (const f of shards) writeFileSync(join(cache, f), bytes(readFileSync(join(cache, f))));
    // the result cache would answer before the store is read: a change of a source makes it miss
    writeFileSync(join(tree, 'setup.c'), `${readFileSync(join(tree, 'setup.c'), 'utf8')}\n`);
    const r = check(tree, ['--cache-dir', cache]);
    assert.match(r.store, /^index of another format, or corrupt$/, what);
    const fresh = check(tree, ['--no-cache']);
    assert.deepEqual(r.report, fresh.report, what);
    assert.equal(check(tree, ['--cache-dir', cache]).store, '', `${what}: a hit of the result cache reads no store`);
  }
});

test('the language server keeps the index between sessions in initializationOptions.cacheDir: the next session starts from it, with the same diagnostics', async () => {
  const { tree, cache } = setup(join(ROOT, 'examples/boot-hazards'));
  const session = async () => {
    const s = await startServer(join(ROOT, 'dist/server.js'), tree, { initializationOptions: { cacheDir: cache } });
    await s.until(() => s.logs.some((l) => /^trapline: \d+ files /.test(l)), 'the first analysis');
    // written between answers, after the diagnostics: every shard, before the session ends
    await s.until(() => existsSync(cache) && readdirSync(cache).filter((f) => /^index-[0-9a-f]{32}-server-\d\d\.v8$/.test(f)).length === 64, 'the index kept');
    const diags = [...s.diags].filter(([, d]) => d.length > 0).map(([u, d]) => [u, d.map((x) => `${x.code} ${x.range.start.line}:${x.range.start.character} ${x.message}`)]).sort();
    await s.conn.sendRequest('shutdown');
    s.conn.sendNotification('exit');
    await s.exited;
    return { logs: s.logs, diags };
  };
  const first = await session();
  assert.ok(!first.logs.some((l) => /kept from the last session/.test(l)), first.logs.join('\n'));
  const second = await session();
  assert.ok(second.logs.some((l) => /^trapline: the index of \d+ files kept from the last session$/.test(l)), second.logs.join('\n'));
  assert.deepEqual(second.diags, first.diags);
  assert.ok(first.diags.length > 0);
});
