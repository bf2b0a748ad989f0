/*
 * External interrupt vectors.
 */
#include <asm/config.h>
#include <asm/traps.h>

extern void set_intr_gate(unsigned int n, void *addr);
extern void irq_common_entry(void);

void __init init_IRQ(void)
{
    unsigned int vector;

    for ( vector = FIRST_DYNAMIC_VECTOR; vector < IDT_ENTRIES; vector++ )
        set_intr_gate(vector, &irq_common_entry);
}
