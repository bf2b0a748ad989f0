// The machine model's acceptance test. The profiles name no gate writer and no table copier (those
// effects come from what the code does: effects/gate-word.ts, effects/c-library.ts), and the names
// they keep for IST setters and CR4 readers are read by quick fixes only: emptied, every fixture
// and example gives the same warnings, at the same lines, with the same vectors and words.
//
//   node --test test/hint-free.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const api = createRequire(import.meta.url)(join(ROOT, 'out/api.js'));
const wasmDir = join(ROOT, 'dist');
const NAMED = ['istSetters', 'readCr4'];

const trees = [
  ...readdirSync(join(ROOT, 'test/fixtures')).map((d) => join('test/fixtures', d)),
  ...readdirSync(join(ROOT, 'examples')).map((d) => join('examples', d)),
].filter((d) => existsSync(join(ROOT, d, '.trapline.json')));

/** Every warning and error, as a user reads it: rule, role, place, vectors, message. */
async function warnings(dir, emptied) {
  const config = api.loadConfig(dir, api.RULE_IDS);
  if (emptied) config.profile = { ...config.profile, hints: { ...config.profile.hints, ...Object.fromEntries(NAMED.map((k) => [k, []])) } };
  const a = await api.analyze(dir, { config, wasmDir });
  try {
    return a.findings.filter((f) => f.severity === 'warning' || f.severity === 'error')
      .map((f) => `${f.rule} [${f.role}] ${f.range.file}:${f.range.line + 1} vectors ${f.vectors.join(',')}: ${f.message}`).sort();
  } finally { a.index.dispose(); }
}

test('the trees checked here have a configuration each (the comparison below is not empty)', () => {
  assert.ok(trees.length >= 30, `${trees.length} trees`);
});

test('no profile names a gate writer or a table copier', () => {
  for (const [name, p] of Object.entries(api.PROFILES)) {
    for (const k of ['gateWriters', 'tableCopy']) assert.equal(p.hints[k], undefined, `${name}: ${k}`);
  }
});

for (const d of trees) {
  test(`${d}: the same warnings with ${NAMED.join(', ')} emptied`, async () => {
    const dir = join(ROOT, d);
    assert.deepEqual(await warnings(dir, true), await warnings(dir, false));
  });
}
