/**
 * Quick fixes for findings, as plain text edits over the analysed tree.
 *
 * An IDE layer that knows nothing of LSP: an edit is `{ file, range, newText }` with the engine's
 * 0-based `Range` (file relative to the root); every range of one action refers to the text as it
 * was analysed (`analysis.index.texts`), LSP `WorkspaceEdit` style, and no two overlap. The
 * language server translates.
 *
 * The fixes follow the clean reference ordering of the hazard rules (empty IDTR, IST slots, lgdt,
 * lidt of a table whose gates have IST 0, ltr, then IST on NMI/#DF/#MC, then CR4.MCE, then sti):
 *
 * - TL001: move the IST statements (or the `lidt`) after the statement that loads the TSS, when the
 *   two are in one function, or the IST statements into the function that loads the TSS when it is
 *   in the same file, or a call that only sets IST indices after the call that loads the TSS;
 *   otherwise clear the IST indices before the `lidt` (the tree's `disable_each_ist()`-like helper,
 *   else `set_ist(&table[v], 0)`).
 * - TL002: move the CR4 write after the statement that makes #MC deliverable (same function); or
 *   load CR4 without MCE and set MCE with the tree's own helper once #MC can be delivered.
 * - TL003/TL007: install a non-init handler on the vectors after the last gate write of the table;
 *   move the init handler out of the init section.
 * - TL004: drop `__init` from the referred function; mark the referring function `__init` when
 *   everything that calls it late is init too; `static inline` -> `static __always_inline`.
 * - every rule: a suppression comment above the finding's line; for an unused suppression comment,
 *   `unusedSuppressionAction` drops the ids that cover nothing, or the comment.
 *
 * Edits keep the surrounding indentation and touch as few lines as they can. Tree facts come from
 * the engine: the role paths' steps (range, effect, call chain), the index (functions, macros,
 * labels) and the C trees re-parsed on demand (`index.cTree`).
 */
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { Analysis } from '../engine';
import { formatVectors, type Finding, type Range } from '../model/types';
import type { RolePath, Step } from '../paths/steps';
import type { CFunction } from '../index/c-index';
import { declaratorName } from '../index/c-index';
import { isInitSection } from '../index/index';
import { matchParen, splitArgs } from '../index/macros';
import { liveGates } from '../paths/state';
import { escapeRe } from '../model/regex';
import type { UnusedSuppression } from '../rules/suppressions';

export interface TextEdit { file: string; range: Range; newText: string }
export interface CodeAction { title: string; kind: 'quickfix'; isPreferred?: boolean; edits: TextEdit[] }

/** Name used when the tree has no non-init handler to reuse: the user must edit it. */
export const PLACEHOLDER_HANDLER = 'FIXME_noninit_handler';

/** The quick fixes for one finding of `analysis` (best first; the last one suppresses it). */
export function codeActions(analysis: Analysis, finding: Finding): CodeAction[] {
  const ctx = new Ctx(analysis);
  const out: CodeAction[] = [];
  const loc = locate(analysis, finding);
  try {
    if (loc) {
      switch (finding.rule) {
        case 'TL001': out.push(...tl001(ctx, finding, loc)); break;
        case 'TL002': out.push(...tl002(ctx, loc)); break;
        case 'TL003': case 'TL007': out.push(...tl003(ctx, finding, loc)); break;
        default: break;
      }
    }
    if (finding.rule === 'TL004') out.push(...tl004(ctx, finding));
  } catch {
    // a fix that cannot be computed is not offered; the suppression always is
  }
  if (out.length > 0 && !out.some((a) => a.isPreferred)) out[0].isPreferred = true;
  const s = suppressAction(ctx, finding);
  if (s) out.push(s);
  return out.filter((a) => a.edits.length > 0 && !overlapping(a.edits));
}

// ------------------------------------------------------------------------------------ documents

class Doc {
  readonly lines: string[];
  readonly eol: string;
  constructor(readonly file: string, readonly text: string) {
    this.lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }
  line(i: number): string { return this.lines[i] ?? ''; }
  indent(i: number): string { return /^[ \t]*/.exec(this.line(i))?.[0] ?? ''; }
  blank(i: number): boolean { return i >= 0 && i < this.lines.length && this.line(i).trim() === ''; }
  /** A line holding only a comment (or the inside of a block comment). */
  commentOnly(i: number): boolean {
    const t = this.line(i).trim();
    if (t === '') return false;
    if (t.startsWith('/*') || t.startsWith('//') || t.startsWith('*')) return true;
    return isAsm(this.file) && /^#(?!\s*(include|define|undef|if|ifdef|ifndef|elif|else|endif|error|warning|pragma|line)\b)/.test(t);
  }
  /** One indentation step of this file: a tab, or the smallest indentation by spaces. */
  unit(): string {
    let tabs = 0, min = 0;
    for (const l of this.lines) {
      if (/^\t+\S/.test(l)) tabs++;
      const m = /^( +)\S/.exec(l);
      if (m && !/^\s*\*/.test(l) && (min === 0 || m[1].length < min)) min = m[1].length;
    }
    if (tabs > 0 && (min === 0 || tabs > 3)) return '\t';
    return ' '.repeat(min > 0 && min <= 8 ? min : 4);
  }
}

function isAsm(file: string): boolean { return /\.(S|s|inc)$/.test(file); }
function isCFile(file: string): boolean { return /\.c$/.test(file); }
function isCLike(file: string): boolean { return /\.[ch]$/.test(file); }

function rng(file: string, line: number, column: number, endLine = line, endColumn = column): Range {
  return { file, line, column, endLine, endColumn };
}

function sameRange(a: Range, b: Range): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

