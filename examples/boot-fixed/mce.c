/*
 * Machine check architecture: enabling #MC delivery.
 */
#include <asm/config.h>
#include <asm/processor.h>

static unsigned int nr_mce_banks;

void __init mcheck_init(void)
{
    nr_mce_banks = 6;

    /* From here on a machine check raises #MC instead of shutting down. */
    set_in_cr4(X86_CR4_MCE);
}
