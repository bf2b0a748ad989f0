import { fredOn, liveGates } from '../paths/state';
import type { State } from '../paths/state';
import { closesText, DOCS_BASE, windowFinding, windows, type Rule } from './rule';

function critical(s: State): { detail: string; vectors: number[] } | null {
  // with CR4.FRED set, exceptions are delivered through FRED: an empty IDT is not used
  if (fredOn(s)) return null;
  if (s.idt.kind === 'empty') return { detail: 'the IDT is empty (limit 0)', vectors: [] };
  if (s.idt.kind === 'table' && !liveGates(s)?.some((g) => g.present)) return { detail: `no gate of ${s.idt.name} is present yet`, vectors: [] };
  return null;
}

export const TL100: Rule = {
  meta: {
    id: 'TL100', name: 'critical-region', defaultSeverity: 'information', docs: `${DOCS_BASE}TL100.md`,
    description: 'An empty or missing IDT from one operation to another: any exception in this region resets the machine.',
  },
  check({ paths }) {
    return paths.flatMap((p) => windows(p, critical).map((w) => {
      // every call made inside the region, walked or not: any of them may fault
      const calls = p.calls.filter((c) => c.seq > w.open.seq && (w.close === null || c.seq < w.close.seq)).map((c) => c.callee);
      const hint = calls.length > 0 ? ` It contains calls (${[...new Set(calls)].slice(0, 4).join(', ')}${calls.length > 4 ? ', ...' : ''}): any fault in them is fatal.` : '';
      return windowFinding(TL100.meta, p, w, `[${p.role.name}] critical region: after \`${w.open.effect.text}\` ${w.detail}, ${closesText(w)}; any exception here resets the machine.${hint}`);
    }));
  },
};
