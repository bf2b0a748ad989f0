// Edit-to-diagnostics and hover latency of the real language server on a tree:
//   node bench/lsp-edit.mjs DIR FILE [EDITS]
// Opens FILE, makes EDITS unsaved edits (a comment line appended, sent as VS Code sends it: the
// range and the text typed), and times each until the server has answered it (the diagnostics
// that changed published, then trapline/timelineChanged); then EDITS edits of walked code (a statement added to a
// line holding a boot step), timed the same way; then 100 hovers over FILE: half on the boot steps that sit
// in FILE (from trapline/timeline, each role), half at the first word of lines spread over the
// file. Also reports the server's peak RSS (VmHWM from /proc, read just before shutdown).
// As a module: `measureLsp(dir, file, { edits, walkedEdits, hovers })` returns the figures (bench/run.mjs).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Peak and current resident set of a process, in kB (Linux /proc). */
export function procMemory(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm').exec(s)?.[1] ?? NaN);
    return { hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') };
  } catch { return { hwmKb: NaN, rssKb: NaN }; }
}

export async function measureLsp(dir, file, { edits = 10, walkedEdits = 5, hovers = 100, server = path.join(repo, 'dist/server.js'), nodeArgs = [], timeoutMs = 600_000, initializationOptions } = {}) {
  const root = path.resolve(dir);
  const child = spawn(process.execPath, [...nodeArgs, server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  let published = 0;
  let wake = null;
  conn.onNotification('textDocument/publishDiagnostics', () => { published++; });
  // sent right after the diagnostics of a finished analysis
  conn.onNotification('trapline/timelineChanged', () => { wake?.(); });
  conn.onNotification('window/logMessage', () => {});
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const next = () => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no analysis from the server within ${timeoutMs} ms`)), timeoutMs);
    wake = () => { clearTimeout(t); resolve(); };
  });
  try {
    const uri = pathToFileURL(path.join(root, file)).toString();
    const t0 = performance.now();
    let ready = next();
    const init = await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }], initializationOptions });
    conn.sendNotification('initialized', {});
    // the edits below are sent as ranges, which only a server that syncs incrementally expects
    if (init.capabilities.textDocumentSync !== 2) throw new Error(`the server syncs documents as ${JSON.stringify(init.capabilities.textDocumentSync)}, not incrementally`);
    await ready;
    const firstMs = performance.now() - t0;
    const firstPublished = published;
    const afterFirst = procMemory(child.pid);
    let text = readFileSync(path.join(root, file), 'utf8');
    // opening a file with the text on disk changes nothing: no analysis follows
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: file.endsWith('.S') ? 'gas' : 'c', version: 1, text } });
    // text typed at a position, sent as VS Code sends it to a server that syncs incrementally: the range and the text
    const type = (version, at, typed) => conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end: at }, rangeLength: 0, text: typed }] });
    const editMs = [];
    const rssPerEditKb = [];
    for (let i = 0; i < edits; i++) {
      const lines = text.split('\n');
      const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
      const typed = `\n/* edit ${i} */\n`;
      text += typed;
      ready = next();
      const t = performance.now();
      type(i + 2, end, typed);
      await ready;
      editMs.push(performance.now() - t);
      rssPerEditKb.push(procMemory(child.pid).rssKb);
    }
    // the steps of the boot path in this file: hovers there answer with a timeline
    const stepPos = [];
    try {
      const roles = (await conn.sendRequest('trapline/roles', null)) ?? [];
      for (const r of roles) {
        const tl = await conn.sendRequest('trapline/timeline', { role: r.name });
        for (const st of tl?.steps ?? []) if (st.file === file.split(path.sep).join('/')) stepPos.push({ line: st.line, character: st.column });
      }
    } catch { /* no timeline requests: spread lines only */ }
    // edits of the walked code: a statement added at the end of a boot step's line (the walk runs again)
    const walkedEditMs = [];
    for (let i = 0; i < Math.min(walkedEdits, stepPos.length > 0 ? walkedEdits : 0); i++) {
      const ls = text.split('\n');
      const at = stepPos[i % stepPos.length].line;
      const end = { line: at, character: ls[at].length };
      ls[at] = `${ls[at]} barrier();`;
      text = ls.join('\n');
      ready = next();
      const t = performance.now();
      type(edits + i + 2, end, ' barrier();');
      await ready;
      walkedEditMs.push(performance.now() - t);
    }
    const lines = text.split('\n');
    const positions = [];
    for (let i = 0; i < hovers; i++) {
      if (stepPos.length > 0 && i % 2 === 0) { positions.push(stepPos[(i / 2) % stepPos.length]); continue; }
      const line = Math.floor((i * lines.length) / hovers);
      positions.push({ line, character: Math.max(0, lines[line].search(/\S/)) });
    }
    const hoverMs = [];
    let answered = 0;
    for (const position of positions) {
      const t = performance.now();
      const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
      hoverMs.push(performance.now() - t);
      if (h) answered++;
    }
    const mem = procMemory(child.pid);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    return { firstMs, firstPublished, editMs, walkedEditMs, rssPerEditKb, hoverMs, hoversAnswered: answered, stepHovers: stepPos.length > 0 ? positions.filter((_, i) => i % 2 === 0).length : 0, hwmKb: mem.hwmKb, rssKb: mem.rssKb, rssAfterFirstKb: afterFirst.rssKb };
  } finally {
    conn.dispose();
    // (a server under --cpu-prof writes its profile on exit: a minute for a Linux tree's)
    if (child.exitCode === null) await new Promise((r) => { const t = setTimeout(() => { child.kill(); r(); }, 60_000); child.once('exit', () => { clearTimeout(t); r(); }); });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, file, n = '10'] = process.argv.slice(2);
  if (!dir || !file) { console.error('usage: node bench/lsp-edit.mjs DIR FILE [EDITS]'); process.exit(2); }
  const m = await measureLsp(dir, file, { edits: Number(n), walkedEdits: Number(n) });
  console.log(`first analysis: ${Math.round(m.firstMs)} ms, ${m.firstPublished} files with diagnostics`);
  console.log(`edit-to-diagnostics over ${m.editMs.length} edits off the walked code (a comment line appended): p50 ${Math.round(pct(m.editMs, 50))} ms, p95 ${Math.round(pct(m.editMs, 95))} ms`);
  if (m.walkedEditMs.length > 0) console.log(`edit-to-diagnostics over ${m.walkedEditMs.length} edits of walked code (a statement added to a boot step's line; walked again from the previous walks): p50 ${Math.round(pct(m.walkedEditMs, 50))} ms, p95 ${Math.round(pct(m.walkedEditMs, 95))} ms`);
  console.log(`hover at ${m.hoverMs.length} positions, ${m.stepHovers} on boot steps, ${m.hoversAnswered} answered (round trip): p50 ${pct(m.hoverMs, 50).toFixed(2)} ms, p95 ${pct(m.hoverMs, 95).toFixed(2)} ms`);
  console.log(`server peak RSS (VmHWM): ${Math.round(m.hwmKb / 1024)} MB; RSS after the first analysis ${Math.round(m.rssAfterFirstKb / 1024)} MB, after each edit: ${m.rssPerEditKb.map((k) => Math.round(k / 1024)).join(' ')} MB`);
}
