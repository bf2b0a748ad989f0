// Reliability of the faces on bad input, through the real CLI (`node dist/cli.js`) and the real
// language server (`node dist/server.js --stdio`); build first: `node scripts/build.mjs`.
//
// - Limits: files over the size cap, binary and non-UTF-8 files, unreadable files and symbolic
//   links are skipped and listed (one stderr line each, JSON `stats.skipped`), never dropped
//   silently; a symlink loop does not hang; exclude patterns outside the workspace are refused.
// - `.trapline.json` errors: `.trapline.json:LINE:COL: error: ...` naming the key, and the
//   analysis still runs with the defaults (exit 0/1, never 2).
// - CLI usage and I/O errors: exit 2 and one line on stderr; the exit codes match the README.
// - The language server survives requests whose handler throws, an analysis that throws, and a
//   client that disconnects.
//
//   node --test test/reliability.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, FIXED, HAZARDS, ROOT, linesAbout, privateCache, report, request, skippedOf, startServer, tempCopy, trapline } from './helpers/faces.mjs';

privateCache('trapline-reliability-cache-');

const CAP = 2 * 1024 * 1024;

// ================================================================ limits

test('limits: a file over the 2 MiB cap is skipped and listed (one stderr line, stats.skipped); one of exactly 2 MiB is read', () => {
  const dir = tempCopy(FIXED);
  writeFileSync(join(dir, 'big.c'), `/*${'x'.repeat(CAP + 1 - 5)}*/\n`); // CAP + 1 bytes
  writeFileSync(join(dir, 'edge.c'), `/*${'x'.repeat(CAP - 5)}*/\n`); // exactly CAP bytes
  const { report: rep, stderr, status } = report(dir);
  assert.equal(status, 0, stderr);
  assert.deepEqual(skippedOf(rep), ['big.c']);
  assert.match(rep.stats.skipped[0].reason, /larger than|size|MiB|bytes/i);
  assert.equal(linesAbout(stderr, 'big.c').length, 1, stderr);
  assert.match(linesAbout(stderr, 'big.c')[0], /^trapline: skipped big\.c: /);
  assert.equal(linesAbout(stderr, 'edge.c').length, 0, 'a file at the cap is read');
  // the rest of the tree is analysed as without them
  assert.equal(rep.stats.files, report(FIXED).report.stats.files + 1);
});

test('limits: a binary file (NUL bytes) is skipped and listed', () => {
  const dir = tempCopy(FIXED);
  writeFileSync(join(dir, 'blob.S'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x73, 0x74]));
  const { report: rep, stderr, status } = report(dir);
  assert.equal(status, 0, stderr);
  assert.deepEqual(skippedOf(rep), ['blob.S']);
  assert.match(rep.stats.skipped[0].reason, /binary|NUL/i);
  assert.equal(linesAbout(stderr, 'blob.S').length, 1, stderr);
});

test('source bytes: a file that is not UTF-8 (Latin-1 in a comment) is analysed as Latin-1, one character per byte, its findings where they are', () => {
  const dir = tempCopy(join(ROOT, 'test/fixtures/tl001-ap-lidt-before-ltr'));
  const before = report(dir).report.findings.filter((f) => f.rule === 'TL001');
  const file = join(dir, 'smpboot.c');
  writeFileSync(file, Buffer.concat([Buffer.from('/* Fran\xe7ois M\xfcller: caf\xe9 */ ', 'latin1'), readFileSync(file)]));
  const { report: rep, stderr } = report(dir);
  assert.deepEqual(skippedOf(rep), [], `stats.skipped: ${JSON.stringify(rep.stats.skipped)}; stderr: ${stderr}`);
  assert.equal(linesAbout(stderr, 'smpboot.c').length, 0, stderr);
  const after = rep.findings.filter((f) => f.rule === 'TL001');
  assert.equal(after.length, 1);
  // the comment opens the first line (no line added): the finding stays where it was
  assert.deepEqual(after.map((f) => f.location), before.map((f) => f.location));
});

test('limits: a symlink loop (ln -s . loop) does not hang and is not followed', () => {
  const dir = tempCopy(FIXED);
  symlinkSync('.', join(dir, 'loop'));
  mkdirSync(join(dir, 'sub'));
  symlinkSync('..', join(dir, 'sub/up'));
  const t0 = performance.now();
  const { report: rep, stderr, status } = report(dir);
  assert.ok(performance.now() - t0 < 20000);
  assert.equal(status, 0, stderr);
  assert.equal(rep.stats.files, report(FIXED).report.stats.files, 'the same files as without the links');
  const paths = [...rep.findings.map((f) => f.location.file), ...rep.roles.flatMap((r) => r.steps.map((s) => s.file))];
  assert.ok(paths.every((p) => !p.startsWith('loop/') && !p.startsWith('sub/')), paths.join(', '));
});

