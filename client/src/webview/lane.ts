// One lane of the tree: a CPU role's steps as rows (calls past the depth limit folded into group
// rows), the window bands in a gutter beside them, the marks where windows open and close, and
// each row's words for a screen reader.
import type { RoleInfo, Step, StepState, Timeline } from '../protocol';
import { num, str } from './data';
import { el, reasonEl } from './dom';
import { open, type Page, type Target } from './page';
import { flatten, layoutBands, type Band, type GroupRow } from './rows';
import { locText, ruleClass, sevClass, stateParts, windowName } from './words';
import { focusItem } from './keyboard';

/** Indentation levels drawn. */
const MAX_LEVEL = 8;

export function renderLane(page: Page, r: RoleInfo, tl: Timeline, limit: number | null): HTMLLIElement {
  const { view } = page;
  const name = str(r.name);
  const laneKey = 'lane/' + name;
  const li = el('li', 'lane');
  li.setAttribute('role', 'treeitem');
  li.setAttribute('aria-level', '1');
  li.dataset.key = laneKey;
  li.tabIndex = -1;
  const collapsed = view.collapsedLanes[name] === true;
  li.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
  const after = r.afterBoot === true;
  const kind = (r.kind === 'bsp' ? 'boot CPU' : r.kind === 'ap' ? 'secondary CPUs' : 'other role') + (after ? (r.kind === 'bsp' ? ', resuming after boot' : ', after boot') : '');
  const steps = Array.isArray(tl.steps) ? tl.steps : [];
  const windows = (Array.isArray(tl.windows) ? tl.windows : []).filter((w) => w && (!view.rule || str(w.rule) === view.rule));
  const nfind = num(r.findings, 0);
  li.setAttribute('aria-label', 'CPU role ' + name + ' (' + kind + '), entry ' + (r.entry ? str(r.entry) : 'not found') + ', ' + num(r.steps, steps.length) + ' steps, ' + nfind + (nfind === 1 ? ' finding' : ' findings') + ', ' + windows.length + (windows.length === 1 ? ' unsafe window shown' : ' unsafe windows shown'));

  const head = el('div', 'lane-head');
  head.setAttribute('aria-hidden', 'true');
  head.appendChild(el('span', 'twisty' + (collapsed ? ' collapsed' : '')));
  head.appendChild(el('span', 'lane-name', name));
  head.appendChild(el('span', 'badge kind', r.kind === 'bsp' ? (after ? 'BSP · resume' : 'BSP') : r.kind === 'ap' ? (after ? 'AP · after boot' : 'AP') : after ? 'other · after boot' : 'other'));
  head.appendChild(el('span', 'lane-entry', r.entry ? 'from ' + str(r.entry) : 'entry not found'));
  head.appendChild(el('span', 'lane-count', num(r.steps, steps.length) + ' steps · ' + nfind + (nfind === 1 ? ' finding' : ' findings')));
  li.appendChild(head);
  const toggle = (): void => { view.collapsedLanes[name] = !collapsed; page.save(); page.render(); };
  head.addEventListener('click', toggle);
  page.items.set(laneKey, { toggle, expanded: !collapsed });
  if (collapsed) return li;

  const group = el('ul', 'steps');
  group.setAttribute('role', 'group');
  if (steps.length === 0) {
    const none = el('li', 'none', r.entry ? 'No boot operation reached from ' + str(r.entry) + '.' : 'No entry symbol of this role is defined in the workspace.');
    none.setAttribute('role', 'none');
    group.appendChild(none);
    li.appendChild(group);
    return li;
  }
  const { rows, rowOf } = flatten(name, steps, limit, view.expanded);
  const { bands, cols } = layoutBands(windows, rowOf, rows.length);
  let prevState: StepState | null = null;
  rows.forEach((row, i) => {
    const item = row.type === 'group' ? renderGroupRow(page, row) : renderStepRow(page, name, row.step, row.level, prevState);
    if (row.type === 'step') prevState = row.step.state;
    else prevState = row.steps[row.steps.length - 1]?.state || prevState;
    item.appendChild(gutter(bands, cols, i));
    const mk = marks(bands, i);
    const apsStart = row.type === 'step' && tl.startApsAt !== null && tl.startApsAt !== undefined && num(row.step.index, -1) === tl.startApsAt;
    if (apsStart) mk.appendChild(el('span', 'mark aps', 'secondary CPUs start here'));
    item.appendChild(mk);
    const label = [item.getAttribute('aria-label') || ''];
    if (apsStart) label.push('the secondary CPUs start here');
    for (const b of bands) {
      if (b.point && b.open === i) label.push(str(b.w.rule) + ' here: ' + str(b.w.reason));
      else if (b.point) continue;
      else if (b.open === i) label.push('opens ' + windowName(b.w) + ': ' + str(b.w.reason));
      else if (b.close === i && !b.openEnded) label.push('closes ' + windowName(b.w));
      else if (b.open < i && i <= b.close) label.push('inside ' + windowName(b.w));
    }
    item.setAttribute('aria-label', label.filter(Boolean).join('; '));
    group.appendChild(item);
  });
  li.appendChild(group);
  return li;
}

