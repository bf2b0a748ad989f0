// The real bundled language server over JSON-RPC (stdio): initialise on a fixture workspace and
// receive the diagnostics a user would see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import rpc from 'vscode-jsonrpc/node';

const root = path.resolve('examples/boot-hazards');

function startServer() {
  const child = spawn(process.execPath, ['dist/server.js', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  conn.listen();
  return { child, conn };
}

test('server: publishes TL diagnostics with codes, ranges and related information for the workspace', async () => {
  const { child, conn } = startServer();
  try {
    const published = new Map();
    const done = new Promise((resolve) => {
      conn.onNotification('textDocument/publishDiagnostics', (p) => {
        published.set(p.uri, p.diagnostics);
        if ([...published.values()].flat().some((d) => d.code === 'TL005')) resolve();
      });
    });
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'boot-hazards' }] });
    conn.sendNotification('initialized', {});
    await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error('no diagnostics within 20 s')), 20000))]);
    const all = [...published.values()].flat();
    const codes = new Set(all.map((d) => d.code));
    for (const id of ['TL001', 'TL002', 'TL003', 'TL005']) assert.ok(codes.has(id), `missing ${id} in ${[...codes].join(', ')}`);
    for (const d of all) {
      assert.equal(d.source, 'trapline');
      assert.match(d.codeDescription.href, /docs\/rules\/TL\d{3}\.md$/);
      assert.ok(d.range.start.line >= 0 && d.range.end.line >= d.range.start.line);
    }
    const tl001 = all.find((d) => d.code === 'TL001');
    assert.ok(tl001.relatedInformation.length > 0, 'TL001 carries its closing step and call chain');
    await conn.sendRequest('shutdown');
    conn.sendNotification('exit');
  } finally {
    conn.dispose();
    child.kill();
  }
});
