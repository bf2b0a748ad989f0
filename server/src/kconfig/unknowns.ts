/**
 * Values the sources cannot decide: the output of a shell command Kconfig or make would run,
 * an environment variable the build would set, a make function we do not evaluate. Each is
 * kept as a marker inside the text it lands in (`\u0001<n>\u0002`), so anything built from it
 * (a word, a symbol's default, a Makefile line) can tell that it is undecided and why.
 */
export interface Unknown {
  /** What the value would come from. */
  readonly kind: 'shell' | 'env' | 'make';
  /** The command, the variable name, or the make expression, as written after expansion. */
  readonly text: string;
}

const MARK = /\u0001(\d+)\u0002/g;
const HAS_MARK = /\u0001\d+\u0002/;

export class Unknowns {
  readonly list: Unknown[] = [];
  private readonly byKey = new Map<string, number>();

  /** The marker standing for one unknown value (the same unknown gets the same marker). */
  marker(u: Unknown): string {
    const key = `${u.kind}\u0000${u.text}`;
    let i = this.byKey.get(key);
    if (i === undefined) { i = this.list.length; this.list.push(u); this.byKey.set(key, i); }
    return `\u0001${i}\u0002`;
  }

  /** The unknowns a text carries, each once. */
  in(text: string): Unknown[] {
    const out = new Set<Unknown>();
    for (const m of text.matchAll(MARK)) out.add(this.list[Number(m[1])]);
    return [...out];
  }

  /**
   * The text with each marker written back as the reference it stands for (`$(CC)`,
   * `$(shell,uname -r)`), nested ones too, cut at `max` characters: an unknown's text may hold
   * other unknowns (a compiler flag list built from probes), and only messages read this.
   */
  render(text: string, max = 400): string {
    let out = text;
    for (let depth = 0; depth < 4 && HAS_MARK.test(out); depth++) {
      out = out.replace(MARK, (_m, i: string) => { const u = this.list[Number(i)]; return u.kind === 'shell' ? `$(shell,${u.text})` : `$(${u.text})`; });
      if (out.length > max) break;
    }
    return out.length > max ? `${out.slice(0, max)}...` : out;
  }
}

export const hasUnknown = (text: string): boolean => text.includes('\u0001');

/** For messages: what the value would come from. */
export function describeUnknown(u: Unknown): string {
  return u.kind === 'shell' ? `$(shell,${u.text})` : u.kind === 'env' ? `environment variable ${u.text}` : `$(${u.text})`;
}
