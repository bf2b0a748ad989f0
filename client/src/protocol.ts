/** The Trapline-specific part of the protocol as the client uses it; docs/protocol.md is the reference. */

export type RoleKind = 'bsp' | 'ap' | 'other';

/** `trapline/roles` (no params) */
/** `afterBoot`: the CPU starts from reset after boot, in the booted system's memory (a resume role, a hot-plugged AP). */
export interface RoleInfo { name: string; entry: string | null; kind: RoleKind; afterBoot?: boolean; steps: number; findings: number }

export interface StepState {
  idt: 'none' | 'empty' | 'table' | 'unknown';
  idtTable?: string;
  istVectors?: number[];
  tss: boolean;
  istSlots: number[];
  cr4Mce: 'off' | 'may' | 'on';
  fred: boolean;
  iflag: boolean;
  initFreed: boolean;
}

export interface ChainLink { symbol: string; file: string; line: number; /** added by the client */ uri?: string }

export interface Step {
  index: number;
  text: string;
  file: string;
  uri: string;
  line: number;
  column: number;
  depth: number;
  chain: ChainLink[];
  within: string;
  kind: string;
  /** kind 'call': the function called */
  callee?: string;
  state: StepState;
}

export interface Window {
  rule: string;
  name?: string;
  severity?: 'error' | 'warning' | 'information' | 'hint';
  reason: string;
  /** 'point': a finding about one step (closeStep is null) */
  extent?: 'window' | 'point';
  openStep: number;
  closeStep: number | null;
  critical: boolean;
}

/** `trapline/timeline` `{ role }`; null before the first analysis or for an unknown role */
export interface Timeline { role: string; startApsAt?: number | null; steps: Step[]; windows: Window[] }

export const REQ_ROLES = 'trapline/roles';
export const REQ_TIMELINE = 'trapline/timeline';
export const REQ_REANALYZE = 'trapline/reanalyze';
export const REQ_PROFILE = 'trapline/profile';
/** `trapline/profile`: the profile in use, and the kernel configuration the tree is read under (null: none). */
export interface ProfileInfo { name: string; configuration?: string | null }
export const NOTE_TIMELINE_CHANGED = 'trapline/timelineChanged';

/** JSON-RPC "method not found": a server without this request. */
export const METHOD_NOT_FOUND = -32601;

/** The rules, for the palette's quick pick (the diagnostics carry their own links). */
export const RULES: { id: string; name: string }[] = [
  { id: 'TL001', name: 'ist-without-tss' },
  { id: 'TL002', name: 'mce-before-handler' },
  { id: 'TL003', name: 'init-handler-survives-init' },
  { id: 'TL004', name: 'init-section-reference' },
  { id: 'TL005', name: 'torn-live-gate-write' },
  { id: 'TL006', name: 'irq-before-vectors' },
  { id: 'TL007', name: 'nmi-gate-unusable' },
  { id: 'TL100', name: 'critical-region' },
  { id: 'TL900', name: 'unresolved-flow' },
];
export const DOCS_BASE = 'https://github.com/trapline/trapline/blob/main/docs/rules/';
