import * as path from 'node:path';
import { window, workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CMD, registerCommands } from './commands';
import { TimelinePanel, VIEW_ID } from './panel';
import { NOTE_TIMELINE_CHANGED, REQ_PROFILE, type ProfileInfo } from './protocol';
import { TraplineStatus } from './status';

let client: LanguageClient | undefined;

/** Thin client: start the bundled server over IPC; everything shown comes from it. */
export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'gas' }, { scheme: 'file', language: 'c' }],
    // the index is kept there between sessions (the extension's own storage, never the workspace)
    initializationOptions: { cacheDir: context.globalStorageUri.fsPath },
    synchronize: {
      // files changed on disk outside the editor (git checkout, a build) are analysed again
      fileEvents: [workspace.createFileSystemWatcher('**/*.{c,h,S,s,inc}'), workspace.createFileSystemWatcher('**/.trapline.json')],
    },
  };
  const lc = new LanguageClient('trapline', 'Trapline', serverOptions, clientOptions);
  client = lc;

  const status = new TraplineStatus(CMD.showTimeline);
  const panel = new TimelinePanel(context.extensionUri, client);
  context.subscriptions.push(status, panel, window.registerWebviewViewProvider(VIEW_ID, panel));
  registerCommands(context, client, status);
  context.subscriptions.push(client.onNotification(NOTE_TIMELINE_CHANGED, () => {
    status.analysed();
    panel.refresh();
    // which configuration the tree was read under, for the status bar's tooltip
    void lc.sendRequest<ProfileInfo | null>(REQ_PROFILE).then((p) => status.configured(p?.configuration ?? null), () => undefined);
  }));

  if (!workspace.workspaceFolders?.length) status.analysed(); // no folder: nothing to index
  try {
    await client.start();
  } catch (e) {
    status.failed(e instanceof Error ? e.message : String(e));
    throw e;
  }
  panel.refresh();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