test('limits: a symlinked source file is not followed and is listed as skipped (never dropped silently)', () => {
  const dir = tempCopy(FIXED);
  const outside = tempCopy();
  writeFileSync(join(outside, 'secret.c'), 'int secret_value = 42;\n');
  symlinkSync(join(outside, 'secret.c'), join(dir, 'linked.c'));
  const { report: rep, stderr } = report(dir);
  assert.equal(rep.stats.files, report(FIXED).report.stats.files, 'the link is not read');
  assert.deepEqual(skippedOf(rep), ['linked.c'], `stats.skipped: ${JSON.stringify(rep.stats.skipped)}`);
  assert.match(rep.stats.skipped[0].reason, /link/i);
  assert.equal(linesAbout(stderr, 'linked.c').length, 1, stderr);
});

test('limits: an unreadable file (chmod 000) is reported once', (t) => {
  const dir = tempCopy(FIXED);
  const file = join(dir, 'secret.c');
  writeFileSync(file, 'int x;\n');
  chmodSync(file, 0o000);
  let readable = true;
  try { readFileSync(file); } catch { readable = false; }
  if (readable) { t.skip(`chmod 000 does not prevent reading here (uid ${process.getuid?.()}: root)`); return; }
  const { report: rep, stderr } = report(dir);
  assert.deepEqual(skippedOf(rep), ['secret.c']);
  assert.match(rep.stats.skipped[0].reason, /unreadable|permission|EACCES/i);
  assert.equal(linesAbout(stderr, 'secret.c').length, 1, stderr);
});

test('limits: exclude patterns outside the workspace (../x, /etc/**) are refused with a message naming the key; the analysis runs', () => {
  const dir = tempCopy(HAZARDS);
  const text = '{\n  "profile": "generic",\n  "exclude": ["../x", "/etc/**", "mm.c"]\n}\n';
  writeFileSync(join(dir, '.trapline.json'), text);
  const { report: rep, stderr, status } = report(dir);
  assert.equal(status, 1, stderr);
  for (const p of ['../x', '/etc/**']) {
    const ls = linesAbout(stderr, `"${p}"`);
    assert.equal(ls.length, 1, `one line for ${p}: ${stderr}`);
    assert.match(ls[0], /^\.trapline\.json:3:\d+: error: .*exclude.*outside the workspace/);
  }
  // the valid pattern still applies: mm.c is not read
  assert.equal(rep.stats.files, report(HAZARDS).report.stats.files - 1);
});

// ================================================================ .trapline.json errors

/**
 * Each bad configuration sits on a known line of a multi-line .trapline.json over
 * examples/boot-hazards, whose defaults (generic profile) give the same 5 warnings.
 * `line`: 1-based line of the problem; `names`: what the message must name.
 */
