import { measureLsp, pct } from './lsp-edit.mjs';
for (let k = 0; k < 2; k++) {
  const m = await measureLsp('/tmp/xen/HEAD', 'xen/arch/x86/setup.c', { edits: 20, walkedEdits: 20, hovers: 0 });
  console.log('off', m.editMs.map(Math.round).join(' '), '| p95', Math.round(pct(m.editMs, 95)));
  console.log('walked', m.walkedEditMs.map(Math.round).join(' '), '| p50', Math.round(pct(m.walkedEditMs, 50)), 'p95', Math.round(pct(m.walkedEditMs, 95)));
}
