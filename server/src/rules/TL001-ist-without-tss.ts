import { formatVectors, vectorName } from '../model/types';
import { fredOn, liveGates, type State } from '../paths/state';
import { closesText, DOCS_BASE, windowFinding, windows, type Rule } from './rule';

/** Gates of the live IDT whose IST slot the loaded TSS does not provide. */
export function istWithoutTss(s: State): { detail: string; vectors: number[] } | null {
  if (fredOn(s) || s.idt.kind !== 'table') return null;
  const gates = liveGates(s);
  if (!gates) return null;
  const bad: number[] = [];
  gates.forEach((g, v) => { if (g.present && g.ist !== 0 && !(s.tssLoaded && (s.istSlots & (1 << g.ist)) !== 0)) bad.push(v); });
  if (bad.length === 0) return null;
  return { detail: `${s.idt.name}`, vectors: bad };
}

export const TL001: Rule = {
  meta: {
    id: 'TL001', name: 'ist-without-tss', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL001.md`,
    description: 'An IDT is live whose gates use an IST stack while no loaded TSS provides that IST slot: an NMI, #MC or #DF in the window triple-faults.',
  },
  check({ paths }) {
    return paths.flatMap((p) => windows(p, istWithoutTss).map((w) => windowFinding(TL001.meta, p, w,
      `[${p.role.name}] ${w.vectors.map(vectorName).slice(0, 3).join(', ')}${w.vectors.length > 3 ? ` (vectors ${formatVectors(w.vectors)})` : ''} of the live IDT ${w.detail} use${w.vectors.length === 1 ? 's' : ''} an IST stack while ${w.open.before[0]?.tssLoaded ? 'the loaded TSS lacks that IST slot' : 'no TSS is loaded'} (\`${w.open.effect.text}\`), ${closesText(w)}: an NMI or machine check here triple-faults.`)));
  },
};
