/** A workspace-relative path with `.`, `..` and doubled slashes resolved (`./arch/x86/../x86/Kconfig` -> `arch/x86/Kconfig`). */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '..') { if (out.length > 0 && out[out.length - 1] !== '..') out.pop(); else out.push('..'); }
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}
