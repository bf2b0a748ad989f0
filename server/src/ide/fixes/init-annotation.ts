/** The init-section annotation of a C function (`__init`, `__section(".init.text")`): found and removed. */
import type { CFunction } from '../../index/c-index';
import { isInitSection } from '../../index/index';
import { matchParen } from '../../index/macros';
import { escapeRe } from '../../model/regex';
import { type Doc, isCLike } from '../text';
import type { Ctx } from './context';
import type { TextEdit } from './edit';

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
  return { file: doc.file, range: doc.range(a, b), newText: '' };
}

/**
 * The init-section annotation of a C function, removed from its definition and then from the
 * prototypes that carry it too (GCC merges a declaration's section into the definition).
 */
export function removeInitAnnotation(ctx: Ctx, fn: CFunction): { token: string; edits: TextEdit[] } | null {
  const doc = ctx.doc(fn.file);
  if (!doc) return null;
  const nameAt = doc.offset(fn.nameRange.line, fn.nameRange.column);
  const hit = initAnnotationIn(ctx, doc.text.slice(fn.startIndex, nameAt));
  if (!hit) return null;
  const edits = [removal(doc, fn.startIndex, hit.start, hit.end)];
  const proto = new RegExp(`(^|[;}])([^;{}#]*?)\\b${escapeRe(fn.name)}\\s*\\([^;{}]*\\)\\s*;`, 'gm');
  for (const [file, text] of ctx.a.index.texts) {
    if (!isCLike(file) || !text.includes(fn.name)) continue;
    if (fn.isStatic && file !== fn.file) continue;
    const d = ctx.doc(file);
    if (!d) continue;
    for (const m of text.matchAll(proto)) {
      const base = (m.index ?? 0) + m[1].length;
      const h = initAnnotationIn(ctx, m[2]);
      if (h && !(file === fn.file && base + h.start === fn.startIndex + hit.start)) edits.push(removal(d, base, h.start, h.end));
    }
  }
  return { token: hit.token.trim(), edits };
}
