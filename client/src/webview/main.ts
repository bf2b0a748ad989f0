// The Boot Timeline webview's script (bundled into dist/webview/panel.js, loaded by nonce).
//
// Data arrives from the extension by postMessage. Every string from the workspace (symbols,
// file names, operation text, reasons) is written with textContent or setAttribute: nothing here
// parses markup (no innerHTML, insertAdjacentHTML, outerHTML, document.write, eval).
//
// Messages in:  {type:'data', roles, timelines}  {type:'status', state, message}
//               {type:'cursor', uri, line}
// Messages out: {type:'ready'}  {type:'open', uri, line, column}  {type:'createConfig'}
//               {type:'reanalyze'}
import { str, type Data } from './data';
import { loadView, type Outgoing, type Page, type View } from './page';
import { render, renderMessage } from './render';
import { applyCursor } from './cursor';

interface VsCodeApi { postMessage(m: Outgoing): void; getState(): unknown; setState(s: View): void }
declare function acquireVsCodeApi(): VsCodeApi;

function part<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the Boot Timeline page has no #${id}`);
  return e as T;
}

const vscode = acquireVsCodeApi();
const page: Page = {
  view: loadView(vscode.getState()),
  data: null,
  cursor: null,
  items: new Map(),
  content: part('content'),
  toolbar: part('toolbar'),
  roleFilter: part<HTMLSelectElement>('role-filter'),
  ruleFilter: part<HTMLSelectElement>('rule-filter'),
  depthFilter: part<HTMLSelectElement>('depth-filter'),
  announce: part('announce'),
  post: (m) => vscode.postMessage(m),
  save: () => {
    const { role, rule, depth, expanded, collapsedLanes, focus } = page.view;
    vscode.setState({ role, rule, depth, expanded, collapsedLanes, focus });
  },
  render: () => render(page),
};

const { view, roleFilter, ruleFilter, depthFilter, announce } = page;
roleFilter.addEventListener('change', () => { view.role = roleFilter.value; page.save(); page.render(); });
ruleFilter.addEventListener('change', () => { view.rule = ruleFilter.value; page.save(); page.render(); });
depthFilter.addEventListener('change', () => { view.depth = depthFilter.value; page.save(); page.render(); });

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const m = ev.data as { type?: unknown; roles?: unknown; timelines?: unknown; state?: unknown; message?: unknown; uri?: unknown; line?: unknown } | null;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'data': {
      const data: Data = { roles: Array.isArray(m.roles) ? m.roles : [], timelines: Array.isArray(m.timelines) ? m.timelines : [] };
      page.data = data;
      page.render();
      const nw = data.timelines.reduce((n, t) => n + (t && Array.isArray(t.windows) ? t.windows.length : 0), 0);
      announce.textContent = 'Boot timeline updated: ' + data.roles.length + (data.roles.length === 1 ? ' role, ' : ' roles, ') + nw + (nw === 1 ? ' unsafe window.' : ' unsafe windows.');
      break;
    }
    case 'status':
      page.data = null;
      renderMessage(page, str(m.message), m.state === 'error');
      announce.textContent = str(m.message);
      break;
    case 'cursor':
      page.cursor = typeof m.uri === 'string' && typeof m.line === 'number' ? { uri: m.uri, line: m.line } : null;
      applyCursor(page, true);
      break;
  }
});
page.post({ type: 'ready' });
