// End-to-end: the packaged extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3),
// driven by Debian's chromium through playwright-core, on a copy of examples/boot-hazards.
// It checks what a person sees: squiggles, the Problems panel, a hover, the Boot Timeline panel
// (lanes, bands, a click that lands on the right line, the cursor highlighted back), the status
// bar, and a quick fix that removes its squiggle. Screenshots go to docs/images/.
//
// Run from the repository root: npm run test:e2e (packages the .vsix, installs e2e/ with
// e2e/install.sh, then runs this file). Nothing outside a fresh temporary directory is written
// except the screenshots: HOME and XDG_* point into it for code-server and chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..');
const vsix = path.join(repo, 'trapline.vsix');
const entry = process.env.CODE_SERVER ?? path.join(here, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const images = path.join(repo, 'docs', 'images');
const EXT_ID = 'trapline.trapline';
// For trying the client against a server under development: a server bundle that replaces the
// packaged dist/server.js in the installed extension (the wasm files stay the packaged ones).
const serverOverride = process.env.TRAPLINE_E2E_SERVER;
const serverJs = serverOverride ?? path.join(repo, 'dist', 'server.js');

const run = mkdtempSync(path.join(tmpdir(), 'trapline-e2e-'));
const dirs = { home: path.join(run, 'home'), ud: path.join(run, 'ud'), exts: path.join(run, 'exts'), ws: path.join(run, 'ws') };
const env = { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: path.join(dirs.home, '.config'), XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'), XDG_CACHE_HOME: path.join(dirs.home, '.cache') };
delete env.ELECTRON_RUN_AS_NODE;

let cs; // code-server, in its own process group
let browser;
let page;
let base;
let caps = {}; // the language server's capabilities, asked directly
const cspViolations = []; // console messages of the page and its frames about a blocked resource
const t0 = Date.now();
const log = (msg) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

// ---------------------------------------------------------------- helpers

async function until(what, fn, timeout = 60000, every = 250) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Asks dist/server.js (the one in the .vsix) for its capabilities over stdio, then stops it. */
async function serverCapabilities() {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (m) => { const body = JSON.stringify({ jsonrpc: '2.0', ...m }); child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`); };
  try {
    return await new Promise((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error('no initialize answer')), 20000);
      child.stdout.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          const head = buf.indexOf('\r\n\r\n');
          if (head < 0) return;
          const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
          if (buf.length < head + 4 + len) return;
          const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString());
          buf = buf.subarray(head + 4 + len);
          if (msg.id === 1) { clearTimeout(timer); resolve(msg.result?.capabilities ?? {}); }
        }
      });
      send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null } });
    });
  } finally {
    send({ id: 2, method: 'shutdown', params: null });
    send({ method: 'exit' });
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
  }
}

/** Live processes (not zombies) with their process group and whether their environment is ours (HOME inside the run dir). */
function processes() {
  const out = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (fields[0] === 'Z') continue;
      const ours = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${dirs.home}`);
      out.push({ pid: Number(pid), pgid: Number(fields[2]), ours, cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120) });
    } catch { /* gone, or not ours to read */ }
  }
  return out;
}
const pgidAlive = (pgid) => processes().some((p) => p.pgid === pgid);
/** Every process started by this test carries HOME=<run>/home: code-server, its helpers, chromium. */
const leftovers = () => processes().filter((p) => p.ours);

function exthostLog() {
  const logs = path.join(dirs.ud, 'logs');
  if (!existsSync(logs)) return '';
  let text = '';
  for (const stamp of readdirSync(logs)) {
    const f = path.join(logs, stamp, 'exthost1', 'remoteexthost.log');
    if (existsSync(f)) text += readFileSync(f, 'utf8');
  }
  return text;
}

async function shot(name) {
  mkdirSync(images, { recursive: true });
  await page.screenshot({ path: path.join(images, name) });
  log(`screenshot docs/images/${name}`);
}

async function openFile(name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  // the list shows recently opened files first: wait until the search has put this one on top
  const base = path.basename(name);
  await until(`${name} first in Quick Open`, async () => ((await page.locator('.quick-input-list .monaco-list-row').first().getAttribute('aria-label')) ?? '').includes(base), 15000);
  await page.keyboard.press('Enter');
  await until(`${name} the active tab`, async () => ((await activeTab()) ?? '').includes(base), 15000);
}

