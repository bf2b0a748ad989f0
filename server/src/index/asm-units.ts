// The assembly units: each root `.S` file with the `.S` files it includes spliced in, read
// through its cpp conditionals, each statement with the section and code mode it sits in.
import * as path from 'node:path';
import type { MacroTable } from './macros';
import type { AsmFile, AsmStmt } from './asm-index';
import type { AsmUnit, WorkspaceIndex } from './workspace-index';
import { decideDirective, PREDEFINED_ASM } from './cpp-decide';
import { notBuilt } from './tree-config';

const MAX_INCLUDE_DEPTH = 8;
/** Statements read into one assembly unit, its includes spliced in (xen.git's largest unit, boot/head.S, has about 1,800): against include fan-outs. */
const MAX_UNIT_STMTS = 200000;
/** Predefined by the compiler for `.S` files on x86-64. */

/** Makes the index's assembly units and the labels they define; a limit that stops a unit's reading is recorded. */
export function buildUnits(index: WorkspaceIndex, asmFiles: AsmFile[]): void {
  const byPath = new Map(asmFiles.map((a) => [a.file, a]));
  const resolve = (from: string, inc: string): string | undefined => {
    const p = path.posix.normalize(path.posix.join(path.posix.dirname(from), inc));
    return byPath.has(p) ? p : undefined;
  };
  const edges = new Map<string, string[]>();
  for (const a of asmFiles) for (const s of a.stmts) if (s.kind === 'include') { const r = resolve(a.file, s.path); if (r && r !== a.file) edges.set(a.file, [...(edges.get(a.file) ?? []), r]); }
  const included = new Set([...edges.values()].flat());
  // Files included only from a cycle (a.S <-> b.S) would have no root: the first of them becomes one.
  const reached = new Set<string>();
  const reach = (f: string): void => { if (reached.has(f)) return; reached.add(f); for (const g of edges.get(f) ?? []) reach(g); };
  const roots: AsmFile[] = [];
  // a root the configuration's Makefiles do not build (a 32-bit or EFI variant) is no unit
  const built = (a: AsmFile): boolean => !notBuilt(index.kernelConfig, a.file);
  for (const a of asmFiles) if (!included.has(a.file) && built(a)) { roots.push(a); reach(a.file); }
  for (const a of asmFiles) if (!reached.has(a.file) && built(a)) { roots.push(a); reach(a.file); }
  for (const a of roots) {
    const unit: AsmUnit = { root: a.file, stmts: [], labels: new Map() };
    let section = '.text', previous = '.text', bits: 16 | 32 | 64 = 64;
    const pushed: [string, string][] = [];
    // cpp conditionals: an undecidable condition keeps its first branch (the configuration most trees build).
    const conds: { active: boolean; taken: boolean; parentActive: boolean }[] = [];
    const active = (): boolean => conds.length === 0 || conds[conds.length - 1].active;
    const emitSection = (s0: Extract<AsmStmt, { kind: 'section' }>): void => {
      // `.section ".init.text","ax"` names the section `.init.text`
      const s = s0.name === null ? s0 : { ...s0, name: s0.name.replace(/^"(.*)"$/, '$1') };
      if (s.op === 'set') { previous = section; section = s.name ?? section; }
      else if (s.op === 'previous') [section, previous] = [previous, section];
      else if (s.op === 'push') { pushed.push([section, previous]); previous = section; section = s.name ?? section; }
      else { const top = pushed.pop(); if (top) [section, previous] = top; }
    };
    let stopped = false, read = a.stmts.length;
    const deep = new Set<AsmStmt>();
    const emit = (file: AsmFile, depth: number, stack: string[]): void => {
      for (const s of file.stmts) {
        if (stopped) return;
        if (s.kind === 'cpp') {
          if (s.directive === 'if' || s.directive === 'ifdef' || s.directive === 'ifndef') {
            const parent = active();
            const v = decideDirective(s.directive, s.cond, index.macros, index.kernelConfig?.config ?? null, PREDEFINED_ASM);
            const truth = v ?? true;
            conds.push({ active: parent && truth, taken: truth, parentActive: parent });
          } else if (s.directive === 'elif' || s.directive === 'else') {
            const top = conds[conds.length - 1];
            if (!top) continue;
            const v = s.directive === 'else' ? true : (decideDirective('elif', s.cond, index.macros, index.kernelConfig?.config ?? null, PREDEFINED_ASM) ?? false);
            top.active = top.parentActive && !top.taken && v;
            top.taken = top.taken || v;
          } else conds.pop();
          continue;
        }
        if (!active()) continue;
        if (s.kind === 'include') {
          const r = resolve(file.file, s.path);
          const inc = r ? byPath.get(r) : undefined;
          if (!inc || stack.includes(inc.file)) continue;
          const at = inc.file;
          if (depth >= MAX_INCLUDE_DEPTH) {
            if (!deep.has(s)) index.limits.push({ limit: `include depth limit ${MAX_INCLUDE_DEPTH}`, at, effect: `it is not read into ${a.file} here`, range: s.range });
            deep.add(s);
          } else if ((read += inc.stmts.length) > MAX_UNIT_STMTS) {
            index.limits.push({ limit: `include expansion limit ${MAX_UNIT_STMTS} statements`, at, effect: `the rest of ${a.file} is not read`, range: s.range });
            stopped = true;
          } else emit(inc, depth + 1, [...stack, inc.file]);
          continue;
        }
        const viaMacro = sectionMacro(s, index.macros);
        if (viaMacro) { emitSection(viaMacro); unit.stmts.push({ stmt: viaMacro, section, bits }); continue; }
        if (s.kind === 'section') emitSection(s);
        if (s.kind === 'code-mode') bits = s.bits;
        if (s.kind === 'label') {
          unit.labels.set(s.name, unit.stmts.length);
          if (!/^\d+$/.test(s.name) && !index.asmLabels.has(s.name)) index.asmLabels.set(s.name, { unit: index.units.length, pos: unit.stmts.length, section });
        }
        unit.stmts.push({ stmt: s, section, bits });
      }
    };
    emit(a, 0, [a.file]);
    index.units.push(unit);
  }
}

/** `__INIT` / `__FINIT` alone on a line, a cpp macro for `.section .init.text, "ax"` / `.previous`. */
function sectionMacro(s: AsmStmt, macros: MacroTable): Extract<AsmStmt, { kind: 'section' }> | null {
  if ((s.kind !== 'insn' || s.operands.length > 0) && (s.kind !== 'macro' || s.args.length > 0)) return null;
  const name = s.text.trim();
  const body = macros.get(name)?.body;
  if (!body) return null;
  const m = /^\.(section|pushsection|popsection|previous|text|data|bss)\b\s*([^\s,]*)/.exec(body.trim());
  if (!m) return null;
  const op = m[1] === 'section' ? 'set' : m[1] === 'pushsection' ? 'push' : m[1] === 'popsection' ? 'pop' : m[1] === 'previous' ? 'previous' : 'set';
  return { kind: 'section', op, name: m[1] === 'section' || m[1] === 'pushsection' ? m[2] : op === 'set' ? `.${m[1]}` : null, range: s.range };
}

