import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { MediaTicker } from './media-ticker';
import { G711_RTCP_BANDWIDTH, rtcpIntervalMs } from './rtcp-interval';
import { SourceLatch } from './source-latch';

/** Virtual timers that fire `lateMs` after they are due, like a busy event loop. */
function lateTimers(clock: VirtualClock, lateMs: () => number) {
  return {
    set: (delay: number, cb: () => void) => clock.set(delay + lateMs(), cb),
    clear: (h: ReturnType<VirtualClock['set']>) => clock.clear(h),
  };
}

describe('MediaTicker', () => {
  it('schedules from the start time, so late timers never accumulate drift', () => {
    const clock = new VirtualClock(0);
    const ticker = new MediaTicker({ clock, timers: lateTimers(clock, () => 7) });
    const ticks: [number, number][] = [];
    ticker.subscribe({ onTick: (frames, now) => ticks.push([frames, now]) });
    clock.advance(1000);
    // Each timer is armed for start + n·20 and fires 7 ms late: 27, 47, 67 … never 27, 54, 81.
    expect(ticks.slice(0, 3)).toEqual([
      [1, 27],
      [1, 47],
      [1, 67],
    ]);
    expect(ticks.reduce((n, [f]) => n + f, 0)).toBe(49);
  });

  it('hands missed frames to subscribers after a stall, bounded by maxCatchUpFrames', () => {
    const clock = new VirtualClock(0);
    let stall = 0;
    const ticker = new MediaTicker({ clock, timers: lateTimers(clock, () => stall), maxCatchUpFrames: 5 });
    const frames: number[] = [];
    ticker.subscribe({ onTick: (f) => frames.push(f) });
    clock.advance(100);
    stall = 75;
    clock.advance(120);
    // The timer armed at 100 was due at 120; the next one, due at 140, fires at 215: 4 frames.
    expect(frames.slice(0, 7)).toEqual([1, 1, 1, 1, 1, 1, 4]);
    stall = 500;
    clock.advance(600);
    expect(frames.at(-1)).toBe(5);
    expect(ticker.stats.skippedFrames).toBeGreaterThan(0);
  });

  it('ticks from between reads once a tick is due, ahead of its held-up timer, and keeps one timer', () => {
    const clock = new VirtualClock(0);
    const checks = new Set<() => void>();
    const betweenReads = (check: () => void) => {
      checks.add(check);
      return () => void checks.delete(check);
    };
    // Timers 35 ms late, as on a thread draining a backlog of datagrams.
    const ticker = new MediaTicker({ clock, timers: lateTimers(clock, () => 35), betweenReads });
    const ticks: [number, number][] = [];
    const subscriber = { onTick: (frames: number, now: number) => void ticks.push([frames, now]) };
    const read = () => checks.forEach((check) => check());
    expect(checks.size).toBe(0);
    ticker.subscribe(subscriber);
    expect(checks.size).toBe(1);
    clock.advance(15);
    read();
    expect(ticks).toEqual([]);
    clock.advance(7);
    read();
    clock.advance(3);
    read();
    clock.advance(45);
    read();
    // Due at 20, 40 and 60, with timers that would fire at 55 and 75: the read at 22 ticks one
    // frame, and the read at 70 the two that fell due since.
    expect(ticks).toEqual([
      [1, 22],
      [2, 70],
    ]);
    expect(clock.pendingCount).toBe(1);
    ticker.unsubscribe(subscriber);
    expect(checks.size).toBe(0);
    expect(clock.pendingCount).toBe(0);
  });

  it('runs one timer for every subscriber and stops when the last one leaves', () => {
    const clock = new VirtualClock(0);
    const ticker = new MediaTicker({ clock, timers: clock });
    const counts = [0, 0, 0];
    const subs = counts.map((_, i) => ({ onTick: (f: number) => void (counts[i]! += f) }));
    for (const s of subs) ticker.subscribe(s);
    expect(clock.pendingCount).toBe(1);
    clock.advance(200);
    expect(counts).toEqual([10, 10, 10]);
    for (const s of subs) ticker.unsubscribe(s);
    expect(clock.pendingCount).toBe(0);
  });
});

describe('rtcpIntervalMs (RFC 3550 §6.3.1)', () => {
  const base = {
    members: 2,
    senders: 2,
    rtcpBandwidth: G711_RTCP_BANDWIDTH,
    weSent: true,
    averageRtcpSize: 100,
  };
  it('uses the 5 s minimum, halved for the first report, spread by [0.5, 1.5] and compensated', () => {
    const compensation = Math.E - 1.5;
    expect(rtcpIntervalMs({ ...base, initial: false, random: 0.5 })).toBeCloseTo(5000 / compensation, 6);
    expect(rtcpIntervalMs({ ...base, initial: true, random: 0.5 })).toBeCloseTo(2500 / compensation, 6);
    expect(rtcpIntervalMs({ ...base, initial: false, random: 0 })).toBeCloseTo(2500 / compensation, 6);
  });
  it('grows with the membership once the bandwidth share is the limit', () => {
    const big = rtcpIntervalMs({
      ...base,
      members: 200,
      senders: 2,
      weSent: false,
      initial: false,
      random: 0.5,
    });
    expect(big).toBeGreaterThan(5000 / (Math.E - 1.5));
  });
});

describe('SourceLatch', () => {
  const sdp = { address: '10.0.0.5', port: 4000 };
  it('moves to a new source after two packets in sequence from one SSRC', () => {
    const latch = new SourceLatch();
    latch.open(sdp);
    expect(latch.observe('198.51.100.7', 30000, 9, 100, 0)).toBe('learning');
    expect(latch.observe('198.51.100.7', 30000, 9, 101, 20)).toBe('latched');
    expect(latch.remote).toEqual({ address: '198.51.100.7', port: 30000 });
    expect(latch.observe('203.0.113.1', 5000, 9, 102, 40)).toBe('stray');
    expect(latch.observe('198.51.100.7', 30000, 9, 102, 40)).toBe('accept');
  });
  it('takes the signalled address at once and relearns after a re-INVITE', () => {
    const latch = new SourceLatch();
    latch.open(sdp);
    expect(latch.observe('10.0.0.5', 4000, 1, 5, 0)).toBe('accept');
    expect(latch.observe('203.0.113.1', 5000, 2, 1, 0)).toBe('stray');
    latch.open({ address: '192.0.2.9', port: 6000 });
    expect(latch.observe('203.0.113.1', 5000, 2, 2, 0)).toBe('learning');
    expect(latch.observe('203.0.113.1', 5000, 2, 4, 0)).toBe('learning');
    expect(latch.observe('203.0.113.1', 5000, 2, 5, 0)).toBe('latched');
  });
  it('relatches after silence only when configured to', () => {
    const latch = new SourceLatch({ relatchAfterSilenceMs: 2000 });
    latch.open(sdp);
    latch.observe('10.0.0.5', 4000, 1, 5, 0);
    expect(latch.observe('10.0.0.5', 4001, 1, 6, 1000)).toBe('stray');
    expect(latch.observe('10.0.0.5', 4001, 1, 7, 3000)).toBe('learning');
    expect(latch.observe('10.0.0.5', 4001, 1, 8, 3020)).toBe('latched');
  });
});
