// The kernel configuration module (server/src/kconfig/): .config reading, the defconfig resolved
// through Kconfig as `make x86_64_defconfig` does, cpp conditions decided by a configuration, and
// the sources the Kbuild Makefiles select. Fixtures: test/fixtures/kconfig-linux, kconfig-xen.
//
//   npm run build && node --test test/kconfig.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import api from '../out/api.js';

const { kconfig } = api;
const FIX = resolve('test/fixtures');

/** A reader over a fixture tree, with files overlaid or hidden (`null`). */
function reader(tree, overlay = {}) {
  const root = join(FIX, tree);
  return (p) => {
    if (p in overlay) return overlay[p] ?? undefined;
    try { const f = join(root, p); return statSync(f).isFile() ? readFileSync(f, 'utf8') : undefined; } catch { return undefined; }
  };
}

const value = (c, name) => c.values.get(name);
const tri = (c, name) => { const v = value(c, name); return v === undefined ? 'absent' : v.kind === 'tristate' ? v.value : v.kind; };
const str = (c, name) => { const v = value(c, name); return v && (v.kind === 'string' || v.kind === 'number') ? v.value : v?.kind; };

// One tree, many behaviours: the defconfig resolved once.
const linux = kconfig.loadKernelConfig({ read: reader('kconfig-linux') });

test('without a .config: the arch defconfig plus Kconfig defaults, described as such', () => {
  assert.equal(linux.source.kind, 'defaults');
  assert.equal(linux.source.defconfig, 'arch/x86/configs/x86_64_defconfig');
  assert.deepEqual(linux.problems, []);
  const d = kconfig.describeConfig(linux);
  assert.match(d, /^arch\/x86\/configs\/x86_64_defconfig \+ Kconfig defaults \(\d+ symbols from 6 Kconfig files, assuming GCC on x86-64\)/);
  assert.match(d, /undecided: .*CC_HAS_ASM_GOTO/);
});

test('defaults: the first default whose condition holds, def_bool, int/hex/string defaults', () => {
  assert.equal(tri(linux, 'X86_VERBOSE_BOOTUP'), 'y'); // default y, read through rsource
  assert.equal(tri(linux, 'BASE_FULL'), 'y');
  assert.equal(str(linux, 'BASE_SMALL'), '0'); // default 0 if BASE_FULL, before default 1 if !BASE_FULL
  assert.equal(str(linux, 'PHYSICAL_START'), '0x1000000');
  assert.equal(str(linux, 'LOCALVERSION'), '');
  assert.equal(str(linux, 'NR_CPUS_RANGE_BEGIN'), '2');
  // environment values reach conditions: ARCH=x86_64 hides the 64BIT prompt, its default decides
  assert.equal(tri(linux, '64BIT'), 'y');
  assert.equal(tri(linux, 'X86_64'), 'y');
  assert.equal(tri(linux, 'X86_32'), 'n');
});

test('the defconfig sets visible symbols; an invisible one keeps its default', () => {
  assert.equal(tri(linux, 'SMP'), 'y');
  assert.equal(str(linux, 'LOG_BUF_SHIFT'), '18');
  assert.equal(str(linux, 'CMDLINE'), 'root=/dev/sda1 console="tty0"');
  assert.equal(tri(linux, 'SCHED_MC'), 'n'); // "is not set"
  assert.equal(tri(linux, 'FUTEX'), 'y'); // prompt only if EXPERT: "is not set" ignored
  assert.equal(tri(linux, 'HIDDEN_TUNABLE'), 'n'); // its menu is visible if EXPERT only
  assert.equal(linux.listed.get('HIDDEN_TUNABLE'), false);
  assert.equal(linux.listed.get('SCHED_MC'), true);
});

