// The Boot Timeline page's script (dist/webview/panel.js, bundled from client/src/webview/ by
// `node scripts/build.mjs`) in a small DOM of our own, for test/panel.test.mjs and
// test/reliability-config.test.mjs: the DOM throws on any markup-parsing API, and records every
// element and attribute the script creates.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const panelJs = readFileSync(path.join(repo, 'dist', 'webview', 'panel.js'), 'utf8');

export class FakeNode {
  constructor(doc) { this.ownerDocument = doc; this.childNodes = []; this.parentNode = null; }
  get firstChild() { return this.childNodes[0] ?? null; }
  appendChild(n) { if (n.parentNode) n.parentNode.removeChild(n); n.parentNode = this; this.childNodes.push(n); return n; }
  removeChild(n) { const i = this.childNodes.indexOf(n); if (i >= 0) this.childNodes.splice(i, 1); n.parentNode = null; return n; }
  contains(n) { for (let x = n; x; x = x.parentNode) if (x === this) return true; return false; }
  get textContent() { return this.childNodes.map((c) => c.textContent).join(''); }
  set textContent(v) { for (const c of this.childNodes) c.parentNode = null; this.childNodes = []; if (v !== '') this.appendChild(new FakeText(this.ownerDocument, String(v))); }
}
export class FakeText extends FakeNode {
  constructor(doc, data) { super(doc); this.data = data; }
  get textContent() { return this.data; }
}
export const TAGS = new Set(['code', 'div', 'span', 'ul', 'li', 'p', 'h2', 'pre', 'button', 'option', 'section', 'select', 'header', 'main', 'label']);
const ATTRS = new Set(['role', 'aria-label', 'aria-level', 'aria-expanded', 'aria-selected', 'aria-current', 'aria-hidden', 'aria-labelledby']);
class FakeElement extends FakeNode {
  constructor(doc, tag) {
    super(doc);
    if (!TAGS.has(tag)) throw new Error(`unexpected element <${tag}>`);
    this.tagName = tag.toUpperCase(); this.attributes = new Map(); this.listeners = new Map(); this.dataset = {};
    this.className = ''; this.id = ''; this.hidden = false; this.tabIndex = -1; this.title = ''; this.type = ''; this._value = '';
    doc.created.push(this);
  }
  get classList() {
    const self = this;
    const list = () => self.className.split(/\s+/).filter(Boolean);
    return { add: (c) => { if (!list().includes(c)) self.className = [...list(), c].join(' '); }, remove: (c) => { self.className = list().filter((x) => x !== c).join(' '); }, contains: (c) => list().includes(c) };
  }
  setAttribute(k, v) { if (!ATTRS.has(k)) throw new Error(`unexpected attribute ${k}`); this.attributes.set(k, String(v)); }
  getAttribute(k) { return this.attributes.has(k) ? this.attributes.get(k) : null; }
  removeAttribute(k) { this.attributes.delete(k); }
  addEventListener(type, fn) { const l = this.listeners.get(type) ?? []; l.push(fn); this.listeners.set(type, l); }
  dispatch(type, init = {}) {
    const ev = { type, target: init.target ?? this, key: init.key, defaultPrevented: false, propagationStopped: false, preventDefault() { this.defaultPrevented = true; }, stopPropagation() { this.propagationStopped = true; } };
    for (let n = this; n && !ev.propagationStopped; n = n.parentNode) for (const fn of n.listeners?.get(type) ?? []) fn(ev);
    return ev;
  }
  click() { return this.dispatch('click'); }
  focus() { this.ownerDocument.activeElement = this; }
  scrollIntoView() { this.ownerDocument.scrolled.push(this); }
  get value() { return this.tagName === 'SELECT' ? this._value : this._value; }
  set value(v) {
    if (this.tagName === 'SELECT') { const o = this.childNodes.find((c) => c.value === String(v)); this._value = o ? o.value : (this.childNodes[0]?.value ?? ''); } else this._value = String(v);
  }
  matches(sel) {
    const m = /^\[([a-z-]+)="([^"]*)"\]$/.exec(sel);
    if (m) return this.getAttribute(m[1]) === m[2];
    if (sel.startsWith('.')) return this.classList.contains(sel.slice(1));
    if (sel.startsWith('#')) return this.id === sel.slice(1);
    return this.tagName === sel.toUpperCase();
  }
  closest(sel) { for (let n = this; n instanceof FakeElement; n = n.parentNode) if (n.matches(sel)) return n; return null; }
  querySelectorAll(sel) { const out = []; const walk = (n) => { for (const c of n.childNodes) if (c instanceof FakeElement) { if (c.matches(sel)) out.push(c); walk(c); } }; walk(this); return out; }
}
for (const k of ['innerHTML', 'outerHTML']) Object.defineProperty(FakeElement.prototype, k, { get() { throw new Error(`${k} read`); }, set() { throw new Error(`${k} written`); } });
FakeElement.prototype.insertAdjacentHTML = () => { throw new Error('insertAdjacentHTML'); };

