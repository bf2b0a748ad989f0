import { vectorsPhrase, type Finding } from '../model/types';
import type { Step } from '../paths/steps';
import { isBootBsp } from '../model/roles';
import { DOCS_BASE, flowOf, loc, type Rule } from './rule';

export const TL003: Rule = {
  meta: {
    id: 'TL003', name: 'init-handler-survives-init', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL003.md`,
    description: 'A gate of an IDT that stays in use after init still points at a handler in an init section when init memory is freed.',
  },
  check({ paths }) {
    const out: Omit<Finding, 'severity'>[] = [];
    const reported = new Set<string>();
    // The role that frees init memory judges the tables as they are then; otherwise the end of the BSP path.
    const freeing = paths.filter((p) => p.steps.some((s) => s.effect.kind === 'free-init'));
    const judges = freeing.length > 0 ? freeing : paths.filter((p) => isBootBsp(p.role)).slice(0, 1);
    for (const p of judges) {
      const at: Step | undefined = p.steps.find((s) => s.effect.kind === 'free-init') ?? p.steps[p.steps.length - 1];
      if (!at) continue;
      for (const st of at.after) {
        // the live table and every per-CPU table that holds gates (slots such as a GDT pointer do not)
        const tables = new Set<string>([...(st.idt.kind === 'table' ? [st.idt.name] : []), ...[...st.percpu.values()].filter((t) => st.tables.get(t)?.some((g) => g.site >= 0))]);
        for (const t of tables) {
          const gates = st.tables.get(t);
          if (!gates) continue;
          const bySite = new Map<number, { handler: string; vectors: number[] }>();
          gates.forEach((g, v) => {
            if (!g.present || !g.init || !g.handler) return;
            const e = bySite.get(g.site) ?? { handler: g.handler, vectors: [] };
            e.vectors.push(v);
            bySite.set(g.site, e);
          });
          for (const [site, { handler, vectors }] of bySite) {
            const open = p.steps[site];
            if (!open || reported.has(`${t}:${site}`)) continue;
            reported.add(`${t}:${site}`);
            const freeText = at.effect.kind === 'free-init' ? `when init memory is freed by \`${at.effect.text}\` at ${loc(at.range)}` : 'at the end of the boot path';
            out.push({
              rule: 'TL003', name: TL003.meta.name, role: p.role.name,
              message: `[${p.role.name}] ${vectorsPhrase(vectors)} of ${t} still point at ${handler} (init section) ${freeText}: an exception on them after boot jumps into freed memory. Installed by \`${open.effect.text}\`; nothing overwrites them.`,
              range: open.range, closes: null, chain: open.chain,
              related: [{ range: at.range, message: `init memory freed here: ${at.effect.text}` }],
              vectors, flow: flowOf(p, open, at),
            });
          }
        }
      }
    }
    return out;
  },
};
