/**
 * Facts of an assembler unit computed once: its statements, numeric labels, gate fill loops.
 */
import type { AsmStmt } from '../index/asm-index';
import type { AsmUnit } from '../index/index';
import { numericLabel } from '../index/asm-facts';
import { regFamily } from './asm-insn';

type FillLoops = ReturnType<typeof fillLoops>;

const unitCache = new WeakMap<AsmUnit, { stmts: AsmStmt[]; loops: FillLoops }>();

export function nameAt(s: { kind: string; name?: string | null } | undefined): string | undefined {
  return s?.kind === "label" && s.name ? s.name : undefined;
}

/** A unit's statements and fill loops, computed once per unit (every asm call walks the unit again). */
export function unitFacts(unit: AsmUnit): { stmts: AsmStmt[]; loops: FillLoops } {
  let f = unitCache.get(unit);
  if (!f) {
    const stmts = unit.stmts.map((s) => s.stmt);
    f = { stmts, loops: fillLoops(stmts) };
    unitCache.set(unit, f);
  }
  return f;
}

/**
 * Loops that write whole 16-byte gates as two 8-byte stores through one register
 * (`1: movq %rax,(%rdi); movq %rdx,8(%rdi); addq $16,%rdi; loop 1b`): label position -> loop.
 */
function fillLoops(stmts: AsmStmt[]): Map<number, { end: number; baseReg: string; text: string }> {
  const out = new Map<number, { end: number; baseReg: string; text: string }>();
  for (let j = 0; j < stmts.length; j++) {
    const s = stmts[j];
    if (s.kind !== 'insn' || !/^(loop|j[a-z]+)$/.test(s.mnemonic) || s.mnemonic === 'jmp') continue;
    const op = s.operands[0];
    if (op?.k !== 'expr' || !op.numeric || !op.numeric.endsWith('b')) continue;
    const start = numericLabel(stmts, j, op.numeric);
    if (start === undefined) continue;
    const stores = stmts.slice(start, j).filter((x): x is Extract<typeof x, { kind: 'insn' }> => x.kind === 'insn' && /^mov/.test(x.mnemonic) && x.operands[1]?.k === 'mem' && x.operands[0]?.k === 'reg');
    const offs = stores.map((x) => { const m = x.operands[1]; return m.k === 'mem' ? { base: m.base, disp: m.disp ?? '0' } : null; });
    const base = offs[0]?.base;
    if (stores.length === 2 && base && offs.every((o) => o?.base === base) && offs[0]?.disp === '0' && offs[1]?.disp === '8') {
      out.set(start, { end: j, baseReg: regFamily(base), text: `${stores[0].text.trim()}; ${stores[1].text.trim()}` });
    }
  }
  return out;
}

/** The last `lea SYM(%rip), reg` before a loop, not into the loop's table register: the handler a fill loop writes. */
export function lastLea(stmts: AsmStmt[], pos: number, tableReg: string): string | null {
  for (let p = pos - 1; p >= 0 && pos - p < 40; p--) {
    const s = stmts[p];
    if (s.kind === 'label' && !/^\d+$/.test(s.name)) break;
    const into = s.kind === 'insn' ? s.operands[1] : undefined;
    if (s.kind === 'insn' && s.mnemonic.startsWith('lea') && s.operands[0]?.k === 'mem' && s.operands[0].syms[0] && !/idt|table/.test(s.operands[0].syms[0]) && !(into?.k === 'reg' && regFamily(into.reg) === tableReg)) return s.operands[0].syms[0];
  }
  return null;
}