/** The page's shell (as buildPanelHtml writes it) and the script running in it. */
export function page() {
  const doc = { created: [], scrolled: [], activeElement: null };
  doc.createElement = (tag) => new FakeElement(doc, String(tag).toLowerCase());
  doc.createTextNode = (t) => new FakeText(doc, String(t));
  doc.write = () => { throw new Error('document.write'); };
  const body = new FakeElement(doc, 'div');
  const mk = (tag, id, parent = body) => { const e = doc.createElement(tag); e.id = id; parent.appendChild(e); return e; };
  const toolbar = mk('header', 'toolbar'); toolbar.hidden = true;
  for (const id of ['role-filter', 'rule-filter']) { const s = mk('select', id, toolbar); const o = doc.createElement('option'); o.value = ''; s.appendChild(o); }
  const depth = mk('select', 'depth-filter', toolbar);
  for (const v of ['all', '0', '1', '2', '3', '4']) { const o = doc.createElement('option'); o.value = v; depth.appendChild(o); }
  depth.value = 'all';
  const content = mk('main', 'content');
  mk('p', 'announce');
  doc.getElementById = (id) => (id === 'content' ? content : body.querySelectorAll(`#${id}`)[0] ?? null);
  doc.created.length = 0;
  const posted = [];
  let state;
  const listeners = [];
  const window = { addEventListener: (t, fn) => { if (t === 'message') listeners.push(fn); } };
  const ctx = vm.createContext({
    acquireVsCodeApi: () => ({ postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))), getState: () => state, setState: (s) => { state = JSON.parse(JSON.stringify(s)); } }),
    document: doc, window, console,
  });
  vm.runInContext(panelJs, ctx, { filename: 'dist/webview/panel.js' });
  const send = (m) => { for (const fn of listeners) fn({ data: m }); };
  return { doc, body, content, toolbar, posted, send, items: () => content.querySelectorAll('[role="treeitem"]'), byId: (id) => doc.getElementById(id) };
}

export const st = (o = {}) => ({ idt: 'none', tss: false, istSlots: [], cr4Mce: 'off', fred: false, iflag: false, initFreed: false, ...o });
export function hostileTimeline(h) {
  const uri = 'file:///ws/' + encodeURIComponent(h) + '.S';
  const step = (index, depth, o = {}) => ({ index, text: `${h} op ${index}`, kind: 'lidt', file: `${h}.S`, uri, line: index, column: 0, depth, chain: Array.from({ length: depth }, (_, k) => ({ symbol: `${h}caller${k}`, file: `${h}.c`, line: 100 + k })), within: `${h}fn`, state: st({ idt: 'table', idtTable: h }), ...o });
  return {
    roles: [{ name: h, entry: h, kind: 'bsp', steps: 4, findings: 2 }],
    timelines: [{ role: h, startApsAt: 3, steps: [step(0, 0), step(1, 1), step(2, 1), step(3, 0, { kind: 'start-aps' })], windows: [
      { rule: 'TL001', severity: 'warning', reason: h, extent: 'window', openStep: 0, closeStep: 2, critical: false },
      { rule: h, severity: h, reason: h, extent: 'point', openStep: 3, closeStep: null, critical: false },
    ] }],
  };
}
