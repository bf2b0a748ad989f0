// An edit off every boot path is re-analysed without a new walk (server/src/incremental.ts);
// whenever that fast path answers, it must answer exactly what a whole analysis answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import api from '../out/api.js';

const { analyze, reanalyzeEdit } = api;
const wasmDir = path.resolve('dist');

function cFilesOf(root, dir = '') {
  const out = [];
  for (const e of readdirSync(path.join(root, dir))) {
    const rel = dir ? `${dir}/${e}` : e;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...cFilesOf(root, rel)); else if (/\.[ch]$/.test(e)) out.push(rel);
  }
  return out;
}

/** Edits a developer makes: a statement typed into each function body, a comment line added at the end, a blank line at the top. */
function editsOf(text) {
  const out = [{ what: 'comment line appended', text: `${text}/* note */\n` }, { what: 'blank line at the top', text: `\n${text}` }];
  for (const m of text.matchAll(/\)\s*\n\{\n/g)) {
    const at = (m.index ?? 0) + m[0].length;
    out.push({ what: `statement typed at offset ${at}`, text: `${text.slice(0, at)}    barrier();\n${text.slice(at)}` });
    out.push({ what: `word changed at offset ${at}`, text: `${text.slice(0, at)}${text.slice(at).replace(/\b(\w+)\(/, '$1_x(')}` });
  }
  return out;
}

const summary = (a) => JSON.stringify({ findings: a.findings, unused: a.unusedSuppressions });

for (const tree of ['test/fixtures/gate-writer-renamed', 'test/fixtures/forms-retarget-missed', 'examples/boot-hazards', 'test/fixtures/tl004-late-call-into-init', 'test/fixtures/macro-sections']) {
  test(`incremental: every edit the fast path answers in ${tree} gives the findings of a whole analysis`, async () => {
    const root = path.resolve(tree);
    const base = await analyze(root, { wasmDir });
    let fast = 0, full = 0;
    for (const file of cFilesOf(root)) {
      const original = readFileSync(path.join(root, file), 'utf8');
      for (const e of editsOf(original)) {
        const next = reanalyzeEdit(base, file, e.text);
        if (!next) { full++; continue; }
        fast++;
        const whole = await analyze(root, { wasmDir, overlay: new Map([[file, e.text]]) });
        assert.equal(summary(next), summary(whole), `${file}: ${e.what}`);
        assert.equal(next.paths, base.paths, 'the walk is reused, not redone');
        assert.equal(next.index.texts.get(file), e.text);
      }
    }
    // both outcomes must occur, or the test proves nothing
    assert.ok(fast > 0 && full > 0, `fast ${fast}, full ${full}`);
  });
}

test('incremental: edits on a boot path, above a finding, or to a suppression comment take the whole analysis', async () => {
  const root = path.resolve('examples/boot-hazards');
  const base = await analyze(root, { wasmDir });
  const traps = readFileSync(path.join(root, 'traps.c'), 'utf8');
  const tl001 = base.findings.find((f) => f.rule === 'TL001' && f.range.file === 'traps.c');
  assert.ok(tl001, 'boot-hazards has TL001 in traps.c');
  const lines = traps.split('\n');
  // the set_ist line itself: on the BSP's path
  const onPath = [...lines.slice(0, tl001.range.line), `    ${lines[tl001.range.line].trim()} /* moved */`, ...lines.slice(tl001.range.line + 1)].join('\n');
  assert.equal(reanalyzeEdit(base, 'traps.c', onPath), null);
  // a line inserted above it moves the finding
  assert.equal(reanalyzeEdit(base, 'traps.c', `/* header */\n${traps}`), null);
  assert.equal(reanalyzeEdit(base, 'traps.c', `${traps}/* trapline-disable-next-line TL001 -- test */\n`), null);
  assert.equal(reanalyzeEdit(base, 'traps.c', traps), base, 'an unchanged text is the same analysis');
  assert.equal(reanalyzeEdit(base, 'boot/x86_64.S', '\n'), null, 'assembler is re-analysed whole');
});

