// Keyboard navigation of the tree (the WAI-ARIA tree pattern, with a roving tabindex).
import { open, type Page } from './page';

export function treeItems(page: Page): HTMLElement[] { return Array.from(page.content.querySelectorAll<HTMLElement>('[role="treeitem"]')); }

/** Makes `li` the one focusable, selected item, focuses it and remembers it. */
export function focusItem(page: Page, li: HTMLElement): void {
  for (const e of treeItems(page)) { if (e !== li) { e.tabIndex = -1; e.removeAttribute('aria-selected'); } }
  li.tabIndex = 0;
  li.setAttribute('aria-selected', 'true');
  li.focus();
  page.view.focus = li.dataset.key || null;
  page.save();
}

function parentItem(page: Page, li: HTMLElement): HTMLElement | null {
  const level = Number(li.getAttribute('aria-level'));
  const all = treeItems(page);
  for (let i = all.indexOf(li) - 1; i >= 0; i--) if (Number(all[i].getAttribute('aria-level')) < level) return all[i];
  return null;
}

export function onKey(page: Page, e: KeyboardEvent): void {
  const { view } = page;
  const target = e.target as Partial<Element> | null;
  const li = target && target.closest ? target.closest<HTMLElement>('[role="treeitem"]') : null;
  if (!li) return;
  const all = treeItems(page);
  const i = all.indexOf(li);
  const info = page.items.get(li.dataset.key ?? '') || {};
  /** Expands or collapses the item, keeping the focus on it across the render. */
  const toggle = (run: () => void): void => { view.focus = li.dataset.key ?? null; run(); refocus(page); };
  let handled = true;
  switch (e.key) {
    case 'ArrowDown': if (all[i + 1]) focusItem(page, all[i + 1]); break;
    case 'ArrowUp': if (all[i - 1]) focusItem(page, all[i - 1]); break;
    case 'Home': if (all[0]) focusItem(page, all[0]); break;
    case 'End': if (all.length) focusItem(page, all[all.length - 1]); break;
    case 'ArrowRight':
      if (info.toggle && !info.expanded) toggle(info.toggle); else if (info.toggle && all[i + 1]) focusItem(page, all[i + 1]);
      break;
    case 'ArrowLeft':
      if (info.toggle && info.expanded) toggle(info.toggle); else { const p = parentItem(page, li); if (p) focusItem(page, p); }
      break;
    case 'Enter':
      if (info.open) open(page, info.open); else if (info.toggle) toggle(info.toggle);
      break;
    case ' ':
      if (info.toggle) toggle(info.toggle); else if (info.open) open(page, info.open);
      break;
    default: handled = false;
  }
  if (handled) { e.preventDefault(); e.stopPropagation(); }
}

function refocus(page: Page): void {
  const li = treeItems(page).find((e) => e.dataset.key === page.view.focus);
  if (li) focusItem(page, li);
}
