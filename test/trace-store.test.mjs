// The trace store of `trapline check` (server/src/cache/trace-store.ts): after a run, the next
// check of the tree walks again only the calls whose reads changed and replays the rest, when
// nothing but function bodies changed (paths/walk-inputs.ts); and it reports exactly what a
// check without any cache reports on the same tree, steps and findings. Through the real CLI
// (`node dist/cli.js`; build first), on copies of the examples and fixtures, each chain of
// edits with its own --cache-dir. TRAPLINE_CACHE_TRACE=1 makes the CLI say what it re-used.
//
//   node --test test/trace-store.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, checkJson, copyTree, rewrite, said } from './helpers/cli-runs.mjs';
import { startServer } from './helpers/lsp-server.mjs';

const setup = (src) => copyTree(src, 'trace-store');

/** The JSON report without its timers, and what the trace store said. */
function check(tree, args) {
  const { report, lines } = checkJson(tree, args);
  return { report, traces: said(lines, 'traces: ') };
}

/** "N calls re-used from the last run, M walked", and what the store said before it (why it had no traces). */
function reuse(traces) {
  const m = /(\d+) calls re-used from the last run, (\d+) walked$/.exec(traces);
  assert.ok(m, traces);
  return { reused: Number(m[1]), walked: Number(m[2]), before: traces.slice(0, m.index).replace(/; $/, '') };
}

/** Each edit, then a check with the store, compared with a check of the same tree without any cache. */
function chain(src, edits) {
  const { tree, cache } = setup(src);
  const first = reuse(check(tree, ['--cache-dir', cache]).traces);
  assert.equal(first.before, 'no traces stored');
  assert.equal(first.reused, 0);
  const reports = [];
  for (const [what, edit, expect] of edits) {
    edit(tree);
    const warm = check(tree, ['--cache-dir', cache]);
    const cold = check(tree, ['--no-cache']);
    assert.deepEqual(warm.report, cold.report, what);
    expect(reuse(warm.traces), what);
    reports.push(cold.report);
  }
  return reports;
}

/** Some calls replayed, and fewer walked than the first run walked. */
const replayed = (r, what) => { assert.equal(r.before, '', what); assert.ok(r.reused > 0, `${what}: ${r.reused} re-used`); };
/** Definitions changed: the traces are not used. */
const notUsed = (r, what) => { assert.equal(r.before, 'definitions changed since the traces were walked', what); assert.equal(r.reused, 0, what); };

test('edits of function bodies replay the calls that did not read them; other edits walk again; each check reports what a check without cache reports', () => {
  chain(join(ROOT, 'examples/boot-hazards'), [
    ['a statement typed into __start_xen', rewrite('setup.c', (t) => t.replace('    trap_init();\n', '    trap_init();\n    cpu_relax();\n')), replayed],
    // the hazard goes away: the report changes, and the replay must not keep the old walk of trap_init
    ['set_ist of #DF taken out', rewrite('traps.c', (t) => t.replace('    set_ist(&idt_table[TRAP_double_fault], IST_DF);\n', '')), replayed],
    ['a variable added', rewrite('setup.c', (t) => t.replace('static const char *boot_cmdline;\n', 'static const char *boot_cmdline;\nunsigned long boot_flags;\n')), notUsed],
    ['a line of assembler', rewrite('entry.S', (t) => `${t}\n/* trailing comment */\n`), notUsed],
    // inside a body, but read as every struct type of the tree is (a gate's layout may be one)
    ['a struct type defined inside __start_xen', rewrite('setup.c', (t) => t.replace('    unsigned int i;\n', '    unsigned int i;\n    struct boot_note { unsigned long a; };\n')), notUsed],
    ['the statement taken out again', rewrite('setup.c', (t) => t.replace('    cpu_relax();\n', '')), replayed],
  ]);
});

test('a callee the walk passed over that now writes a gate is walked: the trace holds only while the callee\'s definition says the same', () => {
  // `set_spare_gate(15, ...)` names no table and writes nothing: the walk does not enter it, and
  // trap_init's trace says so. Its body then writes the gate (on the same line, so that
  // nothing else moves): trap_init's own text is unchanged, and only what the callee's
  // definition tells the walk (callee-facts.ts) makes its trace fail: it names the table now.
  // (`idt_table + n`, not `&idt_table[n]`: an element's address would make the relevance
  // summary say yes too, and this is what it does not see.)
  const [before, afterEdit] = chain(join(ROOT, 'test/fixtures/gate-writer-renamed'), [
    ['a callee that writes nothing', rewrite('traps.c', (t) => `${t
      .replace('extern void irq_common_entry(void);\n', 'extern void irq_common_entry(void);\nstatic void set_spare_gate(unsigned int n, void *addr);\n')
      .replace('    for ( v = FIRST_DYNAMIC_VECTOR;', '    set_spare_gate(15, &irq_common_entry);\n\n    for ( v = FIRST_DYNAMIC_VECTOR;')
    }\nstatic void set_spare_gate(unsigned int n, void *addr) { (void)n; (void)addr; }\n`), notUsed],
    ['its body now writes the gate', rewrite('traps.c', (t) => t.replace('{ (void)n; (void)addr; }', '{ write_gate(idt_table + n, addr, 0); }')), replayed],
  ]);
  const tl003 = (r) => r.findings.find((f) => f.rule === 'TL003')?.message ?? '';
  assert.match(tl003(before), /vectors 9, 15, 20-31 of idt_table/);
  assert.match(tl003(afterEdit), /vectors 9, 20-31 of idt_table/);
});

