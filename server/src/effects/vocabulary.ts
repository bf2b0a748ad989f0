import type { Hints } from '../config';
import { escapeRe } from '../model/regex';
import type { WorkspaceIndex } from '../index/index';
import { TABLE_LOAD_MNEMONICS } from './insn';

/**
 * The words by which a text-level pass (relevance summaries, macro bodies) decides that code may
 * change boot exception state, built from the same instruction table and profile facts as the
 * recognisers: a pass that prunes can never skip what the walker would have recognised.
 */
export interface Vocabulary {
  /** A body that changes IDT/TSS/CR4/init state itself: a table load or CR4 write in its asm (`strings`: its `asmStrings`), an IST store, init memory freed by its bounds. */
  owns(text: string, strings: string): boolean;
  /** A function-like macro worth expanding at a call: any of the above, `sti`, a gate writer, a jump or call in inline asm. */
  readonly macro: RegExp;
}

const byHints = new WeakMap<Hints, Vocabulary>();

/** C string literals: where an instruction is written in C (inline asm templates). */
const STRING = /"(?:[^"\\\n]|\\.)*"/g;

/** The string literals of a C text, one per line: a mnemonic outside them is a name (`struct latch_tree_root *ltr`). */
export function asmStrings(text: string): string {
  return text.includes('"') ? Array.from(text.matchAll(STRING), (m) => m[0]).join('\n') : '';
}

export function vocabularyOf(hints: Hints): Vocabulary {
  let v = byHints.get(hints);
  if (!v) {
    const loads = TABLE_LOAD_MNEMONICS.join('|');
    const bounds = hints.initBoundarySymbols.map(escapeRe).join('|');
    // the two uses the walker reads as freeing init memory: a loop over the bounds, and a call
    // passed one of them (`memset(__init_begin, ...)`, `free_init_pages((unsigned long)_sinittext, ...)`)
    const boundary = bounds ? `|\\bfor\\s*\\(([^;{}]*;)?[^;{}]*\\b(${bounds})\\b|[(,]\\s*(&\\s*|\\(\\s*[\\w\\s*]+\\)\\s*)?(${bounds})\\s*[,)]` : '';
    const code = new RegExp(`->ist\\b|\\.ist\\b|\\bist\\s*\\[${boundary}`);
    // CR4 as the destination (`mov %0,%%cr4`): a read changes nothing
    const asm = new RegExp(`\\b(${loads})\\b|,\\s*%%cr4\\b`);
    v = {
      owns: (text, strings) => code.test(text) || asm.test(strings),
      macro: new RegExp(`\\b(${loads}|sti|cr4)\\b|%%cr4|->ist|\\.ist\\b|_gate\\b|"[^"]*\\b(jmp|call)\\b[^"]*"`),
    };
    byHints.set(hints, v);
  }
  return v;
}

/**
 * The function a function-like macro only forwards to (`#define load_idt(dtr) native_load_idt(dtr)`,
 * through further such macros): the walk and the relevance summary follow the call it expands to.
 */
export function forwardedTo(index: WorkspaceIndex, body: string, depth = 0): string | null {
  const m = /^\s*\(?\s*([A-Za-z_]\w*)\s*\([^;]*\)\s*\)?\s*;?\s*$/.exec(body);
  if (!m || depth > 8) return null;
  if (index.functions.has(m[1])) return m[1];
  const next = index.macros.get(m[1]);
  return next && next.params !== null ? forwardedTo(index, next.body, depth + 1) : null;
}
