// The per-file index of `trapline check`, kept on disk between runs: what the `#define` scan,
// the C lexer and the assembler index made of each file, by the hash of its text. A check after
// a change reads every file again but indexes only those whose text changed (and, when the
// macros changed, every file they reach), as the language server does in memory.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { textHash, type CachedFile, type IndexCache } from '../index/build';
import { inTree } from './check-cache';
import { readStoreFile, sha1, writeStoreFile } from './store-file';

/** Bumped whenever an entry's layout (or what the index keeps of a file) changes. */
const FORMAT = 1;
/**
 * The store is this many files, each file's entry in the one its path hashes to: a change of one
 * source rewrites one shard, not the tree's whole index (68 MB for Linux, 1.3 s to write).
 */
const SHARDS = 64;

/** What one file's entry holds on disk: its text only as a hash (the file is read again anyway). */
type StoredFile = Omit<CachedFile, 'text' | 'disk'> & { hash: string };
interface Shard { root: string; build: string; files: [string, StoredFile][] }

const shardOf = (file: string): number => parseInt(sha1(file).slice(0, 4), 16) % SHARDS;

export class IndexStore {
  private readonly prefix: string;
  /** The files each shard held when loaded: a shard whose files and entries are all as loaded is not written again. */
  private readonly loaded = new Map<number, ReadonlySet<string>>();

  /**
   * The store of `root` for one face (`cli`, `server`: each its own bundle, so its own build, and
   * its own files: neither rewrites the other's on every run). Null (no store) when the directory
   * lies inside the analysed tree: we never write there.
   */
  static open(dir: string, root: string, build: string, face: 'cli' | 'server'): IndexStore | null {
    return inTree(root, dir) ? null : new IndexStore(dir, root, build, face);
  }

  private readonly build: string;

  private constructor(private readonly dir: string, private readonly root: string, build: string, face: string) {
    // V8's serialisation format is V8's own
    this.build = `${build}/${process.versions.v8}`;
    this.prefix = path.join(dir, `index-${createHash('sha256').update(root).digest('hex').slice(0, 32)}${face === 'cli' ? '' : `-${face}`}`);
  }

  private shardFile(n: number): string { return `${this.prefix}-${String(n).padStart(2, '0')}.v8`; }

  /**
   * The entries of the last run of this build on this root, or why there are none. A missing,
   * corrupt or foreign shard holds no entries (its files are indexed again), never an error.
   */
  load(): { cache: IndexCache; problem: string | null } {
    const cache: IndexCache = new Map();
    const problems = new Set<string>();
    for (let n = 0; n < SHARDS; n++) {
      const got = this.readShard(this.shardFile(n));
      if ('none' in got) { problems.add(got.none); continue; }
      for (const [f, s] of got.files) cache.set(f, s);
      this.loaded.set(n, new Set(got.files.map(([f]) => f)));
    }
    return { cache, problem: problems.size > 0 ? [...problems].join('; ') : null };
  }

  private readShard(file: string): { files: Shard['files'] } | { none: string } {
    const got = readStoreFile(file, FORMAT, 'index');
    if ('none' in got) return got;
    const shard = got.value as Shard;
    return shard.root === this.root && shard.build === this.build ? { files: shard.files } : { none: 'index of another build' };
  }

  /**
   * Keeps the entries of the files this run read (`texts`), each only when it is of the text the
   * run read; writes the shards that changed, each atomically (temp file + rename). Returns why
   * a shard was not written, or null.
   */
  save(cache: IndexCache, texts: ReadonlyMap<string, string>): string | null {
    for (const [n, files] of this.changedShards(cache, texts)) {
      const problem = this.writeShard(n, files);
      if (problem) return problem;
    }
    return null;
  }

  /** `save`, yielding to the event loop between shards (a language server keeps answering meanwhile). */
  async saveAsync(cache: IndexCache, texts: ReadonlyMap<string, string>): Promise<string | null> {
    for (const [n, files] of this.changedShards(cache, texts)) {
      await new Promise((r) => setImmediate(r));
      const problem = this.writeShard(n, files);
      if (problem) return problem;
    }
    return null;
  }

  /** The shards whose files or entries are not as loaded, with their entries now. */
  private changedShards(cache: IndexCache, texts: ReadonlyMap<string, string>): [number, [string, StoredFile][]][] {
    const shards = Array.from({ length: SHARDS }, () => ({ files: [] as [string, StoredFile][], changed: false }));
    for (const [f, text] of texts) {
      const e = cache.get(f);
      if (!e || (e.text !== undefined ? e.text !== text : e.hash !== textHash(text))) continue;
      const shard = shards[shardOf(f)];
      // an entry read back from the store and found to hold keeps its hash; a new one has none
      // yet, and gets it here (a server saves again after each whole analysis: only new entries count)
      if (e.hash === undefined) { shard.changed = true; e.hash = textHash(text); }
      shard.files.push([f, { hash: e.hash, macroKey: e.macroKey, configKey: e.configKey, defs: e.defs, c: e.c, asm: e.asm }]);
    }
    const out: [number, [string, StoredFile][]][] = [];
    for (const [n, shard] of shards.entries()) {
      const was = this.loaded.get(n);
      if (!shard.changed && was !== undefined && was.size === shard.files.length && shard.files.every(([f]) => was.has(f))) continue;
      out.push([n, shard.files]);
    }
    return out;
  }

  private writeShard(n: number, files: [string, StoredFile][]): string | null {
    const problem = writeStoreFile(this.dir, this.shardFile(n), FORMAT, { root: this.root, build: this.build, files } satisfies Shard);
    // written: the next save of this process compares with what is on disk now
    if (problem === null) this.loaded.set(n, new Set(files.map(([f]) => f)));
    return problem;
  }
}
