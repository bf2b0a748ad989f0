// The Boot Timeline's rows and bands without a DOM (client/src/webview/rows.ts, bundled for the
// tests into out/webview-rows.js): calls past the depth limit folded under their caller, hidden
// steps mapped to their group's row, windows laid out in the first free column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { groupSteps, flatten, layoutBands, MAX_COLS } = await import(pathToFileURL(path.join(repo, 'out', 'webview-rows.js')).href);

const link = (symbol, line) => ({ symbol, file: 'c.c', line });
const S = (index, depth, o = {}) => ({ index, text: `t${index}`, kind: 'gate', file: 'c.c', uri: 'file:///c.c', line: index, column: 0, depth, chain: [], within: 'main', ...o });
// main calls trap_init (line 10, a recorded call step) and, from line 20, a call the path did not record
const steps = [
  S(0, 0),
  S(1, 0, { kind: 'call', callee: 'trap_init', line: 10 }),
  S(2, 1, { within: 'trap_init', chain: [link('main', 10)] }),
  S(3, 2, { within: 'set_gate', chain: [link('main', 10), link('trap_init', 30)] }),
  S(4, 2, { within: 'set_gate', chain: [link('main', 20), link('helper', 40)] }),
  S(5, 0),
];
const shape = (rows) => rows.map((r) => (r.type === 'step' ? `s${r.step.index}@${r.level}` : `g[${r.steps.map((s) => s.index).join(',')}]${r.callee}@${r.level}`));

test('panel rows: no limit, every step a row at its depth', () => {
  assert.deepEqual(shape(groupSteps('bsp', steps, null)), ['s0@0', 's1@0', 's2@1', 's3@2', 's4@2', 's5@0']);
});

test('panel rows: calls past the limit fold into one group per call site, the recorded call step becoming its row', () => {
  const rows = groupSteps('bsp', steps, 0);
  assert.deepEqual(shape(rows), ['s0@0', 'g[2,3]trap_init@0', 'g[4]helper@0', 's5@0']);
  assert.equal(rows[1].callStep, steps[1]);
  assert.equal(rows[1].key, 'bsp/g0/2');
  assert.equal(rows[2].callStep, null, 'no call step recorded at line 20');
  assert.deepEqual(rows[2].link, link('main', 20));
  // one level deeper: the group's callee is the function the hidden step runs in
  assert.deepEqual(shape(groupSteps('bsp', steps, 1)), ['s0@0', 's1@0', 's2@1', 'g[3]set_gate@1', 'g[4]set_gate@1', 's5@0']);
});

test('panel rows: a collapsed group stands for its steps; expanded, they follow it', () => {
  const collapsed = flatten('bsp', steps, 0, {});
  assert.deepEqual(shape(collapsed.rows), ['s0@0', 'g[2,3]trap_init@0', 'g[4]helper@0', 's5@0']);
  assert.deepEqual([...collapsed.rowOf], [[0, 0], [1, 1], [2, 1], [3, 1], [4, 2], [5, 3]]);
  assert.equal(collapsed.rows[1].expanded, false);
  const open = flatten('bsp', steps, 0, { 'bsp/g0/2': true, 'bsp/g0/4': 'yes' });
  assert.deepEqual(shape(open.rows), ['s0@0', 'g[2,3]trap_init@0', 's2@1', 's3@2', 'g[4]helper@0', 's5@0']);
  assert.deepEqual([...open.rowOf], [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
  assert.equal(open.rows[4].expanded, false, 'only true expands');
});

const win = (rule, openStep, closeStep, extent = 'window') => ({ rule, reason: rule, extent, openStep, closeStep, critical: false });
const placed = (bands) => Object.fromEntries(bands.map((b) => [b.w.rule, [b.open, b.close, b.col]]));
const identity = (n) => new Map(Array.from({ length: n }, (_, i) => [i, i]));

test('panel rows: a window takes the first column free at its opening row', () => {
  const { bands, cols } = layoutBands([win('A', 0, 2), win('B', 1, 3), win('C', 3, 4)], identity(5), 5);
  assert.deepEqual(placed(bands), { A: [0, 2, 0], B: [1, 3, 1], C: [3, 4, 0] }, "C reuses A's column, free after row 2");
  assert.equal(cols, 2);
});

test('panel rows: points, open ends, folded and hidden steps', () => {
  const rowOf = new Map([[0, 0], [1, 1], [2, 1], [3, 2]]); // steps 1 and 2 folded into row 1
  const { bands, cols } = layoutBands([win('folded', 2, 3), win('point', 0, null, 'point'), win('open', 3, null), win('unseen', 5, 5), win('late', 0, 8)], rowOf, 3);
  assert.deepEqual(placed(bands), { late: [0, 2, 0], point: [0, 0, 1], folded: [1, 2, 1], open: [2, 2, 2] }, 'a window opening at a step no row shows has no band');
  assert.deepEqual(bands.map((b) => [b.w.rule, b.point, b.openEnded]), [['late', false, false], ['point', true, false], ['folded', false, false], ['open', false, true]]);
  assert.equal(cols, 3);
});

test('panel rows: more overlapping windows than columns share the last one', () => {
  const ws = Array.from({ length: MAX_COLS + 2 }, (_, i) => win(`W${i}`, 0, 1));
  const { bands, cols } = layoutBands(ws, identity(2), 2);
  assert.equal(cols, MAX_COLS);
  assert.deepEqual(bands.map((b) => b.col), [...Array.from({ length: MAX_COLS }, (_, i) => i), MAX_COLS - 1, MAX_COLS - 1]);
});
