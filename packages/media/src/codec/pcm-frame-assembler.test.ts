import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PcmFrameAssembler } from './pcm-frame-assembler';

interface Emitted {
  timestamp: number;
  marker: boolean;
  first: number;
  last: number;
}

/** Samples numbered from `from`, so frames can be checked for order and gaps. */
const ramp = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => from + i);

function collect(): { out: Emitted[]; emit: (f: Int16Array, ts: number, m: boolean) => void } {
  const out: Emitted[] = [];
  return {
    out,
    emit: (f, timestamp, marker) => out.push({ timestamp, marker, first: f[0]!, last: f[f.length - 1]! }),
  };
}

describe('PcmFrameAssembler', () => {
  it('joins two 10 ms pieces into one 20 ms frame with the first piece’s timestamp and marker', () => {
    const a = new PcmFrameAssembler(160);
    const { out, emit } = collect();
    a.push(ramp(0, 80), 1000, true, emit);
    expect(out).toEqual([]);
    a.push(ramp(80, 80), 1080, false, emit);
    expect(out).toEqual([{ timestamp: 1000, marker: true, first: 0, last: 159 }]);
    expect(a.pending).toBe(0);
  });

  it('splits a 60 ms piece into three frames on consecutive timestamps', () => {
    const a = new PcmFrameAssembler(160);
    const { out, emit } = collect();
    a.push(ramp(0, 480), 4000, false, emit);
    expect(out.map((f) => [f.timestamp, f.first, f.last])).toEqual([
      [4000, 0, 159],
      [4160, 160, 319],
      [4320, 320, 479],
    ]);
  });

  it('re-cuts 30 ms pieces into 20 ms frames without losing a sample', () => {
    const a = new PcmFrameAssembler(160);
    const { out, emit } = collect();
    for (let k = 0; k < 4; k++) a.push(ramp(k * 240, 240), (k * 240) >>> 0, false, emit);
    expect(out.map((f) => f.first)).toEqual([0, 160, 320, 480, 640, 800]);
    expect(out.map((f) => f.timestamp)).toEqual([0, 160, 320, 480, 640, 800]);
  });

  it('completes a partial frame with silence when the timeline jumps, then starts again', () => {
    const a = new PcmFrameAssembler(160);
    const frames: Int16Array[] = [];
    const stamps: number[] = [];
    const emit = (f: Int16Array, ts: number) => {
      frames.push(f.slice());
      stamps.push(ts);
    };
    a.push(ramp(1, 80), 0, false, emit);
    a.push(ramp(500, 160), 800, true, emit);
    expect(stamps).toEqual([0, 800]);
    expect(Array.from(frames[0]!.subarray(78, 82))).toEqual([79, 80, 0, 0]);
    expect(frames[1]![0]).toBe(500);
  });

  it('follows the timeline across the 32-bit wrap', () => {
    const a = new PcmFrameAssembler(160);
    const { out, emit } = collect();
    a.push(ramp(0, 80), 0xffffffb0, false, emit);
    a.push(ramp(80, 80), 0, false, emit);
    expect(out).toEqual([{ timestamp: 0xffffffb0, marker: false, first: 0, last: 159 }]);
  });

  it('flushes a pending tail on demand, and forgets it on reset', () => {
    const a = new PcmFrameAssembler(160);
    const { out, emit } = collect();
    a.push(ramp(1, 40), 0, true, emit);
    a.flush(emit);
    expect(out).toEqual([{ timestamp: 0, marker: true, first: 1, last: 0 }]);
    a.push(ramp(1, 40), 160, false, emit);
    a.reset();
    a.flush(emit);
    expect(out).toHaveLength(1);
  });

  it('re-cuts any continuous run of pieces into whole frames that replay it sample for sample', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 30 }), fc.nat(), (sizes, base) => {
        const a = new PcmFrameAssembler(160);
        const out: number[] = [];
        const stamps: number[] = [];
        let at = 0;
        for (const size of sizes) {
          a.push(ramp(at, size), (base + at) >>> 0, false, (f, ts) => {
            out.push(...f);
            stamps.push(ts);
          });
          at += size;
        }
        const whole = Math.floor(at / 160) * 160;
        expect(out).toEqual(Array.from({ length: whole }, (_, i) => (i << 16) >> 16));
        expect(stamps).toEqual(stamps.map((_, k) => (base + k * 160) >>> 0));
        expect(a.pending).toBe(at - whole);
      }),
    );
  });
});
