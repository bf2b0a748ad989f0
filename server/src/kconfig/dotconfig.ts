/** `.config` and defconfig files: `CONFIG_X=y|m|"text"|123|0x1f` and `# CONFIG_X is not set`. */
import type { UserValue } from './kconfig-eval';

export interface DotConfigEntry extends UserValue { readonly line: number }

export interface DotConfig {
  readonly path: string;
  /** By symbol name without the prefix; "is not set" reads as `n`. */
  readonly entries: Map<string, DotConfigEntry>;
}

export const CONFIG_PREFIX = 'CONFIG_';

export function parseDotConfig(text: string, path: string, prefix = CONFIG_PREFIX): DotConfig {
  const entries = new Map<string, DotConfigEntry>();
  const set = new RegExp(`^${prefix}([A-Za-z0-9_]+)=(.*)$`);
  const unset = new RegExp(`^# ${prefix}([A-Za-z0-9_]+) is not set\\s*$`);
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const u = unset.exec(line);
    if (u) { entries.set(u[1], { value: 'n', quoted: false, line: i + 1 }); return; }
    const m = set.exec(line);
    if (!m) return;
    const v = m[2].trim();
    const q = /^"((?:[^"\\]|\\.)*)"/.exec(v);
    entries.set(m[1], q ? { value: q[1].replace(/\\(.)/g, '$1'), quoted: true, line: i + 1 } : { value: v, quoted: false, line: i + 1 });
  });
  return { path, entries };
}
