/**
 * TL003 / TL007 (a gate still points into an init section when init memory is freed; the NMI
 * gate of a live IDT is not present or points into freed init memory): install a non-init handler
 * on the vectors after the last gate write of the table; move the init handler out of the init
 * section.
 */
import type { Node } from 'web-tree-sitter';
import { formatVectors, type Finding } from '../../model/types';
import { splitArgs } from '../../index/macros';
import type { RolePath, Step } from '../../paths/steps';
import { liveGates } from '../../paths/state';
import { callAround, functionOf, localsOf, short, topStmt } from './c-stmt';
import type { Ctx } from './context';
import { attachedCommentStart, type CodeAction, insertAfterLine, lineEdit, type TextEdit } from './edit';
import { cFrames } from './frames';
import { chooseHandler, type HandlerKind, loopVariable, PLACEHOLDER_HANDLER, vectorName } from './idioms';
import { removeInitAnnotation } from './init-annotation';
import { findingVectors, type Located } from './locate';

export function tl003(ctx: Ctx, f: Finding, loc: Located): CodeAction[] {
  const { open, path: p } = loc;
  let table: string | null = null;
  let handler: string | null = null;
  let limit = loc.openPos;
  if (f.rule === 'TL003') {
    if (open.effect.kind !== 'gate') return [];
    table = open.effect.table.kind === 'unknown' ? null : open.effect.table.name;
    handler = open.effect.handler.symbol;
    limit = loc.second ? p.steps.indexOf(loc.second) : p.steps.length;
  } else {
    const st = open.after.find((s) => s.idt.kind === 'table');
    if (!st || st.idt.kind !== 'table') return [];
    table = st.idt.name;
    const g = liveGates(st)?.[2];
    handler = g && g.present && g.init ? g.handler : null;
  }
  const out: CodeAction[] = [];
  if (table) {
    const a = overwriteVectors(ctx, p, table, findingVectors(f), limit, f.rule === 'TL007');
    if (a) out.push({ ...a, isPreferred: true });
  }
  if (handler && ctx.isInit(handler)) {
    const m = moveOutOfInit(ctx, handler);
    if (m) out.push(m);
  }
  return out;
}

function tableOf(s: Step): string | null {
  if (s.effect.kind !== 'gate' || s.effect.table.kind === 'unknown') return null;
  return s.effect.table.name;
}

interface GateTemplate { stmt: Node; call: Node; args: string[]; vectorArg: number; vectorIsIndex: boolean; handlerArg: number; file: string }

/** A C call that writes one gate, at some frame of a gate step, usable with another vector and handler. */
function gateTemplate(ctx: Ctx, s: Step): GateTemplate | null {
  if (s.effect.kind !== 'gate' || !s.effect.handler.symbol) return null;
  const handler = s.effect.handler.symbol;
  for (const frame of cFrames(s)) {
    const file = frame.range.file;
    const at = ctx.nodeAt(frame.range);
    const call = callAround(at);
    const stmt = topStmt(at);
    const fnNode = functionOf(at);
    if (!call || !stmt || !fnNode) continue;
    const args = splitArgs((call.childForFieldName('arguments')?.text ?? '()').slice(1, -1));
    const fn = ctx.fn(frame.fn, file);
    const params = new Set(fn?.params ?? []);
    const bare = (x: string): string => x.replace(/^\(\s*[\w\s*]+\)\s*/, '').replace(/^&\s*/, '').replace(/^\((.*)\)$/, '$1').trim();
    const handlerArg = args.findIndex((x) => bare(x) === handler);
    if (handlerArg < 0) continue;
    let vectorArg = -1, vectorIsIndex = false;
    args.forEach((x, i) => {
      if (i === handlerArg || vectorArg >= 0) return;
      const idx = /^&\s*[\w.>\-()]+\s*\[(.+)\]$/.exec(x.trim());
      if (idx) { vectorArg = i; vectorIsIndex = true; return; }
      const v = ctx.a.index.macros.evaluate(x);
      if ((v !== undefined && s.effect.kind === 'gate' && s.effect.vectors.includes(Number(v))) || (/^\w+$/.test(x) && !params.has(x) && v === undefined)) vectorArg = i;
    });
    if (vectorArg < 0) continue;
    // arguments other than the vector and the handler must not name the function's parameters
    if (args.some((x, i) => i !== vectorArg && i !== handlerArg && (x.match(/[A-Za-z_]\w*/g) ?? []).some((id) => params.has(id)))) continue;
    // a table that is a parameter here (`&idt[n]`): the caller names the real one
    const tableName = vectorIsIndex ? /^&\s*([A-Za-z_]\w*)/.exec(args[vectorArg].trim())?.[1] : undefined;
    if (tableName && params.has(tableName)) continue;
    return { stmt, call, args, vectorArg, vectorIsIndex, handlerArg, file };
  }
  return null;
}

