import { createHash } from 'node:crypto';
import type { Finding } from '../model/types';

/** Stable across unrelated line shifts: rule, role, file, the opening line's text and the vectors, not line numbers. */
export function fingerprint(f: Finding, lineText: (file: string, line: number) => string): string {
  const key = [f.rule, f.role, f.range.file, lineText(f.range.file, f.range.line).trim().replace(/\s+/g, ' '), f.vectors.join(','), f.chain.map((c) => c.symbol).join('>')].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
