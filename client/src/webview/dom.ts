// Small DOM helpers: everything from the workspace is written as text, never parsed as markup.
import { str } from './data';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: unknown): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
export function clear(node: Node): void { while (node.firstChild) node.removeChild(node.firstChild); }
/** A reason with `code` in backticks: code spans as elements, all of it text. */
export function reasonEl(cls: string, reason: unknown): HTMLSpanElement {
  const box = el('span', cls);
  str(reason).split('`').forEach((part, k) => { if (part) box.appendChild(k % 2 ? el('code', '', part) : document.createTextNode(part)); });
  return box;
}
