/**
 * The answers of a look-up whose answer for a key never changes (an address against a fixed list,
 * a caller number's normal form), kept so that the look-up runs once per key. Bounded: past `max`
 * keys it starts over rather than grow, so traffic from many sources (a scan) cannot fill memory,
 * and the keys in steady use are asked again once.
 */
export class RememberedAnswers<V> {
  private readonly answers = new Map<string, V>();

  constructor(private readonly max: number) {}

  /** The answer for `key`: `compute(key)` the first time, the kept one after. An undefined answer is not kept. */
  answer(key: string, compute: (key: string) => V): V {
    let value = this.answers.get(key);
    if (value === undefined) {
      value = compute(key);
      if (this.answers.size >= this.max) this.answers.clear();
      this.answers.set(key, value);
    }
    return value;
  }
}
