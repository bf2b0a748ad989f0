// Trapline reads files and talks to its editor; it never opens a network connection. The bundles
// are searched for network APIs: the only ones allowed are the LSP transport (vscode-jsonrpc's
// pipe/socket connection) and web-tree-sitter's browser loader, which runs only when a wasm is
// given as a URL (we always pass the bytes: server/src/parse/parser.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const ALLOWED = {
  'fetch(': [/fetch\(input\)/, /fetch\(url, \{/, /fetch\(binaryFile, \{/],
  'XMLHttpRequest': [/typeof XMLHttpRequest/, /new XMLHttpRequest\(\)/],
  // the JSON-RPC connection over the transport streams (stdio, IPC, named pipe)
  'createConnection(': [/\bnet\.createConnection\(/, /createConnection\((transports\.reader|input, output|\)|ProposedFeatures|[a-zA-Z_.]*\))/],
};
const FORBIDDEN = ['http.request(', 'https.request(', 'http.get(', 'https.get(', 'net.connect(', 'tls.connect(', 'dgram.', 'new WebSocket('];

for (const bundle of ['dist/cli.js', 'dist/server.js', 'dist/extension.js']) {
  test(`no network: ${bundle} makes no network call outside the LSP transport`, () => {
    const text = readFileSync(bundle, 'utf8');
    for (const api of FORBIDDEN) {
      assert.ok(!text.includes(api), `${bundle} uses ${api}`);
    }
    for (const [api, allowed] of Object.entries(ALLOWED)) {
      for (let i = text.indexOf(api); i !== -1; i = text.indexOf(api, i + 1)) {
        const around = text.slice(Math.max(0, i - 60), i + 60);
        assert.ok(allowed.some((re) => re.test(around)), `${bundle}: unexpected ${api} in …${around}…`);
      }
    }
  });
}
