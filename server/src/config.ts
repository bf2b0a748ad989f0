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
  /** Files larger than this (bytes) are skipped and reported. */
  maxFileSize: number;
  /** Problems found in `.trapline.json`; the defaults are used for what they concern. */
  problems: { message: string; range: Range }[];
  configFile: string | null;
}

export const CONFIG_FILE = '.trapline.json';
const KNOWN_KEYS = new Set(['profile', 'roles', 'rules', 'exclude', 'maxFileSize']);
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** A profile by name; only our own names (not `toString` and friends of Object.prototype). */
export function profileNamed(name: unknown): Profile | undefined {
  return typeof name === 'string' && Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}

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
export type ConfigOverrides = Partial<{ profile: string; roles: RoleConfig[]; rules: Record<string, Severity>; exclude: string[]; maxFileSize: number }>;

/** Where JSON.parse gave up: its "position N" when it says, else where a small JSON scanner stops. */
function jsonErrorOffset(text: string, e: unknown): number {
  const m = /position (\d+)/.exec(String(e));
  return m ? Number(m[1]) : jsonSyntaxErrorAt(text);
}

/** Offset of the first JSON syntax error (V8's messages do not always carry one). */
export function jsonSyntaxErrorAt(text: string): number {
  let i = 0;
  const ws = (): void => { while (i < text.length && /\s/.test(text[i])) i++; };
  const fail = (): never => { throw i; };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++; ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') { ws(); if (text[i] !== '"') fail(); str(); ws(); if (text[i] !== ':') fail(); i++; }
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') { str(); return; }
    const lit = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!lit) fail();
    i += (lit as RegExpExecArray)[0].length;
  };
  const str = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
  };
  try { value(); ws(); return i < text.length ? i : 0; } catch (at) { return typeof at === 'number' ? Math.min(at, text.length) : 0; }
}

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
      const pos = jsonErrorOffset(text, e);
      const lines = text.slice(0, pos).split('\n');
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/\s+/g, ' ').slice(0, 120);
      problems.push({ message: `${CONFIG_FILE}: invalid JSON (${why})`, range: { file: CONFIG_FILE, line: lines.length - 1, column: lines[lines.length - 1].length, endLine: lines.length - 1, endColumn: lines[lines.length - 1].length + 1 } });
    }
  }
  for (const k of Object.keys(raw)) if (!KNOWN_KEYS.has(k)) problems.push({ message: `${CONFIG_FILE}: unknown key "${k}"`, range: keyRange(CONFIG_FILE, text, k) });

  let profile = detectProfile(root);
  const profileName = raw.profile ?? overrides?.profile;
  if (profileName !== undefined) {
    const named = profileNamed(profileName);
    if (named) profile = named;
    else problems.push({ message: `${CONFIG_FILE}: unknown profile ${JSON.stringify(profileName)} (known: ${Object.keys(PROFILES).join(', ')})`, range: keyRange(CONFIG_FILE, text, 'profile') });
  }

  let roles = overrides?.roles ?? profile.roles;
  if (raw.roles !== undefined) {
    const strings = (x: unknown): boolean => Array.isArray(x) && x.every((e) => typeof e === 'string' && e.length > 0);
    const ok = Array.isArray(raw.roles) && raw.roles.every((r: unknown) => typeof r === 'object' && r !== null
      && typeof (r as RoleConfig).name === 'string' && (r as RoleConfig).name.length > 0
      && ((typeof (r as RoleConfig).entry === 'string' && (r as RoleConfig).entry.length > 0) || strings((r as RoleConfig).entry))
      && ((r as RoleConfig).via === undefined || strings((r as RoleConfig).via))
      && ((r as RoleConfig).kind === undefined || ['bsp', 'ap', 'other'].includes((r as RoleConfig).kind as string)));
    if (ok) roles = (raw.roles as RoleConfig[]).map((r) => ({ ...r, kind: r.kind ?? (/^(bsp|boot)/i.test(r.name) ? 'bsp' : /^(ap|secondary)/i.test(r.name) ? 'ap' : 'other') }));
    else problems.push({ message: `${CONFIG_FILE}: "roles" must be a list of { "name": string, "entry": string | string[], "via"?: string[], "kind"?: "bsp" | "ap" | "other" }`, range: keyRange(CONFIG_FILE, text, 'roles') });
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
        if (e.trim().length === 0) problems.push({ message: `${CONFIG_FILE}: an "exclude" pattern is empty`, range: keyRange(CONFIG_FILE, text, 'exclude') });
        else if (path.isAbsolute(e) || e.split('/').includes('..')) problems.push({ message: `${CONFIG_FILE}: exclude pattern "${e}" points outside the workspace`, range: keyRange(CONFIG_FILE, text, 'exclude') });
        else exclude.push(e);
      }
    } else problems.push({ message: `${CONFIG_FILE}: "exclude" must be a list of glob patterns`, range: keyRange(CONFIG_FILE, text, 'exclude') });
  }
  exclude = [...new Set(exclude)];
  let maxFileSize = overrides?.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (raw.maxFileSize !== undefined) {
    if (typeof raw.maxFileSize === 'number' && Number.isInteger(raw.maxFileSize) && raw.maxFileSize > 0) maxFileSize = raw.maxFileSize;
    else problems.push({ message: `${CONFIG_FILE}: "maxFileSize" must be a positive number of bytes`, range: keyRange(CONFIG_FILE, text, 'maxFileSize') });
  }
  return { profile, roles, rules, exclude, maxFileSize, problems, configFile: present ? file : null };
}
