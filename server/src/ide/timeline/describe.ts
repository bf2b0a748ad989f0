/** What a step's effect does and what the machine state is, in words (markdown, code in backticks). */
import { CR4_FRED, formatVectors, vectorName, type CrValue, type RoleKind, type TableRef } from '../../model/types';
import type { StepEffect } from '../../paths/steps';
import type { Gates, State } from '../../paths/state';
import { code } from './markdown';
import { badges } from './model';
import { startsAfterBoot } from '../../model/roles';
import type { RoleConfig } from '../../model/types';

export const KIND_NAME: Record<RoleKind, string> = { bsp: 'boot CPU', ap: 'secondary CPU', other: 'other path' };

/** A role's kind in words, with when it starts: `boot CPU, resuming after boot`, `secondary CPU, brought online after boot`. */
export function roleKindName(r: RoleConfig): string {
  const k = KIND_NAME[r.kind ?? 'other'];
  if (!startsAfterBoot(r)) return k;
  return r.kind === 'bsp' ? `${k}, resuming after boot` : r.kind === 'ap' ? `${k}, brought online after boot` : `${k}, after boot`;
}

const CR4_BITS: Record<number, string> = {
  0: 'VME', 1: 'PVI', 2: 'TSD', 3: 'DE', 4: 'PSE', 5: 'PAE', 6: 'MCE', 7: 'PGE', 8: 'PCE', 9: 'OSFXSR', 10: 'OSXMMEXCPT',
  11: 'UMIP', 12: 'LA57', 13: 'VMXE', 14: 'SMXE', 16: 'FSGSBASE', 17: 'PCIDE', 18: 'OSXSAVE', 19: 'KL', 20: 'SMEP',
  21: 'SMAP', 22: 'PKE', 23: 'CET', 24: 'PKS', 25: 'UINTR', 28: 'LAM_SUP', 32: 'FRED',
};

function bitsText(bits: bigint): string {
  const out: string[] = [];
  for (let i = 0; i < 64; i++) if ((bits >> BigInt(i)) & 1n) out.push(CR4_BITS[i] ? `${CR4_BITS[i]} (bit ${i})` : `bit ${i}`);
  return out.join(', ');
}

