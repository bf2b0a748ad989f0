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
import { placedDigest, type Trace, type TraceEvent, WalkMemory } from '../paths/traces';
import { inTree } from './check-cache';
import { readStoreFile, sha1, writeStoreFile } from './store-file';

/** Bumped whenever a trace's layout (or what a walk records) changes. */
const FORMAT = 1;

interface Stored {
  root: string;
  identity: string;
  /** The digest of the walk inputs of the index the traces were walked over. */
  inputs: string;
  /** Each file a trace read a function of: the hash of its text then. */
  files: [string, string][];
  /** Each function read: the digest of its text as placed then (for a file that changed since). */
  placed: Map<CFunction, string>;
  roles: Map<string, Map<string, Trace>>;
}

export class TraceStore {
  private readonly file: string;
  private readonly identity: string;

  /** The store of `root` for this build and configuration; null (none) inside the analysed tree, where we never write. */
  static open(dir: string, root: string, build: string, config: string): TraceStore | null {
    return inTree(root, dir) ? null : new TraceStore(dir, root, build, config);
  }

  private constructor(private readonly dir: string, private readonly root: string, build: string, config: string) {
    // V8's serialisation format is V8's own
    this.identity = `${build}/${config}/${process.versions.v8}`;
    this.file = path.join(dir, `traces-${createHash('sha256').update(root).digest('hex').slice(0, 32)}.v8`);
  }

  /**
   * The walks of the last run, when its index had these walk inputs (`inputs`: walkInputs of
   * this run's index); else why not. A function read from a file as it was reads as such; one
   * from a changed file compares its own text (`placedDigest`).
   */
  load(inputs: string, index: WorkspaceIndex): { walks: WalkMemory } | { none: string } {
    const got = readStoreFile(this.file, FORMAT, 'traces');
    if ('none' in got) return got;
    const s = got.value as Stored;
    if (s.root !== this.root || s.identity !== this.identity) return { none: 'traces of another build or configuration' };
    if (s.inputs !== inputs) return { none: 'definitions changed since the traces were walked' };
    const same = new Set(s.files.filter(([f, h]) => { const t = index.texts.get(f); return t !== undefined && sha1(t) === h; }).map(([f]) => f));
    const walks = new WalkMemory();
    for (const [role, traces] of s.roles) {
      walks.roles.set(role, traces);
      for (const log of logsOf(traces)) {
        for (const e of log) {
          if (e.k !== 'read') continue;
          e.placedDigest = s.placed.get(e.fn);
          if (same.has(e.fn.file)) e.fileText = index.texts.get(e.fn.file) ?? '';
        }
      }
    }
    return { walks };
  }

  /**
   * Keeps these walks (every trace of them holds over `index`) under `inputs`; returns why they
   * were not written, or null. The file texts the reads hold are kept as hashes.
   */
  save(inputs: string, walks: WalkMemory, index: WorkspaceIndex): string | null {
    const files = new Map<string, string>();
    const placed = new Map<CFunction, string>();
    const copies = new Map<readonly TraceEvent[], TraceEvent[]>();
    const copied = new Map<Trace, Trace>();
    const copy = (t: Trace): Trace => {
      let c = copied.get(t);
      if (c) return c;
      let log = copies.get(t.log);
      if (!log) { log = t.log.map((e) => (e.k === 'read' ? readForDisk(e, index, files, placed) : e)); copies.set(t.log, log); }
      c = { ...t, log, children: [] };
      copied.set(t, c);
      c.children = t.children.map(copy);
      return c;
    };
    const roles = new Map([...walks.roles].map(([r, traces]) => [r, new Map([...traces].map(([k, t]) => [k, copy(t)]))]));
    return writeStoreFile(this.dir, this.file, FORMAT, { root: this.root, identity: this.identity, inputs, files: [...files], placed, roles } satisfies Stored);
  }
}

/** A read as kept: the file by hash, the function's text by digest (the text itself is the tree's). */
function readForDisk(e: TraceEvent & { k: 'read' }, index: WorkspaceIndex, files: Map<string, string>, placed: Map<CFunction, string>): TraceEvent {
  const text = index.texts.get(e.fn.file) ?? '';
  if (!files.has(e.fn.file)) files.set(e.fn.file, sha1(text));
  if (!placed.has(e.fn)) placed.set(e.fn, e.placedDigest ?? placedDigest(placedText(e.fn, e.fileText)));
  return { k: 'read', fn: e.fn, fileText: '' };
}

/** The logs of a role's traces (the traces of one walk share its log). */
function logsOf(traces: ReadonlyMap<string, Trace>): Set<TraceEvent[]> {
  const out = new Set<TraceEvent[]>();
  for (const t of traces.values()) out.add(t.log);
  return out;
}
