// The layers of the server keep data flowing one way: syntax and the index below the effects,
// the effects below the paths, the paths below the rules, and the faces (language server, CLI,
// IDE features) on top. A module may import only from the layers below it; the core never
// imports the editor or the protocol libraries.
//
//   node --test test/layers.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'server/src');

/** Every .ts file under server/src, relative to it. */
function sources(dir = SRC) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : n.endsWith('.ts') ? [relative(SRC, p)] : [];
  });
}

/** What a file imports: relative imports resolved to server/src paths (without .ts), packages by name. */
function importsOf(file) {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
  return specs.map((s) => (s.startsWith('.') ? { local: relative(SRC, resolve(dirname(join(SRC, file)), s)).replace(/\.ts$/, '') } : { pkg: s }));
}

/** The layer of a module: its folder, or its own name for the files at the top. */
const layerOf = (m) => (m.includes('/') ? m.split('/')[0] : m.replace(/\.ts$/, ''));

// what each layer may import from server/src (besides itself)
const ALLOWED = new Map(Object.entries({
  model: [],
  // the kernel configuration reads files through the caller's reader and imports nothing of the server
  kconfig: [],
  parse: ['model'],
  config: ['model', 'index', 'profiles'],
  index: ['model', 'parse', 'config', 'kconfig'],
  effects: ['model', 'parse', 'index', 'config'],
  summaries: ['model', 'parse', 'index', 'config', 'effects'],
  paths: ['model', 'parse', 'index', 'config', 'effects', 'summaries'],
  rules: ['model', 'parse', 'index', 'config', 'effects', 'summaries', 'paths'],
  // the reports present an analysis: the engine's result type is their input
  report: ['model', 'config', 'rules', 'paths', 'index', 'engine'],
  cache: ['model', 'config', 'index', 'report', 'paths'],
}));
const PROTOCOL = /^(vscode|vscode-languageserver(\/.*)?|vscode-jsonrpc(\/.*)?)$/;

const files = sources();

test('the server has the layers this test knows (a new folder is placed in them)', () => {
  const top = new Set(files.filter((f) => f.includes('/')).map(layerOf));
  const known = new Set([...ALLOWED.keys(), 'ide', 'lsp', 'profiles']);
  assert.deepEqual([...top].filter((l) => !known.has(l)), []);
});

for (const [layer, allowed] of ALLOWED) {
  test(`${layer} imports only from ${allowed.length ? allowed.join(', ') : 'nothing of the server'}, never ide/, lsp/, the engine or a face`, () => {
    const bad = [];
    for (const f of files.filter((x) => layerOf(x) === layer)) {
      for (const i of importsOf(f)) {
        if (i.pkg && PROTOCOL.test(i.pkg)) bad.push(`${f} -> ${i.pkg}`);
        if (i.local) {
          const l = layerOf(i.local); // config.ts and config/ are one layer
          if (l !== layer && !allowed.includes(l)) bad.push(`${f} -> ${i.local}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });
}

test('ide/ (the IDE features) knows nothing of the protocol: no lsp/, no server, no protocol library', () => {
  const bad = [];
  for (const f of files.filter((x) => layerOf(x) === 'ide')) {
    for (const i of importsOf(f)) {
      if (i.pkg && PROTOCOL.test(i.pkg)) bad.push(`${f} -> ${i.pkg}`);
      if (i.local && ['lsp', 'server', 'cli'].includes(layerOf(i.local))) bad.push(`${f} -> ${i.local}`);
    }
  }
  assert.deepEqual(bad, []);
});
