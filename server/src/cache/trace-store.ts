// The walks of `trapline check`, kept on disk between runs: each role's traces (what each walked
// call did and read, paths/traces.ts), under the digest of the index's walk inputs
// (paths/walk-inputs.ts). A run whose index has the same digest walks again re-using every
// call whose own reads still hold, as the language server does for an edit: a change of one
// function's body walks again the calls that read it, and replays the rest.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { CFunction } from '../index/c-index';
import type { WorkspaceIndex } from '../index/index';
import { placedText } from '../index/parse-cache';
import type { CallSite } from '../paths/steps';
import { placedDigest, type Trace, type TraceEvent, WalkMemory } from '../paths/traces';
import { inTree } from './check-cache';
import { readStoreFile, sha1, writeStoreFile } from './store-file';

/** Bumped whenever a trace's layout (or what a walk records) changes. */
const FORMAT = 5;

/**
 * A trace as kept: its memo key and its stack by number in the store's strings (a key holds the
 * machine states' keys, and the walks meet the same ones in many traces: V8's serialisation
 * writes a string again at each use), its call sites as runs of the store's sites (a trace's
 * sites are its callees' too: 2.7 million uses of 100,000 sites on Linux), its log by number
 * and its callees' traces by number.
 */
interface StoredTrace extends Omit<Trace, 'key' | 'stack' | 'calls' | 'log' | 'children'> {
  key: number; stack: number[]; calls: number[]; log: number; children: number[];
}
/** The events of a log as kept: memo keys and result signatures by number, reads without the file's text. */
type StoredEvent = Exclude<TraceEvent, { k: 'hit' | 'miss' | 'read' }> | { k: 'hit'; key: number; sig: number } | { k: 'miss'; key: number } | { k: 'read'; fn: CFunction };

interface Stored {
  root: string;
  identity: string;
  /** The digest of the walk inputs of the index the traces were walked over. */
  inputs: string;
  /** Each file a trace read a function of: the hash of its text then. */
  files: [string, string][];
  /** Each function read: the digest of its text as placed then (for a file that changed since). */
  placed: Map<CFunction, string>;
  strings: string[];
  sites: CallSite[];
  logs: StoredEvent[][];
  traces: StoredTrace[];
  /** Each role's traces, by number, in the order of its map. */
  roles: [string, number[]][];
}

export class TraceStore {
  private readonly file: string;
  private readonly identity: string;

  /**
   * The store of `root` for this build and configuration, and one face (`cli`, `server`: each
   * its own file, as for the index store); null (none) inside the analysed tree, where we never write.
   */
  static open(dir: string, root: string, build: string, config: string, face: 'cli' | 'server'): TraceStore | null {
    return inTree(root, dir) ? null : new TraceStore(dir, root, build, config, face);
  }

  private constructor(private readonly dir: string, private readonly root: string, build: string, config: string, face: string) {
    // V8's serialisation format is V8's own
    this.identity = `${build}/${config}/${process.versions.v8}`;
    this.file = path.join(dir, `traces-${createHash('sha256').update(root).digest('hex').slice(0, 32)}${face === 'cli' ? '' : `-${face}`}.v8`);
  }

  /**
   * The walks of the last run, when its index had these walk inputs (`inputs`: walkInputs of
   * this run's index); else why not. A function read from a file as it was reads as such; one
   * from a changed file compares its own text (`placedDigest`).
   */
  load(inputs: string, index: WorkspaceIndex): { walks: WalkMemory } | { none: string } {
    // (refused by the header: a tree's traces are tens of megabytes)
    const got = readStoreFile(this.file, FORMAT, 'traces', (meta) => meta.root !== this.root || meta.identity !== this.identity ? 'traces of another build or configuration'
      : meta.inputs !== inputs ? 'definitions changed since the traces were walked' : null);
    if ('none' in got) return got;
    const s = got.value as Stored;
    if (s.root !== this.root || s.identity !== this.identity || s.inputs !== inputs) return { none: 'traces of another build or configuration' };
    const same = new Set(s.files.filter(([f, h]) => { const t = index.texts.get(f); return t !== undefined && sha1(t) === h; }).map(([f]) => f));
    const str = s.strings;
    const logs = s.logs.map((log) => log.map((e): TraceEvent => {
      switch (e.k) {
        case 'hit': return { k: 'hit', key: str[e.key], sig: str[e.sig] };
        case 'miss': return { k: 'miss', key: str[e.key] };
        case 'read': return { k: 'read', fn: e.fn, fileText: same.has(e.fn.file) ? index.texts.get(e.fn.file) ?? '' : '', placedDigest: s.placed.get(e.fn) };
        default: return e;
      }
    }));
    const traces: Trace[] = s.traces.map((t) => {
      const calls: CallSite[] = [];
      for (let i = 0; i < t.calls.length; i += 2) for (let j = t.calls[i]; j < t.calls[i] + t.calls[i + 1]; j++) calls.push(s.sites[j]);
      return { ...t, key: str[t.key], stack: t.stack.map((n) => str[n]), calls, log: logs[t.log], children: [] };
    });
    s.traces.forEach((t, i) => { traces[i].children = t.children.map((n) => traces[n]); });
    const walks = new WalkMemory();
    for (const [role, numbers] of s.roles) walks.roles.set(role, new Map(numbers.map((n) => [traces[n].key, traces[n]])));
    return { walks };
  }

