/*
 * Exception and interrupt entry points. The bodies are trimmed: each one
 * saves the frame and calls its C handler.
 */
#include <asm/config.h>

        .text
        .code64

ENTRY(divide_error)
        pushq   $0
        jmp     handle_exception
ENTRY(debug)
        pushq   $0
        jmp     handle_exception
ENTRY(nmi)
        pushq   $0
        jmp     handle_ist_exception
ENTRY(int3)
        pushq   $0
        jmp     handle_exception
ENTRY(overflow)
        pushq   $0
        jmp     handle_exception
ENTRY(bounds)
        pushq   $0
        jmp     handle_exception
ENTRY(invalid_op)
        pushq   $0
        jmp     handle_exception
ENTRY(device_not_available)
        pushq   $0
        jmp     handle_exception
ENTRY(double_fault)
        jmp     handle_ist_exception
ENTRY(invalid_TSS)
        jmp     handle_exception
ENTRY(segment_not_present)
        jmp     handle_exception
ENTRY(stack_segment)
        jmp     handle_exception
ENTRY(general_protection)
        jmp     handle_exception
ENTRY(page_fault)
        jmp     handle_exception
ENTRY(coprocessor_error)
        pushq   $0
        jmp     handle_exception
ENTRY(alignment_check)
        jmp     handle_exception
ENTRY(machine_check)
        pushq   $0
        jmp     handle_ist_exception
ENTRY(simd_coprocessor_error)
        pushq   $0
        jmp     handle_exception
/* Reserved exception vectors: report and crash, never return. */
ENTRY(entry_reserved)
        pushq   $0
        jmp     handle_exception
ENTRY(irq_common_entry)
        pushq   $0
        jmp     handle_exception

handle_exception:
handle_ist_exception:
        iretq
