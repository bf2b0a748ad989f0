/*
 * Early memory set-up and giving back the init sections.
 */
#include <asm/config.h>

extern char __init_begin[], __init_end[];
extern void free_xenheap_range(unsigned long start, unsigned long end);
extern void startup_cpu_idle_loop(void);

static unsigned long max_page;

void __init setup_memory(unsigned long mbi_p)
{
    max_page = mbi_p >> 12;
}

void __init cmdline_parse(const char *cmdline)
{
    if ( cmdline == NULL )
        return;
}

void free_init_memory(void)
{
    unsigned long start = (unsigned long)__init_begin;
    unsigned long end = (unsigned long)__init_end;

    free_xenheap_range(start, end);
}

void init_done(void)
{
    free_init_memory();
    startup_cpu_idle_loop();
}