function gutter(bands: Band[], cols: number, i: number): HTMLSpanElement {
  const g = el('span', 'gutter cols-' + cols);
  g.setAttribute('aria-hidden', 'true');
  for (const b of bands) {
    if (i < b.open || i > b.close) continue;
    const pos = b.point ? 'point' : b.open === i && b.close === i ? 'single' : b.open === i ? 'start' : b.close === i ? (b.openEnded ? 'mid' : 'end') : 'mid';
    const cell = el('span', 'band col-' + b.col + ' ' + pos + ' ' + ruleClass(str(b.w.rule)) + (b.w.critical ? ' critical' : '') + (b.openEnded ? ' open-ended' : '') + sevClass(b.w));
    cell.title = windowName(b.w) + ': ' + str(b.w.reason);
    g.appendChild(cell);
  }
  return g;
}

function marks(bands: Band[], i: number): HTMLSpanElement {
  const m = el('span', 'marks');
  m.setAttribute('aria-hidden', 'true');
  for (const b of bands) {
    if (b.open === i) {
      const t = el('span', 'mark ' + (b.point ? 'point ' : 'opens ') + ruleClass(str(b.w.rule)) + (b.w.critical ? ' critical' : '') + sevClass(b.w));
      t.appendChild(el('span', 'mark-rule', b.w.critical ? str(b.w.rule) + ' critical region' : str(b.w.rule)));
      t.appendChild(reasonEl('mark-reason', b.w.reason));
      t.title = str(b.w.reason);
      m.appendChild(t);
    }
    if (b.point || b.close !== i) continue;
    m.appendChild(el('span', 'mark closes ' + ruleClass(str(b.w.rule)) + (b.w.critical ? ' critical' : ''), b.openEnded ? str(b.w.rule) + ' still open at the end of the path' : 'closes ' + str(b.w.rule)));
  }
  return m;
}

function stepTarget(s: Step): Target | null {
  const uri = str(s.uri);
  return uri ? { uri, line: num(s.line, 0), column: num(s.column, 0) } : null;
}

function renderStepRow(page: Page, role: string, s: Step, level: number, prevState: StepState | null): HTMLLIElement {
  const key = role + '/s' + num(s.index, 0);
  const li = el('li', 'row step lvl-' + Math.min(level, MAX_LEVEL) + ' kind-' + (/^[a-z-]+$/.test(str(s.kind)) ? str(s.kind) : 'other'));
  li.setAttribute('role', 'treeitem');
  li.setAttribute('aria-level', String(2 + Math.min(level, MAX_LEVEL)));
  li.dataset.key = key;
  li.dataset.uri = str(s.uri);
  li.dataset.line = String(num(s.line, -1));
  li.tabIndex = -1;
  const body = el('span', 'body');
  body.setAttribute('aria-hidden', 'true');
  const line1 = el('span', 'line1');
  line1.appendChild(el('span', 'twisty none'));
  line1.appendChild(el('span', 'idx', '#' + num(s.index, 0)));
  line1.appendChild(el('span', 'op', str(s.text)));
  body.appendChild(line1);
  const line2 = el('span', 'line2');
  line2.appendChild(badges(s.state, prevState));
  line2.appendChild(el('span', 'loc', locText(s.file, s.line)));
  body.appendChild(line2);
  li.appendChild(body);
  const parts = stateParts(s.state);
  li.setAttribute('aria-label', 'Step ' + num(s.index, 0) + ': ' + str(s.text) + ', ' + str(s.file) + ' line ' + (num(s.line, 0) + 1) + (s.within ? ', in ' + str(s.within) : '') + '. After it: ' + parts.map((p) => p[3]).join(', '));
  const target = stepTarget(s);
  li.addEventListener('click', () => { focusItem(page, li); if (target) open(page, target); });
  page.items.set(key, { open: target });
  return li;
}

