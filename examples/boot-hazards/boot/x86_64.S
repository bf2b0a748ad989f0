/*
 * Common 64-bit start of every CPU (included into head.S right after the
 * __high_start label). %ebx = 0 on the boot CPU, non-zero on the others.
 */

        /* CR4 as the boot CPU has configured it so far. */
        movq    mmu_cr4_features(%rip),%rcx
        movq    %rcx,%cr4

        lgdt    gdt_descr(%rip)
        lidt    idt_descr(%rip)

        test    %ebx,%ebx
        jnz     start_secondary

        /* Boot CPU: point every vector at ignore_int. */
        leaq    ignore_int(%rip),%rcx
        movq    %rcx,%rax
        andq    $0xffff,%rax
        orq     $(__HYPERVISOR_CS << 16),%rax
        movq    %rcx,%rdx
        shrq    $16,%rdx
        shlq    $48,%rdx
        orq     %rdx,%rax
        movabsq $0x00008e0000000000,%rdx     /* present, DPL 0, interrupt gate */
        orq     %rdx,%rax
        movq    %rcx,%rdx
        shrq    $32,%rdx                     /* offset 63:32 */

        leaq    idt_table(%rip),%rdi
        movl    $IDT_ENTRIES,%ecx
1:      movq    %rax,(%rdi)
        movq    %rdx,8(%rdi)
        addq    $16,%rdi
        loop    1b

        call    __start_xen
        ud2

        .data
        .align 8
        .word   0,0,0
gdt_descr:
        .word   GDT_ENTRIES*8-1
        .quad   boot_gdt
        .word   0,0,0
idt_descr:
        .word   IDT_ENTRIES*16-1
        .quad   idt_table
