// Which callees the boot path walks is decided by what their code does to the machine (a
// descriptor load or CR4 write in their asm, an IST store, a copy of an IDT), not by the words
// that happen to spell an instruction or by which function the summary was asked about first.
//
//   node --test test/relevance.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import api from '../out/api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WASM = join(ROOT, 'dist');

/** tl001-bsp-ist-before-ltr (trap_init loads an IDT with IST gates before load_system_tables' ltr) with its setup.c replaced. */
async function analyzeWithSetup(setup) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-relevance-'));
  try {
    cpSync(join(ROOT, 'test/fixtures/tl001-bsp-ist-before-ltr'), dir, { recursive: true });
    writeFileSync(join(dir, 'setup.c'), setup);
    return await api.analyze(dir, { wasmDir: WASM });
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const HEAD = `#include <asm/config.h>
#include <asm/processor.h>
#include <asm/desc.h>
#include <asm/system.h>

extern void trap_init(void);
extern void load_system_tables(void);
extern void console_init(void);

char cpu0_stack[STACK_SIZE];
unsigned long boot_gdt[8];
`;

test('TL001 bsp: a hazard under a function that also enables interrupts is found whichever function the summary is asked about first', async () => {
  const a = await analyzeWithSetup(`${HEAD}
static void __init start_kernel(void)
{
    trap_init();
    load_system_tables();
    local_irq_enable();
}

static void __init start_reservations(void)
{
    start_kernel();
}

void __init __start_xen(unsigned long mbi_p)
{
    console_init();
    start_reservations();
    for ( ;; )
        asm volatile ( "hlt" );
}
`);
  const tl001 = a.findings.filter((f) => f.rule === 'TL001' && f.role === 'bsp');
  assert.equal(tl001.length, 1, a.findings.map((f) => `${f.rule} ${f.message}`).join('\n'));
  assert.equal(tl001[0].range.file, 'traps.c');
});

test('a mnemonic spelled as a name, a CR4 read, a copy of a string and a name in a non-descriptor .address initialiser are no boot effects: their functions are not walked', async () => {
  const a = await analyzeWithSetup(`${HEAD}
struct latch_tree_root { void *tree[2]; };
struct page_walk { unsigned long address; void *page; };
static const char trunc_msg[] = "<truncated>";
extern void note(void *p);
extern void *memcpy(void *d, const void *s, unsigned long n);

static void *find_node(struct latch_tree_root *ltr, int idx)
{
    note(ltr);
    return ltr->tree[idx];
}

static unsigned long peek_cr4(void)
{
    unsigned long cr4;

    asm volatile ( "mov %%cr4, %0" : "=r" (cr4) );
    note(&cr4);
    return cr4;
}

static void log_store(char *buf, const char *text, unsigned long n)
{
    memcpy(buf, text, n);
    memcpy(buf + n, trunc_msg, sizeof(trunc_msg));
    note(buf);
}

static void walk_page(unsigned long addr)
{
    struct page_walk w = { .address = addr, .page = 0 };

    note(&w);
}

extern int check(unsigned long addr, int n);

static int in_range(unsigned long addr)
{
    return check(addr, 1);
}

static void poke_cr4(unsigned long v)
{
    asm volatile ( "mov %0, %%cr4" : : "r" (v) );
    note(&v);
}

void __init __start_xen(unsigned long mbi_p)
{
    static struct latch_tree_root root;
    char buf[64];

    console_init();
    find_node(&root, 0);
    peek_cr4();
    log_store(buf, "x", 1);
    walk_page(0);
    in_range(0);
    poke_cr4(0);
    trap_init();
    load_system_tables();
    for ( ;; )
        asm volatile ( "hlt" );
}
`);
  const bsp = a.paths.find((p) => p.role.name === 'bsp');
  const walked = new Set(bsp.calls.map((c) => c.caller));
  for (const fn of ['find_node', 'peek_cr4', 'log_store', 'in_range']) assert.ok(!walked.has(fn), `${fn} is not walked`);
  assert.ok(walked.has('poke_cr4'), 'a CR4 write is walked');
  assert.ok(bsp.calls.some((c) => c.callee === 'find_node' && c.caller === '__start_xen'), 'the call itself is still recorded');
  assert.equal(a.findings.filter((f) => f.rule === 'TL001').length, 1, 'the hazard of the fixture is still found');
});
