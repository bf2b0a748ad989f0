/** A hover's facts (hover.ts) as markdown. */
import type { Step } from '../../paths/steps';
import type { State } from '../../paths/state';
import { effectText, roleKindName, stateWords } from './describe';
import type { FreeWhen, HoverFacts, StepHover, StepOnRole, SymbolHover, SymbolOnRole, WindowAtStep } from './hover';
import { code, esc, link, mdMessage } from './markdown';
import { numberRuns } from '../../model/types';

/** At most this many windows in a step's hover, per role (the rest are counted). */
const STEP_WINDOWS = 8;
/** At most this many windows under a symbol's role. */
const SYMBOL_WINDOWS = 6;
/** At most this many call sites a symbol is entered from. */
const CALL_SITES = 3;

const WHAT: Record<SymbolHover['what'], string> = { function: 'C function', label: 'assembly label', symbol: 'symbol' };

/** `root`: the analysis root, for the links' file URIs. */
export function renderHover(root: string, h: HoverFacts): string {
  return h.kind === 'step' ? renderStep(root, h) : renderSymbol(root, h);
}

/** 0-based step indices as 1-based runs: "3–7, 9, 12–13" (at most 8 runs). */
function runs(indices: number[]): string {
  const parts = numberRuns(indices).map(([a, b]) => (a === b ? `${a + 1}` : `${a + 1}–${b + 1}`));
  return parts.length > 8 ? `${parts.slice(0, 8).join(', ')}, …` : parts.join(', ');
}

const plural = (n: number, word: string): string => (n > 1 ? `${word}s` : word);
const roleNames = (names: string[]): string => names.map((n) => `**${esc(n)}**`).join(', ');

function renderStep(root: string, h: StepHover): string {
  const out: string[] = [
    `${code(h.first.effect.text)} — ${effectText(h.first.effect)}`,
    '',
    `Reached by ${plural(h.roles.length, 'role')} ${roleNames(h.roles.map((r) => r.path.role.name))}${h.configuration ? `, under the kernel configuration ${esc(h.configuration)}` : ''}.`,
  ];
  for (const r of h.roles) out.push(...stepOnRoleLines(root, h.first, r));
  return out.join('\n');
}

function stepOnRoleLines(root: string, first: Step, r: StepOnRole): string[] {
  const p = r.path, s = r.steps[0], span = r.span;
  const roleHead = `**${esc(p.role.name)}** (${roleKindName(p.role)}${p.entry ? `, entry ${code(p.entry)}` : ''})`;
  const out = ['', '---', '', `${roleHead}: step ${s.index + 1} of ${p.steps.length}, in ${code(s.within) || 'the entry'}${chainText(root, r.chain, s.within)}.`];
  if (r.steps.length > 1) {
    out.push('', `Reached ${r.steps.length} times on this path (steps ${runs(r.steps.map((x) => x.index))}); the first is shown.`);
  }
  if (s.effect.text !== first.effect.text) out.push('', `Here: ${code(s.effect.text)} — ${effectText(s.effect)}`);
  if (span) {
    const callee = code(s.effect.kind === 'call' ? s.effect.callee : '');
    const n = span.last - span.first + 1;
    out.push('', span.replay ? `${callee} was walked before from the same state: its effects are replayed as step ${span.first + 1}.`
      : `${callee} performs ${plural(n, 'step')} ${n > 1 ? `${span.first + 1}–${span.last + 1}` : `${span.first + 1}`} (${n} ${plural(n, 'step')}) on this path.`);
  }
  // neighbours: 2 before, 2 after
  out.push('');
  for (let i = Math.max(0, s.index - 2); i <= Math.min(p.steps.length - 1, s.index + 2); i++) out.push(stepLine(root, p.steps[i], i === s.index, s.within));
  out.push('');
  out.push(...stateLines(s.before, r.after, span ? `State after the call returns (after step ${span.last + 1})` : 'State after'));
  if (r.windows.length === 0) out.push('', 'No hazard window of this role is open here.');
  else {
    out.push('', `${plural(r.windows.length, 'Window')} on this role:`);
    for (const w of r.windows.slice(0, STEP_WINDOWS)) out.push(windowLine(root, w));
    if (r.windows.length > STEP_WINDOWS) out.push(`- … and ${r.windows.length - STEP_WINDOWS} more`);
  }
  return out;
}

function chainText(root: string, chain: StepOnRole['chain'], within: string): string {
  if (chain.length === 0) return '';
  const links = chain.map((c) => `${code(c.symbol)} (${link(root, c.site)})`);
  const shown = links.length > 6 ? [...links.slice(0, 2), '…', ...links.slice(-3)] : links;
  return `, reached via ${shown.join(' → ')} → ${code(within)}`;
}

function stepLine(root: string, s: Step, current: boolean, within: string): string {
  const inFn = s.within !== within && s.within ? ` in ${code(s.within)}` : '';
  return current ? `- **▶ step ${s.index + 1}** ${link(root, s.range)} ${code(s.effect.text)}${inFn}` : `- step ${s.index + 1} ${link(root, s.range)} ${code(s.effect.text)}${inFn}`;
}

