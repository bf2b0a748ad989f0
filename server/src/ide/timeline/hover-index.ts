/**
 * What a hover looks up, built once per analysis: the steps on each line, and for each symbol on
 * a role's path the steps inside it, the call sites it was entered from and the lines it is
 * defined on.
 */
import type { Analysis } from '../../engine';
import type { Range } from '../../model/types';
import { pushTo } from '../../model/maps';
import type { Step } from '../../paths/steps';
import { ownChain, siteRange } from './chain';

/** A step of the path of `a.paths[role]`. */
export interface Occ { role: number; step: Step }
/** A symbol on one role's path: the steps inside it, where it was called from, whether the entry reaches it without a call. */
export interface SymRole { steps: number[]; callSites: Map<string, { caller: string; range: Range }>; fromEntry: boolean }
export interface SymInfo { roles: Map<number, SymRole>; files: Set<string> }

export interface HoverIndex {
  /** file -> line -> the steps whose range covers that line, in path order. */
  byLine: Map<string, Map<number, Occ[]>>;
  symbols: Map<string, SymInfo>;
  /** file -> line -> on-path symbols defined on that line. */
  defLines: Map<string, Map<number, string[]>>;
}

const hoverIndexes = new WeakMap<Analysis, HoverIndex>();

export function hoverIndex(a: Analysis): HoverIndex {
  let hi = hoverIndexes.get(a);
  if (hi) return hi;
  hi = { byLine: new Map(), symbols: new Map(), defLines: new Map() };
  const symbols = hi.symbols;
  const byLine = hi.byLine;
  const symRole = (sym: string, role: number): SymRole => {
    let info = symbols.get(sym);
    if (!info) { info = { roles: new Map(), files: new Set() }; symbols.set(sym, info); }
    let r = info.roles.get(role);
    if (!r) { r = { steps: [], callSites: new Map(), fromEntry: false }; info.roles.set(role, r); }
    return r;
  };
  const mention = (sym: string, role: number, step: number, file: string, site: { symbol: string; range: Range } | null): void => {
    if (!sym) return;
    const r = symRole(sym, role);
    if (r.steps[r.steps.length - 1] !== step) r.steps.push(step);
    symbols.get(sym)!.files.add(file);
    if (site) r.callSites.set(`${site.range.file}:${site.range.line}:${site.range.column}`, { caller: site.symbol, range: site.range });
    else r.fromEntry = true;
  };
  a.paths.forEach((p, ri) => {
    if (p.entry) symRole(p.entry, ri).fromEntry = true;
    for (const s of p.steps) {
      let lines = byLine.get(s.range.file);
      if (!lines) { lines = new Map(); byLine.set(s.range.file, lines); }
      for (let l = s.range.line; l <= Math.max(s.range.line, s.range.endLine); l++) pushTo(lines, l, { role: ri, step: s });
      // chain[k].symbol is the caller at chain[k]; it was entered at chain[k-1] (k = 0: from the entry)
      const chain = ownChain(s);
      const site = (k: number): { symbol: string; range: Range } | null => {
        if (k < 0) return null;
        return { symbol: chain[k].symbol, range: siteRange(a, chain[k], chain[k + 1]?.symbol ?? s.within) };
      };
      chain.forEach((c, k) => mention(c.symbol, ri, s.index, site(k)?.range.file ?? s.range.file, site(k - 1)));
      mention(s.within, ri, s.index, s.range.file, site(chain.length - 1));
      // a repeated call (`f() (as before)`) replays f's effects here: it is a step of f, called from this site
      if (chain !== s.chain && s.effect.kind === 'call') mention(s.effect.callee, ri, s.index, s.range.file, { symbol: s.within, range: s.range });
    }
  });
  for (const [sym, info] of symbols) {
    const defs = a.index.functions.get(sym) ?? [];
    const mine = defs.length > 1 ? defs.filter((d) => info.files.has(d.file)) : defs;
    for (const d of mine.length > 0 ? mine : defs) addDef(hi.defLines, d.nameRange.file, d.nameRange.line, sym);
    const lr = labelRange(a, sym);
    if (lr) addDef(hi.defLines, lr.file, lr.line, sym);
  }
  hoverIndexes.set(a, hi);
  return hi;
}

function addDef(m: Map<string, Map<number, string[]>>, file: string, line: number, sym: string): void {
  let lines = m.get(file);
  if (!lines) { lines = new Map(); m.set(file, lines); }
  const l = lines.get(line);
  if (!l) lines.set(line, [sym]); else if (!l.includes(sym)) l.push(sym);
}

/** The statement range of the assembly label `sym` (its first definition), null if none. */
export function labelRange(a: Analysis, sym: string): Range | null {
  const l = a.index.asmLabels.get(sym);
  const st = l ? a.index.units[l.unit]?.stmts[l.pos]?.stmt : undefined;
  return st ? st.range : null;
}
