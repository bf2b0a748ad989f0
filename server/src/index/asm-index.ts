import type { Node, Tree } from 'web-tree-sitter';
import type { Range } from '../model/types';
import type { MacroTable } from './macros';
import { rangeOf } from './c-index';

/** An operand, reduced to what the effects stage needs. `syms` lists the symbols it names, in order. */
export type Operand =
  | { k: 'reg'; reg: string; text: string }
  | { k: 'imm'; text: string; syms: string[]; numeric: string | null }
  | { k: 'mem'; text: string; base: string | null; index: string | null; disp: string | null; syms: string[]; numeric: string | null }
  | { k: 'ind'; text: string; inner: Operand }
  | { k: 'expr'; text: string; syms: string[]; numeric: string | null };

export type AsmStmt =
  | { kind: 'label'; name: string; range: Range; global: boolean }
  | { kind: 'insn'; mnemonic: string; prefix: string | null; operands: Operand[]; range: Range; text: string }
  | { kind: 'data'; size: number; values: string[]; syms: string[]; range: Range; text: string }
  | { kind: 'section'; op: 'set' | 'previous' | 'push' | 'pop'; name: string | null; range: Range }
  | { kind: 'code-mode'; bits: 16 | 32 | 64; range: Range }
  | { kind: 'include'; path: string; range: Range }
  | { kind: 'cpp'; directive: 'if' | 'ifdef' | 'ifndef' | 'elif' | 'else' | 'endif'; cond: string; range: Range }
  | { kind: 'macro'; name: string; args: string[]; range: Range; text: string };

export interface AsmFile { file: string; stmts: AsmStmt[] }

const DATA_SIZES = new Map(Object.entries({ '.byte': 1, '.word': 2, '.short': 2, '.hword': 2, '.value': 2, '.long': 4, '.int': 4, '.quad': 8 }));
const LABEL_MACRO_FALLBACK = /^(ENTRY|GLOBAL|FUNC|FUNC_LOCAL|DATA|DATA_LOCAL|LABEL|LABEL_LOCAL|SYM_[A-Z_]*(START|LABEL)[A-Z_]*|ALIGN_ENTRY|END_ENTRY)$/;

