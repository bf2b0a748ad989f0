/**
 * The kernel configuration a tree builds with: its `.config` (the one the caller names, the
 * one `KCONFIG_CONFIG` names, or the one in the Kconfig root), or, without one, what `make
 * <arch>_defconfig` would write: the architecture's defconfig resolved through the tree's
 * Kconfig files. Linux and Xen differ only in where the Kconfig root is.
 */
import { CONFIG_PREFIX, parseDotConfig, type DotConfig } from './dotconfig';
import { KconfigEvaluator, type SymbolValue } from './kconfig-eval';
import { finalizeKconfig } from './kconfig-finalize';
import { KconfigMacros } from './kconfig-macros';
import type { KconfigTree, KExpr, KSymbol } from './kconfig-model';
import { parseKconfig, type Reader } from './kconfig-parse';
import { GCC_X86_64, type ToolchainAssumption } from './toolchain';
import { decided, letter } from './tristate';
import { describeUnknown, Unknowns } from './unknowns';

export type { Reader } from './kconfig-parse';

export type ConfigValue =
  | { readonly kind: 'tristate'; readonly value: 'y' | 'm' | 'n' }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'undecided' };

export type ConfigSource =
  | { readonly kind: 'dotconfig'; readonly path: string }
  | { readonly kind: 'defaults'; readonly defconfig: string | null; readonly symbols: number; readonly files: number; readonly toolchain: string | null }
  /** Neither a .config nor a Kconfig file: the tree decides nothing (every CONFIG_ name is the host's). */
  | { readonly kind: 'none'; readonly kconfig: string };

export interface UndecidedSymbol {
  readonly name: string;
  /** What it depends on that is undecided: a command (`$(shell,...)`), an environment variable, other undecided symbols. */
  readonly because: readonly string[];
}

export interface KernelConfig {
  readonly source: ConfigSource;
  /** Symbol values by name without `CONFIG_`, as include/config/auto.conf would set them; a name missing here is not set. */
  readonly values: ReadonlyMap<string, ConfigValue>;
  /** Whether `.config` would list each symbol (computed configurations only; undefined: undecided). */
  readonly listed: ReadonlyMap<string, boolean | undefined> | null;
  readonly undecided: readonly UndecidedSymbol[];
  /** The toolchain facts assumed, and the environment variables read that nobody gave. */
  readonly assumptions: readonly string[];
  /** Files that could not be read, lines that could not be parsed. */
  readonly problems: readonly string[];
  readonly prefix: string;
}

export interface LoadOptions {
  readonly read: Reader;
  /** The folder holding the top Kconfig, relative to the workspace root: '' for Linux, 'xen' for Xen. */
  readonly kconfigRoot?: string;
  /** A `.config` the caller names (`.trapline.json` "kconfig", a setting): a file, or a build folder (`O=`) holding one. Relative to the workspace root. */
  readonly configPath?: string;
  /** KCONFIG_CONFIG (relative to the Kconfig root) and the variables Kconfig files read (`$(CC)`...). */
  readonly env?: ReadonlyMap<string, string>;
  /** SRCARCH / ARCH (x86 / x86_64 unless given) and the defconfig (arch/$(SRCARCH)/configs/$(ARCH)_defconfig unless given, relative to the Kconfig root). */
  readonly srcarch?: string;
  readonly arch?: string;
  readonly defconfig?: string;
  /** What `$(shell,...)` returns; GCC on x86-64 unless given; null: every command undecided. */
  readonly toolchain?: ToolchainAssumption | null;
}

const inRoot = (root: string, p: string): string => (root ? `${root}/${p}` : p);

/** Where a configuration named by path is read from, in order: the file itself, or the `.config` of the build folder (`O=`) it names. */
export function namedConfigFiles(path: string): string[] {
  return [path, `${path.replace(/\/$/, '')}/.config`];
}

export function loadKernelConfig(o: LoadOptions): KernelConfig {
  const root = o.kconfigRoot ?? '';
  const problems: string[] = [];
  const found = (path: string): KernelConfig | null => {
    const text = o.read(path);
    return text === undefined ? null : fromDotConfig(parseDotConfig(text, path), problems);
  };
  if (o.configPath) {
    for (const file of namedConfigFiles(o.configPath)) { const named = found(file); if (named) return named; }
    problems.push(`${o.configPath} is neither a .config nor a folder holding one: not used`);
  }
  const fromEnv = o.env?.get('KCONFIG_CONFIG');
  if (fromEnv) {
    const named = found(inRoot(root, fromEnv));
    if (named) return named;
    problems.push(`KCONFIG_CONFIG names ${inRoot(root, fromEnv)}, which cannot be read: not used`);
  }
  return found(inRoot(root, '.config')) ?? computeDefaults(o, root, problems);
}

function fromDotConfig(dc: DotConfig, problems: string[]): KernelConfig {
  const values = new Map<string, ConfigValue>();
  for (const [name, e] of dc.entries) {
    values.set(name, e.quoted ? { kind: 'string', value: e.value }
      : e.value === 'y' || e.value === 'm' || e.value === 'n' ? { kind: 'tristate', value: e.value }
      : /^-?\d+$|^0[xX][0-9a-fA-F]+$/.test(e.value) ? { kind: 'number', value: e.value } : { kind: 'string', value: e.value });
  }
  return { source: { kind: 'dotconfig', path: dc.path }, values, listed: null, undecided: [], assumptions: [], problems, prefix: CONFIG_PREFIX };
}

