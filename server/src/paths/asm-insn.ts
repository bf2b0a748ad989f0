/**
 * One assembler instruction onto a path: system instructions, CR4 writes, the stack and registers.
 */
import { asmDescriptor } from '../effects/idt-tables';
import { systemInsn } from '../effects/insn';
import type { Operand } from '../index/asm-index';
import { isTableSymbol } from '../index/index';
import type { Range } from '../model/types';
import { codeWordInit, numericLabel } from '../index/asm-facts';
import { unitFacts } from './asm-unit';
import type { Ctx } from './context';
import { EMPTY_CR, type Val, asCr, identicalVal, orVals } from './values';
import type { PathWalker } from './walker';

/** Instructions that write registers implicitly. */
const IMPLICIT_WRITES = new Map(Object.entries({ int: ['a', 'b', 'c', 'd', 'si', 'di', 'bp'], cpuid: ['a', 'b', 'c', 'd'], rdmsr: ['a', 'd'], rdtsc: ['a', 'd'], lodsb: ['a', 'si'], lodsw: ['a', 'si'], lodsl: ['a', 'si'], xgetbv: ['a', 'd'] }));

/** A value as an operand gives it: a register's, an immediate (a constant, a symbol's or a numeric label's address), a data word. */
function asmValue(w: PathWalker, op: Operand | undefined, c: Ctx, unitIdx: number, pos: number): Val | undefined {
  if (!op) return undefined;
  if (op.k === 'reg') return c.vals.get(regFamily(op.reg));
  if (op.k === 'imm' && op.numeric) {
    // `movq $1f, %rax; jmp *%rax`: the address of a numeric local label
    const at = numericLabel(unitFacts(w.index.units[unitIdx]).stmts, pos, op.numeric);
    return at !== undefined ? { k: 'addr', sym: `@${at}` } : undefined;
  }
  if (op.k === 'imm') {
    const v = w.index.macros.evaluate(op.text);
    if (v !== undefined) return { k: 'num', v };
    const s = op.syms.find((x) => w.index.asmLabels.has(x) || w.index.functions.has(x) || w.index.variables.has(x));
    return s ? { k: 'addr', sym: s } : undefined;
  }
  if (op.k === 'mem') {
    // only a plain `sym` / `sym(%rip)` names a variable; `FIELD(cr4)(%r15)` is some other memory
    const s = op.disp !== null && /^[A-Za-z_]\w*$/.test(op.disp.trim()) ? op.syms[0] : undefined;
    const code = s ? codeWordValue(w, s) : undefined;
    if (code) return { k: 'addr', sym: code };
    if (s && w.index.variable(s) && !w.index.variable(s)?.isArray) return { k: 'cr', cr: { ...EMPTY_CR, words: [s] } };
    if (s && w.index.asmLabels.has(s)) return { k: 'cr', cr: { ...EMPTY_CR, words: [s] } };
    return undefined;
  }
  return undefined;
}

/**
 * The code address a code word holds when this CPU reads it (`movq initial_code(%rip), %rax`).
 * The boot CPU reads it as assembled. A CPU started later reads what C stored into it before it
 * started: a store made by the code that starts the APs (its callees are not on the boot CPU's
 * walk: `do_boot_cpu` stores `start_secondary`), else the one store the tree makes anywhere.
 * Undefined where several stores remain (the walk notes the jump as unresolved).
 */
export function codeWordValue(w: PathWalker, label: string): string | undefined {
  const init = codeWordInit(w.index, label);
  if (!init || !w.lateWords) return init;
  const stores = w.index.codeStores.get(label) ?? [];
  const byStarter = stores.filter((s) => w.hints.startAps.includes(s.fn));
  const targets = new Set((byStarter.length > 0 ? byStarter : stores).map((s) => s.target));
  if (targets.size === 0) return init;
  return targets.size === 1 ? [...targets][0] : undefined;
}

