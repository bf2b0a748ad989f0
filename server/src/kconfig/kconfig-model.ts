/** The Kconfig language as parsed (scripts/kconfig/expr.h and lkc.h, reduced to what decides values). */

export type SymbolType = 'bool' | 'tristate' | 'int' | 'hex' | 'string' | 'unknown';

/** A symbol reference or a constant (`y`, `64`, `"text"`); `quoted` for a string constant. */
export interface SymRef { readonly op: 'sym'; readonly name: string; readonly quoted: boolean }
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type KExpr =
  | SymRef
  | { readonly op: CompareOp; readonly left: SymRef; readonly right: SymRef }
  | { readonly op: '!'; readonly arg: KExpr }
  | { readonly op: '&&' | '||'; readonly left: KExpr; readonly right: KExpr };

export interface Where { readonly file: string; readonly line: number }

export type PropKind = 'prompt' | 'default' | 'select' | 'imply' | 'range';
export interface Prop {
  readonly kind: PropKind;
  /** The default's value, the selected/implied symbol; null for a prompt and a range. */
  readonly expr: KExpr | null;
  readonly range?: readonly [SymRef, SymRef];
  /** When it applies: its own `if`, a prompt's enclosing `visible if`s, and (after finalize) the entry's dependencies. */
  cond: KExpr | null;
  readonly node: MenuNode;
  readonly where: Where;
}

export interface KSymbol {
  /** '' for a choice without a name. */
  readonly name: string;
  type: SymbolType;
  readonly props: Prop[];
  readonly isChoice: boolean;
  /** A choice's `optional`. */
  optional: boolean;
  /** The choice this symbol is a value of. */
  choice: KSymbol | null;
  /** A choice's values, in order. */
  readonly members: KSymbol[];
  /** `option modules` / `modules`: this symbol says whether tristates can be m. */
  modules: boolean;
  /** Never written to .config (choices, `option defconfig_list`). */
  noWrite: boolean;
  /** `option env="NAME"` (older trees): the default is that environment variable. */
  env: string | null;
  /** The entries' dependencies (OR over its definitions), what selects it, what implies it. */
  dirDep: KExpr | null;
  revDep: KExpr | null;
  implied: KExpr | null;
  readonly where: Where;
}

export type NodeKind = 'root' | 'config' | 'menuconfig' | 'choice' | 'menu' | 'if' | 'comment';
export interface MenuNode {
  readonly kind: NodeKind;
  readonly sym: KSymbol | null;
  /** The prompt of a menu or comment (a symbol's prompts are among its props). */
  prompt: Prop | null;
  dep: KExpr | null;
  /** A menu's `visible if`. */
  visibility: KExpr | null;
  readonly parent: MenuNode | null;
  readonly children: MenuNode[];
  readonly where: Where;
}

export interface KconfigTree {
  readonly root: MenuNode;
  /** Named symbols (choices with a name are in `choices` only). */
  readonly symbols: Map<string, KSymbol>;
  readonly choices: KSymbol[];
  /** Kconfig files read, in order. */
  readonly files: string[];
  /** What could not be read, with where. */
  readonly problems: string[];
}

export const symRef = (name: string, quoted = false): SymRef => ({ op: 'sym', name, quoted });
export const andExpr = (a: KExpr | null, b: KExpr | null): KExpr | null => (a && b ? { op: '&&', left: a, right: b } : a ?? b);
export const orExpr = (a: KExpr | null, b: KExpr | null): KExpr | null => (a && b ? { op: '||', left: a, right: b } : a ?? b);
