const INITIAL_CAPACITY = 1024;

/**
 * The future-event list of the simulator: timed events on a virtual clock, popped in (time,
 * scheduling order) order, so two events due at the same instant run in the order they were
 * scheduled and a run is reproducible.
 *
 * An event is four numbers — time, kind, ref and aux — kept in parallel typed arrays laid out as a
 * binary min-heap. Scheduling allocates nothing (the arrays double when full), which matters at
 * millions of events per simulated day; the caller interprets `kind`, `ref` (usually the index of
 * a contact, agent or queue) and `aux` (usually a generation number that lets a handler recognise
 * an event made stale by something that happened since it was scheduled).
 *
 * `next()` exposes the popped event through the `time`, `kind`, `ref` and `aux` fields instead of
 * returning an object, for the same reason.
 */
export class EventCalendar {
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private kinds = new Uint8Array(INITIAL_CAPACITY);
  private refs = new Int32Array(INITIAL_CAPACITY);
  private auxs = new Int32Array(INITIAL_CAPACITY);
  private count = 0;
  private seq = 0;

  /** Time of the event last returned by {@link next}: the current virtual time. */
  time = 0;
  /** Kind of the event last returned by {@link next} (0–255, chosen by the caller). */
  kind = 0;
  /** Reference of the event last returned by {@link next}. */
  ref = 0;
  /** Auxiliary number of the event last returned by {@link next}. */
  aux = 0;

  /** Number of events scheduled and not yet popped. */
  get size(): number {
    return this.count;
  }

  /** Due time of the earliest event, `Infinity` when there is none. */
  peekTime(): number {
    return this.count === 0 ? Infinity : (this.times[0] as number);
  }

  /** Schedules an event; `time` must be a finite number (NaN would corrupt the heap order). */
  schedule(time: number, kind: number, ref: number, aux = 0): void {
    if (!Number.isFinite(time)) throw new RangeError(`event time must be finite, got ${time}`);
    if (this.count === this.times.length) this.grow();
    const seq = this.seq++;
    let i = this.count++;
    // Sift up by moving parents down into the hole, writing the new event once at the end.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = this.times[parent] as number;
      if (pt < time || (pt === time && (this.seqs[parent] as number) < seq)) break;
      this.move(parent, i);
      i = parent;
    }
    this.write(i, time, seq, kind, ref, aux);
  }

  /** Pops the earliest event into `time`/`kind`/`ref`/`aux`; false when the calendar is empty. */
  next(): boolean {
    if (this.count === 0) return false;
    this.time = this.times[0] as number;
    this.kind = this.kinds[0] as number;
    this.ref = this.refs[0] as number;
    this.aux = this.auxs[0] as number;
    const last = --this.count;
    if (last > 0) this.siftDownLast(last);
    return true;
  }

  /** Moves the event at index `last` into the root hole and sifts it down. */
  private siftDownLast(last: number): void {
    const time = this.times[last] as number;
    const seq = this.seqs[last] as number;
    const kind = this.kinds[last] as number;
    const ref = this.refs[last] as number;
    const aux = this.auxs[last] as number;
    const n = last;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && this.earlier(r, c)) c = r;
      const ct = this.times[c] as number;
      if (ct > time || (ct === time && (this.seqs[c] as number) > seq)) break;
      this.move(c, i);
      i = c;
    }
    this.write(i, time, seq, kind, ref, aux);
  }

  private earlier(a: number, b: number): boolean {
    const ta = this.times[a] as number;
    const tb = this.times[b] as number;
    return ta < tb || (ta === tb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.kinds[to] = this.kinds[from] as number;
    this.refs[to] = this.refs[from] as number;
    this.auxs[to] = this.auxs[from] as number;
  }

  private write(i: number, time: number, seq: number, kind: number, ref: number, aux: number): void {
    this.times[i] = time;
    this.seqs[i] = seq;
    this.kinds[i] = kind;
    this.refs[i] = ref;
    this.auxs[i] = aux;
  }

  private grow(): void {
    const size = this.times.length * 2;
    this.times = copyInto(new Float64Array(size), this.times);
    this.seqs = copyInto(new Float64Array(size), this.seqs);
    this.kinds = copyInto(new Uint8Array(size), this.kinds);
    this.refs = copyInto(new Int32Array(size), this.refs);
    this.auxs = copyInto(new Int32Array(size), this.auxs);
  }
}

function copyInto<T extends Float64Array | Uint8Array | Int32Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
