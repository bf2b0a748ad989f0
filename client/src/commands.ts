import { execFile } from 'node:child_process';
import {
  CodeAction, CodeActionKind, ProgressLocation, Uri, type Range, commands, env, languages, window, workspace,
  type CodeActionContext, type CodeActionProvider, type Diagnostic, type ExtensionContext, type TextDocument, type WorkspaceFolder,
} from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { VIEW_ID } from './panel';
import { DOCS_BASE, REQ_PROFILE, REQ_REANALYZE, REQ_ROLES, RULES, type RoleInfo } from './protocol';
import type { TraplineStatus } from './status';

export const CMD = {
  showTimeline: 'trapline.showTimeline',
  reanalyze: 'trapline.reanalyze',
  exportSarif: 'trapline.exportSarif',
  openRuleDocs: 'trapline.openRuleDocs',
  createConfig: 'trapline.createConfig',
} as const;

const CONFIG_FILE = '.trapline.json';

/** The palette commands, and the code action that opens a diagnostic's rule page. */
export function registerCommands(context: ExtensionContext, client: LanguageClient, status: TraplineStatus): void {
  context.subscriptions.push(
    commands.registerCommand(CMD.showTimeline, () => commands.executeCommand(`${VIEW_ID}.focus`)),
    commands.registerCommand(CMD.reanalyze, () => reanalyze(client, status)),
    commands.registerCommand(CMD.exportSarif, (folder?: Uri) => exportSarif(context, folder)),
    commands.registerCommand(CMD.openRuleDocs, (arg?: unknown, href?: unknown) => openRuleDocs(arg, href)),
    commands.registerCommand(CMD.createConfig, () => createConfig(client)),
    languages.registerCodeActionsProvider([{ scheme: 'file', language: 'gas' }, { scheme: 'file', language: 'c' }], new RuleDocsActions(), { providedCodeActionKinds: [RuleDocsActions.kind] }),
  );
}

async function running(client: LanguageClient): Promise<boolean> {
  if (client.state === State.Running) return true;
  void window.showWarningMessage('Trapline: the language server is not running yet.');
  return false;
}

async function reanalyze(client: LanguageClient, status: TraplineStatus): Promise<void> {
  if (!(await running(client))) return;
  status.reanalysing();
  await client.sendRequest(REQ_REANALYZE).catch((e: unknown) => {
    status.analysed();
    void window.showErrorMessage(`Trapline: re-analysis failed: ${e instanceof Error ? e.message : String(e)}`);
  });
}

// ---- Export SARIF ----

async function pickFolder(hint?: Uri): Promise<WorkspaceFolder | undefined> {
  const folders = workspace.workspaceFolders ?? [];
  if (hint) { const f = workspace.getWorkspaceFolder(hint); if (f) return f; }
  if (folders.length <= 1) return folders[0];
  return window.showWorkspaceFolderPick({ placeHolder: 'Folder to check' });
}

/** `node dist/cli.js check <folder> --format sarif --output <file>` with the extension host's own runtime. */
async function exportSarif(context: ExtensionContext, hint?: Uri): Promise<void> {
  const folder = await pickFolder(hint instanceof Uri ? hint : undefined);
  if (!folder || folder.uri.scheme !== 'file') {
    void window.showWarningMessage('Trapline: open a local folder to export a SARIF report.');
    return;
  }
  const target = await window.showSaveDialog({
    title: 'Export Trapline findings as SARIF',
    defaultUri: Uri.joinPath(folder.uri, 'trapline.sarif'),
    filters: { SARIF: ['sarif', 'json'] },
    saveLabel: 'Export',
  });
  if (!target) return;
  if (target.scheme !== 'file') { void window.showErrorMessage('Trapline: choose a file on this machine for the SARIF report.'); return; }
  if (workspace.textDocuments.some((d) => d.isDirty && workspace.getWorkspaceFolder(d.uri) === folder)) {
    void window.showInformationMessage('Trapline: the SARIF report is made from the files on disk; unsaved editor changes are not in it.');
  }
  const cli = context.asAbsolutePath('dist/cli.js');
  const args = [cli, 'check', folder.uri.fsPath, '--format', 'sarif', '--output', target.fsPath];
  const result = await window.withProgress({ location: ProgressLocation.Notification, title: 'Trapline: exporting SARIF…' }, () => runNode(args, folder.uri.fsPath));
  // 0: no warnings, 1: warnings found; both wrote the report
  if (result.code === 0 || result.code === 1) {
    const pick = await window.showInformationMessage(`Trapline: SARIF report written to ${target.fsPath}.`, 'Open');
    if (pick === 'Open') await window.showTextDocument(target);
  } else {
    void window.showErrorMessage(`Trapline: SARIF export failed (exit ${result.code ?? 'signal'}): ${result.stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}`);
  }
}

/**
 * Runs a script with the extension host's runtime: VS Code's is Electron, which acts as Node with
 * ELECTRON_RUN_AS_NODE=1; code-server's is Node, which ignores the variable.
 */
function runNode(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, _stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stderr: String(stderr ?? (err?.message ?? '')) });
    });
  });
}

// ---- Rule documentation ----

