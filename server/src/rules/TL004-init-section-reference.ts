import type { Finding, Range } from '../model/types';
import type { CFunction } from '../index/c-index';
import type { CallSite, RolePath } from '../paths/steps';
import { isBootBsp, startsAfterBoot } from '../model/roles';
import { DOCS_BASE, flowBefore, flowOf, loc, type Rule } from './rule';

/**
 * modpost-style section mismatch, boot-order aware: after init memory is freed, a role's path
 * calls a non-init function that refers to an init-section function (or calls one directly).
 * References from code that only runs before the free point are fine, and the engine knows
 * which code that is from the paths themselves.
 */
/** Where a function's body names `sym` (the reference a reader must change), else its name. */
function referenceRange(text: string, fn: CFunction, sym: string): Range {
  const body = text.slice(fn.startIndex, fn.endIndex);
  const m = new RegExp(`\\b${sym}\\b`).exec(body.slice(body.indexOf('{')));
  if (!m) return fn.nameRange;
  const offset = fn.startIndex + body.indexOf('{') + m.index;
  const before = text.slice(0, offset).split('\n');
  const line = before.length - 1, column = before[before.length - 1].length;
  return { file: fn.file, line, column, endLine: line, endColumn: column + sym.length };
}

/**
 * Where init memory is gone on a path: after its own free step, or from its start for a role
 * that starts after boot (the boot CPU's path freed it, at its free step if it has one).
 */
function freePoint(p: RolePath, paths: readonly RolePath[]): { seq: number; freeText: string; related: Finding['related']; flow: (c: CallSite) => Finding['flow'] } | null {
  const own = p.steps.find((s) => s.effect.kind === 'free-init');
  if (own) {
    return {
      seq: own.seq, freeText: `init memory is freed by \`${own.effect.text}\` at ${loc(own.range)}`,
      related: [{ range: own.range, message: `init memory freed here: ${own.effect.text}` }], flow: () => flowOf(p, own, null),
    };
  }
  if (!startsAfterBoot(p.role)) return null;
  const boot = paths.find((x) => isBootBsp(x.role));
  const free = boot?.steps.find((s) => s.effect.kind === 'free-init');
  return {
    seq: -1, freeText: `init memory was freed at boot${boot && free ? ` (by \`${free.effect.text}\` at ${loc(free.range)} on the ${boot.role.name} path)` : ''}`,
    related: free ? [{ range: free.range, message: `init memory freed here at boot: ${free.effect.text}` }] : [], flow: (c) => flowBefore(p, c.seq),
  };
}

export const TL004: Rule = {
  meta: {
    id: 'TL004', name: 'init-section-reference', defaultSeverity: 'warning', docs: `${DOCS_BASE}TL004.md`,
    description: 'Non-init code that runs after init memory is freed refers to a symbol in an init section.',
  },
  check({ index, paths }) {
    const out: Omit<Finding, 'severity'>[] = [];
    const seen = new Set<string>();
    for (const p of paths) {
      const freed = freePoint(p, paths);
      if (!freed) continue;
      const { freeText, related, flow } = freed;
      const after = p.calls.filter((x) => x.seq > freed.seq);
      const walkedAfter = new Set(after.map((x) => x.caller));
      for (const c of after) {
        const caller = index.pickFunction(c.caller, c.range.file);
        const callee = index.pickFunction(c.callee, c.range.file);
        if (!callee) continue;
        if (index.isInit(c.callee, c.range.file)) {
          if ((caller && index.isInit(caller.name, caller.file)) || seen.has(`${c.caller}>${c.callee}`)) continue;
          seen.add(`${c.caller}>${c.callee}`);
          out.push({
            rule: 'TL004', name: TL004.meta.name, role: p.role.name,
            message: `[${p.role.name}] ${c.caller} calls ${c.callee} (${index.sectionOf(c.callee)}) after ${freeText}: it jumps into freed memory.`,
            range: c.range, closes: null, chain: [], related, vectors: [], flow: flow(c),
          });
          continue;
        }
        // calls and functions whose address is taken: modpost's "references", without type names;
        // of a callee the path walked after the free, only the addresses (its calls are call sites of their own)
        const refs = walkedAfter.has(callee.name) ? callee.refs.filter((r) => !callee.callees.includes(r)) : [...callee.callees, ...callee.refs];
        const bad = [...new Set(refs)].find((r) => r !== callee.name && !callee.params.includes(r) && index.visibleFunction(r, callee.file) !== undefined && index.isInit(r, callee.file));
        if (!bad || seen.has(`${callee.name}>${bad}`)) continue;
        seen.add(`${callee.name}>${bad}`);
        out.push({
          rule: 'TL004', name: TL004.meta.name, role: p.role.name,
          message: `[${p.role.name}] ${callee.name} (${callee.section ?? '.text'}) refers to ${bad} (${index.sectionOf(bad)}) and is called by ${c.caller} at ${loc(c.range)} after ${freeText}.`,
          range: referenceRange(index.texts.get(callee.file) ?? '', callee, bad), closes: null, chain: [], related: [{ range: c.range, message: `${callee.name} called here after the free point` }, ...related], vectors: [], flow: flow(c),
        });
      }
    }
    return out;
  },
};