test('incremental: a re-analysis with the index cache reads again only files whose size or mtime changed', async () => {
  const { mkdtempSync, cpSync, writeFileSync, utimesSync, statSync: st } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(path.join(tmpdir(), 'trapline-stamp-'));
  cpSync('examples/boot-hazards', root, { recursive: true });
  const old = new Date(Date.now() - 3600_000);
  for (const f of cFilesOf(root)) utimesSync(path.join(root, f), old, old);
  const cache = new Map();
  const first = await analyze(root, { wasmDir, cache });
  const file = path.join(root, 'mm.c');
  const text = readFileSync(file, 'utf8');
  // same size, same mtime: trusted without reading (the file is long past the racy window)
  writeFileSync(file, text.replace('void', 'VOID'));
  utimesSync(file, old, old);
  const same = await analyze(root, { wasmDir, cache });
  assert.equal(same.index.texts.get('mm.c'), text, 'an unchanged stamp keeps the text read before');
  assert.equal(summary(same), summary(first));
  // a new size is read again
  writeFileSync(file, `${text}\n/* grown */\n`);
  utimesSync(file, old, old);
  const grown = await analyze(root, { wasmDir, cache });
  assert.equal(grown.index.texts.get('mm.c'), `${text}\n/* grown */\n`);
  assert.ok(st(file).size > text.length);
});

test('incremental: a re-analysis over the previous one (index cache, trees, macro values) finds what a fresh analysis finds when a #define changes', async () => {
  const root = path.resolve('examples/boot-hazards');
  const file = 'include/asm/traps.h';
  const original = readFileSync(path.join(root, file), 'utf8');
  const cache = new Map(), trees = api.newTreeCache();
  let previous = await analyze(root, { wasmDir, cache, trees });
  const base = summary(previous);
  let changedFindings = 0;
  for (const name of ['TRAP_nmi', 'TRAP_double_fault', 'TRAP_machine_check']) {
    const text = original.replace(new RegExp(`(#define ${name}\\s+)(\\d+)`), (_, d, v) => `${d}${Number(v) + 1}`);
    assert.notEqual(text, original, name);
    const overlay = new Map([[file, text]]);
    const reused = await analyze(root, { wasmDir, overlay, cache, trees, previous: previous.index });
    const fresh = await analyze(root, { wasmDir, overlay });
    assert.equal(summary(reused), summary(fresh), `${name} moved to another vector`);
    if (summary(fresh) !== base) changedFindings++;
    previous = reused;
  }
  // the edits matter: a stale value taken over from the previous run would show
  assert.ok(changedFindings >= 2, `${changedFindings} edits changed the findings`);
});

/** Everything a walk produced, as text: each step with its chain and machine states, call sites, unresolved targets, findings. */
function walkDump(a) {
  const ser = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Map ? [...x] : x));
  const out = [];
  for (const p of a.paths) {
    out.push(`role ${p.role.name} ${p.entry} aps@${p.startApsAt} ${ser(p.unresolved)}`);
    for (const s of p.steps) out.push(`${s.index} ${s.seq} ${s.within} ${ser(s.range)} ${ser(s.effect)} ${ser(s.chain)} ${s.depth} ${ser(s.before)} ${ser(s.after)}`);
    for (const c of p.calls) out.push(`call ${c.callee} ${c.caller} ${c.seq} ${ser(c.range)}`);
  }
  out.push(summary(a));
  return out.join('\n');
}

