/**
 * A file's text as the build under a kernel configuration reads its outline: the branches of
 * `#if`/`#ifdef`/`#elif`/`#else` that the configuration alone decides against are blanked
 * (spaces, newlines kept: every offset stays), and so are the directives of a conditional it
 * decides entirely, so that the lexer and the `#define` scan see one straight text. A condition
 * that needs anything besides the configuration (`#ifndef _ASM_X86_DESC_H`, `#if FOO > 3`) is
 * left as it is, all of its branches read, as without a configuration.
 */
import { createHash } from 'node:crypto';
import { evaluateDirective, type CppHost, type KernelConfig } from '../kconfig/kconfig';
import { PREDEFINED_C_SET } from './cpp-decide';

type Branch = 'on' | 'off' | 'keep';
interface Frame { branch: Branch; taken: boolean; undecided: boolean; outer: boolean; lines: number[] }

/**
 * What a C source sees besides the configuration: the compiler's predefined names, and no
 * `__ASSEMBLY__`. A header may be included by assembler too: `__ASSEMBLY__` is undecided there.
 */
const C_HOST: CppHost = { defined: (name) => (PREDEFINED_C_SET.has(name) ? true : name === '__ASSEMBLY__' ? false : undefined) };
const HEADER_HOST: CppHost = { defined: (name) => (PREDEFINED_C_SET.has(name) ? true : undefined) };

/** One string per configuration: a text read under another one may read differently. */
export function configKey(config: KernelConfig | null): string {
  if (!config) return '';
  return createHash('sha1').update(JSON.stringify([...config.values])).digest('hex');
}

const DIRECTIVE = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/;

/** The text a file's outline (definitions, `#define`s, enumerations) is read from under a configuration: C sources and headers as it builds them. */
export function outlineText(config: KernelConfig | null, file: string, text: string): string {
  return config && /\.[ch]$/.test(file) ? activeText(text, config, file.endsWith('.h') ? HEADER_HOST : C_HOST) : text;
}

/** A C source's or header's text with what the configuration leaves out blanked (see the module comment). */
export function activeText(text: string, config: KernelConfig, host: CppHost): string {
  if (!text.includes('CONFIG_') && !/#\s*if\s+0\b/.test(text)) return text;
  const lines = text.split('\n');
  const blank = new Uint8Array(lines.length);
  const stack: Frame[] = [];
  const live = (): boolean => stack.every((f) => f.branch !== 'off');
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]);
    if (!m) { if (!live()) blank[i] = 1; continue; }
    // a directive continued on the next lines (`\` at the end)
    let cond = m[2], end = i;
    while (/\\\s*$/.test(lines[end]) && end + 1 < lines.length) { cond = `${cond.replace(/\\\s*$/, '')} ${lines[++end]}`; }
    cond = cond.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
    const span = Array.from({ length: end - i + 1 }, (_, k) => i + k);
    const kind = m[1];
    if (kind === 'if' || kind === 'ifdef' || kind === 'ifndef') {
      const outer = live();
      const v = outer ? evaluateDirective(config, kind, cond, host) : false;
      const f: Frame = { branch: !outer ? 'off' : v === true ? 'on' : v === false ? 'off' : 'keep', taken: v === true, undecided: outer && v === undefined, outer, lines: [...span] };
      stack.push(f);
      if (!outer) for (const l of span) blank[l] = 1;
    } else {
      const f = stack[stack.length - 1];
      if (!f) { i = end; continue; }
      if (!f.outer) { for (const l of span) blank[l] = 1; if (kind === 'endif') stack.pop(); i = end; continue; }
      if (kind === 'endif') {
        // a conditional decided in every branch leaves no directive: the text reads straight
        if (!f.undecided) for (const l of [...f.lines, ...span]) blank[l] = 1;
        stack.pop();
      } else {
        const v = kind === 'else' ? true : evaluateDirective(config, 'elif', cond, host);
        const branch: Branch = f.taken || v === false ? 'off' : v === true && !f.undecided ? 'on' : 'keep';
        // a branch no earlier one could have taken, read alone; after an undecided one, read beside it
        if (branch === 'off' || !f.undecided) for (const l of span) blank[l] = 1;
        f.taken ||= v === true;
        f.undecided ||= v === undefined;
        f.branch = branch;
        f.lines.push(...span);
      }
    }
    i = end;
  }
  if (!blank.includes(1)) return text;
  return lines.map((l, i) => (blank[i] ? l.replace(/[^\n]/g, ' ') : l)).join('\n');
}