function renderGroupRow(page: Page, g: GroupRow): HTMLLIElement {
  const { view } = page;
  const li = el('li', 'row group lvl-' + Math.min(g.level, MAX_LEVEL));
  li.setAttribute('role', 'treeitem');
  li.setAttribute('aria-level', String(2 + Math.min(g.level, MAX_LEVEL)));
  li.setAttribute('aria-expanded', g.expanded ? 'true' : 'false');
  li.dataset.key = g.key;
  const at = g.callStep || null;
  li.dataset.uri = at ? str(at.uri) : str(g.link && g.link.uri);
  li.dataset.line = String(at ? num(at.line, -1) : num(g.link && g.link.line, -1));
  li.tabIndex = -1;
  const body = el('span', 'body');
  body.setAttribute('aria-hidden', 'true');
  const line1 = el('span', 'line1');
  const twisty = el('span', 'twisty' + (g.expanded ? '' : ' collapsed'));
  line1.appendChild(twisty);
  if (at) line1.appendChild(el('span', 'idx', '#' + num(at.index, 0)));
  line1.appendChild(el('span', 'op', at ? str(at.text) : 'call ' + (g.callee || '?')));
  const file = at ? at.file : g.link && g.link.file;
  const line = at ? at.line : g.link && g.link.line;
  body.appendChild(line1);
  const lastState = g.steps[g.steps.length - 1]?.state;
  body.appendChild(el('span', 'hidden-count', g.steps.length + (g.steps.length === 1 ? ' step' : ' steps') + ' inside ' + (g.callee || 'the call') + (g.expanded ? '' : ' (collapsed)') + '; after the call:'));
  const line2 = el('span', 'line2');
  line2.appendChild(badges(lastState, null));
  if (file) line2.appendChild(el('span', 'loc', locText(file, line)));
  body.appendChild(line2);
  li.appendChild(body);
  const parts = stateParts(lastState);
  li.setAttribute('aria-label', (at ? 'Step ' + num(at.index, 0) + ': ' + str(at.text) : 'Call of ' + (g.callee || 'unknown function')) + (file ? ', ' + str(file) + ' line ' + (num(line, 0) + 1) : '') + ', ' + g.steps.length + (g.steps.length === 1 ? ' step inside' : ' steps inside') + (parts.length ? '. After the call: ' + parts.map((p) => p[3]).join(', ') : ''));
  const target = at ? stepTarget(at) : g.link && g.link.uri ? { uri: str(g.link.uri), line: num(g.link.line, 0), column: 0 } : null;
  const toggle = (): void => { view.expanded[g.key] = !g.expanded; if (!view.expanded[g.key]) delete view.expanded[g.key]; view.focus = g.key; page.save(); page.render(); };
  twisty.addEventListener('click', (e) => { e.stopPropagation(); toggle(); });
  li.addEventListener('click', () => { focusItem(page, li); if (target) open(page, target); });
  li.addEventListener('dblclick', toggle);
  page.items.set(g.key, { open: target, toggle, expanded: g.expanded });
  return li;
}

/** The state's badges; with the state before it, the ones that changed are marked. */
function badges(state: StepState | null | undefined, prev: StepState | null | undefined): HTMLSpanElement {
  const box = el('span', 'badges');
  const before = new Map(stateParts(prev).map((p) => [p[0], p[1]]));
  for (const [key, text, cls] of stateParts(state)) {
    const changed = prev !== null && prev !== undefined && before.get(key) !== text;
    box.appendChild(el('span', 'badge state-' + key + (cls ? ' ' + cls : '') + (changed ? ' changed' : ''), text));
  }
  return box;
}
