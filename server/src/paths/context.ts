/**
 * The disjunctive part of the abstract domain: a path (machine state, locals or registers, stack,
 * flags, return value), control flow out of a statement, and the join that keeps paths few.
 */
import { type State, joinStates, stateKey } from './state';
import { type Val, boundedVal, identicalVal, sameVal, valKey } from './values';

/** One path through the code: the machine state plus what the code's variables or registers hold. */
export interface Ctx {
  st: State;
  vals: ReadonlyMap<string, Val>;
  stack: readonly Val[];
  flags: { reg: string; imm?: bigint } | null;
  ret?: Val;
}

export interface Flow { normal: Ctx[]; ret: Ctx[]; brk: Ctx[]; cont: Ctx[] }

const MAX_CTXS = 6;

/** A value map's names and values, in order, made once per map: maps are copied on write, never changed in place. */
const flats = new WeakMap<ReadonlyMap<string, Val>, (string | Val)[]>();

/** The pseudo file of a macro expansion's nodes. */
export const MACRO_FILE = '<macro>';

/** Same locals, stack and flags: the same values in the same order, compared without making keys. */
function sameLocals(a: Ctx, b: Ctx): boolean {
  return sameVals(a.vals, b.vals) && sameStack(a.stack, b.stack)
    && (a.flags === b.flags || (a.flags !== null && b.flags !== null && a.flags.reg === b.flags.reg && a.flags.imm === b.flags.imm));
}

function sameVals(a: ReadonlyMap<string, Val>, b: ReadonlyMap<string, Val>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  const x = flatOf(a), y = flatOf(b);
  for (let i = 0; i < x.length; i += 2) if (x[i] !== y[i] || !sameVal(x[i + 1] as Val, y[i + 1] as Val)) return false;
  return true;
}

function flatOf(m: ReadonlyMap<string, Val>): (string | Val)[] {
  let f = flats.get(m);
  if (f === undefined) { f = []; m.forEach((v, k) => { f?.push(k, v); }); flats.set(m, f); }
  return f;
}

function sameStack(a: readonly Val[], b: readonly Val[]): boolean {
  return a === b || (a.length === b.length && a.every((v, i) => sameVal(v, b[i])));
}

export function dedupe(ctxs: Ctx[]): Ctx[] {
  if (ctxs.length <= 1) return ctxs;
  // grouped by machine state first: its key string is cached, so the lookup hashes nothing new
  const byState = new Map<string, number[]>();
  let out: Ctx[] = [];
  for (const c of ctxs) {
    const k = stateKey(c.st);
    const same = byState.get(k);
    const twin = same?.find((i) => sameLocals(out[i], c));
    if (twin !== undefined) {
      // the same path but for what it returns: one path, returning a value not known
      if (!sameVal(out[twin].ret, c.ret)) out[twin] = { ...out[twin], ret: undefined };
      continue;
    }
    if (same) same.push(out.length); else byState.set(k, [out.length]);
    out.push(c);
  }
  if (out.length > MAX_CTXS) {
    const head = out.slice(0, MAX_CTXS - 1);
    const rest = out.slice(MAX_CTXS - 1).reduce((a, b) => ({ ...a, st: joinStates(a.st, b.st), ret: sameVal(a.ret, b.ret) ? a.ret : undefined }));
    out = [...head, rest];
  }
  return out;
}

export function flow(normal: Ctx[] = []): Flow { return { normal, ret: [], brk: [], cont: [] }; }

/** The context with local `name` set to `v` (value maps are copied on write; one that already holds exactly that is kept). */
export function withLocal(c: Ctx, name: string, v0: Val): Ctx {
  if (c.vals.has(name) && identicalVal(c.vals.get(name), v0)) return c;
  const v = boundedVal(v0);
  const vals = new Map(c.vals);
  vals.set(name, v);
  return { ...c, vals };
}

/** A context by content, registers and stack included: what an assembler call's result depends on. */
export function ctxKey(c: Ctx): string {
  const vals = flatOf(c.vals).map((x) => (typeof x === 'string' ? x : valKey(x))).join(',');
  return `${stateKey(c.st)}/${vals}/${c.stack.map(valKey).join(',')}/${c.flags ? `${c.flags.reg}=${c.flags.imm ?? ''}` : ''}/${c.ret ? valKey(c.ret) : ''}`;
}
