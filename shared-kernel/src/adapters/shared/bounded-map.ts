/**
 * A Map that holds at most `limit` entries: setting a new key past that drops the one set
 * first. For caches whose oldest entry is the one least likely to be wanted again.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    if (this.size > this.limit) this.delete(this.keys().next().value as K);
    return this;
  }
}
