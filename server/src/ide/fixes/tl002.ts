/**
 * TL002 (CR4.MCE is set while #MC cannot be delivered): move the CR4 write after the statement
 * that makes #MC deliverable (same function); or load CR4 without MCE and set MCE with the tree's
 * own helper once #MC can be delivered.
 */
import type { Node } from 'web-tree-sitter';
import type { Step } from '../../paths/steps';
import { isAsm, isCFile, isCLike, rng } from '../text';
import { aloneStmtAt, blockStmt, callArgument, short } from './c-stmt';
import type { Ctx } from './context';
import { type CodeAction, insertAfterLine, lineEdit, type TextEdit } from './edit';
import { type Frame, commonLevel, framesOf } from './frames';
import { cr4OrCall, mceMacro } from './idioms';
import type { Located } from './locate';
import { moveAfterClose } from './move';

export function tl002(ctx: Ctx, loc: Located): CodeAction[] {
  const out: CodeAction[] = [];
  const { open, close } = loc;
  if (open.effect.kind !== 'cr4') return out;
  const mv = moveAfterClose(ctx, loc, new Set(['cr4']), false);
  if (mv) out.push({ title: `Move the CR4 write after \`${mv.anchor}\` (#MC deliverable first)`, kind: 'quickfix', isPreferred: true, edits: mv.edits });
  const mask = maskMce(ctx, open);
  if (mask) {
    const enable = close ? enableMce(ctx, open, close) : null;
    out.push({
      title: enable ? `Load CR4 without MCE here and set it after \`${enable.anchor}\`` : 'Load CR4 without MCE (bit 6) here',
      kind: 'quickfix', isPreferred: !mv, edits: [...mask, ...(enable?.edits ?? [])],
    });
  }
  return out;
}

/** Edits that clear MCE from the value an early CR4 write loads. */
function maskMce(ctx: Ctx, open: Step): TextEdit[] | null {
  const file = open.range.file;
  const doc = ctx.doc(file);
  if (!doc) return null;
  if (isAsm(file)) {
    const line = doc.line(open.range.line);
    const m = /^(\s*)(mov([bwlq]?))(\s+)(%\w+)(\s*,\s*)%cr4\b/.exec(line);
    if (!m) return null;
    const reg = m[5];
    const suffix = m[3] !== '' ? (/^%r/.test(reg) ? 'q' : 'l') : '';
    const mnemonic = `and${suffix}`;
    const pad = m[2].length + m[4].length - mnemonic.length;
    const text = `${m[1]}${mnemonic}${' '.repeat(Math.max(1, pad))}$~${mceMacro(ctx, file, true)}${m[6]}${reg}`;
    return [lineEdit(file, open.range.line, [text], doc.eol)];
  }
  // C: follow the value from the CR4 write out of the helpers it is a parameter of
  const fr = framesOf(open);
  let value: Node | null = null;
  let vfile: string | null = null;
  let wanted: { callee: string; param: number } | null = null;
  for (let j = fr.length - 1; j >= 0; j--) {
    const at = fr[j].range.file;
    if (!isCLike(at)) return null;
    const node = ctx.nodeAt(fr[j].range);
    const st = blockStmt(node) ?? node;
    if (!st) return null;
    value = wanted ? callArgument(st, wanted.callee, wanted.param) : cr4ValueIn(ctx, st);
    if (!value) return null;
    const fn = ctx.fn(fr[j].fn, at);
    const param: number = value.type === 'identifier' && fn ? fn.params.indexOf(value.text) : -1;
    if (param >= 0) { wanted = { callee: fr[j].fn, param }; continue; }
    // the value is written here: never inside a shared helper of a header
    if (!isCFile(at)) return null;
    vfile = at;
    break;
  }
  if (!value || !vfile) return null;
  const macro = mceMacro(ctx, vfile, false);
  const simple = /^(identifier|field_expression|call_expression|subscript_expression|parenthesized_expression|number_literal)$/.test(value.type);
  return [{
    file: vfile,
    range: rng(vfile, value.startPosition.row, value.startPosition.column, value.endPosition.row, value.endPosition.column),
    newText: `${simple ? value.text : `(${value.text})`} & ~${macro}`,
  }];
}

/** The expression a statement loads into CR4: an inline-asm `mov %N, %%cr4` operand, or a one-argument writer's argument. */
function cr4ValueIn(ctx: Ctx, st: Node): Node | null {
  // in source order: the first write of the statement
  const stack: Node[] = [st];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === 'gnu_asm_expression') {
      const code = n.childForFieldName('assembly_code')?.text ?? '';
      const m = /mov\w*\s+%(\d+|\[\w+\])\s*,\s*%%cr4/.exec(code);
      if (!m) continue;
      const outs = (n.childForFieldName('output_operands')?.namedChildren ?? []).filter((x): x is Node => x?.type === 'gnu_asm_output_operand');
      const ins = (n.childForFieldName('input_operands')?.namedChildren ?? []).filter((x): x is Node => x?.type === 'gnu_asm_input_operand');
      const all = [...outs, ...ins];
      const op = m[1].startsWith('[') ? all.find((o) => o.childForFieldName('symbol')?.text === m[1].slice(1, -1)) : all[Number(m[1])];
      return op?.childForFieldName('value') ?? null;
    }
    if (n.type === 'call_expression') {
      const name = n.childForFieldName('function')?.text ?? '';
      const fn = ctx.fn(name);
      const args = n.childForFieldName('arguments')?.namedChildren.filter((x): x is Node => x !== null) ?? [];
      if (fn && fn.params.length === 1 && args.length === 1 && /%%cr4|write_cr4|cr4/.test(ctx.body(fn))) return args[0];
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) { const c = n.namedChild(i); if (c) stack.push(c); }
  }
  return null;
}

/** `set_in_cr4(X86_CR4_MCE);` after the statement that makes #MC deliverable. */
function enableMce(ctx: Ctx, open: Step, close: Step): { edits: TextEdit[]; anchor: string } | null {
  const fo = framesOf(open), fc = framesOf(close);
  const level = Math.max(0, commonLevel(fo, fc));
  let anchor: Frame | null = null;
  for (let j = level; j < fc.length && !anchor; j++) if (isCFile(fc[j].range.file)) anchor = fc[j];
  if (!anchor) return null;
  const at = aloneStmtAt(ctx, anchor.range);
  if (!at) return null;
  const { doc, st } = at;
  const file = anchor.range.file;
  const macro = mceMacro(ctx, file, false);
  const call = cr4OrCall(ctx, file, macro);
  if (!call) return null;
  return { edits: [insertAfterLine(doc, st.endPosition.row, [`${doc.indent(st.startPosition.row)}${call};`])], anchor: short(st.text) };
}
