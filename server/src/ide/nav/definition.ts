/** Go to definition across C and GNU assembler: functions, variables, labels, numeric labels, macros, included files. */
import type { Range } from '../../model/types';
import { resolverOf } from '../../index/include-reach';
import type { WorkspaceIndex } from '../../index/index';
import { isLocalLabel, labelTable, numericTarget, stmtAt } from '../../index/asm-facts';
import { fileText, lineText, rangeAt } from '../file-text';
import { tokenAt } from './token';
import { activeLine, enclosingFunction, labelAt, labelDefinitionRe, macroNameRange, numericTargetInText } from './places';

const INCLUDE_RE = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/;

/** Where the symbol under the cursor is defined: C function or variable, asm label, numeric label, macro, included file. */
export function definition(index: WorkspaceIndex, file: string, line: number, column: number): Range[] {
  const f = fileText(index, file);
  if (!f) return [];
  const text = lineText(f, line);
  const inc = INCLUDE_RE.exec(text);
  if (inc) {
    const target = resolveInclude(index, file, inc[2], inc[1] === '"');
    return target ? [{ file: target, line: 0, column: 0, endLine: 0, endColumn: 0 }] : [];
  }
  const tok = tokenAt(text, column, f.gas);
  if (!tok) return [];
  if (tok.kind === 'numdef') return [{ file, line, column: tok.start, endLine: line, endColumn: tok.end }];
  if (tok.kind === 'numref') {
    const at = activeLine(index, file, line) ? stmtAt(index, file, line, column) : null;
    if (at) {
      const t = numericTarget(index, at.unit, at.at, tok.name, tok.dir);
      return t >= 0 ? [labelAt(index, at.unit, t)] : [];
    }
    const t = numericTargetInText(f, f.lines.offset(line, tok.start), tok.name, tok.dir);
    return t >= 0 ? [rangeAt(file, f, t, tok.name.length)] : [];
  }
  if (tok.member) return [];
  return symbolDefinitions(index, file, line, column, tok.name);
}

function symbolDefinitions(index: WorkspaceIndex, file: string, line: number, column: number, name: string): Range[] {
  const f = fileText(index, file)!;
  const out: Range[] = [];
  const labels = labelTable(index).get(name) ?? [];
  if (f.gas) {
    // the same unit first: `.L` labels and names defined more than once belong to their unit
    const at = stmtAt(index, file, line, column);
    const own = at ? labels.filter((l) => l.unit === at.unit) : [];
    if (own.length > 0) return own.map((l) => labelAt(index, l.unit, l.pos));
  } else {
    // a parameter of the enclosing function shadows every global
    const encl = enclosingFunction(index, file, line, column);
    if (encl && encl.params.includes(name)) return [];
  }
  const fn = index.pickFunction(name, file);
  if (fn) out.push(fn.nameRange);
  const vars = index.variables.get(name) ?? [];
  const sameFile = vars.filter((v) => v.file === file);
  for (const v of sameFile.length > 0 ? sameFile : vars.slice(0, 1)) out.push(v.range);
  if (out.length === 0 && !isLocalLabel(name)) for (const l of labels) out.push(labelAt(index, l.unit, l.pos));
  if (out.length === 0) {
    const m = index.macros.get(name);
    if (m) out.push(macroNameRange(index, m.file, m.line, name));
  }
  if (out.length === 0 && f.gas) {
    // a label the units do not hold (an inactive `#if` branch or a file no unit includes)
    const re = labelDefinitionRe(name, '');
    for (let l = 0; l < f.lines.count; l++) {
      const m = re.exec(lineText(f, l));
      if (m) { const col = m.index + m[1].length; out.push({ file, line: l, column: col, endLine: l, endColumn: col + name.length }); break; }
    }
  }
  return out;
}

function resolveInclude(index: WorkspaceIndex, from: string, inc: string, quoted: boolean): string | null {
  const resolver = resolverOf(index.texts);
  const near = quoted ? resolver.beside(from, inc) : undefined;
  if (near !== undefined) return near;
  const cands = resolver.endingWith(inc);
  if (cands.includes(inc)) return inc;
  if (cands.length === 0) return null;
  // prefer an include/ directory, then the one sharing the longest directory prefix with the includer
  const a = from.split('/');
  const score = (f: string): number => {
    const b = f.split('/');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return (f.endsWith(`include/${inc}`) ? 1000 : 0) + i;
  };
  return [...cands].sort((x, y) => score(y) - score(x))[0];
}
