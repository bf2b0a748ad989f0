/*
 * Secondary CPU bring-up.
 */
#include <asm/config.h>
#include <asm/processor.h>
#include <asm/desc.h>
#include <asm/smp.h>
#include <asm/system.h>

extern void load_system_tables(void);
extern void disable_each_ist(idt_entry_t *idt);
extern void startup_cpu_idle_loop(void);
extern void *alloc_xenheap_pages(unsigned int order, unsigned int flags);

unsigned int nr_cpu_ids = 4;

/*
 * Each secondary CPU gets its own copy of the boot CPU's table, without
 * IST indices until that CPU has loaded its TSS.
 */
static int cpu_smpboot_alloc(unsigned int cpu)
{
    idt_tables[cpu] = alloc_xenheap_pages(0, 0);
    if ( idt_tables[cpu] == NULL )
        return -1;
    memcpy(idt_tables[cpu], idt_table, IDT_ENTRIES * sizeof(idt_entry_t));
    disable_each_ist(idt_tables[cpu]);
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
    /* Leaves the critical region on this CPU's own table and TSS. */
    load_system_tables();

    /* #MC is deliverable now: take every CR4 feature the boot CPU set. */
    write_cr4(mmu_cr4_features);

    local_irq_enable();

    startup_cpu_idle_loop();
}

int cpu_up(unsigned int cpu)
{
    /* INIT-SIPI-SIPI to the trampoline, then wait for the CPU (not shown). */
    return 0;
}
