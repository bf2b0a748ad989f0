// The per-file C index as a tree-sitter-c parse reads it (what the engine used before its lexical
// index): the reference `c-lex` is checked against on well-formed C.
import api from '../../out/api.js';

const { blankAttributes, declaratorName } = api;
const CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification', 'declaration_list']);

function functionDeclarator(n) {
  for (let cur = n; cur; cur = cur.childForFieldName('declarator')) if (cur.type === 'function_declarator') return cur;
  return null;
}

function names(body) {
  const callees = new Set(), refs = new Set();
  const stack = [body];
  while (stack.length > 0) {
    const cur = stack.pop();
    if (cur.type === 'call_expression') { const f = cur.childForFieldName('function'); if (f?.type === 'identifier') callees.add(f.text); }
    else if (cur.type === 'identifier') refs.add(cur.text);
    for (const c of cur.namedChildren) if (c) stack.push(c);
  }
  return { callees, refs };
}

/** Functions and variables of one file: { functions: [{name, line, params, callees, refs, startIndex, endIndex}], variables: [{name, line, isArray, isPointerArray}] }. */
export function treeSitterCIndex(host, text, macros) {
  const tree = host.parse('c', blankAttributes(text, macros));
  const functions = [], variables = [];
  const stack = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop();
    for (const c of [...node.namedChildren].reverse()) {
      if (!c) continue;
      if (CONTAINERS.has(c.type)) stack.push(c);
      else if (c.type === 'function_definition') {
        const d = c.childForFieldName('declarator');
        const id = declaratorName(d);
        if (!id) continue;
        const params = (functionDeclarator(d)?.childForFieldName('parameters')?.namedChildren ?? [])
          .map((p) => declaratorName(p?.childForFieldName('declarator'))?.text ?? '').filter((p) => p.length > 0);
        const body = c.childForFieldName('body');
        const { callees, refs } = body ? names(body) : { callees: new Set(), refs: new Set() };
        functions.push({ name: id.text, line: id.startPosition.row, params, callees: [...callees].sort(), refs: [...refs].sort(), startIndex: c.startIndex, endIndex: c.endIndex });
      } else if (c.type === 'declaration') {
        if (c.namedChildren.some((x) => x?.type === 'storage_class_specifier' && x.text === 'extern')) continue;
        for (const d of c.childrenForFieldName('declarator')) {
          if (!d || d.type === 'function_declarator') continue;
          const id = declaratorName(d);
          if (!id) continue;
          const head = d.text.split('=')[0];
          variables.push({ name: id.text, line: id.startPosition.row, isArray: head.includes('['), isPointerArray: head.includes('[') && d.text.split('[')[0].includes('*') });
        }
      }
    }
  }
  tree.delete();
  const byPos = (a, b) => a.line - b.line || a.name.localeCompare(b.name);
  return { functions: functions.sort(byPos), variables: variables.sort(byPos) };
}
