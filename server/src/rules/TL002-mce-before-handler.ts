import { CR4_MCE } from '../model/types';
import { fredOn, liveGates, type State } from '../paths/state';
import { closesText, DOCS_BASE, windowFinding, windows, type Rule } from './rule';

/** Why vector 18 cannot be delivered now, or null when it can. */
export function mcUndeliverable(s: State): string | null {
  if (s.idt.kind === 'none') return 'no IDT is loaded';
  if (s.idt.kind === 'empty') return 'the IDT is empty (limit 0)';
  if (s.idt.kind === 'unknown') return null;
  const g = liveGates(s)?.[18];
  if (!g || !g.present) return `the #MC gate of ${s.idt.name} is not present`;
  if (g.init && s.initFreed) return `the #MC gate points at ${g.handler} in freed init memory`;
  if (g.ist !== 0 && !(s.tssLoaded && (s.istSlots & (1 << g.ist)) !== 0)) return `the #MC gate uses IST ${g.ist} and ${s.tssLoaded ? 'the loaded TSS lacks that slot' : 'no TSS is loaded'}`;
  return null;
}

export const TL002: Rule = {
  meta: {
    id: 'TL002', name: 'mce-before-handler', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL002.md`,
    description: 'CR4.MCE (bit 6) is or may be set while vector 18 (#MC) cannot be delivered: a machine check resets the machine.',
  },
  check({ paths }) {
    return paths.flatMap((p) => windows(p, (s) => {
      if (fredOn(s) || (s.cr4May & CR4_MCE) === 0n) return null;
      const why = mcUndeliverable(s);
      return why ? { detail: why, vectors: [18] } : null;
    }).map((w) => {
      const must = w.open.after.some((s) => (s.cr4Must & CR4_MCE) !== 0n);
      return windowFinding(TL002.meta, p, w,
        `[${p.role.name}] \`${w.open.effect.text}\` ${must ? 'sets' : 'may set'} CR4.MCE (bit 6) while ${w.detail}, ${closesText(w)}: a machine check in between resets the machine.`);
    }));
  },
};
