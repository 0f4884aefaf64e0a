import { describe, expect, it } from 'vitest';
import { holdMelody, voicemailBeep } from './hold-melody';

/** Power of `hz` in `samples` (Goertzel), normalised by length. */
function power(samples: Int16Array, hz: number): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s = x + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / samples.length;
}

describe('hold music', () => {
  const music = holdMelody();

  it('is a loop of about 22 s that starts and ends in silence, so it repeats without a click', () => {
    expect(music.length / 8000).toBeGreaterThan(20);
    expect(music.length / 8000).toBeLessThan(25);
    expect(Math.abs(music[0]!)).toBeLessThan(50);
    expect(Math.abs(music.at(-1)!)).toBeLessThan(50);
  });

  it('stays soft and smooth: no clipping, no sample-to-sample jumps', () => {
    let peak = 0;
    let jump = 0;
    for (let i = 1; i < music.length; i++) {
      peak = Math.max(peak, Math.abs(music[i]!));
      jump = Math.max(jump, Math.abs(music[i]! - music[i - 1]!));
    }
    expect(peak).toBeGreaterThan(3000);
    expect(peak).toBeLessThan(16_000);
    expect(jump).toBeLessThan(6000);
  });

  it('plays the notes of its chords: C major first, then G', () => {
    const firstBar = music.subarray(0, 8000 * 2.7);
    const secondBar = music.subarray(8000 * 2.7, 8000 * 5.4);
    expect(power(firstBar, 261.63)).toBeGreaterThan(20 * power(firstBar, 196.0));
    expect(power(secondBar, 196.0)).toBeGreaterThan(20 * power(secondBar, 174.61));
  });
});

describe('voicemail beep', () => {
  it('is 400 ms of 1 kHz', () => {
    const beep = voicemailBeep();
    expect(beep.length).toBe(3200);
    expect(power(beep, 1000)).toBeGreaterThan(1000 * power(beep, 400));
  });
});
