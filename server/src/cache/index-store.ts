// The per-file index of `trapline check`, kept on disk between runs: what the `#define` scan,
// the C lexer and the assembler index made of each file, by the hash of its text. A check after
// a change reads every file again but indexes only those whose text changed (and, when the
// macros changed, every file they reach), as the language server does in memory.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { textHash, type CachedFile, type IndexCache } from '../index/build';

/** Bumped whenever an entry's layout (or what the index keeps of a file) changes. */
const FORMAT = 1;

/** What one file's entry holds on disk: its text only as a hash (the file is read again anyway). */
type StoredFile = Omit<CachedFile, 'text' | 'disk'> & { hash: string };
interface Stored { root: string; build: string; files: [string, StoredFile][] }

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

export class IndexStore {
  private readonly file: string;

  /** Null (no store) when the directory lies inside the analysed tree: we never write there. */
  static open(dir: string, root: string, build: string): IndexStore | null {
    const rel = path.relative(root, dir);
    if (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) return null;
    return new IndexStore(dir, root, build);
  }

  private constructor(private readonly dir: string, private readonly root: string, private readonly build: string) {
    this.file = path.join(dir, `index-${createHash('sha256').update(root).digest('hex').slice(0, 32)}.v8`);
  }

  /**
   * The entries of the last run of this build on this root, or why there are none: a missing,
   * corrupt or foreign store is an empty cache, never an error.
   */
  load(): { cache: IndexCache } | { none: string } {
    let data: Buffer;
    try { data = readFileSync(this.file); } catch (e) { return { none: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no index stored' : `unreadable index (${(e as Error).message})` }; }
    const nl = data.indexOf(10);
    let header: unknown = null;
    try { header = nl < 0 ? null : JSON.parse(data.subarray(0, nl).toString('utf8')); } catch { /* not ours, or cut short */ }
    try {
      const body = data.subarray(nl + 1);
      if (typeof header !== 'object' || header === null || !('format' in header) || !('sha1' in header) || header.format !== FORMAT || header.sha1 !== sha1(body)) return { none: 'index of another format, or corrupt' };
      // written by this format and verified
      const stored = deserialize(body) as Stored;
      if (stored.root !== this.root || stored.build !== this.build) return { none: 'index of another build' };
      const cache: IndexCache = new Map();
      for (const [f, s] of stored.files) cache.set(f, s);
      return { cache };
    } catch (e) { return { none: `corrupt index (${(e as Error).message})` }; }
  }

  /**
   * Keeps the entries of the files this run read (`texts`), each only when it is of the text the
   * run read. Atomically (temp file + rename). Returns why nothing was written, or null.
   */
  save(cache: IndexCache, texts: ReadonlyMap<string, string>): string | null {
    const files: [string, StoredFile][] = [];
    for (const [f, text] of texts) {
      const e = cache.get(f);
      if (!e) continue;
      const hash = textHash(text);
      if (e.hash !== undefined ? e.hash !== hash : e.text !== text) continue;
      files.push([f, { hash, macroKey: e.macroKey, configKey: e.configKey, defs: e.defs, c: e.c, asm: e.asm }]);
    }
    const body = serialize({ root: this.root, build: this.build, files } satisfies Stored);
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify({ format: FORMAT, sha1: sha1(body) })}\n`), body]));
      renameSync(tmp, this.file);
      return null;
    } catch (e) {
      try { unlinkSync(tmp); } catch { /* never created */ }
      return e instanceof Error ? e.message : String(e);
    }
  }
}
