import { describe, expect, it } from 'vitest';
import { seededRandom } from '@switchboard/kernel';
import { ULAW_TO_LINEAR, LINEAR_TO_ULAW } from '../codec/g711';
import { ToneGenerator } from '../tone/tone-generator';
import { dtmfToneSpec } from '../tone/tone-plan';
import { DtmfDetector, dtmfFrequencies } from './dtmf-detector';
import type { DtmfDigit } from './telephone-event';

const ALL: DtmfDigit[] = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'];

/** Synthesises a dual tone with explicit levels (amplitude per tone) and optional start offset. */
function dualTone(digit: DtmfDigit, ms: number, lowAmp: number, highAmp: number, phase = 0): Int16Array {
  const [low, high] = dtmfFrequencies(digit);
  const n = (ms * 8000) / 1000;
  return Int16Array.from({ length: n }, (_, i) =>
    Math.round(
      lowAmp * Math.sin((2 * Math.PI * low * i) / 8000 + phase) +
        highAmp * Math.sin((2 * Math.PI * high * i) / 8000),
    ),
  );
}

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const silence = (ms: number) => new Int16Array((ms * 8000) / 1000);

function detect(samples: Int16Array, options = {}, frame = 160): string {
  const d = new DtmfDetector(options);
  let digits = '';
  for (let at = 0; at < samples.length; at += frame)
    for (const hit of d.process(samples.subarray(at, Math.min(samples.length, at + frame))))
      digits += hit.digit;
  return digits;
}

describe('DtmfDetector (Goertzel, 8 kHz)', () => {
  it('detects every digit from the tone generator, fed in 20 ms frames', () => {
    for (const digit of ALL) {
      const gen = new ToneGenerator(dtmfToneSpec(digit, { onMs: 100, offMs: 60 }));
      const out = new Int16Array(1600);
      gen.fill(out);
      expect(detect(out), digit).toBe(digit);
    }
  });

  it('detects a dialled sequence with 50 ms tones and 50 ms gaps, repeated digits included', () => {
    const seq: DtmfDigit[] = ['4', '0', '0', '8', '#', '#'];
    const samples = concat(...seq.flatMap((d) => [dualTone(d, 50, 6000, 7000), silence(50)]));
    expect(detect(samples)).toBe('4008##');
  });

  it('uses 160-sample blocks when asked', () => {
    const samples = concat(dualTone('9', 100, 6000, 7000), silence(60), dualTone('D', 100, 6000, 7000));
    expect(detect(samples, { blockSize: 160 })).toBe('9D');
  });

  it('still detects through μ-law and with 20 dB SNR white noise', () => {
    const rnd = seededRandom(7);
    const tone = dualTone('7', 80, 4000, 4500);
    const noisy = tone.map((x) => {
      const noise = (rnd.next() - 0.5) * 2 * 600;
      return ULAW_TO_LINEAR[LINEAR_TO_ULAW[Math.round(x + noise) & 0xffff]!]!;
    });
    expect(detect(concat(silence(20), noisy, silence(40)))).toBe('7');
  });

  it('rejects tones shorter than the minimum duration', () => {
    for (let offset = 0; offset < 205; offset += 41)
      expect(detect(concat(silence(offset / 8), dualTone('5', 20, 6000, 7000), silence(100)))).toBe('');
  });

  it('accepts 50 ms tones at any alignment to the blocks', () => {
    for (let offsetSamples = 0; offsetSamples < 205; offsetSamples += 7)
      expect(detect(concat(new Int16Array(offsetSamples), dualTone('3', 50, 6000, 7000), silence(60)))).toBe(
        '3',
      );
  });

  it('rejects excessive twist in either direction, accepts moderate twist', () => {
    expect(detect(dualTone('1', 100, 8000, 8000 / 10 ** (10 / 20)))).toBe('');
    expect(detect(dualTone('1', 100, 8000 / 10 ** (6 / 20), 8000))).toBe('');
    expect(detect(dualTone('1', 100, 8000, 8000 / 10 ** (6 / 20)))).toBe('1');
    expect(detect(dualTone('1', 100, 8000 / 10 ** (3 / 20), 8000))).toBe('1');
  });

  it('rejects tones below the minimum level and single tones', () => {
    expect(detect(dualTone('2', 200, 200, 220))).toBe('');
    const [low] = dtmfFrequencies('2');
    expect(
      detect(Int16Array.from({ length: 1600 }, (_, i) => 9000 * Math.sin((2 * Math.PI * low * i) / 8000))),
    ).toBe('');
  });

  it('does not trigger on white noise', () => {
    const rnd = seededRandom(11);
    const noise = Int16Array.from({ length: 8000 * 10 }, () => Math.round((rnd.next() - 0.5) * 16000));
    expect(detect(noise)).toBe('');
  });

  it('does not trigger on speech-like voiced sounds with gliding pitch and formants', () => {
    const rnd = seededRandom(3);
    const n = 8000 * 20;
    const raw = new Float64Array(n);
    let phase = 0;
    // Vowel-like: a glottal pulse train (harmonics of a gliding 90–260 Hz pitch) through two
    // formant resonators whose centres wander across the DTMF bands.
    let y1 = 0;
    let y2 = 0;
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < n; i++) {
      const t = i / 8000;
      const pitch = 175 + 85 * Math.sin(2 * Math.PI * 0.7 * t) + 10 * Math.sin(2 * Math.PI * 5.3 * t);
      phase += pitch / 8000;
      const pulse = phase >= 1 ? 1 : 0;
      if (phase >= 1) phase -= 1;
      const f1 = 700 + 250 * Math.sin(2 * Math.PI * 1.3 * t);
      const f2 = 1300 + 350 * Math.sin(2 * Math.PI * 0.9 * t + 1);
      const r = 0.97;
      const x = pulse * 3000 + (rnd.next() - 0.5) * 200;
      const y = x + 2 * r * Math.cos((2 * Math.PI * f1) / 8000) * y1 - r * r * y2;
      y2 = y1;
      y1 = y;
      const z = y + 2 * r * Math.cos((2 * Math.PI * f2) / 8000) * z1 - r * r * z2;
      z2 = z1;
      z1 = z;
      // Syllable envelope: 4 Hz on/off like speech rhythm.
      raw[i] = z * (0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t));
    }
    // Loud speech: peaks at −3 dBFS.
    const peak = raw.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const samples = Int16Array.from(raw, (v) => Math.round((v / peak) * 23000));
    expect(detect(samples)).toBe('');
  });

  it('reports the sample where the confirming blocks began', () => {
    const d = new DtmfDetector();
    const hits = d.process(concat(silence(205 / 8), dualTone('6', 100, 6000, 7000)));
    expect(hits).toEqual([{ digit: '6', sample: 205 }]);
    d.reset();
    expect(d.process(silence(100))).toEqual([]);
  });
});
