/** Find references: whole-word occurrences across C and GNU assembler, and the uses of one numeric label. */
import type { Range } from '../../model/types';
import type { WorkspaceIndex } from '../../index/index';
import { isLocalLabel, labelTable, numericTarget, stmtAt } from '../../index/asm-facts';
import { fileText, isWordAt, lineText, masked, rangeAt, type FileText } from '../file-text';
import { tokenAt, type NumericToken } from './token';
import { activeLine, labelAt, numericDefsInText, numericTargetInText } from './places';

/** Every whole-word occurrence of the symbol under the cursor, in C and assembly, outside comments and strings. */
export function references(index: WorkspaceIndex, file: string, line: number, column: number, includeDeclaration: boolean): Range[] {
  const f = fileText(index, file);
  if (!f) return [];
  const tok = tokenAt(lineText(f, line), column, f.gas);
  if (!tok) return [];
  if (tok.kind !== 'sym') return numericReferences(index, file, line, column, tok, includeDeclaration);
  const name = tok.name;
  let files: Iterable<string> = index.texts.keys();
  if (f.gas && isLocalLabel(name)) {
    // `.L` labels are local to their assembly unit
    const at = stmtAt(index, file, line, column);
    if (at) files = new Set(index.units[at.unit].stmts.map((s) => s.stmt.range.file));
    else files = [file];
  }
  const decls = includeDeclaration ? null : declarationSites(index, name);
  const out: Range[] = [];
  for (const g of files) {
    const text = index.texts.get(g);
    if (text === undefined || text.indexOf(name) === -1) continue;
    const gi = fileText(index, g)!;
    for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
      if (!isWordAt(text, i, name.length, gi.gas)) continue;
      if (!gi.gas && i >= 2 && text[i - 1] === '>' && text[i - 2] === '-') continue; // p->member
      if (masked(gi, i)) continue;
      const r = rangeAt(g, gi, i, name.length);
      if (decls && isDeclaration(gi, i, name, r, decls)) continue;
      out.push(r);
    }
  }
  return out;
}

const siteKey = (r: Range): string => `${r.file}:${r.line}:${r.column}`;

/** Known definition sites of a name: C functions and variables, asm labels (`name:` is found from the text). */
function declarationSites(index: WorkspaceIndex, name: string): Set<string> {
  const s = new Set<string>();
  for (const fn of index.functions.get(name) ?? []) s.add(siteKey(fn.nameRange));
  for (const v of index.variables.get(name) ?? []) s.add(siteKey(v.range));
  for (const l of labelTable(index).get(name) ?? []) s.add(siteKey(labelAt(index, l.unit, l.pos)));
  return s;
}

function isDeclaration(f: FileText, offset: number, name: string, r: Range, sites: Set<string>): boolean {
  if (sites.has(siteKey(r))) return true;
  if (f.gas && /^\s*:(?!:)/.test(f.text.slice(offset + name.length, offset + name.length + 8))) return true;
  return /^\s*#\s*define\s+$/.test(f.text.slice(f.lines.offset(r.line, 0), offset));
}

/** The numeric label a `Nb`/`Nf`/`N:` at the cursor means, and the references that reach it (up to the next `N:` either side). */
function numericReferences(index: WorkspaceIndex, file: string, line: number, column: number, tok: NumericToken, includeDeclaration: boolean): Range[] {
  const at = activeLine(index, file, line) ? stmtAt(index, file, line, column) : null;
  if (!at) return numericReferencesInText(index, file, line, tok, includeDeclaration);
  const stmts = index.units[at.unit].stmts;
  let target = -1;
  if (tok.kind === 'numref') target = numericTarget(index, at.unit, at.at, tok.name, tok.dir);
  else {
    for (let i = Math.max(at.at, 0); i >= 0 && i >= at.at - 2; i--) {
      const s = stmts[i].stmt;
      if (s.kind === 'label' && s.name === tok.name && s.range.file === file && s.range.line === line) { target = i; break; }
    }
  }
  if (target < 0) return [];
  const isIt = (i: number): boolean => { const s = stmts[i].stmt; return s.kind === 'label' && s.name === tok.name; };
  let prev = target - 1;
  while (prev >= 0 && !isIt(prev)) prev--;
  let next = target + 1;
  while (next < stmts.length && !isIt(next)) next++;
  const out: Range[] = [];
  if (includeDeclaration) out.push(labelAt(index, at.unit, target));
  const seen = new Set<string>();
  const scan = (from: number, to: number, suffix: 'b' | 'f'): void => {
    const word = tok.name + suffix;
    for (let i = from; i < to; i++) {
      const s = stmts[i].stmt;
      if (s.kind === 'label') continue; // a label's node holds the statement on its line, which is scanned on its own
      const g = fileText(index, s.range.file);
      if (!g) continue;
      const a = g.lines.offset(s.range.line, s.range.column), b = g.lines.offset(s.range.endLine, s.range.endColumn);
      for (let k = g.text.indexOf(word, a); k !== -1 && k < b; k = g.text.indexOf(word, k + 1)) {
        if (!isWordAt(g.text, k, word.length, true) || masked(g, k)) continue;
        const key = `${s.range.file}:${k}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rangeAt(s.range.file, g, k, word.length));
      }
    }
  };
  scan(prev + 1, target, 'f');
  scan(target + 1, next, 'b');
  return out;
}

/** The same from the file's text alone, for a line no unit holds. */
function numericReferencesInText(index: WorkspaceIndex, file: string, line: number, tok: NumericToken, includeDeclaration: boolean): Range[] {
  const f = fileText(index, file)!;
  const here = f.lines.offset(line, tok.start);
  const target = tok.kind === 'numdef' ? here : numericTargetInText(f, here, tok.name, tok.dir);
  if (target < 0) return [];
  const defs = numericDefsInText(f, tok.name);
  const k = defs.indexOf(target);
  const prev = k > 0 ? defs[k - 1] : 0;
  const next = k >= 0 && k + 1 < defs.length ? defs[k + 1] : f.text.length;
  const out: Range[] = includeDeclaration ? [rangeAt(file, f, target, tok.name.length)] : [];
  const re = new RegExp(`(?<![\\w.$])${tok.name}([bf])(?![\\w.$])`, 'g');
  for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
    const ok = m[1] === 'f' ? prev < m.index && m.index < target : target < m.index && m.index < next;
    if (ok && !masked(f, m.index)) out.push(rangeAt(file, f, m.index, m[0].length));
  }
  return out;
}
