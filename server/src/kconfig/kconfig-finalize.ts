/**
 * What scripts/kconfig/menu.c menu_finalize does to decide values: each entry takes the
 * dependencies of the blocks around it (a choice's values depend on the choice itself), each
 * property takes its entry's, `select`/`imply` become the reverse dependencies of their
 * targets, and choices learn their values and type. `m` in a condition means `m && MODULES`.
 */
import { andExpr, orExpr, symRef, type KconfigTree, type KExpr, type KSymbol, type MenuNode } from './kconfig-model';

/** Finalizes the tree in place; returns the symbol with `option modules`, if any. */
export function finalizeKconfig(tree: KconfigTree, envValue: (name: string) => string): KSymbol | null {
  let modules: KSymbol | null = null;
  for (const s of tree.symbols.values()) if (s.modules && !modules) modules = s;
  // without a modules symbol Kconfig takes `n` for it: tristates are bools
  const modulesRef = symRef(modules ? modules.name : 'n');
  const rewriteM = (e: KExpr | null): KExpr | null => {
    if (!e) return e;
    switch (e.op) {
      case 'sym': return e.name === 'm' ? { op: '&&', left: e, right: modulesRef } : e;
      case '!': return { op: '!', arg: rewriteM(e.arg) as KExpr };
      case '&&': case '||': return { op: e.op, left: rewriteM(e.left) as KExpr, right: rewriteM(e.right) as KExpr };
      default: return e;
    }
  };
  collectChoices(tree.root);
  const propagate = (parent: MenuNode, parentDep: KExpr | null): void => {
    for (const child of parent.children) {
      child.dep = andExpr(parentDep, rewriteM(child.dep));
      const props = child.sym ? child.sym.props.filter((p) => p.node === child) : child.prompt ? [child.prompt] : [];
      for (const p of props) {
        p.cond = andExpr(child.dep, rewriteM(p.cond));
        if ((p.kind === 'select' || p.kind === 'imply') && child.sym && p.expr?.op === 'sym') {
          const target = tree.symbols.get(p.expr.name);
          if (!target) continue;
          const term = andExpr(symRef(child.sym.name), p.cond);
          if (p.kind === 'select') target.revDep = orExpr(target.revDep, term);
          else target.implied = orExpr(target.implied, term);
        }
      }
    }
    for (const child of parent.children) {
      if (child.children.length > 0) propagate(child, child.kind === 'choice' && child.sym ? symRef(child.sym.name) : child.dep);
      if ((child.kind === 'config' || child.kind === 'menuconfig') && child.sym) child.sym.dirDep = orExpr(child.sym.dirDep, child.dep);
    }
    const choice = parent.kind === 'choice' ? parent.sym : null;
    if (!choice) return;
    // a bool value of a tristate choice exists only while the choice is y
    if (choice.type === 'tristate') {
      const isY: KExpr = { op: '=', left: symRef(choice.name), right: symRef('y') };
      for (const node of memberNodes(parent)) {
        if (node.sym?.type === 'tristate') continue;
        node.dep = andExpr(isY, node.dep);
        for (const p of node.sym?.props ?? []) if (p.node === node) p.cond = andExpr(isY, p.cond);
      }
    }
    // a choice that is not optional cannot be n while it is visible
    if (!choice.optional && parent.prompt) choice.revDep = orExpr(choice.revDep, andExpr(parent.prompt.cond, symRef('m')));
  };
  propagate(tree.root, null);
  for (const s of tree.symbols.values()) {
    if (s.env !== null) s.props.push({ kind: 'default', expr: symRef(envValue(s.env), true), cond: null, node: tree.root, where: s.where });
  }
  return modules;
}

/** The value entries of a choice: its config children, also those inside a block without a prompt (`if`). */
function memberNodes(choice: MenuNode): MenuNode[] {
  const out: MenuNode[] = [];
  const walk = (n: MenuNode): void => {
    for (const c of n.children) {
      if (c.kind === 'config' || c.kind === 'menuconfig') out.push(c);
      else if (c.kind === 'if') walk(c);
    }
  };
  walk(choice);
  return out;
}

function collectChoices(node: MenuNode): void {
  for (const c of node.children) {
    if (c.kind === 'choice' && c.sym) {
      const choice = c.sym;
      for (const m of memberNodes(c)) {
        const sym = m.sym;
        if (!sym || sym.choice) continue;
        sym.choice = choice;
        choice.members.push(sym);
      }
      if (choice.type === 'unknown') choice.type = choice.members.find((m) => m.type !== 'unknown')?.type ?? 'unknown';
      for (const m of choice.members) if (m.type === 'unknown') m.type = choice.type;
    }
    collectChoices(c);
  }
}
