import { DOCS_BASE, type Rule } from './rule';

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
    const limits = paths.flatMap((p) => p.limits.map((h) => ({
      role: p.role.name, range: h.range,
      message: `[${p.role.name}] ${h.limit} reached at \`${h.at}\`: ${h.effect}.`,
    })));
    const reading = index.limits.map((h) => ({ role: '', range: h.range, message: `${h.limit} reached at \`${h.at}\`: ${h.effect}.` }));
    // a limit met in several units or roles at one place is said once there
    const said = new Set<string>();
    const once = [...reading, ...limits].filter((f) => { const k = `${f.range.file}:${f.range.line}:${f.range.column}:${f.message}`; return !said.has(k) && said.add(k); });
    return [...unresolved, ...once].map((f) => ({ rule: 'TL900', name: TL900.meta.name, ...f, closes: null, chain: [], related: [], vectors: [], flow: [] }));
  },
};
