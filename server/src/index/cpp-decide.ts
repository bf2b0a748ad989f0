/**
 * `#if`/`#ifdef` decided as the build decides them: names the kernel configuration sets (or
 * leaves unset) by that configuration (`kconfig/cpp-condition.ts`), every other name by the
 * tree's own macros and what the compiler predefines. Undecided: undefined, never guessed; the
 * caller then reads the first branch, as it did before a configuration was known.
 */
import { evaluateDirective, type CppHost, type KernelConfig } from '../kconfig/kconfig';
import type { MacroTable } from './macros';

export type Directive = 'if' | 'elif' | 'ifdef' | 'ifndef';

/** Predefined by the compiler on x86-64, and for `.S` files `__ASSEMBLY__` (the kernel's Makefiles pass it). */
const PREDEFINED_C = ['__x86_64__', '__ELF__', '__GNUC__', '__KERNEL__'];
export const PREDEFINED_ASM: ReadonlySet<string> = new Set([...PREDEFINED_C, '__ASSEMBLY__']);
export const PREDEFINED_C_SET: ReadonlySet<string> = new Set(PREDEFINED_C);

export function decideDirective(directive: Directive, text: string, macros: MacroTable, config: KernelConfig | null, predefined: ReadonlySet<string>): boolean | undefined {
  const defined = (name: string): boolean | undefined => (predefined.has(name) || macros.get(name) ? true : /^CONFIG_/.test(name) ? undefined : false);
  if (config) {
    const host: CppHost = { defined, value: (t) => macros.evaluate(t) };
    const v = evaluateDirective(config, directive, text, host);
    if (v !== undefined) return v;
  }
  if (directive === 'ifdef' || directive === 'ifndef') {
    const d = defined(text.trim());
    return d === undefined ? undefined : directive === 'ifndef' ? !d : d;
  }
  let undecidable = false;
  const replaced = text.replace(/defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?/g, (_m, n: string) => {
    const d = defined(n);
    if (d === undefined) undecidable = true;
    return d ? '1' : '0';
  });
  if (undecidable) return undefined;
  const v = macros.evaluate(replaced);
  return v === undefined ? undefined : v !== 0n;
}
