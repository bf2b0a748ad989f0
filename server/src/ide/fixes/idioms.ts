/**
 * How the analysed tree spells what a fix writes: its vector macros, its name for CR4.MCE, its
 * helpers that OR into CR4 or clear IST indices, its init annotation, a non-init handler to
 * install, a loop counter. Tree-wide scans are kept once per index (`Ctx.memo`).
 */
import type { Node } from 'web-tree-sitter';
import { escapeRe } from '../../model/regex';
import { splitArgs } from '../../index/macros';
import { wordRe } from '../text';
import type { Ctx } from './context';

/** Name used when the tree has no non-init handler to reuse: the user must edit it. */
export const PLACEHOLDER_HANDLER = 'FIXME_noninit_handler';

/** A vector as the file spells it: a vector macro the file already uses (`TRAP_nmi`), else the number. */
export function vectorName(ctx: Ctx, file: string, v: number): string {
  const text = ctx.a.index.texts.get(file) ?? '';
  // names the file uses as a gate index or as a gate writer's first argument
  const used = new Set<string>();
  for (const m of text.matchAll(/\[\s*([A-Z_a-z]\w*)\s*\]|\(\s*([A-Z_a-z]\w*)\s*,/g)) used.add(m[1] ?? m[2]);
  for (const name of used) {
    if (!/^(?:X86_)?(?:TRAP|EXC|VEC|VECTOR)_\w+$|_VECTOR$/.test(name)) continue;
    if (ctx.a.index.macros.evaluate(name) === BigInt(v)) return name;
  }
  return String(v);
}

/** The tree's name for CR4 bit 6 if `file` can see it (and, in assembly, the assembler can read it). */
export function mceMacro(ctx: Ctx, file: string, asm: boolean): string {
  const ranked = ctx.memo('mceMacros', () => {
    const names = new Set<string>();
    for (const text of ctx.a.index.texts.values()) {
      if (!text.includes('CR4')) continue;
      for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w*CR4\w*)[ \t]/gm)) names.add(m[1]);
    }
    return [...names].filter((n) => ctx.a.index.macros.evaluate(n) === 1n << 6n)
      .sort((a, b) => Number(/MCE/.test(b)) - Number(/MCE/.test(a)) || a.length - b.length || a.localeCompare(b));
  });
  for (const n of ranked) {
    if (!ctx.visible(file, n)) continue;
    if (asm && /\b\d+[uUlL]+\b|_AC\s*\(|\(\s*(unsigned|long|int)\b/.test(ctx.a.index.macros.expand(n))) continue;
    return n;
  }
  return '(1 << 6)';
}

/** The tree's way to OR a bit into CR4: `set_in_cr4(mask)`-like helper, else `write_cr4(read_cr4() | mask)`. */
export function cr4OrCall(ctx: Ctx, file: string, mask: string): string | null {
  const { helpers, writer } = ctx.memo('cr4Helpers', () => {
    const helpers: string[] = [];
    let writer: string | null = null;
    for (const fn of ctx.functions()) {
      if (fn.params.length !== 1) continue;
      const body = ctx.body(fn);
      if (!/cr4/i.test(body)) continue;
      const p = escapeRe(fn.params[0]);
      if (new RegExp(`\\w+\\s*\\(\\s*\\)\\s*\\|\\s*${p}\\b`).test(body)) helpers.push(fn.name);
      else if (/mov\w*\s+%\w*0\s*,\s*%%cr4/.test(body) && !writer) writer = fn.name;
    }
    helpers.sort((a, b) => Number(/set_in_cr4|cr4_set_bits/.test(b)) - Number(/set_in_cr4|cr4_set_bits/.test(a)) || a.localeCompare(b));
    return { helpers, writer };
  });
  const h = helpers.find((x) => ctx.visible(file, x));
  if (h) return `${h}(${mask})`;
  const reader = ctx.a.index.profile.hints.readCr4.find((r) => ctx.visible(file, r));
  if (writer && reader && ctx.visible(file, writer)) return `${writer}(${reader}() | ${mask})`;
  return null;
}

/** A function of the tree that sets the IST index to 0 on several gates (`disable_each_ist`). */
export function istClearHelper(ctx: Ctx, table: string): { name: string; params: number } | null {
  return ctx.memo(`istClear:${table}`, () => scanIstClearHelper(ctx, table));
}

function scanIstClearHelper(ctx: Ctx, table: string): { name: string; params: number } | null {
  const setters = ctx.a.index.profile.hints.istSetters;
  const found: { name: string; params: number; score: number }[] = [];
  for (const fn of ctx.functions()) {
    if (fn.params.length > 1) continue;
    const body = ctx.body(fn);
    if (!body.includes('ist')) continue;
    let zeros = 0;
    for (const s of setters) {
      for (const m of body.matchAll(new RegExp(`\\b${escapeRe(s.name)}\\s*\\(([^;]*)\\)\\s*;`, 'g'))) {
        const args = splitArgs(m[1]);
        if (ctx.a.index.macros.evaluate(args[s.ist] ?? '') === 0n) zeros++;
      }
    }
    for (const m of body.matchAll(/(?:\.|->)\s*ist\s*=\s*([^;]+);/g)) if (ctx.a.index.macros.evaluate(m[1]) === 0n) zeros++;
    if (zeros < 2) continue;
    if (fn.params.length === 0 && !wordRe(table).test(body)) continue;
    found.push({ name: fn.name, params: fn.params.length, score: zeros + (/disable|clear|reset/.test(fn.name) ? 10 : 0) });
  }
  found.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return found[0] ?? null;
}

/** The init annotation the tree uses most on its C function definitions (`__init`). */
export function initAnnotation(ctx: Ctx): string {
  return ctx.memo('initAnnotation', () => scanInitAnnotation(ctx));
}

function scanInitAnnotation(ctx: Ctx): string {
  const counts = new Map<string, number>();
  for (const fn of ctx.functions()) {
    if (!fn.section || fn.section !== '.init.text') continue;
    const text = ctx.a.index.texts.get(fn.file) ?? '';
    const prefix = text.slice(fn.startIndex, fn.startIndex + 200).split('(')[0];
    for (const tok of prefix.match(/\b_*[A-Za-z]\w*\b/g) ?? []) {
      if (ctx.a.index.macros.sectionOf(tok) === '.init.text') counts.set(tok, (counts.get(tok) ?? 0) + 1);
    }
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || Number(b[0] === '__init') - Number(a[0] === '__init'))[0];
  return best ? best[0] : '__init';
}

/** Which vectors a handler is chosen for: NMI, exceptions (0-31), interrupts (32-255), or a range over both. */
export type HandlerKind = 'nmi' | 'exc' | 'irq' | 'mixed';

/** A non-init handler the tree already installs for such vectors, else the placeholder. */
export function chooseHandler(ctx: Ctx, key: HandlerKind): string {
  const okSym = (s: string | null): s is string => s !== null && ctx.exists(s) && !ctx.isInit(s);
  if (key === 'nmi') {
    for (const n of ['nmi', 'handle_nmi', 'nmi_handler', 'asm_exc_nmi', 'exc_nmi', 'entry_NMI', 'nmi_entry']) if (okSym(n)) return n;
  }
  const scores = new Map<string, number>();
  for (const p of ctx.a.paths) {
    for (const s of p.steps) {
      if (s.effect.kind !== 'gate' || !okSym(s.effect.handler.symbol) || s.effect.vectors.length < 2) continue;
      const vs = s.effect.vectors;
      const exc = vs.every((v) => v < 32), irq = vs.every((v) => v >= 32);
      const named = /reserved|unknown|spurious|unhandled|bad|ignore|default/i.test(s.effect.handler.symbol);
      let score = 0;
      if (key === 'exc' || key === 'nmi') score = (exc ? 2 : 0) + (named ? 3 : 0);
      else if (key === 'irq') score = (irq ? 2 : 0) + (named ? 1 : 0);
      else score = named ? 3 : 0;
      if (score > 0) scores.set(s.effect.handler.symbol, Math.max(scores.get(s.effect.handler.symbol) ?? 0, score));
    }
  }
  // a handler for reserved vectors by name, installed or not
  const names = [...ctx.a.index.functions.keys(), ...ctx.a.index.asmLabels.keys()];
  for (const n of names) if (/reserved|unknown_(exception|trap)|spurious|unhandled/i.test(n) && okSym(n) && !scores.has(n)) scores.set(n, key === 'irq' ? 1 : 2);
  const best = [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return best ? best[0] : PLACEHOLDER_HANDLER;
}

/** An integer local of the function usable as a loop counter (`unsigned int v;`). */
export function loopVariable(fnNode: Node): string | null {
  const body = fnNode.childForFieldName('body');
  const names: string[] = [];
  for (const d of body?.namedChildren ?? []) {
    if (d?.type !== 'declaration') continue;
    const type = d.childForFieldName('type')?.text ?? '';
    if (!/^(unsigned|int|unsigned int|unsigned long|long|u8|u16|u32|u64|uint\w*|size_t|unsigned char)$/.test(type.replace(/\s+/g, ' '))) continue;
    for (const x of d.childrenForFieldName('declarator')) if (x?.type === 'identifier') names.push(x.text);
  }
  for (const n of ['v', 'vector', 'vec', 'i', 'n']) if (names.includes(n)) return n;
  return null;
}
