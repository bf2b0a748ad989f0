/**
 * The boot timeline as an IDE layer: pure functions over the engine's `Analysis` for the Boot
 * Timeline panel (`trapline/roles`, `trapline/timeline`, see docs/protocol.md) and for hovers.
 * Core layer: no LSP imports; the language server translates these plain types.
 *
 * Lines and columns are 0-based (the engine's and LSP's convention); files are relative to
 * `analysis.root` with `/` separators. Hover text is markdown: code-derived text is put in
 * backticks (backticks stripped from it), other text is escaped.
 */
import type { Analysis } from '../../engine';
import { hoverAt } from './hover';
import { renderHover } from './render';

export { roles, timeline, badges, fileUri, type IdtBadge, type StateBadges, type ChainEntry, type TimelineStep, type TimelineWindow, type Timeline, type RoleSummary } from './model';
export { esc, code } from './markdown';

/**
 * Markdown for a hover at (file, line, column), 0-based, file relative to the root (an absolute
 * path under the root is accepted). null: nothing boot-relevant here.
 */
export function hover(analysis: Analysis, file: string, line: number, column: number): string | null {
  const h = hoverAt(analysis, file, line, column);
  return h && renderHover(analysis.root, h);
}
