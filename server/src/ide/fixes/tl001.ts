/**
 * TL001 (gates of a live IDT ask for IST slots no loaded TSS provides): move the IST statements
 * (or the `lidt`) after the statement that loads the TSS when the two are in one function, or the
 * IST statements into the function that loads the TSS when it is in the same file, or a call that
 * only sets IST indices after the call that loads the TSS; otherwise clear the IST indices before
 * the `lidt` (the tree's `disable_each_ist()`-like helper, else `set_ist(&table[v], 0)`).
 */
import { formatVectors, type Finding } from '../../model/types';
import type { Step } from '../../paths/steps';
import { isCFile } from '../text';
import { aloneStmtAt, short } from './c-stmt';
import type { Ctx } from './context';
import { type CodeAction, commentedBlock, lineEdit, moveBlocks, type TextEdit } from './edit';
import { cFrame, commonLevel, framesOf, ownLevel, samePrefix } from './frames';
import { istClearHelper, vectorName } from './idioms';
import { findingVectors, type Located } from './locate';
import { moveAfterClose } from './move';

export function tl001(ctx: Ctx, f: Finding, loc: Located): CodeAction[] {
  const { open } = loc;
  const kind = open.effect.kind;
  if (kind === 'ist' || kind === 'lidt') {
    const mv = moveAfterClose(ctx, loc, new Set([kind]), kind === 'ist');
    if (mv) {
      const what = kind === 'ist' ? `the IST assignment${mv.count > 1 ? 's' : ''}` : `\`${short(open.effect.text)}\``;
      return [{ title: `Move ${what} after \`${mv.anchor}\` (load the TSS first)`, kind: 'quickfix', isPreferred: true, edits: mv.edits }];
    }
  }
  if (kind === 'ist') {
    const mv = moveIstCall(ctx, loc);
    if (mv) return [{ title: `Move \`${mv.moved}\` after \`${mv.anchor}\` (load the TSS first)`, kind: 'quickfix', isPreferred: true, edits: mv.edits }];
  }
  if (kind === 'lidt') {
    const c = clearIstBeforeLidt(ctx, f, loc);
    if (c) return [c];
  }
  return [];
}

/**
 * The IST writes happen inside a call that does nothing else on this path (`enable_each_ist(idt)`),
 * made before the call that loads the TSS in the same function: move that call after it.
 */
function moveIstCall(ctx: Ctx, loc: Located): { edits: TextEdit[]; moved: string; anchor: string } | null {
  const { path: p, open, close } = loc;
  if (!close) return null;
  const fo = framesOf(open), fc = framesOf(close);
  const level = commonLevel(fo, fc);
  if (level < 0 || level >= ownLevel(fo) || level >= fc.length) return null;
  const file = fo[level].range.file;
  if (!isCFile(file) || fc[level].range.file !== file) return null;
  const under = p.steps.filter((s) => { const fs = framesOf(s); return fs.length > level + 1 && samePrefix(fs, fo, level + 1); });
  if (under.length === 0 || under.some((s) => s.effect.kind !== 'ist' && s.effect.kind !== 'call')) return null;
  const src = aloneStmtAt(ctx, fo[level].range);
  const anchor = aloneStmtAt(ctx, fc[level].range);
  if (!src || !anchor || src.st.id === anchor.st.id) return null;
  if (src.st.parent?.id !== anchor.st.parent?.id || src.st.endIndex > anchor.st.startIndex) return null;
  const { doc } = src;
  const block = commentedBlock(doc, src.st.startPosition.row, src.st.endPosition.row);
  return { edits: moveBlocks(doc, [block], anchor.st.endPosition.row, null), moved: short(src.st.text), anchor: short(anchor.st.text) };
}

/** The table a `lidt` step loads: from its descriptor, or from the state after it. */
function lidtTable(s: Step): string | null {
  if (s.effect.kind === 'lidt' && s.effect.desc.kind === 'table' && s.effect.desc.table.kind === 'symbol') return s.effect.desc.table.name;
  const idt = s.after[0]?.idt;
  return idt && idt.kind === 'table' ? idt.name : null;
}

/** The tree's IST-clearing helper, else one IST setter call per vector, before the `lidt`. */
function clearIstBeforeLidt(ctx: Ctx, f: Finding, loc: Located): CodeAction | null {
  const table = lidtTable(loc.open);
  const frame = cFrame(loc.open);
  if (!table || !frame) return null;
  const at = aloneStmtAt(ctx, frame.range);
  if (!at) return null;
  const { doc, st } = at;
  const file = frame.range.file;
  const indent = doc.indent(st.startPosition.row);
  const given = findingVectors(f);
  // a finding without vectors: NMI, #DF and #MC, the three every tree gives an IST stack
  const vectors = given.length > 0 ? given : [2, 8, 18];
  const helper = istClearHelper(ctx, table);
  let lines: string[];
  if (helper && ctx.visible(file, helper.name)) {
    lines = [`${indent}${helper.name}(${helper.params === 1 ? table : ''});`];
  } else {
    const setter = ctx.a.index.profile.hints.istSetters.find((s) => ctx.fn(s.name)?.params.length === Math.max(s.gate, s.ist) + 1 && ctx.visible(file, s.name));
    if (!setter || !ctx.visible(file, table)) return null;
    lines = vectors.map((v) => {
      const args: string[] = [];
      args[setter.gate] = `&${table}[${vectorName(ctx, file, v)}]`;
      args[setter.ist] = '0';
      return `${indent}${setter.name}(${args.join(', ')});`;
    });
  }
  return {
    title: `Clear the IST indices of ${table} (vectors ${formatVectors(vectors)}) before \`${short(st.text)}\``,
    kind: 'quickfix', edits: [lineEdit(file, st.startPosition.row, lines, doc.eol)],
  };
}
