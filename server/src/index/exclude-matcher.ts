import picomatch from 'picomatch';

/** A `**` segment: any number of path segments. */
const GLOBSTAR = Symbol('**');
type Segment = typeof GLOBSTAR | ((name: string) => boolean);

/** One path segment of a pattern: a name, or picomatch's matcher of that segment alone. */
function segmentMatcher(seg: string): Segment {
  if (seg === '**') return GLOBSTAR;
  if (!/[*?[\]{}()!+@\\]/.test(seg)) return (name) => name === seg;
  // picomatch refuses an empty pattern; an empty segment (a trailing `/`) is an empty name
  return seg === '' ? (name) => name === '' : picomatch(seg, { dot: true });
}

/**
 * Whether `names` (a path split at `/`) match the segments. Greedy, with a return to the last
 * `**` only: as every other segment matches exactly one name, this finds a match when there is
 * one, in (names x segments) segment tests. picomatch's single regular expression for the
 * whole pattern backtracks over every way to split the path between its `**` instead (a
 * pattern of twelve `**` alternating with `a`, on 30 nested folders `a`: 12 s).
 */
function matchSegments(segs: Segment[], names: string[]): boolean {
  let s = 0, n = 0, star = -1, starAt = 0;
  while (n < names.length) {
    const seg = segs[s];
    if (seg === GLOBSTAR) { star = s++; starAt = n; } else if (seg !== undefined && seg(names[n])) { s++; n++; } else if (star >= 0) { s = star + 1; n = ++starAt; } else return false;
  }
  while (segs[s] === GLOBSTAR) s++;
  return s === segs.length;
}

/**
 * A matcher of exclude patterns with picomatch's meaning (`dot: true`, extglobs such as
 * `arch/!(x86)/**`, a leading `!` negating the pattern) whose work grows with the path's length
 * times the pattern's, not exponentially: each segment is matched alone (a name is at most 255
 * bytes, and `excludePatternProblem` bounds a segment's wildcards), the segments as above.
 * Patterns with a `/` inside a group are refused before they get here (excludePatternProblem).
 *
 * One difference, on purpose: picomatch's `arch/!(x86)/**` matches `arch/` (the extglob matches
 * the empty name), so the folder test of listSourceFiles skipped all of `arch/`, `arch/x86`
 * with it; here a segment's extglob never matches an empty name.
 */
export function excludeMatcher(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns.map((p) => {
    const negated = p.startsWith('!') && !p.startsWith('!(');
    return { negated, segs: (negated ? p.slice(1) : p).split('/').map(segmentMatcher) };
  });
  return (path) => {
    const names = path.split('/');
    // as in picomatch, a folder's trailing `/` is optional for a pattern that does not end in one
    const bare = names.length > 1 && names[names.length - 1] === '' ? names.slice(0, -1) : null;
    return compiled.some((c) => (matchSegments(c.segs, names) || (bare !== null && matchSegments(c.segs, bare))) !== c.negated);
  };
}
