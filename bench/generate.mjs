// A synthetic, Xen-shaped source tree for the benchmarks:
//   node bench/generate.mjs SCALE OUTDIR        (SCALE: 1, 2, 4 or 1x, 2x, 4x)
//
// At 1x it has about as many files and bytes as xen.git's xen/ directory (1,616 .c/.h/.S files,
// 16.6 MB): ~720 .c, ~810 .h and ~70 .S files, ~21,000 #defines, ~2,300 static inlines, ~10,000
// C functions calling each other in layers (helpers at the bottom, component entry points on
// top), file sizes drawn from a long-tailed distribution (a few files over 100 KB).
// Scales 2x and 4x add copies of the ordinary code under xen/r2/, xen/r3/, ... (new names, new
// seeds); there is always exactly one boot path.
//
// The boot path (hand-written here, no Xen code): xen/arch/x86/boot/head.S with `start`, which
// #includes trampoline.S (AP real-mode entry, BSP entry, %ebx = 0 on the BSP, 1 on an AP) and
// x86_64.S (`__high_start`: splits BSP/AP on %ebx; the BSP fills the IDT with `ignore_int`, loads it
// and calls `__start_xen`; an AP calls `start_secondary` and gets its IDT from load_system_tables()); setup.c (`__start_xen`, `init_done` wiping
// `__init_begin..__init_end`); traps-setup.c (gate loops, IST, TSS IST slots, lidt/ltr);
// smpboot.c (per-CPU IDT copies, `__cpu_up`, `start_secondary`); cpu/common.c and
// cpu/mcheck/mce.c (CR4 through the features word `mmu_cr4_features`); inline-asm helpers
// (`lidt`, `ltr`, `write_cr4`) in asm/desc.h and asm/processor.h.
//
// The tree is detected as the xen profile (it has xen/arch/x86; there is no .trapline.json), so
// `trapline check` runs on it exactly as on xen.git. Two hazards are planted on purpose:
//   - vectors 20-31 keep `ignore_int` (in .init.text) when init_done() frees init memory (TL003);
//   - trap_init() sets IST indices on the live idt_table before the TSS is loaded (TL001, BSP).
// Everything is deterministic: the same SCALE always gives the same bytes.
import { mkdirSync, writeFileSync, rmSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATOR_VERSION = 4;

// ---------------------------------------------------------------------------------------------
// deterministic randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}
class Rng {
  constructor(seed) { this.next = mulberry32(seed); }
  f() { return this.next(); }
  int(a, b) { return a + Math.floor(this.next() * (b - a + 1)); }
  pick(xs) { return xs[Math.floor(this.next() * xs.length)]; }
  chance(p) { return this.next() < p; }
  /** log-normal with the given median. */
  lognormal(median, sigma) {
    const u = Math.max(1e-12, this.next()), v = this.next();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

// ---------------------------------------------------------------------------------------------
// vocabulary

const NOUNS = ['page', 'domain', 'vcpu', 'irq', 'event', 'grant', 'timer', 'mem', 'cpu', 'pci', 'msi', 'iommu', 'console', 'ring', 'queue',
  'entry', 'table', 'map', 'range', 'frame', 'pool', 'slot', 'port', 'lock', 'stat', 'flag', 'mode', 'state', 'ctx', 'buf', 'desc', 'info',
  'list', 'node', 'zone', 'heap', 'region', 'vector', 'gsi', 'pirq', 'ept', 'p2m', 'cache', 'tlb', 'msr', 'cpuid', 'xstate', 'fpu', 'apic',
  'hpet', 'pit', 'rtc', 'tsc', 'time', 'softirq', 'tasklet', 'rcu', 'trace', 'perf', 'policy', 'feature', 'mask', 'bitmap', 'level',
  'order', 'count', 'ref', 'owner', 'handle', 'op', 'cmd', 'req', 'resp', 'notify', 'channel', 'pin', 'line', 'bus', 'dev', 'func', 'bar',
  'cfg', 'rom', 'fb', 'font', 'cursor', 'watchdog', 'bank', 'record', 'log', 'error', 'fault', 'stack', 'guest', 'host', 'mfn', 'gfn',
  'pfn', 'addr', 'size', 'offset', 'base', 'limit', 'index', 'id', 'nr', 'quota', 'credit', 'budget', 'period', 'weight', 'affinity',
  'hash', 'key', 'sid', 'avc', 'label', 'rule', 'type', 'ctl', 'segment', 'selector', 'pte', 'pde', 'l1e', 'l2e', 'l3e', 'l4e', 'walk',
  'ioreq', 'mmio', 'pio', 'bdf', 'seg', 'ats', 'pri', 'qinval', 'intremap', 'dmar', 'rmrr', 'ivrs', 'dte', 'cmdbuf', 'evtlog'];
const VERBS = ['init', 'setup', 'alloc', 'free', 'get', 'put', 'set', 'clear', 'read', 'write', 'update', 'check', 'find', 'lookup', 'insert',
  'remove', 'map', 'unmap', 'enable', 'disable', 'start', 'stop', 'flush', 'sync', 'handle', 'dispatch', 'send', 'recv', 'bind', 'unbind',
  'create', 'destroy', 'copy', 'fill', 'scan', 'parse', 'dump', 'print', 'validate', 'reset', 'save', 'restore', 'query', 'register',
  'unregister', 'attach', 'detach', 'probe', 'resume', 'suspend', 'tick', 'poll', 'wake', 'sleep', 'walk', 'mark', 'test', 'reserve',
  'release', 'commit', 'apply', 'emulate', 'translate', 'resolve', 'inject', 'deliver', 'ack', 'route', 'migrate', 'balance', 'account',
  'charge', 'grow', 'shrink', 'adjust', 'assign', 'deassign', 'quiesce', 'drain', 'kick', 'reap', 'refill', 'merge', 'split'];
const ADJ = ['max', 'min', 'shift', 'mask', 'bits', 'size', 'order', 'count', 'flags', 'base', 'limit', 'offset', 'default', 'valid', 'busy',
  'pending', 'enabled', 'present', 'dirty', 'locked', 'shared', 'global', 'local', 'fast', 'slow', 'lo', 'hi', 'start', 'end', 'nr', 'idx'];
const SCALARS = ['int', 'unsigned int', 'unsigned long', 'long', 'bool', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'paddr_t', 'size_t', 'int64_t', 's_time_t'];
const RETS = ['int', 'int', 'int', 'void', 'void', 'void', 'bool', 'unsigned int', 'unsigned long', 'uint64_t', 'long', 'paddr_t'];
const PARAM_NAMES = ['d', 'v', 'cpu', 'flags', 'idx', 'nr', 'gfn', 'mfn', 'addr', 'size', 'mask', 'val', 'order', 'port', 'irq', 'data', 'len', 'type', 'id', 'level', 'seg', 'bdf', 'op', 'arg', 'info', 'entry', 'p'];
const WORDS = ['the', 'a', 'this', 'each', 'every', 'page', 'domain', 'vCPU', 'table', 'entry', 'lock', 'is', 'must', 'be', 'held', 'when', 'called',
  'from', 'interrupt', 'context', 'returns', 'zero', 'on', 'success', 'or', 'an', 'error', 'code', 'note', 'that', 'we', 'only', 'update', 'if',
  'the', 'caller', 'owns', 'reference', 'may', 'fail', 'with', 'busy', 'retry', 'later', 'for', 'compat', 'guests', 'mapping', 'flushes',
  'TLB', 'after', 'change', 'ordering', 'matters', 'here', 'see', 'above', 'below', 'hardware', 'quirk', 'firmware', 'bug', 'workaround',
  'per-CPU', 'data', 'is', 'not', 'yet', 'set', 'up', 'at', 'this', 'point', 'in', 'boot', 'keep', 'it', 'simple', 'avoid', 'races', 'against'];
const XENLOG = ['XENLOG_ERR', 'XENLOG_WARNING', 'XENLOG_INFO', 'XENLOG_DEBUG', 'XENLOG_G_ERR', 'XENLOG_G_WARNING', 'XENLOG_G_INFO'];

function sentence(r, min, max) {
  const n = r.int(min, max);
  const w = [];
  for (let i = 0; i < n; i++) w.push(r.pick(WORDS));
  const s = w.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

// ---------------------------------------------------------------------------------------------
// the layout: components of ordinary code, with Xen-like directories and weights

/** [dir, prefix, .c weight, .S weight] for the .c components; headers have their own list. */
const C_COMPONENTS = [
  ['xen/common', 'com', 140, 0], ['xen/common/sched', 'sched', 12, 0], ['xen/common/libelf', 'elf', 5, 0], ['xen/common/lz', 'lz', 5, 0],
  ['xen/common/event', 'evt', 6, 0], ['xen/common/coverage', 'cov', 4, 0], ['xen/lib', 'lib', 45, 0], ['xen/crypto', 'crypto', 4, 0],
  ['xen/drivers/char', 'chr', 24, 0], ['xen/drivers/passthrough', 'pt', 10, 0], ['xen/drivers/passthrough/vtd', 'vtd', 14, 0],
  ['xen/drivers/passthrough/amd', 'amdv', 12, 0], ['xen/drivers/acpi', 'acpi', 10, 0], ['xen/drivers/acpi/tables', 'acpitb', 6, 0],
  ['xen/drivers/acpi/utilities', 'acpiut', 4, 0], ['xen/drivers/pci', 'pcidrv', 3, 0], ['xen/drivers/video', 'vid', 8, 0],
  ['xen/drivers/cpufreq', 'cpufreq', 6, 0], ['xen/drivers/vpci', 'vpci', 8, 0], ['xen/xsm', 'xsm', 4, 0], ['xen/xsm/flask', 'flask', 10, 0],
  ['xen/xsm/flask/ss', 'flss', 10, 0], ['xen/arch/x86', 'x86', 85, 4], ['xen/arch/x86/mm', 'mm', 14, 0], ['xen/arch/x86/mm/shadow', 'sh', 8, 0],
  ['xen/arch/x86/mm/hap', 'hap', 5, 0], ['xen/arch/x86/hvm', 'hvm', 50, 0], ['xen/arch/x86/hvm/vmx', 'vmx', 7, 2],
  ['xen/arch/x86/hvm/svm', 'svm', 9, 2], ['xen/arch/x86/hvm/viridian', 'vrd', 5, 0], ['xen/arch/x86/pv', 'pv', 30, 4],
  ['xen/arch/x86/cpu', 'cpux', 16, 0], ['xen/arch/x86/cpu/mcheck', 'mc', 14, 0], ['xen/arch/x86/cpu/microcode', 'ucode', 4, 0],
  ['xen/arch/x86/x86_64', 'x64', 10, 10], ['xen/arch/x86/guest', 'gst', 6, 0], ['xen/arch/x86/guest/xen', 'gxen', 4, 0],
  ['xen/arch/x86/guest/hyperv', 'ghv', 3, 0], ['xen/arch/x86/acpi', 'xacpi', 6, 2], ['xen/arch/x86/genapic', 'gapic', 5, 0],
  ['xen/arch/x86/x86_emulate', 'emul', 6, 0], ['xen/arch/x86/lib', 'xlib', 0, 12], ['xen/arch/x86/boot', 'bt', 0, 8],
  ['xen/arch/x86/efi', 'efi', 0, 0], ['xen/lib/x86', 'libx', 6, 0], ['xen/common/efi', 'cefi', 4, 0], ['xen/drivers/passthrough/x86', 'ptx', 3, 0],
  ['xen/arch/x86/cpu/mtrr', 'mtrr', 4, 0], ['xen/common/argo', 'argo', 3, 0], ['xen/arch/x86/pv/shim', 'shim', 2, 2],
];
/** [dir, weight] for headers. */
const H_DIRS = [
  ['xen/include/xen', 260], ['xen/include/public', 40], ['xen/include/public/arch-x86', 10], ['xen/include/public/hvm', 12],
  ['xen/include/public/io', 22], ['xen/include/acpi', 40], ['xen/include/xsm', 4], ['xen/include/crypto', 4], ['xen/include/efi', 8],
  ['xen/arch/x86/include/asm', 280], ['xen/arch/x86/include/asm/hvm', 50], ['xen/arch/x86/include/asm/pv', 10],
  ['xen/arch/x86/include/asm/guest', 14], ['xen/arch/x86/include/asm/x86_64', 8], ['xen/drivers/passthrough/vtd', 6],
  ['xen/drivers/passthrough/amd', 4], ['xen/xsm/flask/include', 12], ['xen/xsm/flask/ss', 10], ['xen/arch/x86/cpu/mcheck', 6],
  ['xen/arch/x86/mm/shadow', 3], ['xen/arch/x86/x86_emulate', 2],
];
// xen/'s counts (HEAD, 2026): 728 .c (11.9 MB), 812 .h (4.3 MB), 76 .S (0.43 MB).
const TOTALS = { c: 716, h: 800, S: 64, cBytes: 11_650_000, hBytes: 4_200_000, sBytes: 360_000 };

// ---------------------------------------------------------------------------------------------
// the boot path: fixed files, written out in full

const CORE_HEADERS = {
  'xen/arch/x86/include/asm/config.h': `/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build-wide constants and annotations shared by C and assembly
 * (synthetic benchmark tree).
 */
#ifndef __X86_CONFIG_H__
#define __X86_CONFIG_H__

#define NR_CPUS             256
#define IDT_ENTRIES         256
#define PAGE_SHIFT          12
#define PAGE_SIZE           (1UL << PAGE_SHIFT)
#define STACK_ORDER         3
#define STACK_SIZE          (PAGE_SIZE << STACK_ORDER)
#define GDT_ENTRIES         32

#define __HYPERVISOR_CS     0xe008
#define __HYPERVISOR_DS     0xe010
#define TSS_SELECTOR        0xe040
#define LDT_SELECTOR        0xe050

#define MSR_EFER            0xc0000080
#define EFER_LME            (1 << 8)
#define X86_CR0_PE          0x00000001
#define X86_CR0_PG          0x80000000

#ifdef __ASSEMBLY__
#define ALIGN               .align 16, 0x90
#define ENTRY(name)         .globl name; ALIGN; name:
#define GLOBAL(name)        .globl name; name:
#define END(name)           .size name, . - name
#endif

#endif /* __X86_CONFIG_H__ */
`,
  'xen/include/xen/compiler.h': `/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_COMPILER_H__
#define __XEN_COMPILER_H__

#define inline              __inline__
#define always_inline       __inline__ __attribute__((__always_inline__))
#define noinline            __attribute__((__noinline__))
#define noreturn            __attribute__((__noreturn__))
#define __packed            __attribute__((__packed__))
#define __aligned(a)        __attribute__((__aligned__(a)))
#define __section(s)        __attribute__((__section__(s)))
#define __used_section(s)   __attribute__((__used__, __section__(s)))
#define __maybe_unused      __attribute__((__unused__))
#define __must_check        __attribute__((__warn_unused_result__))
#define asmlinkage
#define likely(x)           __builtin_expect(!!(x), 1)
#define unlikely(x)         __builtin_expect(!!(x), 0)
#define barrier()           __asm__ __volatile__ ( "" : : : "memory" )
#define ARRAY_SIZE(a)       (sizeof(a) / sizeof((a)[0]))
#define ACCESS_ONCE(x)      (*(volatile typeof(x) *)&(x))
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* __XEN_COMPILER_H__ */
`,
  'xen/include/xen/init.h': `/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_INIT_H__
#define __XEN_INIT_H__

#include <xen/compiler.h>

/* Code and data used only while booting: freed by init_done(). */
#define __init              __section(".init.text")
#define __initdata          __section(".init.data")
#define __initconst         __section(".init.rodata")
#define __read_mostly       __section(".data.read_mostly")
#define __ro_after_init     __section(".data.ro_after_init")

typedef int (*initcall_t)(void);
#define __initcall(fn)      static initcall_t __initcall_##fn __used_section(".initcall.init") = (fn)
#define presmp_initcall(fn) static initcall_t __presmp_##fn __used_section(".presmp_initcall.init") = (fn)

struct kernel_param { const char *name; void *par; };
#define custom_param(name, fn)  static const struct kernel_param __setup_##fn __used_section(".init.setup") = { name, fn }
#define boolean_param(name, v)  static const struct kernel_param __setup_##v __used_section(".init.setup") = { name, &v }
#define integer_param(name, v)  static const struct kernel_param __setup_##v __used_section(".init.setup") = { name, &v }

extern char __init_begin[], __init_end[];
extern initcall_t __initcall_start[], __initcall_end[];

void do_initcalls(void);

#endif /* __XEN_INIT_H__ */
`,
  'xen/arch/x86/include/asm/traps.h': `/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception vector numbers. */
#ifndef __ASM_X86_TRAPS_H__
#define __ASM_X86_TRAPS_H__

#define TRAP_divide_error       0
#define TRAP_debug              1
#define TRAP_nmi                2
#define TRAP_int3               3
#define TRAP_overflow           4
#define TRAP_bounds             5
#define TRAP_invalid_op         6
#define TRAP_no_device          7
#define TRAP_double_fault       8
#define TRAP_copro_seg          9
#define TRAP_invalid_tss        10
#define TRAP_no_segment         11
#define TRAP_stack_error        12
#define TRAP_gp_fault           13
#define TRAP_page_fault         14
#define TRAP_spurious_int       15
#define TRAP_copro_error        16
#define TRAP_alignment_check    17
#define TRAP_machine_check      18
#define TRAP_simd_error         19
#define TRAP_virtualisation     20
#define TRAP_control_flow       21
#define TRAP_last_reserved      31

#define FIRST_DYNAMIC_VECTOR    0x20
#define LAST_DYNAMIC_VECTOR     0xdf
#define HYPERCALL_VECTOR        0x82
#define LEGACY_SYSCALL_VECTOR   0x80
#define TIMER_VECTOR            0xf0
#define SPURIOUS_APIC_VECTOR    0xff

#ifndef __ASSEMBLY__
void trap_init(void);
void percpu_traps_init(void);
void load_system_tables(void);
#endif

#endif /* __ASM_X86_TRAPS_H__ */
`,
  'xen/arch/x86/include/asm/desc.h': `/* SPDX-License-Identifier: GPL-2.0-only */
/* IDT gates and descriptor-table loads. */
#ifndef __ASM_X86_DESC_H__
#define __ASM_X86_DESC_H__

#include <asm/config.h>
#include <asm/traps.h>

#define SYS_DESC_irq_gate   14
#define SYS_DESC_trap_gate  15

#ifndef __ASSEMBLY__

typedef struct {
    unsigned long a, b;
} idt_entry_t;

struct desc_ptr {
    unsigned short limit;
    unsigned long  base;
} __attribute__((packed));

extern idt_entry_t idt_table[IDT_ENTRIES];
extern idt_entry_t *idt_tables[NR_CPUS];
extern unsigned long boot_gdt[GDT_ENTRIES];

/* Write one whole 16-byte gate (the high half first, then the low half with the present bit). */
static inline void _set_gate(idt_entry_t *gate, unsigned int type,
                             unsigned int dpl, void *addr)
{
    idt_entry_t g;

    g.a = ((unsigned long)addr & 0xffff) |
          ((unsigned long)__HYPERVISOR_CS << 16) |
          ((unsigned long)type << 40) | ((unsigned long)dpl << 45) |
          (1UL << 47) | (((unsigned long)addr & 0xffff0000UL) << 32);
    g.b = (unsigned long)addr >> 32;
    *gate = g;
}

/* Only the low half: the handler must live in the same 4G as the old one. */
static inline void _set_gate_lower(idt_entry_t *gate, unsigned int type,
                                   unsigned int dpl, void *addr)
{
    gate->a = ((unsigned long)addr & 0xffff) |
              ((unsigned long)__HYPERVISOR_CS << 16) |
              ((unsigned long)type << 40) | ((unsigned long)dpl << 45) |
              (1UL << 47) | (((unsigned long)addr & 0xffff0000UL) << 32);
}

static inline void _update_gate_addr_lower(idt_entry_t *gate, void *addr)
{
    gate->a = (gate->a & ~0xffff00000000ffffUL) |
              ((unsigned long)addr & 0xffff) |
              (((unsigned long)addr & 0xffff0000UL) << 32);
}

static inline void set_intr_gate(unsigned int n, void *addr)
{
    _set_gate(&idt_table[n], SYS_DESC_irq_gate, 0, addr);
}

static inline void set_swint_gate(unsigned int n, void *addr)
{
    _set_gate(&idt_table[n], SYS_DESC_irq_gate, 3, addr);
}

/* Change only the IST field of a gate. */
static inline void set_ist(idt_entry_t *gate, unsigned int ist)
{
    gate->a = (gate->a & ~(7UL << 32)) | ((unsigned long)ist << 32);
}

static inline void lgdt(const struct desc_ptr *d)
{
    asm volatile ( "lgdt %0" : : "m" (*d) );
}

static inline void lidt(const struct desc_ptr *d)
{
    asm volatile ( "lidt %0" : : "m" (*d) );
}

static inline void ltr(unsigned int sel)
{
    asm volatile ( "ltr %w0" : : "rm" (sel) : "memory" );
}

#endif /* !__ASSEMBLY__ */
#endif /* __ASM_X86_DESC_H__ */
`,
  'xen/arch/x86/include/asm/processor.h': `/* SPDX-License-Identifier: GPL-2.0-only */
/* Control registers, the TSS and the features word loaded into CR4. */
#ifndef __ASM_X86_PROCESSOR_H__
#define __ASM_X86_PROCESSOR_H__

#include <asm/config.h>

#define X86_CR4_VME         0x00000001
#define X86_CR4_PVI         0x00000002
#define X86_CR4_TSD         0x00000004
#define X86_CR4_DE          0x00000008
#define X86_CR4_PSE         0x00000010
#define X86_CR4_PAE         0x00000020
#define X86_CR4_MCE         0x00000040
#define X86_CR4_PGE         0x00000080
#define X86_CR4_PCE         0x00000100
#define X86_CR4_OSFXSR      0x00000200
#define X86_CR4_OSXMMEXCPT  0x00000400
#define X86_CR4_UMIP        0x00000800
#define X86_CR4_VMXE        0x00002000
#define X86_CR4_SMXE        0x00004000
#define X86_CR4_FSGSBASE    0x00010000
#define X86_CR4_PCIDE       0x00020000
#define X86_CR4_OSXSAVE     0x00040000
#define X86_CR4_SMEP        0x00100000
#define X86_CR4_SMAP        0x00200000
#define X86_CR4_PKE         0x00400000
#define X86_CR4_CET         0x00800000

#define XEN_MINIMAL_CR4     (X86_CR4_PGE | X86_CR4_PAE)

/* Interrupt stack table slots (the gate's IST field is the slot number). */
#define IST_NONE            0
#define IST_MCE             1
#define IST_NMI             2
#define IST_DB              3
#define IST_DF              4
#define IST_MAX             4

#ifndef __ASSEMBLY__

struct tss_struct {
    unsigned int   reserved0;
    unsigned long  rsp0, rsp1, rsp2;
    unsigned long  reserved1;
    unsigned long  ist[7];
    unsigned long  reserved2;
    unsigned short reserved3;
    unsigned short bitmap;
} __attribute__((packed));

struct cpuinfo_x86 {
    unsigned char x86, x86_vendor, x86_model, x86_mask;
    int cpuid_level;
    unsigned int x86_capability[16];
    unsigned int x86_max_cores;
    unsigned int apicid;
};

extern struct tss_struct init_tss[NR_CPUS];
extern unsigned long mmu_cr4_features;
extern struct cpuinfo_x86 boot_cpu_data;

static inline unsigned long read_cr4(void)
{
    unsigned long cr4;
    asm volatile ( "mov %%cr4,%0" : "=r" (cr4) );
    return cr4;
}

static inline void write_cr4(unsigned long val)
{
    asm volatile ( "mov %[cr4],%%cr4" : : [cr4] "r" (val) : "memory" );
}

/* Record a CR4 feature for the CPUs started later, and turn it on here. */
static inline void set_in_cr4(unsigned long mask)
{
    mmu_cr4_features |= mask;
    write_cr4(read_cr4() | mask);
}

static inline void clear_in_cr4(unsigned long mask)
{
    mmu_cr4_features &= ~mask;
    write_cr4(read_cr4() & ~mask);
}

void identify_cpu(struct cpuinfo_x86 *c);
void early_cpu_init(void);
void cpu_init(void);
void mcheck_init(struct cpuinfo_x86 *c, bool bsp);

#endif /* !__ASSEMBLY__ */
#endif /* __ASM_X86_PROCESSOR_H__ */
`,
  'xen/arch/x86/include/asm/system.h': `/* SPDX-License-Identifier: GPL-2.0-only */
/* Interrupt flag helpers. */
#ifndef __ASM_X86_SYSTEM_H__
#define __ASM_X86_SYSTEM_H__

#define local_irq_disable()     asm volatile ( "cli" : : : "memory" )
#define local_irq_enable()      asm volatile ( "sti" : : : "memory" )
#define local_save_flags(x)     asm volatile ( "pushf ; pop %0" : "=g" (x) : )
#define local_irq_save(x)       ({ local_save_flags(x); local_irq_disable(); })
#define local_irq_restore(x)    asm volatile ( "push %0 ; popf" : : "g" (x) : "memory", "cc" )
#define halt()                  asm volatile ( "hlt" : : : "memory" )
#define safe_halt()             asm volatile ( "sti; hlt" : : : "memory" )
#define cpu_relax()             asm volatile ( "pause" : : : "memory" )

#endif /* __ASM_X86_SYSTEM_H__ */
`,
  'xen/arch/x86/include/asm/smp.h': `/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU numbering and per-CPU data. */
#ifndef __ASM_X86_SMP_H__
#define __ASM_X86_SMP_H__

struct cpu_info {
    unsigned int processor_id;
    unsigned long stack_top;
};

extern struct cpu_info *get_cpu_info(void);

#define smp_processor_id()      (get_cpu_info()->processor_id)
#define per_cpu(var, cpu)       ((var)[cpu])
#define this_cpu(var)           per_cpu(var, smp_processor_id())
#define for_each_present_cpu(c) for ( (c) = 0; (c) < nr_cpu_ids; (c)++ )
#define for_each_online_cpu(c)  for ( (c) = 0; (c) < nr_cpu_ids; (c)++ )

extern unsigned int nr_cpu_ids;
extern unsigned long stack_start;
int __cpu_up(unsigned int cpu);
void smp_prepare_cpus(void);
void start_secondary(void);

#endif /* __ASM_X86_SMP_H__ */
`,
};

const HEAD_S = `/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the hypervisor image (synthetic benchmark tree, not Xen's code).
 * The loader jumps to start in 32-bit protected mode; the boot CPU then goes
 * through the trampoline like every other CPU and reaches __high_start.
 */
#include <asm/config.h>

#define MULTIBOOT_MAGIC     0x2badb002
#define BOOT_STACK_SIZE     1024

        .section .text.header, "ax", @progbits
        .code32

ENTRY(start)
        cli
        cld
        cmpl    $MULTIBOOT_MAGIC,%eax
        jne     not_multiboot
        movl    %ebx,multiboot_ptr
        movl    $boot_stack_top,%esp
        call    early_serial_init
        jmp     trampoline_boot_cpu_entry

not_multiboot:
        movl    $not_multiboot_msg,%esi
        call    early_puts
1:      hlt
        jmp     1b

        .section .init.rodata, "a", @progbits
not_multiboot_msg:
        .asciz  "ERR: not a multiboot loader"

        .section .init.data, "aw", @progbits
        .align 4
multiboot_ptr:
        .long   0
boot_stack:
        .fill   BOOT_STACK_SIZE, 1, 0
boot_stack_top:

#include "trampoline.S"
#include "x86_64.S"
`;

const TRAMPOLINE_S = `/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trampoline: secondary CPUs start in real mode at trampoline_realmode_entry
 * after INIT-SIPI-SIPI; the boot CPU enters at trampoline_boot_cpu_entry.
 * %ebx is 0 on the boot CPU and 1 on the others from here to __high_start.
 */

        .section .text.trampoline, "ax", @progbits
        .code16

GLOBAL(trampoline_realmode_entry)
        cli
        lgdtl   trampoline_gdt_desc
        movl    $1,%ebx
        movl    %cr0,%eax
        orl     $X86_CR0_PE,%eax
        movl    %eax,%cr0
        jmp     trampoline_protmode_entry

        .code32
GLOBAL(trampoline_boot_cpu_entry)
        cli
        xorl    %ebx,%ebx
        lgdt    trampoline_gdt_desc
        jmp     trampoline_protmode_entry

GLOBAL(trampoline_protmode_entry)
        /* PAE and PGE only: the features word is loaded once the IDT is up. */
        movl    $XEN_MINIMAL_CR4,%ecx
        movl    %ecx,%cr4
        movl    idle_pg_table_phys,%eax
        movl    %eax,%cr3
        movl    $MSR_EFER,%ecx
        rdmsr
        orl     $EFER_LME,%eax
        wrmsr
        movl    %cr0,%eax
        orl     $X86_CR0_PG,%eax
        movl    %eax,%cr0
        jmp     trampoline_long_entry

        .code64
trampoline_long_entry:
        jmp     __high_start

        .section .data.trampoline, "aw", @progbits
        .align 8
        .word   0
trampoline_gdt_desc:
        .word   GDT_ENTRIES*8-1
        .long   boot_gdt
idle_pg_table_phys:
        .long   0
`;

const X86_64_S = `/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Long mode, high mappings: every CPU comes through here. The boot CPU
 * points each vector at ignore_int before it loads the table, then enters
 * __start_xen; secondary CPUs load the same table and go to start_secondary.
 */

        .text
        .code64

ENTRY(__high_start)
        movl    $__HYPERVISOR_DS,%ecx
        movl    %ecx,%ds
        movl    %ecx,%es
        movl    %ecx,%ss
        lgdt    gdt_descr(%rip)

        test    %ebx,%ebx
        jnz     3f

        /* Boot CPU: build one interrupt gate for ignore_int, low half in %rax, high in %rdx. */
        leaq    ignore_int(%rip),%rcx
        movq    %rcx,%rax
        andq    $0xffff,%rax
        orq     $(__HYPERVISOR_CS << 16),%rax
        movq    %rcx,%rdx
        shrq    $16,%rdx
        shlq    $48,%rdx
        orq     %rdx,%rax
        movabsq $0x00008e0000000000,%rdx
        orq     %rdx,%rax
        movq    %rcx,%rdx
        shrq    $32,%rdx

        /* Fill the (not yet loaded) table with it. */
        leaq    idt_table(%rip),%rdi
        movl    $IDT_ENTRIES,%ecx
1:      movq    %rax,(%rdi)
        movq    %rdx,8(%rdi)
        addq    $16,%rdi
        loop    1b

        lidt    idt_descr(%rip)
        leaq    cpu0_stack+STACK_SIZE(%rip),%rsp
        call    __start_xen
        ud2

        /* Secondary CPUs: no IDT until load_system_tables(). */
3:      movq    stack_start(%rip),%rsp
        call    start_secondary
        ud2

        .section .init.text, "ax", @progbits
/* Placeholder for every vector until trap_init() installs the real handlers. */
ignore_int:
        cld
        leaq    int_msg(%rip),%rdi
        call    early_puts
4:      hlt
        jmp     4b

        .section .init.rodata, "a", @progbits
int_msg:
        .asciz  "Unknown interrupt"

        .data
        .align 8
        .word   0,0,0
gdt_descr:
        .word   GDT_ENTRIES*8-1
        .quad   boot_gdt
        .word   0,0,0
idt_descr:
        .word   IDT_ENTRIES*16-1
        .quad   idt_table
`;

const ENTRY_S_HANDLERS = [
  ['divide_error', 0, 'do_divide_error'], ['debug', 0, 'do_debug'], ['nmi', 0, 'do_nmi'], ['int3', 0, 'do_int3'],
  ['overflow', 0, 'do_overflow'], ['bounds', 0, 'do_bounds'], ['invalid_op', 0, 'do_invalid_op'],
  ['device_not_available', 0, 'do_device_not_available'], ['double_fault', 1, 'do_double_fault'],
  ['coprocessor_segment_overrun', 0, 'do_reserved_trap'], ['invalid_TSS', 1, 'do_trap'], ['segment_not_present', 1, 'do_trap'],
  ['stack_segment', 1, 'do_trap'], ['general_protection', 1, 'do_general_protection'], ['page_fault', 1, 'do_page_fault'],
  ['spurious_interrupt_bug', 0, 'do_reserved_trap'], ['coprocessor_error', 0, 'do_coprocessor_error'],
  ['alignment_check', 1, 'do_trap'], ['machine_check', 0, 'do_machine_check'], ['simd_coprocessor_error', 0, 'do_simd_error'],
];

function entryS() {
  const out = [`/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and interrupt entry points (synthetic benchmark tree).
 */
#include <asm/config.h>

        .macro SAVE_ALL
        pushq   %rdi
        pushq   %rsi
        pushq   %rdx
        pushq   %rcx
        pushq   %rax
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        .endm

        .macro RESTORE_ALL
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rax
        popq    %rcx
        popq    %rdx
        popq    %rsi
        popq    %rdi
        .endm

        .text
        .code64
`];
  for (const [name, hasCode, handler] of ENTRY_S_HANDLERS) {
    out.push(`ENTRY(${name})
${hasCode ? '' : '        pushq   $0\n'}        SAVE_ALL
        movq    %rsp,%rdi
        call    ${handler}
        jmp     ret_from_exception
`);
  }
  out.push(`ENTRY(irq_entry_common)
        pushq   $0
        SAVE_ALL
        movq    %rsp,%rdi
        call    do_IRQ
        jmp     ret_from_exception

ENTRY(hypercall_entry)
        pushq   $0
        SAVE_ALL
        movq    %rsp,%rdi
        call    do_hypercall
        jmp     ret_from_exception

ret_from_exception:
        RESTORE_ALL
        addq    $8,%rsp
        iretq
`);
  return out.join('\n');
}

function setupC() {
  return `/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * arch/x86/setup.c
 *
 * C entry of the boot CPU (synthetic benchmark tree, not Xen's code).
 */
#include <xen/init.h>
#include <xen/compiler.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/traps.h>

unsigned long __read_mostly mmu_cr4_features = XEN_MINIMAL_CR4;
struct cpuinfo_x86 boot_cpu_data;
char __section(".bss.stack_aligned") cpu0_stack[STACK_SIZE];
unsigned long boot_gdt[GDT_ENTRIES];
unsigned long stack_start;
unsigned int nr_cpu_ids = 4;
static unsigned int __initdata max_cpus = NR_CPUS;

extern void startup_cpu_idle_loop(void);
extern void console_init_preirq(void);
extern void console_init_postirq(void);
extern void init_IRQ(void);
extern void free_xen_data(char *s, char *e);
extern void destroy_xen_mappings(unsigned long s, unsigned long e);
extern void scrub_init_page(void *va);

/* Boot is over: give back the init sections. */
static void noreturn init_done(void)
{
    char *va;

    for ( va = __init_begin; va < __init_end; va += PAGE_SIZE )
        scrub_init_page(va);
    destroy_xen_mappings((unsigned long)__init_begin, (unsigned long)__init_end);
    free_xen_data(__init_begin, __init_end);

    printk("Freed %lukB init memory\\n", (unsigned long)(__init_end - __init_begin) >> 10);

    startup_cpu_idle_loop();
}

void __init do_initcalls(void)
{
    initcall_t *call;

    for ( call = __initcall_start; call < __initcall_end; call++ )
        (*call)();
}

void asmlinkage __init noreturn __start_xen(unsigned long mbi_p)
{
    unsigned int i;

    early_cpu_init();
    console_init_preirq();
@@EARLY_INITS@@
    trap_init();
    load_system_tables();
    percpu_traps_init();

    identify_cpu(&boot_cpu_data);
    cpu_init();
@@MID_INITS@@
    mcheck_init(&boot_cpu_data, true);

    init_IRQ();
    local_irq_enable();
    console_init_postirq();
@@LATE_INITS@@
    smp_prepare_cpus();
    for_each_present_cpu ( i )
    {
        if ( i == 0 || i >= max_cpus )
            continue;
        if ( __cpu_up(i) )
            printk("Failed to bring up CPU %u\\n", i);
    }

    do_initcalls();

    init_done();
}
`;
}

function trapsSetupC() {
  const gates = [
    ['TRAP_divide_error', 'divide_error', 'intr'], ['TRAP_debug', 'debug', 'intr'], ['TRAP_nmi', 'nmi', 'intr'],
    ['TRAP_int3', 'int3', 'swint'], ['TRAP_overflow', 'overflow', 'swint'], ['TRAP_bounds', 'bounds', 'intr'],
    ['TRAP_invalid_op', 'invalid_op', 'intr'], ['TRAP_no_device', 'device_not_available', 'intr'],
    ['TRAP_double_fault', 'double_fault', 'intr'], ['TRAP_copro_seg', 'coprocessor_segment_overrun', 'intr'],
    ['TRAP_invalid_tss', 'invalid_TSS', 'intr'], ['TRAP_no_segment', 'segment_not_present', 'intr'],
    ['TRAP_stack_error', 'stack_segment', 'intr'], ['TRAP_gp_fault', 'general_protection', 'intr'],
    ['TRAP_page_fault', 'page_fault', 'intr'], ['TRAP_spurious_int', 'spurious_interrupt_bug', 'intr'],
    ['TRAP_copro_error', 'coprocessor_error', 'intr'], ['TRAP_alignment_check', 'alignment_check', 'intr'],
    ['TRAP_machine_check', 'machine_check', 'intr'], ['TRAP_simd_error', 'simd_coprocessor_error', 'intr'],
  ];
  return `/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * arch/x86/traps-setup.c
 *
 * The exception table and the task state (synthetic benchmark tree).
 */
#include <xen/init.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

idt_entry_t idt_table[IDT_ENTRIES];
idt_entry_t *idt_tables[NR_CPUS] __read_mostly;
struct tss_struct init_tss[NR_CPUS];
static char ist_stacks[NR_CPUS][IST_MAX][PAGE_SIZE];

extern void ${gates.map((g) => g[1]).join('(void), ')}(void);
extern void irq_entry_common(void), hypercall_entry(void);

void __init trap_init(void)
{
    unsigned int v;

${gates.map(([vec, fn, kind]) => `    set_${kind}_gate(${vec}, &${fn});`).join('\n')}

    /* NMI, #DF and #MC on their own stacks. */
    set_ist(&idt_table[TRAP_double_fault], IST_DF);
    set_ist(&idt_table[TRAP_nmi], IST_NMI);
    set_ist(&idt_table[TRAP_machine_check], IST_MCE);

    for ( v = FIRST_DYNAMIC_VECTOR; v < IDT_ENTRIES; v++ )
        set_intr_gate(v, &irq_entry_common);
    set_swint_gate(HYPERCALL_VECTOR, &hypercall_entry);

    idt_tables[0] = idt_table;
}

/* This CPU's IST stacks, GDT, IDT and TSS. */
void load_system_tables(void)
{
    unsigned int cpu = smp_processor_id();
    struct tss_struct *tss = &this_cpu(init_tss);
    const struct desc_ptr gdtr = {
        .base = (unsigned long)boot_gdt,
        .limit = GDT_ENTRIES * 8 - 1,
    };
    const struct desc_ptr idtr = {
        .base = (unsigned long)idt_tables[cpu],
        .limit = IDT_ENTRIES * sizeof(idt_entry_t) - 1,
    };

    tss->rsp0 = get_cpu_info()->stack_top;
    tss->ist[IST_MCE - 1] = (unsigned long)&ist_stacks[cpu][IST_MCE - 1][PAGE_SIZE];
    tss->ist[IST_NMI - 1] = (unsigned long)&ist_stacks[cpu][IST_NMI - 1][PAGE_SIZE];
    tss->ist[IST_DB - 1]  = (unsigned long)&ist_stacks[cpu][IST_DB - 1][PAGE_SIZE];
    tss->ist[IST_DF - 1]  = (unsigned long)&ist_stacks[cpu][IST_DF - 1][PAGE_SIZE];
    tss->bitmap = 0x8000;

    lgdt(&gdtr);
    ltr(TSS_SELECTOR);
    lidt(&idtr);
}

void percpu_traps_init(void)
{
    unsigned int cpu = smp_processor_id();

    if ( cpu != 0 )
        return;
    printk("IDT at %p\\n", idt_table);
}
`;
}

function smpbootC() {
  return `/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * arch/x86/smpboot.c
 *
 * Secondary CPU bring-up (synthetic benchmark tree).
 */
#include <xen/init.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/traps.h>

extern void *alloc_xenheap_pages(unsigned int order, unsigned int flags);
extern void send_init_sipi_sipi(unsigned int apicid, unsigned long start_eip);
extern int wait_for_cpu_callin(unsigned int cpu);
extern void set_cpu_online(unsigned int cpu);
extern void cpu_idle_loop(void);
extern void trampoline_realmode_entry(void);

static int cpu_smpboot_alloc(unsigned int cpu)
{
    idt_tables[cpu] = alloc_xenheap_pages(0, 0);
    if ( idt_tables[cpu] == NULL )
        return -12;
    memcpy(idt_tables[cpu], idt_table, IDT_ENTRIES * sizeof(idt_entry_t));
    return 0;
}

static int do_boot_cpu(unsigned int cpu)
{
    int rc = cpu_smpboot_alloc(cpu);

    if ( rc )
        return rc;
    stack_start = (unsigned long)alloc_xenheap_pages(STACK_ORDER, 0) + STACK_SIZE;
    send_init_sipi_sipi(cpu, (unsigned long)trampoline_realmode_entry);
    return wait_for_cpu_callin(cpu);
}

int __cpu_up(unsigned int cpu)
{
    return do_boot_cpu(cpu);
}

void __init smp_prepare_cpus(void)
{
    printk("CPU0: %u CPUs present\\n", nr_cpu_ids);
}

/* Secondary CPUs arrive here from __high_start, on the boot CPU's table. */
void start_secondary(void)
{
    unsigned int cpu = smp_processor_id();

    load_system_tables();
    percpu_traps_init();
    cpu_init();

    write_cr4(mmu_cr4_features);

    set_cpu_online(cpu);
    local_irq_enable();

    cpu_idle_loop();
}
`;
}

function cpuCommonC(identifyCalls, cpuInitCalls) {
  return `/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * arch/x86/cpu/common.c
 *
 * CPU identification and per-CPU control register set-up (synthetic benchmark tree).
 */
#include <xen/init.h>
#include <asm/config.h>
#include <asm/processor.h>
#include <asm/smp.h>

extern unsigned int cpuid_eax(unsigned int leaf);
extern unsigned int cpuid_ecx(unsigned int leaf);
extern unsigned int cpuid_edx(unsigned int leaf);

#define CPUID_ECX_XSAVE     (1U << 26)
#define CPUID_EDX_FXSR      (1U << 24)
#define CPUID7_EBX_SMEP     (1U << 7)
#define CPUID7_EBX_SMAP     (1U << 20)
#define CPUID7_EBX_FSGSBASE (1U << 0)

void __init early_cpu_init(void)
{
    struct cpuinfo_x86 *c = &boot_cpu_data;

    c->cpuid_level = cpuid_eax(0);
    c->x86_capability[0] = cpuid_edx(1);
    c->x86_capability[1] = cpuid_ecx(1);
}

static void setup_fpu_features(struct cpuinfo_x86 *c)
{
    if ( c->x86_capability[0] & CPUID_EDX_FXSR )
        set_in_cr4(X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    if ( c->x86_capability[1] & CPUID_ECX_XSAVE )
        set_in_cr4(X86_CR4_OSXSAVE);
}

static void setup_smep_smap(struct cpuinfo_x86 *c)
{
    if ( c->x86_capability[9] & CPUID7_EBX_SMEP )
        set_in_cr4(X86_CR4_SMEP);
    if ( c->x86_capability[9] & CPUID7_EBX_SMAP )
        set_in_cr4(X86_CR4_SMAP);
    if ( c->x86_capability[9] & CPUID7_EBX_FSGSBASE )
        set_in_cr4(X86_CR4_FSGSBASE);
}

void identify_cpu(struct cpuinfo_x86 *c)
{
    c->x86_capability[9] = cpuid_eax(7);
    setup_fpu_features(c);
    setup_smep_smap(c);
${identifyCalls.map((f) => `    ${f}();`).join('\n')}
}

/* Every CPU: the features the boot CPU chose, then this CPU's state. */
void cpu_init(void)
{
    unsigned int cpu = smp_processor_id();

    if ( cpu != 0 )
        write_cr4(mmu_cr4_features);
${cpuInitCalls.map((f) => `    ${f}();`).join('\n')}
    printk("CPU%u: CR4 %lx\\n", cpu, read_cr4());
}
`;
}

function mceC() {
  return `/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * arch/x86/cpu/mcheck/mce.c
 *
 * Machine check set-up (synthetic benchmark tree).
 */
#include <xen/init.h>
#include <asm/config.h>
#include <asm/processor.h>

extern unsigned int mce_bank_count(void);
extern void mce_clear_banks(unsigned int n);

static bool __read_mostly opt_mce = true;
boolean_param("mce", opt_mce);

/* #MC has a gate, an IST stack and a TSS on this CPU by now. */
void mcheck_init(struct cpuinfo_x86 *c, bool bsp)
{
    if ( !opt_mce )
        return;
    mce_clear_banks(mce_bank_count());
    set_in_cr4(X86_CR4_MCE);
}
`;
}

// ---------------------------------------------------------------------------------------------
// ordinary code

/** Functions every component may call (defined once, at level 0, in common files). */
const CORE_API = [
  ['printk', 'void', 1, 'xen/drivers/char/console.c'], ['panic', 'void', 1, 'xen/drivers/char/console.c'],
  ['_spin_lock', 'void', 1, 'xen/common/spinlock.c'], ['_spin_unlock', 'void', 1, 'xen/common/spinlock.c'],
  ['_spin_trylock', 'int', 1, 'xen/common/spinlock.c'], ['_spin_lock_irq', 'void', 1, 'xen/common/spinlock.c'],
  ['_spin_unlock_irq', 'void', 1, 'xen/common/spinlock.c'], ['_spin_lock_irqsave', 'unsigned long', 1, 'xen/common/spinlock.c'],
  ['_spin_unlock_irqrestore', 'void', 2, 'xen/common/spinlock.c'], ['_read_lock', 'void', 1, 'xen/common/rwlock.c'],
  ['_read_unlock', 'void', 1, 'xen/common/rwlock.c'], ['_write_lock', 'void', 1, 'xen/common/rwlock.c'],
  ['_write_unlock', 'void', 1, 'xen/common/rwlock.c'], ['_xmalloc', 'void *', 2, 'xen/common/xmalloc.c'],
  ['_xzalloc', 'void *', 2, 'xen/common/xmalloc.c'], ['xfree', 'void', 1, 'xen/common/xmalloc.c'],
  ['memcpy', 'void *', 3, 'xen/lib/memcpy.c'], ['memset', 'void *', 3, 'xen/lib/memset.c'], ['memcmp', 'int', 3, 'xen/lib/memcmp.c'],
  ['strlen', 'size_t', 1, 'xen/lib/strlen.c'], ['strcmp', 'int', 2, 'xen/lib/strcmp.c'], ['snprintf', 'int', 3, 'xen/common/vsprintf.c'],
  ['get_page', 'bool', 2, 'xen/arch/x86/mm.c'], ['put_page', 'void', 1, 'xen/arch/x86/mm.c'], ['domain_crash', 'void', 1, 'xen/common/domain.c'],
  ['rcu_lock_domain_by_id', 'void *', 1, 'xen/common/domain.c'], ['rcu_unlock_domain', 'void', 1, 'xen/common/domain.c'],
  ['alloc_domheap_pages', 'void *', 3, 'xen/common/page_alloc.c'], ['free_domheap_pages', 'void', 2, 'xen/common/page_alloc.c'],
  ['alloc_xenheap_pages', 'void *', 2, 'xen/common/page_alloc.c'], ['free_xenheap_pages', 'void', 2, 'xen/common/page_alloc.c'],
  ['map_domain_page', 'void *', 1, 'xen/arch/x86/domain_page.c'], ['unmap_domain_page', 'void', 1, 'xen/arch/x86/domain_page.c'],
  ['raise_softirq', 'void', 1, 'xen/common/softirq.c'], ['cpumask_test_cpu', 'bool', 2, 'xen/common/cpu.c'],
  ['set_timer', 'void', 2, 'xen/common/timer.c'], ['stop_timer', 'void', 1, 'xen/common/timer.c'], ['NOW', 'int64_t', 0, 'xen/arch/x86/time.c'],
  ['copy_from_guest_offset', 'unsigned long', 4, 'xen/arch/x86/usercopy.c'], ['copy_to_guest_offset', 'unsigned long', 4, 'xen/arch/x86/usercopy.c'],
  ['send_guest_vcpu_virq', 'void', 2, 'xen/common/event_channel.c'], ['vcpu_pause', 'void', 1, 'xen/common/domain.c'],
  ['vcpu_unpause', 'void', 1, 'xen/common/domain.c'], ['rdmsrl_safe', 'int', 2, 'xen/arch/x86/msr.c'], ['wrmsrl_safe', 'int', 2, 'xen/arch/x86/msr.c'],
  ['cpuid_eax', 'unsigned int', 1, 'xen/arch/x86/cpuid.c'], ['cpuid_ecx', 'unsigned int', 1, 'xen/arch/x86/cpuid.c'],
  ['cpuid_edx', 'unsigned int', 1, 'xen/arch/x86/cpuid.c'], ['get_cpu_info', 'struct cpu_info *', 0, 'xen/arch/x86/smp.c'],
  ['early_puts', 'void', 1, 'xen/drivers/char/console.c'], ['early_serial_init', 'void', 0, 'xen/drivers/char/console.c'],
  ['scrub_init_page', 'void', 1, 'xen/arch/x86/mm.c'], ['destroy_xen_mappings', 'void', 2, 'xen/arch/x86/mm.c'],
  ['free_xen_data', 'void', 2, 'xen/arch/x86/mm.c'], ['startup_cpu_idle_loop', 'void', 0, 'xen/arch/x86/domain.c'],
  ['cpu_idle_loop', 'void', 0, 'xen/arch/x86/domain.c'], ['set_cpu_online', 'void', 1, 'xen/arch/x86/smp.c'],
  ['send_init_sipi_sipi', 'void', 2, 'xen/arch/x86/smp.c'], ['wait_for_cpu_callin', 'int', 1, 'xen/arch/x86/smp.c'],
  ['console_init_preirq', 'void', 0, 'xen/drivers/char/console.c'], ['console_init_postirq', 'void', 0, 'xen/drivers/char/console.c'],
  ['init_IRQ', 'void', 0, 'xen/arch/x86/irq.c'], ['do_IRQ', 'void', 1, 'xen/arch/x86/irq.c'], ['do_hypercall', 'void', 1, 'xen/arch/x86/hypercall.c'],
  ['mce_bank_count', 'unsigned int', 0, 'xen/arch/x86/cpu/mcheck/mce_intel.c'], ['mce_clear_banks', 'void', 1, 'xen/arch/x86/cpu/mcheck/mce_intel.c'],
  ...ENTRY_S_HANDLERS.filter(([, , h], i, a) => a.findIndex((x) => x[2] === h) === i).map(([, , h]) => [h, 'void', 1, 'xen/arch/x86/traps.c']),
];
const CORE_MACROS = `
#define spin_lock(l)                _spin_lock(l)
#define spin_unlock(l)              _spin_unlock(l)
#define spin_trylock(l)             _spin_trylock(l)
#define spin_lock_irq(l)            _spin_lock_irq(l)
#define spin_unlock_irq(l)          _spin_unlock_irq(l)
#define spin_lock_irqsave(l, f)     ((f) = _spin_lock_irqsave(l))
#define spin_unlock_irqrestore(l, f) _spin_unlock_irqrestore(l, f)
#define read_lock(l)                _read_lock(l)
#define read_unlock(l)              _read_unlock(l)
#define write_lock(l)               _write_lock(l)
#define write_unlock(l)             _write_unlock(l)
#define xmalloc(t)                  ((t *)_xmalloc(sizeof(t), __alignof__(t)))
#define xzalloc(t)                  ((t *)_xzalloc(sizeof(t), __alignof__(t)))
#define xmalloc_array(t, n)         ((t *)_xmalloc(sizeof(t) * (n), __alignof__(t)))
#define ASSERT(p)                   do { if ( unlikely(!(p)) ) panic("Assertion '%s' failed\\n", #p); } while ( 0 )
#define BUG_ON(p)                   do { if ( unlikely(p) ) panic("BUG at %s:%d\\n", __FILE__, __LINE__); } while ( 0 )
#define WARN_ON(p)                  ({ bool w_ = !!(p); if ( unlikely(w_) ) printk("WARN at %s:%d\\n", __FILE__, __LINE__); unlikely(w_); })
#define DEFINE_SPINLOCK(l)          spinlock_t l = SPIN_LOCK_UNLOCKED
#define SPIN_LOCK_UNLOCKED          { 0 }
#define gprintk(lvl, fmt, args...)  printk(lvl "%pv " fmt, current, ## args)
#define dprintk(lvl, fmt, args...)  printk(lvl "%s:%d: " fmt, __FILE__, __LINE__, ## args)
#define min(x, y)                   ((x) < (y) ? (x) : (y))
#define max(x, y)                   ((x) > (y) ? (x) : (y))
#define ROUNDUP(x, a)               (((x) + (a) - 1) & ~((a) - 1))
#define IS_ALIGNED(x, a)            (((x) & ((a) - 1)) == 0)
#define BIT(n, sfx)                 (1 ## sfx << (n))
#define XENLOG_ERR                  "<0>"
#define XENLOG_WARNING              "<1>"
#define XENLOG_INFO                 "<2>"
#define XENLOG_DEBUG                "<3>"
#define XENLOG_G_ERR                "<G><0>"
#define XENLOG_G_WARNING            "<G><1>"
#define XENLOG_G_INFO               "<G><2>"
#define EINVAL                      22
#define ENOMEM                      12
#define ENOENT                      2
#define EBUSY                       16
#define EPERM                       1
#define EAGAIN                      11
#define EOPNOTSUPP                  95
#define ERANGE                      34
#define ENODEV                      19
#define EEXIST                      17
#define ESRCH                       3
`;
/** Components with a CPU feature function that writes CR4 (as vmx, svm, xstate, ... do in Xen). */
const CR4_COMPONENTS = ['x86', 'cpux', 'mc', 'ucode', 'hvm', 'vmx', 'svm', 'pv', 'gapic', 'xacpi', 'mtrr', 'x64', 'gst', 'ghv', 'sh', 'hap'];
const CR4_BITS = ['X86_CR4_VMXE', 'X86_CR4_SMXE', 'X86_CR4_UMIP', 'X86_CR4_PCIDE', 'X86_CR4_PKE', 'X86_CR4_CET', 'X86_CR4_FSGSBASE',
  'X86_CR4_OSXSAVE', 'X86_CR4_TSD', 'X86_CR4_DE', 'X86_CR4_PCE', 'X86_CR4_SMEP', 'X86_CR4_SMAP'];
const ERRNOS = ['EINVAL', 'ENOMEM', 'ENOENT', 'EBUSY', 'EPERM', 'EAGAIN', 'EOPNOTSUPP', 'ERANGE', 'ENODEV', 'EEXIST', 'ESRCH'];

/** Allocates n items to buckets in proportion to weights (largest remainder), deterministic. */
function apportion(weights, n) {
  const total = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (w * n) / total);
  const out = raw.map(Math.floor);
  let left = n - out.reduce((a, b) => a + b, 0);
  const order = raw.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length][1]]++;
  return out;
}

/** Sizes drawn from a long-tailed distribution, scaled to sum to `total`. */
function sizes(r, n, total, sigma, cap) {
  const xs = [];
  for (let i = 0; i < n; i++) xs.push(r.lognormal(1, sigma));
  const k = total / xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => Math.max(600, Math.min(cap, Math.round(x * k))));
}

