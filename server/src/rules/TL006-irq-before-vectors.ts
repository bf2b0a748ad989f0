import { vectorsPhrase } from '../model/types';
import { liveGates } from '../paths/state';
import { DOCS_BASE, flowOf, loc, type Rule } from './rule';

export const TL006: Rule = {
  meta: {
    id: 'TL006', name: 'irq-before-vectors', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL006.md`,
    description: 'Maskable interrupts are enabled (IF=1) while the IDT lacks present gates for external-interrupt vectors the code installs later.',
  },
  check({ paths }) {
    return paths.flatMap((p) => {
      const sti = p.steps.find((s) => s.effect.kind === 'irq' && s.effect.enabled && s.before.every((st) => !st.iflag));
      if (!sti) return [];
      const later = p.steps.filter((s) => s.index > sti.index && s.effect.kind === 'gate');
      const missing = new Set<number>();
      for (const st of sti.after) {
        const gates = liveGates(st);
        if (!gates) continue;
        for (const s of later) if (s.effect.kind === 'gate') for (const v of s.effect.vectors) if (v >= 32 && !gates[v]?.present) missing.add(v);
      }
      if (missing.size === 0) return [];
      const vs = [...missing];
      const fix = later.find((s) => s.effect.kind === 'gate' && s.effect.vectors.some((v) => missing.has(v)));
      return [{
        rule: 'TL006', name: TL006.meta.name, role: p.role.name,
        message: `[${p.role.name}] \`${sti.effect.text}\` enables interrupts while ${vectorsPhrase(vs)} ${vs.length === 1 ? 'has' : 'have'} no present gate${fix ? `; they are installed later, at ${loc(fix.range)}` : ''}: an interrupt in between raises #NP.`,
        range: sti.range, closes: fix ? { range: fix.range, text: fix.effect.text } : null, chain: sti.chain,
        related: fix ? [{ range: fix.range, message: `gates installed here: ${fix.effect.text}` }] : [], vectors: vs, flow: flowOf(p, sti, fix ?? null),
      }];
    });
  },
};
