/**
 * The walk of an assembler unit: a position-ordered worklist over jumps, calls and returns.
 */
import type { Operand } from '../index/asm-index';
import type { Range, TableRef } from '../model/types';
import { asmInsn, codeWordValue, regFamily } from './asm-insn';
import { numericLabel } from '../index/asm-facts';
import { lastLea, nameAt, unitFacts } from './asm-unit';
import { walkSymbol } from './calls';
import { type Ctx, dedupe } from './context';
import { ASM_BUDGET, MAX_DEPTH, TRACE } from './limits';
import { asmCall } from './replay';
import type { PathWalker } from './walker';

const CALLER_SAVED = ['a', 'c', 'd', 'si', 'di', 'r8', 'r9', 'r10', 'r11'];

export function walkAsm(w: PathWalker, unitIdx: number, start: number, ctxs: Ctx[], mode: 'top' | 'sub'): Ctx[] {
  const unit = w.index.units[unitIdx];
  const pending = new Map<number, Ctx[]>();
  const visited = new Set<number>();
  const returned: Ctx[] = [];
  const add = (pos: number, cs: Ctx[]): void => { if (cs.length > 0 && !visited.has(pos)) pending.set(pos, [...(pending.get(pos) ?? []), ...cs]); };
  add(start, ctxs);
  const { stmts: plain, loops } = unitFacts(unit);
  let budget = ASM_BUDGET;
  const at = (p: number): Range => unit.stmts[Math.min(p, unit.stmts.length - 1)].stmt.range;
  while (pending.size > 0) {
    let pos = Infinity;
    for (const p of pending.keys()) if (p < pos) pos = p;
    if (budget-- <= 0) { w.noteLimit({ limit: `assembler statement budget ${ASM_BUDGET}`, at: w.within[w.within.length - 1] ?? unit.root, effect: 'the rest of this walk of the unit is not followed', range: at(pos) }); break; }
    if (w.timeUp()) { w.timeLimitAt(at(pos)); break; }
    let cur = dedupe(pending.get(pos) ?? []);
    pending.delete(pos);
    if (visited.has(pos) || pos >= unit.stmts.length) continue;
    visited.add(pos);
    const { stmt, section } = unit.stmts[pos];
    if (TRACE) process.stderr.write(`${w.role.name} ${pos} ${stmt.kind} ${"text" in stmt ? stmt.text : ("name" in stmt ? stmt.name : "")}\n`);
    const file = stmt.range.file;
    if (stmt.kind === 'label') {
      w.within[w.within.length - 1] = /^\d+$|^\.L/.test(stmt.name) ? w.within[w.within.length - 1] : stmt.name;
      const loop = loops.get(pos);
      if (loop) {
        const base = cur[0]?.vals.get(loop.baseReg);
        const handlerSym = lastLea(plain, pos, loop.baseReg);
        if (base?.k === 'addr' || base?.k === 'table') {
          const ref: TableRef = base.k === 'table' ? base.ref : { kind: 'symbol', name: base.sym };
          const count = cur[0]?.vals.get('c');
          const n = count?.k === 'num' ? Number(count.v) : 256;
          cur = w.apply({ kind: 'gate', table: ref, vectors: Array.from({ length: Math.min(n, 256) }, (_, i) => i), handler: { symbol: handlerSym, init: handlerSym ? w.index.isInit(handlerSym) : false }, form: 'loop-two-halves', text: `fill loop: ${loop.text}` }, stmt.range, cur);
        }
        visited.add(loop.end); // the loop is summarised by its effect
        for (let p = pos + 1; p <= loop.end; p++) visited.add(p);
        add(loop.end + 1, cur);
        continue;
      }
      add(pos + 1, cur);
      continue;
    }
    if (stmt.kind === 'section') {
      const before = unit.stmts[pos - 1]?.section;
      if (before !== undefined && before !== section) continue; // code does not fall through into another section
      add(pos + 1, cur);
      continue;
    }
    if (stmt.kind !== 'insn') { add(pos + 1, cur); continue; }
    const flowMacro = w.index.asmFlowMacros.get(stmt.mnemonic);
    const m = flowMacro ?? stmt.mnemonic;
    const ops = stmt.operands;
    const range = stmt.range;
    const text = stmt.text.replace(/\s+/g, ' ');
    const target = (op: Operand | undefined): { pos?: number; sym?: string } => asmTarget(w, unitIdx, pos, op, cur[0]);
    if (m === 'jmp' || m === 'jmpq' || m === 'ljmp' || m === 'ljmpl' || m === 'jmpl') {
      const t = target(ops[ops.length - 1]);
      if (t.pos !== undefined) add(t.pos, cur);
      else if (t.sym) walkSymbol(w, t.sym, cur, { file, range }, 'top');
      else w.noteUnresolved(`${text}`, range);
      continue;
    }
    if (/^j[a-z]+$/.test(m) || m === 'loop' || m === 'jecxz' || m === 'jrcxz') {
      const t = target(ops[0]);
      const taken: Ctx[] = [], fall: Ctx[] = [];
      for (const c of cur) {
        const d = decideJcc(m, c);
        if (d !== false) taken.push(c);
        if (d !== true) fall.push(c);
      }
      const via = w.role.via ?? [];
      const tSym = t.sym ?? (t.pos !== undefined ? nameAt(unit.stmts[t.pos]?.stmt) : undefined);
      const onlyTarget = tSym !== undefined && via.includes(tSym) && taken.length > 0 && fall.length > 0 && taken.every((c) => fall.includes(c));
      add(pos + 1, onlyTarget ? [] : fall);
      if (t.pos !== undefined) { if (t.pos > pos || !visited.has(t.pos)) add(t.pos, taken); }
      else if (t.sym && taken.length > 0) walkSymbol(w, t.sym, taken, { file, range }, 'top');
      continue;
    }
    if (m === 'call' || m === 'callq' || m === 'calll') {
      const t = target(ops[0]);
      let back = cur;
      if (t.pos !== undefined) {
        const name = nameAt(unit.stmts[t.pos]?.stmt) ?? `${unit.root}:${t.pos}`;
        const callee = t.pos;
        if (w.callStack.length > MAX_DEPTH) w.depthLimit(name, range);
        else if (!w.callStack.includes(name)) back = asmCall(w, `${unitIdx}:${callee}`, w.linkFrom(name, range), cur, () => w.enter(name, { file, range }, () => walkAsm(w, unitIdx, callee, cur, 'sub')));
      } else if (t.sym) {
        back = walkSymbol(w, t.sym, cur, { file, range }, 'sub');
        if (w.index.noreturn.has(t.sym)) continue; // nothing after a call to a noreturn function runs
      } else w.noteUnresolved(text, range);
      add(pos + 1, back.map((c) => clobber(c)));
      continue;
    }
    if (/^(ret|retq|retl|lret|lretq|lretl|iret|iretq)$/.test(m)) {
      if (mode === 'sub' && !m.startsWith('l') && !m.startsWith('i')) { returned.push(...cur); continue; }
      const top = cur[0]?.stack[cur[0].stack.length - 1];
      if (top?.k === 'addr') {
        const popped = cur.map((c) => ({ ...c, stack: c.stack.slice(0, -2) }));
        const local = top.sym.startsWith('@') ? Number(top.sym.slice(1)) : unit.labels.get(top.sym);
        if (local !== undefined) add(local, popped); else walkSymbol(w, top.sym, popped, { file, range }, 'top');
      } else if (mode === 'sub') returned.push(...cur);
      continue;
    }
    if (m === 'ud2' || m === 'ud2a') continue;
    cur = asmInsn(w, m, ops, stmt.range, text, cur, unitIdx, pos, stmt.prefix);
    add(pos + 1, cur);
  }
  return mode === 'sub' ? dedupe(returned) : [];
}

