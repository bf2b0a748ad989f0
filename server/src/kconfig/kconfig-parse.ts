/**
 * Kconfig's grammar (scripts/kconfig/parser.y): entries (`config`, `menuconfig`, `choice`,
 * `menu`, `comment`), blocks (`if`/`endif`, `menu`/`endmenu`, `choice`/`endchoice`), `source`
 * (and the `rsource`/`osource`/`orsource` forms some trees use) and the properties that decide
 * values. Prompts take the `visible if` of every enclosing menu here, as menu_add_prompt does.
 */
import { lexKconfig, type Statement, type Tok } from './kconfig-lex';
import type { KconfigMacros } from './kconfig-macros';
import { andExpr, symRef, type KconfigTree, type KExpr, type KSymbol, type MenuNode, type NodeKind, type Prop, type PropKind, type SymbolType, type SymRef, type Where } from './kconfig-model';
import { normalizePath } from './rel-path';
import { hasUnknown } from './unknowns';

export type Reader = (relPath: string) => string | undefined;

const TYPES = new Set(['bool', 'tristate', 'int', 'hex', 'string']);
const COMPARE = new Set(['=', '!=', '<', '<=', '>', '>=']);

function newSymbol(name: string, where: Where, isChoice = false): KSymbol {
  return { name, type: 'unknown', props: [], isChoice, optional: false, choice: null, members: [], modules: false, noWrite: isChoice, env: null, dirDep: null, revDep: null, implied: null, where };
}

/** Parses `<root>/Kconfig` and what it sources; paths are relative to the Kconfig root (srctree). */
export function parseKconfig(read: Reader, kconfigRoot: string, macros: KconfigMacros, top = 'Kconfig'): KconfigTree {
  const root: MenuNode = { kind: 'root', sym: null, prompt: null, dep: null, visibility: null, parent: null, children: [], where: { file: top, line: 0 } };
  const tree: KconfigTree = { root, symbols: new Map(), choices: [], files: [], problems: [] };
  const p = new Parser(tree, read, kconfigRoot, macros);
  p.file(top, false);
  return tree;
}

class Parser {
  private stack: MenuNode[];
  private entry: MenuNode | null = null;
  private readonly named = new Map<string, KSymbol>();
  private readonly open: string[] = [];

  constructor(private readonly tree: KconfigTree, private readonly read: Reader, private readonly kroot: string, private readonly macros: KconfigMacros) {
    this.stack = [tree.root];
  }

  file(path: string, optional: boolean, from?: Where): void {
    const full = this.kroot ? `${this.kroot}/${path}` : path;
    if (this.open.includes(path)) { this.tree.problems.push(`${from ? `${from.file}:${from.line}: ` : ''}recursive source of ${path}, not read again`); return; }
    const text = this.read(full);
    if (text === undefined) { if (!optional) this.tree.problems.push(`${from ? `${from.file}:${from.line}: ${path}` : full} cannot be read`); return; }
    this.tree.files.push(path);
    this.open.push(path);
    for (const st of lexKconfig(text, path, this.macros)) {
      try { this.statement(st, { file: path, line: st.line }); } catch (e) { this.tree.problems.push(`${path}:${st.line}: ${(e as Error).message}`); }
    }
    this.open.pop();
  }

  private statement(st: Statement, at: Where): void {
    const c = new Cursor(st.toks);
    const head = c.next();
    const kw = head.t === 'kw' ? head.v : '';
    switch (kw) {
      case 'mainmenu': return;
      case 'config': case 'menuconfig': return this.startConfig(kw, c.word(), at);
      case 'choice': return this.startChoice(c.atEnd() ? null : c.word(), at);
      case 'menu': case 'comment': case 'if': return this.startBlock(kw, c, at);
      case 'endmenu': return this.end('menu');
      case 'endchoice': return this.end('choice');
      case 'endif': return this.end('if');
      case 'source': case 'rsource': case 'osource': case 'orsource': return this.source(kw, c.string(), at);
    }
    if (!this.entry) throw new Error(`"${head.v}" outside an entry, ignored`);
    this.property(head, c, this.entry, at);
  }