/** "before" and "after" lines; the phrases of "after" that changed are bold. */
function stateLines(before: readonly State[], after: readonly State[], afterLabel: string): string[] {
  const bl = stateWords(before);
  const al = stateWords(after).map((x) => (bl.includes(x) ? x : `**${x}**`));
  const n = (s: readonly State[]): string => (s.length > 1 ? ` (${s.length} path states)` : '');
  return [`- State before${n(before)}: ${bl.join(' · ')}`, `- ${afterLabel}${n(after)}: ${al.join(' · ')}`];
}

const stepAt = (root: string, s: Step): string => `${link(root, s.range)} ${code(s.effect.text)} (step ${s.index + 1})`;

function windowLine(root: string, x: WindowAtStep): string {
  const w = x.window;
  const head = `- **${esc(w.rule)}** ${esc(w.name)} (${w.severity}): ${mdMessage(w.reason)}`;
  if (w.extent === 'point') return `${head} Reported at ${x.opens === 'here' ? 'this step' : stepAt(root, x.open)}.`;
  const opens = x.opens === 'here' ? 'Opens at this step' : x.opens === 'inside' ? `Opens inside this call at ${stepAt(root, x.open)}` : `Open since ${stepAt(root, x.open)}`;
  const closes = x.close === null ? 'never closes on this path' : x.closesHere ? 'closes at this step' : `closes at ${stepAt(root, x.close)}`;
  return `${head} ${opens}; ${closes}.`;
}

function renderSymbol(root: string, h: SymbolHover): string {
  const sym = h.symbol;
  const sectionText = h.section === null ? 'section unknown' : `in section ${code(h.section)}${h.init ? ' (init section)' : ''}`;
  const def = h.definedAt ? `, defined at ${link(root, h.definedAt)}` : '';
  const out = [`${code(sym)} — ${WHAT[h.what]} ${sectionText}${def}`, '', `On the boot path of ${plural(h.roles.length, 'role')} ${roleNames(h.roles.map((r) => r.path.role.name))}.`, ''];
  for (const r of h.roles) out.push(...symbolOnRoleLines(root, sym, r));
  return out.join('\n');
}

function symbolOnRoleLines(root: string, sym: string, r: SymbolOnRole): string[] {
  const p = r.path;
  const parts: string[] = [];
  if (p.entry === sym) parts.push('the entry of this role');
  if (r.callSites.length > 0) {
    const shown = r.callSites.slice(0, CALL_SITES).map((c) => `${code(c.caller)} at ${link(root, c.range)}`).join(', ');
    parts.push(`entered from ${shown}${r.callSites.length > CALL_SITES ? ` and ${r.callSites.length - CALL_SITES} more call sites` : ''}`);
  } else if (p.entry !== sym && r.fromEntry) parts.push(`reached from the entry ${code(p.entry ?? '')} without a call (fall-through or jump)`);
  const n = r.steps.length;
  if (n > 0) {
    const f = p.steps[r.steps[0]];
    parts.push(`${n} ${plural(n, 'step')} of ${p.steps.length} inside (${plural(n, 'step')} ${runs(r.steps)}), the first ${link(root, f.range)} ${code(f.effect.text)}`);
  } else if (p.steps.length > 0) {
    parts.push(`its first step is ${link(root, p.steps[0].range)} ${code(p.steps[0].effect.text)} in ${code(p.steps[0].within)}`);
  }
  const out = [`- **${esc(p.role.name)}** (${roleKindName(p.role)}): ${parts.join('; ')}.`];
  if (n === 0) return out;
  if (r.via.length > 0) out.push(`  - Path: ${r.via.map(code).join(' → ')}`);
  const shortStep = (s: Step): string => `${link(root, s.range)} ${code(s.effect.text)}`;
  for (const x of r.windows.slice(0, SYMBOL_WINDOWS)) {
    const w = x.window;
    const where = x.inside ? `opens inside at ${shortStep(x.open)}` : `open since ${shortStep(x.open)} (step ${w.openStep + 1})`;
    const close = w.extent === 'point' ? '' : x.close === null ? ', never closes on this path' : `, closes at ${shortStep(x.close)} (step ${w.closeStep! + 1})`;
    out.push(`  - **${esc(w.rule)}** ${esc(w.name)}: ${w.extent === 'point' ? `reported at ${shortStep(x.open)}` : `${where}${close}`}`);
  }
  if (r.windows.length > SYMBOL_WINDOWS) out.push(`  - … and ${r.windows.length - SYMBOL_WINDOWS} more windows`);
  const free = r.initFree;
  if (free?.kind === 'freed') {
    out.push(`  - Init memory is freed on this path by ${code(free.free.effect.text)} at ${link(root, free.free.range)} (step ${free.free.index + 1}), ${whenText(root, r, sym, free.when)}.`);
  } else if (free?.kind === 'already-freed') {
    out.push(`  - Init memory is already freed when this role reaches ${code(sym)} (state before step ${r.steps[0] + 1}), but ${code(sym)} is in an init section.`);
  }
  return out;
}

function whenText(root: string, r: SymbolOnRole, sym: string, when: FreeWhen): string {
  switch (when.kind) {
    case 'after-last-step': return `after the last step inside ${code(sym)}`;
    case 'runs-after': return `and ${code(sym)} itself still runs after it (step ${when.step + 1}, ${link(root, r.path.steps[when.step].range)})`;
    case 'on-call-stack': return `while ${code(sym)} is still on the call stack (through ${when.through.map(code).join(' → ')})`;
    case 'before-last-step': return `before step ${r.steps[r.steps.length - 1] + 1} inside ${code(sym)}`;
  }
}
