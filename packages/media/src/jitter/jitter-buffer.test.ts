import { describe, expect, it } from 'vitest';
import { seededRandom } from '@switchboard/kernel';
import { LINEAR_TO_ULAW } from '../codec/g711';
import { JitterBuffer, type JitterPull } from './jitter-buffer';
import { PacketLossConcealment } from './packet-loss-concealment';

/**
 * A μ-law frame whose first two samples carry the frame number (mod 256) in steps of 8, which
 * μ-law's first segment reproduces exactly, so playout order can be read back.
 */
function frame(n: number): Uint8Array {
  const f = new Uint8Array(160).fill(LINEAR_TO_ULAW[1000]!);
  f[0] = LINEAR_TO_ULAW[(n % 16) * 8]!;
  f[1] = LINEAR_TO_ULAW[(Math.floor(n / 16) % 16) * 8]!;
  return f;
}
const frameNumber = (out: Int16Array) => out[0]! / 8 + (out[1]! / 8) * 16;

interface Arrival {
  seq: number;
  at: number;
}

/** Plays a schedule of arrivals (frame n has timestamp base + 160 n) against 20 ms pulls. */
function run(jb: JitterBuffer, arrivals: Arrival[], untilMs: number, base = 1000) {
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  const out = new Int16Array(160);
  const played: (number | JitterPull)[] = [];
  let i = 0;
  for (let now = 0; now <= untilMs; now += 20) {
    while (i < sorted.length && sorted[i]!.at <= now) {
      const a = sorted[i++]!;
      jb.push((base + a.seq * 160) >>> 0, frame(a.seq), a.at);
    }
    const r = jb.pull(now, out);
    played.push(r === 'played' ? frameNumber(out) : r);
  }
  return played;
}

