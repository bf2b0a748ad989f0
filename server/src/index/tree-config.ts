/**
 * The kernel configuration a tree is read under, when it has Kconfig files (Linux at the root,
 * Xen under `xen/`, as the profile says): its `.config`, or the architecture's defconfig resolved
 * through Kconfig; and the sources its Makefiles build under it. Read through the one safe reader.
 */
import type { Profile } from '../config';
import { describeConfig, kbuildStatus, loadKernelConfig, namedConfigFiles, selectKbuild, LINUX_KBUILD, XEN_KBUILD, type KbuildSelection, type KernelConfig } from '../kconfig/kconfig';
import { readInsideRoot } from './read-source';

export interface TreeConfig {
  readonly config: KernelConfig;
  /** The sources the Makefiles build, or null where the tree's Makefiles could not be read. */
  readonly kbuild: KbuildSelection | null;
  /** Which configuration, in words, for every report: the source, and how many symbols it left undecided. */
  readonly description: string;
}

/** Kconfig and Makefiles are small; a file past this is not one. */
const MAX_BUILD_FILE = 4 * 1024 * 1024;

export function treeConfig(root: string, profile: Profile, configPath?: string): TreeConfig | null {
  const k = profile.kconfig;
  if (!k) return null;
  const read = (rel: string): string | undefined => readBuildFile(root, rel);
  if (read(k.root ? `${k.root}/Kconfig` : 'Kconfig') === undefined) return null;
  const config = loadKernelConfig({ read, kconfigRoot: k.root, configPath, env: new Map(process.env.KCONFIG_CONFIG ? [['KCONFIG_CONFIG', process.env.KCONFIG_CONFIG]] : []) });
  if (config.source.kind === 'none') return null;
  let kbuild: KbuildSelection | null = null;
  try { kbuild = selectKbuild({ read, config, layout: k.layout === 'xen' ? XEN_KBUILD : LINUX_KBUILD }); } catch { kbuild = null; }
  return { config, kbuild, description: summary(config) };
}

/** A `.c`/`.S` file the configuration's Makefiles do not build (headers and everything undecided are read). */
export function notBuilt(tc: TreeConfig | null, file: string): boolean {
  if (!tc?.kbuild || !/\.(c|S)$/.test(file)) return false;
  return kbuildStatus(tc.kbuild, file) === 'not-built';
}

/** `.config (3838 symbols)`, `arch/x86/configs/x86_64_defconfig + Kconfig defaults, assuming GCC on x86-64, 28 toolchain symbols undecided`. */
function summary(c: KernelConfig): string {
  const full = describeConfig(c);
  const head = full.replace(/;.*$/, '').replace(/ \(\d+ symbols from \d+ Kconfig files, (assuming [^)]*)\)/, ', $1');
  return c.undecided.length > 0 ? `${head}, ${c.undecided.length} symbols undecided (${c.undecided.slice(0, 3).map((u) => u.name).join(', ')}${c.undecided.length > 3 ? ', ...' : ''})` : head;
}

/**
 * What the configuration is read from besides the sources, for a result cache's key: the
 * `.config` (root's or KCONFIG_CONFIG's) as it is now. (The Kconfig files and Makefiles are not
 * in it: a change there alone is seen at the next change of a source, or with --no-cache.)
 */
export function configInputs(root: string, profile: Profile, configPath?: string | null): string {
  const k = profile.kconfig;
  if (!k) return '';
  const rel = (p: string): string => (k.root ? `${k.root}/${p}` : p);
  // the one the configuration is read from first: named (a file or a build folder), KCONFIG_CONFIG, the root's
  for (const file of configPath ? namedConfigFiles(configPath) : []) { const text = readBuildFile(root, file); if (text !== undefined) return `${file}:${text}`; }
  const file = process.env.KCONFIG_CONFIG ? rel(process.env.KCONFIG_CONFIG) : rel('.config');
  return `${file}:${readBuildFile(root, file) ?? 'absent'}`;
}

/** Does `rel` name a `.config` of the tree, or a folder (an `O=` build folder) holding one? */
export function namesKernelConfig(root: string, rel: string): boolean {
  return namedConfigFiles(rel).some((file) => readBuildFile(root, file) !== undefined);
}

/** A Kconfig file, Makefile or `.config` of the tree, through the one safe reader; undefined when absent or not a regular file. */
function readBuildFile(root: string, rel: string): string | undefined {
  const r = readInsideRoot(root, rel, MAX_BUILD_FILE);
  return Buffer.isBuffer(r) ? r.toString('utf8') : undefined;
}
