const NAMED = new Map([['\n', '\\n'], ['\r', '\\r'], ['\t', '\\t']]);

/**
 * Text from the tree (file names, code, configuration keys) made safe for a terminal, a CI log or
 * a markdown line: every control character (C0, DEL, C1) is shown escaped (`\n`, `\x1b`), so an
 * ANSI or OSC sequence cannot reach the terminal and a newline in a file name cannot forge a
 * finding line.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => NAMED.get(c) ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
