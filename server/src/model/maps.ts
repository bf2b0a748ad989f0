/** Appends `value` to the list `map` holds for `key`, starting the list on first use. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const l = map.get(key);
  if (l) l.push(value); else map.set(key, [value]);
}
