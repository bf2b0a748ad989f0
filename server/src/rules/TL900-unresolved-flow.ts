import { pushTo } from '../model/maps';
import type { LimitHit, Range } from '../model/types';
import { DOCS_BASE, type Rule } from './rule';

/** A limit met at more places than this on one role's path is one note, with the places as related information. */
const SAID_ALONE = 3;
/** The places a folded note lists. */
const LISTED = 20;

/**
 * A role's limit hits as notes: each alone while few; one note per limit for many (a walk into a
 * kernel's allocator meets the call depth limit at thousands of places: one line says so).
 */
function folded(role: string, hits: readonly LimitHit[]): { role: string; range: Range; message: string; related: { range: Range; message: string }[] }[] {
  const byLimit = new Map<string, LimitHit[]>();
  for (const h of hits) pushTo(byLimit, h.limit, h);
  return [...byLimit.values()].flatMap((group) => {
    const alone = (h: LimitHit): string => `[${role}] ${h.limit} reached at \`${h.at}\`: ${h.effect}.`;
    if (group.length <= SAID_ALONE) return group.map((h) => ({ role, range: h.range, message: alone(h), related: [] }));
    const [first, ...rest] = group;
    return [{
      role, range: first.range,
      message: `[${role}] ${first.limit} reached at ${group.length} places, first at \`${first.at}\`: ${first.effect} there.`,
      related: rest.slice(0, LISTED).map((h) => ({ range: h.range, message: `also reached at \`${h.at}\`` })),
    }];
  });
}

export const TL900: Rule = {
  meta: {
    id: 'TL900', name: 'unresolved-flow', defaultSeverity: 'information', docs: `${DOCS_BASE}TL900.md`,
    description: 'A jump or call the analyzer cannot follow, or a limit of the analysis reached: the path beyond it is not checked.',
  },
  check({ index, paths }) {
    const seen = new Set<string>();
    const unresolved = paths.flatMap((p) => p.unresolved.filter((u) => !seen.has(u.symbol) && seen.add(u.symbol)).map((u) => ({
      role: p.role.name, range: u.range,
      message: `[${p.role.name}] cannot follow \`${u.symbol}\`: its target is not in the workspace or is chosen at run time; what it does on the ${p.role.name} path is not checked.`,
    })));
    const limits = paths.flatMap((p) => folded(p.role.name, p.limits));
    const reading = index.limits.map((h) => ({ role: '', range: h.range, message: `${h.limit} reached at \`${h.at}\`: ${h.effect}.`, related: [] }));
    // a limit met in several units or roles at one place is said once there
    const said = new Set<string>();
    const once = [...reading, ...limits].filter((f) => { const k = `${f.range.file}:${f.range.line}:${f.range.column}:${f.message}`; return !said.has(k) && said.add(k); });
    return [...unresolved.map((u) => ({ ...u, related: [] })), ...once].map((f) => ({ rule: 'TL900', name: TL900.meta.name, ...f, closes: null, chain: [], vectors: [], flow: [] }));
  },
};
