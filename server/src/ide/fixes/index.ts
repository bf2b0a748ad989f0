/**
 * Quick fixes for findings, as plain text edits over the analysed tree.
 *
 * An IDE layer that knows nothing of LSP: an edit is `{ file, range, newText }` with the engine's
 * 0-based `Range` (file relative to the root); every range of one action refers to the text as it
 * was analysed (`analysis.index.texts`), LSP `WorkspaceEdit` style, and no two overlap. The
 * language server translates.
 *
 * The fixes follow the clean reference ordering of the hazard rules (empty IDTR, IST slots, lgdt,
 * lidt of a table whose gates have IST 0, ltr, then IST on NMI/#DF/#MC, then CR4.MCE, then sti),
 * one file per rule (`tl001.ts` ... `tl004.ts`); every rule also gets a suppression comment above
 * the finding's line (`suppress.ts`), and an unused suppression comment a fix that drops the ids
 * that cover nothing, or the comment.
 *
 * Edits keep the surrounding indentation and touch as few lines as they can. Tree facts come from
 * the engine: the role paths' steps (range, effect, call chain), the index (functions, macros,
 * labels) and the C trees re-parsed on demand (`index.cTree`).
 */
import type { Analysis } from '../../engine';
import type { Finding } from '../../model/types';
import { Ctx } from './context';
import { type CodeAction, overlapping } from './edit';
import { locate } from './locate';
import { suppressAction } from './suppress';
import { tl001 } from './tl001';
import { tl002 } from './tl002';
import { tl003 } from './tl003';
import { tl004 } from './tl004';

export type { CodeAction, TextEdit } from './edit';
export { PLACEHOLDER_HANDLER } from './idioms';
export { unusedSuppressionAction } from './suppress';

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
