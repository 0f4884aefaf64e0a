import { describe, expect, it } from 'vitest';
import { seededRandom } from '@switchboard/kernel';
import {
  ALAW_TO_LINEAR,
  LINEAR_TO_ALAW,
  LINEAR_TO_ULAW,
  ULAW_TO_ALAW,
  ULAW_TO_LINEAR,
  type G711Law,
} from '../codec/g711';
import { JitterBuffer, type JitterBufferOptions, type JitterPull } from './jitter-buffer';
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
    expect(jb2.push(0, new Uint8Array(100), 700)).toBe('bad-size');
  });
});

/** Sample `k` of a test stream: bytes that do not repeat within a frame or a packet. */
const streamByte = (k: number) => (k * 7 + (k >> 8) * 3) & 0xff;

interface Packet {
  /** First sample of the packet on the stream's timeline. */
  readonly at: number;
  readonly samples: number;
  /** Arrival time in ms. */
  readonly arrival: number;
}

/**
 * Packets of `sizes` samples each (cycled) covering `totalSamples`, with one transit time for all
 * (enough for the longest packet's audio to be captured), so the delay never adapts.
 */
function packetize(sizes: number[], totalSamples: number, transitMs = 65): Packet[] {
  const packets: Packet[] = [];
  for (let at = 0, i = 0; at < totalSamples; i++) {
    const samples = sizes[i % sizes.length]!;
    packets.push({ at, samples, arrival: at / 8 + transitMs });
    at += samples;
  }
  return packets;
}

/**
 * Pushes `packets` (in the order given, each at its arrival time) against 20 ms pulls. `inDatagram`
 * hands each payload over as a receive path does: after a 12-byte RTP header, in a `Buffer` that
 * is a view into a larger pool, with padding after it.
 */
function playPackets(jb: JitterBuffer, packets: Packet[], untilMs: number, base = 5000, inDatagram = false) {
  const out = new Int16Array(160);
  const frames: { verdict: JitterPull; samples: number[] }[] = [];
  const pushes: string[] = [];
  let i = 0;
  for (let now = 0; now <= untilMs; now += 20) {
    while (i < packets.length && packets[i]!.arrival <= now) {
      const p = packets[i++]!;
      const payload = Uint8Array.from({ length: p.samples }, (_, k) => streamByte(p.at + k));
      if (inDatagram) {
        const pool = Buffer.alloc(100 + 12 + p.samples + 4, 0xee);
        pool.set(payload, 100 + 12);
        const datagram = pool.subarray(100, 100 + 12 + p.samples + 4);
        pushes.push(jb.push((base + p.at) >>> 0, datagram, p.arrival, 12, p.samples));
      } else pushes.push(jb.push((base + p.at) >>> 0, payload, p.arrival));
    }
    const verdict = jb.pull(now, out);
    if (verdict !== 'buffering') frames.push({ verdict, samples: [...out] });
  }
  return { frames, pushes };
}

const expectedFrame = (n: number) =>
  Array.from({ length: 160 }, (_, k) => ULAW_TO_LINEAR[streamByte(n * 160 + k)]!);

