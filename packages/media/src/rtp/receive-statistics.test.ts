import { describe, expect, it } from 'vitest';
import { ReceiveStatistics } from './receive-statistics';
import { RtpSource } from './rtp-source';

/** Feeds packets every 20 ms (160 timestamp units) from `firstSeq`, skipping `drop`. */
function feed(
  stats: ReceiveStatistics,
  ssrc: number,
  firstSeq: number,
  count: number,
  drop: Set<number> = new Set(),
) {
  const verdicts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (drop.has(i)) continue;
    verdicts.push(stats.receive(ssrc, (firstSeq + i) & 0xffff, 1000 + i * 160, i * 20));
  }
  return verdicts;
}

describe('RtpSource (RFC 3550 §A.1, §A.3, §A.8)', () => {
  it('holds a new source on probation until two packets arrive in sequence', () => {
    const s = new RtpSource(1, 100);
    expect(s.update(100, 0, 0)).toBe('probation');
    expect(s.validated).toBe(false);
    expect(s.update(101, 160, 160)).toBe('valid');
    expect(s.validated).toBe(true);
    expect(s.received).toBe(1);
  });

  it('restarts probation when the probation packets are not in sequence', () => {
    const s = new RtpSource(1, 100);
    expect(s.update(100, 0, 0)).toBe('probation');
    expect(s.update(300, 0, 0)).toBe('probation');
    expect(s.update(301, 0, 0)).toBe('valid');
  });

  it('accepts the first packet when minSequential is 1', () => {
    expect(new RtpSource(1, 7, 1).update(7, 0, 0)).toBe('valid');
  });

  it('extends the sequence number across the 16-bit wrap', () => {
    const stats = new ReceiveStatistics();
    feed(stats, 9, 65500, 100);
    const snap = stats.snapshot();
    expect(snap.extendedHighestSequence).toBe(65536 + 63);
    expect(snap.packetsExpected).toBe(99);
    expect(snap.packetsReceived).toBe(99);
    expect(snap.cumulativeLost).toBe(0);
  });

  it('counts losses, cumulative and as an interval fraction', () => {
    const stats = new ReceiveStatistics();
    feed(stats, 9, 1000, 101, new Set([10, 20, 30, 40]));
    const block = stats.reportBlock()!;
    expect(block.cumulativeLost).toBe(4);
    expect(block.highestSequence).toBe(1100);
    // 4 lost of 100 expected since validation: floor(4 × 256 / 100) = 10.
    expect(block.fractionLost).toBe(10);
    // A new interval with nothing lost reports 0, the cumulative figure stays.
    expect(stats.receive(9, 1101, 0, 3000)).toBe('valid');
    expect(stats.reportBlock()).toMatchObject({ fractionLost: 0, cumulativeLost: 4 });
  });

  it('counts duplicates as received, so loss can go negative as §A.3 allows', () => {
    const stats = new ReceiveStatistics();
    feed(stats, 9, 10, 5);
    expect(stats.receive(9, 13, 0, 200)).toBe('valid');
    expect(stats.snapshot().cumulativeLost).toBe(-1);
  });

  it('keeps interarrival jitter at zero for constant transit time', () => {
    const stats = new ReceiveStatistics();
    feed(stats, 9, 1, 50);
    expect(stats.snapshot().jitterMs).toBe(0);
  });

  it('computes §A.8 jitter for alternating 10 ms delay', () => {
    const stats = new ReceiveStatistics();
    const n = 60;
    for (let i = 0; i < n; i++) stats.receive(5, i, i * 160, i * 20 + (i % 2) * 10);
    // Probation eats packet 0; |D| = 80 units for each of the n − 2 later pairs.
    const expected = 80 * (1 - (15 / 16) ** (n - 2));
    expect(stats.reportBlock()!.jitter).toBe(Math.floor(expected));
    expect(stats.snapshot().jitterMs).toBeCloseTo(expected / 8, 9);
  });

  it('drops a single big jump and resynchronises on two sequential packets', () => {
    const stats = new ReceiveStatistics();
    feed(stats, 9, 100, 10);
    expect(stats.receive(9, 20000, 0, 300)).toBe('bad-sequence');
    expect(stats.receive(9, 110, 0, 320)).toBe('valid');
    expect(stats.receive(9, 30000, 0, 340)).toBe('bad-sequence');
    expect(stats.receive(9, 30001, 0, 360)).toBe('restarted');
    expect(stats.receive(9, 30002, 0, 380)).toBe('valid');
    expect(stats.snapshot()).toMatchObject({ badSequencePackets: 2, restarts: 1, packetsReceived: 2 });
  });

  it('accepts late packets within MAX_MISORDER', () => {
    const stats = new ReceiveStatistics();
    feed(stats, 9, 100, 10);
    expect(stats.receive(9, 95, 0, 300)).toBe('valid');
  });

  it('detects an SSRC change only after the new source passes probation', () => {
    const stats = new ReceiveStatistics();
    feed(stats, 1, 100, 10);
    expect(stats.receive(2, 5000, 0, 400)).toBe('foreign-ssrc');
    expect(stats.receive(1, 110, 0, 410)).toBe('valid');
    expect(stats.receive(2, 5001, 160, 420)).toBe('ssrc-changed');
    expect(stats.ssrc).toBe(2);
    expect(stats.receive(2, 5002, 320, 440)).toBe('valid');
    expect(stats.receive(1, 111, 0, 450)).toBe('foreign-ssrc');
    expect(stats.snapshot()).toMatchObject({ ssrc: 2, ssrcChanges: 1, foreignPackets: 2 });
  });

  it('reports nothing before a source is valid, and DLSR in 1/65536 s', () => {
    const stats = new ReceiveStatistics();
    expect(stats.reportBlock()).toBeUndefined();
    stats.receive(1, 1, 0, 0);
    expect(stats.reportBlock()).toBeUndefined();
    stats.receive(1, 2, 160, 20);
    expect(stats.reportBlock(0x12345678, 500)).toMatchObject({
      lastSenderReport: 0x12345678,
      delaySinceLastSenderReport: 32768,
    });
  });
});