/** Edits on the lines a walk went through: a statement typed, a line duplicated, a line emptied, a line inserted, a call renamed. */
function walkedEditsOf(text, lines) {
  const out = [];
  lines.forEach((at, i) => {
    const ls = text.split('\n');
    const kind = ['statement typed', 'line duplicated', 'line emptied', 'line inserted', 'call renamed'][i % 5];
    if (kind === 'statement typed') ls[at] += ' barrier();';
    else if (kind === 'line duplicated') ls.splice(at, 0, ls[at]);
    else if (kind === 'line emptied') ls[at] = '';
    else if (kind === 'line inserted') ls.splice(at, 0, '');
    else ls[at] = ls[at].replace(/\b([a-z_]\w*)\(/, '$1_x(');
    out.push({ what: `${kind} at line ${at + 1}`, text: ls.join('\n') });
  });
  return out;
}

for (const tree of ['test/fixtures/gate-writer-renamed', 'test/fixtures/forms-retarget-missed', 'test/fixtures/forms-cr4-shadow-early', 'examples/boot-hazards', 'examples/boot-fixed', 'test/fixtures/bsp-ap-split', 'test/fixtures/tl004-late-call-into-init', 'test/fixtures/macro-sections']) {
  test(`incremental: edits of walked code in ${tree}, walked again from the previous walks, equal a whole analysis step for step`, async () => {
    const root = path.resolve(tree);
    const base = await analyze(root, { wasmDir, keepWalks: true });
    let walked = 0, reused = 0;
    for (const file of cFilesOf(root).filter((f) => f.endsWith('.c'))) {
      const original = readFileSync(path.join(root, file), 'utf8');
      const lines = [...new Set(base.paths.flatMap((p) => [...p.steps.map((s) => s.range), ...p.calls.map((c) => c.range)]).filter((r) => r.file === file).map((r) => r.line))];
      // edits follow one another, as typing does: each is re-analysed from the one before, and
      // every other one after a comment typed at the end of the file (off the paths: the walk stays)
      let prev = base;
      for (const [i, e] of walkedEditsOf(original, lines).entries()) {
        if (i % 2 === 1) {
          const off = reanalyzeEdit(prev, file, `${prev.index.texts.get(file)}/* typed */\n`);
          if (off && off.paths === prev.paths) prev = off;
        }
        const next = reanalyzeEdit(prev, file, e.text);
        if (!next || next.paths === prev.paths) continue;
        walked++;
        reused += next.walks.reused;
        const whole = await analyze(root, { wasmDir, overlay: new Map([[file, e.text]]) });
        assert.equal(walkDump(next), walkDump(whole), `${file}: ${e.what}`);
        prev = next;
      }
    }
    assert.ok(walked > 0 && reused > 0, `${walked} edits walked again, ${reused} calls re-used`);
  });
}

/** A tree of C files under the generic profile, the BSP entering at start(). */
async function treeOf(files, roles = [{ name: 'bsp', kind: 'bsp', entry: 'start' }]) {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(path.join(tmpdir(), 'trapline-walked-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  writeFileSync(path.join(root, '.trapline.json'), JSON.stringify({ profile: 'generic', roles }));
  return root;
}

const TABLE = `struct desc_ptr { unsigned short limit; unsigned long base; };
struct gate { unsigned long a, b; };
struct gate idt_table[256];
`;
/** The statements that load idt_table, and a function made of them. */
const LIDT = `    struct desc_ptr idtr = { .limit = sizeof(idt_table) - 1, .base = (unsigned long)idt_table };
    asm volatile ( "lidt %0" : : "m" (idtr) );
`;
const loader = (name) => `static void ${name}(void)\n{\n${LIDT}}\n`;
const LOAD = loader('load_idt');

async function walkedAgain(root, file, text, prev) {
  const next = reanalyzeEdit(prev, file, text);
  assert.ok(next && next.paths !== prev.paths, 'the edit is walked again');
  const whole = await analyze(root, { wasmDir, overlay: new Map([[file, text]]) });
  assert.equal(walkDump(next), walkDump(whole));
  return next;
}

test('incremental: a call walked first inside a re-used call, now walked before it, shows there as before (the trace does not hold)', async () => {
  const setup = `${TABLE}${LOAD}
static void again(void)
{
    load_idt();
}

void start(void)
{
    load_idt();
    again();
}
`;
  const root = await treeOf({ 'setup.c': setup });
  const base = await analyze(root, { wasmDir, keepWalks: true });
  // again() loads the table that is already live: its load_idt() is walked (and shown) there
  assert.ok(base.paths[0].steps.some((s) => s.within === 'again'), base.paths[0].steps.map((s) => `${s.within}:${s.effect.text}`).join(', '));
  const next = await walkedAgain(root, 'setup.c', setup.replace('    again();\n}', '    load_idt();\n    again();\n}'), base);
  assert.ok(!next.paths[0].steps.some((s) => s.within === 'again'), 'inside again(), load_idt() with the same state is not walked twice');
});

/** `helper()` in other.c, reached from `setup` (a walked `start`), gains a lidt: walked again, its step shows under it. */
async function helperGainsLidt(setup) {
  const other = `${TABLE}void helper(void)
{
    barrier();
}
`;
  const root = await treeOf({ 'setup.c': setup, 'other.c': other });
  const base = await analyze(root, { wasmDir, keepWalks: true });
  assert.equal(base.paths[0].steps.length, 0);
  const next = await walkedAgain(root, 'other.c', other.replace('    barrier();\n', LIDT), base);
  assert.ok(next.paths[0].steps.some((s) => s.effect.kind === 'lidt' && s.within === 'helper'), next.paths[0].steps.map((s) => `${s.within}:${s.effect.text}`).join(', '));
}

test('incremental: a callee that becomes boot-relevant in another file is walked inside the call that did not walk it before', async () => {
  await helperGainsLidt(`${TABLE}extern void helper(void);
static void prepare(void)
{
    helper();
}

void start(void)
{
    prepare();
}
`);
});

test('incremental: a callee the edit redefines is asked about in its new definition, not the one the trace recorded', async () => {
  await helperGainsLidt(`${TABLE}extern void helper(void);
void start(void)
{
    helper();
}
`);
});

test('incremental: line breaks typed above walked functions leave no copy of them at the lines they left', async () => {
  const setup = `${TABLE}${LOAD}
void start(void)
{
    load_idt();
}
`;
  const root = await treeOf({ 'setup.c': setup });
  const trees = api.newTreeCache();
  let a = await analyze(root, { wasmDir, keepWalks: true, trees });
  const copies = trees.functions.size;
  assert.ok(copies >= 2, `${copies} function copies`);
  let text = setup;
  for (let i = 0; i < 5; i++) {
    // a line break in start()'s body, then one above both functions, in turn
    text = i % 2 === 0 ? text.replace('    load_idt();', '\n    load_idt();') : `\n${text}`;
    a = await walkedAgain(root, 'setup.c', text, a);
    assert.equal(trees.functions.size, copies, `after edit ${i}: ${[...trees.functions.keys()].join(', ')}`);
  }
});

test('incremental: an edit on a line that feeds a features word or a table copy is walked again while what it feeds stays, and whole otherwise', async () => {
  const root = path.resolve('examples/boot-hazards');
  const base = await analyze(root, { wasmDir, keepWalks: true });
  const mce = readFileSync(path.join(root, 'mce.c'), 'utf8');
  const same = await walkedAgain(root, 'mce.c', mce.replace('set_in_cr4(X86_CR4_MCE);', 'set_in_cr4(X86_CR4_MCE); barrier();'), base);
  assert.equal(summary(same), summary(base), 'the same bits: the same findings');
  // other bits ORed into mmu_cr4_features change what every AP loads: the whole tree again
  assert.equal(reanalyzeEdit(base, 'mce.c', mce.replace('set_in_cr4(X86_CR4_MCE);', 'set_in_cr4(X86_CR4_OSXSAVE);')), null);
  const smp = readFileSync(path.join(root, 'smpboot.c'), 'utf8');
  await walkedAgain(root, 'smpboot.c', smp.replace(/^(\s*memcpy\(idt_tables\[cpu\], idt_table,)/m, '    barrier();\n$1'), base);
  assert.equal(reanalyzeEdit(base, 'smpboot.c', smp.replace('memcpy(idt_tables[cpu], idt_table,', 'memcpy(idt_tables[cpu], idt_table_copy,')), null, 'a copy of another table');
});

test('incremental: a call that re-used a gate-writing call inside it is not re-used at another step number (the gate sites are step numbers)', async () => {
  const setup = `${TABLE}extern void nmi(void);
${LOAD}
${loader('reload_idt')}
static void set_nmi(void)
{
    set_gate(&idt_table[2], &nmi);
}

static void setup(void)
{
    set_nmi();
}

void start(void)
{
    load_idt();
    setup();
}
`;
  const root = await treeOf({ 'setup.c': setup });
  const base = await analyze(root, { wasmDir, keepWalks: true });
  // setup() walked again, with set_nmi() re-used inside it
  const first = await walkedAgain(root, 'setup.c', setup.replace('    set_nmi();\n}', '    set_nmi();\n    barrier();\n}'), base);
  assert.ok(first.walks.reused > 0, 'set_nmi() re-used');
  // two more steps before setup() (reload_idt() loads what is loaded: the same machine state)
  await walkedAgain(root, 'setup.c', first.index.texts.get('setup.c').replace('    load_idt();\n    setup();', '    load_idt();\n    reload_idt();\n    setup();'), first);
});

test('incremental: a call of a helper that ORs into a features word, typed anywhere, changes what every AP may load: the whole tree again', async () => {
  const setup = `unsigned long mmu_cr4_features = 0x20;
static inline void write_cr4(unsigned long val)
{
    asm volatile ( "mov %0,%%cr4" : : "r" (val) );
}

static void add_feature(unsigned long mask)
{
    mmu_cr4_features |= mask;
}

void late(void)
{
    barrier();
}

void start(void)
{
    add_feature(0x40);
}

void ap_start(void)
{
    write_cr4(mmu_cr4_features);
}
`;
  const root = await treeOf({ 'setup.c': setup }, [{ name: 'bsp', kind: 'bsp', entry: 'start' }, { name: 'ap', kind: 'ap', entry: 'ap_start' }]);
  const base = await analyze(root, { wasmDir, keepWalks: true });
  assert.ok(base.index.featuresOrs.get('mmu_cr4_features') === 0x40n, 'add_feature(0x40) is ORed in');
  // the typed line names neither CR4 nor `|=`: only the helper's name says what it does
  const text = setup.replace('    barrier();', '    add_feature(0x1000);');
  const next = reanalyzeEdit(base, 'setup.c', text);
  if (next) {
    const whole = await analyze(root, { wasmDir, overlay: new Map([['setup.c', text]]) });
    assert.equal(walkDump(next), walkDump(whole));
  }
  assert.equal(next, null);
});

test('incremental: an edit of an assembler macro body in a C header (`call \\fn` -> `jmp \\fn`) takes the whole analysis', async () => {
  const header = `#ifdef __ASSEMBLY__
.macro go fn
    call \\fn
.endm
#endif
extern int boot_cpu;
`;
  const root = await treeOf({ 'include/asm-defns.h': header, 'setup.c': 'void start(void)\n{\n}\n' });
  const base = await analyze(root, { wasmDir, keepWalks: true });
  assert.equal(base.index.asmFlowMacros.get('go'), 'call');
  // the changed line names no macro: only the block around it says it is one
  assert.equal(reanalyzeEdit(base, 'include/asm-defns.h', header.replace('    call \\fn', '    jmp \\fn')), null);
  assert.notEqual(reanalyzeEdit(base, 'include/asm-defns.h', header.replace('extern int boot_cpu;', 'extern int boot_cpu; /* the BSP */')), null, 'a comment elsewhere in the header is answered');
});

test('incremental: an edit inside a gate writer no profile names (its summary says it changes nothing) is answered as a whole analysis answers it', async () => {
  const root = path.resolve('test/fixtures/gate-writer-renamed');
  const file = 'include/asm/desc.h';
  const original = readFileSync(path.join(root, file), 'utf8');
  const base = await analyze(root, { wasmDir, keepWalks: true });
  // the writer stops setting the present bit (0x8e00 -> 0x0e00): every gate it writes is absent
  const text = original.replace('0x8e00 | dpl << 13', '0x0e00 | dpl << 13');
  assert.notEqual(text, original);
  const next = reanalyzeEdit(base, file, text);
  const whole = await analyze(root, { wasmDir, overlay: new Map([[file, text]]) });
  assert.notEqual(summary(whole), summary(base), 'the edit changes the findings');
  assert.ok(next === null || next.paths !== base.paths, 'not answered from the walk before the edit');
  if (next) assert.equal(summary(next), summary(whole));
});

test('incremental: a callee the walk passed over whose edited body now names the gate table is walked, as a whole analysis walks it', async () => {
  // `set_spare_gate(15, ...)` wrote nothing and named no table: the walk did not enter it. Its
  // body now writes the gate through `idt_table + n`, which its relevance summary does not see.
  const root = path.resolve('test/fixtures/gate-writer-renamed');
  const file = 'traps.c';
  const before = `${readFileSync(path.join(root, file), 'utf8')
    .replace('extern void irq_common_entry(void);\n', 'extern void irq_common_entry(void);\nstatic void set_spare_gate(unsigned int n, void *addr);\n')
    .replace('    for ( v = FIRST_DYNAMIC_VECTOR;', '    set_spare_gate(15, &irq_common_entry);\n\n    for ( v = FIRST_DYNAMIC_VECTOR;')
  }\nstatic void set_spare_gate(unsigned int n, void *addr) { (void)n; (void)addr; }\n`;
  const base = await analyze(root, { wasmDir, keepWalks: true, overlay: new Map([[file, before]]) });
  const text = before.replace('{ (void)n; (void)addr; }', '{ write_gate(idt_table + n, addr, 0); }');
  const next = reanalyzeEdit(base, file, text);
  const whole = await analyze(root, { wasmDir, overlay: new Map([[file, text]]) });
  assert.notEqual(summary(whole), summary(base), 'the edit changes the findings');
  assert.ok(next === null || next.paths !== base.paths, 'not answered from the walk before the edit');
  if (next) assert.equal(walkDump(next), walkDump(whole));
});

test('incremental: an edit answered from the analysis on screen does not keep that analysis alive (a session of edits holds one analysis, not every one before it)', async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc');
  const root = path.resolve('examples/boot-hazards');
  const file = 'setup.c';
  let text = readFileSync(path.join(root, file), 'utf8');
  let a = await analyze(root, { wasmDir, keepWalks: true });
  const first = new WeakRef(a.index);
  for (let i = 0; i < 3; i++) {
    // a statement typed on a walked line: walked again from the previous walks
    const typed = text.replace(/( {4}trap_init\(\);[^\n]*)\n/, '$1 barrier();\n');
    assert.notEqual(typed, text);
    text = typed;
    const next = reanalyzeEdit(a, file, text);
    assert.ok(next && next.walks, 'answered from the previous walks');
    a = next;
  }
  // (a WeakRef holds its target until the job that made it ends)
  await new Promise((r) => setTimeout(r, 0));
  gc();
  assert.equal(first.deref(), undefined, 'the first analysis is still reachable from the last');
});

/** A table, its descriptor and an ops struct of 65 hooks: what the trees at the walk's caps are made of. */
const CAPS_PRELUDE = `struct gate { unsigned long a, b; };
struct gate idt_table[256];
struct desc_ptr { unsigned short limit; unsigned long base; } __attribute__((packed));
static const struct desc_ptr idtr = { .limit = sizeof(idt_table) - 1, .base = (unsigned long)idt_table };
struct ops { ${Array.from({ length: 65 }, (_, i) => `void (*hook${i})(void);`).join(' ')} } *ops;`;
/** 100,001 call sites, then 65 calls through pointers: statements that reach both caps of the walk. */
const CAPS_BODY = [...Array(100_001).fill('    nothing();'), ...Array.from({ length: 65 }, (_, i) => `    ops->hook${i}();`)].join('\n');

/** A one-file tree of `text` entered at `start`, analysed with its walks kept; both caps reached. */
async function capsTree(prefix, text) {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  writeFileSync(path.join(root, 'setup.c'), text);
  writeFileSync(path.join(root, '.trapline.json'), JSON.stringify({ profile: 'generic', roles: [{ name: 'bsp', kind: 'bsp', entry: 'start' }] }));
  const a = await analyze(root, { wasmDir, keepWalks: true });
  assert.deepEqual(a.paths[0].limits.map((l) => l.limit).sort(), ['call site limit 100000', 'unresolved target limit 64']);
  return { root, a };
}

/** An edit's analysis equals a whole analysis of the edited tree: steps, chains, call sites, limits, findings. */
async function sameAsWhole(root, next, edited) {
  const whole = await analyze(root, { wasmDir, overlay: new Map([['setup.c', edited]]) });
  const steps = (x) => JSON.stringify(x.paths.map((p) => [p.steps.map((s) => [s.index, s.seq, s.effect.text, s.range, s.chain]), p.calls.length, p.unresolved, p.limits]));
  assert.equal(steps(next), steps(whole));
  assert.equal(summary(next), summary(whole));
}

test('incremental: calls made after the walk reached its caps (call sites, unresolved targets) are re-used by the next edit, with the result of a whole analysis', async () => {
  // both caps are reached before the loads
  const text = `${CAPS_PRELUDE}
void nothing(void) { }
static void load_a(void)
{
    nothing();
    asm volatile ( "lidt %0" : : "m" (idtr) );
}
static void load_b(void)
{
    asm volatile ( "lidt %0" : : "m" (idtr) );
}
void start(void)
{
${CAPS_BODY}
    load_a();
    load_b();
}
`;
  const { root, a } = await capsTree('trapline-caps-', text);
  const edited = text.replace('    load_b();\n}', '    load_b();\n    barrier();\n}');
  const next = reanalyzeEdit(a, 'setup.c', edited);
  assert.ok(next?.walks, 'answered from the previous walks');
  // start is walked again; load_a (a call at the cap inside) and load_b are re-used
  assert.equal(next.walks.reused, 2);
  await sameAsWhole(root, next, edited);
});

test('incremental: a call during which the walk reaches its caps is re-used from the same counts (an edit before it that adds no call site), and walked again from others (one that does)', async () => {
  // the caps are reached inside setup_all
  const text = `${CAPS_PRELUDE}
unsigned long boot_flags;
void nothing(void) { }
static void setup_all(void)
{
    asm volatile ( "lidt %0" : : "m" (idtr) );
${CAPS_BODY}
}
void start(void)
{
    boot_flags = 1;
    setup_all();
}
`;
  const { root, a } = await capsTree('trapline-caps-inside-', text);
  // a statement that records no call site: setup_all begins from the same counts
  const quiet = text.replace('    boot_flags = 1;\n', '    boot_flags = 2;\n');
  const next = reanalyzeEdit(a, 'setup.c', quiet);
  assert.ok(next?.walks, 'answered from the previous walks');
  assert.deepEqual([next.walks.walked, next.walks.reused], [1, 1], 'start walked again, setup_all re-used');
  await sameAsWhole(root, next, quiet);
  // a call typed before it: setup_all records one call site less before the cap
  const busy = quiet.replace('    boot_flags = 2;\n', '    boot_flags = 2;\n    nothing();\n');
  const after = reanalyzeEdit(next, 'setup.c', busy);
  assert.ok(after?.walks, 'answered from the previous walks');
  assert.ok(after.walks.walked >= 2, `setup_all walked again (${after.walks.walked} walked)`);
  await sameAsWhole(root, after, busy);
});
