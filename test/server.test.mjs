// The real bundled language server over JSON-RPC (stdio), as an editor drives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import rpc from 'vscode-jsonrpc/node';

/** A server on a copy of a tree, with every publishDiagnostics kept by URI. */
async function startOn(tree, edit) {
  const root = mkdtempSync(path.join(tmpdir(), 'trapline-lsp-'));
  cpSync(tree, root, { recursive: true });
  edit?.(root);
  const child = spawn(process.execPath, ['dist/server.js', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const diags = new Map();
  const sent = { diagnostics: 0 };
  const logs = [];
  const waiters = [];
  const wake = () => { for (const w of [...waiters]) if (w.pred()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); } };
  conn.onNotification('textDocument/publishDiagnostics', (p) => { diags.set(p.uri, p.diagnostics); sent.diagnostics++; wake(); });
  conn.onNotification('window/logMessage', (m) => { logs.push(m.message); wake(); });
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const uri = (f) => pathToFileURL(path.join(root, f)).toString();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities: { window: { workDoneProgress: true } }, workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }] });
  conn.sendNotification('initialized', {});
  const until = (pred, what) => new Promise((resolve, reject) => {
    if (pred()) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20000);
    waiters.push({ pred, resolve: () => { clearTimeout(timer); resolve(); } });
  });
  const close = async () => {
    await conn.sendRequest('shutdown');
    const exited = new Promise((r) => child.once('exit', r));
    await conn.sendNotification('exit');
    await exited;
    conn.dispose();
  };
  return { root, conn, diags, sent, logs, uri, until, close };
}

const codes = (list) => (list ?? []).map((d) => d.code);

test('server: publishes TL diagnostics with codes, ranges and related information for the whole workspace', async () => {
  const s = await startOn('examples/boot-hazards');
  try {
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL005'), 'TL005');
    const all = [...s.diags.values()].flat();
    for (const id of ['TL001', 'TL002', 'TL003', 'TL005']) assert.ok(all.some((d) => d.code === id), `missing ${id}`);
    for (const d of all) {
      assert.equal(d.source, 'trapline');
      assert.match(d.codeDescription.href, /docs\/rules\/TL\d{3}\.md$/);
    }
    const tl001 = all.find((d) => d.code === 'TL001' && /\[ap\]/.test(d.message));
    assert.ok(tl001.relatedInformation.some((r) => /window closes here: ltr/.test(r.message)), 'TL001 carries its closing ltr');
    assert.ok(tl001.relatedInformation.some((r) => /called from/.test(r.message)), 'and the call chain');
  } finally { await s.close(); }
});

test('server: an unsaved edit in traps.c clears the TL001 squiggle in boot/x86_64.S', async () => {
  const s = await startOn('examples/boot-hazards');
  try {
    const asm = s.uri('boot/x86_64.S');
    await s.until(() => codes(s.diags.get(asm)).includes('TL001'), 'TL001 in x86_64.S');
    const file = path.join(s.root, 'traps.c');
    const text = readFileSync(file, 'utf8');
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('traps.c'), languageId: 'c', version: 1, text } });
    // no IST on the shared table: the AP's lidt of it is no longer an IST window
    const fixed = text.split('\n').map((l) => (/set_ist\(/.test(l) ? '' : l)).join('\n');
    s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('traps.c'), version: 2 }, contentChanges: [{ text: fixed }] });
    await s.until(() => !codes(s.diags.get(asm)).includes('TL001'), 'TL001 gone from x86_64.S');
    assert.ok(codes(s.diags.get(asm)).includes('TL005'), 'the other findings in x86_64.S stay');
  } finally { await s.close(); }
});

test('server: an edit of a boot step line is walked again at once, re-using the previous walk, with the same squiggles as before (not sent again)', async () => {
  const s = await startOn('examples/boot-hazards');
  try {
    await s.until(() => s.logs.some((l) => /findings/.test(l)), 'the first analysis');
    const before = JSON.stringify([...s.diags].sort());
    const text = readFileSync(path.join(s.root, 'traps.c'), 'utf8');
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('traps.c'), languageId: 'c', version: 1, text } });
    // a statement typed at the end of the ltr line: on the BSP's and the AP's paths, no new step
    const edited = text.replace('    ltr(TSS_SELECTOR);', '    ltr(TSS_SELECTOR); barrier();');
    assert.notEqual(edited, text);
    const sentBefore = s.sent.diagnostics;
    s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('traps.c'), version: 2 }, contentChanges: [{ text: edited }] });
    await s.until(() => s.logs.some((l) => /traps\.c edited on a boot path/.test(l)), 'the edit walked again');
    const line = s.logs.find((l) => /traps\.c edited on a boot path/.test(l));
    const reused = Number(/(\d+) calls re-used/.exec(line)?.[1]);
    assert.ok(reused > 0, line);
    assert.equal(JSON.stringify([...s.diags].sort()), before, 'the same diagnostics');
    // the log line follows the diagnostics of the edit on the stream: none were sent, none changed
    assert.equal(s.sent.diagnostics, sentBefore, 'no file\'s diagnostics sent again');
    assert.equal(s.logs.filter((l) => /profile/.test(l)).length, 1, 'no whole analysis after the first');
  } finally { await s.close(); }
});