test('depends on: a default holds only while the dependencies do; int defaults follow', () => {
  assert.equal(tri(linux, 'XEN'), 'n');
  assert.equal(tri(linux, 'X86_LOCAL_APIC'), 'y');
  assert.equal(tri(linux, 'X86_MCE_INTEL'), 'y');
  assert.equal(str(linux, 'NR_CPUS'), '64'); // NR_CPUS_DEFAULT (64 if SMP), inside NR_CPUS_RANGE_BEGIN..END
  const noSmp = kconfig.loadKernelConfig({ read: reader('kconfig-linux', { 'arch/x86/configs/x86_64_defconfig': 'CONFIG_MODULES=y\n' }) });
  assert.equal(tri(noSmp, 'SMP'), 'n');
  assert.equal(str(noSmp, 'NR_CPUS'), '1');
  assert.equal(tri(noSmp, 'SCHED_SMT'), 'n'); // inside `if SMP`
  // an int whose dependencies fail is not set at all (not 0, not ""), as auto.conf leaves it out
  const ints = kconfig.loadKernelConfig({ read: reader('none', { 'Kconfig': 'config B\n\tbool\n\nconfig A\n\tint\n\tdepends on B\n\tdefault 5\n\nconfig H\n\thex\n\tdefault 1000\n' }) });
  assert.equal(value(ints, 'A'), undefined);
  assert.equal(kconfig.evaluateCondition(ints, 'defined(CONFIG_A)'), false);
  assert.equal(str(ints, 'H'), '0x1000');
  assert.equal(kconfig.evaluateCondition(ints, 'CONFIG_H == 4096'), true);
});

test('select forces a symbol on; select ... if only while its condition holds; imply sets a default', () => {
  assert.equal(tri(linux, 'ARCH_HAS_DEBUG_VIRTUAL'), 'y');
  assert.equal(tri(linux, 'X86_32_ONLY_HELPER'), 'n');
  assert.equal(tri(linux, 'IMPLIED_FEATURE'), 'y');
  const xen = kconfig.loadKernelConfig({ read: reader('kconfig-linux', { 'arch/x86/configs/x86_64_defconfig': 'CONFIG_PARAVIRT=y\nCONFIG_XEN=y\n' }) });
  assert.equal(tri(xen, 'PARAVIRT_XXL'), 'y');
  const off = kconfig.loadKernelConfig({ read: reader('kconfig-linux', { 'arch/x86/configs/x86_64_defconfig': '# CONFIG_IMPLIED_FEATURE is not set\n' }) });
  assert.equal(tri(off, 'IMPLIED_FEATURE'), 'n'); // imply is a default, not a select
});

test('choice: the defconfig picks a value, else the choice default whose condition holds', () => {
  assert.equal(tri(linux, 'MK8'), 'y');
  assert.equal(tri(linux, 'GENERIC_CPU'), 'n');
  assert.equal(tri(linux, 'M686'), 'n');
  assert.equal(tri(linux, 'SLUB'), 'y');
  assert.equal(tri(linux, 'SLAB'), 'n');
  const plain = kconfig.loadKernelConfig({ read: reader('kconfig-linux', { 'arch/x86/configs/x86_64_defconfig': '' }) });
  assert.equal(tri(plain, 'GENERIC_CPU'), 'y');
  assert.equal(tri(plain, 'MK8'), 'n');
  // a value picked that is not visible falls back to the default
  const hidden = kconfig.loadKernelConfig({ read: reader('kconfig-linux', { 'arch/x86/configs/x86_64_defconfig': 'CONFIG_M686=y\n' }) });
  assert.equal(tri(hidden, 'M686'), 'n');
  assert.equal(tri(hidden, 'GENERIC_CPU'), 'y');
});

test('tristate: m from a default while MODULES is y, y when modules are off', () => {
  assert.equal(tri(linux, 'NET_DRIVERS'), 'y');
  assert.equal(tri(linux, 'E1000'), 'm');
  assert.equal(tri(linux, 'E1000_BUILTIN_HELPER'), 'n'); // default y if E1000 = y
  const text = (mods) => ({
    'Kconfig': `config MODULES\n\tbool "modules"\n\toption modules\n\nconfig DRV\n\ttristate "a driver"\n\tdefault m\n\nconfig DRV_IS_M\n\tdef_bool DRV = m\n`,
    'arch/x86/configs/x86_64_defconfig': mods ? 'CONFIG_MODULES=y\n' : '# CONFIG_MODULES is not set\n',
  });
  const on = kconfig.loadKernelConfig({ read: reader('none', text(true)) });
  assert.equal(tri(on, 'DRV'), 'm');
  assert.equal(tri(on, 'DRV_IS_M'), 'y');
  const off = kconfig.loadKernelConfig({ read: reader('none', text(false)) });
  assert.equal(tri(off, 'DRV'), 'y');
  assert.equal(tri(off, 'DRV_IS_M'), 'n'); // a tristate's m compares as n while modules are off
});