function computeDefaults(o: LoadOptions, root: string, problems: string[]): KernelConfig {
  const srcarch = o.srcarch ?? 'x86', arch = o.arch ?? 'x86_64';
  const env = new Map<string, string>([['SRCARCH', srcarch], ['ARCH', arch], ['srctree', '.'], ...(o.env ?? [])]);
  const toolchain = o.toolchain === undefined ? GCC_X86_64 : o.toolchain;
  const unknowns = new Unknowns();
  const macros = new KconfigMacros(env, unknowns, toolchain ?? undefined);
  const tree = parseKconfig(o.read, root, macros);
  if (tree.files.length === 0) {
    return { source: { kind: 'none', kconfig: inRoot(root, 'Kconfig') }, values: new Map(), listed: null, undecided: [], assumptions: [], problems, prefix: CONFIG_PREFIX };
  }
  problems.push(...tree.problems);
  const modules = finalizeKconfig(tree, (name) => env.get(name) ?? unknowns.marker({ kind: 'env', text: name }));
  const defconfig = o.defconfig ?? `arch/${srcarch}/configs/${arch}_defconfig`;
  const text = o.read(inRoot(root, defconfig));
  if (text === undefined && o.defconfig) problems.push(`${inRoot(root, defconfig)} cannot be read: Kconfig defaults only`);
  const user = text === undefined ? new Map() : parseDotConfig(text, defconfig).entries;
  const ev = new KconfigEvaluator(tree, modules, user);
  const values = new Map<string, ConfigValue>();
  const listed = new Map<string, boolean | undefined>();
  const computed = new Map<KSymbol, SymbolValue>();
  for (const sym of tree.symbols.values()) {
    if (sym.type === 'unknown' || sym.noWrite) continue;
    const v = ev.value(sym);
    computed.set(sym, v);
    const c = toConfigValue(v);
    if (c) values.set(sym.name, c);
    listed.set(sym.name, decided(v.written) ? v.written.lo === 2 : undefined);
  }
  const undecided = undecidedSymbols(tree, computed, ev, unknowns);
  const assumptions = [
    ...(toolchain ? toolchain.facts.map((f) => `${toolchain.name}: ${f}`) : ['no toolchain assumed: every $(shell,...) is undecided']),
    ...[...macros.missingEnv].sort().map((v) => `environment variable ${v} not given: undecided`),
  ];
  const source: ConfigSource = { kind: 'defaults', defconfig: text === undefined ? null : inRoot(root, defconfig), symbols: computed.size, files: tree.files.length, toolchain: toolchain?.name ?? null };
  return { source, values, listed, undecided, assumptions, problems, prefix: CONFIG_PREFIX };
}

/** A bool is n when not set; another type is set only when .config would list it (conf_write_autoconf), hex with its 0x. */
function toConfigValue(v: SymbolValue): ConfigValue | null {
  if (v.type === 'bool' || v.type === 'tristate') return decided(v.tri) ? { kind: 'tristate', value: letter(v.tri.lo) } : { kind: 'undecided' };
  if (v.written.hi === 0) return null;
  if (v.str === undefined || !decided(v.written)) return { kind: 'undecided' };
  if (v.type === 'string') return { kind: 'string', value: v.str };
  return { kind: 'number', value: v.type === 'hex' && !/^0[xX]/.test(v.str) ? `0x${v.str}` : v.str };
}

/** Each undecided symbol with the undecided things its definition reads. */
function undecidedSymbols(tree: KconfigTree, computed: ReadonlyMap<KSymbol, SymbolValue>, ev: KconfigEvaluator, unknowns: Unknowns): UndecidedSymbol[] {
  const isUndecided = (s: KSymbol): boolean => { const v = computed.get(s); return v !== undefined && (v.type === 'bool' || v.type === 'tristate' ? !decided(v.tri) : v.str === undefined); };
  const out: UndecidedSymbol[] = [];
  for (const sym of computed.keys()) {
    if (!isUndecided(sym)) continue;
    const because = new Set<string>();
    const walk = (e: KExpr | null): void => {
      if (!e) return;
      if (e.op === 'sym') {
        for (const u of unknowns.in(e.name)) because.add(describeUnknown(u));
        const s = tree.symbols.get(e.name);
        if (s && s !== sym && isUndecided(s)) because.add(s.name);
      } else if (e.op === '!') walk(e.arg);
      else { walk(e.left); walk(e.right); }
    };
    for (const p of sym.props) { walk(p.expr); walk(p.cond); if (p.range) { walk(p.range[0]); walk(p.range[1]); } }
    walk(sym.dirDep); walk(sym.revDep); walk(sym.implied);
    if (sym.choice && ev.choiceSelection(sym.choice).candidates.length > 1) because.add('the choice it belongs to');
    out.push({ name: sym.name, because: [...because] });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** One line for reports: which configuration, and how much of it is undecided. */
export function describeConfig(c: KernelConfig): string {
  if (c.source.kind === 'dotconfig') return `${c.source.path} (${c.values.size} symbols)`;
  if (c.source.kind === 'none') return `no kernel configuration (no .config, no ${c.source.kconfig})`;
  const base = c.source.defconfig ? `${c.source.defconfig} + Kconfig defaults` : 'Kconfig defaults';
  const und = c.undecided.length > 0 ? `; ${c.undecided.length} undecided: ${c.undecided.map((u) => u.name).join(', ')}` : '';
  return `${base} (${c.source.symbols} symbols from ${c.source.files} Kconfig files${c.source.toolchain ? `, assuming ${c.source.toolchain}` : ''})${und}`;
}
