// The parse layer through the real wasm files: both languages in one runtime, incremental
// re-parse after an edit, and a clear error naming a missing wasm file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import api from '../out/api.js';

const { ParserHost, wasmPathsIn, WasmLoadError, languageOf } = api;
const dist = path.resolve('dist');

test('parse: C and GNU as parse in one runtime, without errors', async () => {
  const host = await ParserHost.create(wasmPathsIn(dist));
  const c = host.parse('c', 'void trap_init(void) { asm volatile ("lidt %0" :: "m" (desc)); }\n');
  const s = host.parse('gas', 'GLOBAL(idt_descr)\n        .word   256*16-1\n        .quad   idt_table\n1:      lidt    idt_descr(%rip)\n        jnz     1b\n');
  assert.equal(c.rootNode.hasError, false);
  assert.equal(s.rootNode.hasError, false);
  assert.equal(s.rootNode.namedChildren[3].type, 'label');
  c.delete(); s.delete();
});

test('parse: an edit re-parses incrementally and gives the new tree', async () => {
  const host = await ParserHost.create(wasmPathsIn(dist));
  const before = '        lidt    idt_descr(%rip)\n        ltr     %ax\n';
  const after = '        ltr     %ax\n        ltr     %ax\n';
  const tree = host.parse('gas', before);
  const edit = { startIndex: 8, oldEndIndex: 31, newEndIndex: 19, startPosition: { row: 0, column: 8 }, oldEndPosition: { row: 0, column: 31 }, newEndPosition: { row: 0, column: 19 } };
  const next = host.reparse('gas', tree, edit, after);
  assert.equal(next.rootNode.namedChildren[0].childForFieldName('mnemonic').text, 'ltr');
  assert.equal(next.rootNode.hasError, false);
  tree.delete(); next.delete();
});

test('parse: a missing or corrupt grammar wasm is reported with its file name', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trapline-wasm-'));
  copyFileSync(path.join(dist, 'web-tree-sitter.wasm'), path.join(dir, 'web-tree-sitter.wasm'));
  copyFileSync(path.join(dist, 'tree-sitter-c.wasm'), path.join(dir, 'tree-sitter-c.wasm'));
  await assert.rejects(ParserHost.create(wasmPathsIn(dir)), (e) => e instanceof WasmLoadError && e.message.includes('tree-sitter-gas.wasm'));
  writeFileSync(path.join(dir, 'tree-sitter-gas.wasm'), 'not wasm');
  await assert.rejects(ParserHost.create(wasmPathsIn(dir)), (e) => e instanceof WasmLoadError && e.message.includes(path.join(dir, 'tree-sitter-gas.wasm')));
});

test('parse: languages by file name (gas for .S/.s/.inc, c for .c/.h)', () => {
  assert.equal(languageOf('boot/head.S'), 'gas');
  assert.equal(languageOf('boot/video.inc'), 'gas');
  assert.equal(languageOf('traps.c'), 'c');
  assert.equal(languageOf('asm/desc.h'), 'c');
  assert.equal(languageOf('Makefile'), undefined);
});
