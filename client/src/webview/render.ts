// The page's content: the tree of lanes, or why there is none, or a status message; the filters.
import type { RoleInfo, Timeline } from '../protocol';
import { num, str } from './data';
import { clear, el } from './dom';
import { depthLimit, type Page } from './page';
import { renderLane } from './lane';
import { onKey, treeItems } from './keyboard';
import { applyCursor } from './cursor';

export function render(page: Page): void {
  const { content, toolbar, view, data } = page;
  const hadFocus = content.contains(document.activeElement);
  clear(content);
  page.items = new Map();
  if (!data) return;
  const roles = Array.isArray(data.roles) ? data.roles : [];
  const timelines = Array.isArray(data.timelines) ? data.timelines : [];
  const usable = roles.filter((r) => r && r.entry && num(r.steps, 0) > 0);
  if (usable.length === 0) { toolbar.hidden = true; renderEmpty(page, roles); return; }
  toolbar.hidden = false;
  fillFilters(page, roles, timelines);

  const tree = el('ul', 'tree');
  tree.setAttribute('role', 'tree');
  tree.setAttribute('aria-label', 'Boot timeline: one lane per CPU role');
  const limit = depthLimit(view);
  for (const r of roles) {
    if (!r || (view.role && str(r.name) !== view.role)) continue;
    const tl = timelines.find((t) => t && str(t.role) === str(r.name)) || { role: str(r.name), steps: [], windows: [] };
    tree.appendChild(renderLane(page, r, tl, limit));
  }
  content.appendChild(tree);
  tree.addEventListener('keydown', (e) => onKey(page, e));
  // roving tabindex: the remembered item, or the first one
  const all = treeItems(page);
  const current = all.find((e) => e.dataset.key === view.focus) || all[0];
  if (current) {
    current.tabIndex = 0;
    current.setAttribute('aria-selected', 'true');
    if (hadFocus) current.focus();
  }
  applyCursor(page, false);
}

function renderEmpty(page: Page, roles: RoleInfo[]): void {
  const box = el('section', 'empty');
  box.setAttribute('aria-labelledby', 'empty-title');
  const title = el('h2', '', roles.length === 0 ? 'No CPU roles found' : 'No boot code found');
  title.id = 'empty-title';
  box.appendChild(title);
  if (roles.length === 0) {
    box.appendChild(el('p', '', 'Trapline has no CPU role to follow in this workspace: neither .trapline.json nor the trapline.roles setting names one, and the profile gave none.'));
  } else {
    box.appendChild(el('p', '', 'Trapline follows each CPU role from its entry point, and found no boot code to follow:'));
    const ul = el('ul', 'reasons');
    for (const r of roles) {
      const name = str(r && r.name);
      ul.appendChild(el('li', '', r && r.entry ? name + ': entry ' + str(r.entry) + ' reaches no IDT, TSS, CR4 or interrupt operation' : name + ': no entry symbol of this role is defined in the workspace'));
    }
    box.appendChild(ul);
  }
  box.appendChild(el('p', '', 'Name the entry points of your boot CPU and secondary CPUs in .trapline.json at the workspace root, for example:'));
  box.appendChild(el('pre', 'sample', '{\n  "profile": "generic",\n  "roles": [\n    { "name": "bsp", "entry": "start" },\n    { "name": "ap", "entry": "ap_start" }\n  ]\n}'));
  const create = el('button', 'primary', 'Create .trapline.json');
  create.type = 'button';
  create.addEventListener('click', () => page.post({ type: 'createConfig' }));
  box.appendChild(create);
  page.content.appendChild(box);
}

/** A status message instead of the tree, with a button to analyse again after an error. */
export function renderMessage(page: Page, text: string, withRetry: boolean): void {
  const { content, toolbar } = page;
  toolbar.hidden = true;
  clear(content);
  page.items = new Map();
  const p = el('p', 'message', text);
  content.appendChild(p);
  if (withRetry) {
    const b = el('button', '', 'Re-analyse workspace');
    b.type = 'button';
    b.addEventListener('click', () => page.post({ type: 'reanalyze' }));
    content.appendChild(b);
  }
}

function fillFilters(page: Page, roles: RoleInfo[], timelines: Timeline[]): void {
  const { view } = page;
  setOptions(page.roleFilter, 'All roles', roles.map((r) => str(r && r.name)).filter(Boolean), view.role);
  const rules = new Set<string>();
  for (const t of timelines) for (const w of (t && Array.isArray(t.windows) ? t.windows : [])) if (w && w.rule) rules.add(str(w.rule));
  setOptions(page.ruleFilter, 'All rules', [...rules].sort(), view.rule);
  page.depthFilter.value = view.depth;
}
function setOptions(select: HTMLSelectElement, allLabel: string, values: string[], selected: string): void {
  clear(select);
  const all = el('option', '', allLabel);
  all.value = '';
  select.appendChild(all);
  for (const v of values) { const o = el('option', '', v); o.value = v; select.appendChild(o); }
  select.value = values.includes(selected) ? selected : '';
}
