import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RoleConfig, Range, Severity } from './model/types';
import xen from './profiles/xen.json';
import linux from './profiles/linux.json';
import generic from './profiles/generic.json';

export interface GateWriterHint { name: string; gate: number; handler: number; form: 'whole' | 'lower-half' | 'two-halves' }
export interface Hints {
  gateWriters: GateWriterHint[];
  istSetters: { name: string; gate: number; ist: number }[];
  percpuAccessors: string[];
  readCr4: string[];
  freeInit: string[];
  initBoundarySymbols: string[];
  startAps: string[];
  tableCopy: string[];
  /** Return 0 on the boot CPU and non-zero on the others: decides `if (cpu == 0)`. */
  cpuId: string[];
  /** Calls that end a boot path with an error (panic, BUG): the path is not followed into them. */
  exitFunctions: string[];
}
export interface Profile { name: string; detect: string[]; roles: RoleConfig[]; exclude: string[]; prefer: string[]; hints: Hints }

export const PROFILES: Record<string, Profile> = { xen: xen as Profile, linux: linux as Profile, generic: generic as Profile };

export interface Config {
  profile: Profile;
  roles: RoleConfig[];
  rules: Record<string, Severity>;
  exclude: string[];
  /** Problems found in `.trapline.json`; the defaults are used for what they concern. */
  problems: { message: string; range: Range }[];
  configFile: string | null;
}

export const CONFIG_FILE = '.trapline.json';
const KNOWN_KEYS = new Set(['profile', 'roles', 'rules', 'exclude']);
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

export function detectProfile(root: string): Profile {
  for (const p of Object.values(PROFILES)) if (p.detect.some((d) => existsSync(path.join(root, d)))) return p;
  return PROFILES.generic;
}

/** Line/column of a key in the JSON text, so a problem points at what the user wrote. */
function keyRange(file: string, text: string, key: string): Range {
  const i = text.indexOf(`"${key}"`);
  const at = i < 0 ? 0 : i;
  const before = text.slice(0, at).split('\n');
  const line = before.length - 1;
  const column = before[before.length - 1].length;
  return { file, line, column, endLine: line, endColumn: column + (i < 0 ? 1 : key.length + 2) };
}

/** Settings from the editor (`trapline.profile`, `trapline.roles`, ...): `.trapline.json` wins over them. */
export type ConfigOverrides = Partial<{ profile: string; roles: RoleConfig[]; rules: Record<string, Severity>; exclude: string[] }>;

export function loadConfig(root: string, ruleIds: readonly string[], overrides?: ConfigOverrides, unsaved?: string): Config {
  const file = path.join(root, CONFIG_FILE);
  const problems: Config['problems'] = [];
  let raw: Record<string, unknown> = {};
  let text = '';
  const present = unsaved !== undefined || existsSync(file);
  if (present) {
    text = unsaved ?? readFileSync(file, 'utf8');
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push({ message: `${CONFIG_FILE}: the top level must be an object`, range: keyRange(CONFIG_FILE, text, '') });
      else raw = parsed as Record<string, unknown>;
    } catch (e) {
      const m = /position (\d+)/.exec(String(e));
      const pos = m ? Number(m[1]) : 0;
      const lines = text.slice(0, pos).split('\n');
      problems.push({ message: `${CONFIG_FILE}: invalid JSON (${e instanceof Error ? e.message : String(e)})`, range: { file: CONFIG_FILE, line: lines.length - 1, column: lines[lines.length - 1].length, endLine: lines.length - 1, endColumn: lines[lines.length - 1].length + 1 } });
    }
  }
  for (const k of Object.keys(raw)) if (!KNOWN_KEYS.has(k)) problems.push({ message: `${CONFIG_FILE}: unknown key "${k}"`, range: keyRange(CONFIG_FILE, text, k) });

  let profile = detectProfile(root);
  const profileName = raw.profile ?? overrides?.profile;
  if (profileName !== undefined) {
    if (typeof profileName === 'string' && PROFILES[profileName]) profile = PROFILES[profileName];
    else problems.push({ message: `${CONFIG_FILE}: unknown profile ${JSON.stringify(profileName)} (known: ${Object.keys(PROFILES).join(', ')})`, range: keyRange(CONFIG_FILE, text, 'profile') });
  }

  let roles = overrides?.roles ?? profile.roles;
  if (raw.roles !== undefined) {
    const ok = Array.isArray(raw.roles) && raw.roles.every((r: unknown) => typeof r === 'object' && r !== null
      && typeof (r as RoleConfig).name === 'string' && (typeof (r as RoleConfig).entry === 'string' || Array.isArray((r as RoleConfig).entry))
      && ((r as RoleConfig).via === undefined || Array.isArray((r as RoleConfig).via)));
    if (ok) roles = (raw.roles as RoleConfig[]).map((r) => ({ ...r, kind: r.kind ?? (/^(bsp|boot)/i.test(r.name) ? 'bsp' : /^(ap|secondary)/i.test(r.name) ? 'ap' : 'other') }));
    else problems.push({ message: `${CONFIG_FILE}: "roles" must be a list of { "name": string, "entry": string, "via"?: string[] }`, range: keyRange(CONFIG_FILE, text, 'roles') });
  }

  const rules: Record<string, Severity> = { ...(overrides?.rules ?? {}) };
  if (raw.rules !== undefined) {
    if (typeof raw.rules !== 'object' || raw.rules === null || Array.isArray(raw.rules)) problems.push({ message: `${CONFIG_FILE}: "rules" must be an object of rule id to severity`, range: keyRange(CONFIG_FILE, text, 'rules') });
    else for (const [id, sev] of Object.entries(raw.rules as Record<string, unknown>)) {
      if (!ruleIds.includes(id)) problems.push({ message: `${CONFIG_FILE}: unknown rule id "${id}" (known: ${ruleIds.join(', ')})`, range: keyRange(CONFIG_FILE, text, id) });
      else if (typeof sev !== 'string' || !SEVERITIES.has(sev)) problems.push({ message: `${CONFIG_FILE}: severity of ${id} must be one of ${[...SEVERITIES].join(', ')}`, range: keyRange(CONFIG_FILE, text, id) });
      else rules[id] = sev as Severity;
    }
  }

  let exclude = [...profile.exclude, ...(overrides?.exclude ?? [])];
  if (raw.exclude !== undefined) {
    if (Array.isArray(raw.exclude) && raw.exclude.every((e) => typeof e === 'string')) {
      for (const e of raw.exclude as string[]) {
        if (path.isAbsolute(e) || e.split('/').includes('..')) problems.push({ message: `${CONFIG_FILE}: exclude pattern "${e}" points outside the workspace`, range: keyRange(CONFIG_FILE, text, 'exclude') });
        else exclude.push(e);
      }
    } else problems.push({ message: `${CONFIG_FILE}: "exclude" must be a list of glob patterns`, range: keyRange(CONFIG_FILE, text, 'exclude') });
  }
  exclude = [...new Set(exclude)];
  return { profile, roles, rules, exclude, problems, configFile: present ? file : null };
}
