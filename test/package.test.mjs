// The .vsix a user installs: built by `npm run package`, with the three wasm files and the
// bundles (the Boot Timeline webview's script and its stylesheet too), nothing from node_modules,
// and under 5 MiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

test('package: the .vsix holds the bundles, the webview script and stylesheet and the three wasm files, under 5 MiB', () => {
  execFileSync('npx', ['vsce', 'package', '--no-dependencies', '-o', 'trapline.vsix'], { stdio: 'pipe' });
  const listing = execFileSync('npx', ['vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
  for (const f of ['dist/extension.js', 'dist/server.js', 'dist/cli.js', 'dist/webview/panel.js', 'media/panel.css', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-c.wasm', 'dist/tree-sitter-gas.wasm', 'syntaxes/gas.tmLanguage.json']) {
    assert.ok(listing.includes(f), `${f} missing from the package: ${listing.join(', ')}`);
  }
  assert.ok(!listing.some((f) => f.startsWith('node_modules/') || f.startsWith('server/src') || f.startsWith('test/')), 'no sources, tests or node_modules');
  assert.ok(statSync('trapline.vsix').size < 5 * 1024 * 1024);
});
