/*
 * Exception handlers and the per-CPU system tables.
 */
#include <asm/config.h>
#include <asm/processor.h>
#include <asm/desc.h>
#include <asm/smp.h>
#include <asm/traps.h>

idt_entry_t idt_table[IDT_ENTRIES];
idt_entry_t *idt_tables[NR_CPUS] __read_mostly;
struct tss_struct init_tss[NR_CPUS];
static char ist_stacks[NR_CPUS][IST_MAX][PAGE_SIZE];
extern unsigned long boot_gdt[GDT_ENTRIES];

extern void divide_error(void), debug(void), nmi(void), int3(void);
extern void overflow(void), bounds(void), invalid_op(void);
extern void device_not_available(void), double_fault(void);
extern void invalid_TSS(void), segment_not_present(void);
extern void stack_segment(void), general_protection(void), page_fault(void);
extern void coprocessor_error(void), alignment_check(void);
extern void machine_check(void), simd_coprocessor_error(void);
extern void entry_reserved(void);

void set_intr_gate(unsigned int n, void *addr)
{
    _set_gate(&idt_table[n], SYS_DESC_irq_gate, 0, addr);
}

static void set_swint_gate(unsigned int n, void *addr)
{
    _set_gate(&idt_table[n], SYS_DESC_irq_gate, 3, addr);
}

void __init trap_init(void)
{
    unsigned int v;

    /* No vector may keep pointing at a boot-time placeholder. */
    for ( v = 0; v < FIRST_DYNAMIC_VECTOR; v++ )
        set_intr_gate(v, &entry_reserved);

    set_intr_gate(TRAP_divide_error, &divide_error);
    set_intr_gate(TRAP_debug, &debug);
    set_intr_gate(TRAP_nmi, &nmi);
    set_swint_gate(TRAP_int3, &int3);
    set_swint_gate(TRAP_overflow, &overflow);
    set_intr_gate(TRAP_bounds, &bounds);
    set_intr_gate(TRAP_invalid_op, &invalid_op);
    set_intr_gate(TRAP_no_device, &device_not_available);
    set_intr_gate(TRAP_double_fault, &double_fault);
    set_intr_gate(TRAP_invalid_tss, &invalid_TSS);
    set_intr_gate(TRAP_no_segment, &segment_not_present);
    set_intr_gate(TRAP_stack_error, &stack_segment);
    set_intr_gate(TRAP_gp_fault, &general_protection);
    set_intr_gate(TRAP_page_fault, &page_fault);
    set_intr_gate(TRAP_copro_error, &coprocessor_error);
    set_intr_gate(TRAP_alignment_check, &alignment_check);
    set_intr_gate(TRAP_machine_check, &machine_check);
    set_intr_gate(TRAP_simd_error, &simd_coprocessor_error);

    /* The boot CPU runs on the master table. */
    idt_tables[0] = idt_table;
}

/* Fatal exceptions get their own stacks, once a TSS provides them. */
void enable_each_ist(idt_entry_t *idt)
{
    set_ist(&idt[TRAP_double_fault], IST_DF);
    set_ist(&idt[TRAP_nmi], IST_NMI);
    set_ist(&idt[TRAP_machine_check], IST_MCE);
}

void disable_each_ist(idt_entry_t *idt)
{
    set_ist(&idt[TRAP_double_fault], IST_NONE);
    set_ist(&idt[TRAP_nmi], IST_NONE);
    set_ist(&idt[TRAP_machine_check], IST_NONE);
}

/*
 * Every CPU, still on the empty IDT: IST stacks, GDT, this CPU's own table
 * (no IST indices yet), TSS, and then the IST indices.
 */
void load_system_tables(void)
{
    unsigned int cpu = smp_processor_id();
    struct tss_struct *tss = &this_cpu(init_tss);
    struct desc_ptr gdtr = {
        .limit = GDT_ENTRIES * 8 - 1,
        .base = (unsigned long)boot_gdt,
    };
    struct desc_ptr idtr = {
        .limit = IDT_ENTRIES * sizeof(idt_entry_t) - 1,
        .base = (unsigned long)idt_tables[cpu],
    };

    tss->rsp0 = get_cpu_info()->stack_top;
    tss->ist[IST_DF - 1]  = (unsigned long)&ist_stacks[cpu][IST_DF - 1][PAGE_SIZE];
    tss->ist[IST_NMI - 1] = (unsigned long)&ist_stacks[cpu][IST_NMI - 1][PAGE_SIZE];
    tss->ist[IST_MCE - 1] = (unsigned long)&ist_stacks[cpu][IST_MCE - 1][PAGE_SIZE];
    tss->bitmap = 0x8000;

    lgdt(&gdtr);
    lidt(&idtr);
    ltr(TSS_SELECTOR);

    enable_each_ist(idt_tables[cpu]);
}