function asmTarget(w: PathWalker, unitIdx: number, pos: number, op: Operand | undefined, c: Ctx | undefined): { pos?: number; sym?: string } {
  if (!op) return {};
  const unit = w.index.units[unitIdx];
  if (op.k === 'ind') {
    const inner = op.inner;
    // through a register that holds a code address (`movq $1f, %rax; jmp *%rax`), or a code word in memory (`jmp *initial_code(%rip)`)
    const v = inner.k === 'reg' ? c?.vals.get(regFamily(inner.reg)) : undefined;
    const sym = v?.k === 'addr' ? v.sym : inner.k === 'mem' && inner.syms.length === 1 ? codeWordValue(w, inner.syms[0]) : undefined;
    if (sym?.startsWith('@')) return { pos: Number(sym.slice(1)) };
    return sym ? asmTarget(w, unitIdx, pos, { k: 'expr', text: sym, syms: [sym], numeric: null }, c) : {};
  }
  if ((op.k === 'expr' || op.k === 'imm') && op.numeric) return { pos: numericLabel(unitFacts(unit).stmts, pos, op.numeric) };
  const syms = op.k === 'imm' || op.k === 'expr' || op.k === 'mem' ? op.syms : [];
  for (const s of syms) {
    const local = unit.labels.get(s);
    if (local !== undefined) return { pos: local };
    if (w.index.asmLabels.has(s) || w.index.functions.has(s)) {
      const l = w.index.asmLabels.get(s);
      if (l && l.unit === unitIdx) return { pos: l.pos };
      return { sym: s };
    }
  }
  return {};
}

function decideJcc(m: string, c: Ctx): boolean | undefined {
  if (m === 'loop') return undefined;
  const f = c.flags;
  if (!f) return undefined;
  const v = c.vals.get(f.reg);
  let zero: boolean | undefined;
  if (f.imm === undefined) zero = v?.k === 'num' ? v.v === 0n : v?.k === 'nonzero' || v?.k === 'addr' ? false : undefined;
  else zero = v?.k === 'num' ? v.v === f.imm : undefined;
  if (zero === undefined) return undefined;
  if (m === 'jz' || m === 'je') return zero;
  if (m === 'jnz' || m === 'jne') return !zero;
  return undefined;
}

function clobber(c: Ctx): Ctx {
  if (c.flags === null && !CALLER_SAVED.some((r) => c.vals.has(r))) return c;
  const vals = new Map(c.vals);
  for (const r of CALLER_SAVED) vals.delete(r);
  return { ...c, vals, flags: null };
}
