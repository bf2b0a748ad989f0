import * as path from 'node:path';

/**
 * How complex an exclude pattern may be. picomatch compiles a pattern to a backtracking regular
 * expression: each `*` of a path segment multiplies the work on a long name (`*a*a*a*a*b` on a
 * 255-character name: 55 s; `*a*a*b`: 13 ms), each `**` on a deep path (five on 1,000 folders:
 * 12 s), each group of alternatives likewise. Within these limits a match of a 4,096-character
 * path takes milliseconds.
 */
export const EXCLUDE_LIMITS = { length: 256, starsPerSegment: 2, globstars: 2, groups: 4 } as const;

/** Why an exclude pattern is refused, or null. */
export function excludePatternProblem(pattern: string): string | null {
  if (pattern.trim().length === 0) return 'is empty';
  if (path.isAbsolute(pattern) || pattern.split('/').includes('..')) return 'points outside the workspace';
  if (pattern.length > EXCLUDE_LIMITS.length) return `is longer than ${EXCLUDE_LIMITS.length} characters`;
  const segments = pattern.split('/');
  const globstars = segments.filter((s) => s === '**').length;
  if (globstars > EXCLUDE_LIMITS.globstars) return `has ${globstars} "**" (at most ${EXCLUDE_LIMITS.globstars})`;
  const stars = Math.max(0, ...segments.filter((s) => s !== '**').map((s) => s.split('*').length - 1));
  if (stars > EXCLUDE_LIMITS.starsPerSegment) return `has ${stars} "*" in one path segment (at most ${EXCLUDE_LIMITS.starsPerSegment})`;
  const groups = pattern.split('').filter((c) => c === '(' || c === '{').length;
  if (groups > EXCLUDE_LIMITS.groups) return `has ${groups} groups "(...)" / "{...}" (at most ${EXCLUDE_LIMITS.groups})`;
  return null;
}