const CONFIG_CASES = [
  { what: 'invalid JSON (an unexpected token)', text: '{\n  "profile": "generic",\n  "roles": ,\n  "rules": {}\n}\n', line: 3, names: /invalid JSON/ },
  { what: 'invalid JSON (a missing comma)', text: '{\n  "profile": "generic"\n  "rules": {}\n}\n', line: [2, 3], names: /invalid JSON/ },
  { what: 'invalid JSON (cut short)', text: '{\n  "profile": "generic",\n  "rules": {\n', line: [3, 4], names: /invalid JSON/ },
  { what: 'top level not an object', text: '[\n  "generic"\n]\n', line: 1, names: /top level/ },
  { what: 'unknown key', text: '{\n  "profile": "generic",\n  "profle": "xen"\n}\n', line: 3, names: /unknown key "profle"/ },
  { what: 'unknown profile', text: '{\n  "rules": {},\n  "profile": "freebsd"\n}\n', line: 3, names: /profile.*"freebsd"|"freebsd".*profile/ },
  { what: 'profile named after an Object.prototype property', text: '{\n  "rules": {},\n  "profile": "toString"\n}\n', line: 3, names: /profile.*"toString"|"toString".*profile/ },
  { what: 'profile of the wrong type', text: '{\n  "rules": {},\n  "profile": 5\n}\n', line: 3, names: /profile/ },
  { what: 'roles of the wrong type', text: '{\n  "profile": "generic",\n  "roles": "bsp"\n}\n', line: 3, names: /"roles"/ },
  { what: 'a role without a name', text: '{\n  "profile": "generic",\n  "roles": [{ "entry": "start" }]\n}\n', line: 3, names: /"roles"|name/ },
  { what: 'a role entry list holding a number', text: '{\n  "profile": "generic",\n  "roles": [{ "name": "bsp", "entry": [5] }]\n}\n', line: 3, names: /entry/ },
  { what: 'a role via list holding a number', text: '{\n  "profile": "generic",\n  "roles": [{ "name": "bsp", "entry": "start", "via": [1] }]\n}\n', line: 3, names: /via/ },
  { what: 'a role of an unknown kind', text: '{\n  "profile": "generic",\n  "roles": [{ "name": "bsp", "entry": "start", "kind": "cpu" }]\n}\n', line: 3, names: /kind/ },
  { what: 'rules of the wrong type', text: '{\n  "profile": "generic",\n  "rules": ["TL001"]\n}\n', line: 3, names: /"rules"/ },
  { what: 'unknown rule id', text: '{\n  "profile": "generic",\n  "rules": {\n    "TL042": "off"\n  }\n}\n', line: 4, names: /unknown rule id "TL042"/ },
  { what: 'unknown severity', text: '{\n  "profile": "generic",\n  "rules": {\n    "TL001": "fatal"\n  }\n}\n', line: 4, names: /TL001.*(severity|error, warning)/ },
  { what: 'exclude of the wrong type', text: '{\n  "profile": "generic",\n  "exclude": "boot/**"\n}\n', line: 3, names: /"exclude"/ },
  { what: 'exclude holding a number', text: '{\n  "profile": "generic",\n  "exclude": [5]\n}\n', line: 3, names: /"exclude"/ },
  { what: 'an empty exclude pattern', text: '{\n  "profile": "generic",\n  "exclude": [""]\n}\n', line: 3, names: /exclude/ },
];