class Names {
  constructor() { this.used = new Set(); }
  take(base) {
    let n = base, i = 2;
    while (this.used.has(n)) n = `${base}_${i++}`;
    this.used.add(n);
    return n;
  }
}

/**
 * Builds the whole tree in memory: path -> text.
 */
export function buildTree(scale) {
  const files = new Map();
  const names = new Names();
  for (const [n] of CORE_API) names.used.add(n);
  for (const n of ['__start_xen', 'init_done', 'do_initcalls', 'trap_init', 'load_system_tables', 'percpu_traps_init', 'cpu_smpboot_alloc',
    'do_boot_cpu', '__cpu_up', 'smp_prepare_cpus', 'start_secondary', 'early_cpu_init', 'setup_fpu_features', 'setup_smep_smap',
    'identify_cpu', 'cpu_init', 'mcheck_init', 'read_cr4', 'write_cr4', 'set_in_cr4', 'clear_in_cr4', '_set_gate', '_set_gate_lower',
    '_update_gate_addr_lower', 'set_intr_gate', 'set_swint_gate', 'set_ist', 'lgdt', 'lidt', 'ltr']) names.used.add(n);
  const macroNames = new Names();

  // --- plan: files per replica
  const replicas = [];
  for (let rep = 0; rep < scale; rep++) {
    const r = new Rng(hash(`layout:${rep}`));
    const base = rep === 0 ? '' : `xen/r${rep + 1}/`;
    const mapDir = (d) => (rep === 0 ? d : base + d.replace(/^xen\//, ''));
    const sfx = rep === 0 ? '' : String(rep + 1);
    const cCounts = apportion(C_COMPONENTS.map((c) => c[2]), TOTALS.c);
    const sCounts = apportion(C_COMPONENTS.map((c) => c[3]), TOTALS.S);
    const hCounts = apportion(H_DIRS.map((h) => h[1]), TOTALS.h);
    const cSizes = sizes(r, TOTALS.c, TOTALS.cBytes, 0.9, 340_000);
    const hSizes = sizes(r, TOTALS.h, TOTALS.hBytes, 0.8, 60_000);
    const sSizes = sizes(r, TOTALS.S, TOTALS.sBytes, 0.6, 30_000);
    const comps = C_COMPONENTS.map(([dir, prefix], i) => ({
      dir: mapDir(dir), prefix: prefix + sfx, nC: cCounts[i], nS: sCounts[i], cFiles: [], sFiles: [], exported: [], statics: [], rep,
    }));
    const headers = [];
    let hi = 0;
    H_DIRS.forEach(([dir], i) => {
      for (let k = 0; k < hCounts[i]; k++) {
        const stem = names.take(`${r.pick(NOUNS)}${r.chance(0.3) ? '_' + r.pick(NOUNS) : ''}`.replace(/^(\d)/, 'h$1'));
        headers.push({ path: `${mapDir(dir)}/${stem}.h`, stem, size: hSizes[hi++], macros: [], fnMacros: [], inlines: [], protos: [], structs: [], rep });
      }
    });
    let ci = 0, si = 0;
    for (const comp of comps) {
      for (let k = 0; k < comp.nC; k++) comp.cFiles.push({ path: null, size: cSizes[ci++], funcs: [] });
      for (let k = 0; k < comp.nS; k++) comp.sFiles.push({ path: null, size: sSizes[si++] });
    }
    replicas.push({ rep, r, comps, headers, sfx });
  }

  // --- file names, functions (names, levels, signatures)
  const coreFile = new Map(CORE_API.map(([n, ret, np, f]) => [f, []]));
  for (const [n, ret, np, f] of CORE_API) coreFile.get(f).push({ name: n, ret, nParams: np, level: 0, isStatic: false, isInit: false, core: true });
  const usedPaths = new Set();
  const allFuncs = [];
  for (const { r, comps } of replicas) {
    for (const comp of comps) {
      for (const cf of comp.cFiles) {
        let stem;
        do { stem = `${r.pick(NOUNS)}${r.chance(0.35) ? '_' + r.pick([...NOUNS, ...VERBS]) : ''}`; } while (usedPaths.has(`${comp.dir}/${stem}.c`));
        cf.path = `${comp.dir}/${stem}.c`;
        usedPaths.add(cf.path);
      }
      for (const sf of comp.sFiles) {
        let stem;
        do { stem = `${r.pick(NOUNS)}${r.chance(0.4) ? '-' + r.pick(VERBS) : ''}`; } while (usedPaths.has(`${comp.dir}/${stem}.S`));
        sf.path = `${comp.dir}/${stem}.S`;
        usedPaths.add(sf.path);
      }
    }
  }
  // the core API's files take over ordinary slots of replica 0 (so the counts stay the same)
  const rep0 = replicas[0];
  const slotFor = new Map();
  for (const f of coreFile.keys()) {
    const dir = path.posix.dirname(f);
    const comp = rep0.comps.find((c) => c.dir === dir) ?? rep0.comps.find((c) => c.dir === 'xen/common');
    const cf = comp.cFiles.find((x) => !slotFor.has(x) && !x.fixed);
    cf.path = f;
    cf.fixed = true;
    slotFor.set(cf, f);
  }
  // boot files likewise
  const BOOT_C = ['xen/arch/x86/setup.c', 'xen/arch/x86/traps-setup.c', 'xen/arch/x86/smpboot.c', 'xen/arch/x86/cpu/common.c', 'xen/arch/x86/cpu/mcheck/mce.c'];
  for (const f of BOOT_C) {
    const comp = rep0.comps.find((c) => c.dir === path.posix.dirname(f));
    const cf = comp.cFiles.find((x) => !x.fixed);
    cf.path = f;
    cf.fixed = true;
    cf.boot = true;
  }
  const BOOT_S = ['xen/arch/x86/boot/head.S', 'xen/arch/x86/boot/trampoline.S', 'xen/arch/x86/boot/x86_64.S', 'xen/arch/x86/x86_64/entry.S'];
  for (const f of BOOT_S) {
    const comp = rep0.comps.find((c) => c.dir === path.posix.dirname(f));
    const sf = comp.sFiles.find((x) => !x.fixed);
    sf.path = f;
    sf.fixed = true;
    sf.boot = true;
  }

  for (const { r, comps } of replicas) {
    for (const comp of comps) {
      comp.byLevel = [[], [], [], [], [], [], []];
      for (const cf of comp.cFiles) {
        const core = coreFile.get(cf.path) ?? [];
        const budget = cf.boot ? Math.min(cf.size, 24_000) : cf.size;
        const nf = Math.max(1, Math.round(budget / 1150));
        for (const c of core) { const fn = { ...c, file: cf.path, comp }; cf.funcs.push(fn); }
        for (let k = 0; k < nf; k++) {
          const verb = r.pick(VERBS), noun = r.pick(NOUNS);
          const shape = r.int(0, 2);
          const base = shape === 0 ? `${comp.prefix}_${noun}_${verb}` : shape === 1 ? `${comp.prefix}_${verb}_${noun}` : `${noun}_${r.pick(NOUNS)}_${verb}`;
          const level = r.pick([0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5]);
          const isStatic = r.chance(0.55);
          const fn = {
            name: names.take(base), level, isStatic, isInit: r.chance(0.12), file: cf.path, comp,
            ret: r.pick(RETS), nParams: r.int(0, 4), core: false,
          };
          cf.funcs.push(fn);
        }
        // each component's entry point, called at boot
        if (cf === comp.cFiles.find((x) => !x.boot && !coreFile.has(x.path))) {
          const fn = { name: names.take(`${comp.prefix}_subsys_init`), level: 6, isStatic: false, isInit: true, file: cf.path, comp, ret: 'int', nParams: 0, core: false, entry: true };
          cf.funcs.push(fn);
          comp.entry = fn;
        }
        if (CR4_COMPONENTS.includes(comp.prefix.replace(/\d+$/, '')) && cf === comp.cFiles.find((x) => !x.boot && !coreFile.has(x.path))) {
          const bit = r.pick(CR4_BITS);
          const fn = { name: names.take(`${comp.prefix}_cr4_${bit.slice(8).toLowerCase()}_setup`), level: 1, isStatic: false, isInit: false, file: cf.path, comp,
            ret: 'void', nParams: 0, core: false, cr4: bit, cr4clear: r.chance(0.2) };
          cf.funcs.push(fn);
          comp.cr4fn = fn;
        }
        cf.funcs.sort((a, b) => a.level - b.level);
        for (const fn of cf.funcs) {
          fn.params = [];
          const pn = new Set();
          for (let p = 0; p < fn.nParams; p++) {
            let name = r.pick(PARAM_NAMES);
            while (pn.has(name)) name += '2';
            pn.add(name);
            fn.params.push({ type: r.pick(SCALARS), name });
          }
          if (!fn.isStatic) comp.byLevel[fn.level].push(fn);
          allFuncs.push(fn);
        }
      }
    }
  }
  for (const { r, comps } of replicas) {
    for (const comp of comps) {
      if (!comp.cr4fn) continue;
      if (comp.entry) (comp.entry.mustCall ??= []).push(comp.cr4fn);
      const users = comp.cFiles.flatMap((cf) => cf.funcs).filter((g) => g.level >= 2 && g.level <= 4 && !g.isInit);
      for (let k = 0; k < 3 && users.length; k++) (r.pick(users).mustCall ??= []).push(comp.cr4fn);
    }
  }
  const globalByLevel = [[], [], [], [], [], [], []];
  for (const fn of allFuncs) if (!fn.isStatic && !fn.entry) globalByLevel[fn.level].push(fn);
  const coreFns = allFuncs.filter((f) => f.core);

  // --- headers: macros, inlines, prototypes
  for (const { r, headers, comps, rep } of replicas) {
    // each component's exported functions are declared in a few headers
    comps.forEach((comp, i) => {
      const hs = [headers[(i * 7) % headers.length], headers[(i * 7 + 3) % headers.length]];
      comp.apiHeaders = hs;
      for (const cf of comp.cFiles) for (const fn of cf.funcs) if (!fn.isStatic) r.pick(hs).protos.push(fn);
    });
    for (const h of headers) fillHeaderPlan(h, r, macroNames, names);
    void rep;
  }

  // --- write the boot files
  for (const [p, text] of Object.entries(CORE_HEADERS)) files.set(p, text);
  files.set('xen/include/xen/lib.h', `/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_LIB_H__
#define __XEN_LIB_H__
#include <xen/compiler.h>
typedef struct { int raw; } spinlock_t;
typedef struct { int raw; } rwlock_t;
typedef unsigned long paddr_t;
typedef long s_time_t;
${CORE_MACROS}
${CORE_API.map(([n, ret, np]) => `${ret} ${n}(${np === 0 ? 'void' : Array.from({ length: np }, (_, i) => `unsigned long a${i}`).join(', ')});`).join('\n')}
#endif /* __XEN_LIB_H__ */
`);
  files.set('xen/arch/x86/boot/head.S', HEAD_S);
  files.set('xen/arch/x86/boot/trampoline.S', TRAMPOLINE_S);
  files.set('xen/arch/x86/boot/x86_64.S', X86_64_S);
  files.set('xen/arch/x86/x86_64/entry.S', entryS());

  // boot-time calls from __start_xen to component entry points (replica 0 only: one boot path)
  const entries = rep0.comps.map((c) => c.entry).filter(Boolean);
  const early = entries.slice(0, 12), mid = entries.slice(12, 30), late = entries.slice(30);
  const cr4fns = rep0.comps.map((c) => c.cr4fn?.name).filter(Boolean);
  const bootTexts = {
    'xen/arch/x86/setup.c': setupC()
      .replace('@@EARLY_INITS@@', early.map((f) => `    ${f.name}();`).join('\n'))
      .replace('@@MID_INITS@@', mid.map((f) => `    ${f.name}();`).join('\n'))
      .replace('@@LATE_INITS@@', late.map((f) => `    ${f.name}();`).join('\n')),
    'xen/arch/x86/traps-setup.c': trapsSetupC(),
    'xen/arch/x86/smpboot.c': smpbootC(),
    'xen/arch/x86/cpu/common.c': cpuCommonC(cr4fns.slice(0, 4), cr4fns.slice(4, 8)),
    'xen/arch/x86/cpu/mcheck/mce.c': mceC(),
  };

  // --- ordinary C files
  const ctx = { globalByLevel, coreFns, names };
  for (const { comps, headers } of replicas) {
    const hdrPool = headers;
    for (const comp of comps) {
      for (const cf of comp.cFiles) {
        const r = new Rng(hash(`c:${cf.path}`));
        const body = cFile(r, cf, comp, hdrPool, rep0.headers, ctx);
        files.set(cf.path, cf.boot ? bootTexts[cf.path] + '\n' + body.functionsOnly : body.text);
      }
      for (const sf of comp.sFiles) {
        if (sf.boot) continue;
        const r = new Rng(hash(`S:${sf.path}`));
        files.set(sf.path, sFile(r, sf, comp, ctx));
      }
    }
    for (const h of headers) {
      const r = new Rng(hash(`h:${h.path}`));
      files.set(h.path, hFile(r, h, hdrPool));
    }
  }
  return files;
}

function fillHeaderPlan(h, r, macroNames, names) {
  const up = h.stem.toUpperCase();
  // ~26 #defines per header on average (xen/: 21,600 over 1,616 files, most in headers)
  const nDefines = Math.max(6, Math.round(h.size / 245));
  for (let i = 0; i < nDefines; i++) {
    const name = macroNames.take(`${up}_${r.pick(NOUNS).toUpperCase()}_${r.pick(ADJ).toUpperCase()}`);
    if (r.chance(0.14)) h.fnMacros.push({ name: name.toLowerCase().replace(/^_+/, ''), arity: r.int(1, 3) });
    else h.macros.push(name);
  }
  const nInline = r.chance(0.65) ? r.int(1, 6) : r.int(0, 2);
  for (let i = 0; i < nInline; i++) h.inlines.push({ name: names.take(`${h.stem}_${r.pick(NOUNS)}_${r.pick(VERBS)}`), ret: r.pick(RETS), nParams: r.int(1, 3) });
  const nStructs = r.int(0, 3);
  for (let i = 0; i < nStructs; i++) h.structs.push(`${h.stem}_${r.pick(NOUNS)}`);
}

function macroValue(r, h, i) {
  const prev = i > 0 ? h.macros[r.int(0, i - 1)] : null;
  switch (r.int(0, 6)) {
    case 0: return `0x${r.int(0, 0xffff).toString(16)}`;
    case 1: return `(1U << ${r.int(0, 31)})`;
    case 2: return prev ? `(${prev} + ${r.int(1, 64)})` : String(r.int(1, 4096));
    case 3: return `_AC(0x${r.int(1, 0xfffffff).toString(16)}, UL)`;
    case 4: return prev ? `(${prev} << ${r.int(1, 12)})` : `${r.int(0, 255)}`;
    case 5: return `${r.int(0, 1024)}`;
    default: return prev ? `(~${prev} & 0x${r.int(1, 0xffff).toString(16)})` : `0x${r.int(0, 255).toString(16)}U`;
  }
}

function hFile(r, h, hdrPool) {
  const guard = `__${h.path.replace(/^xen\//, '').replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}__`;
  const out = [`/* SPDX-License-Identifier: GPL-2.0-only */`, `/*`, ` * ${h.path.replace(/^xen\//, '')}`, ` *`];
  for (let i = 0, n = r.int(1, 4); i < n; i++) out.push(` * ${sentence(r, 6, 14)}`);
  out.push(` */`, `#ifndef ${guard}`, `#define ${guard}`, ``);
  out.push(`#include <xen/lib.h>`);
  for (let i = 0, n = r.int(1, 5); i < n; i++) out.push(`#include <${r.pick(hdrPool).path.replace(/^xen\/(r\d+\/)?(arch\/x86\/)?include\//, '')}>`);
  out.push('');
  let text = out.join('\n');
  const parts = [];
  // defines, in groups with comments
  let mi = 0, fi = 0;
  while (mi < h.macros.length || fi < h.fnMacros.length) {
    const g = [];
    if (r.chance(0.5)) g.push(`/* ${sentence(r, 4, 10)} */`);
    for (let k = 0, n = r.int(3, 9); k < n && mi < h.macros.length; k++, mi++) {
      const name = h.macros[mi];
      g.push(`#define ${name.padEnd(Math.max(28, name.length + 1))} ${macroValue(r, h, mi)}`);
    }
    if (fi < h.fnMacros.length && r.chance(0.6)) {
      const m = h.fnMacros[fi++];
      const args = ['x', 'y', 'z'].slice(0, m.arity);
      const k = h.macros.length ? r.pick(h.macros) : '1';
      if (r.chance(0.3)) {
        g.push(`#define ${m.name}(${args.join(', ')}) do {                \\`, `    typeof(${args[0]}) t_ = (${args[0]});                  \\`,
          `    if ( t_ & ${k} )                                   \\`, `        t_ &= ~${k};                                   \\`,
          `    (${args[0]}) = t_${args[1] ? ` | (${args[1]})` : ''};                              \\`, `} while ( 0 )`);
      } else g.push(`#define ${m.name}(${args.join(', ')}) (((${args[0]}) & ${k})${args[1] ? ` | ((${args[1]}) << ${r.int(1, 16)})` : ''})`);
    }
    g.push('');
    parts.push(g.join('\n'));
  }
  text += parts.join('\n');
  text += '\n#ifndef __ASSEMBLY__\n\n';
  const body = [];
  for (const s of h.structs) {
    const fields = [];
    for (let k = 0, n = r.int(3, 12); k < n; k++) fields.push(`    ${r.pick(SCALARS)} ${r.pick(NOUNS)}_${r.pick(ADJ)}${k};${r.chance(0.2) ? ` /* ${sentence(r, 3, 7)} */` : ''}`);
    body.push(`struct ${s} {\n${fields.join('\n')}\n};\n`);
  }
  for (const inl of h.inlines) {
    const params = Array.from({ length: inl.nParams }, (_, i) => `${r.pick(SCALARS)} ${['x', 'y', 'z'][i]}`).join(', ');
    const k = h.macros.length ? r.pick(h.macros) : '1';
    const lines = [`static inline ${inl.ret} ${inl.name}(${params})`, '{'];
    if (inl.ret === 'void') lines.push(`    if ( x & ${k} )`, `        barrier();`);
    else if (inl.ret === 'bool') lines.push(`    return (x & ${k}) != 0;`);
    else lines.push(`    ${inl.ret} v_ = x;`, ``, `    if ( v_ > ${k} )`, `        v_ -= ${k};`, `    return v_${inl.nParams > 1 ? ' ^ y' : ''};`);
    lines.push('}', '');
    body.push(lines.join('\n'));
  }
  for (const fn of h.protos) {
    body.push(`${fn.ret}${fn.ret.endsWith('*') ? '' : ' '}${fn.name}(${fn.params.length ? fn.params.map((p) => `${p.type} ${p.name}`).join(', ') : 'void'});`);
  }
  text += body.join('\n');
  text += '\n#endif /* !__ASSEMBLY__ */\n';
  // pad with further documented constants up to the planned size (headers in xen/ are mostly that)
  const pad = [];
  let size = text.length;
  while (size < h.size - 200) {
    const line = ` * ${sentence(r, 8, 16)}`;
    pad.push(line);
    size += line.length + 1;
  }
  if (pad.length) text += `\n/*\n${pad.join('\n')}\n */\n`;
  text += `\n#endif /* ${guard} */\n`;
  return text;
}

/** Picks a callee for a function of `level` in component `comp` of file `cf`. */
function pickCallee(r, fn, cf, comp, ctx, inlines) {
  // no section mismatches: only init code calls init code
  for (let tries = 0; ; tries++) {
    const c = pickCallee1(r, fn, cf, comp, ctx, inlines);
    if (fn.isInit || !c.isInit || tries > 20) return c.isInit && !fn.isInit ? r.pick(ctx.coreFns) : c;
  }
}

function pickCallee1(r, fn, cf, comp, ctx, inlines) {
  const x = r.f();
  if (x < 0.3) {
    const local = cf.funcs.filter((g) => g.level < fn.level && g !== fn && !g.entry);
    if (local.length) return r.pick(local);
  }
  if (x < 0.62) {
    const lv = r.int(0, Math.max(0, fn.level - 1));
    const xs = comp.byLevel[lv].filter((g) => g !== fn && g.level < fn.level && !g.entry);
    if (xs.length) return r.pick(xs);
  }
  if (x < 0.72 && inlines.length) return r.pick(inlines);
  if (x < 0.9) return r.pick(ctx.coreFns);
  const lv = r.int(0, Math.max(0, fn.level - 1));
  const xs = ctx.globalByLevel[lv];
  return xs.length ? r.pick(xs) : r.pick(ctx.coreFns);
}

function cFile(r, cf, comp, hdrPool, rep0Headers, ctx) {
  const out = [];
  out.push(`/* SPDX-License-Identifier: GPL-2.0-only */`, `/******************************************************************************`, ` * ${cf.path.replace(/^xen\//, '')}`, ` *`);
  for (let i = 0, n = r.int(1, 6); i < n; i++) out.push(` * ${sentence(r, 6, 14)}`);
  out.push(` */`, ``);
  // includes: the component's API headers, some others
  const inc = new Set(['xen/include/xen/init.h', 'xen/include/xen/lib.h']);
  for (const h of comp.apiHeaders) inc.add(h.path);
  const incHeaders = [...comp.apiHeaders];
  for (let i = 0, n = r.int(4, 12); i < n; i++) { const h = r.pick(hdrPool); if (!inc.has(h.path)) { inc.add(h.path); incHeaders.push(h); } }
  if (r.chance(0.3)) for (const p of ['xen/arch/x86/include/asm/system.h', 'xen/arch/x86/include/asm/smp.h']) inc.add(p);
  for (const p of inc) out.push(`#include <${p.replace(/^xen\/(r\d+\/)?(arch\/x86\/)?include\//, '')}>`);
  out.push('');
  const macros = incHeaders.flatMap((h) => h.macros);
  const fnMacros = incHeaders.flatMap((h) => h.fnMacros);
  const inlines = incHeaders.flatMap((h) => h.inlines);
  const structs = incHeaders.flatMap((h) => h.structs);
  // local defines
  const localMacros = [];
  const up = path.posix.basename(cf.path, '.c').toUpperCase().replace(/[^A-Z0-9]/g, '_');
  for (let i = 0, n = r.int(2, 9); i < n; i++) {
    const name = ctx.names.take(`${up}_${r.pick(NOUNS).toUpperCase()}_${r.pick(ADJ).toUpperCase()}`);
    localMacros.push(name);
    out.push(`#define ${name.padEnd(28)} ${r.chance(0.5) ? `0x${r.int(1, 0xffff).toString(16)}` : `(1U << ${r.int(0, 30)})`}`);
  }
  out.push('');
  const K = () => (r.chance(0.6) && (macros.length || localMacros.length) ? r.pick(r.chance(0.5) && macros.length ? macros : localMacros.length ? localMacros : macros) : String(r.int(0, 64)));
  // file-scope state
  const lock = `${comp.prefix}_${r.pick(NOUNS)}_lock`;
  out.push(`static DEFINE_SPINLOCK(${lock});`);
  const vars = [];
  for (let i = 0, n = r.int(1, 5); i < n; i++) {
    const v = `${r.chance(0.5) ? 'opt_' : ''}${comp.prefix}_${r.pick(NOUNS)}_${r.pick(ADJ)}${i}`;
    vars.push(v);
    out.push(`static ${r.pick(['unsigned int', 'bool', 'unsigned long', 'int'])} ${r.pick(['__read_mostly ', '__initdata ', '', ''])}${v}${r.chance(0.5) ? ` = ${r.int(0, 16)}` : ''};`);
    if (v.startsWith('opt_') && r.chance(0.5)) out.push(`integer_param("${v.slice(4).replace(/_/g, '-')}", ${v});`);
  }
  if (structs.length && r.chance(0.6)) out.push(`static struct ${r.pick(structs)} ${comp.prefix}_${r.pick(NOUNS)}_state[${r.pick(['NR_CPUS', '16', '64', '4'])}];`);
  out.push('');
  const fnText = [];
  for (const fn of cf.funcs) {
    fnText.push(cFunction(r, fn, cf, comp, ctx, { K, macros, fnMacros, inlines, lock, vars, structs }));
    if (fn.entry) fnText.push(`__initcall(${fn.name});\n`);
  }
  const functionsOnly = fnText.join('\n');
  out.push(functionsOnly);
  out.push(`/*\n * Local variables:\n * mode: C\n * c-file-style: "BSD"\n * c-basic-offset: 4\n * indent-tabs-mode: nil\n * End:\n */\n`);
  return { text: out.join('\n'), functionsOnly };
}

/** Functions whose bodies are written out: the IRQ-flag helpers and the CR4 feature set-ups. */
const SPECIAL_BODIES = {
  _spin_lock_irqsave: (fn) => [`    unsigned long flags;`, ``, `    local_irq_save(flags);`, `    _spin_lock(${fn.params[0].name});`, `    return flags;`],
  _spin_unlock_irqrestore: (fn) => [`    _spin_unlock(${fn.params[0].name});`, `    local_irq_restore(${fn.params[1].name});`],
};

function cFunction(r, fn, cf, comp, ctx, env) {
  const lines = [];
  if (r.chance(0.4)) {
    lines.push('/*');
    for (let i = 0, n = r.int(1, 4); i < n; i++) lines.push(` * ${sentence(r, 6, 14)}`);
    lines.push(' */');
  }
  const params = fn.params.length ? fn.params.map((p) => `${p.type} ${p.name}`).join(', ') : 'void';
  const ret = fn.ret;
  lines.push(`${fn.isStatic ? 'static ' : ''}${ret}${ret.endsWith('*') ? '' : ' '}${fn.isInit ? '__init ' : ''}${fn.name}(${params})`);
  lines.push('{');
  if (SPECIAL_BODIES[fn.name]) { lines.push(...SPECIAL_BODIES[fn.name](fn), '}', ''); return lines.join('\n'); }
  const locals = ['rc', 'i', 'n', 'val', 'flags'];
  lines.push(`    int rc = 0;`, `    unsigned int i, n = ${env.K()};`, `    unsigned long val = 0, flags;`);
  if (r.chance(0.3) && env.structs.length) { lines.push(`    struct ${r.pick(env.structs)} *s = NULL;`); locals.push('s'); }
  lines.push('');
  const vars = [...locals.filter((l) => l !== 's'), ...fn.params.map((p) => p.name)];
  // size of this function's body: the file's budget spread over its functions
  const target = 0.50 * Math.max(300, (cf.size - 1500) / Math.max(1, cf.funcs.length)) * (0.4 + r.f() * 1.2);
  let size = 0;
  let calls = 0;
  const st = { depth: 0, usedLock: false };
  const body = [];
  if (fn.entry) {
    // a component's boot entry: calls into its own top-level functions
    const tops = comp.byLevel.slice(3).flat().filter((g) => !g.entry);
    for (let k = 0; k < Math.min(6, tops.length); k++) body.push(`    ${callExpr(r, r.pick(tops), vars, env)};`);
  }
  if (fn.cr4) {
    // a CPU feature turned on in CR4 (and recorded in mmu_cr4_features for the APs)
    body.push(`    if ( !(read_cr4() & ${fn.cr4}) && ${env.K()} )`, fn.cr4clear ? `        clear_in_cr4(${fn.cr4});` : `        set_in_cr4(${fn.cr4});`);
  }
  for (const g of fn.mustCall ?? []) body.push(`    if ( ${expr(r, vars, env)} )`, `        ${callExpr(r, g, vars, env)};`);
  while (size < target) {
    const s = stmt(r, fn, cf, comp, ctx, env, vars, 1, st);
    size += s.length;
    calls++;
    body.push(s);
  }
  lines.push(...body);
  if (st.out) lines.push('', ' out:');
  if (ret === 'void') lines.push(st.out ? '    return;' : '');
  else if (ret.endsWith('*')) lines.push(`    return rc ? NULL : (void *)val;`);
  else if (ret === 'bool') lines.push(`    return rc == 0;`);
  else lines.push(`    return ${ret === 'int' || ret === 'long' ? 'rc' : 'val'};`);
  lines.push('}', '');
  void calls;
  return lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n');
}

function callExpr(r, callee, vars, env) {
  const args = [];
  const n = callee.nParams ?? callee.params?.length ?? 0;
  for (let i = 0; i < n; i++) args.push(r.chance(0.6) ? r.pick(vars) : env.K());
  return `${callee.name}(${args.join(', ')})`;
}

function expr(r, vars, env) {
  const a = r.pick(vars);
  switch (r.int(0, 5)) {
    case 0: return `${a} & ${env.K()}`;
    case 1: return `${a} > ${env.K()}`;
    case 2: return `!${a}`;
    case 3: {
      if (!env.fnMacros.length) return `${a} == ${env.K()}`;
      const m = r.pick(env.fnMacros);
      return `${m.name}(${[a, ...Array.from({ length: m.arity - 1 }, () => r.pick(vars))].join(', ')})`;
    }
    case 4: return `${a} != ${r.pick(vars)}`;
    default: return `(${a} + ${env.K()}) < ${r.pick(vars)}`;
  }
}

function stmt(r, fn, cf, comp, ctx, env, vars, depth, st) {
  const ind = '    '.repeat(depth);
  const kind = r.f();
  const nested = depth < 4;
  if (kind < 0.30) {
    const callee = pickCallee(r, fn, cf, comp, ctx, env.inlines);
    const call = callExpr(r, callee, vars, env);
    if (callee.ret === 'int' && r.chance(0.5)) {
      if (r.chance(0.4)) { st.out = true; return `${ind}rc = ${call};\n${ind}if ( rc )\n${ind}    goto out;`; }
      return `${ind}rc = ${call};`;
    }
    if (callee.ret && callee.ret !== 'void' && !callee.ret.endsWith('*') && r.chance(0.5)) return `${ind}val ${r.pick(['=', '+=', '|='])} ${call};`;
    return `${ind}${call};`;
  }
  if (kind < 0.42) return `${ind}${r.pick(vars.filter((v) => v !== 'flags'))} ${r.pick(['=', '|=', '&=', '+=', '-='])} ${expr(r, vars, env)};`;
  if (kind < 0.50) {
    const lvl = r.pick(XENLOG);
    return `${ind}printk(${lvl} "${comp.prefix}: ${r.pick(NOUNS)} %u ${r.pick(VERBS)} failed: %d\\n", ${r.pick(vars)}, rc);`;
  }
  if (kind < 0.66 && nested) {
    const inner = [];
    for (let k = 0, n = r.int(1, 3); k < n; k++) inner.push(stmt(r, fn, cf, comp, ctx, env, vars, depth + 1, st));
    let s = `${ind}if ( ${expr(r, vars, env)} )\n`;
    s += inner.length === 1 ? inner[0] : `${ind}{\n${inner.join('\n')}\n${ind}}`;
    if (r.chance(0.3)) s += `\n${ind}else\n${stmt(r, fn, cf, comp, ctx, env, vars, depth + 1, st)}`;
    return s;
  }
  if (kind < 0.74 && nested) {
    const inner = [];
    for (let k = 0, n = r.int(1, 3); k < n; k++) inner.push(stmt(r, fn, cf, comp, ctx, env, vars, depth + 1, st));
    if (r.chance(0.15)) return `${ind}for_each_online_cpu ( i )\n${ind}{\n${inner.join('\n')}\n${ind}}`;
    return `${ind}for ( i = 0; i < ${r.chance(0.5) ? 'n' : env.K()}; i++ )\n${ind}{\n${inner.join('\n')}\n${ind}}`;
  }
  if (kind < 0.79 && nested) {
    const cases = [];
    for (let k = 0, n = r.int(2, 5); k < n; k++) {
      cases.push(`${ind}case ${env.K()}:\n${stmt(r, fn, cf, comp, ctx, env, vars, depth + 1, st)}\n${ind}    break;`);
    }
    cases.push(`${ind}default:\n${ind}    rc = -${r.pick(ERRNOS)};\n${ind}    break;`);
    return `${ind}switch ( ${r.pick(vars)} )\n${ind}{\n${cases.join('\n\n')}\n${ind}}`;
  }
  if (kind < 0.83 && nested && !st.usedLock) {
    st.usedLock = true;
    const irq = r.chance(0.12);
    const inner = [stmt(r, fn, cf, comp, ctx, env, vars, depth, st), stmt(r, fn, cf, comp, ctx, env, vars, depth, st)];
    return irq ? `${ind}spin_lock_irqsave(&${env.lock}, flags);\n${inner.join('\n')}\n${ind}spin_unlock_irqrestore(&${env.lock}, flags);`
      : `${ind}spin_lock(&${env.lock});\n${inner.join('\n')}\n${ind}spin_unlock(&${env.lock});`;
  }
  if (kind < 0.86) return `${ind}${r.pick(['ASSERT', 'BUG_ON', 'ASSERT'])}(${expr(r, vars, env)});`;
  if (kind < 0.88 && r.chance(0.5)) return `${ind}/* ${sentence(r, 5, 12)} */`;
  if (kind < 0.90) return `${ind}if ( ${expr(r, vars, env)} )\n${ind}    return${fn.ret === 'void' ? '' : fn.ret === 'bool' ? ' false' : fn.ret.endsWith('*') ? ' NULL' : ` -${r.pick(ERRNOS)}`};`;
  if (kind < 0.92 && env.vars.length) return `${ind}${r.pick(env.vars)} = ${r.pick(vars)};`;
  if (kind < 0.9208) return `${ind}local_irq_enable();`;
  return `${ind}val = ${r.pick(vars)} ${r.pick(['<<', '>>', '^', '|', '&'])} ${env.K()};`;
}

function sFile(r, sf, comp, ctx) {
  const out = [`/* SPDX-License-Identifier: GPL-2.0-only */`, `/*`, ` * ${sf.path.replace(/^xen\//, '')}`, ` *`, ` * ${sentence(r, 6, 14)}`, ` */`, ``,
    `#include <asm/config.h>`, ``];
  const up = path.posix.basename(sf.path, '.S').toUpperCase().replace(/[^A-Z0-9]/g, '_');
  for (let i = 0, n = r.int(1, 6); i < n; i++) out.push(`#define ${ctx.names.take(`${up}_${r.pick(ADJ).toUpperCase()}`)} ${r.int(0, 255)}`);
  out.push('');
  const macro = ctx.names.take(`${comp.prefix}_${r.pick(VERBS)}_regs`);
  out.push(`        .macro ${macro} reg:req`, `        pushq   \\reg`, `        popq    \\reg`, `        .endm`, '');
  out.push(`        .text`, `        .code64`, '');
  const REGS = ['%rax', '%rbx', '%rcx', '%rdx', '%rsi', '%rdi', '%r8', '%r9', '%r10', '%r11'];
  const REG32 = ['%eax', '%ebx', '%ecx', '%edx', '%esi', '%edi'];
  let size = out.join('\n').length;
  let label = 0;
  const callees = ctx.coreFns.filter((f) => f.nParams <= 2);
  while (size < sf.size) {
    const name = ctx.names.take(`${comp.prefix}_${r.pick(NOUNS)}_${r.pick(VERBS)}_asm`);
    const fnl = [`ENTRY(${name})`, `        pushq   %rbp`, `        movq    %rsp,%rbp`];
    for (let k = 0, n = r.int(6, 30); k < n; k++) {
      const x = r.f();
      const a = r.pick(REGS), b = r.pick(REGS);
      if (x < 0.25) fnl.push(`        movq    ${a},${b}`);
      else if (x < 0.35) fnl.push(`        movl    $${r.int(0, 4096)},${r.pick(REG32)}`);
      else if (x < 0.45) fnl.push(`        addq    $${r.int(1, 64)},${a}`);
      else if (x < 0.52) fnl.push(`        andq    $0x${r.int(1, 0xfff).toString(16)},${a}`);
      else if (x < 0.60) { fnl.push(`        testq   ${a},${a}`, `        jz      .L${name}_${label}`, `        subq    $1,${a}`, `.L${name}_${label}:`); label++; }
      else if (x < 0.67) fnl.push(`        movq    ${r.int(0, 15) * 8}(%rdi),${a}`);
      else if (x < 0.72) fnl.push(`        movq    ${a},${r.int(0, 15) * 8}(%rsi)`);
      else if (x < 0.77) fnl.push(`        leaq    ${r.int(0, 64)}(${a},${b},8),%rax`);
      else if (x < 0.82) fnl.push(`        cmpq    $${r.int(0, 255)},${a}`, `        jae     1f`, `        xorl    %eax,%eax`, `1:`);
      else if (x < 0.86) fnl.push(`        ${macro} ${a}`);
      else if (x < 0.89) fnl.push(`        call    ${r.pick(callees).name}`);
      else if (x < 0.93) fnl.push(`        shlq    $${r.int(1, 12)},${a}`);
      else if (x < 0.96) fnl.push(`        /* ${sentence(r, 4, 10)} */`);
      else fnl.push(`        movq    %cr3,%rax`, `        movq    %rax,%cr3`);
    }
    fnl.push(`        popq    %rbp`, `        ret`, `        .type ${name}, @function`, `        .size ${name}, . - ${name}`, '');
    if (r.chance(0.2)) {
      fnl.push(`        .section .rodata, "a", @progbits`, `        .align 8`, `${name}_table:`);
      for (let k = 0, n = r.int(2, 12); k < n; k++) fnl.push(`        .quad   ${r.chance(0.5) ? name : `0x${r.int(0, 0xffffff).toString(16)}`}`);
      fnl.push(`        .text`, '');
    }
    const t = fnl.join('\n');
    out.push(t);
    size += t.length + 1;
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------

export function generate(scale, outDir) {
  const files = buildTree(scale);
  if (existsSync(outDir)) {
    // only ever replace a tree this script wrote (or an empty directory)
    if (!existsSync(path.join(outDir, '.bench-tree.json')) && readdirSync(outDir).length > 0) throw new Error(`${outDir} exists and is not a generated tree (no .bench-tree.json): not overwriting it`);
    rmSync(outDir, { recursive: true, force: true });
  }
  let bytes = 0;
  const dirs = new Set();
  for (const [p, text] of files) {
    const full = path.join(outDir, p);
    const d = path.dirname(full);
    if (!dirs.has(d)) { mkdirSync(d, { recursive: true }); dirs.add(d); }
    writeFileSync(full, text);
    bytes += Buffer.byteLength(text);
  }
  const stamp = { generator: generatorId(), scale, files: files.size, bytes };
  writeFileSync(path.join(outDir, '.bench-tree.json'), JSON.stringify(stamp, null, 2) + '\n');
  return stamp;
}

/** Changes whenever this file does: a tree generated by an older generator is generated again. */
export function generatorId() {
  return `${GENERATOR_VERSION}-${hash(readFileSync(fileURLToPath(import.meta.url), 'utf8')).toString(16)}`;
}

export function parseScale(s) {
  const m = /^(\d+)x?$/.exec(String(s));
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 16) throw new Error(`bad scale "${s}" (1, 2, 4, 1x, 2x, 4x ...)`);
  return Number(m[1]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [s, out] = process.argv.slice(2);
  if (!s || !out) { process.stderr.write('usage: node bench/generate.mjs SCALE OUTDIR\n'); process.exit(2); }
  const t0 = performance.now();
  let st;
  try { st = generate(parseScale(s), path.resolve(out)); } catch (e) { process.stderr.write(`generate: ${e.message}\n`); process.exit(2); }
  process.stdout.write(`${out}: ${st.files} files, ${(st.bytes / 1e6).toFixed(1)} MB (scale ${st.scale}x) in ${Math.round(performance.now() - t0)} ms\n`);
}
