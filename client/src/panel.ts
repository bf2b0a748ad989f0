import {
  Disposable, Range, Uri, ViewColumn, commands, window, workspace,
  type CancellationToken, type TextEditor, type Webview, type WebviewView, type WebviewViewProvider, type WebviewViewResolveContext,
} from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { buildPanelHtml, newNonce } from './panel-html';
import { METHOD_NOT_FOUND, REQ_ROLES, REQ_TIMELINE, type RoleInfo, type Timeline } from './protocol';

export const VIEW_ID = 'trapline.timeline';

type Outgoing =
  | { type: 'data'; roles: RoleInfo[]; timelines: Timeline[] }
  | { type: 'status'; state: 'waiting' | 'error' | 'no-folder'; message: string }
  | { type: 'cursor'; uri: string | null; line: number | null };

/**
 * The Boot Timeline webview view. It asks the server for the roles and their timelines, hands
 * them to the page's script (`dist/webview/panel.js`, bundled from `client/src/webview/`), opens
 * the locations the page asks for, and tells the page where the editor's cursor is.
 */
export class TimelinePanel implements WebviewViewProvider, Disposable {
  private view: WebviewView | undefined;
  private last: Outgoing | undefined;
  /** URIs the page may ask to open: the ones we sent it. */
  private known = new Set<string>();
  private stale = true;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: Disposable[] = [];

  constructor(private readonly extensionUri: Uri, private readonly client: LanguageClient) {
    this.subscriptions.push(
      window.onDidChangeTextEditorSelection((e) => this.sendCursor(e.textEditor)),
      window.onDidChangeActiveTextEditor((e) => this.sendCursor(e)),
    );
  }

  resolveWebviewView(view: WebviewView, _context: WebviewViewResolveContext, _token: CancellationToken): void {
    this.view = view;
    const media = Uri.joinPath(this.extensionUri, 'media');
    const script = Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [media, script] };
    view.webview.html = this.html(view.webview, media, script);
    const own: Disposable[] = [
      view.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      view.onDidChangeVisibility(() => { if (view.visible && this.stale) this.refresh(); }),
    ];
    view.onDidDispose(() => {
      for (const d of own.splice(0)) d.dispose();
      if (this.view === view) { this.view = undefined; this.stale = true; }
    });
  }

  private html(webview: Webview, media: Uri, script: Uri): string {
    return buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(Uri.joinPath(script, 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(Uri.joinPath(media, 'panel.css')).toString(),
    });
  }

  /** The analysis changed (or the page asked): fetch again, debounced; only while the view is shown. */
  refresh(): void {
    this.stale = true;
    if (!this.view?.visible) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.load(); }, 50);
  }

  private async load(): Promise<void> {
    const mine = ++this.generation;
    if (!workspace.workspaceFolders?.length) {
      this.post({ type: 'status', state: 'no-folder', message: 'Open a folder with boot code (C and GNU assembler) to see its boot timeline.' });
      return;
    }
    if (this.client.state !== State.Running) {
      this.post({ type: 'status', state: 'waiting', message: 'Waiting for the Trapline language server…' });
      return; // the first trapline/timelineChanged refreshes
    }
    try {
      const roles = await this.client.sendRequest<RoleInfo[] | null>(REQ_ROLES);
      if (mine !== this.generation) return;
      if (roles === null) {
        // no analysis has finished yet: the first trapline/timelineChanged refreshes
        this.post({ type: 'status', state: 'waiting', message: 'Trapline is indexing the workspace…' });
        return;
      }
      const timelines = await Promise.all(roles.filter((r) => r.entry && r.steps > 0).map((r) => this.client.sendRequest<Timeline | null>(REQ_TIMELINE, { role: r.name })));
      if (mine !== this.generation) return;
      this.stale = false;
      this.post(this.normalise(roles, timelines.filter((t): t is Timeline => !!t)));
      this.sendCursor(window.activeTextEditor);
    } catch (e) {
      if (mine !== this.generation) return;
      const code = (e as { code?: number }).code;
      const message = code === METHOD_NOT_FOUND
        ? 'This Trapline language server does not provide the boot timeline (trapline/roles, trapline/timeline).'
        : `Trapline could not load the boot timeline: ${e instanceof Error ? e.message : String(e)}`;
      this.post({ type: 'status', state: 'error', message });
    }
  }

  /** URIs as VS Code spells them (so the cursor matches), chain links with their URIs. */
  private normalise(roles: RoleInfo[], timelines: Timeline[]): Outgoing {
    this.known.clear();
    const root = workspace.workspaceFolders?.[0]?.uri;
    const spell = (u: string): string => { try { return Uri.parse(u, true).toString(); } catch { return ''; } };
    for (const t of timelines) {
      for (const s of t.steps ?? []) {
        s.uri = spell(s.uri);
        if (s.uri) this.known.add(s.uri);
        for (const c of s.chain ?? []) {
          if (root && typeof c.file === 'string') { c.uri = Uri.joinPath(root, ...c.file.split('/')).toString(); this.known.add(c.uri); }
        }
      }
    }
    return { type: 'data', roles, timelines };
  }

  private post(m: Outgoing): void {
    if (m.type !== 'cursor') this.last = m;
    void this.view?.webview.postMessage(m);
  }

  private sendCursor(editor: TextEditor | undefined): void {
    if (!this.view?.visible) return;
    if (!editor) { this.post({ type: 'cursor', uri: null, line: null }); return; }
    this.post({ type: 'cursor', uri: editor.document.uri.toString(), line: editor.selection.active.line });
  }

  private onMessage(m: unknown): void {
    if (!m || typeof m !== 'object') return;
    const msg = m as Record<string, unknown>;
    switch (msg.type) {
      case 'ready':
        if (this.last && !this.stale) { void this.view?.webview.postMessage(this.last); this.sendCursor(window.activeTextEditor); } else this.refresh();
        break;
      case 'open':
        if (typeof msg.uri === 'string' && this.known.has(msg.uri) && Number.isInteger(msg.line) && (msg.line as number) >= 0) {
          void this.open(Uri.parse(msg.uri, true), msg.line as number, Number.isInteger(msg.column) && (msg.column as number) >= 0 ? (msg.column as number) : 0);
        }
        break;
      case 'createConfig':
        void commands.executeCommand('trapline.createConfig');
        break;
      case 'reanalyze':
        void commands.executeCommand('trapline.reanalyze');
        break;
    }
  }

  private async open(uri: Uri, line: number, column: number): Promise<void> {
    try {
      const pos = new Range(line, column, line, column);
      const visible = window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      await window.showTextDocument(uri, { selection: pos, preview: true, preserveFocus: false, viewColumn: visible?.viewColumn ?? ViewColumn.Active });
    } catch (e) {
      void window.showErrorMessage(`Trapline: cannot open ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
