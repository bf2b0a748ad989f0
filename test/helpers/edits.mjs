// Applying the engine's text edits to a copy of a tree, as an editor applies a workspace edit.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export /** Applies LSP-style edits (all ranges refer to the original text) to the files under `root`. */
function applyEdits(root, edits) {
  const byFile = new Map();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, es] of byFile) {
    const p = join(root, file);
    let text = readFileSync(p, 'utf8');
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
    const offset = (line, column) => {
      assert.ok(line < starts.length || (line === starts.length && column === 0), `${file}: line ${line} out of range`);
      const o = (line < starts.length ? starts[line] : text.length) + column;
      assert.ok(o <= text.length, `${file}:${line}:${column} out of range`);
      return o;
    };
    const spans = es.map((e, i) => ({ e, i, s: offset(e.range.line, e.range.column), t: offset(e.range.endLine, e.range.endColumn) }));
    spans.sort((x, y) => x.s - y.s || x.i - y.i);
    for (let k = 1; k < spans.length; k++) assert.ok(spans[k].s >= spans[k - 1].t, `${file}: edits overlap`);
    for (const x of [...spans].reverse()) text = text.slice(0, x.s) + x.e.newText + text.slice(x.t);
    writeFileSync(p, text);
  }
}
