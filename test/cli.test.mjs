// Tests of the command line: exit codes, --rule, --baseline, the text format and SARIF output
// (validated against the SARIF 2.1.0 schema). They spawn the real dist/cli.js (build first:
// `node scripts/build.mjs`).
//
//   node --test test/cli.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sarifValidator } from './helpers/sarif-schema.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.TRAPLINE_CLI ?? join(ROOT, 'dist/cli.js');
const HAZARDS = join(ROOT, 'examples/boot-hazards');
const FIXED = join(ROOT, 'examples/boot-fixed');
const BSP_IST = join(ROOT, 'test/fixtures/tl001-bsp-ist-before-ltr');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` first`);

// the runs share a cache of their own (test/check-cache.test.mjs tests the cache), not the user's
process.env.TRAPLINE_CACHE_DIR = mkdtempSync(join(tmpdir(), 'trapline-cli-cache-'));

/** Runs `trapline ARGS...`: { status, stdout, stderr }. */
function trapline(...args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args) {
  const r = trapline(...args, '--format', 'json');
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return { ...r, report: JSON.parse(r.stdout) };
}

const temps = [];
function tempCopy(src) {
  const dir = mkdtempSync(join(tmpdir(), 'trapline-cli-'));
  temps.push(dir);
  cpSync(src, dir, { recursive: true });
  return dir;
}
after(() => { for (const d of [...temps, process.env.TRAPLINE_CACHE_DIR]) rmSync(d, { recursive: true, force: true }); });

/** 1-based line of the only line of `file` that contains `snippet`. */
function lineOf(file, snippet) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  assert.equal(hits.length, 1, `"${snippet}" should occur once in ${file}`);
  return hits[0];
}

function prepend(file, text) { writeFileSync(file, text + readFileSync(file, 'utf8')); }

function replaceOnce(file, from, to) {
  const s = readFileSync(file, 'utf8');
  assert.equal(s.split(from).length, 2, `"${from}" should occur once in ${file}`);
  writeFileSync(file, s.replace(from, to));
}

// ---------------------------------------------------------------- exit codes

test('exit code 0 when there is no warning (information notes do not count)', () => {
  const r = trapline('check', FIXED);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 errors, 0 warnings, 2 notes/);
});

test('exit code 1 when there are warnings', () => {
  const r = trapline('check', HAZARDS);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /0 errors, 5 warnings/);
});

test('exit code 2 and one clear line on stderr for a missing directory', () => {
  const missing = join(tmpdir(), 'trapline-no-such-dir-7f3a');
  const r = trapline('check', missing, '--format', 'json');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `trapline: ${missing}: no such directory\n`);
});

test('exit code 2 for an unknown --format, naming the format and the known ones', () => {
  const r = trapline('check', HAZARDS, '--format', 'xml');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.split('\n')[0], 'trapline: unknown format "xml" (text, json, sarif)');
});

test('exit code 2 for an unknown --rule, naming the rule', () => {
  const r = trapline('check', HAZARDS, '--rule', 'TL999');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr.split('\n')[0], /^trapline: unknown rule "TL999" \(known: TL001, .*TL900\)$/);
});

// ---------------------------------------------------------------- --rule

test('--rule TL001 reports only TL001 findings (bsp and ap)', () => {
  const { status, report } = json('check', HAZARDS, '--rule', 'TL001');
  assert.equal(status, 1);
  assert.deepEqual(report.findings.map((f) => [f.rule, f.role]).sort(), [['TL001', 'ap'], ['TL001', 'bsp']]);
});

test('--rule takes a comma-separated list and may be repeated', () => {
  const a = json('check', HAZARDS, '--rule', 'TL002,TL005').report;
  assert.deepEqual(a.findings.map((f) => `${f.rule}/${f.role}`).sort(), ['TL002/ap', 'TL005/bsp']);
  const b = json('check', HAZARDS, '--rule', 'TL002', '--rule', 'TL005').report;
  assert.deepEqual(b.findings.map((f) => f.fingerprint), a.findings.map((f) => f.fingerprint));
});

test('--rule decides the exit code: only TL100 notes left gives 0', () => {
  const { status, report } = json('check', HAZARDS, '--rule', 'TL100');
  assert.equal(status, 0);
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f) => f.rule === 'TL100' && f.severity === 'information'));
});

// ---------------------------------------------------------------- --baseline

