// An edit's index reads its definitions by name through the few names the edit changed over the
// previous index's map (server/src/index/layered-map.ts): it must read as a copy would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api from '../out/api.js';

const { LayeredMap } = api;

test('layered map: sets and deletes over a map read as the same calls on a copy, over layer after layer', () => {
  const base = new Map([['trap_init', 1], ['load_system_tables', 2], ['percpu_traps_init', 3]]);
  const copy = new Map(base);
  let layered = new LayeredMap(base);
  const ops = [['set', 'trap_init', 10], ['delete', 'load_system_tables'], ['set', 'early_trap_init', 4], ['layer'],
    ['set', 'early_trap_init', 5], ['delete', 'trap_init'], ['delete', 'no_such_function'], ['layer'], ['set', 'smp_prepare_cpus', 6]];
  for (const [op, k, v] of ops) {
    if (op === 'layer') { layered = new LayeredMap(layered); continue; }
    if (op === 'set') { copy.set(k, v); layered.set(k, v); } else assert.equal(layered.delete(k), copy.delete(k), `delete ${k}`);
    assert.deepEqual([...layered], [...copy], `after ${op} ${k}`);
    assert.equal(layered.size, copy.size);
    for (const name of ['trap_init', 'load_system_tables', 'percpu_traps_init', 'early_trap_init', 'smp_prepare_cpus', 'no_such_function']) {
      assert.equal(layered.get(name), copy.get(name), `get ${name}`);
      assert.equal(layered.has(name), copy.has(name), `has ${name}`);
    }
  }
  assert.deepEqual([...layered.keys()], [...copy.keys()]);
  assert.deepEqual([...layered.values()], [...copy.values()]);
  assert.deepEqual([...base], [['trap_init', 1], ['load_system_tables', 2], ['percpu_traps_init', 3]], 'the map below is never changed');
});
