import { CONFIG_KEYS, validateConfig, type ConfigValues } from './validate';

/** How the editor's settings are named in messages: `settings: "trapline.roles" must be ...`. */
const SETTINGS = { label: 'settings', key: (k: string): string => JSON.stringify(`trapline.${k}`) };

/** VS Code's defaults of the settings (package.json `contributes.configuration`): not set. */
function unset(key: string, v: unknown): boolean {
  return v === undefined || v === null || (key === 'profile' && v === 'auto') || (key === 'kconfig' && v === '') || (key === 'roles' && Array.isArray(v) && v.length === 0);
}

/**
 * The editor's `trapline.*` settings as overrides of the profile, checked by the validator of
 * `.trapline.json` (a role gets its kind, a bad entry is reported and left out). Other
 * `trapline.*` settings (the client's `trace.server`) are not ours to check.
 */
export function settingsOverrides(s: unknown, known: { rules: readonly string[]; profiles: readonly string[] }): { overrides: ConfigValues; problems: string[] } {
  if (typeof s !== 'object' || s === null) return { overrides: {}, problems: [] };
  const raw = new Map<string, unknown>();
  for (const k of CONFIG_KEYS) if (Object.hasOwn(s, k) && !unset(k, (s as Record<string, unknown>)[k])) raw.set(k, (s as Record<string, unknown>)[k]);
  const { values, problems } = validateConfig(Object.fromEntries(raw), known, SETTINGS);
  return { overrides: values, problems: problems.map((p) => p.message) };
}
