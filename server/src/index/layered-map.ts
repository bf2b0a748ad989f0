/**
 * A map read through a few entries set or deleted over another map, which it never copies: an
 * edit of one file changes a handful of the workspace's ten thousand function names, and the
 * index made for each keystroke shares the rest with the one before. Reads as the map a copy
 * with those `set`/`delete` calls applied would be, but for the order of a name deleted and set
 * again in a later layer: it keeps its place, where a copy would list it last.
 */
export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private readonly base: ReadonlyMap<K, V>;
  /** Keys set (a value) or deleted (undefined) over `base`. */
  private readonly over: Map<K, V | undefined>;

  /** Over `m`; over a layered map, over its base with its changes copied (layers never stack up). */
  constructor(m: ReadonlyMap<K, V>) {
    if (m instanceof LayeredMap) { this.base = m.base; this.over = new Map(m.over); } else { this.base = m; this.over = new Map(); }
  }

  set(k: K, v: V): this { this.over.set(k, v); return this; }
  delete(k: K): boolean { const had = this.has(k); this.over.set(k, undefined); return had; }

  get(k: K): V | undefined { return this.over.has(k) ? this.over.get(k) : this.base.get(k); }
  has(k: K): boolean { return this.over.has(k) ? this.over.get(k) !== undefined : this.base.has(k); }

  get size(): number {
    let n = this.base.size;
    for (const [k, v] of this.over) n += (v !== undefined ? 1 : 0) - (this.base.has(k) ? 1 : 0);
    return n;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.base) {
      if (!this.over.has(k)) yield [k, v];
      else { const now = this.over.get(k); if (now !== undefined) yield [k, now]; }
    }
    for (const [k, v] of this.over) if (v !== undefined && !this.base.has(k)) yield [k, v];
  }

  *keys(): MapIterator<K> { for (const [k] of this.entries()) yield k; }
  *values(): MapIterator<V> { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator](): MapIterator<[K, V]> { return this.entries(); }
  forEach(f: (v: V, k: K, m: ReadonlyMap<K, V>) => void): void { for (const [k, v] of this.entries()) f(v, k, this); }
}