function overlapping(edits: TextEdit[]): boolean {
  const key = (r: Range, end: boolean): number => (end ? r.endLine : r.line) * 1e6 + (end ? r.endColumn : r.column);
  const sorted = [...edits].sort((a, b) => a.file.localeCompare(b.file) || key(a.range, false) - key(b.range, false));
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i - 1], c = sorted[i];
    if (p.file === c.file && key(c.range, false) < key(p.range, true)) return true;
  }
  return false;
}

/** Tree-wide scans, done once per index (the server asks for actions many times per analysis). */
const memos = new WeakMap<object, Map<string, unknown>>();

class Ctx {
  private readonly docs = new Map<string, Doc>();
  constructor(readonly a: Analysis) {}

  memo<T>(key: string, make: () => T): T {
    let m = memos.get(this.a.index);
    if (!m) { m = new Map(); memos.set(this.a.index, m); }
    if (!m.has(key)) m.set(key, make());
    return m.get(key) as T;
  }

  doc(file: string): Doc | null {
    let d = this.docs.get(file);
    if (!d) {
      const t = this.a.index.texts.get(file);
      if (t === undefined) return null;
      d = new Doc(file, t);
      this.docs.set(file, d);
    }
    return d;
  }

  /** Files `file` includes, directly or not (resolved by path suffix among the workspace files). */
  included(file: string): string[] {
    return this.memo(`includes:${file}`, () => this.scanIncludes(file));
  }

  private scanIncludes(file: string): string[] {
    const files = this.memo('files', () => [...this.a.index.texts.keys()]);
    const seen = new Set<string>([file]);
    const todo = [file];
    while (todo.length > 0 && seen.size < 200) {
      const f = todo.pop() as string;
      const text = this.a.index.texts.get(f) ?? '';
      for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]/gm)) {
        const rel = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]));
        const hit = files.find((x) => x === rel) ?? files.find((x) => x === m[1] || x.endsWith(`/${m[1]}`));
        if (hit && !seen.has(hit)) { seen.add(hit); todo.push(hit); }
      }
    }
    return [...seen].filter((x) => x !== file);
  }

  /** Can code in `file` name `name`: mentioned there or in a header it includes. */
  visible(file: string, name: string): boolean {
    const re = new RegExp(`\\b${escapeRe(name)}\\b`);
    return [file, ...this.included(file)].some((f) => re.test(this.a.index.texts.get(f) ?? ''));
  }

  fn(name: string, fromFile?: string): CFunction | undefined { return this.a.index.pickFunction(name, fromFile); }

  body(fn: CFunction): string { return (this.a.index.texts.get(fn.file) ?? '').slice(fn.startIndex, fn.endIndex); }

  isInit(sym: string, fromFile?: string): boolean { return this.a.index.isInit(sym, fromFile); }

  /** A C function or an assembly label of that name exists in the workspace. */
  exists(sym: string): boolean { return this.a.index.functions.has(sym) || this.a.index.asmLabels.has(sym); }

  /** The C node at a range's start, in the re-parsed tree of its file. */
  nodeAt(r: Range): Node | null {
    if (!isCLike(r.file) || !this.a.index.texts.has(r.file)) return null;
    return this.a.index.cTree(r.file).rootNode.descendantForPosition({ row: r.line, column: r.column });
  }
}


function lineEdit(file: string, line: number, lines: string[], eol: string): TextEdit {
  return { file, range: rng(file, line, 0), newText: lines.map((l) => l + eol).join('') };
}

function insertAfterLine(doc: Doc, line: number, lines: string[]): TextEdit {
  if (line + 1 >= doc.lines.length) {
    // after the last line: the file may not end with a newline
    const last = doc.lines.length - 1;
    return { file: doc.file, range: rng(doc.file, last, doc.line(last).length), newText: lines.map((l) => doc.eol + l).join('') };
  }
  return lineEdit(doc.file, line + 1, lines, doc.eol);
}

function deleteLines(doc: Doc, from: number, to: number): TextEdit {
  return { file: doc.file, range: rng(doc.file, from, 0, to + 1, 0), newText: '' };
}

// ------------------------------------------------------------------------------ steps and frames

interface Located { path: RolePath; open: Step; openPos: number; close: Step | null; closePos: number; second: Step | null }

/** The role path, opening step and closing (or related) step of a finding. */
function locate(a: Analysis, f: Finding): Located | null {
  const p = a.paths.find((x) => x.role.name === f.role);
  if (!p) return null;
  const find = (r: Range, text: string | null, from: number): number =>
    p.steps.findIndex((s, i) => i >= from && sameRange(s.range, r) && (text === null || s.effect.text === text));
  const ess = f.flow.filter((x) => x.essential);
  let openPos = -1;
  for (const e of ess) if (sameRange(e.range, f.range)) { openPos = find(e.range, e.text, 0); if (openPos >= 0) break; }
  if (openPos < 0) openPos = find(f.range, null, 0);
  if (openPos < 0) return null;
  let closePos = f.closes ? find(f.closes.range, f.closes.text, openPos + 1) : -1;
  if (f.closes && closePos < 0) closePos = find(f.closes.range, null, openPos + 1);
  const other = ess.find((e) => !sameRange(e.range, f.range));
  const secondPos = other ? find(other.range, other.text, openPos + 1) : -1;
  return { path: p, open: p.steps[openPos], openPos, close: closePos >= 0 ? p.steps[closePos] : null, closePos, second: secondPos >= 0 ? p.steps[secondPos] : null };
}

interface Frame { fn: string; range: Range }

/** The frames of a step from the role's entry: each call site, then the step itself. */
function framesOf(s: Step): Frame[] {
  return [...s.chain.map((c) => ({ fn: c.symbol, range: c.range })), { fn: s.within, range: s.range }];
}