function symbolsIn(n: Node): string[] {
  const out: string[] = [];
  // iterative, left to right: operands can nest thousands deep ($((((1)))))
  const stack: Node[] = [n];
  while (stack.length > 0) {
    const x = stack.pop() as Node;
    if (x.type === 'symbol' || x.type === 'local_label') {
      const parent = x.parent;
      if (!(parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === x.id)) out.push(x.text);
      continue;
    }
    // In `a - b` only `a` is a place: the subtracted symbol is a base (sym - BASE, label - start).
    if (x.type === 'binary_expression' && x.childForFieldName('operator')?.text === '-') {
      const l = x.childForFieldName('left');
      if (l) stack.push(l);
      continue;
    }
    const kids = x.namedChildren.filter((c): c is Node => c !== null);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

/** `1f` in `jmp 1f` or in `$bootsym(1f)`. */
function numericRefIn(n: Node): string | null {
  const stack: Node[] = [n];
  while (stack.length > 0) {
    const x = stack.pop() as Node;
    if (x.type === 'numeric_label_ref') return x.text;
    const kids = x.namedChildren.filter((c): c is Node => c !== null);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return null;
}

function operandOf(n: Node): Operand {
  const inner = n.type === 'operand' ? n.namedChildren[0] : n;
  if (!inner) return { k: 'expr', text: n.text, syms: [], numeric: null };
  switch (inner.type) {
    case 'register': return { k: 'reg', reg: inner.text.replace(/^%/, '').toLowerCase(), text: inner.text };
    case 'immediate': return { k: 'imm', text: inner.text.replace(/^\$\s*/, ''), syms: symbolsIn(inner), numeric: numericRefIn(inner) };
    case 'memory': {
      const reg = (f: string): string | null => inner.childForFieldName(f)?.text.replace(/^%/, '').toLowerCase() ?? null;
      const disp = inner.childForFieldName('displacement');
      return { k: 'mem', text: inner.text, base: reg('base'), index: reg('index'), disp: disp?.text ?? null, syms: disp ? symbolsIn(disp) : [], numeric: disp ? numericRefIn(disp) : null };
    }
    case 'indirect': {
      const x = inner.namedChildren[0];
      return { k: 'ind', text: inner.text, inner: x ? operandOf(x) : { k: 'expr', text: '', syms: [], numeric: null } };
    }
    default: return { k: 'expr', text: inner.text, syms: symbolsIn(inner), numeric: numericRefIn(inner) };
  }
}

function labelMacro(name: string, macros: MacroTable): boolean {
  const d = macros.get(name);
  const p = d?.params?.[0];
  if (d && p && /^\w+$/.test(p) && new RegExp(`\\b${p}\\s*(##\\s*)?:`).test(d.body)) return true;
  return LABEL_MACRO_FALLBACK.test(name);
}

/**
 * A macro that defines a data label with its contents, `SYM_DATA(initial_code, .quad
 * x86_64_start_kernel)`: its expansion names the first argument as a label, then data directives.
 */
function dataMacro(text: string, args: readonly string[], macros: MacroTable): { label: string; words: Omit<Extract<AsmStmt, { kind: 'data' }>, 'range'>[] } | null {
  const label = args[0];
  if (!label || !/^[A-Za-z_][\w$]*$/.test(label) || !args.slice(1).some((a) => /^\s*\.\w/.test(a))) return null;
  const expanded = macros.expand(text);
  const at = new RegExp(`(?:^|[;\\s])${label.replace(/\$/g, '\\$')}\\s*:`).exec(expanded);
  if (!at) return null;
  const words: Omit<Extract<AsmStmt, { kind: 'data' }>, 'range'>[] = [];
  for (const part of expanded.slice(at.index + at[0].length).split(/;|\n/)) {
    const d = /^\s*(\.[a-z]+)\s+(.*?)\s*$/.exec(part);
    const size = d ? DATA_SIZES.get(d[1]) : undefined;
    if (!d || size === undefined) continue;
    const values = d[2].split(',').map((v) => v.trim()).filter((v) => v !== '');
    words.push({ kind: 'data', size, values, syms: values.flatMap((v) => v.match(/[A-Za-z_.$][\w.$]*/g) ?? []), text: part.trim() });
  }
  return words.length > 0 ? { label, words } : null;
}

/** Flattens a GNU as tree into statements, in order. `.macro` bodies are templates and are skipped. */
export function indexAsmTree(file: string, tree: Tree, macros: MacroTable): AsmFile {
  const stmts: AsmStmt[] = [];
  let inMacroDef = 0;
  const visit = (parent: Node): void => {
    for (const n of parent.namedChildren) {
      if (!n) continue;
      const range = rangeOf(file, n);
      switch (n.type) {
        case 'directive': {
          const name = n.childForFieldName('name')?.text ?? '';
          const args = n.namedChildren.filter((c) => c !== null && c.type !== 'directive_name' && c.type !== 'comment') as Node[];
          if (name === '.macro') { inMacroDef++; break; }
          if (name === '.endm') { inMacroDef = Math.max(0, inMacroDef - 1); break; }
          if (inMacroDef > 0) break;
          if (name === '.section') stmts.push({ kind: 'section', op: 'set', name: args[0]?.text ?? null, range });
          else if (name === '.pushsection') stmts.push({ kind: 'section', op: 'push', name: args[0]?.text ?? null, range });
          else if (name === '.popsection') stmts.push({ kind: 'section', op: 'pop', name: null, range });
          else if (name === '.previous') stmts.push({ kind: 'section', op: 'previous', name: null, range });
          else if (name === '.text' || name === '.data' || name === '.bss') stmts.push({ kind: 'section', op: 'set', name, range });
          else if (name === '.code16' || name === '.code32' || name === '.code64') stmts.push({ kind: 'code-mode', bits: Number(name.slice(5)) as 16 | 32 | 64, range });
          else if (DATA_SIZES.has(name)) {
            stmts.push({ kind: 'data', size: DATA_SIZES.get(name) ?? 0, values: args.map((a) => a.text), syms: args.flatMap(symbolsIn), range, text: n.text });
          } else if (name === '.fill' || name === '.skip' || name === '.space' || name === '.zero') {
            stmts.push({ kind: 'data', size: 0, values: args.map((a) => a.text), syms: [], range, text: n.text });
          }
          break;
        }
        case 'label': {
          if (inMacroDef > 0) break;
          const name = n.childForFieldName('name')?.text ?? n.text.replace(/:$/, '');
          stmts.push({ kind: 'label', name, range, global: false });
          visit(n); // a statement may follow the label on the same line inside the node
          break;
        }
        case 'instruction': {
          if (inMacroDef > 0) break;
          const mnemonic = n.childForFieldName('mnemonic')?.text.toLowerCase() ?? '';
          const prefix = n.childForFieldName('prefix')?.text.toLowerCase() ?? null;
          const operands = n.namedChildren.filter((c) => c?.type === 'operand').map((c) => operandOf(c as Node));
          stmts.push({ kind: 'insn', mnemonic, prefix, operands, range, text: n.text });
          break;
        }
        case 'macro_invocation': {
          if (inMacroDef > 0) break;
          const name = n.childForFieldName('name')?.text ?? '';
          const argList = n.childForFieldName('arguments');
          const args = argList ? (argList.namedChildren.filter((c) => c !== null) as Node[]).map((c) => c.text) : [];
          if (labelMacro(name, macros) && args[0] && /^[A-Za-z_.$][\w.$]*$/.test(args[0])) stmts.push({ kind: 'label', name: args[0], range, global: true });
          else {
            const data = dataMacro(n.text, args, macros);
            if (data) stmts.push({ kind: 'label', name: data.label, range, global: true }, ...data.words.map((d) => ({ ...d, range })));
            else stmts.push({ kind: 'macro', name, args, range, text: n.text });
          }
          break;
        }
        case 'preproc_include': {
          const p = n.childForFieldName('path');
          if (p?.type === 'string') stmts.push({ kind: 'include', path: p.text.slice(1, -1), range });
          break;
        }
        case 'preproc_if': case 'preproc_elif':
          stmts.push({ kind: 'cpp', directive: n.type === 'preproc_if' ? 'if' : 'elif', cond: n.childForFieldName('condition')?.text ?? '', range });
          break;
        case 'preproc_ifdef': case 'preproc_ifndef':
          stmts.push({ kind: 'cpp', directive: n.type === 'preproc_ifdef' ? 'ifdef' : 'ifndef', cond: n.childForFieldName('name')?.text ?? '', range });
          break;
        case 'preproc_else': stmts.push({ kind: 'cpp', directive: 'else', cond: '', range }); break;
        case 'preproc_endif': stmts.push({ kind: 'cpp', directive: 'endif', cond: '', range }); break;
        default: break;
      }
    }
  };
  visit(tree.rootNode);
  return { file, stmts };
}
