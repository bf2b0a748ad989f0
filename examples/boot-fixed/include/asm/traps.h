/* Exception vector numbers. */
#ifndef __ASM_X86_TRAPS_H__
#define __ASM_X86_TRAPS_H__

#define TRAP_divide_error       0
#define TRAP_debug              1
#define TRAP_nmi                2
#define TRAP_int3               3
#define TRAP_overflow           4
#define TRAP_bounds             5
#define TRAP_invalid_op         6
#define TRAP_no_device          7
#define TRAP_double_fault       8
#define TRAP_invalid_tss        10
#define TRAP_no_segment         11
#define TRAP_stack_error        12
#define TRAP_gp_fault           13
#define TRAP_page_fault         14
#define TRAP_copro_error        16
#define TRAP_alignment_check    17
#define TRAP_machine_check      18
#define TRAP_simd_error         19
#define TRAP_last_reserved      31

#define FIRST_DYNAMIC_VECTOR    0x20
#define LAST_DYNAMIC_VECTOR     0xdf
#define TIMER_VECTOR            0xf0
#define SPURIOUS_APIC_VECTOR    0xff

#endif /* __ASM_X86_TRAPS_H__ */
