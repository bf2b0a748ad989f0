import type { RoleConfig, Severity } from '../model/types';
import type { ConfiguredKind } from '../model/roles';
import { excludePatternProblem } from '../index/exclude-pattern';
import type { JsonPath } from './json-scan';

/** The settings a configuration can make, each checked: `.trapline.json` and the editor's `trapline.*` alike. */
export interface ConfigValues {
  profile?: string; roles?: RoleConfig[]; rules?: Record<string, Severity>; exclude?: string[]; maxFileSize?: number;
  /** The kernel configuration to read the tree under: a `.config`, or a build folder (`O=`) holding one, relative to the root. */
  kconfig?: string;
}
export const CONFIG_KEYS: readonly (keyof ConfigValues)[] = ['profile', 'roles', 'rules', 'exclude', 'maxFileSize', 'kconfig'];
const KNOWN_KEYS = new Set<string>(CONFIG_KEYS);
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);
const KINDS = new Set<string>(['bsp', 'ap', 'resume', 'other'] satisfies ConfiguredKind[]);

/** A problem with the configuration: its message and the place it is about. */
export interface ConfigProblem { message: string; at: JsonPath }

/** Where the values come from: the prefix of every message, and how a key is named in it. */
export interface ConfigSource { label: string; key: (k: string) => string }

/** More roles than any tree boots: the walks grow with each (20,000 roles took 51 s and 2 GB). */
export const MAX_ROLES = 64;
/** Exclude patterns: each one is matched against every path of the tree. */
export const MAX_EXCLUDES = 256;
/** Problems reported; the rest are counted in one more. */
export const MAX_PROBLEMS = 100;

/** The kind a role has when it does not say: from its name (`bsp*`/`boot*`, `ap*`/`secondary*`, `resume*`/`s3*`). */
export function kindFromName(name: string): ConfiguredKind {
  return /^(bsp|boot)/i.test(name) ? 'bsp' : /^(ap|secondary)/i.test(name) ? 'ap' : /^(resume|s3)/i.test(name) ? 'resume' : 'other';
}

/** A role as written in a configuration or a profile. */
export interface RoleInput { name: string; entry: string | string[]; via?: string[]; kind?: ConfiguredKind; after?: 'boot' }

/** A role as the engine takes it: `"kind": "resume"` is the boot CPU started after boot. */
export function roleOf(r: RoleInput): RoleConfig {
  const kind = r.kind ?? kindFromName(r.name);
  const role: RoleConfig = { name: r.name, entry: r.entry, ...(r.via ? { via: r.via } : {}), kind: kind === 'resume' ? 'bsp' : kind };
  return kind === 'resume' || r.after === 'boot' ? { ...role, after: 'boot' } : role;
}

const nonEmptyStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((e) => typeof e === 'string' && e.length > 0);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function isRole(r: unknown): r is RoleInput {
  if (!isObject(r)) return false;
  return typeof r.name === 'string' && r.name.length > 0
    && ((typeof r.entry === 'string' && r.entry.length > 0) || nonEmptyStrings(r.entry))
    && (r.via === undefined || nonEmptyStrings(r.via))
    && (r.kind === undefined || (typeof r.kind === 'string' && KINDS.has(r.kind)))
    && (r.after === undefined || r.after === 'boot');
}

/**
 * Checks a configuration object. What is wrong is left out of the values (the defaults are used
 * for it) and reported; what is right next to it is kept.
 */