test('server: a broken .trapline.json gets a diagnostic at the key and the defaults are used', async () => {
  const s = await startOn('examples/boot-hazards', (root) => {
    const cfg = JSON.parse(readFileSync(path.join(root, '.trapline.json'), 'utf8'));
    writeFileSync(path.join(root, '.trapline.json'), JSON.stringify({ ...cfg, rules: { TL042: 'off' } }, null, 2));
  });
  try {
    const cfgUri = s.uri('.trapline.json');
    await s.until(() => (s.diags.get(cfgUri) ?? []).length > 0, 'a diagnostic on .trapline.json');
    const d = s.diags.get(cfgUri)[0];
    assert.match(d.message, /unknown rule id "TL042"/);
    assert.equal(d.severity, 1);
    const line = readFileSync(path.join(s.root, '.trapline.json'), 'utf8').split('\n').findIndex((l) => l.includes('TL042'));
    assert.equal(d.range.start.line, line);
    await s.until(() => [...s.diags.values()].flat().some((x) => x.code === 'TL001'), 'the analysis still runs');
  } finally { await s.close(); }
});

test('server: go to definition from an asm call to the C function, outline of a .S file, incoming calls across asm and C', async () => {
  const s = await startOn('test/fixtures/navigation');
  try {
    // the first analysis has landed once diagnostics (possibly none) were published for the workspace
    await new Promise((r) => setTimeout(r, 1500));
    const head = readFileSync(path.join(s.root, 'boot/x86_64.S'), 'utf8').split('\n');
    const line = head.findIndex((l) => /call\s+percpu_traps_init/.test(l));
    const character = head[line].indexOf('percpu_traps_init') + 3;
    let defs = [];
    for (let i = 0; i < 40 && defs.length === 0; i++) {
      defs = await s.conn.sendRequest('textDocument/definition', { textDocument: { uri: s.uri('boot/x86_64.S') }, position: { line, character } });
      if (defs.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(defs.length, 1);
    assert.ok(defs[0].uri.endsWith('.c'), `the C definition, not ${defs[0].uri}`);
    const cText = readFileSync(new URL(defs[0].uri), 'utf8').split('\n');
    assert.match(cText[defs[0].range.start.line], /percpu_traps_init\s*\(/);

    const outline = await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: s.uri('boot/head.S') } });
    const names = JSON.stringify(outline);
    assert.match(names, /"name":"start"/);

    const items = await s.conn.sendRequest('textDocument/prepareCallHierarchy', { textDocument: { uri: s.uri('boot/x86_64.S') }, position: { line, character } });
    assert.equal(items[0].name, 'percpu_traps_init');
    const incoming = await s.conn.sendRequest('callHierarchy/incomingCalls', { item: items[0] });
    assert.ok(incoming.some((c) => c.from.uri.endsWith('.S')), 'called from assembly');
  } finally { await s.close(); }
});

test('server: a hover on the AP lidt shows the timeline, and trapline/roles + trapline/timeline answer the panel', async () => {
  const s = await startOn('examples/boot-hazards');
  try {
    const asm = s.uri('boot/x86_64.S');
    await s.until(() => codes(s.diags.get(asm)).includes('TL001'), 'TL001 in x86_64.S');
    const lines = readFileSync(path.join(s.root, 'boot/x86_64.S'), 'utf8').split('\n');
    const line = lines.findIndex((l) => /lidt\s+idt_descr/.test(l));
    const h = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: asm }, position: { line, character: lines[line].indexOf('lidt') + 1 } });
    assert.equal(h.contents.kind, 'markdown');
    assert.match(h.contents.value, /TL001/);
    assert.match(h.contents.value, /ap/);
    const roles = await s.conn.sendRequest('trapline/roles');
    assert.deepEqual(roles.map((r) => r.name).sort(), ['ap', 'bsp']);
    const t = await s.conn.sendRequest('trapline/timeline', { role: 'bsp' });
    assert.ok(t.steps.length > 5);
    assert.ok(t.windows.some((w) => w.rule === 'TL001'));
    assert.ok(t.steps.every((st) => st.uri.startsWith('file://')));
  } finally { await s.close(); }
});

test('server: the preferred quick fix for TL001 on the bsp, applied as an unsaved edit, clears its squiggle', async () => {
  const s = await startOn('examples/boot-hazards');
  try {
    const traps = s.uri('traps.c');
    await s.until(() => (s.diags.get(traps) ?? []).some((d) => d.code === 'TL001'), 'TL001 in traps.c');
    const d = s.diags.get(traps).find((x) => x.code === 'TL001');
    const actions = await s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: traps }, range: d.range, context: { diagnostics: [d] } });
    assert.ok(actions.length >= 2, 'a fix and a suppression');
    assert.ok(actions.some((a) => /trapline-disable-next-line TL001/.test(JSON.stringify(a.edit))), 'the suppression action');
    const fix = actions.find((a) => a.isPreferred) ?? actions[0];
    // apply the workspace edit as the editor would: unsaved buffers
    for (const [uri, edits] of Object.entries(fix.edit.changes)) {
      const file = new URL(uri);
      let text = readFileSync(file, 'utf8');
      const offset = (pos) => text.split('\n').slice(0, pos.line).reduce((n, l) => n + l.length + 1, 0) + pos.character;
      for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
      s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: uri.endsWith('.S') ? 'gas' : 'c', version: 1, text } });
    }
    await s.until(() => !(s.diags.get(traps) ?? []).some((x) => x.code === 'TL001' && x.message === d.message), 'the TL001 squiggle gone');
  } finally { await s.close(); }
});
