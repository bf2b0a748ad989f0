/* IDT gates and descriptor-table loads. */
#ifndef __ASM_X86_DESC_H__
#define __ASM_X86_DESC_H__

#include <asm/config.h>

#define SYS_DESC_irq_gate   14
#define SYS_DESC_trap_gate  15

typedef struct {
    unsigned long a, b;
} idt_entry_t;

struct desc_ptr {
    unsigned short limit;
    unsigned long  base;
} __attribute__((packed));

extern idt_entry_t idt_table[IDT_ENTRIES];
extern idt_entry_t *idt_tables[NR_CPUS];

/* Write one whole 16-byte gate. */
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

#endif /* __ASM_X86_DESC_H__ */
