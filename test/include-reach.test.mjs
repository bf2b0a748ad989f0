// Where the kernel configuration's Makefiles say what is built, only the headers the built
// sources include (through other headers too) and those the compiler flags force in are read:
// a header nothing built includes adds no definition a walk can meet.
//
//   node --test test/include-reach.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import api from '../out/api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WASM = join(ROOT, 'dist');

function tree(files) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-reach-'));
  cpSync(join(ROOT, 'test/fixtures/kconfig-linux'), dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) { mkdirSync(dirname(join(dir, f)), { recursive: true }); writeFileSync(join(dir, f), text); }
  return dir;
}

test('a built tree reads the headers its sources include, by a quoted path or by the tail of an <> name, and the forced -include; not the header nothing includes', async () => {
  const dir = tree({
    'init/main.c': '#include <linux/used.h>\n#include "local.h"\nvoid __init start_kernel(void) { used_helper(); }\n',
    'init/local.h': '#define LOCAL_THING 1\n',
    'include/linux/used.h': '#include <asm/reached.h>\nstatic inline void used_helper(void) { }\n',
    'arch/x86/include/asm/reached.h': '#define REACHED 1\n',
    'include/linux/unused.h': 'static inline void unused_helper(void) { }\n',
    'include/linux/kconfig.h': '#define IS_ENABLED(option) 1\n',
  });
  try {
    appendFileSync(join(dir, 'Makefile'), '\nLINUXINCLUDE    := -I$(srctree)/include \\\n\t\t-include $(srctree)/include/linux/kconfig.h\n-include include/config/auto.conf.h\n');
    const a = await api.analyze(dir, { wasmDir: WASM });
    const read = [...a.index.texts.keys()];
    for (const h of ['include/linux/used.h', 'init/local.h', 'arch/x86/include/asm/reached.h', 'include/linux/kconfig.h']) assert.ok(read.includes(h), `${h} is read`);
    assert.ok(!read.includes('include/linux/unused.h'), 'a header no built source includes is not read');
    assert.ok(a.index.functions.has('used_helper') && !a.index.functions.has('unused_helper'));
    assert.equal(a.index.macros.get('IS_ENABLED')?.params?.length, 1, 'the forced include defines its macros for every source');
    assert.ok(a.stats.notIncluded >= 1);
    assert.equal(api.reanalyzeEdit(a, 'include/linux/unused.h', 'static inline void unused_helper(void) { asm("lidt %0" :: "m"(x)); }\n'), a, 'an edit of a header nothing reads is answered by the analysis as it is');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a tree whose Makefiles are not read (no Kconfig) reads every header', async () => {
  const dir = tree({ 'include/linux/unused.h': 'static inline void unused_helper(void) { }\n' });
  try {
    rmSync(join(dir, 'Kconfig'));
    const a = await api.analyze(dir, { wasmDir: WASM });
    assert.ok(a.index.functions.has('unused_helper'));
    assert.equal(a.stats.notIncluded, undefined);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('forced includes are compiler flags, not make\'s -include directive; variables other than srctree/objtree are not guessed', () => {
  assert.deepEqual(api.kconfig.forcedIncludesIn('-include include/config/auto.conf.h\nc_flags = -Wp,-MMD \\\n  -include $(srctree)/include/linux/compiler_types.h \\\n  $(KBUILD_CFLAGS)\nCFLAGS += -include $(BASEDIR)/include/xen/config.h\n'), ['include/linux/compiler_types.h']);
});

test('an include name resolves next to the including file first, else to every header ending with it', () => {
  const r = new api.HeaderResolver(['drivers/a/internal.h', 'drivers/b/internal.h', 'include/linux/list.h', 'include/uapi/linux/list.h']);
  assert.deepEqual(r.includedBy('drivers/a/x.c', '#include "internal.h"\n'), ['drivers/a/internal.h']);
  assert.deepEqual(r.includedBy('fs/y.c', '#include "internal.h"\n').sort(), ['drivers/a/internal.h', 'drivers/b/internal.h']);
  assert.deepEqual(r.includedBy('fs/y.c', '  #  include <linux/list.h>\n#include TRACE_INCLUDE(x)\n').sort(), ['include/linux/list.h', 'include/uapi/linux/list.h']);
});
