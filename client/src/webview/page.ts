// What the page's modules share: the view the user chose (kept across reloads), the data shown,
// the rendered tree items, the page's fixed elements and the way out to the extension.
import type { Data } from './data';

/** Per-role and per-group flags, keyed by names from the workspace. */
export type Flags = Record<string, unknown>;

export interface View {
  role: string;
  rule: string;
  /** 'all', or the call depth past which calls are collapsed */
  depth: string;
  expanded: Flags;
  collapsedLanes: Flags;
  /** the key of the tree item last focused */
  focus: string | null;
}

/** Flags with no prototype, so a role called `__proto__` is a key like any other. */
function table(o: unknown): Flags {
  const t: Flags = Object.create(null);
  if (o && typeof o === 'object') for (const k of Object.keys(o)) t[k] = (o as Flags)[k];
  return t;
}

/** The view as saved with `setState`, whatever of it is still well formed. */
export function loadView(state: unknown): View {
  const saved: Flags = state && typeof state === 'object' ? (state as Flags) : {};
  return {
    role: typeof saved.role === 'string' ? saved.role : '',
    rule: typeof saved.rule === 'string' ? saved.rule : '',
    depth: typeof saved.depth === 'string' ? saved.depth : 'all',
    expanded: table(saved.expanded),
    collapsedLanes: table(saved.collapsedLanes),
    focus: typeof saved.focus === 'string' ? saved.focus : null,
  };
}

/** The call depth past which calls are collapsed, or null for none. */
export function depthLimit(view: View): number | null { return view.depth === 'all' ? null : Number(view.depth); }

/** A place in the workspace the extension opens. */
export interface Target { uri: string; line: number; column: number }
/** What a rendered tree item does: open a place, expand or collapse. */
export interface Item { open?: Target | null; toggle?: () => void; expanded?: boolean }

export type Outgoing = { type: 'ready' } | ({ type: 'open' } & Target) | { type: 'createConfig' } | { type: 'reanalyze' };

export interface Page {
  readonly view: View;
  data: Data | null;
  /** the editor's cursor */
  cursor: { uri: string; line: number } | null;
  /** the rendered tree items by key */
  items: Map<string, Item>;
  readonly content: HTMLElement;
  readonly toolbar: HTMLElement;
  readonly roleFilter: HTMLSelectElement;
  readonly ruleFilter: HTMLSelectElement;
  readonly depthFilter: HTMLSelectElement;
  readonly announce: HTMLElement;
  post(m: Outgoing): void;
  /** keeps the view across reloads of the page */
  save(): void;
  render(): void;
}

export function open(page: Page, target: Target): void {
  page.post({ type: 'open', uri: target.uri, line: target.line, column: target.column });
}
