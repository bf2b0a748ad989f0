import { DiagnosticSeverity, Disposable, StatusBarAlignment, ThemeColor, languages, window, type StatusBarItem } from 'vscode';

/**
 * The status bar item: "indexing…" until the server's first analysis (its work-done progress is
 * shown by the LanguageClient itself), then the count of Trapline warnings and errors. A click
 * opens the Boot Timeline.
 */
export class TraplineStatus implements Disposable {
  private readonly item: StatusBarItem;
  private phase: 'starting' | 'indexing' | 'ready' | 'failed' = 'starting';
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: Disposable[] = [];
  /** The kernel configuration of the last analysis, in words (null: the tree has none). */
  private configuration: string | null = null;

  constructor(command: string) {
    this.item = window.createStatusBarItem('trapline.status', StatusBarAlignment.Left, 10);
    this.item.name = 'Trapline';
    this.item.command = { title: 'Show Boot Timeline', command };
    this.subscriptions.push(languages.onDidChangeDiagnostics(() => this.schedule()));
    this.indexing();
    this.item.show();
  }

  /** Indexing or re-analysing: until the next `analysed()`. */
  indexing(): void {
    if (this.phase !== 'ready') this.phase = 'indexing';
    this.update();
  }

  /** Re-analysis requested: show it until the server's next `trapline/timelineChanged`. */
  reanalysing(): void {
    this.phase = 'indexing';
    this.update();
  }

  /** The server finished an analysis (`trapline/timelineChanged`). */
  analysed(): void {
    this.phase = 'ready';
    this.update();
  }

  /** The kernel configuration the last analysis read the tree under (`trapline/profile`). */
  configured(configuration: string | null): void {
    if (configuration === this.configuration) return;
    this.configuration = configuration;
    this.update();
  }

  failed(message: string): void {
    this.phase = 'failed';
    this.item.text = '$(error) Trapline';
    this.item.tooltip = `Trapline: the language server is not running. ${message}`;
    this.item.backgroundColor = new ThemeColor('statusBarItem.errorBackground');
    this.item.accessibilityInformation = { label: `Trapline: the language server is not running. ${message}` };
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.update(); }, 100);
  }

  private update(): void {
    if (this.phase === 'failed') return;
    this.item.backgroundColor = undefined;
    if (this.phase !== 'ready') {
      this.item.text = '$(sync~spin) Trapline: indexing…';
      this.item.tooltip = 'Trapline is analysing the boot code of this workspace. Click to show the Boot Timeline.';
      this.item.accessibilityInformation = { label: 'Trapline is indexing the workspace' };
      return;
    }
    let errors = 0, warnings = 0, notes = 0;
    for (const [, list] of languages.getDiagnostics()) {
      for (const d of list) {
        if (d.source !== 'trapline') continue;
        if (d.severity === DiagnosticSeverity.Error) errors++;
        else if (d.severity === DiagnosticSeverity.Warning) warnings++;
        else notes++;
      }
    }
    const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
    const count = errors + warnings;
    this.item.text = count === 0 ? '$(pass) Trapline' : `$(warning) Trapline: ${plural(count, 'warning')}`;
    const words = [errors ? plural(errors, 'error') : '', plural(warnings, 'warning'), notes ? plural(notes, 'note') : ''].filter(Boolean).join(', ');
    const under = this.configuration ? ` Kernel configuration: ${this.configuration}.` : '';
    this.item.tooltip = `Trapline: ${words}.${under} Click to show the Boot Timeline.`;
    this.item.accessibilityInformation = { label: `Trapline: ${words}.${under} Show the Boot Timeline.` };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.item.dispose();
  }
}