test('a tree read under its kernel configuration: an edit of a built source replays the calls that did not read it', () => {
  chain(join(ROOT, 'test/fixtures/forms-linux-config'), [
    ['a statement typed into start_kernel', rewrite('init/main.c', (t) => t.replace(/(void start_kernel\(void\)\n\{\n)/, '$1\tbarrier();\n')), replayed],
  ]);
});

test('a corrupt, truncated or foreign trace store is no store: the check reports as without it, and writes a good one', () => {
  const { tree, cache } = setup(join(ROOT, 'examples/boot-fixed'));
  check(tree, ['--cache-dir', cache]);
  const [file] = readdirSync(cache).filter((f) => /^traces-[0-9a-f]{32}\.v8$/.test(f));
  assert.ok(file, 'the first check wrote the trace store');
  for (const [what, bytes] of [['truncated', (b) => b.subarray(0, b.length >> 1)], ['altered', (b) => { const c = Buffer.from(b); c[c.length - 10] ^= 0xff; return c; }], ['not ours', () => Buffer.from('hello\n')]]) {
    writeFileSync(join(cache, file), bytes(readFileSync(join(cache, file))));
    // the result cache would answer before the store is read: a change of a body makes it miss
    const note = `    /* ${what} */\n`;
    rewrite('setup.c', (t) => t.replace('    trap_init();\n', `    trap_init();\n${note}`))(tree);
    const r = check(tree, ['--cache-dir', cache]);
    assert.equal(reuse(r.traces).before, 'traces of another format, or corrupt', what);
    assert.deepEqual(r.report, check(tree, ['--no-cache']).report, what);
    rewrite('setup.c', (t) => t.replace(note, ''))(tree);
    const next = reuse(check(tree, ['--cache-dir', cache]).traces);
    assert.equal(next.before, '', `${what}: the store written after it is read`);
    assert.ok(next.reused > 0, what);
  }
});

// ------------------------------------------------------------------------- the language server

const SERVER = join(ROOT, 'dist/server.js');

/** The diagnostics on screen by file, as text. */
const shown = (s) => [...s.diags].filter(([, d]) => d.length > 0).map(([u, d]) => [u.slice(u.indexOf('/tree/')), d.map((x) => `${x.code} ${x.range.start.line}:${x.range.start.character} ${x.message}`)]).sort();
const analyses = (s) => s.logs.filter((l) => /^trapline: \d+ files /.test(l));

async function session(tree, options, work = async () => {}) {
  const s = await startServer(SERVER, tree, options);
  try {
    await s.until(() => analyses(s).length > 0, 'the first analysis');
    await work(s);
    const diags = shown(s);
    await s.conn.sendRequest('shutdown');
    s.conn.sendNotification('exit');
    await s.exited;
    return { logs: s.logs, diags };
  } finally { s.kill(); }
}

/** The edits of both files, on disk: function bodies only. */
const bodiesEdited = (tree) => {
  rewrite('setup.c', (t) => t.replace('    trap_init();\n', '    trap_init();\n    cpu_relax();\n'))(tree);
  rewrite('traps.c', (t) => t.replace('    set_ist(&idt_table[TRAP_double_fault], IST_DF);\n', ''))(tree);
};

test('the language server: a whole analysis after function bodies changed in two files re-uses the walks on screen, with the diagnostics of a fresh session', async () => {
  const { tree } = setup(join(ROOT, 'examples/boot-hazards'));
  const edited = await session(tree, {}, async (s) => {
    bodiesEdited(tree);
    // files changed on disk: a whole analysis (not the edit of one open file)
    s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('setup.c'), type: 2 }, { uri: s.uri('traps.c'), type: 2 }] });
    await s.until(() => analyses(s).length > 1, 'the second analysis');
  });
  assert.match(analyses(edited)[1], /; [1-9]\d* calls re-used from the walks before, \d+ walked$/, edited.logs.join('\n'));
  const fresh = await session(tree, {});
  assert.deepEqual(edited.diags, fresh.diags);
  assert.ok(!/calls re-used/.test(analyses(fresh)[0]));
});

test('the language server keeps its walks between sessions (initializationOptions.cacheDir): the next session\'s first analysis re-uses them, with the diagnostics of a session without them', async () => {
  const { tree, cache } = setup(join(ROOT, 'examples/boot-hazards'));
  const kept = () => existsSync(cache) && readdirSync(cache).some((f) => /^traces-[0-9a-f]{32}-server\.v8$/.test(f));
  // written once typing has paused for 5 s after the analysis
  await session(tree, { initializationOptions: { cacheDir: cache } }, (s) => s.until(kept, 'the walks kept', 30000));
  bodiesEdited(tree);
  const next = await session(tree, { initializationOptions: { cacheDir: cache } });
  assert.ok(next.logs.includes('trapline: the walks of the last session kept: calls whose reads still hold are re-used'), next.logs.join('\n'));
  assert.match(analyses(next)[0], /; [1-9]\d* calls re-used from the walks before, \d+ walked$/);
  const fresh = await session(tree, {});
  assert.deepEqual(next.diags, fresh.diags);
  assert.ok(fresh.diags.length > 0);
});
