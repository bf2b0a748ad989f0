/**
 * TL004 (code that runs after init memory is freed refers to an init function): drop `__init`
 * from the referred function; mark the referring function `__init` when everything that calls it
 * late is init too; `static inline` -> `static __always_inline`.
 */
import type { Finding } from '../../model/types';
import { rng, startsWithin } from '../text';
import type { Ctx } from './context';
import type { CodeAction } from './edit';
import { initAnnotation } from './idioms';
import { removeInitAnnotation } from './init-annotation';

export function tl004(ctx: Ctx, f: Finding): CodeAction[] {
  const file = f.range.file;
  const doc = ctx.doc(file);
  if (!doc) return [];
  const referred = /^[A-Za-z_]\w*/.exec(doc.line(f.range.line).slice(f.range.column))?.[0];
  const referring = [...ctx.functions()].find((fn) => fn.file === file && startsWithin(f.range, fn.range));
  const out: CodeAction[] = [];
  if (referred && ctx.isInit(referred, file)) {
    const target = ctx.fn(referred, file);
    const r = target ? removeInitAnnotation(ctx, target) : null;
    if (r) out.push({ title: `Remove \`${r.token}\` from ${referred} (it is used after init memory is freed)`, kind: 'quickfix', isPreferred: true, edits: r.edits });
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
      const prefixEnd = doc.offset(referring.nameRange.line, referring.nameRange.column);
      const prefix = doc.text.slice(referring.startIndex, prefixEnd);
      const m = /(?<![\w])(inline|__inline__|__inline)(?![\w])/.exec(prefix);
      if (m && !/__always_inline|always_inline/.test(prefix)) {
        const range = doc.range(referring.startIndex + m.index, referring.startIndex + m.index + m[0].length);
        out.push({ title: `Make ${referring.name} \`__always_inline\` (inlined into its init callers)`, kind: 'quickfix', edits: [{ file, range, newText: '__always_inline' }] });
      }
    }
  }
  return out;
}
