import { vectorsPhrase } from '../model/types';
import { DOCS_BASE, flowOf, type Rule } from './rule';

export const TL005: Rule = {
  meta: {
    id: 'TL005', name: 'torn-live-gate-write', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL005.md`,
    description: 'Gates of the currently loaded IDT are written as two 8-byte halves: an exception in between uses half an old and half a new gate.',
  },
  check({ paths }) {
    return paths.flatMap((p) => p.steps.flatMap((s) => {
      const e = s.effect;
      if (e.kind !== 'gate' || (e.form !== 'two-halves' && e.form !== 'loop-two-halves')) return [];
      const live = s.before.find((st) => st.idt.kind === 'table' && (e.table.kind === 'symbol' ? st.idt.name === e.table.name : e.table.kind === 'percpu' && st.percpu.get(e.table.name) === st.idt.name));
      if (!live || live.idt.kind !== 'table') return [];
      return [{
        rule: 'TL005', name: TL005.meta.name, role: p.role.name,
        message: `[${p.role.name}] \`${e.text}\` writes ${vectorsPhrase(e.vectors)} of ${live.idt.name}, the IDT this CPU has loaded, one 8-byte half at a time (low half, which holds the present bit, first): an exception between the halves uses a torn gate.`,
        range: s.range, closes: null, chain: s.chain, related: [], vectors: e.vectors, flow: flowOf(p, s, null),
      }];
    }));
  },
};