function sameFn(a: Frame, b: Frame): boolean {
  return a.fn === b.fn || (isAsm(a.range.file) && a.range.file === b.range.file);
}

/** Deepest level at which both steps are in the same function instance (-1: none). */
function commonLevel(a: Frame[], b: Frame[]): number {
  let level = -1;
  for (let j = 0; j < Math.min(a.length, b.length); j++) {
    if (!sameFn(a[j], b[j])) break;
    level = j;
    if (!sameRange(a[j].range, b[j].range)) break;
  }
  return level;
}

/** The level of a step's own statement: out of the helpers in headers it runs in (`lidt()`, `write_cr4()`). */
function ownLevel(fr: Frame[]): number {
  let k = fr.length - 1;
  while (k > 0 && /\.h$/.test(fr[k].range.file)) k--;
  return k;
}

function samePrefix(a: Frame[], b: Frame[], n: number): boolean {
  for (let j = 0; j < n; j++) if (!(a[j] && b[j] && a[j].fn === b[j].fn && sameRange(a[j].range, b[j].range))) return false;
  return true;
}

// ------------------------------------------------------------------------------- C statements

const STOP = new Set(['function_definition', 'translation_unit']);

/** The statement holding `n` whose parent is a `{ }` block. */
function blockStmt(n: Node | null): Node | null {
  for (let cur = n; cur; cur = cur.parent) {
    if (STOP.has(cur.type)) return null;
    if (cur.parent?.type === 'compound_statement') return cur;
  }
  return null;
}

/** The statement holding `n` directly in its function's body. */
function topStmt(n: Node | null): Node | null {
  for (let cur = n; cur; cur = cur.parent) {
    if (STOP.has(cur.type)) return null;
    if (cur.parent?.type === 'compound_statement' && cur.parent.parent?.type === 'function_definition') return cur;
  }
  return null;
}

function functionOf(n: Node | null): Node | null {
  for (let cur = n; cur; cur = cur.parent) if (cur.type === 'function_definition') return cur;
  return null;
}

/** The statement is alone on its lines (only blanks before it, blanks or a comment after it). */
function alone(doc: Doc, n: Node): boolean {
  const before = doc.line(n.startPosition.row).slice(0, n.startPosition.column);
  const after = doc.line(n.endPosition.row).slice(n.endPosition.column).trim();
  return before.trim() === '' && (after === '' || after.startsWith('/*') || after.startsWith('//'));
}

/** First line of a statement, without its `;`, for titles. */
function short(text: string): string {
  const first = text.split('\n')[0].trim().replace(/;\s*(\/\*.*|\/\/.*)?$/, '').replace(/\s+/g, ' ');
  return first.length > 60 ? `${first.slice(0, 57)}...` : first;
}

