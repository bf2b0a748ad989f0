/*
 * Common 64-bit start of every CPU (included into head.S right after the
 * __high_start label). %ebx = 0 on the boot CPU, non-zero on the others.
 */

        /* Paging bits only: the rest of CR4 waits until #MC can be delivered. */
        movl    $(X86_CR4_PAE | X86_CR4_PGE),%ecx
        movq    %rcx,%cr4

        lgdt    gdt_descr(%rip)

        /*
         * Critical region: an empty IDT until this CPU has loaded its TSS and
         * its own table (load_system_tables()). Any exception resets.
         */
        lidt    idt_empty(%rip)

        test    %ebx,%ebx
        jnz     start_secondary

        call    __start_xen
        ud2

        .data
        .align 8
        .word   0,0,0
gdt_descr:
        .word   GDT_ENTRIES*8-1
        .quad   boot_gdt
        .word   0,0,0
idt_empty:
        .word   0,0,0,0,0
