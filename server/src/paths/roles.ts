import type { RoleConfig } from '../model/types';
import { isBootBsp, startsAfterBoot } from '../model/roles';
import type { Config } from '../config';
import type { WorkspaceIndex } from '../index/index';
import { PathWalker } from './walker';
import { WalkMemory } from './traces';
import { initialState, resumeFrom, startIn, stateKey, type State } from './state';
import type { RolePath } from './steps';

/**
 * How the walks use traces: `previous`, the walks of the analysis an edit replaces, re-used
 * where they still hold (only when the index's workspace-wide facts are the same: see
 * reanalyzeEdit); `keep`, record this walk's traces for the next edit.
 */
export interface WalkOptions { previous?: WalkMemory | null; keep?: boolean; timeLimitMs?: number }

/**
 * The order roles are walked in: the boot CPU's boot path first (every other role starts from
 * its memory), then the other boot-time roles, then the roles that start after boot.
 */
function rank(r: RoleConfig): number { return isBootBsp(r) ? 0 : startsAfterBoot(r) ? 2 : 1; }

/**
 * The states a role starts in, given the boot CPU's walk (null: there is none). Every CPU starts
 * from reset; what differs is the memory around it:
 * - the BSP and `other` roles: nothing shared (memory as the reset state has it);
 * - an AP: the BSP's memory when it started the APs (without a start point, just before init
 *   memory is freed, else at the end of its path): one state, as the BSP passed them one;
 * - a role after boot: the BSP's memory at the end of its path, init memory freed, one start
 *   state per distinct memory (each path through boot is a system that may suspend or
 *   hot-plug). The boot CPU resumed (`kind` bsp, `"kind": "resume"` in the configuration) keeps
 *   its own memory too: its TSS's IST slots, its per-CPU table slots, the IDTR it stored.
 */
export function startStates(role: RoleConfig, bsp: PathWalker | null): State[] {
  const last = bsp?.steps[bsp.steps.length - 1];
  if (startsAfterBoot(role)) {
    const ends = last?.after ?? [];
    const starts = ends.length === 0 ? [{ ...initialState(), initFreed: true }] : ends.map((m) => (role.kind === 'bsp' ? resumeFrom(m) : startIn(m, true)));
    return [...new Map(starts.map((s) => [stateKey(s), s])).values()];
  }
  if (role.kind !== 'ap' || !bsp) return [initialState()];
  const free = bsp.steps.find((s) => s.effect.kind === 'free-init');
  const shared = bsp.apBase ?? free?.before[0] ?? last?.after[0] ?? null;
  return [shared ? startIn(shared, shared.initFreed) : initialState()];
}

/** Walks every role, BSP first: the others start with the memory it left (`startStates`). */
export function runRoles(index: WorkspaceIndex, config: Config, opts: WalkOptions = {}): { paths: RolePath[]; walks: WalkMemory | null } {
  // the gate tables of the traces re-used: a table met again is the same object
  const memory = new WalkMemory(opts.previous?.gates);
  const order = [...config.roles].sort((a, b) => rank(a) - rank(b));
  const out: RolePath[] = [];
  let bsp: PathWalker | null = null;
  const timeLimit = opts.timeLimitMs === undefined ? null : { deadline: performance.now() + opts.timeLimitMs, ms: opts.timeLimitMs };
  let expired = false;
  for (const role of order) {
    const w: PathWalker = new PathWalker(index, config.profile.hints, role, startStates(role, bsp), memory.gates, opts.previous?.roles.get(role.name) ?? null, opts.keep ?? false, timeLimit);
    out.push(w.run());
    expired ||= w.expired;
    if (opts.keep) memory.roles.set(role.name, w.traces);
    memory.walked += w.counts.walked;
    memory.reused += w.counts.reused;
    if (isBootBsp(role) && !bsp) bsp = w;
  }
  // the calls of a walk cut short did not finish: none of them is re-used
  return { paths: config.roles.map((r) => out.find((p) => p.role === r) as RolePath), walks: opts.keep && !expired ? memory : null };
}
