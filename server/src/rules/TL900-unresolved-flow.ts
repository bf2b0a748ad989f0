import { DOCS_BASE, type Rule } from './rule';

export const TL900: Rule = {
  meta: {
    id: 'TL900', name: 'unresolved-flow', defaultSeverity: 'information', docs: `${DOCS_BASE}TL900.md`,
    description: 'A jump or call the analyzer cannot follow: the path beyond it is not checked.',
  },
  check({ paths }) {
    const seen = new Set<string>();
    return paths.flatMap((p) => p.unresolved.filter((u) => !seen.has(u.symbol) && seen.add(u.symbol)).map((u) => ({
      rule: 'TL900', name: TL900.meta.name, role: p.role.name,
      message: `[${p.role.name}] cannot follow \`${u.symbol}\`: its target is not in the workspace or is chosen at run time; what it does on the ${p.role.name} path is not checked.`,
      range: u.range, closes: null, chain: [], related: [], vectors: [], flow: [],
    })));
  },
};
