import { describe, expect, it } from 'vitest';
import { SpeechMeter } from './speech-meter';
import { voicemailVerdict } from './voicemail-verdict';

const frame = (amplitude: number) =>
  Int16Array.from({ length: 160 }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * 300 * i) / 8000)),
  );

describe('voicemail verdict', () => {
  it('keeps a message with speech in it', () => {
    expect(voicemailVerdict({ durationMs: 8000, voicedMs: 3000 })).toEqual({ keep: true });
  });

  it('discards a caller who hung up at the beep, and a message of silence', () => {
    expect(voicemailVerdict({ durationMs: 900, voicedMs: 900 })).toEqual({
      keep: false,
      reason: 'too-short',
    });
    expect(voicemailVerdict({ durationMs: 30_000, voicedMs: 100 })).toEqual({ keep: false, reason: 'empty' });
  });
});

describe('speech meter', () => {
  it('counts voiced frames and tells silence that lasted long enough', () => {
    const meter = new SpeechMeter({ silenceMs: 1000 });
    for (let i = 0; i < 50; i++) meter.add(frame(6000));
    expect(meter.voicedMs).toBe(1000);
    for (let i = 0; i < 49; i++) meter.add(frame(200));
    expect(meter.silent).toBe(false);
    meter.add(frame(200));
    expect(meter.silent).toBe(true);
    expect(meter.voicedMs).toBe(1000);
  });

  it('starts the silence over when the caller speaks again', () => {
    const meter = new SpeechMeter({ silenceMs: 400 });
    for (let i = 0; i < 15; i++) meter.add(frame(0));
    meter.add(frame(3000));
    for (let i = 0; i < 15; i++) meter.add(frame(0));
    expect(meter.silent).toBe(false);
    expect(meter.voicedMs).toBe(20);
  });
});
