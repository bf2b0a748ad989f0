import type { Finding } from '../model/types';
import { DOCS_BASE, flowOf, loc, type Rule } from './rule';

/**
 * modpost-style section mismatch, boot-order aware: a non-init function that refers to an
 * init-section symbol is reported when a role's path runs it after init memory is freed.
 * References from code that only runs before the free point are fine, and this engine
 * knows which code that is from the paths themselves.
 */
export const TL004: Rule = {
  meta: {
    id: 'TL004', name: 'init-section-reference', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL004.md`,
    description: 'Non-init code that runs after init memory is freed refers to a symbol in an init section.',
  },
  check({ index, paths }) {
    const out: Omit<Finding, 'severity'>[] = [];
    const seen = new Set<string>();
    for (const p of paths) {
      const free = p.steps.find((s) => s.effect.kind === 'free-init');
      if (!free) continue;
      for (const s of p.steps.filter((x) => x.index > free.index)) {
        const fnName = s.within;
        if (seen.has(fnName)) continue;
        seen.add(fnName);
        const fn = index.pickFunction(fnName);
        if (!fn || (fn.section !== null && index.isInit(fn.name))) continue;
        // calls and functions whose address is taken: modpost's "references", without type names;
        // in the function that frees init memory, only what comes after the free point runs late
        const text = index.texts.get(fn.file) ?? '';
        const freeHere = free.range.file === fn.file && free.range.line >= fn.range.line && free.range.line <= fn.range.endLine;
        const tail = freeHere ? text.split('\n').slice(free.range.line + 1, fn.range.endLine + 1).join('\n') : null;
        const bad = [...fn.callees, ...fn.refs.filter((r) => index.functions.has(r))]
          .find((r) => r !== fn.name && index.isInit(r) && (tail === null || new RegExp(`\\b${r}\\b`).test(tail)));
        if (!bad) continue;
        out.push({
          rule: 'TL004', name: TL004.meta.name, role: p.role.name,
          message: `[${p.role.name}] ${fn.name} (${fn.section ?? '.text'}) refers to ${bad} (${index.sectionOf(bad)}) and runs after init memory is freed by \`${free.effect.text}\` at ${loc(free.range)}.`,
          range: fn.nameRange, closes: null, chain: s.chain, related: [{ range: free.range, message: `init memory freed here: ${free.effect.text}` }], vectors: [], flow: flowOf(p, s, null),
        });
      }
    }
    return out;
  },
};
