// Suppression comments, ESLint-style, in the source itself:
//
//   /* trapline-disable-next-line TL002 -- the early CR4 load is audited */
//   // trapline-disable-next-line TL001, TL002 -- reason
//   # trapline-disable-next-line TL005 -- reason             (.S only: a gas comment, not cpp)
//   lidt idt_descr(%rip)   /* trapline-disable-line TL001 -- reason */
//
// `trapline-disable-next-line` applies to the line after the comment (after its last line for a
// block comment), `trapline-disable-line` to the line the comment starts on. A finding is
// suppressed when its range starts on that line and its rule is named (no ids: every rule). The
// reason after `--` is optional. A directive, or one of its ids, that suppresses nothing is
// reported as unused. No LSP types here: the faces translate.
import type { Finding, Range } from '../model/types';
import { LineMap } from '../model/lines';

export interface SuppressionDirective {
  file: string;
  /** The whole comment, 0-based. */
  range: Range;
  /** The comment as written. */
  text: string;
  kind: 'next-line' | 'line';
  /** The line whose findings it suppresses (0-based). */
  target: number;
  /** Rule ids named; empty: every rule. */
  rules: string[];
  reason: string | null;
}

export interface UnusedSuppression {
  file: string;
  range: Range;
  text: string;
  /** The ids of the directive that suppressed nothing (empty: a directive without ids). */
  rules: string[];
  /** "unused suppression: no TL002 finding on the next line" */
  message: string;
}

export interface SuppressionResult { findings: Finding[]; unused: UnusedSuppression[] }

const MARK = 'trapline-disable';
/** Directives of the C preprocessor: `#` followed by one of these is cpp, not a gas comment. */
const CPP_DIRECTIVES = /^#\s*(include|include_next|define|undef|if|ifdef|ifndef|elif|elifdef|elifndef|else|endif|error|warning|pragma|line|ident|sccs|assert|unassert|import|\d)\b/;

function isAsm(file: string): boolean { return /\.(S|s|inc)$/.test(file); }

interface Comment { start: number; end: number; body: string }

/**
 * Comments of a C or `.S` file, strings skipped: block and line comments, and in `.S` files the
 * gas `#` comments (a `#` that is not a preprocessor directive, at line start or after blank).
 */