test('the toolchain: GCC assumed by name only; probes and versions are undecided, with why', () => {
  assert.equal(tri(linux, 'CC_IS_GCC'), 'y');
  assert.equal(tri(linux, 'CC_IS_CLANG'), 'n');
  assert.equal(tri(linux, 'CC_HAS_ASM_GOTO'), 'undecided');
  assert.equal(tri(linux, 'CC_HAS_INT128'), 'undecided');
  assert.equal(tri(linux, 'STACKPROTECTOR'), 'undecided');
  // undecided inputs do not make everything undecided: a bool with no default stays n
  assert.equal(tri(linux, 'JUMP_LABEL'), 'n');
  const why = new Map(linux.undecided.map((u) => [u.name, u.because]));
  assert.match(why.get('CC_HAS_ASM_GOTO').join(' '), /^\$\(shell,\{ \.\/scripts\/gcc-goto\.sh \$\(CC\); \}/);
  assert.deepEqual(why.get('STACKPROTECTOR'), ['CC_HAS_SANE_STACKPROTECTOR']);
  assert.ok(linux.assumptions.some((a) => /^GCC on x86-64: the compiler is GCC/.test(a)));
  assert.ok(linux.assumptions.includes('environment variable CC not given: undecided'));
  const none = kconfig.loadKernelConfig({ read: reader('kconfig-linux'), toolchain: null });
  assert.equal(tri(none, 'CC_IS_GCC'), 'undecided');
  assert.equal(none.assumptions[0], 'no toolchain assumed: every $(shell,...) is undecided');
});

test('Kconfig text: help texts, a missing optional source, a missing required one', () => {
  assert.equal(value(linux, 'HELP_TEXT_ONLY'), undefined);
  const broken = kconfig.loadKernelConfig({ read: reader('kconfig-linux', { 'kernel/Kconfig': null }) });
  assert.deepEqual(broken.problems, ['Kconfig:10: kernel/Kconfig cannot be read']);
});

test('.config: the one named by the caller (a file or an O= folder), KCONFIG_CONFIG, the root one', () => {
  const named = kconfig.loadKernelConfig({ read: reader('kconfig-linux'), configPath: 'build' });
  assert.deepEqual(named.source, { kind: 'dotconfig', path: 'build/.config' });
  assert.equal(kconfig.describeConfig(named), 'build/.config (15 symbols)');
  assert.equal(tri(named, 'PARAVIRT'), 'n');
  assert.equal(tri(named, 'E1000'), 'm');
  assert.equal(str(named, 'NR_CPUS'), '8');
  assert.equal(str(named, 'LOCALVERSION'), '-test');
  assert.equal(kconfig.loadKernelConfig({ read: reader('kconfig-linux'), configPath: 'build/.config' }).source.path, 'build/.config');
  const env = kconfig.loadKernelConfig({ read: reader('kconfig-linux'), env: new Map([['KCONFIG_CONFIG', 'build/.config']]) });
  assert.equal(env.source.path, 'build/.config');
  const root = kconfig.loadKernelConfig({ read: reader('kconfig-linux', { '.config': 'CONFIG_SMP=y\n' }) });
  assert.equal(root.source.path, '.config');
  const missing = kconfig.loadKernelConfig({ read: reader('kconfig-linux'), configPath: 'nowhere' });
  assert.equal(missing.source.kind, 'defaults');
  assert.deepEqual(missing.problems, ['nowhere is neither a .config nor a folder holding one: not used']);
});

test('Xen: the Kconfig root is xen/, its .config is xen/.config; environment the build sets stays undecided', () => {
  const x = kconfig.loadKernelConfig({ read: reader('kconfig-xen'), kconfigRoot: 'xen' });
  assert.equal(x.source.defconfig, 'xen/arch/x86/configs/x86_64_defconfig');
  assert.equal(tri(x, 'CC_IS_GCC'), 'y');
  assert.equal(tri(x, 'KEXEC'), 'y');
  assert.equal(str(x, 'NR_CPUS'), '256');
  assert.equal(tri(x, 'LIVEPATCH'), 'undecided');
  assert.deepEqual(x.undecided.find((u) => u.name === 'LIVEPATCH').because, ['environment variable XEN_HAS_BUILD_ID']);
  const given = kconfig.loadKernelConfig({ read: reader('kconfig-xen'), kconfigRoot: 'xen', env: new Map([['XEN_HAS_BUILD_ID', 'y']]) });
  assert.equal(tri(given, 'LIVEPATCH'), 'y');
  const dot = kconfig.loadKernelConfig({ read: reader('kconfig-xen', { 'xen/.config': 'CONFIG_X86_64=y\nCONFIG_NR_CPUS=4\n' }), kconfigRoot: 'xen' });
  assert.equal(dot.source.path, 'xen/.config');
});

const dotconfig = (text) => kconfig.loadKernelConfig({ read: reader('none', { '.config': text }) });

test('cpp: CONFIG_X=y defines CONFIG_X, =m defines CONFIG_X_MODULE, n and unset define nothing', () => {
  const c = dotconfig('CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_NR_CPUS=64\nCONFIG_BASE=0x1000\nCONFIG_S="x"\n');
  const cond = (s, host) => kconfig.evaluateCondition(c, s, host);
  assert.equal(cond('defined(CONFIG_A)'), true);
  assert.equal(cond('defined CONFIG_B'), false);
  assert.equal(cond('defined(CONFIG_B_MODULE)'), true);
  assert.equal(cond('!defined(CONFIG_C)'), true);
  assert.equal(cond('defined(CONFIG_NEVER_DECLARED)'), false);
  assert.equal(cond('CONFIG_A'), true);
  assert.equal(cond('CONFIG_NR_CPUS > 1'), true);
  assert.equal(cond('CONFIG_NR_CPUS == 64 && CONFIG_BASE == 4096'), true);
  assert.equal(cond('CONFIG_C || (CONFIG_A && !CONFIG_B)'), true);
  assert.equal(kconfig.evaluateDirective(c, 'ifdef', 'CONFIG_A'), true);
  assert.equal(kconfig.evaluateDirective(c, 'ifndef', 'CONFIG_B'), true);
  assert.equal(kconfig.evaluateDirective(c, 'elif', 'CONFIG_NR_CPUS < 8'), false);
});

test('cpp: IS_ENABLED, IS_BUILTIN, IS_MODULE, IS_REACHABLE as include/linux/kconfig.h defines them', () => {
  const c = dotconfig('CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\n');
  const cond = (s, host) => kconfig.evaluateCondition(c, s, host);
  assert.deepEqual(['A', 'B', 'C'].map((n) => cond(`IS_ENABLED(CONFIG_${n})`)), [true, true, false]);
  assert.deepEqual(['A', 'B', 'C'].map((n) => cond(`IS_BUILTIN(CONFIG_${n})`)), [true, false, false]);
  assert.deepEqual(['A', 'B', 'C'].map((n) => cond(`IS_MODULE(CONFIG_${n})`)), [false, true, false]);
  assert.equal(cond('IS_REACHABLE(CONFIG_B)'), false); // built-in code cannot reach a module
  assert.equal(cond('IS_REACHABLE(CONFIG_B)', { defined: (n) => n === 'MODULE' }), true);
});

test('cpp: names that are not the configuration\'s go to the host; without an answer the condition is undecided', () => {
  const c = dotconfig('CONFIG_A=y\n# CONFIG_C is not set\n');
  const cond = (s, host) => kconfig.evaluateCondition(c, s, host);
  assert.equal(cond('defined(__x86_64__)'), undefined);
  assert.equal(cond('defined(CONFIG_C) && defined(__x86_64__)'), false); // decided by the configuration alone
  assert.equal(cond('defined(CONFIG_A) || FOO > 2'), true);
  assert.equal(cond('defined(CONFIG_A) && FOO > 2'), undefined);
  const host = { defined: (n) => n === 'FOO' || n === 'CONFIG_HEADER_ONLY', value: (t) => (t === 'FOO' ? 3n : t === 'CONFIG_HEADER_ONLY' ? 1n : t === 'VERSION(5, 10)' ? 0x50a00n : undefined) };
  assert.equal(cond('defined(CONFIG_A) && FOO > 2', host), true);
  assert.equal(cond('CONFIG_HEADER_ONLY', host), true); // a header's own #define of a CONFIG_ name
  assert.equal(cond('VERSION(5, 10) >= 0x50a00', host), true);
  assert.equal(cond('CONFIG_A +'), undefined); // not a condition
});

test('cpp: a configuration with undecided symbols leaves conditions on them undecided', () => {
  assert.equal(kconfig.evaluateCondition(linux, 'defined(CONFIG_CC_HAS_ASM_GOTO)'), undefined);
  assert.equal(kconfig.evaluateCondition(linux, 'IS_ENABLED(CONFIG_STACKPROTECTOR) || defined(CONFIG_SMP)'), true);
  assert.equal(kconfig.evaluateCondition(linux, 'defined(CONFIG_E1000_MODULE) && !defined(CONFIG_E1000)'), true);
  assert.equal(kconfig.evaluateCondition(linux, 'CONFIG_NR_CPUS > 1 && defined(CONFIG_X86_64)'), true);
});

const sel = kconfig.selectKbuild({ read: reader('kconfig-linux'), config: linux });
const status = (p) => kconfig.kbuildStatus(sel, p);

test('Kbuild: the top Makefile and the arch Makefile name the linked directories and head objects', () => {
  assert.equal(status('arch/x86/kernel/head_64.S'), 'built');
  assert.deepEqual(sel.files.get('arch/x86/kernel/head_64.S').by, { file: 'arch/x86/Makefile', line: 13, text: 'head-y := arch/x86/kernel/head_$(BITS).o' });
  assert.equal(status('arch/x86/kernel/head64.c'), 'built');
  assert.equal(status('arch/x86/kernel/head_32.S'), 'not-built');
  assert.equal(status('init/main.c'), 'built');
  assert.deepEqual(sel.files.get('init/main.c').by, { file: 'init/Makefile', line: 1, text: 'obj-y                          := main.o version.o' });
  assert.deepEqual([...sel.dirs.keys()].filter((d) => !d.includes('/')).sort(), ['drivers', 'init', 'kernel', 'lib', 'mm', 'usr']);
  assert.equal(sel.dirs.get('arch/x86'), 'built-in');
  assert.equal(sel.dirs.get('arch/x86/lib'), 'built-in'); // libs-y: built-in.a and lib.a
});

test('Kbuild: obj-$(CONFIG_X), ifdef/ifeq blocks, $(BITS) exported by the arch Makefile', () => {
  assert.equal(status('arch/x86/kernel/smpboot.c'), 'built');
  assert.equal(sel.files.get('arch/x86/kernel/smpboot.c').by.text, 'obj-$(CONFIG_SMP)	+= smpboot.o');
  assert.equal(status('arch/x86/kernel/paravirt.c'), 'built');
  assert.equal(status('arch/x86/kernel/apic.c'), 'built');
  assert.equal(status('arch/x86/kernel/doublefault_32.c'), 'not-built');
  assert.equal(status('arch/x86/kernel/process_64.c'), 'built');
  assert.equal(status('arch/x86/kernel/process_32.c'), 'not-built');
  assert.equal(status('arch/x86/mm/init_64.c'), 'built');
  assert.equal(status('arch/x86/mm/init_32.c'), 'not-built');
  assert.equal(status('arch/x86/kernel/mce/intel.c'), 'built');
  assert.equal(status('arch/x86/xen/enlighten.c'), 'not-built');
  assert.equal(status('kernel/jump_label.c'), 'not-built');
  assert.equal(status('kernel/futex.c'), 'built');
  assert.equal(status('mm/slub.c'), 'built');
  assert.equal(status('mm/slab.c'), 'not-built');
  assert.equal(status('lib/gcc_only.c'), 'built');
  assert.equal(status('usr/initramfs_data.S'), 'not-built');
  assert.equal(status('drivers/pci/probe.c'), 'not-built');
});

test('Kbuild: roles (lib-y, extra-y, obj-m, subdir-y) and composite objects replaced by their parts', () => {
  assert.equal(sel.files.get('lib/string.c').role, 'lib');
  assert.equal(sel.files.get('arch/x86/lib/memcpy_64.S').role, 'lib');
  assert.equal(status('arch/x86/lib/memcpy_32.c'), 'not-built');
  assert.equal(sel.files.get('arch/x86/kernel/vmlinux.lds.S').role, 'extra');
  assert.equal(sel.files.get('kernel/gen/table.c').role, 'subdir');
  const main = sel.files.get('drivers/net/e1000_main.c');
  assert.equal(main.role, 'module');
  assert.equal(main.by.text, 'e1000-y := e1000_main.o e1000_hw.o');
  assert.equal(main.via.text, 'obj-$(CONFIG_E1000) += e1000.o');
  assert.equal(status('drivers/net/e1000_hw.c'), 'built');
  assert.equal(status('drivers/net/e1000_builtin.c'), 'not-built');
});

test('Kbuild: an undecided symbol makes its objects maybe; an unreadable or undecidable directory is unknown', () => {
  assert.equal(status('arch/x86/kernel/stackprotector.c'), 'maybe');
  assert.equal(status('kernel/int128.c'), 'maybe');
  assert.equal(status('drivers/staging/board.c'), 'unknown');
  assert.equal(sel.unknownDirs.get('drivers/staging'), 'no Kbuild file or Makefile');
  assert.equal(status('drivers/misc/eeprom.c'), 'built');
  assert.equal(status('drivers/misc/other.c'), 'unknown');
  assert.match(sel.unknownDirs.get('drivers/misc'), /^names \$\(shell cat objects\.list\), which the configuration does not decide \(drivers\/misc\/Makefile:2\)$/);
  // with a .config everything is decided
  const named = kconfig.loadKernelConfig({ read: reader('kconfig-linux'), configPath: 'build' });
  const s2 = kconfig.selectKbuild({ read: reader('kconfig-linux'), config: named });
  assert.equal(kconfig.kbuildStatus(s2, 'arch/x86/kernel/stackprotector.c'), 'not-built');
  assert.equal(kconfig.kbuildStatus(s2, 'arch/x86/kernel/paravirt.c'), 'not-built');
  assert.equal(kconfig.kbuildStatus(s2, 'drivers/net/e1000_main.c'), 'built');
  assert.equal(s2.files.get('drivers/net/e1000_main.c').role, 'module'); // drivers/net/ reached through obj-m
});

test('Kbuild for Xen: ALL_OBJS-y directories, obj-bin-y, x.init.o built from x.c', () => {
  const x = kconfig.loadKernelConfig({ read: reader('kconfig-xen'), kconfigRoot: 'xen' });
  const s = kconfig.selectKbuild({ read: reader('kconfig-xen'), config: x, layout: kconfig.XEN_KBUILD });
  const st = (p) => kconfig.kbuildStatus(s, p);
  assert.equal(st('xen/arch/x86/setup.c'), 'built');
  assert.equal(st('xen/arch/x86/dmi_scan.c'), 'built');
  assert.equal(s.files.get('xen/arch/x86/dmi_scan.c').by.text, 'obj-bin-y += dmi_scan.init.o');
  assert.equal(st('xen/arch/x86/boot/head.S'), 'built');
  assert.equal(st('xen/common/kexec.c'), 'built');
  assert.equal(st('xen/common/livepatch.c'), 'maybe');
  assert.equal(st('xen/xsm/xsm_core.c'), 'not-built');
  assert.equal(s.files.get('xen/lib/memcpy.c').role, 'lib');
  assert.equal(s.files.get('xen/common/libelf/libelf-loader.c').via.text, 'obj-bin-y := libelf.o');
});

test('a tree without .config and Kconfig has no configuration: nothing decided, the build unknown', () => {
  const none = kconfig.loadKernelConfig({ read: reader('kconfig-xen') }); // the Kconfig root is xen/, not the top
  assert.deepEqual(none.source, { kind: 'none', kconfig: 'Kconfig' });
  assert.equal(kconfig.describeConfig(none), 'no kernel configuration (no .config, no Kconfig)');
  assert.equal(kconfig.evaluateCondition(none, 'defined(CONFIG_SMP)'), undefined);
  assert.equal(kconfig.evaluateCondition(none, 'defined(CONFIG_SMP)', { defined: () => false }), false);
  const s = kconfig.selectKbuild({ read: reader('kconfig-xen'), config: none, layout: kconfig.XEN_KBUILD });
  assert.equal(kconfig.kbuildStatus(s, 'xen/common/kernel.c'), 'unknown');
  // a top Makefile that names nothing linked says so instead of building nothing
  const x = kconfig.loadKernelConfig({ read: reader('kconfig-xen'), kconfigRoot: 'xen' });
  const empty = kconfig.selectKbuild({ read: reader('kconfig-xen', { 'xen/Makefile': 'all:\n\t@true\n' }), config: x, layout: kconfig.XEN_KBUILD });
  assert.equal(empty.unknownDirs.get('xen'), 'xen/Makefile sets none of ALL_OBJS-y, ALL_LIBS-y');
  assert.equal(kconfig.kbuildStatus(empty, 'xen/common/kernel.c'), 'unknown');
});
