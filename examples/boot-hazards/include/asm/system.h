/* Interrupt flag helpers. */
#ifndef __ASM_X86_SYSTEM_H__
#define __ASM_X86_SYSTEM_H__

#define local_irq_disable()     asm volatile ( "cli" : : : "memory" )
#define local_irq_enable()      asm volatile ( "sti" : : : "memory" )

#endif /* __ASM_X86_SYSTEM_H__ */