function ruleOf(arg: unknown): { id: string; href?: string } | undefined {
  if (typeof arg === 'string' && /^TL\d{3}$/.test(arg)) return { id: arg };
  if (arg && typeof arg === 'object') {
    const o = arg as { code?: unknown; codeDescription?: { href?: unknown }; rule?: unknown; href?: unknown };
    const code = typeof o.rule === 'string' ? o.rule : typeof o.code === 'string' ? o.code : o.code && typeof o.code === 'object' ? (o.code as { value?: unknown }).value : undefined;
    const target = typeof o.href === 'string' ? o.href : o.code && typeof o.code === 'object' ? String((o.code as { target?: unknown }).target ?? '') : undefined;
    if (typeof code === 'string' && /^TL\d{3}$/.test(code)) return { id: code, href: target || undefined };
  }
  return undefined;
}

async function openRuleDocs(arg?: unknown, href?: unknown): Promise<void> {
  let rule = ruleOf(arg);
  if (rule && typeof href === 'string') rule.href = href;
  if (!rule) {
    const counts = new Map<string, number>();
    for (const [, list] of languages.getDiagnostics()) for (const d of list) { const r = d.source === 'trapline' ? ruleOf(d) : undefined; if (r) counts.set(r.id, (counts.get(r.id) ?? 0) + 1); }
    const pick = await window.showQuickPick(RULES.map((r) => ({ label: r.id, description: r.name, detail: counts.get(r.id) ? `${counts.get(r.id)} in this workspace` : undefined })), { placeHolder: 'Open the documentation of a Trapline rule' });
    if (!pick) return;
    rule = { id: pick.label };
  }
  const link = rule.href && /^https:\/\//.test(rule.href) ? rule.href : `${DOCS_BASE}${rule.id}.md`;
  await env.openExternal(Uri.parse(link, true));
}

/** "Open TLxxx documentation" on each Trapline diagnostic under the cursor (a quick fix sub-kind, as ESLint's "show documentation", so Ctrl+. lists it). */
class RuleDocsActions implements CodeActionProvider {
  static readonly kind = CodeActionKind.QuickFix.append('trapline').append('ruleDocs');
  provideCodeActions(doc: TextDocument, range: Range, context: CodeActionContext): CodeAction[] {
    const seen = new Set<string>();
    const out: CodeAction[] = [];
    // the diagnostics at the cursor, or else (the cursor elsewhere on their lines) those of the lines
    const here = context.diagnostics.length > 0 ? context.diagnostics
      : languages.getDiagnostics(doc.uri).filter((d) => d.range.start.line <= range.end.line && d.range.end.line >= range.start.line);
    for (const d of here as readonly Diagnostic[]) {
      if (d.source !== 'trapline') continue;
      const rule = ruleOf(d);
      if (!rule || seen.has(rule.id)) continue;
      seen.add(rule.id);
      const a = new CodeAction(`Open ${rule.id} documentation`, RuleDocsActions.kind);
      a.command = { title: a.title, command: CMD.openRuleDocs, arguments: [rule.id, rule.href] };
      // no `diagnostics`: VS Code lists actions that carry them first, and the server's fixes should come first
      out.push(a);
    }
    return out;
  }
}

// ---- Create .trapline.json ----

async function createConfig(client: LanguageClient): Promise<void> {
  const folder = await pickFolder(window.activeTextEditor?.document.uri);
  if (!folder) { void window.showWarningMessage('Trapline: open a folder first.'); return; }
  const file = Uri.joinPath(folder.uri, CONFIG_FILE);
  if (await exists(file)) {
    // never overwritten: it may hold rules, excludes and `via` symbols the server cannot tell us
    const pick = await window.showInformationMessage(`${CONFIG_FILE} already exists in ${folder.name}.`, 'Open');
    if (pick === 'Open') await window.showTextDocument(file);
    return;
  }
  let roles: RoleInfo[] = [];
  let profile: string | undefined;
  if (client.state === State.Running) {
    roles = (await client.sendRequest<RoleInfo[]>(REQ_ROLES).catch(() => [])) ?? [];
    // the profile the server detected or was told; a server without this request leaves it out
    profile = await client.sendRequest<string | { name?: string } | null>(REQ_PROFILE).then((p) => (typeof p === 'string' ? p : p?.name ?? undefined), () => undefined);
  }
  if (!profile) {
    const setting = workspace.getConfiguration('trapline', folder.uri).get<string>('profile');
    if (setting && setting !== 'auto') profile = setting;
  }
  const config = {
    ...(profile ? { profile } : {}),
    roles: (roles.length > 0 ? roles : [{ name: 'bsp', entry: null, kind: 'bsp' }, { name: 'ap', entry: null, kind: 'ap' }] as const).map((r) => ({
      name: r.name,
      // a role whose entry was not found: a placeholder to replace with the entry symbol
      entry: r.entry ?? `${r.name}_entry_symbol`,
      kind: r.kind,
    })),
  };
  await workspace.fs.writeFile(file, new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`));
  await window.showTextDocument(file);
}

async function exists(uri: Uri): Promise<boolean> {
  try { await workspace.fs.stat(uri); return true; } catch { return false; }
}