function vectorsText(vs: number[]): string {
  const sorted = [...new Set(vs)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'no vector';
  if (sorted.length <= 4) return sorted.map(vectorName).join(', ');
  const named = sorted.filter((v) => v === 2 || v === 8 || v === 18).map(vectorName);
  return `vectors ${formatVectors(sorted)}${named.length > 0 ? ` (including ${named.join(', ')})` : ''}`;
}

function tableText(t: TableRef): string {
  if (t.kind === 'percpu') return `this CPU's ${code(t.name)}`;
  return t.kind === 'symbol' ? code(t.name) : `an unidentified table ${code(t.text)}`;
}

function crValueText(v: CrValue): string {
  const parts: string[] = [];
  if (v.bits !== 0n) parts.push(`sets ${bitsText(v.bits)}`);
  if (v.words.length > 0) parts.push(`loads the features word${v.words.length > 1 ? 's' : ''} ${v.words.map(code).join(', ')}`);
  if (v.keepsCurrent) parts.push('keeps the current bits');
  if (v.cleared !== 0n) parts.push(`clears ${bitsText(v.cleared)}`);
  return parts.length > 0 ? parts.join('; ') : 'writes a value with no known bit';
}

export function effectText(e: StepEffect): string {
  switch (e.kind) {
    case 'lidt':
      return e.desc.kind === 'empty' ? 'loads an empty IDT (limit 0): any exception resets the machine'
        : e.desc.kind === 'table' ? `loads the IDT ${tableText(e.desc.table)}` : `loads an IDT the analysis cannot identify (${code(e.desc.text)})`;
    case 'lgdt': return 'loads the GDT';
    case 'ltr': return 'loads the task register: the TSS and the IST stacks it holds become usable';
    case 'gate': {
      const form = e.form === 'two-halves' ? ', in two 8-byte halves' : e.form === 'loop-two-halves' ? ', a fill loop writing two 8-byte halves per gate' : e.form === 'lower-half' ? ', the lower 8 bytes only' : '';
      const h = e.handler.symbol ? `${code(e.handler.symbol)}${e.handler.init ? ' (init section)' : ''}` : 'an unknown handler';
      return `writes the gate of ${vectorsText(e.vectors)} in ${tableText(e.table)}, handler ${h}${form}`;
    }
    case 'ist':
      return e.ist === 0 ? `clears the IST index of ${vectorsText(e.vectors)} in ${tableText(e.table)}` : `sets IST ${e.ist} on ${vectorsText(e.vectors)} in ${tableText(e.table)}`;
    case 'tss-ist': return `writes TSS IST slot ${e.slot}`;
    case 'cr4': return `writes CR4: ${crValueText(e.value)}`;
    case 'global': return `sets ${code(e.name)} to ${e.value}`;
    case 'features-or': return `ORs ${bitsText(e.bits) || 'no known bit'} into the features word ${code(e.word)}`;
    case 'irq': return e.enabled ? 'enables maskable interrupts (IF=1)' : 'disables maskable interrupts (IF=0)';
    case 'free-init': return 'frees init memory: init-section code and data are gone after this';
    case 'table-copy': return `copies the IDT ${tableText(e.src)} to ${tableText(e.dst)}`;
    case 'percpu-alias': return `points the per-CPU slot ${code(e.slot)} at ${code(e.table)}`;
    case 'start-aps': return 'starts the secondary CPUs: they start with the memory as it is here';
    case 'call': return `calls ${code(e.callee)}, which changes boot exception state`;
  }
}

/** One field per machine-state component, as compact markdown. */
interface StateFields { idt: string; tss: string; mce: string; fred: string | null; iflag: string; init: string }

function gatesText(g: Gates | undefined, fred: boolean): string {
  if (!g) return '';
  let present = 0;
  const ist: string[] = [];
  g.forEach((x, v) => { if (x.present) { present++; if (x.ist !== 0) ist.push(`${vectorName(v)}→IST ${x.ist}`); } });
  const parts = [present === 0 ? 'no gate present' : `${present}/${g.length} gates present`];
  if (ist.length > 0) parts.push(ist.length <= 4 ? `IST on ${ist.join(', ')}` : `IST on ${ist.length} gates`);
  if (fred) parts.push('unused while CR4.FRED is set');
  return ` (${parts.join('; ')})`;
}

function stateFields(states: readonly State[]): StateFields {
  if (states.length === 0) return { idt: 'no state: the path ends here', tss: '', mce: '', fred: null, iflag: '', init: '' };
  const b = badges(states);
  let idt: string;
  if (b.idt === 'table') idt = `IDT ${code(b.idtTable ?? '')}${gatesText(states[0].tables.get(b.idtTable ?? ''), b.fred)}`;
  else if (b.idt === 'none') idt = 'no IDT loaded';
  else if (b.idt === 'empty') idt = 'empty IDT (limit 0)';
  else {
    const kinds = [...new Set(states.map((s) => (s.idt.kind === 'table' ? `${code(s.idt.name)}${gatesText(s.tables.get(s.idt.name), (s.cr4Must & CR4_FRED) !== 0n)}` : s.idt.kind === 'none' ? 'none' : s.idt.kind === 'empty' ? 'empty (limit 0)' : 'unknown')))];
    idt = kinds.length > 1 ? `IDT differs between paths: ${kinds.join(' or ')}` : 'IDT unknown';
  }
  const loaded = states.filter((s) => s.tssLoaded).length;
  const slots = b.istSlots.length > 0 ? `IST slot${b.istSlots.length > 1 ? 's' : ''} ${b.istSlots.join(', ')}` : '';
  const tss = loaded === states.length ? `TSS loaded${slots ? ` with ${slots} set` : ', no IST slot set'}`
    : loaded === 0 ? `no TSS loaded${slots ? ` (${slots} written)` : ''}` : `TSS loaded on ${loaded} of ${states.length} paths`;
  const mce = b.cr4Mce === 'on' ? 'CR4.MCE (bit 6) set' : b.cr4Mce === 'may' ? 'CR4.MCE (bit 6) may be set' : 'CR4.MCE (bit 6) clear';
  const fredAny = states.some((s) => ((s.cr4Must | s.cr4May) & CR4_FRED) !== 0n);
  const fred = b.fred ? 'CR4.FRED (bit 32) set' : fredAny ? 'CR4.FRED (bit 32) may be set' : null;
  const ifs = states.filter((s) => s.iflag).length;
  const iflag = ifs === 0 ? 'IF=0' : ifs === states.length ? 'IF=1 (interrupts enabled)' : `IF=1 on ${ifs} of ${states.length} paths`;
  const freed = states.filter((s) => s.initFreed).length;
  const init = freed === 0 ? 'init memory not freed' : freed === states.length ? 'init memory freed' : `init memory freed on ${freed} of ${states.length} paths`;
  return { idt, tss, mce, fred, iflag, init };
}

/** The machine state joined over the path states, one phrase per component (none for an absent one). */
export function stateWords(states: readonly State[]): string[] {
  const f = stateFields(states);
  return [f.idt, f.tss, f.mce, ...(f.fred ? [f.fred] : []), f.iflag, f.init].filter((x) => x !== '');
}
