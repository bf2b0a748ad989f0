/**
 * What the C library's functions do to memory, by the C standard rather than by a profile: a
 * copy of `n` bytes from the second argument to the first. A table copied whole with one of them
 * (`memcpy(idt_tables[cpu], idt_table, sizeof(idt_table))`) holds what its source held.
 */
export const MEMORY_COPIES: ReadonlySet<string> = new Set(['memcpy', 'memmove', '__builtin_memcpy', '__builtin_memmove']);

export function isMemoryCopy(name: string): boolean {
  return MEMORY_COPIES.has(name);
}
