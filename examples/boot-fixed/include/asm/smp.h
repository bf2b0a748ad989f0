/* CPU numbering and per-CPU data. */
#ifndef __ASM_X86_SMP_H__
#define __ASM_X86_SMP_H__

struct cpu_info {
    unsigned int processor_id;
    unsigned long stack_top;
};

extern struct cpu_info *get_cpu_info(void);

#define smp_processor_id()      (get_cpu_info()->processor_id)
#define per_cpu(var, cpu)       ((var)[cpu])
#define this_cpu(var)           per_cpu(var, smp_processor_id())

extern unsigned int nr_cpu_ids;
int cpu_up(unsigned int cpu);

#endif /* __ASM_X86_SMP_H__ */
