import type { ChainLink, Effect, Range, RoleConfig } from '../model/types';
import type { State } from './state';

export type StepEffect = Effect | { kind: 'call'; callee: string; text: string };

/** One boot-relevant operation on a role's path, with the machine states before and after it. */
export interface Step {
  index: number;
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
  /** Index of the step at which this BSP starts the APs (their memory is the BSP's memory then). */
  startApsAt: number | null;
}

export function stepText(s: Step): string {
  return s.effect.text;
}
