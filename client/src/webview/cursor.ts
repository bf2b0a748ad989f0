// The editor's cursor in the tree: the rows of the steps at the cursor's line, or of the
// collapsed groups hiding them, are marked.
import type { Step } from '../protocol';
import { num, str } from './data';
import { depthLimit, type Page } from './page';
import { groupSteps, type GroupRow } from './rows';
import { treeItems } from './keyboard';

/** Marks the rows at the cursor; `scroll` brings the first into view. */
export function applyCursor(page: Page, scroll: boolean): void {
  const { content, cursor, data } = page;
  let first: HTMLElement | null = null;
  for (const e of content.querySelectorAll('.at-cursor')) { e.classList.remove('at-cursor'); e.removeAttribute('aria-current'); }
  if (!cursor || !data) return;
  const marked = new Set<HTMLElement>();
  for (const t of Array.isArray(data.timelines) ? data.timelines : []) {
    for (const s of t && Array.isArray(t.steps) ? t.steps : []) {
      if (!s || str(s.uri) !== cursor.uri || num(s.line, -1) !== cursor.line) continue;
      const key = str(t.role) + '/s' + num(s.index, 0);
      let li = treeItems(page).find((e) => e.dataset.key === key);
      if (!li) {
        // hidden in a collapsed group: mark the group's row
        li = treeItems(page).find((e) => e.classList.contains('group') && e.closest<HTMLElement>('.lane')?.dataset.key === 'lane/' + str(t.role) && groupHas(page, e.dataset.key, str(t.role), s));
      }
      if (li && !marked.has(li)) { marked.add(li); li.classList.add('at-cursor'); li.setAttribute('aria-current', 'location'); if (!first) first = li; }
    }
  }
  if (first && scroll && typeof first.scrollIntoView === 'function') first.scrollIntoView({ block: 'nearest' });
}

function groupHas(page: Page, key: string | undefined, role: string, s: Step): boolean {
  const limit = depthLimit(page.view);
  if (limit === null || !page.data) return false;
  const t = page.data.timelines.find((x) => x && str(x.role) === role);
  const g = groupSteps(role, t && Array.isArray(t.steps) ? t.steps : [], limit).find((r): r is GroupRow => r.type === 'group' && r.key === key);
  return !!g && (g.steps.includes(s) || g.callStep === s);
}
