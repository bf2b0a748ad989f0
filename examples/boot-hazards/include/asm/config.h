/* Build-wide constants and annotations shared by C and assembly. */
#ifndef __ASM_X86_CONFIG_H__
#define __ASM_X86_CONFIG_H__

#define NR_CPUS             8
#define IDT_ENTRIES         256
#define PAGE_SIZE           4096
#define STACK_SIZE          (8 * PAGE_SIZE)

#define __HYPERVISOR_CS     0xe008
#define __HYPERVISOR_DS     0xe010
#define TSS_SELECTOR        0xe040
#define GDT_ENTRIES         16

#define __section(s)        __attribute__((__section__(s)))
#define __init              __section(".init.text")
#define __initdata          __section(".init.data")
#define __read_mostly       __section(".data.read_mostly")

#ifdef __ASSEMBLY__
#define ALIGN               .align 16, 0x90
#define ENTRY(name)         .globl name; ALIGN; name:
#define GLOBAL(name)        .globl name; name:
#endif

#endif /* __ASM_X86_CONFIG_H__ */
