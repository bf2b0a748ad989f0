/*
 * Boot CPU entry. The loader leaves us in 64-bit mode on the boot page
 * tables with interrupts off; %ebx = 0 marks the boot CPU for the code
 * shared with the secondary CPUs (x86_64.S, included below).
 */
#include <asm/config.h>
#include <asm/processor.h>

        .text
        .code64

ENTRY(start)
        cli
        cld
        leaq    cpu0_stack+STACK_SIZE(%rip),%rsp
        xorl    %ebx,%ebx
        jmp     __high_start

        .section .init.text, "ax", @progbits
/* Placeholder handler for every vector until trap_init() runs. */
ignore_int:
        iretq

        .text
__high_start:
#include "x86_64.S"