describe('JitterBuffer', () => {
  it('buffers for the initial delay, then plays in order', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 40 });
    const arrivals = Array.from({ length: 10 }, (_, n) => ({ seq: n, at: 5 + n * 20 }));
    const played = run(jb, arrivals, 240);
    expect(played.slice(0, 3)).toEqual(['buffering', 'buffering', 'buffering']);
    expect(played.slice(3, 13)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('undoes reordering and drops duplicates', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 60 });
    const arrivals = [0, 2, 1, 3, 3, 5, 4, 6, 7].map((seq, i) => ({ seq, at: 5 + i * 20 }));
    const played = run(jb, arrivals, 260).filter((p) => typeof p === 'number');
    expect(played).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(jb.stats.duplicates).toBe(1);
  });

  it('drops a packet that arrives after its frame was played, and conceals the hole', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 40, minDelayMs: 40, maxDelayMs: 40 });
    const arrivals = Array.from({ length: 10 }, (_, n) => ({ seq: n, at: n === 4 ? 200 : 5 + n * 20 }));
    const played = run(jb, arrivals, 260);
    expect(played.slice(3, 13)).toEqual([0, 1, 2, 3, 'concealed', 5, 6, 7, 8, 9]);
    expect(jb.stats.late).toBe(1);
  });

  it('conceals a loss with the faded last frame, then goes silent', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 20, minDelayMs: 20, maxDelayMs: 20 });
    const arrivals = [0, 1, 2, 9, 10].map((seq) => ({ seq, at: 5 + seq * 20 }));
    expect(run(jb, arrivals, 260).slice(2, 13)).toEqual([
      0,
      1,
      2,
      'concealed',
      'concealed',
      'concealed',
      'silence',
      'silence',
      'silence',
      9,
      10,
    ]);
  });

  it('follows the 32-bit timestamp wrap', () => {
    const jb = new JitterBuffer({ law: 'pcmu' });
    const arrivals = Array.from({ length: 20 }, (_, n) => ({ seq: n, at: n * 20 }));
    const played = run(jb, arrivals, 500, 0xffffffff - 160 * 5).filter((p) => typeof p === 'number');
    expect(played).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it('raises the target delay with jitter, within the bounds, and lowers it again', () => {
    const rnd = seededRandom(5);
    const jb = new JitterBuffer({ law: 'pcmu', minDelayMs: 20, maxDelayMs: 120 });
    const calm = Array.from({ length: 100 }, (_, n) => ({ seq: n, at: n * 20 }));
    run(jb, calm, 2000);
    expect(jb.targetDelayMs).toBe(20);
    const jb2 = new JitterBuffer({ law: 'pcmu', minDelayMs: 20, maxDelayMs: 120 });
    const jittery = Array.from({ length: 500 }, (_, n) => ({ seq: n, at: n * 20 + rnd.next() * 60 }));
    const played = run(jb2, jittery, 10_000);
    expect(jb2.targetDelayMs).toBeGreaterThan(60);
    expect(jb2.targetDelayMs).toBeLessThanOrEqual(80 + 1);
    // After adapting, nearly every frame arrives in time.
    const tail = played.slice(100, 500);
    expect(tail.filter((p) => typeof p === 'number').length).toBeGreaterThan(390);
    const jb3 = new JitterBuffer({ law: 'pcmu', minDelayMs: 20, maxDelayMs: 120 });
    run(
      jb3,
      Array.from({ length: 100 }, (_, n) => ({ seq: n, at: n * 20 + (n === 50 ? 500 : 0) })),
      2000,
    );
    expect(jb3.targetDelayMs).toBe(120);
  });

  it('drops frames to shrink the delay once jitter goes away', () => {
    const jb = new JitterBuffer({ law: 'pcmu', minDelayMs: 20, maxDelayMs: 200, initialDelayMs: 200 });
    const played = run(
      jb,
      Array.from({ length: 3000 }, (_, n) => ({ seq: n, at: n * 20 })),
      60_000,
    );
    expect(jb.stats.skipped).toBeGreaterThan(5);
    expect(jb.targetDelayMs).toBe(20);
    const numbers = played.filter((p) => typeof p === 'number') as number[];
    // Playout stays in order, moving one frame, or two where a frame was dropped (numbers mod 256).
    for (let i = 1; i < numbers.length; i++)
      expect([1, 2]).toContain((numbers[i]! - numbers[i - 1]! + 256) % 256);
  });

  it('restarts its timeline on a timestamp jump and on a run of late packets', () => {
    const jb = new JitterBuffer({ law: 'pcmu' });
    const out = new Int16Array(160);
    jb.push(1000, frame(0), 0);
    jb.pull(100, out);
    expect(jb.push(1000 + 160 * 500, frame(1), 120)).toBe('resynced');
    const jb2 = new JitterBuffer({ law: 'pcmu' });
    for (let n = 0; n < 20; n++) {
      jb2.push(160 * n, frame(n), n * 20);
      jb2.pull(n * 20 + 60, out);
    }
    // The sender restarts its timestamps 2 s back without a new SSRC.
    let verdict = '';
    for (let n = 0; n < 12; n++) verdict = jb2.push(160 * n, frame(n), 400 + n * 20);
    expect(verdict).toBe('stored');
    expect(jb2.stats.resyncs).toBe(1);
    expect(jb2.push(0, new Uint8Array(80), 700)).toBe('bad-size');
  });
});

describe('PacketLossConcealment', () => {
  it('repeats the last frame fading to zero over three frames, then silence', () => {
    const plc = new PacketLossConcealment(4, 3);
    plc.good(Int16Array.of(900, 900, 900, 900));
    const out = new Int16Array(4);
    expect(plc.conceal(out)).toBe(true);
    expect([...out]).toEqual([825, 750, 675, 600]);
    plc.conceal(out);
    expect([...out]).toEqual([525, 450, 375, 300]);
    plc.conceal(out);
    expect([...out]).toEqual([225, 150, 75, 0]);
    expect(plc.conceal(out)).toBe(false);
    expect([...out]).toEqual([0, 0, 0, 0]);
    expect(new PacketLossConcealment(4).conceal(out)).toBe(false);
  });
});