describe('JitterBuffer with packets of other sizes than 20 ms', () => {
  it.each([
    ['10 ms', [80]],
    ['20 ms', [160]],
    ['30 ms', [240]],
    ['60 ms', [480]],
    ['a sender switching between 20 and 30 ms', [160, 160, 240, 240, 80]],
  ])('places %s packets sample by sample and plays every 20 ms frame exactly', (_, sizes) => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 80, minDelayMs: 80, maxDelayMs: 80 });
    const { frames, pushes } = playPackets(jb, packetize(sizes, 8000 * 2), 2200);
    expect(pushes.every((p) => p === 'stored')).toBe(true);
    expect(frames.length).toBeGreaterThanOrEqual(100);
    for (let n = 0; n < 100; n++) {
      expect(frames[n]!.verdict).toBe('played');
      expect(frames[n]!.samples).toEqual(expectedFrame(n));
    }
    expect(jb.stats).toMatchObject({ late: 0, duplicates: 0, skipped: 0, inserted: 0 });
  });

  it('takes each payload from where it lies in a received datagram', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 80, minDelayMs: 80, maxDelayMs: 80 });
    const { frames, pushes } = playPackets(jb, packetize([240, 160, 80], 8000), 1200, 5000, true);
    expect(pushes.every((p) => p === 'stored')).toBe(true);
    for (let n = 0; n < 50; n++) expect(frames[n]!.samples).toEqual(expectedFrame(n));
  });

  it('undoes the reordering of 30 ms packets and drops their duplicates', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 100, minDelayMs: 100, maxDelayMs: 100 });
    const inOrder = packetize([240], 240 * 20);
    // Swap neighbours after the first two and send packet 7 twice: 0 1 3 2 5 4 7 7 6 9 8 …
    const shuffled: Packet[] = [inOrder[0]!, inOrder[1]!];
    for (let i = 2; i < inOrder.length; i += 2) {
      const [a, b] = [inOrder[i]!, inOrder[i + 1]!];
      // The earlier packet is held up behind the later one: 30 ms of network jitter.
      shuffled.push(b, { ...a, arrival: b.arrival });
      if (i === 6) shuffled.push({ ...b, arrival: b.arrival });
    }
    const { frames, pushes } = playPackets(jb, shuffled, 800);
    expect(pushes.filter((p) => p === 'duplicate')).toHaveLength(1);
    for (let n = 0; n < 30; n++) expect(frames[n]!.samples).toEqual(expectedFrame(n));
    expect(jb.stats).toMatchObject({ partial: 0, late: 0, skipped: 0 });
  });

  it('conceals the part of a frame a lost 30 ms packet leaves empty, and the frame it fully covered', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 60, minDelayMs: 60, maxDelayMs: 60 });
    // Packet 5 carries samples 1200–1439: the second half of frame 7 and all of frame 8.
    const packets = packetize([240], 240 * 20).filter((_, i) => i !== 5);
    const { frames } = playPackets(jb, packets, 800);
    expect(frames.slice(0, 7).every((f) => f.verdict === 'played')).toBe(true);
    expect(frames[7]!.verdict).toBe('played');
    expect(frames[7]!.samples.slice(0, 80)).toEqual(expectedFrame(7).slice(0, 80));
    // The missing half repeats the last good audio, faded: not silence, not the lost samples.
    expect(frames[7]!.samples.slice(80).some((v) => v !== 0)).toBe(true);
    expect(frames[7]!.samples.slice(80)).not.toEqual(expectedFrame(7).slice(80));
    expect(frames[8]!.verdict).toBe('concealed');
    expect(frames[9]!.verdict).toBe('played');
    expect(frames[9]!.samples).toEqual(expectedFrame(9));
    expect(jb.stats.partial).toBe(1);
    expect(frames.slice(0, 30).filter((f) => f.verdict !== 'played')).toHaveLength(1);
  });

  it('keeps the unplayed part of a late 60 ms packet', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 40, minDelayMs: 40, maxDelayMs: 40 });
    const packets = packetize([480], 480 * 6);
    // Packet 2 (frames 6–8) arrives 70 ms late: frame 6 was concealed, 7 and 8 still play.
    const late = packets.map((p, i) => (i === 2 ? { ...p, arrival: p.arrival + 70 } : p));
    late.sort((a, b) => a.arrival - b.arrival);
    const { frames, pushes } = playPackets(jb, late, 600);
    expect(pushes).toEqual(['stored', 'stored', 'stored', 'stored', 'stored', 'stored']);
    expect(frames[6]!.verdict).toBe('concealed');
    expect(frames[7]!.samples).toEqual(expectedFrame(7));
    expect(frames[8]!.samples).toEqual(expectedFrame(8));
  });

  it('refuses payloads that are not whole 10 ms blocks or longer than 60 ms', () => {
    const jb = new JitterBuffer({ law: 'pcmu' });
    expect(jb.push(0, new Uint8Array(100), 0)).toBe('bad-size');
    expect(jb.push(0, new Uint8Array(0), 0)).toBe('bad-size');
    expect(jb.push(0, new Uint8Array(560), 0)).toBe('bad-size');
    expect(jb.push(0, new Uint8Array(480), 0)).toBe('stored');
    expect(jb.stats.received).toBe(1);
  });
});

