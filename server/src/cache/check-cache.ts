import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '../config';
import { isSkipped, withSource, type SourceStat } from '../index/read-source';
import { listSourceFiles } from '../index/workspace';
import type { ReportModel } from '../report/model';
import { configInputs } from '../index/tree-config';

/** Bumped whenever the entry layout changes: an entry of another format is a miss. */
const FORMAT = 1;
/**
 * A file whose mtime is this close to the moment its stat was recorded (or later) is re-hashed on
 * every run: it may have changed again within the same timestamp granule (the "racy git"
 * problem). 2 s covers the coarsest common file systems (FAT; 1 s on HFS+, ext3).
 */
const RACY_MS = 2000;

/** What must be unchanged for an entry to be used, besides the files. */
export interface CacheIdentity {
  /** The trapline version. */
  version: string;
  /** The build's identity (`buildIdentity` of the running bundle and its wasm parsers). */
  build: string;
  /** The effective configuration (loadConfig's result for the root). */
  config: Config;
  /** The CLI's `--rule` selection (empty: every rule). */
  rules: string[];
}

/**
 * Path, size, mtimeMs (-1, -1: not opened), and the hash of what the analysis gets from the file:
 * its bytes, or the reason it is skipped without them (the report shows that reason).
 */
type FileRecord = [string, number, number, string];

interface Entry {
  root: string;
  key: Record<KeyPart, string>;
  listing: string;
  /** When the stat pass that produced `files` began (ms since the epoch), for the racy check. */
  statedAt: number;
  files: FileRecord[];
  report: ReportModel;
}

type KeyPart = 'version' | 'build' | 'config' | 'rules';
const KEY_NAMES: Record<KeyPart, string> = { version: 'trapline version', build: 'trapline build', config: 'configuration', rules: '--rule selection' };

export type Lookup = { hit: ReportModel } | { miss: string };

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The identity of a build: the hash of its files' contents (a face's bundle and the wasm parsers beside it). */
export function buildIdentity(files: string[]): string {
  return sha256(files.map((f) => { try { return sha256(readFileSync(f)); } catch { return `${f}: unreadable`; } }).join('\n'));
}

/** The identity of a root's effective configuration: what it says, and the kernel configuration's inputs. */
export function configIdentity(root: string, c: Config): string {
  return sha256(JSON.stringify({ profile: c.profile.name, roles: c.roles, rules: c.rules, exclude: c.exclude, maxFileSize: c.maxFileSize, text: c.text, problems: c.problems.map((p) => p.message), kernel: configInputs(root, c.profile, c.kconfig) }));
}

