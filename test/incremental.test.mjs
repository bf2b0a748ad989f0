// An edit off every boot path is re-analysed without a new walk (server/src/incremental.ts);
// whenever that fast path answers, it must answer exactly what a whole analysis answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import api from '../out/api.js';

const { analyze, reanalyzeEdit } = api;
const wasmDir = path.resolve('dist');

function cFilesOf(root, dir = '') {
  const out = [];
  for (const e of readdirSync(path.join(root, dir))) {
    const rel = dir ? `${dir}/${e}` : e;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...cFilesOf(root, rel)); else if (/\.[ch]$/.test(e)) out.push(rel);
  }
  return out;
}

/** Edits a developer makes: a statement typed into each function body, a comment line added at the end, a blank line at the top. */
function editsOf(text) {
  const out = [{ what: 'comment line appended', text: `${text}/* note */\n` }, { what: 'blank line at the top', text: `\n${text}` }];
  for (const m of text.matchAll(/\)\s*\n\{\n/g)) {
    const at = (m.index ?? 0) + m[0].length;
    out.push({ what: `statement typed at offset ${at}`, text: `${text.slice(0, at)}    barrier();\n${text.slice(at)}` });
    out.push({ what: `word changed at offset ${at}`, text: `${text.slice(0, at)}${text.slice(at).replace(/\b(\w+)\(/, '$1_x(')}` });
  }
  return out;
}

const summary = (a) => JSON.stringify({ findings: a.findings, unused: a.unusedSuppressions });

for (const tree of ['examples/boot-hazards', 'test/fixtures/tl004-late-call-into-init', 'test/fixtures/macro-sections']) {
  test(`incremental: every edit the fast path answers in ${tree} gives the findings of a whole analysis`, async () => {
    const root = path.resolve(tree);
    const base = await analyze(root, { wasmDir });
    let fast = 0, full = 0;
    for (const file of cFilesOf(root)) {
      const original = readFileSync(path.join(root, file), 'utf8');
      for (const e of editsOf(original)) {
        const next = reanalyzeEdit(base, file, e.text);
        if (!next) { full++; continue; }
        fast++;
        const whole = await analyze(root, { wasmDir, overlay: new Map([[file, e.text]]) });
        assert.equal(summary(next), summary(whole), `${file}: ${e.what}`);
        assert.equal(next.paths, base.paths, 'the walk is reused, not redone');
        assert.equal(next.index.texts.get(file), e.text);
      }
    }
    // both outcomes must occur, or the test proves nothing
    assert.ok(fast > 0 && full > 0, `fast ${fast}, full ${full}`);
  });
}

test('incremental: edits on a boot path, above a finding, or to a suppression comment take the whole analysis', async () => {
  const root = path.resolve('examples/boot-hazards');
  const base = await analyze(root, { wasmDir });
  const traps = readFileSync(path.join(root, 'traps.c'), 'utf8');
  const tl001 = base.findings.find((f) => f.rule === 'TL001' && f.range.file === 'traps.c');
  assert.ok(tl001, 'boot-hazards has TL001 in traps.c');
  const lines = traps.split('\n');
  // the set_ist line itself: on the BSP's path
  const onPath = [...lines.slice(0, tl001.range.line), `    ${lines[tl001.range.line].trim()} /* moved */`, ...lines.slice(tl001.range.line + 1)].join('\n');
  assert.equal(reanalyzeEdit(base, 'traps.c', onPath), null);
  // a line inserted above it moves the finding
  assert.equal(reanalyzeEdit(base, 'traps.c', `/* header */\n${traps}`), null);
  assert.equal(reanalyzeEdit(base, 'traps.c', `${traps}/* trapline-disable-next-line TL001 -- test */\n`), null);
  assert.equal(reanalyzeEdit(base, 'traps.c', traps), base, 'an unchanged text is the same analysis');
  assert.equal(reanalyzeEdit(base, 'boot/x86_64.S', '\n'), null, 'assembler is re-analysed whole');
});

test('incremental: a re-analysis with the index cache reads again only files whose size or mtime changed', async () => {
  const { mkdtempSync, cpSync, writeFileSync, utimesSync, statSync: st } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(path.join(tmpdir(), 'trapline-stamp-'));
  cpSync('examples/boot-hazards', root, { recursive: true });
  const old = new Date(Date.now() - 3600_000);
  for (const f of cFilesOf(root)) utimesSync(path.join(root, f), old, old);
  const cache = new Map();
  const first = await analyze(root, { wasmDir, cache });
  const file = path.join(root, 'mm.c');
  const text = readFileSync(file, 'utf8');
  // same size, same mtime: trusted without reading (the file is long past the racy window)
  writeFileSync(file, text.replace('void', 'VOID'));
  utimesSync(file, old, old);
  const same = await analyze(root, { wasmDir, cache });
  assert.equal(same.index.texts.get('mm.c'), text, 'an unchanged stamp keeps the text read before');
  assert.equal(summary(same), summary(first));
  // a new size is read again
  writeFileSync(file, `${text}\n/* grown */\n`);
  utimesSync(file, old, old);
  const grown = await analyze(root, { wasmDir, cache });
  assert.equal(grown.index.texts.get('mm.c'), `${text}\n/* grown */\n`);
  assert.ok(st(file).size > text.length);
});

test('incremental: a re-analysis over the previous one (index cache, trees, macro values) finds what a fresh analysis finds when a #define changes', async () => {
  const root = path.resolve('examples/boot-hazards');
  const file = 'include/asm/traps.h';
  const original = readFileSync(path.join(root, file), 'utf8');
  const cache = new Map(), trees = api.newTreeCache();
  let previous = await analyze(root, { wasmDir, cache, trees });
  const base = summary(previous);
  let changedFindings = 0;
  for (const name of ['TRAP_nmi', 'TRAP_double_fault', 'TRAP_machine_check']) {
    const text = original.replace(new RegExp(`(#define ${name}\\s+)(\\d+)`), (_, d, v) => `${d}${Number(v) + 1}`);
    assert.notEqual(text, original, name);
    const overlay = new Map([[file, text]]);
    const reused = await analyze(root, { wasmDir, overlay, cache, trees, previous: previous.index });
    const fresh = await analyze(root, { wasmDir, overlay });
    assert.equal(summary(reused), summary(fresh), `${name} moved to another vector`);
    if (summary(fresh) !== base) changedFindings++;
    previous = reused;
  }
  // the edits matter: a stale value taken over from the previous run would show
  assert.ok(changedFindings >= 2, `${changedFindings} edits changed the findings`);
});
