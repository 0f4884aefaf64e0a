import { describe, expect, it } from 'vitest';
import { timestampDelta } from '../rtp/sequence';
import { OpusReceiveTimeline } from './opus-receive-timeline';

const MS20 = 960;

/** Feeds 20 ms packets numbered `n` (timestamp base + 960 n) and records what the timeline said. */
function feed(t: OpusReceiveTimeline, base: number, numbers: number[], samples = MS20) {
  return numbers.map((n) => {
    const verdict = t.accept((base + n * samples) >>> 0, samples, false);
    return verdict === 'play'
      ? { n, ts: t.timestamp, conceal: t.concealSamples, from: t.concealTimestamp, marker: t.marker }
      : { n, verdict };
  });
}

describe('OpusReceiveTimeline', () => {
  it('maps consecutive 20 ms packets to 160-sample steps, the first one marked', () => {
    const t = new OpusReceiveTimeline();
    const played = feed(t, 96_000, [0, 1, 2]);
    expect(played).toEqual([
      { n: 0, ts: 16_000, conceal: 0, from: 16_000, marker: true },
      { n: 1, ts: 16_160, conceal: 0, from: 16_160, marker: false },
      { n: 2, ts: 16_320, conceal: 0, from: 16_320, marker: false },
    ]);
  });

  it('conceals one lost packet before the next, on the output line where it belonged', () => {
    const t = new OpusReceiveTimeline();
    const played = feed(t, 0, [0, 1, 3]);
    expect(played[2]).toEqual({ n: 3, ts: 480, conceal: MS20, from: 320, marker: false });
    expect(t.stats).toMatchObject({ concealments: 1, concealedSamples: MS20, pauses: 0 });
  });

  it('leaves a gap longer than maxConcealMs silent and marks the packet after it', () => {
    const t = new OpusReceiveTimeline({ maxConcealMs: 60 });
    const played = feed(t, 0, [0, 1, 5, 11]);
    expect(played[2]).toMatchObject({ conceal: 3 * MS20, marker: false });
    expect(played[3]).toEqual({ n: 11, ts: 11 * 160, conceal: 0, from: 11 * 160, marker: true });
    expect(t.stats).toMatchObject({ concealments: 1, pauses: 1 });
  });

  it('drops a reordered packet whose gap was already concealed, and a duplicate', () => {
    const t = new OpusReceiveTimeline();
    const played = feed(t, 0, [0, 2, 1, 2, 3]);
    expect(played.map((p) => ('verdict' in p ? p.verdict : 'play'))).toEqual([
      'play',
      'play',
      'late',
      'late',
      'play',
    ]);
    expect(t.stats).toMatchObject({ played: 3, late: 2 });
  });

  it('follows packets of 10, 20, 40 and 60 ms by their own durations', () => {
    const t = new OpusReceiveTimeline();
    const sizes = [480, 480, 960, 1920, 2880, 960];
    let ts = 5000;
    const out: number[] = [];
    for (const size of sizes) {
      expect(t.accept(ts, size, false)).toBe('play');
      expect(t.concealSamples).toBe(0);
      out.push(t.timestamp);
      ts += size;
    }
    expect(out.slice(1).map((v, i) => v - out[i]!)).toEqual([80, 80, 160, 320, 480]);
  });

  it('keeps the output continuous across the wrap of the 48 kHz clock', () => {
    const t = new OpusReceiveTimeline();
    const played = feed(t, 0xffffffff - 2 * MS20 + 1, [0, 1, 2, 3]);
    const stamps = played.map((p) => ('ts' in p ? (p.ts ?? -1) : -1));
    expect(stamps.slice(1).map((v, i) => timestampDelta(v, stamps[i]!))).toEqual([160, 160, 160]);
  });

  it('stays continuous past its re-anchoring point, hours into a call', () => {
    const t = new OpusReceiveTimeline();
    let previous = -1;
    let steps = 0;
    for (let n = 0; n < 600_000; n++) {
      t.accept((n * MS20) >>> 0, MS20, false);
      if (previous >= 0 && timestampDelta(t.timestamp, previous) === 160) steps++;
      previous = t.timestamp;
    }
    expect(steps).toBe(600_000 - 1);
  });

  it('continues the output line when the source restarts its timestamps', () => {
    const t = new OpusReceiveTimeline();
    feed(t, 10_000_000, [0, 1]);
    const before = t.timestamp;
    expect(t.accept(1000, MS20, false)).toBe('play');
    expect(t.timestamp).toBe(before + 160);
    expect(t.marker).toBe(true);
    expect(t.accept(1000 + MS20, MS20, false)).toBe('play');
    expect(t.timestamp).toBe(before + 320);
    expect(t.stats.restarts).toBe(1);
  });

  it('puts events on the audio line and does not conceal the audio gap around them', () => {
    const t = new OpusReceiveTimeline();
    feed(t, 0, [0, 1]);
    // The browser stops audio for the key press: events carry the timestamp of their start.
    expect(t.eventTimestamp(2 * MS20)).toBe(320);
    expect(t.eventTimestamp(2 * MS20)).toBe(320);
    expect(t.toOutput(4800)).toBe(800);
    expect(t.accept(4 * MS20, MS20, false)).toBe('play');
    expect(t.concealSamples).toBe(0);
    expect(t.marker).toBe(true);
    expect(t.timestamp).toBe(640);
  });

  it('anchors on an event that comes before any audio', () => {
    const t = new OpusReceiveTimeline();
    expect(t.eventTimestamp(48_000)).toBe(8000);
    expect(t.accept(48_000 + 2 * MS20, MS20, false)).toBe('play');
    expect(t.timestamp).toBe(8320);
    expect(t.concealSamples).toBe(0);
  });
});