  private get current(): MenuNode { return this.stack[this.stack.length - 1]; }

  private addNode(kind: NodeKind, sym: KSymbol | null, at: Where): MenuNode {
    const node: MenuNode = { kind, sym, prompt: null, dep: null, visibility: null, parent: this.current, children: [], where: at };
    this.current.children.push(node);
    return node;
  }

  private startConfig(kind: 'config' | 'menuconfig', name: string, at: Where): void {
    let sym = this.tree.symbols.get(name);
    if (!sym) { sym = newSymbol(name, at); this.tree.symbols.set(name, sym); }
    this.entry = this.addNode(kind, sym, at);
  }

  private startChoice(name: string | null, at: Where): void {
    let sym = name ? this.named.get(name) : undefined;
    if (!sym) {
      sym = newSymbol(name ? `<choice ${name}>` : `<choice ${at.file}:${at.line}>`, at, true);
      this.tree.choices.push(sym);
      if (name) this.named.set(name, sym);
    }
    this.entry = this.addNode('choice', sym, at);
    this.stack.push(this.entry);
  }

  private startBlock(kind: 'menu' | 'comment' | 'if', c: Cursor, at: Where): void {
    const node = this.addNode(kind, null, at);
    if (kind === 'if') { node.dep = parseExpr(c); this.entry = null; }
    else { c.string(); node.prompt = this.prompt(node, null, at); this.entry = node; }
    if (kind !== 'comment') this.stack.push(node);
  }

  private end(kind: 'menu' | 'choice' | 'if'): void {
    if (this.current.kind !== kind) throw new Error(`end${kind} without ${kind}`);
    this.stack.pop();
    this.entry = null;
  }

