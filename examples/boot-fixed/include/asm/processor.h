/* Control registers, the TSS and the features word loaded into CR4. */
#ifndef __ASM_X86_PROCESSOR_H__
#define __ASM_X86_PROCESSOR_H__

#define X86_CR4_VME         0x00000001
#define X86_CR4_PVI         0x00000002
#define X86_CR4_TSD         0x00000004
#define X86_CR4_DE          0x00000008
#define X86_CR4_PSE         0x00000010
#define X86_CR4_PAE         0x00000020
#define X86_CR4_MCE         0x00000040
#define X86_CR4_PGE         0x00000080
#define X86_CR4_OSFXSR      0x00000200

/* Interrupt stack table slots (the gate's IST field is the slot number). */
#define IST_NONE            0
#define IST_DF              1
#define IST_NMI             2
#define IST_MCE             3
#define IST_MAX             3

#ifndef __ASSEMBLY__

struct tss_struct {
    unsigned int   reserved0;
    unsigned long  rsp0, rsp1, rsp2;
    unsigned long  reserved1;
    unsigned long  ist[7];
    unsigned long  reserved2;
    unsigned short reserved3;
    unsigned short bitmap;
} __attribute__((packed));

extern struct tss_struct init_tss[NR_CPUS];
extern unsigned long mmu_cr4_features;

static inline unsigned long read_cr4(void)
{
    unsigned long cr4;
    asm volatile ( "mov %%cr4,%0" : "=r" (cr4) );
    return cr4;
}

static inline void write_cr4(unsigned long val)
{
    asm volatile ( "mov %0,%%cr4" : : "r" (val) : "memory" );
}

/* Record a CR4 feature for the CPUs started later, and turn it on here. */
static inline void set_in_cr4(unsigned long mask)
{
    mmu_cr4_features |= mask;
    write_cr4(read_cr4() | mask);
}

#endif /* !__ASSEMBLY__ */
#endif /* __ASM_X86_PROCESSOR_H__ */
