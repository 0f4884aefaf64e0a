import { describe, expect, it } from 'vitest';
import { PacketRing } from './packet-ring';

describe('PacketRing', () => {
  it('hands out exact-length views and reuses a slot only after every other slot', () => {
    const ring = new PacketRing({ slots: 3, slotBytes: 200 });
    const first = ring.take(172);
    expect(first.length).toBe(172);
    const seen = [first, ring.take(172), ring.take(172)];
    expect(new Set(seen.map((b) => b.byteOffset)).size).toBe(3);
    // The same view object comes back for the same length: no allocation in steady state.
    expect(ring.take(172)).toBe(first);
  });

  it('gives a packet larger than a slot a buffer of its own', () => {
    const ring = new PacketRing({ slots: 2, slotBytes: 100 });
    const big = ring.take(300);
    expect(big.length).toBe(300);
    expect(big.buffer).not.toBe(ring.take(50).buffer);
  });
});
