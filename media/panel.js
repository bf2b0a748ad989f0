// Boot Timeline webview script (plain browser JavaScript, no build step; loaded by nonce).
//
// Data arrives from the extension by postMessage. Every string from the workspace (symbols,
// file names, operation text, reasons) is written with textContent or setAttribute: nothing here
// parses markup (no innerHTML, insertAdjacentHTML, outerHTML, document.write, eval).
//
// Messages in:  {type:'data', roles, timelines}  {type:'status', state, message}
//               {type:'cursor', uri, line}
// Messages out: {type:'ready'}  {type:'open', uri, line, column}  {type:'createConfig'}
//               {type:'reanalyze'}
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  const MAX_COLS = 8; // band columns drawn; more overlapping windows share the last one
  const MAX_LEVEL = 8; // indentation levels drawn
  const saved = vscode.getState() || {};
  /** Per-role and per-group flags, keyed by names from the workspace: no prototype, so a role called `__proto__` is a key like any other. */
  function table(o) {
    const t = Object.create(null);
    if (o && typeof o === 'object') for (const k of Object.keys(o)) t[k] = o[k];
    return t;
  }
  const view = {
    role: typeof saved.role === 'string' ? saved.role : '',
    rule: typeof saved.rule === 'string' ? saved.rule : '',
    depth: typeof saved.depth === 'string' ? saved.depth : 'all',
    expanded: table(saved.expanded),
    collapsedLanes: table(saved.collapsedLanes),
    focus: typeof saved.focus === 'string' ? saved.focus : null,
  };
  /** @type {{roles: any[], timelines: any[]} | null} */
  let data = null;
  /** @type {{uri: string, line: number} | null} */
  let cursor = null;
  /** key -> {kind, open?: {uri,line,column}, toggle?: () => void} for the rendered tree items */
  let items = new Map();

  const content = document.getElementById('content');
  const toolbar = document.getElementById('toolbar');
  const roleFilter = document.getElementById('role-filter');
  const ruleFilter = document.getElementById('rule-filter');
  const depthFilter = document.getElementById('depth-filter');
  const announce = document.getElementById('announce');

  function save() {
    vscode.setState({ role: view.role, rule: view.rule, depth: view.depth, expanded: view.expanded, collapsedLanes: view.collapsedLanes, focus: view.focus });
  }

  // ---- small DOM helpers: text only ----
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function str(v) { return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v); }
  function num(v, d) { return typeof v === 'number' && Number.isFinite(v) ? v : d; }

  // ---- machine state in badges and in words ----
  function idtBadge(s) {
    switch (s.idt) {
      case 'none': return 'no IDT';
      case 'empty': return 'IDT empty';
      case 'table': return 'IDT ' + (str(s.idtTable) || 'table');
      default: return 'IDT ?';
    }
  }
  function idtWords(s) {
    switch (s.idt) {
      case 'none': return 'no IDT loaded';
      case 'empty': return 'IDT loaded but empty';
      case 'table': return 'IDT ' + (str(s.idtTable) || 'table') + ' loaded';
      default: return 'IDT unknown';
    }
  }
  function ist(s) { return Array.isArray(s.istSlots) ? s.istSlots.filter((n) => typeof n === 'number') : []; }
  function tssBadge(s) { return s.tss ? (ist(s).length ? 'TSS IST ' + ist(s).join(',') : 'TSS') : 'no TSS'; }
  function tssWords(s) { return s.tss ? 'TSS loaded' + (ist(s).length ? ' with IST slots ' + ist(s).join(', ') : '') : 'no TSS loaded'; }
  function mceBadge(s) { return 'MCE ' + (s.cr4Mce === 'on' || s.cr4Mce === 'may' ? s.cr4Mce : 'off'); }
  function mceWords(s) { return s.cr4Mce === 'on' ? 'CR4.MCE set' : s.cr4Mce === 'may' ? 'CR4.MCE may be set' : 'CR4.MCE clear'; }
  /** [key, badge text, class, words] for the state after a step */
  function stateParts(s) {
    if (!s || typeof s !== 'object') return [];
    const parts = [
      ['idt', idtBadge(s), s.idt === 'table' ? 'ok' : s.idt === 'unknown' ? '' : 'bad', idtWords(s)],
      ['tss', tssBadge(s), s.tss ? 'ok' : '', tssWords(s)],
      ['mce', mceBadge(s), s.cr4Mce === 'on' ? 'hot' : s.cr4Mce === 'may' ? 'warm' : '', mceWords(s)],
    ];
    if (s.fred) parts.push(['fred', 'FRED', 'ok', 'FRED enabled']);
    parts.push(['if', s.iflag ? 'IF on' : 'IF off', s.iflag ? 'hot' : '', s.iflag ? 'interrupts enabled' : 'interrupts disabled']);
    if (s.initFreed) parts.push(['init', 'init freed', 'hot', 'init memory freed']);
    return parts;
  }

  function sevClass(w) { return /^(error|warning|information|hint)$/.test(str(w.severity)) ? ' sev-' + w.severity : ''; }
  function ruleClass(rule) { return 'rule-' + (/^TL\d{3}$/.test(rule) ? rule : 'other'); }
  function windowName(w) { return w.critical ? 'critical region ' + str(w.rule) : str(w.rule); }
  /** A reason with `code` in backticks: code spans as elements, all of it text. */
  function reasonEl(cls, reason) {
    const box = el('span', cls);
    str(reason).split('`').forEach((part, k) => { if (part) box.appendChild(k % 2 ? el('code', '', part) : document.createTextNode(part)); });
    return box;
  }
  function locText(file, line) { return str(file) + ':' + (num(line, 0) + 1); }

  // ---- rows: steps with calls deeper than the limit collapsed under their caller ----
  /**
   * @returns {Array<{type:'step', step:any, level:number} | {type:'group', key:string, callStep:any|null, link:any|null, callee:string, steps:any[], level:number}>}
   */
  function groupSteps(role, steps, limit) {
    const rows = [];
    for (const s of steps) {
      const depth = num(s.depth, 0);
      if (limit === null || depth <= limit) { rows.push({ type: 'step', step: s, level: depth }); continue; }
      const chain = Array.isArray(s.chain) ? s.chain : [];
      const link = chain[limit] || null;
      const site = link ? str(link.file) + ':' + num(link.line, -1) : '?';
      const last = rows[rows.length - 1];
      if (last && last.type === 'group' && last.site === site) { last.steps.push(s); continue; }
      // the caller row: the visible call step at this call site, if the path recorded one
      const prev = last && last.type === 'step' ? last.step : null;
      const callStep = prev && prev.kind === 'call' && num(prev.depth, 0) === limit && link && str(prev.file) === str(link.file) && num(prev.line, -1) === num(link.line, -2) ? prev : null;
      const callee = callStep && callStep.callee ? str(callStep.callee) : depth === limit + 1 ? str(s.within) : str(chain[limit + 1] && chain[limit + 1].symbol) || str(s.within);
      if (callStep) rows.pop();
      const key = role + '/g' + limit + '/' + num(s.index, 0);
      rows.push({ type: 'group', key, site, callStep, link, callee, steps: [s], level: limit });
    }
    return rows;
  }

  /** Visible rows in order; hidden steps map to the row of their collapsed group. */
  function flatten(role, steps, limit) {
    const out = [];
    const rowOf = new Map();
    for (const r of groupSteps(role, steps, limit)) {
      if (r.type === 'step') { rowOf.set(num(r.step.index, -1), out.length); out.push(r); continue; }
      const at = out.length;
      out.push(r);
      if (r.callStep) rowOf.set(num(r.callStep.index, -1), at);
      r.expanded = view.expanded[r.key] === true;
      for (const s of r.steps) {
        if (r.expanded) { rowOf.set(num(s.index, -1), out.length); out.push({ type: 'step', step: s, level: num(s.depth, 0), inGroup: r.key }); } else rowOf.set(num(s.index, -1), at);
      }
    }
    return { rows: out, rowOf };
  }

  /** Bands: each window from the row of its opening step to the row of its closing step, in the first free column. */
  function layoutBands(windows, rowOf, nrows) {
    const bands = [];
    for (const w of windows) {
      const open = rowOf.get(num(w.openStep, -1));
      if (open === undefined) continue;
      if (w.extent === 'point') { bands.push({ w, open, close: open, openEnded: false, point: true, col: 0 }); continue; }
      const closeStep = w.closeStep === null || w.closeStep === undefined ? null : num(w.closeStep, -1);
      let close = closeStep === null ? nrows - 1 : rowOf.get(closeStep);
      if (close === undefined) close = nrows - 1;
      bands.push({ w, open, close: Math.max(open, close), openEnded: closeStep === null, point: false, col: 0 });
    }
    bands.sort((a, b) => a.open - b.open || b.close - a.close);
    const colEnd = [];
    for (const b of bands) {
      let c = colEnd.findIndex((end) => end < b.open);
      if (c === -1) c = colEnd.length;
      colEnd[c] = b.close;
      b.col = Math.min(c, MAX_COLS - 1);
    }
    return { bands, cols: Math.min(colEnd.length, MAX_COLS) };
  }

  // ---- rendering ----
  function render() {
    const hadFocus = content.contains(document.activeElement);
    clear(content);
    items = new Map();
    if (!data) return;
    const roles = Array.isArray(data.roles) ? data.roles : [];
    const timelines = Array.isArray(data.timelines) ? data.timelines : [];
    const usable = roles.filter((r) => r && r.entry && num(r.steps, 0) > 0);
    if (usable.length === 0) { toolbar.hidden = true; renderEmpty(roles); return; }
    toolbar.hidden = false;
    fillFilters(roles, timelines);

    const tree = el('ul', 'tree');
    tree.setAttribute('role', 'tree');
    tree.setAttribute('aria-label', 'Boot timeline: one lane per CPU role');
    const limit = view.depth === 'all' ? null : Number(view.depth);
    for (const r of roles) {
      if (!r || (view.role && str(r.name) !== view.role)) continue;
      const tl = timelines.find((t) => t && str(t.role) === str(r.name)) || { steps: [], windows: [] };
      tree.appendChild(renderLane(r, tl, limit));
    }
    content.appendChild(tree);
    tree.addEventListener('keydown', onKey);
    // roving tabindex: the remembered item, or the first one
    const all = treeItems();
    let current = all.find((e) => e.dataset.key === view.focus) || all[0];
    if (current) {
      current.tabIndex = 0;
      current.setAttribute('aria-selected', 'true');
      if (hadFocus) current.focus();
    }
    applyCursor(false);
  }

  function renderEmpty(roles) {
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
    create.addEventListener('click', () => vscode.postMessage({ type: 'createConfig' }));
    box.appendChild(create);
    content.appendChild(box);
  }

  function renderMessage(text, withRetry) {
    toolbar.hidden = true;
    clear(content);
    items = new Map();
    const p = el('p', 'message', text);
    content.appendChild(p);
    if (withRetry) {
      const b = el('button', '', 'Re-analyse workspace');
      b.type = 'button';
      b.addEventListener('click', () => vscode.postMessage({ type: 'reanalyze' }));
      content.appendChild(b);
    }
  }

  function fillFilters(roles, timelines) {
    setOptions(roleFilter, 'All roles', roles.map((r) => str(r && r.name)).filter(Boolean), view.role);
    const rules = new Set();
    for (const t of timelines) for (const w of (t && Array.isArray(t.windows) ? t.windows : [])) if (w && w.rule) rules.add(str(w.rule));
    setOptions(ruleFilter, 'All rules', [...rules].sort(), view.rule);
    depthFilter.value = view.depth;
  }
  function setOptions(select, allLabel, values, selected) {
    clear(select);
    const all = el('option', '', allLabel);
    all.value = '';
    select.appendChild(all);
    for (const v of values) { const o = el('option', '', v); o.value = v; select.appendChild(o); }
    select.value = values.includes(selected) ? selected : '';
  }

  function renderLane(r, tl, limit) {
    const name = str(r.name);
    const laneKey = 'lane/' + name;
    const li = el('li', 'lane');
    li.setAttribute('role', 'treeitem');
    li.setAttribute('aria-level', '1');
    li.dataset.key = laneKey;
    li.tabIndex = -1;
    const collapsed = view.collapsedLanes[name] === true;
    li.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
    const kind = r.kind === 'bsp' ? 'boot CPU' : r.kind === 'ap' ? 'secondary CPUs' : 'other role';
    const steps = Array.isArray(tl.steps) ? tl.steps : [];
    const windows = (Array.isArray(tl.windows) ? tl.windows : []).filter((w) => w && (!view.rule || str(w.rule) === view.rule));
    const nfind = num(r.findings, 0);
    li.setAttribute('aria-label', 'CPU role ' + name + ' (' + kind + '), entry ' + (r.entry ? str(r.entry) : 'not found') + ', ' + num(r.steps, steps.length) + ' steps, ' + nfind + (nfind === 1 ? ' finding' : ' findings') + ', ' + windows.length + (windows.length === 1 ? ' unsafe window shown' : ' unsafe windows shown'));

    const head = el('div', 'lane-head');
    head.setAttribute('aria-hidden', 'true');
    head.appendChild(el('span', 'twisty' + (collapsed ? ' collapsed' : '')));
    head.appendChild(el('span', 'lane-name', name));
    head.appendChild(el('span', 'badge kind', r.kind === 'bsp' ? 'BSP' : r.kind === 'ap' ? 'AP' : 'other'));
    head.appendChild(el('span', 'lane-entry', r.entry ? 'from ' + str(r.entry) : 'entry not found'));
    head.appendChild(el('span', 'lane-count', num(r.steps, steps.length) + ' steps · ' + nfind + (nfind === 1 ? ' finding' : ' findings')));
    li.appendChild(head);
    const toggle = () => { view.collapsedLanes[name] = !collapsed; save(); render(); };
    head.addEventListener('click', toggle);
    items.set(laneKey, { kind: 'lane', toggle, expanded: !collapsed });
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
    const { rows, rowOf } = flatten(name, steps, limit);
    const { bands, cols } = layoutBands(windows, rowOf, rows.length);
    let prevState = null;
    rows.forEach((row, i) => {
      const item = row.type === 'group' ? renderGroupRow(name, row) : renderStepRow(name, row.step, row.level, prevState);
      if (row.type === 'step') prevState = row.step.state;
      else prevState = (row.steps[row.steps.length - 1] || {}).state || prevState;
      item.appendChild(gutter(bands, cols, i));
      const mk = marks(bands, i);
      if (row.type === 'step' && tl.startApsAt !== null && tl.startApsAt !== undefined && num(row.step.index, -1) === tl.startApsAt) mk.appendChild(el('span', 'mark aps', 'secondary CPUs start here'));
      item.appendChild(mk);
      const label = [item.getAttribute('aria-label') || ''];
      if (row.type === 'step' && tl.startApsAt !== null && tl.startApsAt !== undefined && num(row.step.index, -1) === tl.startApsAt) label.push('the secondary CPUs start here');
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

  function gutter(bands, cols, i) {
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

  function marks(bands, i) {
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

  function stepTarget(s) {
    const uri = str(s.uri);
    return uri ? { uri, line: num(s.line, 0), column: num(s.column, 0) } : null;
  }

  function renderStepRow(role, s, level, prevState) {
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
    li.addEventListener('click', () => { focusItem(li); if (target) open(target); });
    items.set(key, { kind: 'step', open: target });
    return li;
  }

  function renderGroupRow(role, g) {
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
    const lastState = (g.steps[g.steps.length - 1] || {}).state;
    body.appendChild(el('span', 'hidden-count', g.steps.length + (g.steps.length === 1 ? ' step' : ' steps') + ' inside ' + (g.callee || 'the call') + (g.expanded ? '' : ' (collapsed)') + '; after the call:'));
    const line2 = el('span', 'line2');
    line2.appendChild(badges(lastState, null));
    if (file) line2.appendChild(el('span', 'loc', locText(file, line)));
    body.appendChild(line2);
    li.appendChild(body);
    const parts = stateParts(lastState);
    li.setAttribute('aria-label', (at ? 'Step ' + num(at.index, 0) + ': ' + str(at.text) : 'Call of ' + (g.callee || 'unknown function')) + (file ? ', ' + str(file) + ' line ' + (num(line, 0) + 1) : '') + ', ' + g.steps.length + (g.steps.length === 1 ? ' step inside' : ' steps inside') + (parts.length ? '. After the call: ' + parts.map((p) => p[3]).join(', ') : ''));
    const target = at ? stepTarget(at) : g.link && g.link.uri ? { uri: str(g.link.uri), line: num(g.link.line, 0), column: 0 } : null;
    const toggle = () => { view.expanded[g.key] = !g.expanded; if (!view.expanded[g.key]) delete view.expanded[g.key]; view.focus = g.key; save(); render(); };
    twisty.addEventListener('click', (e) => { e.stopPropagation(); toggle(); });
    li.addEventListener('click', () => { focusItem(li); if (target) open(target); });
    li.addEventListener('dblclick', toggle);
    items.set(g.key, { kind: 'group', open: target, toggle, expanded: g.expanded });
    return li;
  }

  function badges(state, prev) {
    const box = el('span', 'badges');
    const before = new Map(stateParts(prev).map((p) => [p[0], p[1]]));
    for (const [key, text, cls] of stateParts(state)) {
      const changed = prev !== null && prev !== undefined && before.get(key) !== text;
      box.appendChild(el('span', 'badge state-' + key + (cls ? ' ' + cls : '') + (changed ? ' changed' : ''), text));
    }
    return box;
  }

  // ---- keyboard navigation (tree pattern, roving tabindex) ----
  function treeItems() { return Array.from(content.querySelectorAll('[role="treeitem"]')); }
  function focusItem(li) {
    for (const e of treeItems()) { if (e !== li) { e.tabIndex = -1; e.removeAttribute('aria-selected'); } }
    li.tabIndex = 0;
    li.setAttribute('aria-selected', 'true');
    li.focus();
    view.focus = li.dataset.key || null;
    save();
  }
  function parentItem(li) {
    const level = Number(li.getAttribute('aria-level'));
    const all = treeItems();
    for (let i = all.indexOf(li) - 1; i >= 0; i--) if (Number(all[i].getAttribute('aria-level')) < level) return all[i];
    return null;
  }
  function onKey(e) {
    const li = e.target && e.target.closest ? e.target.closest('[role="treeitem"]') : null;
    if (!li) return;
    const all = treeItems();
    const i = all.indexOf(li);
    const info = items.get(li.dataset.key) || {};
    let handled = true;
    switch (e.key) {
      case 'ArrowDown': if (all[i + 1]) focusItem(all[i + 1]); break;
      case 'ArrowUp': if (all[i - 1]) focusItem(all[i - 1]); break;
      case 'Home': if (all[0]) focusItem(all[0]); break;
      case 'End': if (all.length) focusItem(all[all.length - 1]); break;
      case 'ArrowRight':
        if (info.toggle && !info.expanded) { view.focus = li.dataset.key; info.toggle(); refocus(); } else if (info.toggle && all[i + 1]) focusItem(all[i + 1]);
        break;
      case 'ArrowLeft':
        if (info.toggle && info.expanded) { view.focus = li.dataset.key; info.toggle(); refocus(); } else { const p = parentItem(li); if (p) focusItem(p); }
        break;
      case 'Enter':
        if (info.open) open(info.open); else if (info.toggle) { view.focus = li.dataset.key; info.toggle(); refocus(); }
        break;
      case ' ':
        if (info.toggle) { view.focus = li.dataset.key; info.toggle(); refocus(); } else if (info.open) open(info.open);
        break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  }
  function refocus() {
    const li = treeItems().find((e) => e.dataset.key === view.focus);
    if (li) focusItem(li);
  }

  function open(target) {
    vscode.postMessage({ type: 'open', uri: target.uri, line: target.line, column: target.column });
  }

  // ---- the editor's cursor ----
  function applyCursor(scroll) {
    let first = null;
    for (const e of content.querySelectorAll('.at-cursor')) { e.classList.remove('at-cursor'); e.removeAttribute('aria-current'); }
    if (!cursor || !data) return;
    const marked = new Set();
    for (const t of Array.isArray(data.timelines) ? data.timelines : []) {
      for (const s of t && Array.isArray(t.steps) ? t.steps : []) {
        if (!s || str(s.uri) !== cursor.uri || num(s.line, -1) !== cursor.line) continue;
        const key = str(t.role) + '/s' + num(s.index, 0);
        let li = treeItems().find((e) => e.dataset.key === key);
        if (!li) {
          // hidden in a collapsed group: mark the group's row
          li = treeItems().find((e) => e.classList.contains('group') && e.closest('.lane') && e.closest('.lane').dataset.key === 'lane/' + str(t.role) && groupHas(e.dataset.key, str(t.role), s));
        }
        if (li && !marked.has(li)) { marked.add(li); li.classList.add('at-cursor'); li.setAttribute('aria-current', 'location'); if (!first) first = li; }
      }
    }
    if (first && scroll && typeof first.scrollIntoView === 'function') first.scrollIntoView({ block: 'nearest' });
  }
  function groupHas(key, role, s) {
    const limit = view.depth === 'all' ? null : Number(view.depth);
    if (limit === null) return false;
    const t = data.timelines.find((x) => x && str(x.role) === role);
    const g = groupSteps(role, t && Array.isArray(t.steps) ? t.steps : [], limit).find((r) => r.type === 'group' && r.key === key);
    return !!g && (g.steps.includes(s) || g.callStep === s);
  }

  // ---- filters ----
  roleFilter.addEventListener('change', () => { view.role = roleFilter.value; save(); render(); });
  ruleFilter.addEventListener('change', () => { view.rule = ruleFilter.value; save(); render(); });
  depthFilter.addEventListener('change', () => { view.depth = depthFilter.value; save(); render(); });

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'data': {
        data = { roles: Array.isArray(m.roles) ? m.roles : [], timelines: Array.isArray(m.timelines) ? m.timelines : [] };
        render();
        const nw = data.timelines.reduce((n, t) => n + (t && Array.isArray(t.windows) ? t.windows.length : 0), 0);
        announce.textContent = 'Boot timeline updated: ' + data.roles.length + (data.roles.length === 1 ? ' role, ' : ' roles, ') + nw + (nw === 1 ? ' unsafe window.' : ' unsafe windows.');
        break;
      }
      case 'status':
        data = null;
        renderMessage(str(m.message), m.state === 'error');
        announce.textContent = str(m.message);
        break;
      case 'cursor':
        cursor = typeof m.uri === 'string' && typeof m.line === 'number' ? { uri: m.uri, line: m.line } : null;
        applyCursor(true);
        break;
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