/** Runs a command by its palette title. */
async function command(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

async function goToLine(line, column) {
  // the quick input sometimes takes the Enter before it holds the text typed: a second try then
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(column ? `:${line}:${column}` : `:${line}`);
    await page.keyboard.press('Enter');
    try {
      await until(`cursor on line ${line}`, async () => /Ln (\d+)/.exec(await cursorText())?.[1] === String(line), 5000);
      return;
    } catch (e) {
      if (attempt === 3) throw e;
      log(`go to line ${line}: the cursor did not move (attempt ${attempt}), again`);
      await page.keyboard.press('Escape');
    }
  }
}

async function cursorText() {
  return (await page.locator('#status\\.editor\\.selection').first().innerText().catch(() => '')) || '';
}

/** The Boot Timeline webview's document (two nested iframes). */
function panel() {
  return page.frameLocator(`iframe.webview[src*="extensionId=${EXT_ID}"]`).frameLocator('iframe#active-frame');
}

async function activeTab() {
  return page.locator('.tabs-container .tab.active').first().getAttribute('aria-label');
}

// ---------------------------------------------------------------- setup and teardown

before(async () => {
  assert.ok(existsSync(vsix), `${vsix} missing: run npm run package first`);
  assert.ok(existsSync(entry), `${entry} missing: run bash e2e/install.sh first`);
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(path.join(dirs.ud, 'User'), { recursive: true });
  cpSync(path.join(here, 'settings.json'), path.join(dirs.ud, 'User', 'settings.json'));
  cpSync(path.join(repo, 'examples', 'boot-hazards'), dirs.ws, { recursive: true });
  caps = await serverCapabilities().catch((e) => { log(`server capabilities: ${e.message}`); return {}; });
  log(`server capabilities: ${Object.keys(caps).sort().join(', ')}`);

  execFileSync(process.execPath, [entry, '--extensions-dir', dirs.exts, '--user-data-dir', dirs.ud, '--install-extension', vsix], { env, stdio: 'pipe' });
  log('extension installed');
  if (serverOverride) {
    const installed = readdirSync(dirs.exts).find((d) => d.startsWith(`${EXT_ID}-`));
    cpSync(serverOverride, path.join(dirs.exts, installed, 'dist', 'server.js'));
    log(`server replaced by ${serverOverride}`);
  }
  cs = spawn(process.execPath, [entry, '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--user-data-dir', dirs.ud, '--extensions-dir', dirs.exts,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', dirs.ws],
  { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen: ${out}`)), 30000);
    const onData = (d) => {
      out += d;
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    cs.stdout.on('data', onData);
    cs.stderr.on('data', onData);
    cs.on('exit', (code) => reject(new Error(`code-server exited ${code}: ${out}`)));
  });
  log(`code-server at ${base}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => { if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) cspViolations.push(m.text()); });
  await page.goto(`${base}/?folder=${encodeURIComponent(dirs.ws)}`);
  await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60000 });
  log('workbench ready');
});

after(async () => {
  await browser?.close().catch(() => undefined);
  if (cs?.pid) {
    try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* already gone */ }
    const end = Date.now() + 10000;
    while (pgidAlive(cs.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    if (pgidAlive(cs.pid)) { try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* gone */ } }
    // (an awaited sleep must not be unref'd: with code-server gone nothing else keeps this process alive)
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!pgidAlive(cs.pid), 'code-server process group still alive');
  }
  // anything of ours outside that group (a helper that made its own group): ended by pid
  let rest = leftovers();
  if (rest.length) log(`outside the process group: ${rest.map((p) => `${p.pid} [${p.pgid}] ${p.cmd}`).join(' | ')}`);
  const end = Date.now() + 5000;
  while (rest.length && Date.now() < end) { await new Promise((r) => setTimeout(r, 100)); rest = leftovers(); }
  for (const p of rest) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  if (!process.env.TRAPLINE_E2E_KEEP) rmSync(run, { recursive: true, force: true });
  log('cleaned up');
});

// ---------------------------------------------------------------- the tests

