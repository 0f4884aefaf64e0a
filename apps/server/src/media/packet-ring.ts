/** Options of a {@link PacketRing}. */
export interface PacketRingOptions {
  /** Slots in the ring; a slot is written again after this many packets. Default 32. */
  readonly slots?: number;
  /** Largest packet a slot holds; larger packets get a fresh buffer. Default 12 + 320 bytes. */
  readonly slotBytes?: number;
}

/**
 * Reusable send buffers for one RTP stream, so the send path allocates nothing per packet.
 *
 * Why reuse is safe: `dgram` first tries to hand a datagram to the kernel inside `send()`
 * (libuv's `uv_udp_try_send`), which copies the bytes, so the buffer is free again when `send()`
 * returns. Only when the socket's kernel buffer is full does libuv queue the datagram and keep
 * pointing at our bytes until it goes out. The ring covers that case: a slot is written again
 * only `slots` packets later (32 × 20 ms = 640 ms of G.711), by which time a queued packet has
 * left, or is so late that no jitter buffer would play it anyway.
 *
 * Each slot keeps the exact-length `Buffer` view it handed out last: `dgram` sends whole views
 * (its offset/length form copies a slice), and G.711 packets all have one size, so in steady
 * state not even a view object is created.
 */
export class PacketRing {
  private readonly slotBytes: number;
  private readonly memory: Buffer;
  private readonly views: Buffer[];
  private next = 0;

  constructor(options: PacketRingOptions = {}) {
    const slots = Math.max(1, options.slots ?? 32);
    this.slotBytes = options.slotBytes ?? 12 + 320;
    // One allocation per stream; allocUnsafeSlow keeps it out of Node's shared 8 KiB pool.
    this.memory = Buffer.allocUnsafeSlow(slots * this.slotBytes);
    this.views = new Array<Buffer>(slots);
    for (let i = 0; i < slots; i++) this.views[i] = this.slot(i, this.slotBytes);
  }

  /** A buffer of exactly `length` bytes to fill and send; fresh when `length` exceeds a slot. */
  take(length: number): Buffer {
    if (length > this.slotBytes) return Buffer.allocUnsafe(length);
    const i = this.next;
    this.next = i + 1 === this.views.length ? 0 : i + 1;
    let view = this.views[i]!;
    if (view.length !== length) this.views[i] = view = this.slot(i, length);
    return view;
  }

  private slot(i: number, length: number): Buffer {
    return this.memory.subarray(i * this.slotBytes, i * this.slotBytes + length);
  }
}
