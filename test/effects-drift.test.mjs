// What the walker recognises and what the text-level passes that prune its callees look for come
// from one place (server/src/effects/insn.ts, server/src/effects/vocabulary.ts): an instruction
// spelt with a size suffix in C inline asm, or an init wipe over another init-boundary symbol of
// the profile, is seen the same way everywhere. Small trees written here, checked by the real CLI.
//
//   node --test test/effects-drift.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');

/** The JSON report of a tree given as { path: text }. */
function check(files) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-drift-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    try {
      return JSON.parse(execFileSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    } catch (e) {
      if (e.status !== 1) throw e;
      return JSON.parse(e.stdout);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const warnings = (r) => r.findings.filter((f) => f.severity === 'warning').map((f) => `${f.rule} ${f.role} ${f.location.file}:${f.location.line}`);

const HEAD_S = `
        .text
        .code64
        .globl start
start:
        call    __start_xen
        ud2
`;

const DESC_H = `
typedef struct { unsigned long a, b; } idt_entry_t;
struct desc_ptr { unsigned short limit; unsigned long base; } __attribute__((packed));
extern idt_entry_t idt_table[256];
extern void nmi(void);
static inline void _set_gate(idt_entry_t *gate, unsigned int type, unsigned int dpl, void *addr)
{
    idt_entry_t g;

    g.a = ((unsigned long)addr & 0xffff) | (0xe008UL << 16) | ((unsigned long)type << 40) |
          ((unsigned long)dpl << 45) | (1UL << 47) | (((unsigned long)addr & 0xffff0000UL) << 32);
    g.b = (unsigned long)addr >> 32;
    *gate = g;
}
static inline void set_ist(idt_entry_t *gate, unsigned int ist)
{
    gate->a = (gate->a & ~(7UL << 32)) | ((unsigned long)ist << 32);
}
static inline void ltr(unsigned int sel)
{
    asm volatile ( "ltr %w0" : : "rm" (sel) : "memory" );
}
`;

/** A boot CPU that gives the NMI gate an IST stack, then loads the IDT with \`mnemonic\` before its TSS. */
function lidtTree(mnemonic) {
  return {
    '.trapline.json': JSON.stringify({ profile: 'generic', roles: [{ name: 'bsp', entry: 'start' }] }),
    'boot/head.S': HEAD_S,
    'desc.h': DESC_H,
    'setup.c': `#include "desc.h"

idt_entry_t idt_table[256];

static void load_idt(const struct desc_ptr *d)
{
    asm volatile ( "${mnemonic} %0" : : "m" (*d) );
}

void __start_xen(void)
{
    struct desc_ptr idtr = { .limit = sizeof(idt_table) - 1, .base = (unsigned long)idt_table };

    _set_gate(&idt_table[2], 14, 0, nmi);
    set_ist(&idt_table[2], 1);
    load_idt(&idtr);
    ltr(0x40);
}
`,
  };
}

test('TL001: `lidtl` in C inline asm is the same IDT load as `lidt` (one instruction table for .S and inline asm)', () => {
  // line 7: the asm statement inside load_idt
  for (const m of ['lidt', 'lidtl', 'lidtq']) {
    const r = check(lidtTree(m));
    assert.deepEqual(warnings(r), ['TL001 bsp setup.c:7'], m);
    assert.ok(r.roles[0].steps.some((s) => s.text.startsWith('lidt')), `${m}: a lidt step`);
  }
});

test('TL003: a callee that wipes init memory in a loop over `_sinittext` (a xen init-boundary symbol) is the free point', () => {
  const r = check({
    '.trapline.json': JSON.stringify({ profile: 'xen', roles: [{ name: 'bsp', kind: 'bsp', entry: 'start' }] }),
    'boot/head.S': HEAD_S,
    'desc.h': DESC_H,
    'setup.c': `#include "desc.h"

#define __init __attribute__((__section__(".init.text")))

idt_entry_t idt_table[256];
extern char _sinittext[], _einittext[];

void __init early_nmi(void)
{
}

static void scrub_boot_code(void)
{
    char *p;

    for ( p = _sinittext; p < _einittext; p++ )
        *p = 0xcc;
}

void __init __start_xen(void)
{
    struct desc_ptr idtr = { .limit = sizeof(idt_table) - 1, .base = (unsigned long)idt_table };

    _set_gate(&idt_table[2], 14, 0, early_nmi);
    asm volatile ( "lidt %0" : : "m" (idtr) );
    ltr(0x40);
    scrub_boot_code();
    for ( ;; )
        ;
}
`,
  });
  const free = r.roles[0].steps.find((s) => s.text.startsWith('for ( p = _sinittext'));
  assert.ok(free, `a free-init step in scrub_boot_code: ${r.roles[0].steps.map((s) => s.text).join(' | ')}`);
  assert.ok(warnings(r).some((w) => w.startsWith('TL003 bsp')), warnings(r).join('\n'));
});
