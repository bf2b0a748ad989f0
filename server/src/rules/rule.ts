import type { Finding, Range, Severity } from '../model/types';
import type { RolePath, Step } from '../paths/steps';
import type { WorkspaceIndex } from '../index/index';
import type { State } from '../paths/state';

export interface RuleMeta {
  id: string;
  name: string;
  defaultSeverity: Exclude<Severity, 'off'>;
  description: string;
  docs: string;
}

export interface RuleContext {
  index: WorkspaceIndex;
  paths: RolePath[];
}

/** A rule: metadata plus one function from the roles' state sequences to findings (ESLint-style). */
export interface Rule { meta: RuleMeta; check(ctx: RuleContext): Omit<Finding, 'severity'>[] }

export const DOCS_BASE = 'https://github.com/trapline/trapline/blob/main/docs/rules/';

export function loc(r: Range): string { return `${r.file}:${r.line + 1}`; }

export interface Window { open: Step; close: Step | null; detail: string; vectors: number[] }

/**
 * Windows of a condition over a role's path: it opens at the step after which some path's state
 * satisfies it (and none did before) and closes at the first later step after which none does.
 */
export function windows(path: RolePath, cond: (s: State) => { detail: string; vectors: number[] } | null): Window[] {
  const out: Window[] = [];
  let open: Window | null = null;
  for (const step of path.steps) {
    const hit = step.after.map(cond).find((x) => x !== null) ?? null;
    if (!open && hit) {
      const before = step.before.some((s) => cond(s) !== null);
      if (!before) open = { open: step, close: null, detail: hit.detail, vectors: hit.vectors };
    } else if (open && !hit) {
      open.close = step;
      out.push(open);
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}

/** The role's path from its entry up to and including the closing step, for SARIF code flows. */
export function flowOf(path: RolePath, open: Step, close: Step | null): Finding['flow'] {
  const last = close?.index ?? open.index;
  return path.steps.filter((s) => s.index <= last).map((s) => flowStep(s, s.index === open.index || s.index === close?.index));
}

/** The role's path before a point that is no step of its own (a call, by its `seq`). */
export function flowBefore(path: RolePath, seq: number): Finding['flow'] {
  return path.steps.filter((s) => s.seq < seq).map((s) => flowStep(s, false));
}

function flowStep(s: Step, essential: boolean): Finding['flow'][number] {
  return { range: s.range, text: s.effect.text, depth: s.depth, essential };
}

export function windowFinding(meta: RuleMeta, path: RolePath, w: Window, message: string, related: Finding['related'] = []): Omit<Finding, 'severity'> {
  return {
    rule: meta.id, name: meta.name, role: path.role.name, message,
    range: w.open.range,
    closes: w.close ? { range: w.close.range, text: w.close.effect.text } : null,
    chain: w.open.chain,
    related: [...(w.close ? [{ range: w.close.range, message: `window closes here: ${w.close.effect.text}` }] : []), ...related],
    vectors: w.vectors,
    flow: flowOf(path, w.open, w.close),
  };
}

export function closesText(w: Window): string {
  return w.close ? `until \`${w.close.effect.text}\` at ${loc(w.close.range)}` : 'and it is never closed on this path';
}
