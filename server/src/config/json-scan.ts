/** A place in a JSON document: keys of objects and indexes of arrays, from the top. */
export type JsonPath = readonly (string | number)[];

/** Where the values of the top two levels of a JSON text start, and where its first syntax error is. */
export interface JsonScan {
  /** Offset of each member (its key's opening quote) and array element, by `pathKey`, the top two levels only. */
  places: Map<string, number>;
  /** Offset of the first syntax error, or null when the text is valid. */
  error: number | null;
}

/** The `places` key of a path. */
export const pathKey = (p: JsonPath): string => JSON.stringify(p);

/** How deep `places` records: `roles[3]`, `rules.TL001`, never deeper. */
const RECORDED_DEPTH = 2;

interface Frame { object: boolean; path: JsonPath | null; index: number }

/**
 * One pass over the text, with an explicit stack instead of recursion: a text nested 20,000
 * deep still gets its real error offset, and every problem's place is a lookup, not a rescan.
 */
export function scanJson(text: string): JsonScan {
  const places = new Map<string, number>();
  const stack: Frame[] = [];
  let i = 0;
  /** The path of the value about to be read, while it is recorded. */
  let pending: JsonPath | null = [];
  const ws = (): void => { while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++; };
  const str = (): boolean => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) return false;
    i++;
    return true;
  };
  /** Records where the next member or element of the innermost container starts; false on a syntax error. */
  const member = (): boolean => {
    const f = stack[stack.length - 1];
    ws();
    const at = i;
    const recorded = f.path !== null && f.path.length < RECORDED_DEPTH;
    let name: string | number = f.index++;
    if (f.object) {
      if (text[i] !== '"' || !str()) return false;
      if (recorded) try { name = JSON.parse(text.slice(at, i)) as string; } catch { return false; }
      ws();
      if (text[i] !== ':') return false;
      i++;
    }
    pending = recorded ? [...(f.path as JsonPath), name] : null;
    if (pending) places.set(pathKey(pending), at);
    return true;
  };
  const fail = (): JsonScan => ({ places, error: Math.min(i, text.length) });
  for (;;) {
    // a value
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push({ object: c === '{', path: pending, index: 0 });
      i++; ws();
      if (text[i] === (c === '{' ? '}' : ']')) { i++; stack.pop(); } else { if (!member()) return fail(); continue; }
    } else if (c === '"') {
      if (!str()) return fail();
    } else {
      const lit = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
      if (!lit) return fail();
      i += lit[0].length;
    }
    // after a value: the next member, the end of containers, or the end of the text
    for (;;) {
      const f = stack[stack.length - 1];
      if (!f) { ws(); return i < text.length ? fail() : { places, error: null }; }
      ws();
      if (text[i] === ',') { i++; if (!member()) return fail(); break; }
      if (text[i] !== (f.object ? '}' : ']')) return fail();
      i++;
      stack.pop();
    }
  }
}