test('the extension activates and squiggles the hazards of boot/x86_64.S', async () => {
  await until('the extension host to activate trapline', () => exthostLog().includes(`_doActivateExtension ${EXT_ID}`), 60000);
  log('extension activated');
  await openFile('boot/x86_64.S');
  await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 90000 });
  log(`squiggles: ${await page.locator('.monaco-editor .squiggly-warning').count()} warning, ${await page.locator('.monaco-editor .squiggly-info').count()} info`);
  assert.ok(await page.locator('.monaco-editor .squiggly-warning').count() >= 3);
});

test('hovering the lidt shows the finding (and the server timeline when it answers hovers)', async () => {
  await goToLine(11);
  const line = page.locator('.view-line', { hasText: 'lidt' }).first();
  const token = line.locator('span span', { hasText: /lidt/ }).first();
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').filter({ hasText: 'TL001' });
  await until('the hover on lidt', async () => {
    const box = (await token.boundingBox()) ?? (await line.boundingBox());
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.move(box.x + 8, box.y + box.height / 2, { steps: 4 });
    await hover.first().waitFor({ timeout: 3000 }).catch(() => undefined);
    return hover.first().isVisible();
  }, 30000, 0);
  const text = await hover.first().innerText();
  log(`hover: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  assert.match(text, /TL001/);
  assert.match(text, /trapline/);
  if (caps.hoverProvider) {
    // the server's markdown timeline: the step's number on each role's path
    await until('the server hover', async () => /step \d+ of \d+/.test(await hover.first().innerText()), 20000);
    const all = await hover.first().innerText();
    assert.match(all, /\bbsp\b/);
    assert.match(all, /\bap\b/);
    // for the picture: scroll the hover to the server's timeline (the hover stays while the mouse is on it)
    const hb = await hover.first().boundingBox();
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height - 20, { steps: 3 });
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 60);
  } else {
    log('hover: the server does not advertise hoverProvider: only the diagnostic hover is checked');
  }
  await page.waitForTimeout(300); // let the hover finish laying out its markdown
  await shot('squiggles-hover.png');
  await page.mouse.move(5, 450);
  await page.keyboard.press('Escape');
});

test('the Problems panel lists the findings with their TL codes', async () => {
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: 'TL001' }).first().waitFor({ timeout: 20000 });
  const found = await rows.evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', text: e.innerText })));
  log(`problems: ${found.length} rows`);
  for (const code of ['TL001', 'TL002', 'TL003', 'TL005', 'TL100']) {
    // the row shows the source and the code as a link to the rule page: trapline(TL001)
    assert.ok(found.some((r) => r.text.includes(`trapline(${code})`) || (r.text.includes(code) && /generated by trapline/.test(r.label))), `${code} in the Problems panel: ${found.map((r) => r.text).join(' | ')}`);
  }
  assert.ok(found.some((r) => /^Warning: \[ap\] vector 2 \(NMI\).*generated by trapline/.test(r.label)));
  // a taller panel for the picture: drag its top edge
  const pb = await page.locator('.part.panel').boundingBox();
  await page.mouse.move(pb.x + pb.width / 2, pb.y + 1);
  await page.mouse.down();
  await page.mouse.move(pb.x + pb.width / 2, pb.y - 180, { steps: 5 });
  await page.mouse.up();
  await shot('problems.png');
  await page.keyboard.press('Control+J'); // hide the panel again
});

test('the status bar counts the warnings and opens the Boot Timeline', async () => {
  const item = page.locator('.statusbar-item', { hasText: 'Trapline' }).first();
  await until('the warning count', async () => /Trapline: \d+ warnings?/.test(await item.innerText()), 30000);
  const text = await item.innerText();
  log(`status bar: ${text}`);
  assert.match(text, /Trapline: 5 warnings/);
  await item.click();
  await panel().locator('[role="tree"]').waitFor({ timeout: 30000 });
});

test('the Boot Timeline shows one lane per role, with the unsafe windows as bands', async () => {
  const p = panel();
  const lanes = p.locator('[role="treeitem"][aria-level="1"]');
  await until('two lanes', async () => (await lanes.count()) === 2, 30000);
  const laneLabels = await lanes.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  log(`lanes: ${laneLabels.join(' | ')}`);
  assert.match(laneLabels[0], /^CPU role bsp \(boot CPU\), entry start, \d+ steps/);
  assert.match(laneLabels[1], /^CPU role ap \(secondary CPUs\), entry ap_start, \d+ steps/);
  const opens = await p.locator('.mark.opens, .mark.point').evaluateAll((els) => els.map((e) => e.textContent));
  log(`windows: ${opens.map((t) => t.slice(0, 60)).join(' | ')}`);
  for (const rule of ['TL001', 'TL002', 'TL003', 'TL005', 'TL100']) assert.ok(opens.some((t) => t.startsWith(rule)), `${rule} drawn`);
  assert.ok(await p.locator('.band.critical').count() >= 1, 'the TL100 critical region');
  assert.ok(await p.locator('.band.start').count() >= 3);
  // the AP's TL001 window spans from its lidt to the ltr
  const apLidt = p.locator('[data-key^="ap/s"]', { hasText: 'lidt idt_descr(%rip)' }).first();
  assert.match(await apLidt.getAttribute('aria-label'), /opens TL001: .*ltr sel/);
  // calls deeper than 1 folded under their caller rows: both lanes fit in the picture
  const all = await p.locator('[role="treeitem"]').count();
  await p.locator('#depth-filter').selectOption('1');
  await until('calls folded', async () => (await p.locator('[role="treeitem"]').count()) < all, 10000);
  const folded = p.locator('.row.group[aria-expanded="false"]');
  assert.ok(await folded.count() >= 3);
  assert.match(await folded.first().getAttribute('aria-label'), /^Step 5: trap_init\(\), setup\.c line 40, \d+ steps inside\. After the call: /);
  log(`folded at depth 1: ${await p.locator('[role="treeitem"]').count()} of ${all} rows`);
  // a wider side bar for the picture: drag its edge
  const side = await page.locator('.part.sidebar').boundingBox();
  await page.mouse.move(side.x + side.width + 1, side.y + 300);
  await page.mouse.down();
  await page.mouse.move(side.x + side.width + 260, side.y + 300, { steps: 5 });
  await page.mouse.up();
  await shot('timeline.png');
  log(`CSP messages: ${cspViolations.length ? cspViolations.join(' | ') : 'none'}`);
  assert.deepEqual(cspViolations, [], 'the page loads under its CSP without a violation');
  await p.locator('#depth-filter').selectOption('all');
  await until('calls unfolded', async () => (await p.locator('[role="treeitem"]').count()) === all, 10000);
});

test('a click on a step opens its line; the cursor comes back as a highlight', async () => {
  const p = panel();
  const ltr = p.locator('[data-key^="bsp/s"] .op', { hasText: /^ltr sel$/ }).first();
  await ltr.scrollIntoViewIfNeeded();
  await ltr.click();
  await until('desc.h opened', async () => /desc\.h/.test((await activeTab()) ?? ''), 15000);
  await until('the cursor on line 54', async () => /Ln 54,/.test(await cursorText()), 15000);
  log(`clicked "ltr sel": ${await activeTab()} ${await cursorText()}`);
  await until('the rows at the cursor highlighted', async () => (await p.locator('.at-cursor').count()) >= 2, 15000);
  const marked = await p.locator('.at-cursor').evaluateAll((els) => els.map((e) => e.dataset.key + ' ' + e.querySelector('.op')?.textContent));
  log(`highlighted: ${marked.join(' | ')}`);
  assert.ok(marked.every((m) => m.includes('ltr sel')), 'bsp and ap reach the same ltr');
  // moving the cursor elsewhere moves the highlight
  await openFile('boot/x86_64.S');
  await goToLine(11);
  const atCursor = () => p.locator('.at-cursor .op').allTextContents();
  await until('the lidt rows highlighted', async () => { const m = await atCursor(); return m.length === 2 && m.every((t) => t === 'lidt idt_descr(%rip)'); }, 15000)
    .catch(async (e) => { throw new Error(`${e.message}; highlighted: ${(await atCursor()).join(' | ')}; editor: ${await activeTab()} ${await cursorText()}`); });
});

test('keyboard: arrows move through the steps, Enter opens one', async () => {
  const p = panel();
  await p.locator('[role="treeitem"][aria-level="1"]').first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const focused = p.locator('[role="treeitem"]:focus');
  const label = await focused.getAttribute('aria-label');
  log(`focused: ${label}`);
  assert.match(label, /^Step 1: lgdt gdt_descr\(%rip\), boot\/x86_64\.S line 10/);
  await page.keyboard.press('Enter');
  await until('the cursor on line 10', async () => /Ln 10,/.test(await cursorText()), 15000);
});

test('Create .trapline.json writes the roles the server found, and opens it', async () => {
  rmSync(path.join(dirs.ws, '.trapline.json'));
  await command('Trapline: Create .trapline.json');
  await until('.trapline.json written', () => existsSync(path.join(dirs.ws, '.trapline.json')), 15000);
  await until('.trapline.json opened', async () => /\.trapline\.json/.test((await activeTab()) ?? ''), 15000);
  const config = JSON.parse(readFileSync(path.join(dirs.ws, '.trapline.json'), 'utf8'));
  log(`.trapline.json: ${JSON.stringify(config)}`);
  assert.deepEqual(config.roles, [{ name: 'bsp', entry: 'start', kind: 'bsp' }, { name: 'ap', entry: 'ap_start', kind: 'ap' }]);
  if (config.profile !== undefined) assert.equal(config.profile, 'generic');
});

test('Export SARIF writes the report through the bundled CLI', async () => {
  await command('Trapline: Export SARIF...');
  // VS Code in the browser asks with its own file dialog, a quick input holding the default path
  const input = page.locator('.quick-input-widget input');
  await until('the save dialog', async () => /trapline\.sarif$/.test(await input.inputValue()), 15000);
  await page.keyboard.press('Enter');
  const out = path.join(dirs.ws, 'trapline.sarif');
  await until('trapline.sarif written', () => existsSync(out) && readFileSync(out, 'utf8').trim().endsWith('}'), 30000);
  const sarif = JSON.parse(readFileSync(out, 'utf8'));
  const rules = sarif.runs[0].results.map((r) => r.ruleId);
  log(`SARIF: ${rules.join(', ')}`);
  for (const rule of ['TL001', 'TL002', 'TL003', 'TL005']) assert.ok(rules.includes(rule), rule);
  await page.locator('.notification-toast', { hasText: 'SARIF report written' }).first().waitFor({ timeout: 15000 });
});

test('Re-analyse Workspace runs the analysis again', async () => {
  const item = page.locator('.statusbar-item', { hasText: 'Trapline' }).first();
  await command('Trapline: Re-analyse Workspace');
  await until('the warning count back', async () => /Trapline: 5 warnings/.test(await item.innerText()), 30000);
});

test('a quick fix applied removes its squiggle', async (t) => {
  if (!caps.codeActionProvider) { t.skip('the server does not advertise codeActionProvider'); return; }
  await openFile('traps.c');
  await goToLine(55, 5);
  const squiggles = page.locator('.monaco-editor .squiggly-warning');
  await squiggles.first().waitFor({ timeout: 30000 });
  const before = await squiggles.count();
  const menu = page.locator('.action-widget');
  await until('the quick fix menu', async () => {
    if (await menu.isVisible()) return true;
    await page.keyboard.press('Control+.');
    await menu.waitFor({ timeout: 3000 }).catch(() => undefined);
    return menu.isVisible();
  }, 20000, 0);
  const rows = menu.locator('.monaco-list-row.action');
  const titles = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  log(`quick fixes: ${titles.join(' | ')}`);
  assert.ok(titles.some((x) => /^Open TL001 documentation$/.test(x)), 'our rule documentation action');
  const want = titles.findIndex((x) => /^Move .*ltr/.test(x));
  assert.ok(want >= 0, `a TL001 move fix offered: ${titles.join(' | ')}`);
  // choose it with the keyboard, as a person would: the menu opens on its first action
  for (let i = 0; i < titles.length; i++) {
    const focused = await menu.locator('.monaco-list-row.action.focused').getAttribute('aria-label').catch(() => null);
    if (focused === titles[want]) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await until('a squiggle fewer on traps.c', async () => (await squiggles.count()) < before, 30000);
  await page.keyboard.press('Control+Shift+M');
  const rowsNow = page.locator('.markers-panel .monaco-list-row');
  await rowsNow.first().waitFor({ timeout: 10000 });
  const labels = await rowsNow.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  assert.ok(!labels.some((l) => /\[bsp\] vector 8 \(#DF\) of the live IDT idt_table uses an IST stack/.test(l)), labels.join(' | '));
  log(`after the fix: ${await squiggles.count()} squiggles on traps.c (${before} before)`);
});
