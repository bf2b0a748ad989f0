import { measureLsp, pct } from './lsp-edit.mjs';
for (let k = 0; k < 3; k++) {
  const m = await measureLsp('/tmp/xen/HEAD', 'xen/arch/x86/setup.c', { edits: 20, walkedEdits: 0, hovers: 0 });
  console.log(m.editMs.map(Math.round).join(' '), '| p95', Math.round(pct(m.editMs, 95)));
}
