/**
 * The x86 instructions whose machine effect Trapline models, in every spelling GNU as accepts
 * (AT&T size suffixes included): one table for `.S` files and for C inline asm, so the two can
 * never disagree about what `lidtl` does.
 */
export type SystemInsn = 'lidt' | 'lgdt' | 'ltr' | 'sti' | 'cli';

const FORMS: readonly [SystemInsn, readonly string[]][] = [
  ['lidt', ['lidt', 'lidtw', 'lidtl', 'lidtq']],
  ['lgdt', ['lgdt', 'lgdtw', 'lgdtl', 'lgdtq']],
  ['ltr', ['ltr', 'ltrw']],
  ['sti', ['sti']],
  ['cli', ['cli']],
];

const BY_MNEMONIC = new Map<string, SystemInsn>(FORMS.flatMap(([insn, forms]) => forms.map((f) => [f, insn] as const)));

/** The modelled instruction a mnemonic spells, if any (`lidtq` -> `lidt`). */
export function systemInsn(mnemonic: string): SystemInsn | undefined {
  return BY_MNEMONIC.get(mnemonic.toLowerCase());
}

/** Every spelling of the descriptor-table loads (`lidt`, `lgdtl`, `ltrw`...), for text-level scans. */
export const TABLE_LOAD_MNEMONICS: readonly string[] = FORMS.filter(([i]) => i === 'lidt' || i === 'lgdt' || i === 'ltr').flatMap(([, forms]) => forms);

/** The loads that read a descriptor (limit and base) from memory: `lidt`, `lgdt` in every spelling. */
export const DESCRIPTOR_LOAD_MNEMONICS: readonly string[] = FORMS.filter(([i]) => i === 'lidt' || i === 'lgdt').flatMap(([, forms]) => forms);

/**
 * `sidt`: stores IDTR into memory. Not a state change of the CPU, so not a `SystemInsn`: what it
 * tells is that the memory holds a descriptor of the IDT live when it ran (effects/idt-tables.ts).
 */
const IDT_STORES = new Set(['sidt', 'sidtw', 'sidtl', 'sidtq']);

export function isIdtStore(mnemonic: string): boolean { return IDT_STORES.has(mnemonic.toLowerCase()); }