for (const c of CONFIG_CASES) {
  test(`config: ${c.what} -> \`.trapline.json:${[c.line].flat().join('|')}:COL: error: ...\` naming it, and the analysis runs with the defaults`, () => {
    const dir = tempCopy(HAZARDS);
    writeFileSync(join(dir, '.trapline.json'), c.text);
    const r = trapline('check', dir);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}, not 0/1: ${r.stderr}`);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('.trapline.json:'));
    assert.ok(errors.length >= 1, `an error line on .trapline.json: ${r.stderr}`);
    const e = errors.find((l) => c.names.test(l));
    assert.ok(e, `an error naming ${c.names}: ${errors.join('\n')}`);
    assert.match(e, /^\.trapline\.json:(\d+):(\d+): error: /);
    assert.ok([c.line].flat().includes(Number(/^\.trapline\.json:(\d+):/.exec(e)[1])), `line ${[c.line].flat().join(' or ')}: ${e}`);
    // one line per problem: every stderr line is an error line or a `trapline:` line
    for (const l of r.stderr.trimEnd().split('\n')) assert.match(l, /^(\.trapline\.json:\d+:\d+: error: .+|trapline: .+)$/, `a stray line on stderr (a message with a newline in it?):\n${r.stderr}`);
    // the defaults of examples/boot-hazards: the generic profile, its roles, every rule
    assert.equal(r.status, 1);
    assert.match(r.stdout, /profile generic, roles bsp@start, ap@ap_start: 0 errors, 5 warnings/);
  });
}

test('config: a bad entry does not discard the good ones next to it (TL001 off still applies beside an unknown rule id)', () => {
  const dir = tempCopy(HAZARDS);
  writeFileSync(join(dir, '.trapline.json'), '{\n  "profile": "generic",\n  "rules": { "TL001": "off", "TL042": "off" }\n}\n');
  const { report: rep, stderr } = report(dir);
  assert.match(stderr, /^\.trapline\.json:3:\d+: error: .*"TL042"/m);
  assert.ok(rep.findings.length > 0);
  assert.ok(!rep.findings.some((f) => f.rule === 'TL001'), 'TL001 is off');
});

// ================================================================ CLI usage and I/O errors

/** Exit 2, nothing on stdout, exactly one line on stderr. */
function oneLineFailure(r, pattern) {
  assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^trapline: [^\n]+\n$/, `one line on stderr, got:\n${r.stderr}`);
  assert.match(r.stderr, pattern);
}

test('CLI: a missing directory -> exit 2, one line naming it', () => {
  const missing = join(tmpdir(), 'trapline-no-such-dir-51c2');
  oneLineFailure(trapline('check', missing), new RegExp(`${missing}.*no such directory`));
});

test('CLI: a file given instead of a directory -> exit 2, one line saying it is not a directory', () => {
  oneLineFailure(trapline('check', join(HAZARDS, 'setup.c')), /setup\.c.*not a directory/);
});

test('CLI: an unknown --format -> exit 2, one line naming it', () => {
  oneLineFailure(trapline('check', HAZARDS, '--format', 'xml'), /unknown format "xml"/);
});

test('CLI: an unknown --rule -> exit 2, one line naming it', () => {
  oneLineFailure(trapline('check', HAZARDS, '--rule', 'TL001,TL999'), /unknown rule "TL999"/);
});

test('CLI: an unknown option -> exit 2, one line naming it', () => {
  oneLineFailure(trapline('check', HAZARDS, '--frobnicate'), /unknown option "--frobnicate"/);
});

test('CLI: --output to a path that cannot be written (a directory) -> exit 2, one line naming it', () => {
  const out = tempCopy();
  oneLineFailure(trapline('check', HAZARDS, '--output', out), new RegExp(`cannot write ${out}`));
  oneLineFailure(trapline('check', HAZARDS, '-o', join(out, 'no/such/dir/report.json')), /cannot write/);
});

test('CLI: wasm not loadable (a cli.js without its .wasm files) -> exit 2, one line', () => {
  const dir = tempCopy();
  copyFileSync(CLI, join(dir, 'cli.js'));
  const r = spawnSync(process.execPath, [join(dir, 'cli.js'), 'check', HAZARDS], { encoding: 'utf8', timeout: 30000 });
  oneLineFailure(r, /wasm/);
});

test('CLI: the exit codes in the README are the ones the CLI gives (0 clean, 1 warnings, 2 usage or I/O error)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('Exit codes:'), readme.indexOf('## Configuration'));
  const rows = Object.fromEntries([...section.matchAll(/^\| (\d) \| (.+) \|$/gm)].map((m) => [m[1], m[2]]));
  assert.deepEqual(Object.keys(rows), ['0', '1', '2'], section);
  assert.match(rows['0'], /no warnings or errors/);
  assert.equal(trapline('check', FIXED).status, 0);
  assert.match(rows['1'], /at least one warning or error/);
  assert.equal(trapline('check', HAZARDS).status, 1);
  // every cause the README names for 2
  assert.match(rows['2'], /usage error/);
  assert.equal(trapline('check', HAZARDS, '--format', 'xml').status, 2);
  const causes = /\(([^)]*)\)/.exec(rows['2'])[1].split(',').map((s) => s.trim());
  assert.deepEqual(causes, ['no such directory', 'unreadable baseline', 'unwritable output', 'wasm not loadable']);
  assert.equal(trapline('check', join(tmpdir(), 'trapline-no-such-dir-51c2')).status, 2);
  assert.equal(trapline('check', HAZARDS, '--baseline', join(tmpdir(), 'trapline-no-such-baseline.json')).status, 2);
  assert.equal(trapline('check', HAZARDS, '--output', tmpdir()).status, 2);
  // (wasm not loadable: the test above)
  // the usage text says the same
  const usage = trapline().stderr;
  assert.match(usage, /exit codes: 0 no warning or error, 1 warnings or errors found, 2 usage or I\/O error/);
});

// ================================================================ language server

/** An error response, or a null/empty answer: what a client can live with. Returns which, for the log. */
function errorOrEmpty(r, what) {
  if (r.error) { assert.ok([-32603, -32602, -32600].includes(r.error.code), `${what}: error code ${r.error.code}`); return `error response ${r.error.code} (${r.error.message})`; }
  assert.ok(r.ok === null || (Array.isArray(r.ok) && r.ok.length === 0), `${what}: ${JSON.stringify(r.ok).slice(0, 300)}`);
  return `empty result ${JSON.stringify(r.ok)}`;
}

/** A hover on the AP's `lidt idt_descr` of examples/boot-hazards: markdown naming TL001. */
async function hoverWorks(s) {
  const lines = readFileSync(join(s.root, 'boot/x86_64.S'), 'utf8').split('\n');
  const line = lines.findIndex((l) => /lidt\s+idt_descr/.test(l));
  const h = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: s.uri('boot/x86_64.S') }, position: { line, character: lines[line].indexOf('lidt') + 1 } });
  assert.equal(h?.contents?.kind, 'markdown', JSON.stringify(h));
  assert.match(h.contents.value, /TL001/);
}

test('server: requests whose handler throws or that name places outside the workspace get an error or an empty answer, and the server keeps answering', async (t) => {
  const s = await startServer(HAZARDS);
  try {
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL001'), 'the first diagnostics');
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const garbageItem = { name: 'x', kind: 12, uri: s.uri('setup.c'), range, selectionRange: range, data: {} };
    const cases = [
      ['definition of a file outside the workspace', 'textDocument/definition', { textDocument: { uri: pathToFileURL(join(s.root, '../outside.c')).toString() }, position: { line: 0, character: 0 } }],
      ['definition of /etc/passwd', 'textDocument/definition', { textDocument: { uri: 'file:///etc/passwd' }, position: { line: 0, character: 0 } }],
      ['outline of an untitled document', 'textDocument/documentSymbol', { textDocument: { uri: 'untitled:Untitled-1' } }],
      ['incoming calls of an item whose data is {}', 'callHierarchy/incomingCalls', { item: garbageItem }],
      ['outgoing calls of an item whose data is {}', 'callHierarchy/outgoingCalls', { item: garbageItem }],
      ['incoming calls of an item whose data is null', 'callHierarchy/incomingCalls', { item: { ...garbageItem, data: null } }],
      ['definition without parameters', 'textDocument/definition', {}],
      ['hover at a negative line and a huge column', 'textDocument/hover', { textDocument: { uri: s.uri('boot/x86_64.S') }, position: { line: -5, character: 1e9 } }],
      ['code action for a diagnostic with garbage data', 'textDocument/codeAction', { textDocument: { uri: s.uri('traps.c') }, range, context: { diagnostics: [{ source: 'trapline', code: 'TL001', message: 'x', range, data: 'garbage' }] } }],
      ['code action for a finding index that does not exist', 'textDocument/codeAction', { textDocument: { uri: s.uri('traps.c') }, range, context: { diagnostics: [{ source: 'trapline', code: 'TL001', message: 'x', range, data: { finding: 99999 } }] } }],
      ['timeline of a role called __proto__', 'trapline/timeline', { role: '__proto__' }],
      ['timeline without parameters', 'trapline/timeline', null],
    ];
    for (const [what, method, params] of cases) {
      const r = await request(s.conn, method, params);
      t.diagnostic(`${what}: ${errorOrEmpty(r, what)}`);
      assert.equal(s.child.exitCode, null, `the server is still running after: ${what}`);
      await hoverWorks(s);
    }
  } finally { s.kill(); }
});

test('server: an analysis that throws (a .trapline.json the engine chokes on) leaves the server up; the next edit recovers', async () => {
  // `profile: "toString"` made loadConfig throw (found by the fuzzer); any engine exception must do no more harm
  const s = await startServer(HAZARDS, (root) => writeFileSync(join(root, '.trapline.json'), '{ "profile": "toString" }\n'));
  try {
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(s.child.exitCode, null, `the server is running: ${s.stderr()}`);
    const h = await request(s.conn, 'textDocument/hover', { textDocument: { uri: s.uri('setup.c') }, position: { line: 0, character: 0 } });
    assert.ok(!h.error, JSON.stringify(h));
    // an unsaved fix of the configuration
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('.trapline.json'), languageId: 'json', version: 1, text: '{ "profile": "generic" }\n' } });
    await s.until(() => [...s.diags.values()].flat().some((d) => d.code === 'TL001'), 'TL001 after the fix');
    await hoverWorks(s);
  } finally { s.kill(); }
});

test('server: a client that disconnects (stdin closed) ends the server within 5 s', async () => {
  const s = await startServer(HAZARDS);
  try {
    await s.until(() => [...s.diags.values()].flat().length > 0, 'the first diagnostics');
    const t0 = performance.now();
    s.child.stdin.end();
    const ended = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r(null), 5000))]);
    assert.ok(ended, 'the server process is still running 5 s after its stdin closed');
    assert.ok(performance.now() - t0 < 5000);
  } finally { s.kill(); }
});

test('limits: the size cap is configurable ("maxFileSize" in .trapline.json): a file over it is skipped and reported', () => {
  const dir = tempCopy(HAZARDS);
  const cfg = JSON.parse(readFileSync(join(dir, '.trapline.json'), 'utf8'));
  const size = readFileSync(join(dir, 'traps.c')).length;
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ ...cfg, maxFileSize: size - 1 }, null, 2));
  const r = report(dir);
  assert.ok(skippedOf(r.report).includes('traps.c'), JSON.stringify(r.report.stats.skipped));
  assert.match(linesAbout(r.stderr, 'traps.c').join('\n'), new RegExp(`larger than ${size - 1} bytes`));
  writeFileSync(join(dir, '.trapline.json'), JSON.stringify({ ...cfg, maxFileSize: 'big' }, null, 2));
  const bad = trapline('check', dir);
  assert.match(bad.stderr, /\.trapline\.json:\d+:\d+: error: .*"maxFileSize" must be a positive number of bytes/);
});
