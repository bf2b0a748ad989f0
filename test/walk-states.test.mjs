// Machine states are compared by what they hold, not by which object holds it: a call that
// leaves the state as it found it is walked once and is no step the second time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import api from '../out/api.js';

const SETUP = `struct gate { unsigned long a, b; };
struct gate idt_table[256];
extern void nmi(void);

static void set_gate(struct gate *g, void *addr)
{
    g->b = (unsigned long)addr >> 32;
    g->a = ((unsigned long)addr & 0xffff) | (0xe008UL << 16) | (0x8eUL << 40) |
           (((unsigned long)addr & 0xffff0000UL) << 32);
}

static void set_ist(struct gate *g, unsigned int ist)
{
    g->a = (g->a & ~(7UL << 32)) | ((unsigned long)ist << 32);
}

static void clear_nmi_ist(void)
{
    set_ist(&idt_table[2], 0);
}

struct desc_ptr { unsigned short limit; unsigned long base; } __attribute__((packed));
static const struct desc_ptr idtr = { .limit = sizeof(idt_table) - 1, .base = (unsigned long)idt_table };

void start(void)
{
    set_gate(&idt_table[2], &nmi);
    clear_nmi_ist();
    clear_nmi_ist();
    asm volatile ( "lidt %0" : : "m" (idtr) );
}
`;

/** `setup.c` alone in a tree, walked as the boot CPU from `start`. */
async function analyzeBsp(source) {
  const dir = mkdtempSync(path.join(tmpdir(), 'trapline-states-'));
  writeFileSync(path.join(dir, 'setup.c'), source);
  writeFileSync(path.join(dir, '.trapline.json'), JSON.stringify({ profile: 'generic', roles: [{ name: 'bsp', kind: 'bsp', entry: 'start' }] }));
  return api.analyze(dir, { wasmDir: 'dist' });
}

test('walk: a call that rewrites what the table already holds is walked once, then no step', async () => {
  const a = await analyzeBsp(SETUP);
  const steps = a.paths[0].steps;
  // set_gate leaves IST 0: the first call writes 0 over 0 (a new table with the same contents)
  assert.deepEqual(steps.map((s) => s.effect.text), ['set_gate(&idt_table[2], &nmi)', 'clear_nmi_ist()', 'set_ist(&idt_table[2], 0)', 'lidt idtr']);
  assert.equal(steps[2].after[0].tables.get('idt_table'), steps[0].after[0].tables.get('idt_table'), 'same contents, same table');
  a.index.dispose();
});

const REORDER = `enum system_state { SYS_STATE_early_boot, SYS_STATE_boot, SYS_STATE_active } system_state;
extern int probe(void);
struct gate { unsigned long a, b; };
struct gate idt_table[256];
struct desc_ptr { unsigned short limit; unsigned long base; } __attribute__((packed));
static const struct desc_ptr idtr = { .limit = sizeof(idt_table) - 1, .base = (unsigned long)idt_table };

static void early_mce(void)
{
    unsigned long cr4 = 0x40;
    if ( system_state == SYS_STATE_boot )
        return;
    if ( system_state == SYS_STATE_early_boot )
        asm volatile ( "mov %0,%%cr4" : : "r" (cr4) );
}

static void active_mce(void)
{
    unsigned long cr4 = 0x40;
    if ( system_state == SYS_STATE_active )
        return;
    if ( system_state == SYS_STATE_early_boot )
        asm volatile ( "mov %0,%%cr4" : : "r" (cr4) );
}

void start(void)
{
    if ( probe() )
        system_state = SYS_STATE_boot;
    else
        system_state = SYS_STATE_active;
    early_mce();
    active_mce();
    early_mce();
    asm volatile ( "lidt %0" : : "m" (idtr) );
}
`;

test('walk: a call met again that hands back the same paths in another order changed nothing: no "(as before)" step', async () => {
  const a = await analyzeBsp(REORDER);
  const steps = a.paths[0].steps;
  // two paths (system_state boot or active) reach each call; the one that returns early comes
  // back last, so the paths swap places at each call: the second early_mce is met with the
  // states of the first, and hands back the same two states, neither path at the CR4 write
  assert.deepEqual(steps.map((s) => s.effect.text), ['lidt idtr']);
  assert.equal(steps[0].before.length, 2);
  a.index.dispose();
});
