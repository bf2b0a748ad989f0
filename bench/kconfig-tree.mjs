// The kernel configuration module on a real tree (after `npm run build`):
//   node bench/kconfig-tree.mjs TREE [--kconfig-root DIR] [--config PATH] [--reference FILE] [--xen] [--list FILE]
// Computes the configuration without a .config (the arch defconfig resolved through the tree's
// Kconfig files, GCC on x86-64 assumed; --config PATH, relative to TREE: that .config or O=
// folder instead) and, with --reference (the .config `make
// x86_64_defconfig` wrote), counts the symbols equal, different, undecided and missing, and the
// entries .config lists that we would not (or the reverse); then selects the Kbuild sources (the
// Xen layout with --xen) and prints their counts. CPU time and peak RSS for each step.
// --list FILE writes the selected sources, one per line, with their role.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import api from '../out/api.js';

const { kconfig } = api;
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const tree = args[0];
if (!tree) { console.error('usage: node bench/kconfig-tree.mjs TREE [--kconfig-root DIR] [--config PATH] [--reference FILE] [--xen] [--list FILE]'); process.exit(2); }
const xen = args.includes('--xen');
const kconfigRoot = opt('--kconfig-root') ?? (xen ? 'xen' : '');
const isFile = (p) => { try { return statSync(join(tree, p)).isFile(); } catch { return false; } };
const read = (p) => (isFile(p) ? readFileSync(join(tree, p), 'latin1') : undefined);

const timed = (f) => { const c0 = process.cpuUsage(); const t0 = performance.now(); const r = f(); const c = process.cpuUsage(c0); return [r, `${(performance.now() - t0).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`]; };

const configPath = opt('--config');
const [config, tc] = timed(() => kconfig.loadKernelConfig({ read, kconfigRoot, ...(configPath ? { configPath } : {}) }));
console.log(`configuration: ${kconfig.describeConfig(config).slice(0, 160)}...`);
console.log(`  ${tc}; ${config.problems.length} problems${config.problems.length ? `: ${config.problems.slice(0, 5).join('; ')}` : ''}`);
const reference = opt('--reference');
if (reference) {
  const ref = kconfig.parseDotConfig(readFileSync(reference, 'utf8'), reference).entries;
  const show = (v) => (v.kind === 'string' ? JSON.stringify(v.value) : v.kind === 'undecided' ? '?' : v.value);
  const rows = { equal: [], different: [], undecided: [], missing: [], listing: [] };
  for (const [name, e] of ref) {
    const v = config.values.get(name);
    const want = e.quoted ? JSON.stringify(e.value) : e.value;
    if (!v) rows.missing.push(`${name}=${want}`);
    else if (v.kind === 'undecided') rows.undecided.push(`${name} (.config: ${want})`);
    else if (show(v) === want) rows.equal.push(name);
    else rows.different.push(`${name}: ours ${show(v)}, .config ${want}`);
    if (config.listed?.get(name) === false) rows.listing.push(`${name}: .config lists it, we would not`);
  }
  for (const [name, l] of config.listed ?? []) if (l === true && !ref.has(name)) rows.listing.push(`${name}: we would list it, .config does not`);
  console.log(`against ${reference} (${ref.size} entries): ${rows.equal.length} equal, ${rows.different.length} different, ${rows.undecided.length} undecided, ${rows.missing.length} missing, ${rows.listing.length} listed differently`);
  for (const k of ['different', 'missing', 'listing', 'undecided']) if (rows[k].length) console.log(`  ${k}: ${rows[k].join('; ')}`);
}
console.log(`undecided (${config.undecided.length}): ${config.undecided.map((u) => `${u.name} <- ${u.because.map((b) => b.slice(0, 90)).join(' | ')}`).join('\n  ')}`);

const [sel, tk] = timed(() => kconfig.selectKbuild({ read, exists: isFile, config, ...(xen ? { layout: kconfig.XEN_KBUILD } : {}) }));
const files = [...sel.files];
const count = (f) => files.filter(f).length;
console.log(`Kbuild: ${files.length} sources (${count(([p]) => p.endsWith('.c'))} .c, ${count(([p]) => p.endsWith('.S'))} .S): ${['built-in', 'lib', 'extra', 'module', 'subdir'].map((r) => `${count(([, f]) => f.role === r)} ${r}`).join(', ')}; ${count(([, f]) => f.maybe)} maybe`);
console.log(`  ${sel.dirs.size} directories read, ${sel.unknownDirs.size} unknown${sel.unknownDirs.size ? `: ${[...sel.unknownDirs].map(([d, w]) => `${d || '.'} (${w})`).join('; ')}` : ''}; ${sel.generated.size} objects without a source in the tree`);
console.log(`  ${tk}; notes: ${sel.notes.join('; ') || 'none'}`);
const list = opt('--list');
if (list) writeFileSync(list, files.map(([p, f]) => `${p} ${f.role}${f.maybe ? ' maybe' : ''}`).sort().join('\n') + '\n');
