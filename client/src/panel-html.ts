/**
 * The Boot Timeline webview's page: a fixed shell with our one script and our stylesheet.
 * Pure (no `vscode` import) so the tests can load it from `out/panel-html.js`.
 *
 * Nothing from the workspace is ever put into this HTML. The timeline data reaches the page by
 * `postMessage` and the page's script (`client/src/webview/`, bundled into `dist/webview/panel.js`)
 * renders it with `textContent` and `setAttribute` only.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** a fresh nonce per page load, see `newNonce()` */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview/panel.js)` as a string */
  scriptUri: string;
  /** `webview.asWebviewUri(media/panel.css)` as a string */
  styleUri: string;
}

/** 128 random bits, base64 (the nonce-source grammar allows base64 and base64url). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The exact policy: nothing by default, our stylesheet and images from the webview's resource origin, one script by nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; script-src 'nonce-${nonce}'; img-src ${cspSource}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes a value for a double-quoted attribute or for text content. */
export function escapeHtml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Builds the page. Every interpolated value is escaped, even the ones VS Code gives us. */
export function buildPanelHtml(o: PanelHtmlOptions): string {
  const csp = escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce));
  const nonce = escapeHtml(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}" nonce="${nonce}">
<title>Boot Timeline</title>
</head>
<body>
<header class="toolbar" id="toolbar" hidden>
<label class="field">Role <select id="role-filter" aria-label="Show role"><option value="">All roles</option></select></label>
<label class="field">Rule <select id="rule-filter" aria-label="Show windows of rule"><option value="">All rules</option></select></label>
<label class="field">Calls <select id="depth-filter" aria-label="Collapse calls deeper than">
<option value="all">expanded</option><option value="0">depth 0</option><option value="1">depth 1</option><option value="2">depth 2</option><option value="3">depth 3</option><option value="4">depth 4</option>
</select></label>
</header>
<main id="content">
<p class="message" id="loading">Waiting for the Trapline language server…</p>
</main>
<p id="announce" class="sr-only" role="status" aria-live="polite"></p>
<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