/** Is `dir` the tree's root or inside it (where a cache is never written)? */
export function inTree(root: string, dir: string): boolean {
  const rel = path.relative(root, dir);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** `--cache-dir`, else $TRAPLINE_CACHE_DIR, else $XDG_CACHE_HOME/trapline, else ~/.cache/trapline. */
export function cacheDirectory(flag: string | null, env: NodeJS.ProcessEnv): string {
  if (flag) return path.resolve(flag);
  if (env.TRAPLINE_CACHE_DIR) return path.resolve(env.TRAPLINE_CACHE_DIR);
  // the XDG spec says a relative XDG_CACHE_HOME is invalid and to be ignored
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(xdg, 'trapline');
}

/**
 * The on-disk result cache of `trapline check`: one entry per analysed root, holding the report
 * model and what it was computed from (build, configuration, rule selection, file listing, and
 * each file read with its size, mtime and content hash). lookup() and store() never throw: a
 * problem with the cache is a miss, or an entry not written.
 */
export class CheckCache {
  private readonly file: string;
  private readonly key: Record<KeyPart, string>;
  private readonly listing: { files: string[]; hash: string };
  /** When the listing was made: a cold run's analysis reads the files after this. */
  private readonly listedAt: number;
  /** The analysis' size limit: what the cache reads of a file is what the analysis reads. */
  private readonly maxBytes: number;

  /** Returns null (no cache) when the cache directory lies inside the analysed tree: we never write there. */
  static open(dir: string, root: string, id: CacheIdentity): CheckCache | null {
    return inTree(root, dir) ? null : new CheckCache(dir, root, id);
  }

  private constructor(private readonly dir: string, private readonly root: string, id: CacheIdentity) {
    this.file = path.join(dir, `check-${sha256(root).slice(0, 32)}.json`);
    const c = id.config;
    this.key = {
      version: id.version,
      build: id.build,
      config: configIdentity(root, c),
      rules: [...new Set(id.rules)].sort().join(','),
    };
    this.maxBytes = c.maxFileSize;
    this.listedAt = Date.now();
    // the listing the analysis reads, with what it skips there (links, FIFOs, folders it cannot list)
    const skipped: { file: string; reason: string }[] = [];
    const files = listSourceFiles(root, c.exclude, skipped);
    this.listing = { files, hash: sha256(JSON.stringify([files, skipped])) };
  }

  /** The cached report when nothing it depends on changed; else why not. */
  lookup(): Lookup {
    try {
      const entry = this.read();
      if (entry.root !== this.root) return { miss: 'the entry is of another root' };
      for (const k of Object.keys(KEY_NAMES) as KeyPart[]) if (entry.key[k] !== this.key[k]) return { miss: `${KEY_NAMES[k]} changed` };
      if (entry.listing !== this.listing.hash) return { miss: 'files added or removed' };
      const statedAt = Date.now();
      let refresh = false;
      const files: FileRecord[] = [];
      for (const rec of entry.files) {
        const [rel, size, mtimeMs, hash] = rec;
        // the stat vouches for the content, unless the recorded mtime is so recent that a later
        // write could have left the same one
        const vouches = (st: SourceStat): boolean => st.size === size && st.mtimeMs === mtimeMs && mtimeMs < entry.statedAt - RACY_MS;
        const now = currentRecord(this.root, rel, this.maxBytes, vouches);
        if (now === 'vouched') { files.push(rec); continue; }
        if (now.record[3] !== hash) return { miss: `${rel} changed` };
        // the same content under a new stat (touched, checked out again) or a recent one: recorded
        // again, so that the next run can trust the stat (a file not opened has none to trust)
        if (now.record[1] >= 0) refresh = true;
        files.push(now.record);
      }
      if (refresh) this.write({ ...entry, statedAt, files });
      return { hit: entry.report };
    } catch (e) { return { miss: e instanceof Error ? e.message : String(e) }; }
  }

  /**
   * Records a cold run's report. `read`: every file the analysis read, with the text it read
   * (the report depends on exactly these); `unread`: the files it listed and chose not to open
   * (what the kernel configuration does not build or include: the listing and the files read
   * decide that). Returns why nothing was written, or null.
   */
  store(report: ReportModel, read: ReadonlyMap<string, string>, unread: ReadonlySet<string>): string | null {
    try {
      const skipped = new Set(report.stats.skipped.map((s) => s.file));
      const names = [...new Set([...this.listing.files.filter((f) => !unread.has(f)), ...read.keys(), ...skipped])].sort();
      for (const f of this.listing.files) if (!read.has(f) && !skipped.has(f) && !unread.has(f)) return `${f} was listed but the analysis did not see it`;
      const statedAt = Date.now();
      const files: FileRecord[] = [];
      for (const rel of names) {
        const { record, bytes } = currentRecord(this.root, rel, this.maxBytes);
        const text = read.get(rel);
        // the hash must be of what the analysis read: a text file must still hold the text it
        // read; a skipped file (the index keeps nothing of it) must not have been written since
        // shortly before the listing
        const unchanged = text !== undefined ? bytes !== null && holds(bytes, text) : record[2] < this.listedAt - RACY_MS;
        if (!unchanged) return `${rel} changed during the analysis${text === undefined ? ' or just before it' : ''}`;
        files.push(record);
      }
      return this.write({ root: this.root, key: this.key, listing: this.listing.hash, statedAt, files, report });
    } catch (e) { return e instanceof Error ? e.message : String(e); }
  }

  /** Header line (format, hash of the body), then the body: a truncated or altered entry does not verify. */
  private read(): Entry {
    let data: string;
    try { data = readFileSync(this.file, 'utf8'); } catch (e) { throw new Error((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no entry' : `unreadable entry (${(e as Error).message})`); }
    const nl = data.indexOf('\n');
    let header: unknown = null;
    try { header = nl < 0 ? null : JSON.parse(data.slice(0, nl)); } catch { /* not ours, or cut short */ }
    const body = data.slice(nl + 1);
    if (typeof header !== 'object' || header === null || !('format' in header) || !('sha256' in header)) throw new Error('corrupt entry');
    if (header.format !== FORMAT) throw new Error(`entry of format ${String(header.format)}, not ${FORMAT}`);
    if (header.sha256 !== sha256(body)) throw new Error('corrupt entry');
    // written by this format and verified: the body is an Entry
    return JSON.parse(body) as Entry;
  }

  /** Atomically (temp file + rename): a reader sees the old entry or the new one, never half of one. */
  private write(entry: Entry): string | null {
    const body = JSON.stringify(entry);
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, `${JSON.stringify({ format: FORMAT, sha256: sha256(body) })}\n${body}`);
      renameSync(tmp, this.file);
      return null;
    } catch (e) {
      try { unlinkSync(tmp); } catch { /* never created */ }
      return e instanceof Error ? e.message : String(e);
    }
  }
}

/**
 * A file's record, opened and read as the analysis opens and reads it (the stat from the fstat
 * taken before the read, so that a later change shows in it), with the bytes read; 'vouched' when
 * `vouches` trusts the stat without a read.
 */
function currentRecord(root: string, rel: string, maxBytes: number): { record: FileRecord; bytes: Buffer | null };
function currentRecord(root: string, rel: string, maxBytes: number, vouches: (st: SourceStat) => boolean): { record: FileRecord; bytes: Buffer | null } | 'vouched';
function currentRecord(root: string, rel: string, maxBytes: number, vouches?: (st: SourceStat) => boolean): { record: FileRecord; bytes: Buffer | null } | 'vouched' {
  const r = withSource(root, rel, maxBytes, (src) => {
    if (vouches?.(src.stat)) return 'vouched' as const;
    const bytes = src.read();
    const hash = isSkipped(bytes) ? skipHash(bytes.skipped) : sha256(bytes);
    return { record: [rel, src.stat.size, src.stat.mtimeMs, hash] as FileRecord, bytes: isSkipped(bytes) ? null : bytes };
  });
  return isSkipped(r) ? { record: [rel, -1, -1, skipHash(r.skipped)], bytes: null } : r;
}

/** The hash of a file skipped without its bytes: of the reason, which is all the report holds of it. */
const skipHash = (reason: string): string => sha256(`skipped: ${reason}`);

/** Whether `bytes` are the UTF-8 of `text`, as the index decodes them (fatal, a leading BOM dropped). */
function holds(bytes: Buffer, text: string): boolean {
  const utf8 = Buffer.from(text, 'utf8');
  if (bytes.equals(utf8)) return true;
  return bytes.length === utf8.length + 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf && bytes.subarray(3).equals(utf8);
}