export function asmInsn(w: PathWalker, m: string, ops: Operand[], range: Range, text: string, cur: Ctx[], unitIdx: number, pos: number, prefix: string | null): Ctx[] {
  const setReg = (c: Ctx, reg: string, v: Val | undefined): Ctx => {
    const fam = regFamily(reg);
    // (a register left as it was keeps the context: no copy of its value map)
    if (v ? c.vals.has(fam) && identicalVal(c.vals.get(fam), v) : !c.vals.has(fam)) return c;
    const vals = new Map(c.vals);
    if (v) vals.set(fam, v); else vals.delete(fam);
    return { ...c, vals };
  };
  const base = m.replace(/[bwlq]$/, '');
  const sys = systemInsn(m);
  if (sys === 'lidt') return w.apply({ kind: 'lidt', desc: asmDescriptor(w.index, ops[0]), text }, range, cur);
  if (sys === 'lgdt') return w.apply({ kind: 'lgdt', text }, range, cur);
  if (sys === 'ltr') return w.apply({ kind: 'ltr', text }, range, cur);
  if (sys === 'sti' || sys === 'cli') return w.apply({ kind: 'irq', enabled: sys === 'sti', text }, range, cur);
  if ((base === 'mov' || m === 'mov') && ops[1]?.k === 'reg' && ops[1].reg === 'cr4') {
    const cr = asCr(cur[0] ? asmValue(w, ops[0], cur[0], unitIdx, pos) : undefined) ?? { ...EMPTY_CR, keepsCurrent: true };
    return w.apply({ kind: 'cr4', value: cr, text }, range, cur);
  }
  if (m === 'popf' || m === 'popfq' || m === 'popfl') {
    const top = cur[0]?.stack[cur[0].stack.length - 1];
    const next = cur.map((c) => ({ ...c, stack: c.stack.slice(0, -1) }));
    if (top?.k === 'num') return w.apply({ kind: 'irq', enabled: (top.v & 0x200n) !== 0n, text: `${text} (IF=${(top.v & 0x200n) !== 0n ? 1 : 0})` }, range, next);
    return next;
  }
  if (base === 'push' || m === 'push') return cur.map((c) => ({ ...c, stack: [...c.stack, asmValue(w, ops[0], c, unitIdx, pos) ?? { k: 'nonzero' }].slice(-16) }));
  if (base === 'pop' || m === 'pop') return cur.map((c) => setReg({ ...c, stack: c.stack.slice(0, -1) }, ops[0]?.k === 'reg' ? ops[0].reg : '?', c.stack[c.stack.length - 1]));
  // instructions that write registers implicitly
  const clobbered = IMPLICIT_WRITES.get(m) ?? (/^(rep|repe|repne)?\s*(movs|stos|cmps|scas)/.test(m) || (prefix !== null && /rep/.test(prefix)) ? ['c', 'si', 'di'] : null);
  if (clobbered) return cur.map((c) => { const vals = new Map(c.vals); for (const r of clobbered) vals.delete(r); return { ...c, vals, flags: null }; });
  const dst = ops[ops.length - 1];
  if (dst?.k !== 'reg') return cur.map((c) => ({ ...c, flags: /^(cmp|test|bt)/.test(m) ? null : c.flags }));
  if (base === 'xor' || base === 'sub') {
    if (ops[0]?.k === 'reg' && regFamily(ops[0].reg) === regFamily(dst.reg)) return cur.map((c) => setReg(c, dst.reg, { k: 'num', v: 0n }));
    return cur.map((c) => setReg(c, dst.reg, undefined));
  }
  if (base === 'mov' || m === 'movabs' || m === 'movabsq' || base === 'movz' || m === 'movzbl' || m === 'movzwl') {
    return cur.map((c) => {
      let v = asmValue(w, ops[0], c, unitIdx, pos);
      if (/^[abcd][lh]$|^[sd]il$|^r\d+b$/.test(dst.reg) && v?.k === 'num') v = v.v !== 0n ? { k: 'nonzero' } : undefined;
      return setReg(c, dst.reg, v);
    });
  }
  if (base === 'lea') {
    const numeric = ops[0]?.k === 'mem' ? ops[0].numeric : null;
    if (numeric) {
      // address of a numeric local label, as in `leaq 1f(%rip),%rax; pushq %rax; lretq`
      const at = numericLabel(unitFacts(w.index.units[unitIdx]).stmts, pos, numeric);
      return cur.map((c) => setReg(c, dst.reg, at !== undefined ? { k: 'addr', sym: `@${at}` } : undefined));
    }
    return cur.map((c) => {
      const s = ops[0]?.k === 'mem' ? ops[0].syms.find((x) => w.index.asmLabels.has(x) || w.index.functions.has(x) || w.index.variables.has(x)) : undefined;
      const isTable = s !== undefined && isTableSymbol(w.index, s);
      return setReg(c, dst.reg, s ? (isTable ? { k: 'table', ref: { kind: 'symbol', name: s } } : { k: 'addr', sym: s }) : undefined);
    });
  }
  if (base === 'or') return cur.map((c) => setReg(c, dst.reg, orVals(c.vals.get(regFamily(dst.reg)), asmValue(w, ops[0], c, unitIdx, pos))));
  if (base === 'test' || base === 'cmp') {
    return cur.map((c) => {
      const a = ops[0], b = ops[1];
      if (base === 'test' && a?.k === 'reg' && b?.k === 'reg' && regFamily(a.reg) === regFamily(b.reg)) return { ...c, flags: { reg: regFamily(a.reg) } };
      if (base === 'cmp' && a?.k === 'imm' && b?.k === 'reg') { const v = w.index.macros.evaluate(a.text); return { ...c, flags: v !== undefined ? { reg: regFamily(b.reg), imm: v } : null }; }
      return { ...c, flags: null };
    });
  }
  // any other write to a register: its value is no longer known
  return cur.map((c) => setReg(c, dst.reg, undefined));
}

/** `%ebx`, `%bl`, `%rbx` -> `b`; `%r8d` -> `r8`. */
export function regFamily(r: string): string {
  const x = r.toLowerCase().replace(/^%/, '');
  let m = /^r(\d+)[dwb]?$/.exec(x);
  if (m) return `r${m[1]}`;
  m = /^[re]?([abcd])[xlh]$/.exec(x);
  if (m) return m[1];
  m = /^[re]?(si|di|sp|bp)l?$/.exec(x);
  if (m) return m[1];
  return x;
}
