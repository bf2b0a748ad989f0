import * as path from 'node:path';

/**
 * How complex an exclude pattern may be. Each segment of a path is matched alone
 * (exclude-matcher.ts), by picomatch's backtracking regular expression of the segment: each `*`
 * multiplies the work on a long name (on a 255-character name: `*a*a*a*a*b` 55 s, `*a*a*a*b`
 * 0.6 s, `*a*a*b` 13 ms), each group of alternatives likewise.
 */
export const EXCLUDE_LIMITS = { length: 256, starsPerSegment: 2, groups: 4 } as const;

/** Whether a `/` sits inside `(...)` or `{...}`: such a group spans segments, which are matched one by one. */
function slashInGroup(pattern: string): boolean {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (c === '/' && depth > 0) return true;
  }
  return false;
}

/** Why an exclude pattern is refused, or null. */
export function excludePatternProblem(pattern: string): string | null {
  if (pattern.trim().length === 0) return 'is empty';
  if (path.isAbsolute(pattern) || pattern.split('/').includes('..')) return 'points outside the workspace';
  if (pattern.length > EXCLUDE_LIMITS.length) return `is longer than ${EXCLUDE_LIMITS.length} characters`;
  const stars = Math.max(0, ...pattern.split('/').filter((s) => s !== '**').map((s) => s.split('*').length - 1));
  if (stars > EXCLUDE_LIMITS.starsPerSegment) return `has ${stars} "*" in one path segment (at most ${EXCLUDE_LIMITS.starsPerSegment})`;
  const groups = pattern.split('').filter((c) => c === '(' || c === '{').length;
  if (groups > EXCLUDE_LIMITS.groups) return `has ${groups} groups "(...)" / "{...}" (at most ${EXCLUDE_LIMITS.groups})`;
  if (slashInGroup(pattern)) return 'has a "/" inside a group "(...)" / "{...}" (write one pattern per alternative)';
  return null;
}