test('--baseline: shifting lines (blank lines, an unrelated function at the top of files) gives no new finding', () => {
  const dir = tempCopy(HAZARDS);
  const baseline = join(dir, 'baseline.json');
  const first = trapline('check', dir, '--format', 'json', '--output', baseline);
  assert.equal(first.status, 1, first.stderr);
  const before = JSON.parse(readFileSync(baseline, 'utf8'));
  assert.equal(before.findings.filter((f) => f.severity === 'warning').length, 5);

  prepend(join(dir, 'boot/x86_64.S'), '\n\n\n');
  prepend(join(dir, 'traps.c'), '/* Unrelated. */\nstatic unsigned int trap_count;\n\nstatic void count_trap(void)\n{\n    trap_count++;\n}\n\n');
  prepend(join(dir, 'setup.c'), '\n\n');

  // the same findings, on other lines
  const shifted = json('check', dir).report;
  assert.deepEqual(shifted.findings.map((f) => f.location.line), before.findings.map((f) => f.location.line + (f.location.file === 'traps.c' ? 8 : f.location.file === 'boot/x86_64.S' ? 3 : f.location.file === 'setup.c' ? 2 : 0)));

  const r = json('check', dir, '--baseline', baseline);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.report.findings, []);
});

test('--baseline: after a line shift, a new hazard is the one finding reported', () => {
  const dir = tempCopy(FIXED);
  const baseline = join(dir, 'baseline.json');
  assert.equal(trapline('check', dir, '--format', 'json', '--output', baseline).status, 0);
  assert.ok(JSON.parse(readFileSync(baseline, 'utf8')).findings.length > 0, 'the baseline holds the TL100 notes');
  prepend(join(dir, 'setup.c'), '\n\n\n');
  prepend(join(dir, 'boot/x86_64.S'), '\n');
  // interrupts on before init_IRQ() has installed the external-interrupt vectors
  replaceOnce(join(dir, 'setup.c'), '    init_IRQ();\n', '    local_irq_enable(); /* too early */\n    init_IRQ();\n');
  const r = json('check', dir, '--baseline', baseline);
  assert.equal(r.status, 1);
  assert.deepEqual(r.report.findings.map((f) => ({ rule: f.rule, role: f.role, file: f.location.file, line: f.location.line })), [
    { rule: 'TL006', role: 'bsp', file: 'setup.c', line: lineOf(join(dir, 'setup.c'), 'local_irq_enable(); /* too early */') },
  ]);
});

test('--baseline with a file that is not a JSON report exits 2', () => {
  const dir = tempCopy(BSP_IST);
  const bad = join(dir, 'not-json.txt');
  writeFileSync(bad, 'not json\n');
  const r = trapline('check', dir, '--baseline', bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^trapline: cannot read baseline /);
});

// ---------------------------------------------------------------- text format

test('text format: compiler-style `file:line:col: severity: message [TL00x]`, the call chain, the closing step and a summary', () => {
  const r = trapline('check', BSP_IST);
  assert.equal(r.status, 1);
  const lines = r.stdout.trimEnd().split('\n');
  const ist = lineOf(join(BSP_IST, 'traps.c'), 'set_ist(&idt_table[TRAP_double_fault], IST_DF)');
  const i = lines.findIndex((l) => l.startsWith(`traps.c:${ist}:5: warning: `));
  assert.ok(i >= 0, r.stdout);
  assert.match(lines[i], /^traps\.c:\d+:5: warning: \[bsp\] .* \[TL001\]$/);
  assert.equal(lines[i + 1], `    via start (boot/head.S:${lineOf(join(BSP_IST, 'boot/head.S'), 'call    __start_xen')}) -> __start_xen (setup.c:${lineOf(join(BSP_IST, 'setup.c'), 'trap_init();')})`);
  assert.equal(lines[i + 2], `    closes at include/asm/desc.h:${lineOf(join(BSP_IST, 'include/asm/desc.h'), '"ltr %w0"')}: ltr sel`);
  // every finding line has the compiler shape
  for (const l of lines.filter((x) => !x.startsWith(' ') && !x.startsWith('trapline:'))) {
    assert.match(l, /^[\w./-]+:\d+:\d+: (error|warning|information|hint): .+ \[TL\d{3}\]$/);
  }
  assert.equal(lines[lines.length - 1], 'trapline: 10 files, profile generic, roles bsp@start: 0 errors, 1 warnings, 1 notes');
});

// ---------------------------------------------------------------- SARIF

let sarifCache = null;
function sarif() {
  if (!sarifCache) {
    const r = trapline('check', HAZARDS, '--format', 'sarif');
    assert.equal(r.status, 1, r.stderr);
    sarifCache = { log: JSON.parse(r.stdout), report: json('check', HAZARDS).report };
  }
  return sarifCache;
}

test('SARIF output validates against the SARIF 2.1.0 schema', () => {
  const validate = sarifValidator();
  const { log } = sarif();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  assert.equal(log.version, '2.1.0');
  // the validator does reject a broken log
  const broken = structuredClone(log);
  broken.runs[0].results[0].level = 'fatal';
  assert.equal(validate(broken), false);
});

