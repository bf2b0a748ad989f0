import type { ChainLink, Effect, LimitHit, Range, RoleConfig } from '../model/types';
import type { State } from './state';

export type StepEffect = Effect | { kind: 'call'; callee: string; text: string };

/** One boot-relevant operation on a role's path, with the machine states before and after it. */
export interface Step {
  index: number;
  /** Order of recording across steps and call sites (indices shift when no-op call steps are dropped). */
  seq: number;
  effect: StepEffect;
  range: Range;
  /** Call sites from the role's entry down to the function holding this step. */
  chain: ChainLink[];
  /** Name of the function or label the step sits in. */
  within: string;
  depth: number;
  before: readonly State[];
  after: readonly State[];
}

export interface RolePath {
  role: RoleConfig;
  entry: string | null;
  steps: Step[];
  unresolved: { symbol: string; range: Range }[];
  /** Where a limit of the walk stopped this path (TL900 reports them). */
  limits: LimitHit[];
  /** Index of the step at which this BSP starts the APs (their memory is the BSP's memory then). */
  startApsAt: number | null;
  /**
   * Every direct call the path makes, walked or not (a call the summary says cannot change boot
   * state is not walked but still runs), ordered with the steps by `seq`.
   */
  calls: CallSite[];
}

export interface CallSite { callee: string; caller: string; range: Range; seq: number }

