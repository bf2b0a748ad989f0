// A CR4 features word is a global loaded into CR4, never the parameter of the helper that loads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import api from '../out/api.js';

test('feature words: write_cr4(unsigned long val) with "r" (val) does not make every `val` a features word', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trapline-fw-'));
  mkdirSync(path.join(dir, 'include'));
  writeFileSync(path.join(dir, 'include/cr.h'), 'static inline void write_cr4(unsigned long val)\n{\n    asm volatile ( "mov %0,%%cr4" : : "r" (val) );\n}\n');
  writeFileSync(path.join(dir, 'setup.c'), '#include "include/cr.h"\nunsigned long cr4_features = 0x20;\nunsigned long val;\nvoid start(void)\n{\n    write_cr4(cr4_features);\n}\nvoid other(void)\n{\n    val |= 4;\n}\n');
  writeFileSync(path.join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', roles: [{ name: 'bsp', entry: 'start' }] }));
  const a = await api.analyze(dir, { wasmDir: 'dist' });
  assert.ok(a.index.featureWords.has('cr4_features'));
  assert.ok(!a.index.featureWords.has('val'), [...a.index.featureWords].join(', '));
  a.index.dispose();
});