export function commentsOf(file: string, text: string): Comment[] {
  const asm = isAsm(file);
  const out: Comment[] = [];
  let lineStart = true;
  let cppLine = false;
  for (let i = 0; i < text.length;) {
    const ch = text[i];
    if (ch === '\n') { lineStart = true; cppLine = false; i++; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r') { i++; continue; }
    const atLineStart = lineStart;
    lineStart = false;
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      out.push({ start: i, end, body: text.slice(i + 2, close < 0 ? text.length : close) });
      i = end;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
      out.push({ start: i, end, body: text.slice(i + 2, end) });
      i = end;
      continue;
    }
    if (ch === '#') {
      if (atLineStart) {
        const rest = text.slice(i, text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i));
        if (CPP_DIRECTIVES.test(rest) || !asm) { cppLine = true; i++; continue; }
      }
      if (asm && !cppLine && (atLineStart || /[ \t]/.test(text[i - 1] ?? ''))) {
        let end = text.indexOf('\n', i);
        if (end < 0) end = text.length;
        out.push({ start: i, end, body: text.slice(i + 1, end) });
        i = end;
        continue;
      }
      i++;
      continue;
    }
    if (ch === '"' || (ch === "'" && !asm)) {
      // a string or character literal: skip to its closing quote on the same line
      let j = i + 1;
      while (j < text.length && text[j] !== ch && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return out;
}

const DIRECTIVE = /^[\s*]*trapline-disable-(next-line|line)(?![\w-])([\s\S]*)$/;

/** The last parse of each file: an edit re-reads one file's comments, not the tree's. */
const parsed = new Map<string, { text: string; dirs: SuppressionDirective[] }>();

/** The suppression directives of one file. */
export function parseSuppressions(file: string, text: string): SuppressionDirective[] {
  const hit = parsed.get(file);
  if (hit && hit.text === text) return hit.dirs;
  const dirs = readSuppressions(file, text);
  parsed.set(file, { text, dirs });
  return dirs;
}

function readSuppressions(file: string, text: string): SuppressionDirective[] {
  if (!text.includes(MARK)) return [];
  const lines = new LineMap(text);
  const out: SuppressionDirective[] = [];
  for (const c of commentsOf(file, text)) {
    const m = DIRECTIVE.exec(c.body);
    if (!m) continue;
    const dash = m[2].indexOf('--');
    const idsPart = dash < 0 ? m[2] : m[2].slice(0, dash);
    const reason = dash < 0 ? null : m[2].slice(dash + 2).replace(/\n[ \t]*\*(?!\/)/g, '\n').replace(/\s+/g, ' ').trim() || null;
    const rules = [...new Set(idsPart.match(/\b[A-Z]{2,}\d{3}\b/g) ?? [])];
    const range = lines.range(file, c.start, c.end);
    out.push({
      file, text: text.slice(c.start, c.end), kind: m[1] as 'next-line' | 'line',
      range,
      target: m[1] === 'next-line' ? range.endLine + 1 : range.line,
      rules, reason,
    });
  }
  return out;
}

function unusedMessage(d: SuppressionDirective, rules: string[]): string {
  const what = rules.length === 0 ? 'no finding' : `no ${rules.join(' or ')} finding`;
  return `unused suppression: ${what} on ${d.kind === 'next-line' ? 'the next line' : 'this line'}`;
}


/**
 * Drops the findings that a suppression comment covers, and lists the comments (or the ids in
 * them) that cover nothing. `ranRules`: the rules that ran; ids of other rules are never called
 * unused (a `--rule TL001` run or a rule set to "off" must not flag every TL002 suppression).
 */
export function applySuppressions(findings: Finding[], texts: Map<string, string>, ranRules?: Iterable<string>): SuppressionResult {
  const ran = ranRules ? new Set(ranRules) : null;
  const byTarget = new Map<string, SuppressionDirective[]>();
  const all: SuppressionDirective[] = [];
  for (const [file, text] of texts) {
    for (const d of parseSuppressions(file, text)) {
      all.push(d);
      const k = `${file}\n${d.target}`;
      const list = byTarget.get(k);
      if (list) list.push(d); else byTarget.set(k, [d]);
    }
  }
  if (all.length === 0) {
    const result = { findings, unused: [] };
    return result;
  }
  const used = new Map<SuppressionDirective, Set<string>>();
  const kept = findings.filter((f) => {
    const ds = byTarget.get(`${f.range.file}\n${f.range.line}`);
    let hit = false;
    for (const d of ds ?? []) {
      if (d.rules.length > 0 && !d.rules.includes(f.rule)) continue;
      hit = true;
      const u = used.get(d) ?? new Set<string>();
      u.add(f.rule);
      used.set(d, u);
    }
    return !hit;
  });
  const unused: UnusedSuppression[] = [];
  for (const d of all) {
    const u = used.get(d);
    if (d.rules.length === 0) {
      if (!u) unused.push({ file: d.file, range: d.range, text: d.text, rules: [], message: unusedMessage(d, []) });
      continue;
    }
    const idle = d.rules.filter((r) => !u?.has(r) && (!ran || ran.has(r)));
    if (idle.length > 0) unused.push({ file: d.file, range: d.range, text: d.text, rules: idle, message: unusedMessage(d, idle) });
  }
  unused.sort((a, b) => a.file.localeCompare(b.file) || a.range.line - b.range.line);
  return { findings: kept, unused };
}

/**
 * The ids of the rules a run executes: all of `ruleIds`, minus those configured "off", restricted
 * to `only` when given (what `engine.runRules` does).
 */
export function rulesRun(ruleIds: readonly string[], severities: Record<string, string | undefined>, only?: string[]): string[] {
  return ruleIds.filter((id) => severities[id] !== 'off' && (!only || only.length === 0 || only.includes(id)));
}
