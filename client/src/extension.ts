import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** Thin client: start the bundled server over IPC; everything shown comes from it. */
export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'gas' }, { scheme: 'file', language: 'c' }],
    synchronize: {
      // files changed on disk outside the editor (git checkout, a build) are analysed again
      fileEvents: [workspace.createFileSystemWatcher('**/*.{c,h,S,s,inc}'), workspace.createFileSystemWatcher('**/.trapline.json')],
    },
  };
  client = new LanguageClient('trapline', 'Trapline', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
