/*
 * Secondary CPUs: the real-mode start-up stub (not shown) switches to long
 * mode and lands here, then continues in the code shared with the boot CPU.
 */
#include <asm/config.h>

        .text
        .code64

ENTRY(ap_start)
        cli
        cld
        movq    stack_start(%rip),%rsp
        movl    $1,%ebx                 /* not the boot CPU */
        movabsq $__high_start,%rax
        jmpq    *%rax
