// The machine state after a step, in badges and in words, and the class names and labels of
// windows: text only, no DOM.
import type { StepState, Window } from '../protocol';
import { num, str } from './data';

function idtBadge(s: StepState): string {
  switch (s.idt) {
    case 'none': return 'no IDT';
    case 'empty': return 'IDT empty';
    case 'table': return 'IDT ' + (str(s.idtTable) || 'table');
    default: return 'IDT ?';
  }
}
function idtWords(s: StepState): string {
  switch (s.idt) {
    case 'none': return 'no IDT loaded';
    case 'empty': return 'IDT loaded but empty';
    case 'table': return 'IDT ' + (str(s.idtTable) || 'table') + ' loaded';
    default: return 'IDT unknown';
  }
}
function ist(s: StepState): number[] { return Array.isArray(s.istSlots) ? s.istSlots.filter((n) => typeof n === 'number') : []; }
function tssBadge(s: StepState): string { return s.tss ? (ist(s).length ? 'TSS IST ' + ist(s).join(',') : 'TSS') : 'no TSS'; }
function tssWords(s: StepState): string { return s.tss ? 'TSS loaded' + (ist(s).length ? ' with IST slots ' + ist(s).join(', ') : '') : 'no TSS loaded'; }
function mceBadge(s: StepState): string { return 'MCE ' + (s.cr4Mce === 'on' || s.cr4Mce === 'may' ? s.cr4Mce : 'off'); }
function mceWords(s: StepState): string { return s.cr4Mce === 'on' ? 'CR4.MCE set' : s.cr4Mce === 'may' ? 'CR4.MCE may be set' : 'CR4.MCE clear'; }

/** [key, badge text, class, words] */
export type StatePart = [string, string, string, string];

/** The parts of the state after a step, badge and words each. */
export function stateParts(s: StepState | null | undefined): StatePart[] {
  if (!s || typeof s !== 'object') return [];
  const parts: StatePart[] = [
    ['idt', idtBadge(s), s.idt === 'table' ? 'ok' : s.idt === 'unknown' ? '' : 'bad', idtWords(s)],
    ['tss', tssBadge(s), s.tss ? 'ok' : '', tssWords(s)],
    ['mce', mceBadge(s), s.cr4Mce === 'on' ? 'hot' : s.cr4Mce === 'may' ? 'warm' : '', mceWords(s)],
  ];
  if (s.fred) parts.push(['fred', 'FRED', 'ok', 'FRED enabled']);
  parts.push(['if', s.iflag ? 'IF on' : 'IF off', s.iflag ? 'hot' : '', s.iflag ? 'interrupts enabled' : 'interrupts disabled']);
  if (s.initFreed) parts.push(['init', 'init freed', 'hot', 'init memory freed']);
  return parts;
}

/** A known severity as a class (' sev-warning'); anything else adds none. */
export function sevClass(w: Window): string { return /^(error|warning|information|hint)$/.test(str(w.severity)) ? ' sev-' + w.severity : ''; }
/** A rule id as a class: `rule-TL001`, or `rule-other` for an id of another shape. */
export function ruleClass(rule: string): string { return 'rule-' + (/^TL\d{3}$/.test(rule) ? rule : 'other'); }
export function windowName(w: Window): string { return w.critical ? 'critical region ' + str(w.rule) : str(w.rule); }
/** `file:line`, the line 1-based. */
export function locText(file: unknown, line: unknown): string { return str(file) + ':' + (num(line, 0) + 1); }