describe('JitterBuffer.pullCodes', () => {
  const decodeTable = (law: G711Law) => (law === 'pcmu' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR);
  const encodeTable = (law: G711Law) => (law === 'pcmu' ? LINEAR_TO_ULAW : LINEAR_TO_ALAW);

  it('copies a whole frame code for code into every second byte, without decoding it', () => {
    const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 20, minDelayMs: 20, maxDelayMs: 20 });
    // 0x7f is μ-law's negative zero: decoding and encoding again would turn it into 0xff.
    const sent = Uint8Array.from({ length: 160 }, (_, k) => (k === 0 ? 0x7f : streamByte(k)));
    jb.push(1000, sent, 0);
    const stereo = new Uint8Array(320).fill(0xaa);
    expect(jb.pullCodes(0, 'pcmu', stereo, 1, 2)).toBe('buffering');
    expect(stereo.filter((_, i) => i % 2 === 1).every((c) => c === 0xff)).toBe(true);
    expect(jb.pullCodes(20, 'pcmu', stereo, 1, 2)).toBe('played');
    expect([...stereo.filter((_, i) => i % 2 === 1)]).toEqual([...sent]);
    // The other channel is left alone.
    expect(stereo.filter((_, i) => i % 2 === 0).every((c) => c === 0xaa)).toBe(true);
    const alaw = new Uint8Array(160);
    jb.push(1160, sent, 20);
    jb.pullCodes(40, 'pcma', alaw);
    expect([...alaw]).toEqual([...sent].map((c) => ULAW_TO_ALAW[c]!));
  });

  /**
   * Feeds `packets` to two buffers alike, pulling one in linear and the other as codes of `to`,
   * and expects the same verdicts, the same audio and the same stats. Returns the verdicts seen.
   */
  function pullTwins(from: G711Law, to: G711Law, packets: Packet[], options: Partial<JitterBufferOptions>) {
    const linear = new JitterBuffer({ ...options, law: from });
    const coded = new JitterBuffer({ ...options, law: from });
    const out = new Int16Array(160);
    const codes = new Uint8Array(160);
    const verdicts = new Map<JitterPull, number>();
    const untilMs = packets.at(-1)!.arrival + 200;
    let i = 0;
    for (let now = 0; now <= untilMs; now += 20) {
      while (i < packets.length && packets[i]!.arrival <= now) {
        const p = packets[i++]!;
        const payload = Uint8Array.from({ length: p.samples }, (_, k) => streamByte(p.at + k));
        expect(coded.push(p.at, payload, p.arrival)).toBe(linear.push(p.at, payload, p.arrival));
      }
      const verdict = linear.pull(now, out);
      expect(coded.pullCodes(now, to, codes)).toBe(verdict);
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
      // Compared decoded: μ-law's two zeros (0x7f, 0xff) are one value.
      const expected = [...out].map((v) => decodeTable(to)[encodeTable(to)[v & 0xffff]!]!);
      expect([...codes].map((c) => decodeTable(to)[c]!)).toEqual(expected);
    }
    expect(coded.stats).toEqual(linear.stats);
    return { verdicts, stats: linear.stats };
  }

  it.each([
    ['pcmu', 'pcmu'],
    ['pcmu', 'pcma'],
    ['pcma', 'pcma'],
    ['pcma', 'pcmu'],
  ] as const)(
    'yields what pull yields, encoded, through loss, reordering, jitter and 30 ms packets (%s to %s)',
    (from, to) => {
      const rnd = seededRandom(11);
      const packets = packetize([160, 160, 240, 80], 8000 * 20)
        .filter(() => rnd.next() > 0.08)
        .map((p) => ({ ...p, arrival: p.arrival + rnd.next() * 50 }))
        .sort((a, b) => a.arrival - b.arrival);
      // Starting at a longer delay than the jitter needs, so playout also drops frames.
      const { verdicts, stats } = pullTwins(from, to, packets, {
        minDelayMs: 20,
        maxDelayMs: 120,
        initialDelayMs: 120,
      });
      for (const kind of ['played', 'concealed', 'silence'] as const)
        expect(verdicts.get(kind) ?? 0).toBeGreaterThan(0);
      expect(stats.partial).toBeGreaterThan(0);
      expect(stats.skipped).toBeGreaterThan(0);
    },
  );

  it('holds playout back as pull does, after whole frames', () => {
    // Steady packets with one 150 ms straggler: the target delay jumps and playout holds frames,
    // each time right after a frame that was played whole.
    const packets = packetize([160], 8000 * 4, 5).map((p, n) =>
      n === 40 ? { ...p, arrival: p.arrival + 150 } : p,
    );
    packets.sort((a, b) => a.arrival - b.arrival);
    const { stats } = pullTwins('pcmu', 'pcmu', packets, { minDelayMs: 20, initialDelayMs: 20 });
    expect(stats.inserted).toBeGreaterThan(3);
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

  it('conceals from a frame it was given as G.711 codes', () => {
    const plc = new PacketLossConcealment(4, 3);
    const codes = Uint8Array.of(0, 0, ...[900, 900, 900, 900].map((v) => LINEAR_TO_ULAW[v]!));
    plc.goodCodes(codes, 2, ULAW_TO_LINEAR);
    const out = new Int16Array(4);
    expect(plc.conceal(out)).toBe(true);
    const v = ULAW_TO_LINEAR[LINEAR_TO_ULAW[900]!]!;
    expect([...out]).toEqual([0.9167, 0.8333, 0.75, 0.6667].map((g) => Math.round(v * g)));
    // A linear frame given after codes replaces them.
    plc.good(Int16Array.of(900, 900, 900, 900));
    plc.conceal(out);
    expect([...out]).toEqual([825, 750, 675, 600]);
  });
});