/** Install a non-init handler on the vectors `vs` (distinct, in order) after the last C gate write of the table (before `limit`). */
function overwriteVectors(ctx: Ctx, p: RolePath, table: string, vs: number[], limit: number, nmi: boolean): Omit<CodeAction, 'isPreferred'> | null {
  if (vs.length === 0) return null;
  let tpl: GateTemplate | null = null;
  for (let i = Math.min(limit, p.steps.length) - 1; i >= 0 && !tpl; i--) {
    if (tableOf(p.steps[i]) === table) tpl = gateTemplate(ctx, p.steps[i]);
  }
  // the window opens at the first gate write into the loaded table: write these vectors before it
  let before = false;
  if (!tpl && limit < p.steps.length && tableOf(p.steps[limit]) === table) { tpl = gateTemplate(ctx, p.steps[limit]); before = true; }
  if (!tpl) return null;
  const doc = ctx.doc(tpl.file);
  const fnNode = functionOf(tpl.stmt);
  const body = fnNode?.childForFieldName('body');
  if (!doc || !fnNode || !body) return null;
  const indent = doc.indent(tpl.stmt.startPosition.row);
  const unit = doc.unit();
  const xen = /\bfor \( /.test(doc.text) || /\bif \( /.test(doc.text);
  const ranges: [number, number][] = [];
  for (const v of vs) {
    const last = ranges[ranges.length - 1];
    if (last && v === last[1] + 1) last[1] = v; else ranges.push([v, v]);
  }
  const handlers = new Map<HandlerKind, string>();
  const handlerFor = (a: number, b: number): string => {
    const key: HandlerKind = nmi || (a <= 2 && b >= 2 && a === b) ? 'nmi' : b < 32 ? 'exc' : a >= 32 ? 'irq' : 'mixed';
    let h = handlers.get(key);
    if (!h) { h = chooseHandler(ctx, key); handlers.set(key, h); }
    return h;
  };
  const writeWith = (vec: string, h: string): string => {
    const args = [...tpl.args];
    args[tpl.vectorArg] = tpl.vectorIsIndex ? args[tpl.vectorArg].replace(/\[(.+)\]\s*$/, `[${vec}]`) : vec;
    const old = args[tpl.handlerArg];
    args[tpl.handlerArg] = old.includes('&') ? old.replace(/&\s*.*$/, `&${h}`) : h;
    const callee = tpl.call.childForFieldName('function')?.text ?? '';
    return `${callee}(${args.join(', ')});`;
  };
  const needsLoop = ranges.some(([a, b]) => b > a);
  const loopVar = needsLoop ? loopVariable(fnNode) : null;
  const taken = localsOf(fnNode);
  const v = loopVar ?? ['v', 'vec', 'vector', 'i', 'n'].find((x) => !taken.has(x) && !ctx.visible(tpl.file, x)) ?? 'v';
  const lines: string[] = [];
  for (const [a, b] of ranges) {
    const h = handlerFor(a, b);
    if (a === b) { lines.push(`${indent}${writeWith(vectorName(ctx, tpl.file, a), h)}`); continue; }
    lines.push(xen ? `${indent}for ( ${v} = ${a}; ${v} <= ${b}; ${v}++ )` : `${indent}for (${v} = ${a}; ${v} <= ${b}; ${v}++)`);
    lines.push(`${indent}${unit}${writeWith(v, h)}`);
  }
  const edits: TextEdit[] = [before ? lineEdit(tpl.file, tpl.stmt.startPosition.row, lines, doc.eol) : insertAfterLine(doc, tpl.stmt.endPosition.row, lines)];
  if (needsLoop && !loopVar) {
    // after the declarations that open the body, else right after its brace
    let after = body.startPosition.row;
    for (const c of body.namedChildren) {
      if (!c || c.type === 'comment') continue;
      if (c.type !== 'declaration') break;
      after = c.endPosition.row;
    }
    const first = body.namedChildren.find((c) => c && c.type !== 'comment');
    const declIndent = first ? doc.indent(first.startPosition.row) : doc.indent(body.startPosition.row) + unit;
    edits.push(insertAfterLine(doc, after, [`${declIndent}unsigned int ${v};`]));
  }
  // declare handlers the file cannot name yet, above the function
  const used = [...new Set(handlers.values())].filter((h) => !ctx.visible(tpl.file, h));
  if (used.length > 0) {
    const at = attachedCommentStart(doc, fnNode.startPosition.row);
    edits.push(lineEdit(tpl.file, at, [...used.map((h) => `extern void ${h}(void);`), ''], doc.eol));
  }
  const names = [...new Set(handlers.values())];
  const placeholder = names.includes(PLACEHOLDER_HANDLER);
  return {
    title: `Install ${names.join(' / ')} on ${vs.length === 1 ? 'vector' : 'vectors'} ${formatVectors(vs)} ${before ? 'before' : 'after'} \`${short(tpl.stmt.text)}\`${placeholder ? ` (edit ${PLACEHOLDER_HANDLER}: a handler outside the init section)` : ''}`,
    kind: 'quickfix', edits,
  };
}

/** C: drop the init annotation from the definition. Assembly: `.pushsection .text` around the handler. */
function moveOutOfInit(ctx: Ctx, sym: string): CodeAction | null {
  const fn = ctx.fn(sym);
  if (fn) {
    const r = removeInitAnnotation(ctx, fn);
    return r ? { title: `Remove \`${r.token}\` from ${sym} (keep the handler after init)`, kind: 'quickfix', edits: r.edits } : null;
  }
  const ref = ctx.a.index.asmLabels.get(sym);
  if (!ref) return null;
  const stmts = ctx.a.index.units[ref.unit]?.stmts ?? [];
  const label = stmts[ref.pos]?.stmt;
  if (!label) return null;
  const file = label.range.file;
  const doc = ctx.doc(file);
  if (!doc) return null;
  let lastLine = -1;
  for (let i = ref.pos + 1; i < stmts.length; i++) {
    const s = stmts[i].stmt;
    if (s.range.file !== file) continue;
    if (s.kind === 'label' && !/^(\.L|\d)/.test(s.name)) break;
    if (s.kind === 'section' || s.kind === 'cpp' || s.kind === 'include') break;
    if (s.kind === 'insn' || s.kind === 'data' || s.kind === 'macro') lastLine = s.range.endLine;
  }
  if (lastLine < label.range.line) return null;
  const directiveIndent = doc.lines.map((l) => /^([ \t]+)\.(section|text|data|align|globl)\b/.exec(l)?.[1]).find((x) => x !== undefined) ?? doc.indent(lastLine);
  const at = attachedCommentStart(doc, label.range.line);
  return {
    title: `Move ${sym} out of the init section (\`.pushsection .text\`)`, kind: 'quickfix',
    edits: [
      lineEdit(file, at, [`${directiveIndent}.pushsection .text, "ax", @progbits`], doc.eol),
      insertAfterLine(doc, lastLine, [`${directiveIndent}.popsection`]),
    ],
  };
}