  /**
   * Keeps these walks (every trace of them holds over `index`) under `inputs`; returns why they
   * were not written, or null. The file texts the reads hold are kept as hashes.
   */
  save(inputs: string, walks: WalkMemory, index: WorkspaceIndex): string | null {
    const files = new Map<string, string>();
    const placed = new Map<CFunction, string>();
    const strings: string[] = [], stringIds = new Map<string, number>();
    const str = (x: string): number => {
      let n = stringIds.get(x);
      if (n === undefined) { n = strings.length; strings.push(x); stringIds.set(x, n); }
      return n;
    };
    const sites: CallSite[] = [], siteIds = new Map<CallSite, number>();
    const logs: StoredEvent[][] = [], logIds = new Map<readonly TraceEvent[], number>();
    const traces: StoredTrace[] = [], traceIds = new Map<Trace, number>();
    const logOf = (log: readonly TraceEvent[]): number => {
      let n = logIds.get(log);
      if (n === undefined) {
        n = logs.length;
        logIds.set(log, n);
        logs.push(log.map((e): StoredEvent => {
          switch (e.k) {
            case 'hit': return { k: 'hit', key: str(e.key), sig: str(e.sig) };
            case 'miss': return { k: 'miss', key: str(e.key) };
            case 'read': return readForDisk(e, index, files, placed);
            default: return e;
          }
        }));
      }
      return n;
    };
    // runs of consecutive site numbers, [first, count] after [first, count]
    const runsOf = (calls: readonly CallSite[]): number[] => {
      const runs: number[] = [];
      for (const c of calls) {
        let n = siteIds.get(c);
        if (n === undefined) { n = sites.length; sites.push(c); siteIds.set(c, n); }
        const last = runs.length - 2;
        if (last >= 0 && runs[last] + runs[last + 1] === n) runs[last + 1]++;
        else runs.push(n, 1);
      }
      return runs;
    };
    const number = (t: Trace): number => {
      let n = traceIds.get(t);
      if (n !== undefined) return n;
      n = traces.length;
      traceIds.set(t, n);
      // (the memo entry's cached signature is made again on demand)
      const kept: StoredTrace = { ...t, key: str(t.key), stack: t.stack.map(str), calls: runsOf(t.calls), log: logOf(t.log), children: [], entry: { outs: t.entry.outs } };
      traces.push(kept);
      kept.children = t.children.map(number);
      return n;
    };
    const roles: [string, number[]][] = [...walks.roles].map(([r, m]) => [r, [...m.values()].map(number)]);
    return writeStoreFile(this.dir, this.file, FORMAT, { root: this.root, identity: this.identity, inputs, files: [...files], placed, strings, sites, logs, traces, roles } satisfies Stored, { root: this.root, identity: this.identity, inputs });
  }
}

/** A read as kept: the file by hash, the function's text by digest (the text itself is the tree's). */
function readForDisk(e: TraceEvent & { k: 'read' }, index: WorkspaceIndex, files: Map<string, string>, placed: Map<CFunction, string>): StoredEvent {
  const text = index.texts.get(e.fn.file) ?? '';
  if (!files.has(e.fn.file)) files.set(e.fn.file, sha1(text));
  if (!placed.has(e.fn)) placed.set(e.fn, e.placedDigest ?? placedDigest(placedText(e.fn, e.fileText)));
  return { k: 'read', fn: e.fn };
}
