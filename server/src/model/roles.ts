import type { RoleConfig } from './types';

/** What a role's kind and start mean for the walk and the rules, in one place. */

/** The CPU starts from reset after boot, in the memory of the booted system (S3 resume, hot-plug). */
export function startsAfterBoot(r: RoleConfig): boolean { return r.after === 'boot'; }

/** The boot CPU on its boot path: the role whose memory the others start from. */
export function isBootBsp(r: RoleConfig): boolean { return r.kind === 'bsp' && !startsAfterBoot(r); }

/**
 * Reads a features word with every bit the tree ORs into it anywhere: the CPU runs after code the
 * walk of its own path did not see (an AP, started late in boot; any role started after boot).
 */
export function seesLateWords(r: RoleConfig): boolean { return r.kind === 'ap' || startsAfterBoot(r); }

/** The kind as `.trapline.json` spells it: the boot CPU started after boot is `resume`. */
export type ConfiguredKind = 'bsp' | 'ap' | 'other' | 'resume';

export function configuredKind(r: RoleConfig): ConfiguredKind {
  return r.kind === 'bsp' && startsAfterBoot(r) ? 'resume' : r.kind ?? 'other';
}

/** How reports name the kind of a role that starts after boot: `resume`, `ap after boot`, `other after boot`. */
export function afterBootKind(kind: ConfiguredKind): string { return kind === 'resume' ? kind : `${kind} after boot`; }