test('SARIF: every rule has shortDescription, fullDescription, help.text, help.markdown and kind path-problem', () => {
  const rules = sarif().log.runs[0].tool.driver.rules;
  assert.deepEqual(rules.map((r) => r.id), ['TL001', 'TL002', 'TL003', 'TL004', 'TL005', 'TL006', 'TL007', 'TL100', 'TL900']);
  for (const r of rules) {
    assert.ok(r.name && r.shortDescription?.text && r.fullDescription?.text, r.id);
    assert.ok(r.help?.text && r.help?.markdown, `${r.id} help`);
    assert.equal(r.properties?.kind, 'path-problem', r.id);
    assert.match(r.helpUri, new RegExp(`${r.id}\\.md$`));
  }
  assert.equal(rules.find((r) => r.id === 'TL001').name, 'ist-without-tss');
  assert.equal(rules.find((r) => r.id === 'TL100').defaultConfiguration.level, 'note');
});

test('SARIF: results match the JSON findings (rule, level, location, partialFingerprints)', () => {
  const { log, report } = sarif();
  const { results, tool } = log.runs[0];
  assert.equal(results.length, report.findings.length);
  results.forEach((res, i) => {
    const f = report.findings[i];
    assert.equal(res.ruleId, f.rule);
    assert.equal(tool.driver.rules[res.ruleIndex].id, f.rule);
    assert.equal(res.level, f.severity === 'information' ? 'note' : f.severity);
    const loc = res.locations[0].physicalLocation;
    assert.deepEqual([loc.artifactLocation.uri, loc.artifactLocation.uriBaseId, loc.region.startLine, loc.region.startColumn], [f.location.file, 'SRCROOT', f.location.line, f.location.column]);
    assert.equal(res.partialFingerprints['traplineFinding/v1'], f.fingerprint);
    assert.equal(res.properties.role, f.role);
  });
  assert.equal(new Set(results.map((r) => r.partialFingerprints['traplineFinding/v1'])).size, results.length);
  assert.equal(log.runs[0].originalUriBaseIds.SRCROOT.uri, `file://${HAZARDS}/`);
});

test('SARIF: codeFlows/threadFlows walk the role\'s path up to the closing step, opening and closing steps essential', () => {
  const { log, report } = sarif();
  const i = report.findings.findIndex((f) => f.rule === 'TL001' && f.role === 'ap');
  const f = report.findings[i];
  const locs = log.runs[0].results[i].codeFlows[0].threadFlows[0].locations;
  const apSteps = report.roles.find((r) => r.name === 'ap').steps;
  // the ap's steps from its entry, in order, ending at the ltr that closes the window
  assert.deepEqual(locs.map((l) => [l.location.physicalLocation.artifactLocation.uri, l.location.physicalLocation.region.startLine, l.location.message.text]),
    apSteps.slice(0, locs.length).map((s) => [s.file, s.line, s.text]));
  assert.deepEqual(locs.map((l) => l.nestingLevel), apSteps.slice(0, locs.length).map((s) => s.depth));
  const last = locs[locs.length - 1].location.physicalLocation;
  assert.deepEqual([last.artifactLocation.uri, last.region.startLine], [f.closes.file, f.closes.line]);
  const essential = locs.filter((l) => l.importance === 'essential').map((l) => [l.location.physicalLocation.artifactLocation.uri, l.location.physicalLocation.region.startLine]);
  assert.deepEqual(essential, [[f.location.file, f.location.line], [f.closes.file, f.closes.line]]);
  assert.ok(locs.every((l) => l.importance === 'essential' || l.importance === 'unimportant'));
});

test('SARIF: relatedLocations carry the closing step (and the free point), linked from the message', () => {
  const { log, report } = sarif();
  const i = report.findings.findIndex((f) => f.rule === 'TL001' && f.role === 'bsp');
  const res = log.runs[0].results[i];
  const f = report.findings[i];
  assert.equal(res.relatedLocations.length, 1);
  const rel = res.relatedLocations[0];
  assert.equal(rel.id, 1);
  assert.deepEqual([rel.physicalLocation.artifactLocation.uri, rel.physicalLocation.region.startLine], [f.closes.file, f.closes.line]);
  assert.match(rel.message.text, /^window closes here: ltr/);
  assert.match(res.message.text, /\[window closes here: ltr sel\]\(1\)/);
  // TL003 points at where init memory is freed
  const j = report.findings.findIndex((x) => x.rule === 'TL003');
  const t3 = log.runs[0].results[j].relatedLocations[0];
  assert.deepEqual([t3.physicalLocation.artifactLocation.uri, t3.physicalLocation.region.startLine], ['mm.c', lineOf(join(HAZARDS, 'mm.c'), '    free_init_memory();')]);
  assert.match(t3.message.text, /^init memory freed here: free_init_memory\(\)/);
});