/** The comment lines right above `line` (no blank line between): they belong to it. */
function attachedCommentStart(doc: Doc, line: number): number {
  let k = line;
  while (k - 1 >= 0 && doc.commentOnly(k - 1)) k--;
  // only a whole comment: a line that starts a block comment must be among them
  if (k < line && !/^\s*(\/\*|\/\/|#)/.test(doc.line(k))) return line;
  return k;
}

interface Block { from: number; to: number; first: number }

/**
 * Moves line blocks after `anchorLine`, re-indented to `indent` when given. Removes one of two
 * blank lines the removal would leave side by side.
 */
function moveBlocks(doc: Doc, blocks: Block[], anchorLine: number, indent: string | null): TextEdit[] {
  const sorted = [...blocks].sort((a, b) => a.from - b.from);
  const merged: Block[] = [];
  for (const b of sorted) {
    const last = merged[merged.length - 1];
    if (last && b.from <= last.to + 1) last.to = Math.max(last.to, b.to);
    else merged.push({ ...b });
  }
  const edits: TextEdit[] = [];
  const moved: string[] = [];
  let hasComment = false;
  for (const b of merged) {
    let from = b.from, to = b.to;
    if (b.first < b.from || doc.commentOnly(b.from)) hasComment = true;
    if ((doc.blank(from - 1) || /\{\s*$/.test(doc.line(from - 1))) && doc.blank(to + 1)) to++;
    else if (doc.blank(from - 1) && /^\s*}/.test(doc.line(to + 1))) from--;
    for (let i = b.from; i <= b.to; i++) moved.push(doc.line(i));
    edits.push(deleteLines(doc, from, to));
  }
  const srcIndent = doc.indent(merged[0].from);
  const lines = moved.map((l) => (indent !== null && l.startsWith(srcIndent) ? indent + l.slice(srcIndent.length) : l));
  edits.push(insertAfterLine(doc, anchorLine, hasComment && !doc.blank(anchorLine) ? ['', ...lines] : lines));
  return edits;
}

/** Identifiers declared in a function: parameters and locals. */
function localsOf(fnNode: Node): Set<string> {
  const out = new Set<string>();
  const stack: Node[] = [fnNode];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === 'parameter_declaration' || n.type === 'declaration') {
      for (const d of n.childrenForFieldName('declarator')) {
        const id = declaratorName(d);
        if (id) out.add(id.text);
      }
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  const name = declaratorName(fnNode.childForFieldName('declarator'));
  if (name) out.delete(name.text);
  return out;
}

function identifiersIn(n: Node): string[] {
  const out: string[] = [];
  const stack: Node[] = [n];
  while (stack.length > 0) {
    const c = stack.pop() as Node;
    if (c.type === 'identifier') out.push(c.text);
    for (const k of c.namedChildren) if (k) stack.push(k);
  }
  return out;
}

// ------------------------------------------------------------------------------ move (TL001/2)

/**
 * Moves the opening statement(s) after the statement that closes the window: the closing step
 * itself or the call that leads to it, in the opener's function. With `crossFile`, the IST
 * statements may move into the function (in the same file) that holds the closing call.
 */
function moveAfterClose(ctx: Ctx, loc: Located, kinds: Set<string>, allowCross: boolean): { edits: TextEdit[]; anchor: string; count: number } | null {
  const { path: p, open, close } = loc;
  if (!close) return null;
  const fo = framesOf(open), fc = framesOf(close);
  const k = ownLevel(fo);
  const file = fo[k].range.file;
  const doc = ctx.doc(file);
  if (!doc) return null;
  // the opening statements: this step and the same kind of steps after it in the same function, until the close
  const group: Range[] = [];
  for (const s of p.steps.slice(loc.openPos, loc.closePos)) {
    if (!kinds.has(s.effect.kind)) continue;
    const fs = framesOf(s);
    if (ownLevel(fs) === k && samePrefix(fs, fo, k) && fs[k].fn === fo[k].fn && fs[k].range.file === file) group.push(fs[k].range);
  }
  let anchor: Frame | null = null;
  let cross = false;
  if (fc.length > k && samePrefix(fo, fc, k) && sameFn(fo[k], fc[k])) anchor = fc[k];
  else if (allowCross) {
    const level = commonLevel(fo, fc);
    if (level >= 0 && level < k) {
      for (let j = level + 1; j < fc.length && !anchor; j++) if (fc[j].range.file === file && isCFile(file)) { anchor = fc[j]; cross = true; }
    }
  }
  if (!anchor || anchor.range.file !== file) return null;
  if (isAsm(file)) {
    if (cross) return null;
    const lines = [...new Set(group.map((r) => r.line))].sort((a, b) => a - b);
    const target = anchor.range.line;
    if (lines.length === 0 || lines[lines.length - 1] >= target) return null;
    // straight-line code only: no label, jump or section change between the lines and the anchor
    for (let i = lines[0]; i <= target; i++) {
      const t = doc.line(i).replace(/\/\*.*?\*\//g, '').trim();
      if (/^[\w.$]+:/.test(t) || /^(j[a-z]+|loop\w*|ret\w*|\.section|\.text|\.data|\.previous|\.pushsection|\.popsection)\b/.test(t) || /^[A-Z_]+\(/.test(t)) return null;
    }
    if (lines.some((l) => /^\s*[\w.$]+:/.test(doc.line(l)))) return null;
    const blocks = lines.map((l) => ({ from: attachedCommentStart(doc, l), to: l, first: attachedCommentStart(doc, l) }));
    return { edits: moveBlocks(doc, blocks, target, null), anchor: short(doc.line(target)), count: lines.length };
  }
  const stmts: Node[] = [];
  for (const r of group) {
    const st = blockStmt(ctx.nodeAt(r));
    if (!st || !alone(doc, st)) return null;
    if (!stmts.some((x) => x.id === st.id)) stmts.push(st);
  }
  const anchorStmt = blockStmt(ctx.nodeAt(anchor.range));
  if (stmts.length === 0 || !anchorStmt || !alone(doc, anchorStmt)) return null;
  if (stmts.some((s) => s.id === anchorStmt.id)) return null;
  if (cross) {
    const srcFn = functionOf(stmts[0]);
    if (!srcFn || functionOf(anchorStmt)?.id === srcFn.id) return null;
    const locals = localsOf(srcFn);
    if (stmts.some((s) => identifiersIn(s).some((id) => locals.has(id)))) return null;
  } else {
    const parent = anchorStmt.parent?.id;
    if (stmts.some((s) => s.parent?.id !== parent || s.endIndex > anchorStmt.startIndex)) return null;
  }
  const blocks = stmts.map((s) => {
    const first = attachedCommentStart(doc, s.startPosition.row);
    return { from: first, to: s.endPosition.row, first };
  });
  // a comment is carried only with the first statement of the group
  for (let i = 1; i < blocks.length; i++) if (blocks[i].from < blocks[i].to && blocks[i].from <= blocks[i - 1].to) blocks[i].from = blocks[i - 1].to + 1;
  const edits = moveBlocks(doc, blocks, anchorStmt.endPosition.row, cross ? doc.indent(anchorStmt.startPosition.row) : null);
  return { edits, anchor: short(anchorStmt.text), count: stmts.length };
}

// ------------------------------------------------------------------------------------- TL001

function tl001(ctx: Ctx, f: Finding, loc: Located): CodeAction[] {
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
  const doc = ctx.doc(file);
  const src = blockStmt(ctx.nodeAt(fo[level].range));
  const anchor = blockStmt(ctx.nodeAt(fc[level].range));
  if (!doc || !src || !anchor || src.id === anchor.id || !alone(doc, src) || !alone(doc, anchor)) return null;
  if (src.parent?.id !== anchor.parent?.id || src.endIndex > anchor.startIndex) return null;
  const first = attachedCommentStart(doc, src.startPosition.row);
  return { edits: moveBlocks(doc, [{ from: first, to: src.endPosition.row, first }], anchor.endPosition.row, null), moved: short(src.text), anchor: short(anchor.text) };
}

/** The table a `lidt` step loads: from its descriptor, or from the state after it. */
function lidtTable(s: Step): string | null {
  if (s.effect.kind === 'lidt' && s.effect.desc.kind === 'table' && s.effect.desc.table.kind === 'symbol') return s.effect.desc.table.name;
  const idt = s.after[0]?.idt;
  return idt && idt.kind === 'table' ? idt.name : null;
}

/** The innermost frame of a step that is in a `.c` file (helpers in headers are left alone). */
function cFrame(s: Step): Frame | null {
  const fr = framesOf(s);
  for (let j = fr.length - 1; j >= 0; j--) {
    if (isCFile(fr[j].range.file)) return fr[j];
    if (!/\.h$/.test(fr[j].range.file)) return null;
  }
  return null;
}

function clearIstBeforeLidt(ctx: Ctx, f: Finding, loc: Located): CodeAction | null {
  const table = lidtTable(loc.open);
  const frame = cFrame(loc.open);
  if (!table || !frame) return null;
  const doc = ctx.doc(frame.range.file);
  const st = blockStmt(ctx.nodeAt(frame.range));
  if (!doc || !st || !alone(doc, st)) return null;
  const file = frame.range.file;
  const indent = doc.indent(st.startPosition.row);
  const vectors = f.vectors.length > 0 ? [...new Set(f.vectors)].sort((a, b) => a - b) : [2, 8, 18];
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

/** A function of the tree that sets the IST index to 0 on several gates (`disable_each_ist`). */
function istClearHelper(ctx: Ctx, table: string): { name: string; params: number } | null {
  return ctx.memo(`istClear:${table}`, () => scanIstClearHelper(ctx, table));
}

function scanIstClearHelper(ctx: Ctx, table: string): { name: string; params: number } | null {
  const setters = ctx.a.index.profile.hints.istSetters;
  const found: { name: string; params: number; score: number }[] = [];
  for (const defs of ctx.a.index.functions.values()) {
    for (const fn of defs) {
      if (fn.params.length > 1) continue;
      const body = ctx.body(fn);
      if (!body.includes('ist')) continue;
      let zeros = 0;
      for (const s of setters) {
        for (const m of body.matchAll(new RegExp(`\\b${escapeRe(s.name)}\\s*\\(([^;]*)\\)\\s*;`, 'g'))) {
          const args = splitArgs(m[1]);
          if (ctx.a.index.macros.evaluate(args[s.ist] ?? '') === 0n) zeros++;
        }
      }
      for (const m of body.matchAll(/(?:\.|->)\s*ist\s*=\s*([^;]+);/g)) if (ctx.a.index.macros.evaluate(m[1]) === 0n) zeros++;
      if (zeros < 2) continue;
      if (fn.params.length === 0 && !new RegExp(`\\b${escapeRe(table)}\\b`).test(body)) continue;
      found.push({ name: fn.name, params: fn.params.length, score: zeros + (/disable|clear|reset/.test(fn.name) ? 10 : 0) });
    }
  }
  found.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return found[0] ?? null;
}

/** A vector as the file spells it: a vector macro the file already uses (`TRAP_nmi`), else the number. */
function vectorName(ctx: Ctx, file: string, v: number): string {
  const text = ctx.a.index.texts.get(file) ?? '';
  // names the file uses as a gate index or as a gate writer's first argument
  const used = new Set<string>();
  for (const m of text.matchAll(/\[\s*([A-Z_a-z]\w*)\s*\]|\(\s*([A-Z_a-z]\w*)\s*,/g)) used.add(m[1] ?? m[2]);
  for (const name of used) {
    if (!/^(?:X86_)?(?:TRAP|EXC|VEC|VECTOR)_\w+$|_VECTOR$/.test(name)) continue;
    if (ctx.a.index.macros.evaluate(name) === BigInt(v)) return name;
  }
  return String(v);
}

// ------------------------------------------------------------------------------------- TL002

function tl002(ctx: Ctx, loc: Located): CodeAction[] {
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

/** The tree's name for CR4 bit 6 if `file` can see it (and, in assembly, the assembler can read it). */
function mceMacro(ctx: Ctx, file: string, asm: boolean): string {
  const ranked = ctx.memo('mceMacros', () => {
    const names = new Set<string>();
    for (const text of ctx.a.index.texts.values()) {
      if (!text.includes('CR4')) continue;
      for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w*CR4\w*)[ \t]/gm)) names.add(m[1]);
    }
    return [...names].filter((n) => ctx.a.index.macros.evaluate(n) === 1n << 6n)
      .sort((a, b) => Number(/MCE/.test(b)) - Number(/MCE/.test(a)) || a.length - b.length || a.localeCompare(b));
  });
  for (const n of ranked) {
    if (!ctx.visible(file, n)) continue;
    if (asm && /\b\d+[uUlL]+\b|_AC\s*\(|\(\s*(unsigned|long|int)\b/.test(ctx.a.index.macros.expand(n))) continue;
    return n;
  }
  return '(1 << 6)';
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

function callArgument(st: Node, callee: string, index: number): Node | null {
  const stack: Node[] = [st];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text === callee) {
      const args = n.childForFieldName('arguments')?.namedChildren.filter((x): x is Node => x !== null && x.type !== 'comment') ?? [];
      return args[index] ?? null;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
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
  const doc = ctx.doc(anchor.range.file);
  const st = blockStmt(ctx.nodeAt(anchor.range));
  if (!doc || !st || !alone(doc, st)) return null;
  const file = anchor.range.file;
  const macro = mceMacro(ctx, file, false);
  const call = cr4OrCall(ctx, file, macro);
  if (!call) return null;
  return { edits: [insertAfterLine(doc, st.endPosition.row, [`${doc.indent(st.startPosition.row)}${call};`])], anchor: short(st.text) };
}

/** The tree's way to OR a bit into CR4: `set_in_cr4(mask)`-like helper, else `write_cr4(read_cr4() | mask)`. */
function cr4OrCall(ctx: Ctx, file: string, mask: string): string | null {
  const { helpers, writer } = ctx.memo('cr4Helpers', () => {
    const helpers: string[] = [];
    let writer: string | null = null;
    for (const defs of ctx.a.index.functions.values()) {
      for (const fn of defs) {
        if (fn.params.length !== 1) continue;
        const body = ctx.body(fn);
        if (!/cr4/i.test(body)) continue;
        const p = escapeRe(fn.params[0]);
        if (new RegExp(`\\w+\\s*\\(\\s*\\)\\s*\\|\\s*${p}\\b`).test(body)) helpers.push(fn.name);
        else if (/mov\w*\s+%\w*0\s*,\s*%%cr4/.test(body) && !writer) writer = fn.name;
      }
    }
    helpers.sort((a, b) => Number(/set_in_cr4|cr4_set_bits/.test(b)) - Number(/set_in_cr4|cr4_set_bits/.test(a)) || a.localeCompare(b));
    return { helpers, writer };
  });
  const h = helpers.find((x) => ctx.visible(file, x));
  if (h) return `${h}(${mask})`;
  const reader = ctx.a.index.profile.hints.readCr4.find((r) => ctx.visible(file, r));
  if (writer && reader && ctx.visible(file, writer)) return `${writer}(${reader}() | ${mask})`;
  return null;
}

// ------------------------------------------------------------------------------- TL003 / TL007

function tl003(ctx: Ctx, f: Finding, loc: Located): CodeAction[] {
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
    const a = overwriteVectors(ctx, p, table, f.vectors, limit, f.rule === 'TL007');
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
  const fr = framesOf(s);
  for (let j = fr.length - 1; j >= 0; j--) {
    const file = fr[j].range.file;
    if (!isCFile(file)) { if (/\.h$/.test(file)) continue; return null; }
    const at = ctx.nodeAt(fr[j].range);
    let call: Node | null = at;
    while (call && call.type !== 'call_expression') call = STOP.has(call.type) ? null : call.parent;
    const stmt = topStmt(at);
    const fnNode = functionOf(at);
    if (!call || !stmt || !fnNode) continue;
    const args = splitArgs((call.childForFieldName('arguments')?.text ?? '()').slice(1, -1));
    const fn = ctx.fn(fr[j].fn, file);
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

/** Install a non-init handler on the vectors after the last C gate write of the table (before `limit`). */
function overwriteVectors(ctx: Ctx, p: RolePath, table: string, vectors: number[], limit: number, nmi: boolean): Omit<CodeAction, 'isPreferred'> | null {
  const vs = [...new Set(vectors)].sort((a, b) => a - b);
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
  const handlers = new Map<string, string>();
  const handlerFor = (a: number, b: number): string => {
    const key = nmi || (a <= 2 && b >= 2 && a === b) ? 'nmi' : b < 32 ? 'exc' : a >= 32 ? 'irq' : 'mixed';
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

/** An integer local of the function usable as a loop counter (`unsigned int v;`). */
function loopVariable(fnNode: Node): string | null {
  const body = fnNode.childForFieldName('body');
  const names: string[] = [];
  for (const d of body?.namedChildren ?? []) {
    if (d?.type !== 'declaration') continue;
    const type = d.childForFieldName('type')?.text ?? '';
    if (!/^(unsigned|int|unsigned int|unsigned long|long|u8|u16|u32|u64|uint\w*|size_t|unsigned char)$/.test(type.replace(/\s+/g, ' '))) continue;
    for (const x of d.childrenForFieldName('declarator')) if (x?.type === 'identifier') names.push(x.text);
  }
  for (const n of ['v', 'vector', 'vec', 'i', 'n']) if (names.includes(n)) return n;
  return null;
}

/** A non-init handler the tree already installs for such vectors, else the placeholder. */
function chooseHandler(ctx: Ctx, key: string): string {
  const okSym = (s: string | null): s is string => s !== null && ctx.exists(s) && !ctx.isInit(s);
  if (key === 'nmi') {
    for (const n of ['nmi', 'handle_nmi', 'nmi_handler', 'asm_exc_nmi', 'exc_nmi', 'entry_NMI', 'nmi_entry']) if (okSym(n)) return n;
  }
  const scores = new Map<string, number>();
  for (const p of ctx.a.paths) {
    for (const s of p.steps) {
      if (s.effect.kind !== 'gate' || !okSym(s.effect.handler.symbol) || s.effect.vectors.length < 2) continue;
      const vs = s.effect.vectors;
      const exc = vs.every((v) => v < 32), irq = vs.every((v) => v >= 32);
      const named = /reserved|unknown|spurious|unhandled|bad|ignore|default/i.test(s.effect.handler.symbol);
      let score = 0;
      if (key === 'exc' || key === 'nmi') score = (exc ? 2 : 0) + (named ? 3 : 0);
      else if (key === 'irq') score = (irq ? 2 : 0) + (named ? 1 : 0);
      else score = named ? 3 : 0;
      if (score > 0) scores.set(s.effect.handler.symbol, Math.max(scores.get(s.effect.handler.symbol) ?? 0, score));
    }
  }
  // a handler for reserved vectors by name, installed or not
  const names = [...ctx.a.index.functions.keys(), ...ctx.a.index.asmLabels.keys()];
  for (const n of names) if (/reserved|unknown_(exception|trap)|spurious|unhandled/i.test(n) && okSym(n) && !scores.has(n)) scores.set(n, key === 'irq' ? 1 : 2);
  const best = [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return best ? best[0] : PLACEHOLDER_HANDLER;
}

/** C: drop the init annotation from the definition. Assembly: `.pushsection .text` around the handler. */
function moveOutOfInit(ctx: Ctx, sym: string): CodeAction | null {
  const fn = ctx.fn(sym);
  if (fn) {
    const r = removeInitAnnotation(ctx, fn);
    return r ? { title: `Remove \`${r.token}\` from ${sym} (keep the handler after init)`, kind: 'quickfix', edits: [r.edit, ...r.more] } : null;
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

/** Where a declaration prefix (`static void __init`) names an init section: the token and its span. */
function initAnnotationIn(ctx: Ctx, prefix: string): { token: string; start: number; end: number } | null {
  const re = /\b[A-Za-z_]\w*\b/g;
  for (let m = re.exec(prefix); m; m = re.exec(prefix)) {
    const tok = m[0];
    let end = m.index + tok.length;
    let j = end;
    while (prefix[j] === ' ' || prefix[j] === '\t') j++;
    const args = prefix[j] === '(' ? matchParen(prefix, j) : -1;
    let sec: string | null;
    if (args > 0 && (tok === '__attribute__' || /section/.test(tok))) {
      // `__attribute__((section(".init.text")))`, `__section(".init.text")`: the whole attribute
      sec = /section(?:__)?\s*\(\s*"([^"]+)"|^\(\s*"([^"]+)"/.exec(prefix.slice(j, args + 1))?.slice(1).find((x) => x !== undefined) ?? null;
      end = args + 1;
      re.lastIndex = end;
    } else sec = ctx.a.index.macros.sectionOf(tok);
    if (sec && isInitSection(sec)) return { token: prefix.slice(m.index, end), start: m.index, end };
  }
  return null;
}

/** The edit that removes `prefix[start, end)` at `base` in `doc`, with the blank that follows it. */
function removal(doc: Doc, base: number, start: number, end: number): TextEdit {
  const text = doc.text;
  let a = base + start, b = base + end;
  while (text[b] === ' ' || text[b] === '\t') b++;
  if (text[b] === '\n' || text[b] === '\r') { b = base + end; while (a > 0 && (text[a - 1] === ' ' || text[a - 1] === '\t')) a--; }
  const s = posOf(doc, a), e = posOf(doc, b);
  return { file: doc.file, range: rng(doc.file, s.line, s.column, e.line, e.column), newText: '' };
}

/**
 * The init-section annotation of a C function, removed from its definition and from the
 * prototypes that carry it too (GCC merges a declaration's section into the definition).
 */
function removeInitAnnotation(ctx: Ctx, fn: CFunction): { token: string; edit: TextEdit; more: TextEdit[] } | null {
  const doc = ctx.doc(fn.file);
  if (!doc) return null;
  const nameAt = offsetOf(doc, fn.nameRange.line, fn.nameRange.column);
  const hit = initAnnotationIn(ctx, doc.text.slice(fn.startIndex, nameAt));
  if (!hit) return null;
  const edit = removal(doc, fn.startIndex, hit.start, hit.end);
  const more: TextEdit[] = [];
  const proto = new RegExp(`(^|[;}])([^;{}#]*?)\\b${escapeRe(fn.name)}\\s*\\([^;{}]*\\)\\s*;`, 'gm');
  for (const [file, text] of ctx.a.index.texts) {
    if (!isCLike(file) || !text.includes(fn.name)) continue;
    if (fn.isStatic && file !== fn.file) continue;
    const d = ctx.doc(file);
    if (!d) continue;
    for (const m of text.matchAll(proto)) {
      const base = (m.index ?? 0) + m[1].length;
      const h = initAnnotationIn(ctx, m[2]);
      if (h && !(file === fn.file && base + h.start === fn.startIndex + hit.start)) more.push(removal(d, base, h.start, h.end));
    }
  }
  return { token: hit.token.trim(), edit, more };
}

function offsetOf(doc: Doc, line: number, column: number): number {
  let off = 0;
  for (let i = 0; i < line; i++) off = doc.text.indexOf('\n', off) + 1;
  return off + column;
}

function posOf(doc: Doc, offset: number): { line: number; column: number } {
  const before = doc.text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

// ------------------------------------------------------------------------------------- TL004

function tl004(ctx: Ctx, f: Finding): CodeAction[] {
  const file = f.range.file;
  const doc = ctx.doc(file);
  if (!doc) return [];
  const referred = /^[A-Za-z_]\w*/.exec(doc.line(f.range.line).slice(f.range.column))?.[0];
  const referring = (ctx.a.index.functions.size > 0 ? [...ctx.a.index.functions.values()].flat() : [])
    .find((fn) => fn.file === file && within(f.range, fn.range));
  const out: CodeAction[] = [];
  if (referred && ctx.isInit(referred, file)) {
    const target = ctx.fn(referred, file);
    const r = target ? removeInitAnnotation(ctx, target) : null;
    if (r) out.push({ title: `Remove \`${r.token}\` from ${referred} (it is used after init memory is freed)`, kind: 'quickfix', isPreferred: true, edits: [r.edit, ...r.more] });
  }
  if (referring && !ctx.isInit(referring.name, referring.file)) {
    // mark it init only when nothing but init code (or assembly) calls it after the free point
    const callers = new Set<string>();
    for (const p of ctx.a.paths) {
      const free = p.steps.find((s) => s.effect.kind === 'free-init');
      if (!free) continue;
      for (const c of p.calls) if (c.seq > free.seq && c.callee === referring.name) callers.add(c.caller);
    }
    if ([...callers].every((c) => !ctx.fn(c) || ctx.isInit(c))) {
      const annot = initAnnotation(ctx);
      const n = referring.nameRange;
      out.push({ title: `Mark ${referring.name} \`${annot}\``, kind: 'quickfix', edits: [{ file, range: rng(file, n.line, n.column), newText: `${annot} ` }] });
    }
    if (referring.isStatic && referring.isInline) {
      const prefixEnd = offsetOf(doc, referring.nameRange.line, referring.nameRange.column);
      const prefix = doc.text.slice(referring.startIndex, prefixEnd);
      const m = /(?<![\w])(inline|__inline__|__inline)(?![\w])/.exec(prefix);
      if (m && !/__always_inline|always_inline/.test(prefix)) {
        const s = posOf(doc, referring.startIndex + m.index), e = posOf(doc, referring.startIndex + m.index + m[0].length);
        out.push({ title: `Make ${referring.name} \`__always_inline\` (inlined into its init callers)`, kind: 'quickfix', edits: [{ file, range: rng(file, s.line, s.column, e.line, e.column), newText: '__always_inline' }] });
      }
    }
  }
  return out;
}

function within(r: Range, outer: Range): boolean {
  const a = r.line * 1e6 + r.column, s = outer.line * 1e6 + outer.column, e = outer.endLine * 1e6 + outer.endColumn;
  return a >= s && a <= e;
}

/** The init annotation the tree uses most on its C function definitions (`__init`). */
function initAnnotation(ctx: Ctx): string {
  return ctx.memo('initAnnotation', () => scanInitAnnotation(ctx));
}

function scanInitAnnotation(ctx: Ctx): string {
  const counts = new Map<string, number>();
  for (const defs of ctx.a.index.functions.values()) {
    for (const fn of defs) {
      if (!fn.section || fn.section !== '.init.text') continue;
      const text = ctx.a.index.texts.get(fn.file) ?? '';
      const prefix = text.slice(fn.startIndex, fn.startIndex + 200).split('(')[0];
      for (const tok of prefix.match(/\b_*[A-Za-z]\w*\b/g) ?? []) {
        if (ctx.a.index.macros.sectionOf(tok) === '.init.text') counts.set(tok, (counts.get(tok) ?? 0) + 1);
      }
    }
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || Number(b[0] === '__init') - Number(a[0] === '__init'))[0];
  return best ? best[0] : '__init';
}

// ------------------------------------------------------------------------------- suppression

/** A `trapline-disable-next-line TL00x -- reason` comment above the finding's line, indented like it. */
function suppressAction(ctx: Ctx, f: Finding): CodeAction | null {
  const file = f.range.file;
  const doc = ctx.doc(file);
  if (!doc) return null;
  const line = f.range.line;
  const directive = `trapline-disable-next-line ${f.rule} -- reason`;
  const inMacro = /\\\s*$/.test(doc.line(line - 1)) || /\\\s*$/.test(doc.line(line));
  if (inMacro) {
    // a line of a #define: a comment line would end the macro; put the comment on the line itself
    const text = doc.line(line);
    const bs = /\\\s*$/.exec(text);
    const col = bs ? bs.index : text.length;
    return {
      title: `Suppress ${f.rule} on this line`, kind: 'quickfix',
      edits: [{ file, range: rng(file, line, col), newText: `${bs && !/\s$/.test(text.slice(0, col)) ? ' ' : ''}/* trapline-disable-line ${f.rule} -- reason */${bs ? ' ' : ''}` }],
    };
  }
  const hashStyle = isAsm(file) && doc.lines.filter((l) => /^\s*#\s+(?!(include|define|undef|if|ifdef|ifndef|elif|else|endif|error|warning|pragma|line)\b)\S/.test(l)).length
    > doc.lines.filter((l) => /^\s*\/\*/.test(l)).length;
  const comment = hashStyle ? `# ${directive}` : `/* ${directive} */`;
  const indent = doc.indent(line);
  return { title: `Suppress ${f.rule} on this line (trapline-disable-next-line)`, kind: 'quickfix', edits: [lineEdit(file, line, [`${indent}${comment}`], doc.eol)] };
}

/**
 * The quick fix for an unused suppression (`analysis.unusedSuppressions`): drop the ids
 * that suppress nothing, or the whole comment (its line too when it is alone on it).
 */
export function unusedSuppressionAction(analysis: Analysis, u: UnusedSuppression): CodeAction | null {
  const text = analysis.index.texts.get(u.file);
  if (text === undefined) return null;
  const doc = new Doc(u.file, text);
  const r = u.range;
  const ids = [...new Set(u.text.match(/\b[A-Z]{2,}\d{3}\b/g) ?? [])];
  const keep = ids.filter((id) => !u.rules.includes(id));
  if (u.rules.length > 0 && keep.length > 0) {
    // rewrite the id list of the directive, the rest of the comment as it was
    const m = /(trapline-disable-(?:next-)?line)([ \t]+)([A-Z]{2,}\d{3}(?:[ \t]*,[ \t]*[A-Z]{2,}\d{3})*)/.exec(u.text);
    if (!m || r.line !== r.endLine) return null;
    const col = r.column + (m.index ?? 0) + m[1].length + m[2].length;
    return {
      title: `Remove ${u.rules.join(', ')} from the suppression comment`, kind: 'quickfix', isPreferred: true,
      edits: [{ file: u.file, range: rng(u.file, r.line, col, r.line, col + m[3].length), newText: keep.join(', ') }],
    };
  }
  const before = doc.line(r.line).slice(0, r.column), after = doc.line(r.endLine).slice(r.endColumn);
  const edit: TextEdit = before.trim() === '' && after.trim() === ''
    ? deleteLines(doc, r.line, r.endLine)
    : { file: u.file, range: rng(u.file, r.line, r.column - (before.length - before.trimEnd().length), r.endLine, r.endColumn), newText: '' };
  return { title: 'Remove the unused suppression comment', kind: 'quickfix', isPreferred: true, edits: [edit] };
}
