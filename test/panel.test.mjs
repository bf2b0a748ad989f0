// The Boot Timeline webview: the page builder (out/panel-html.js, bundled from
// client/src/panel-html.ts) and the page's script (dist/webview/panel.js, bundled from
// client/src/webview/) run in a small DOM of our own (test/helpers/panel-page.mjs). Workspace
// strings must only ever become text: that DOM throws on any markup-parsing API, and records
// every element and attribute the script creates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FakeText, TAGS, page, st, hostileTimeline } from './helpers/panel-page.mjs';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { buildPanelHtml, contentSecurityPolicy, newNonce, escapeHtml } = await import(pathToFileURL(path.join(repo, 'out', 'panel-html.js')).href);
const panelCss = readFileSync(path.join(repo, 'media', 'panel.css'), 'utf8');

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  "' onmouseover='alert(1)",
  '</li></ul><iframe src="https://evil.example/"></iframe>',
  '&lt;b&gt;entity&amp;',
  '${alert(1)}`',
  'x'.repeat(20000),
];

// ---------------------------------------------------------------- the page builder

test('panel html: the CSP is exactly the policy, with the nonce', () => {
  assert.equal(contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123'),
    "default-src 'none'; style-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-abc123'; img-src https://file+.vscode-resource.vscode-cdn.net");
  const html = buildPanelHtml({ cspSource: 'vscode-webview://src', nonce: 'N0nce+/=', scriptUri: 'vscode-webview://src/dist/webview/panel.js', styleUri: 'vscode-webview://src/media/panel.css' });
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
  assert.equal(metas.length, 1, 'one CSP meta');
  assert.equal(metas[0][1], "default-src &#39;none&#39;; style-src vscode-webview://src; script-src &#39;nonce-N0nce+/=&#39;; img-src vscode-webview://src");
  // the CSP must come before anything that loads
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'));
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'));
});

test('panel html: one script, at the URI given, carrying the nonce; no inline code, handlers or remote resources', () => {
  const nonce = newNonce();
  const html = buildPanelHtml({ cspSource: 'vscode-webview://src', nonce, scriptUri: 'vscode-webview://src/dist/webview/panel.js', styleUri: 'vscode-webview://src/media/panel.css' });
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.equal(scripts[0][1], ` nonce="${nonce}" src="vscode-webview://src/dist/webview/panel.js"`);
  assert.equal(scripts[0][2], '', 'no inline script');
  assert.match(html, new RegExp(`<link rel="stylesheet" href="vscode-webview://src/media/panel.css" nonce="${nonce.replace(/[+/]/g, '\\$&')}">`));
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'no inline styles');
  assert.doesNotMatch(html, /<style/i);
  assert.doesNotMatch(html, /https?:\/\//, 'no remote resources');
  for (const id of ['content', 'toolbar', 'role-filter', 'rule-filter', 'depth-filter', 'announce']) assert.match(html, new RegExp(`id="${id}"`), `the script needs #${id}`);
});

test('panel html: a fresh 128-bit nonce per page', () => {
  const seen = new Set(Array.from({ length: 50 }, () => newNonce()));
  assert.equal(seen.size, 50);
  for (const n of seen) { assert.match(n, /^[A-Za-z0-9+/]+=*$/); assert.equal(Buffer.from(n, 'base64').length, 16); }
});

