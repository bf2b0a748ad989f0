import { fredOn, liveGates } from '../paths/state';
import { closesText, DOCS_BASE, windowFinding, windows, type Rule } from './rule';

export const TL007: Rule = {
  meta: {
    id: 'TL007', name: 'nmi-gate-unusable', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL007.md`,
    description: 'An IDT is live whose NMI gate (vector 2) is absent, or points into init memory that has been freed.',
  },
  check({ paths }) {
    return paths.flatMap((p) => windows(p, (s) => {
      if (fredOn(s) || s.idt.kind !== 'table') return null;
      const gates = liveGates(s);
      // A table with no present gate at all is a critical region (TL100), not a broken NMI gate.
      if (!gates || !gates.some((g) => g.present)) return null;
      const g = gates[2];
      if (!g.present) return { detail: `the NMI gate of ${s.idt.name} is not present`, vectors: [2] };
      if (g.init && s.initFreed) return { detail: `the NMI gate of ${s.idt.name} points at ${g.handler} in freed init memory`, vectors: [2] };
      return null;
    }).map((w) => windowFinding(TL007.meta, p, w, `[${p.role.name}] after \`${w.open.effect.text}\`, ${w.detail}, ${closesText(w)}: an NMI here escalates to a double fault.`)));
  },
};
