import { describe, expect, it } from 'vitest';
import { DBM0_PEAK, ToneGenerator } from './tone-generator';
import { CHINA_TONE_PLAN, US_TONE_PLAN, dtmfToneSpec, type ToneSpec } from './tone-plan';

function render(spec: ToneSpec, samples: number, frame = 160): Int16Array {
  const gen = new ToneGenerator(spec);
  const out = new Int16Array(samples);
  for (let at = 0; at < samples; at += frame) gen.fill(out.subarray(at, Math.min(samples, at + frame)));
  return out;
}

/** Lengths of alternating non-zero / zero runs, in ms, judged over 1 ms windows. */
function runsMs(x: Int16Array): number[] {
  const runs: number[] = [];
  let current = -1;
  for (let ms = 0; ms < x.length / 8; ms++) {
    const on = x.subarray(ms * 8, ms * 8 + 8).some((v) => v !== 0) ? 1 : 0;
    if (on === current) runs[runs.length - 1]!++;
    else {
      runs.push(1);
      current = on;
    }
  }
  return runs;
}

/** Goertzel magnitude of `hz`, normalised so a sine of amplitude A reads A. */
function amplitudeAt(x: Int16Array, hz: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(s1 * s1 + s2 * s2 - c * s1 * s2)) / x.length;
}

describe('ToneGenerator', () => {
  it('plays the Chinese ringback: 450 Hz, 1 s on, 4 s off', () => {
    const x = render(CHINA_TONE_PLAN.ringback, 8000 * 10);
    expect(runsMs(x)).toEqual([1000, 4000, 1000, 4000]);
    const level = DBM0_PEAK * 10 ** (-10 / 20);
    expect(amplitudeAt(x.subarray(0, 8000), 450)).toBeCloseTo(level, -1);
    expect(amplitudeAt(x.subarray(0, 8000), 440)).toBeLessThan(level / 10);
  });

  it('plays the Chinese busy 0.35/0.35 and congestion 0.7/0.7 and continuous dial tone', () => {
    expect(runsMs(render(CHINA_TONE_PLAN.busy, 8000 * 1.4))).toEqual([350, 350, 350, 350]);
    expect(runsMs(render(CHINA_TONE_PLAN.congestion, 8000 * 2.8))).toEqual([700, 700, 700, 700]);
    expect(runsMs(render(CHINA_TONE_PLAN.dial, 8000 * 3))).toEqual([3000]);
  });

  it('plays the US ringback 440+480 Hz 2/4 s and busy 480+620 Hz 0.5/0.5 s', () => {
    const ring = render(US_TONE_PLAN.ringback, 8000 * 12);
    expect(runsMs(ring)).toEqual([2000, 4000, 2000, 4000]);
    const level = DBM0_PEAK * 10 ** (-19 / 20);
    expect(amplitudeAt(ring.subarray(0, 16000), 440)).toBeCloseTo(level, -1);
    expect(amplitudeAt(ring.subarray(0, 16000), 480)).toBeCloseTo(level, -1);
    const busy = render(US_TONE_PLAN.busy, 8000 * 2);
    expect(runsMs(busy)).toEqual([500, 500, 500, 500]);
    expect(amplitudeAt(busy.subarray(0, 4000), 620)).toBeGreaterThan(
      amplitudeAt(busy.subarray(0, 4000), 700) * 20,
    );
    expect(runsMs(render(US_TONE_PLAN.congestion, 8000))).toEqual([250, 250, 250, 250]);
    expect(runsMs(render(US_TONE_PLAN.dial, 8000))).toEqual([1000]);
  });

  it('is phase-continuous: any frame size yields the same waveform', () => {
    const whole = render(US_TONE_PLAN.dial, 8000, 8000);
    for (const frame of [160, 80, 37])
      expect(
        Math.max(...render(US_TONE_PLAN.dial, 8000, frame).map((v, i) => Math.abs(v - whole[i]!))),
      ).toBeLessThanOrEqual(1);
    // No jump at 20 ms frame edges: the step there is no bigger than anywhere else.
    const x = render(CHINA_TONE_PLAN.dial, 1600);
    const maxStep = Math.max(...x.slice(1).map((v, i) => Math.abs(v - x[i]!)));
    for (let edge = 160; edge < 1600; edge += 160)
      expect(Math.abs(x[edge]! - x[edge - 1]!)).toBeLessThanOrEqual(maxStep);
  });

  it('keeps its amplitude over an hour of frames', () => {
    const gen = new ToneGenerator(CHINA_TONE_PLAN.dial);
    const frame = new Int16Array(160);
    for (let i = 0; i < 180_000; i++) gen.fill(frame);
    expect(amplitudeAt(frame, 450)).toBeGreaterThan(DBM0_PEAK * 10 ** (-10 / 20) * 0.9);
  });

  it('plays a DTMF digit once, then silence', () => {
    const gen = new ToneGenerator(dtmfToneSpec('5', { onMs: 100, offMs: 50 }));
    const x = new Int16Array(8000);
    gen.fill(x);
    expect(runsMs(x)).toEqual([100, 900]);
    expect(gen.finished).toBe(true);
    expect(amplitudeAt(x.subarray(0, 800), 770)).toBeGreaterThan(1000);
    expect(amplitudeAt(x.subarray(0, 800), 1336)).toBeGreaterThan(amplitudeAt(x.subarray(0, 800), 770));
  });
});