test('panel html: hostile values in every parameter stay inside their attribute', () => {
  const benign = buildPanelHtml({ cspSource: 'X', nonce: 'X', scriptUri: 'X', styleUri: 'X' });
  for (const h of HOSTILE) {
    const html = buildPanelHtml({ cspSource: h, nonce: h, scriptUri: h, styleUri: h });
    // the same markup as with a harmless value: the hostile one only ever sits where 'X' does, escaped
    assert.equal(html.split(escapeHtml(h)).join('X'), benign, h.slice(0, 40));
    assert.doesNotMatch(html, /<img|<iframe|<script>alert/i);
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
  }
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('panel css: theme variables only, nothing remote', () => {
  assert.doesNotMatch(panelCss, /url\(|@import|https?:/);
  assert.match(panelCss, /var\(--vscode-foreground\)/);
  assert.match(panelCss, /vscode-high-contrast/);
});

test('panel script: hostile workspace strings are only ever text', () => {
  for (const h of HOSTILE) {
    const p = page();
    assert.deepEqual(p.posted, [{ type: 'ready' }]);
    p.send({ type: 'data', ...hostileTimeline(h) });
    for (const e of p.doc.created) assert.ok(TAGS.has(e.tagName.toLowerCase()));
    const text = p.content.textContent;
    assert.ok(text.includes(`${h} op 0`), 'the operation text as written');
    assert.ok(text.includes(`${h}.S:1`), 'file:line, 1-based');
    // every text node holding the hostile string is a text node, never parsed
    const texts = []; const walk = (n) => { for (const c of n.childNodes) { if (c instanceof FakeText) texts.push(c.data); else walk(c); } }; walk(p.content);
    assert.ok(texts.some((t) => t === h), 'a name shown as is');
    assert.ok(p.items()[0].getAttribute('aria-label').includes(h));
    // unknown rule ids and severities do not become class names
    for (const e of p.doc.created) assert.ok(!e.className.includes(h), `class from data: ${e.className.slice(0, 60)}`);
    // the role filter lists the name as an option's text and value
    const opts = p.byId('role-filter').childNodes;
    assert.ok(opts.some((o) => o.value === h && o.textContent === h));
  }
});

test('panel script: lanes, rows, bands, badges and words for a screen reader', () => {
  const p = page();
  p.send({ type: 'data', ...hostileTimeline('r') });
  const items = p.items();
  assert.equal(items.length, 5, 'one lane + four steps');
  const [lane, s0, s1, s2, s3] = items;
  assert.equal(lane.getAttribute('aria-level'), '1');
  assert.equal(lane.getAttribute('aria-expanded'), 'true');
  assert.match(lane.getAttribute('aria-label'), /^CPU role r \(boot CPU\), entry r, 4 steps, 2 findings, 2 unsafe windows shown$/);
  assert.equal(s1.getAttribute('aria-level'), '3');
  assert.match(s0.getAttribute('aria-label'), /^Step 0: r op 0, r\.S line 1, in rfn\. After it: IDT r loaded, no TSS loaded, CR4\.MCE clear, interrupts disabled; opens TL001: r$/);
  assert.match(s1.getAttribute('aria-label'), /inside TL001$/);
  assert.match(s2.getAttribute('aria-label'), /closes TL001$/);
  assert.match(s3.getAttribute('aria-label'), /the secondary CPUs start here; r here: r$/);
  assert.deepEqual(s0.querySelectorAll('.band').map((b) => b.className), ['band col-0 start rule-TL001 sev-warning']);
  assert.deepEqual(s1.querySelectorAll('.band').map((b) => b.className), ['band col-0 mid rule-TL001 sev-warning']);
  assert.deepEqual(s2.querySelectorAll('.band').map((b) => b.className), ['band col-0 end rule-TL001 sev-warning']);
  assert.deepEqual(s3.querySelectorAll('.band').map((b) => b.className), ['band col-0 point rule-other']);
  assert.deepEqual(s0.querySelectorAll('.badge').map((b) => b.textContent), ['IDT r', 'no TSS', 'MCE off', 'IF off']);
  assert.equal(s0.querySelectorAll('.mark')[0].textContent, 'TL001r');
  assert.equal(p.toolbar.hidden, false);
});

test('panel script: code in a reason (backticks) is shown as code, still as text', () => {
  const p = page();
  const d = hostileTimeline('r');
  d.timelines[0].windows[0].reason = 'after `<img src=x onerror=alert(1)>` until `ltr sel`: bad';
  p.send({ type: 'data', ...d });
  const reason = p.content.querySelectorAll('.mark-reason')[0];
  assert.deepEqual(reason.childNodes.map((n) => [n.tagName ?? '#text', n.textContent]), [['#text', 'after '], ['CODE', '<img src=x onerror=alert(1)>'], ['#text', ' until '], ['CODE', 'ltr sel'], ['#text', ': bad']]);
});

test('panel script: critical regions and open-ended windows', () => {
  const p = page();
  const steps = [0, 1, 2].map((i) => ({ index: i, text: `s${i}`, kind: 'lidt', file: 'a.S', uri: 'file:///a.S', line: i, column: 0, depth: 0, chain: [], within: 'f', state: st({ idt: i ? 'empty' : 'none', cr4Mce: i === 2 ? 'may' : 'off' }) }));
  p.send({ type: 'data', roles: [{ name: 'bsp', entry: 'start', kind: 'bsp', steps: 3, findings: 2 }], timelines: [{ role: 'bsp', steps, windows: [
    { rule: 'TL100', reason: 'empty IDT', extent: 'window', openStep: 1, closeStep: 2, critical: true },
    { rule: 'TL002', reason: 'MCE', extent: 'window', openStep: 2, closeStep: null, critical: false },
  ] }] });
  const [, , s1, s2] = p.items();
  assert.match(s1.getAttribute('aria-label'), /opens critical region TL100: empty IDT$/);
  assert.equal(s1.querySelectorAll('.mark')[0].textContent, 'TL100 critical regionempty IDT');
  assert.ok(s1.querySelectorAll('.band')[0].classList.contains('critical'));
  assert.ok(s2.querySelectorAll('.mark').some((m) => m.textContent === 'TL002 still open at the end of the path'));
  assert.equal(s2.querySelectorAll('.band').length, 2, 'two overlapping bands in two columns');
  assert.deepEqual(s2.querySelectorAll('.band').map((b) => b.className.split(' ')[1]).sort(), ['col-0', 'col-1']);
  assert.deepEqual(s2.querySelectorAll('.badge').filter((b) => b.classList.contains('changed')).map((b) => b.textContent), ['MCE may']);
});

test('panel script: click and Enter open the step; arrows move; Left goes to the lane', () => {
  const p = page();
  p.send({ type: 'data', ...hostileTimeline('r') });
  let [lane, s0, s1] = p.items();
  assert.equal(lane.tabIndex, 0, 'roving tabindex starts on the first item');
  s1.click();
  assert.deepEqual(p.posted.at(-1), { type: 'open', uri: 'file:///ws/r.S', line: 1, column: 0 });
  assert.equal(p.doc.activeElement, s1);
  assert.equal(s1.tabIndex, 0);
  assert.equal(s0.tabIndex, -1);
  s1.dispatch('keydown', { key: 'ArrowUp' });
  assert.equal(p.doc.activeElement, s0);
  s0.dispatch('keydown', { key: 'Enter' });
  assert.deepEqual(p.posted.at(-1), { type: 'open', uri: 'file:///ws/r.S', line: 0, column: 0 });
  s0.dispatch('keydown', { key: 'ArrowLeft' });
  assert.equal(p.doc.activeElement, lane);
  lane.dispatch('keydown', { key: 'ArrowLeft' });
  assert.equal(p.items().length, 1, 'the lane collapsed');
  assert.equal(p.items()[0].getAttribute('aria-expanded'), 'false');
  p.items()[0].dispatch('keydown', { key: 'ArrowRight' });
  assert.equal(p.items().length, 5);
  p.items()[0].dispatch('keydown', { key: 'End' });
  assert.equal(p.doc.activeElement, p.items()[4]);
});

test('panel script: calls deeper than the limit fold under their caller', () => {
  const p = page();
  const S = (index, depth, o = {}) => ({ index, text: `t${index}`, kind: 'gate', file: 'c.c', uri: 'file:///c.c', line: index, column: 0, depth, chain: [], within: 'main', state: st({ iflag: index >= 3 }), ...o });
  const steps = [
    S(0, 0),
    S(1, 0, { kind: 'call', callee: 'trap_init', text: 'trap_init()', line: 10 }),
    S(2, 1, { within: 'trap_init', chain: [{ symbol: 'main', file: 'c.c', line: 10 }] }),
    S(3, 1, { within: 'trap_init', chain: [{ symbol: 'main', file: 'c.c', line: 10 }] }),
    S(4, 1, { within: 'other', chain: [{ symbol: 'main', file: 'c.c', line: 20 }] }),
    S(5, 0),
  ];
  p.send({ type: 'data', roles: [{ name: 'bsp', entry: 'main', kind: 'bsp', steps: 6, findings: 1 }], timelines: [{ role: 'bsp', steps, windows: [{ rule: 'TL006', reason: 'sti', extent: 'window', openStep: 3, closeStep: 5, critical: false }] }] });
  assert.equal(p.items().length, 7);
  const depth = p.byId('depth-filter');
  depth.value = '0';
  depth.dispatch('change');
  const rows = p.items();
  assert.equal(rows.length, 5, 'lane, t0, trap_init() with 2 inside, call other with 1 inside, t5');
  const [, , call, other] = rows;
  assert.equal(call.getAttribute('aria-expanded'), 'false');
  assert.match(call.getAttribute('aria-label'), /^Step 1: trap_init\(\), c\.c line 11, 2 steps inside\. After the call: no IDT loaded, no TSS loaded, CR4\.MCE clear, interrupts enabled; opens TL006: sti$/);
  assert.match(other.getAttribute('aria-label'), /^Call of other, c\.c line 21, 1 step inside/);
  // the editor's cursor on a hidden step marks its group row
  p.send({ type: 'cursor', uri: 'file:///c.c', line: 3 });
  assert.deepEqual(p.items().filter((e) => e.classList.contains('at-cursor')), [call]);
  assert.equal(call.getAttribute('aria-current'), 'location');
  call.dispatch('keydown', { key: 'ArrowRight' });
  assert.equal(p.items().length, 7);
  assert.equal(p.items()[2].getAttribute('aria-expanded'), 'true');
  assert.ok(p.items()[4].classList.contains('at-cursor'), 'expanded: the step itself');
  // Enter on the call row opens the call site
  p.items()[2].dispatch('keydown', { key: 'Enter' });
  assert.deepEqual(p.posted.at(-1), { type: 'open', uri: 'file:///c.c', line: 10, column: 0 });
});

test('panel script: role and rule filters', () => {
  const p = page();
  const two = hostileTimeline('a');
  const b = hostileTimeline('b');
  two.roles.push(...b.roles); two.timelines.push(...b.timelines);
  p.send({ type: 'data', ...two });
  assert.equal(p.items().filter((e) => e.getAttribute('aria-level') === '1').length, 2);
  const role = p.byId('role-filter');
  role.value = 'b'; role.dispatch('change');
  assert.deepEqual(p.items().filter((e) => e.getAttribute('aria-level') === '1').map((e) => e.dataset.key), ['lane/b']);
  const rule = p.byId('rule-filter');
  assert.deepEqual(rule.childNodes.map((o) => o.value), ['', 'TL001', 'a', 'b']);
  rule.value = 'TL001'; rule.dispatch('change');
  assert.equal(p.content.querySelectorAll('.band').length, 3, 'the point finding of another rule is hidden');
});

test('panel script: empty states say why and offer to create .trapline.json', () => {
  let p = page();
  p.send({ type: 'data', roles: [], timelines: [] });
  assert.match(p.content.textContent, /No CPU roles found/);
  assert.match(p.content.textContent, /\.trapline\.json/);
  const button = p.content.querySelectorAll('button')[0];
  assert.equal(button.textContent, 'Create .trapline.json');
  button.click();
  assert.deepEqual(p.posted.at(-1), { type: 'createConfig' });
  assert.equal(p.toolbar.hidden, true);

  p = page();
  p.send({ type: 'data', roles: [{ name: '<b>bsp</b>', entry: null, kind: 'bsp', steps: 0, findings: 0 }], timelines: [] });
  assert.match(p.content.textContent, /No boot code found/);
  assert.match(p.content.textContent, /<b>bsp<\/b>: no entry symbol of this role is defined in the workspace/);

  p = page();
  p.send({ type: 'status', state: 'error', message: '<img src=x onerror=alert(1)>' });
  assert.equal(p.content.querySelectorAll('p')[0].textContent, '<img src=x onerror=alert(1)>');
  p.content.querySelectorAll('button')[0].click();
  assert.deepEqual(p.posted.at(-1), { type: 'reanalyze' });
});

test('panel script: real timelines of examples/boot-hazards render every step', async () => {
  const api = await import(pathToFileURL(path.join(repo, 'out', 'api.js')).href);
  if (!api.timeline) return; // the timeline layer is not in this build
  const a = await api.analyze(path.join(repo, 'examples', 'boot-hazards'), { wasmDir: path.join(repo, 'dist') });
  const roles = api.timeline.roles(a);
  const timelines = roles.map((r) => api.timeline.timeline(a, r.name));
  const p = page();
  p.send({ type: 'data', roles, timelines });
  const steps = timelines.reduce((n, t) => n + t.steps.length, 0);
  assert.equal(p.items().length, roles.length + steps);
  const windows = timelines.reduce((n, t) => n + t.windows.length, 0);
  assert.equal(p.content.querySelectorAll('.mark').filter((m) => /\b(opens|point)\b/.test(m.className)).length, windows);
  assert.ok(p.content.querySelectorAll('.band').some((b) => b.classList.contains('critical')), 'the TL100 critical region');
  const depth = p.byId('depth-filter');
  depth.value = '1'; depth.dispatch('change');
  assert.ok(p.items().length < roles.length + steps);
  a.index.dispose?.();
});
