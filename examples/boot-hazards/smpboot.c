/*
 * Secondary CPU bring-up.
 */
#include <asm/config.h>
#include <asm/processor.h>
#include <asm/desc.h>
#include <asm/smp.h>
#include <asm/system.h>

extern void load_system_tables(void);
extern void startup_cpu_idle_loop(void);
extern void *alloc_xenheap_pages(unsigned int order, unsigned int flags);

unsigned int nr_cpu_ids = 4;

/* Each secondary CPU gets its own copy of the boot CPU's table. */
static int cpu_smpboot_alloc(unsigned int cpu)
{
    idt_tables[cpu] = alloc_xenheap_pages(0, 0);
    if ( idt_tables[cpu] == NULL )
        return -1;
    memcpy(idt_tables[cpu], idt_table, IDT_ENTRIES * sizeof(idt_entry_t));
    return 0;
}

void __init smp_prepare_cpus(void)
{
    unsigned int cpu;

    for ( cpu = 1; cpu < NR_CPUS; cpu++ )
        cpu_smpboot_alloc(cpu);
}

void start_secondary(void)
{
    unsigned int cpu = smp_processor_id();
    struct desc_ptr idtr;

    /* IST stacks, then the TSS. */
    load_system_tables();

    /* Move onto this CPU's own copy of the table. */
    idtr.limit = IDT_ENTRIES * sizeof(idt_entry_t) - 1;
    idtr.base = (unsigned long)idt_tables[cpu];
    asm volatile ( "lidt %0" : : "m" (idtr) );

    local_irq_enable();

    startup_cpu_idle_loop();
}

int cpu_up(unsigned int cpu)
{
    /* INIT-SIPI-SIPI to the trampoline, then wait for the CPU (not shown). */
    return 0;
}
