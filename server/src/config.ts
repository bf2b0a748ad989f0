import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { RoleConfig, Range, Severity } from './model/types';
import { LineMap } from './model/lines';
import { isSkipped, readInsideRoot } from './index/read-source';
import { namesKernelConfig } from './index/tree-config';
import { scanJson, pathKey, type JsonPath } from './config/json-scan';
import { roleOf, validateConfig, type ConfigValues, type RoleInput } from './config/validate';
import xen from './profiles/xen.json';
import linux from './profiles/linux.json';
import generic from './profiles/generic.json';

export interface Hints {
  /** How the tree spells an IST change and a CR4 read: only quick fixes read these, to write a fix in the tree's own words (the walk derives both from the code). */
  istSetters: { name: string; gate: number; ist: number }[];
  readCr4: string[];
  percpuAccessors: string[];
  freeInit: string[];
  initBoundarySymbols: string[];
  startAps: string[];
  /**
   * Calls that start their function argument on this CPU as the next part of boot
   * (`kernel_thread(kernel_init, ...)` in `rest_init`: where Linux starts the APs and frees init memory).
   */
  runsNext: string[];
  /** Return 0 on the boot CPU and non-zero on the others: decides `if (cpu == 0)`. */
  cpuId: string[];
  /** Calls that end a boot path with an error (panic, BUG): the path is not followed into them. */
  exitFunctions: string[];
}
/** Where the tree keeps its Kconfig files (`''`: the root, Linux; `xen`: Xen) and whose Makefile layout it builds with. */
export interface KconfigLayout { root: string; layout: 'linux' | 'xen' }
export interface Profile { name: string; detect: string[]; roles: RoleConfig[]; exclude: string[]; prefer: string[]; hints: Hints; kconfig?: KconfigLayout }

/** A profile file: its roles are written as `.trapline.json` writes them (`"kind": "resume"`). */
type ProfileFile = Omit<Profile, 'roles'> & { roles: RoleInput[] };
const fromFile = (p: ProfileFile): Profile => ({ ...p, roles: p.roles.map(roleOf) });

export const PROFILES: Record<string, Profile> = { xen: fromFile(xen as ProfileFile), linux: fromFile(linux as ProfileFile), generic: fromFile(generic as ProfileFile) };

export interface Config {
  profile: Profile;
  roles: RoleConfig[];
  rules: Record<string, Severity>;
  exclude: string[];
  /** Files larger than this (bytes) are skipped and reported. */
  maxFileSize: number;
  /** The `.config` (or `O=` build folder) named by `.trapline.json` or the settings; null: the tree's own, else its defconfig. */
  kconfig: string | null;
  /** Problems found in `.trapline.json`; the defaults are used for what they concern. */
  problems: { message: string; range: Range }[];
  configFile: string | null;
  /** The text of `.trapline.json` as read (null: absent or not read), for the check cache's key. */
  text: string | null;
}

export const CONFIG_FILE = '.trapline.json';
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;
/** A configuration is a few hundred bytes; more is not one. */
export const MAX_CONFIG_SIZE = 1024 * 1024;

/** A profile by name; only our own names (not `toString` and friends of Object.prototype). */
export function profileNamed(name: unknown): Profile | undefined {
  return typeof name === 'string' && Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}

export function detectProfile(root: string): Profile {
  for (const p of Object.values(PROFILES)) if (p.detect.some((d) => existsSync(path.join(root, d)))) return p;
  return PROFILES.generic;
}

/** Settings from the editor (`trapline.profile`, `trapline.roles`, ...), checked (config/settings.ts): `.trapline.json` wins over them. */
export type ConfigOverrides = ConfigValues;

/** What the configuration may name: the validator's `known`. */
export const knownNames = (ruleIds: readonly string[]): { rules: readonly string[]; profiles: readonly string[] } => ({ rules: ruleIds, profiles: Object.keys(PROFILES) });

/** The text of `.trapline.json`, or the problem with the file; a file that is not a regular file inside the root is not read. */
function readConfigText(root: string): { text: string } | { problem: string } | null {
  const r = readInsideRoot(root, CONFIG_FILE, MAX_CONFIG_SIZE);
  if ('absent' in r) return null;
  return isSkipped(r) ? { problem: r.skipped } : { text: r.toString('utf8') };
}

export function loadConfig(root: string, ruleIds: readonly string[], overrides?: ConfigOverrides, unsaved?: string): Config {
  const file = path.join(root, CONFIG_FILE);
  const problems: Config['problems'] = [];
  const read = unsaved !== undefined ? { text: unsaved } : readConfigText(root);
  const text = read && 'text' in read ? read.text : null;
  const start = { file: CONFIG_FILE, line: 0, column: 0, endLine: 0, endColumn: 1 };
  if (read && 'problem' in read) problems.push({ message: `${CONFIG_FILE}: ${read.problem}`, range: start });
  let raw: Record<string, unknown> = {};
  let rangeAt = (_: JsonPath): Range => start;
  if (text !== null) {
    const scan = scanJson(text);
    const lines = new LineMap(text);
    // a problem points at what the user wrote: its member, else the key it is under
    rangeAt = (at) => {
      const offset = scan.places.get(pathKey(at)) ?? scan.places.get(pathKey(at.slice(0, 1))) ?? 0;
      const last = at[at.length - 1];
      return lines.range(CONFIG_FILE, offset, offset + (typeof last === 'string' ? JSON.stringify(last).length : 1));
    };
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push({ message: `${CONFIG_FILE}: the top level must be an object`, range: start });
      else raw = parsed as Record<string, unknown>;
    } catch (e) {
      // V8 says where it gave up in some messages only
      const m = /position (\d+)/.exec(String(e));
      const pos = Math.min(m ? Number(m[1]) : scan.error ?? 0, text.length);
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/\s+/g, ' ').slice(0, 120);
      problems.push({ message: `${CONFIG_FILE}: invalid JSON (${why})`, range: lines.range(CONFIG_FILE, pos, pos + 1) });
    }
  }
  const checked = validateConfig(raw, knownNames(ruleIds), { label: CONFIG_FILE, key: (k) => JSON.stringify(k) });
  for (const p of checked.problems) problems.push({ message: p.message, range: rangeAt(p.at) });

  const mine = checked.values;
  // a kernel configuration named in .trapline.json that is not there is said where it is named, not dropped unseen
  if (mine.kconfig !== undefined && !namesKernelConfig(root, mine.kconfig)) {
    problems.push({ message: `${CONFIG_FILE}: "kconfig" names ${JSON.stringify(mine.kconfig)}, which is neither a .config nor a folder holding one`, range: rangeAt(['kconfig']) });
    delete mine.kconfig;
  }
  const theirs = overrides ?? {};
  const profile = profileNamed(mine.profile ?? theirs.profile) ?? detectProfile(root);
  return {
    profile,
    roles: mine.roles ?? theirs.roles ?? profile.roles,
    rules: { ...theirs.rules, ...mine.rules },
    exclude: [...new Set([...profile.exclude, ...(theirs.exclude ?? []), ...(mine.exclude ?? [])])],
    maxFileSize: mine.maxFileSize ?? theirs.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    kconfig: mine.kconfig ?? theirs.kconfig ?? null,
    problems,
    configFile: read ? file : null,
    text,
  };
}
