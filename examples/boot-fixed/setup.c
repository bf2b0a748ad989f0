/*
 * C entry of the boot CPU: bring up the exception handling, the other
 * CPUs, then give back the init sections.
 */
#include <asm/config.h>
#include <asm/processor.h>
#include <asm/desc.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/traps.h>

extern void trap_init(void);
extern void load_system_tables(void);
extern void init_IRQ(void);
extern void mcheck_init(void);
extern void smp_prepare_cpus(void);
extern void init_done(void);
extern void cmdline_parse(const char *cmdline);
extern void setup_memory(unsigned long mbi_p);

char cpu0_stack[STACK_SIZE];
unsigned long boot_gdt[GDT_ENTRIES];
unsigned long stack_start;
static const char *boot_cmdline;

/* CR4 bits every CPU runs with; later set-up ORs more into it. */
unsigned long mmu_cr4_features = X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR;

void __init __start_xen(unsigned long mbi_p)
{
    unsigned int i;

    /*
     * Still in the critical region: fill the table (no IST yet), then
     * load_system_tables() sets up the IST stacks, loads the table and the
     * TSS, and only then turns the IST indices on.
     */
    trap_init();
    load_system_tables();

    /* Full exception handling (bug frames, fixups) from here on. */
    cmdline_parse(boot_cmdline);
    setup_memory(mbi_p);

    init_IRQ();
    mcheck_init();

    smp_prepare_cpus();

    local_irq_enable();

    for ( i = 1; i < nr_cpu_ids; i++ )
        cpu_up(i);

    init_done();
}