  private source(kw: string, path: string, at: Where): void {
    if (hasUnknown(path)) { this.tree.problems.push(`${at.file}:${at.line}: ${kw} path depends on an undecided value, not read`); return; }
    if (/[*?[]/.test(path)) { this.tree.problems.push(`${at.file}:${at.line}: ${kw} "${path}" is a pattern, not read (files cannot be listed)`); return; }
    const rel = kw === 'rsource' || kw === 'orsource' ? normalizePath(`${dirOf(at.file)}/${path}`) : path;
    this.file(rel, kw === 'osource' || kw === 'orsource', at);
  }

  /** A prompt: its `if`, and the `visible if` of each enclosing menu. */
  private prompt(node: MenuNode, cond: KExpr | null, at: Where): Prop {
    let vis = cond;
    for (const m of this.stack) if (m.visibility) vis = andExpr(vis, m.visibility);
    return this.addProp(node, 'prompt', null, vis, at);
  }

  private addProp(node: MenuNode, kind: PropKind, expr: KExpr | null, cond: KExpr | null, at: Where, range?: [SymRef, SymRef]): Prop {
    const prop: Prop = { kind, expr, cond, node, where: at, ...(range ? { range } : {}) };
    node.sym?.props.push(prop);
    return prop;
  }

  private setType(sym: KSymbol | null, type: string): void {
    if (sym && sym.type === 'unknown') sym.type = type as SymbolType;
  }

  private property(head: Tok, c: Cursor, node: MenuNode, at: Where): void {
    const sym = node.sym;
    const v = head.t === 'kw' ? head.v : '';
    if (TYPES.has(v)) {
      this.setType(sym, v);
      if (!c.atEnd()) { c.string(); node.prompt = this.prompt(node, c.ifExpr(), at); }
      return;
    }
    switch (v) {
      case 'def_bool': case 'def_tristate': {
        this.setType(sym, v === 'def_bool' ? 'bool' : 'tristate');
        const e = parseExpr(c);
        this.addProp(node, 'default', e, c.ifExpr(), at);
        return;
      }
      case 'prompt': c.string(); node.prompt = this.prompt(node, c.ifExpr(), at); return;
      case 'default': { const e = parseExpr(c); this.addProp(node, 'default', e, c.ifExpr(), at); return; }
      case 'depends': c.expectKw('on'); node.dep = andExpr(node.dep, parseExpr(c)); return;
      case 'visible': c.expectKw('if'); node.visibility = andExpr(node.visibility, parseExpr(c)); return;
      case 'select': case 'imply': { const target = symRef(c.word()); this.addProp(node, v, target, c.ifExpr(), at); return; }
      case 'range': { const a = parseSym(c), b = parseSym(c); this.addProp(node, 'range', null, c.ifExpr(), at, [a, b]); return; }
      case 'help': return;
      case 'optional': if (sym) sym.optional = true; return;
      case 'modules': if (sym) sym.modules = true; return;
      case 'transitional': return;
      case 'option': return this.option(c, sym);
    }
    throw new Error(`unknown property "${head.v}", ignored`);
  }

  private option(c: Cursor, sym: KSymbol | null): void {
    const o = c.next();
    if (!sym) return;
    if (o.v === 'modules') sym.modules = true;
    else if (o.v === 'defconfig_list') sym.noWrite = true;
    else if (o.v === 'env' && c.peekOp('=')) { c.next(); sym.env = c.string(); }
  }
}

class Cursor {
  private i = 0;
  constructor(private readonly toks: readonly Tok[]) {}
  atEnd(): boolean { return this.i >= this.toks.length; }
  peek(): Tok | undefined { return this.toks[this.i]; }
  peekOp(v: string): boolean { const t = this.peek(); return t !== undefined && t.t === 'op' && t.v === v; }
  peekKw(v: string): boolean { const t = this.peek(); return t !== undefined && t.t === 'kw' && t.v === v; }
  next(): Tok { const t = this.toks[this.i++]; if (!t) throw new Error('unexpected end of line'); return t; }
  word(): string { const t = this.next(); if (t.t !== 'word' && t.t !== 'kw') throw new Error(`expected a name, found "${t.v}"`); return t.v; }
  string(): string { const t = this.next(); if (t.t !== 'str' && t.t !== 'word') throw new Error(`expected a string, found "${t.v}"`); return t.v; }
  expectKw(v: string): void { if (!this.peekKw(v)) throw new Error(`expected "${v}"`); this.i++; }
  /** `if EXPR` at the end of a property, or nothing. */
  ifExpr(): KExpr | null {
    if (this.atEnd()) return null;
    this.expectKw('if');
    return parseExpr(this);
  }
}

/** EXPR: `||` below `&&` below `!`; comparisons join two symbols; parentheses group. */
function parseExpr(c: Cursor): KExpr {
  let l = parseAnd(c);
  while (c.peekOp('||')) { c.next(); l = { op: '||', left: l, right: parseAnd(c) }; }
  return l;
}
function parseAnd(c: Cursor): KExpr {
  let l = parseNot(c);
  while (c.peekOp('&&')) { c.next(); l = { op: '&&', left: l, right: parseNot(c) }; }
  return l;
}
function parseNot(c: Cursor): KExpr {
  if (c.peekOp('!')) { c.next(); return { op: '!', arg: parseNot(c) }; }
  if (c.peekOp('(')) {
    c.next();
    const e = parseExpr(c);
    if (!c.peekOp(')')) throw new Error('expected ")"');
    c.next();
    return e;
  }
  const s = parseSym(c);
  const t = c.peek();
  if (t && t.t === 'op' && COMPARE.has(t.v)) { c.next(); return { op: t.v as '=', left: s, right: parseSym(c) }; }
  return s;
}
function parseSym(c: Cursor): SymRef {
  const t = c.next();
  if (t.t === 'str') return symRef(t.v, true);
  if (t.t === 'word') return symRef(t.v);
  throw new Error(`expected a symbol, found "${t.v}"`);
}

const dirOf = (f: string): string => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
