// Bundles the three entry points (a contract: dist/extension.js, dist/server.js, dist/cli.js) and the
// Boot Timeline webview's script (dist/webview/panel.js), and copies the wasm files beside them.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
mkdirSync('dist', { recursive: true });
// web-tree-sitter's ESM build reads import.meta.url; in a CommonJS bundle that is this file's URL.
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
  define: { 'import.meta.url': '__traplineUrl' },
  banner: { js: "const __traplineUrl = require('url').pathToFileURL(__filename).href;" },
};
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js' }),
  // the engine API for tests (not shipped): same code as the bundles, importable from test/*.mjs
  build({ ...common, entryPoints: ['server/src/api.ts'], outfile: 'out/api.js' }),
  // the Boot Timeline page builder for tests (not shipped)
  build({ ...common, entryPoints: ['client/src/panel-html.ts'], outfile: 'out/panel-html.js' }),
  // the Boot Timeline webview's script: one file, the one script the page's CSP lets run (by nonce)
  build({ entryPoints: ['client/src/webview/main.ts'], outfile: 'dist/webview/panel.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'warning' }),
  // its row grouping and band layout for tests (not shipped)
  build({ ...common, entryPoints: ['client/src/webview/rows.ts'], outfile: 'out/webview-rows.js' }),
]);
chmodSync('dist/cli.js', 0o755);
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'dist/tree-sitter-c.wasm');
copyFileSync('grammars/tree-sitter-gas/tree-sitter-gas.wasm', 'dist/tree-sitter-gas.wasm');