export function validateConfig(raw: Record<string, unknown>, known: { rules: readonly string[]; profiles: readonly string[] }, src: ConfigSource): { values: ConfigValues; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const values: ConfigValues = {};
  const problem = (message: string, ...at: (string | number)[]): void => { problems.push({ message: `${src.label}: ${message}`, at }); };
  for (const k of Object.keys(raw)) if (!KNOWN_KEYS.has(k)) problem(`unknown key ${JSON.stringify(k)}`, k);

  if (raw.profile !== undefined) {
    if (typeof raw.profile === 'string' && known.profiles.includes(raw.profile)) values.profile = raw.profile;
    else problem(`unknown profile ${JSON.stringify(raw.profile)} in ${src.key('profile')} (known: ${known.profiles.join(', ')})`, 'profile');
  }

  if (raw.roles !== undefined) {
    const list = raw.roles;
    const bad = Array.isArray(list) ? list.findIndex((r) => !isRole(r)) : -1;
    if (!Array.isArray(list) || bad >= 0) {
      problem(`${src.key('roles')} must be a list of { "name": string, "entry": string | string[], "via"?: string[], "kind"?: "bsp" | "ap" | "resume" | "other", "after"?: "boot" }${bad >= 0 ? ` (item ${bad + 1} is not)` : ''}`, ...(bad >= 0 ? ['roles', bad] : ['roles']));
    } else {
      const roles = new Map<string, RoleConfig>();
      let past = -1;
      (list as RoleInput[]).forEach((r, i) => {
        if (roles.has(r.name)) problem(`${src.key('roles')}: a second role named ${JSON.stringify(r.name)} (item ${i + 1}) is ignored`, 'roles', i);
        else if (roles.size < MAX_ROLES) roles.set(r.name, roleOf(r));
        else if (past < 0) past = i;
      });
      if (past >= 0) problem(`${src.key('roles')}: ${list.length} roles; roles past the ${MAX_ROLES}th are ignored`, 'roles', past);
      values.roles = [...roles.values()];
    }
  }

  if (raw.rules !== undefined) {
    if (!isObject(raw.rules)) problem(`${src.key('rules')} must be an object of rule id to severity`, 'rules');
    else {
      const rules: Record<string, Severity> = {};
      for (const [id, sev] of Object.entries(raw.rules)) {
        if (!known.rules.includes(id)) problem(`unknown rule id ${JSON.stringify(id)} in ${src.key('rules')} (known: ${known.rules.join(', ')})`, 'rules', id);
        else if (typeof sev !== 'string' || !SEVERITIES.has(sev)) problem(`${src.key('rules')}: severity of ${id} must be one of ${[...SEVERITIES].join(', ')}`, 'rules', id);
        else rules[id] = sev as Severity;
      }
      values.rules = rules;
    }
  }

  if (raw.exclude !== undefined) {
    if (!Array.isArray(raw.exclude) || !raw.exclude.every((e) => typeof e === 'string')) problem(`${src.key('exclude')} must be a list of glob patterns`, 'exclude');
    else {
      const kept: string[] = [];
      (raw.exclude as string[]).forEach((e, i) => {
        const why = excludePatternProblem(e);
        if (why) problem(`${src.key('exclude')} pattern ${JSON.stringify(e)} ${why}`, 'exclude', i);
        else if (i < MAX_EXCLUDES) kept.push(e);
      });
      if (raw.exclude.length > MAX_EXCLUDES) problem(`${src.key('exclude')}: ${raw.exclude.length} patterns; patterns past the ${MAX_EXCLUDES}th are ignored`, 'exclude', MAX_EXCLUDES);
      values.exclude = kept;
    }
  }

  if (raw.kconfig !== undefined) {
    // read through the safe reader, inside the root: a relative path that stays in it
    const k = raw.kconfig;
    if (typeof k === 'string' && k.length > 0 && k.length <= 4096 && !k.startsWith('/') && !k.split(/[\\/]/).includes('..')) values.kconfig = k;
    else problem(`${src.key('kconfig')} must be the path of a .config or of a build folder holding one, relative to the workspace root and inside it`, 'kconfig');
  }

  if (raw.maxFileSize !== undefined) {
    if (typeof raw.maxFileSize === 'number' && Number.isInteger(raw.maxFileSize) && raw.maxFileSize > 0) values.maxFileSize = raw.maxFileSize;
    else problem(`${src.key('maxFileSize')} must be a positive number of bytes`, 'maxFileSize');
  }
  return { values, problems: capped(problems, src) };
}

/** The first MAX_PROBLEMS problems, and one saying how many more there are. */
function capped(problems: ConfigProblem[], src: ConfigSource): ConfigProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), { message: `${src.label}: ${problems.length - MAX_PROBLEMS} more problems not shown`, at: [] }];
}
