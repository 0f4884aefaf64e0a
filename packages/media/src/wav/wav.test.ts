import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeG711 } from '../codec/g711';
import { promptFromWav } from './prompt-audio';
import { type WavFormat } from './wav-format';
import { recoverWavHeader } from './wav-recover';
import { parseWav, wavSamples } from './wav-reader';
import { WavStreamWriter, encodeWav, encodeWavHeader } from './wav-writer';

const pcmBytes = (s: Int16Array) => new Uint8Array(s.buffer, s.byteOffset, s.byteLength);
const ramp = (n: number) => Int16Array.from({ length: n }, (_, i) => ((i * 97) % 20000) - 10000);
const ascii = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));
const le32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

describe('WAV writer and reader', () => {
  it('writes the canonical 44-byte PCM header', () => {
    const h = encodeWavHeader({ encoding: 'pcm16', sampleRate: 8000, channels: 2 }, 32000);
    expect(h.length).toBe(44);
    expect([ascii(h, 0), ascii(h, 8), ascii(h, 12), ascii(h, 36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect([le32(h, 4), le32(h, 16), le32(h, 24), le32(h, 28), le32(h, 40)]).toEqual([
      32036, 16, 8000, 32000, 32000,
    ]);
    expect([h[20], h[22], h[32], h[34]]).toEqual([1, 2, 4, 16]);
  });

  it('writes G.711 with cbSize and a fact chunk (format tags 6 and 7)', () => {
    const h = encodeWavHeader({ encoding: 'mulaw', sampleRate: 8000, channels: 2 }, 1600);
    expect(h.length).toBe(58);
    expect([h[20], le32(h, 16), ascii(h, 38), le32(h, 46), ascii(h, 50), le32(h, 54)]).toEqual([
      7,
      18,
      'fact',
      800,
      'data',
      1600,
    ]);
    expect(encodeWavHeader({ encoding: 'alaw', sampleRate: 8000, channels: 1 }, 0)[20]).toBe(6);
  });

  const formats: WavFormat[] = [
    { encoding: 'pcm16', sampleRate: 8000, channels: 1 },
    { encoding: 'pcm16', sampleRate: 16000, channels: 1 },
    { encoding: 'pcm16', sampleRate: 8000, channels: 2 },
    { encoding: 'pcm16', sampleRate: 16000, channels: 2 },
    { encoding: 'mulaw', sampleRate: 8000, channels: 1 },
    { encoding: 'alaw', sampleRate: 8000, channels: 2 },
  ];
  it.each(formats)('round-trips %o', (format) => {
    const samples = ramp(801 * format.channels);
    let data: Uint8Array;
    if (format.encoding === 'pcm16') data = pcmBytes(samples);
    else {
      data = new Uint8Array(samples.length);
      encodeG711(format.encoding === 'mulaw' ? 'pcmu' : 'pcma', samples, data);
    }
    const r = parseWav(encodeWav(format, data));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.format).toEqual(format);
    expect(r.value.truncated).toBe(false);
    expect(r.value.data).toEqual(data);
    const back = wavSamples(r.value);
    expect(back.length).toBe(samples.length);
    if (format.encoding === 'pcm16') expect(back).toEqual(samples);
    else for (let i = 0; i < back.length; i++) expect(Math.abs(back[i]! - samples[i]!)).toBeLessThan(700);
  });

  it('skips unknown chunks and reads WAVE_FORMAT_EXTENSIBLE', () => {
    const data = pcmBytes(ramp(10));
    const file = encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, data);
    // Insert a LIST chunk with an odd size (and its pad byte) between fmt and data.
    const list = Uint8Array.from([...'LIST'].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 1, 2, 3, 0]));
    const withList = new Uint8Array([...file.subarray(0, 36), ...list, ...file.subarray(36)]);
    expect(parseWav(withList)).toMatchObject({ ok: true, value: { data } });
    const ext = new Uint8Array(68 + data.length);
    ext.set(file.subarray(0, 36));
    ext.set([40, 0, 0, 0], 16);
    ext.set([0xfe, 0xff], 20);
    ext.set([22, 0, 16, 0, 4, 0, 0, 0, 1, 0], 36);
    ext.set(
      [...'data'].map((c) => c.charCodeAt(0)),
      60,
    );
    ext.set([20, 0, 0, 0], 64);
    ext.set(data, 68);
    expect(parseWav(ext)).toMatchObject({ ok: true, value: { format: { encoding: 'pcm16' }, data } });
  });

  const good = () => encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, pcmBytes(ramp(100)));
  const twins: [string, (b: Uint8Array) => Uint8Array, string][] = [
    ['empty file', () => new Uint8Array(0), 'MEDIA.WAV_NOT_RIFF'],
    ['RIFX (big-endian)', (b) => (b.set([0x58], 3), b), 'MEDIA.WAV_NOT_RIFF'],
    ['AVI form type', (b) => (b.set([0x41, 0x56, 0x49, 0x20], 8), b), 'MEDIA.WAV_NOT_WAVE'],
    ['no fmt chunk', (b) => (b.set([0x6a, 0x75, 0x6e, 0x6b], 12), b), 'MEDIA.WAV_NO_FORMAT'],
    ['fmt chunk of 8 bytes', (b) => (b.set([8], 16), b), 'MEDIA.WAV_BAD_FORMAT'],
    ['header cut inside fmt', (b) => b.subarray(0, 30), 'MEDIA.WAV_BAD_FORMAT'],
    ['44.1 kHz', (b) => (b.set([0x44, 0xac, 0, 0], 24), b), 'MEDIA.WAV_UNSUPPORTED_FORMAT'],
    ['8-bit PCM', (b) => (b.set([8], 34), b), 'MEDIA.WAV_UNSUPPORTED_FORMAT'],
    ['6 channels', (b) => (b.set([6], 22), b), 'MEDIA.WAV_UNSUPPORTED_FORMAT'],
    ['MP3 format tag', (b) => (b.set([0x55], 20), b), 'MEDIA.WAV_UNSUPPORTED_FORMAT'],
    ['wrong block align', (b) => (b.set([3], 32), b), 'MEDIA.WAV_BAD_FORMAT'],
    ['no data chunk', (b) => b.subarray(0, 36), 'MEDIA.WAV_NO_DATA'],
  ];
  it.each(twins)('rejects %s with a code', (_, spoil, code) => {
    expect(parseWav(spoil(good()))).toMatchObject({ ok: false, error: { code } });
  });

  it('accepts a data chunk longer than the file as truncated, whole frames only', () => {
    const file = encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 2 }, pcmBytes(ramp(100)));
    const r = parseWav(file.subarray(0, 44 + 37));
    expect(r).toMatchObject({ ok: true, value: { truncated: true } });
    if (r.ok) expect(r.value.data.length).toBe(36);
  });

  it('never throws on random bytes or on damaged valid headers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        parseWav(b);
        recoverWavHeader(b);
      }),
      { numRuns: 2000 },
    );
    const base = good();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(63), fc.nat(255)), { maxLength: 6 }),
        fc.nat(base.length),
        (edits, cut) => {
          const b = base.slice(0, cut);
          for (const [at, v] of edits) if (at < b.length) b[at] = v;
          parseWav(b);
          recoverWavHeader(b);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('streaming writer and crash recovery', () => {
  const format: WavFormat = { encoding: 'alaw', sampleRate: 8000, channels: 2 };

  function record(frames: number): { writer: WavStreamWriter; file: Uint8Array } {
    const writer = new WavStreamWriter(format);
    const parts = [writer.begin()];
    for (let i = 0; i < frames; i++) {
      const frame = new Uint8Array(320).fill(i & 0xff);
      parts.push(frame);
      writer.appended(frame.length);
    }
    const file = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      file.set(p, at);
      at += p.length;
    }
    return { writer, file };
  }

  it('finalises sizes by rewriting the header', () => {
    const { writer, file } = record(50);
    const { header, trailer } = writer.finish();
    file.set(header, 0);
    expect(trailer.length).toBe(0);
    expect(parseWav(file)).toMatchObject({ ok: true, value: { truncated: false } });
    expect(recoverWavHeader(file)).toMatchObject({ ok: true, value: { intact: true, dataBytes: 16000 } });
  });

  it('adds the pad byte for an odd data length', () => {
    const writer = new WavStreamWriter({ encoding: 'mulaw', sampleRate: 8000, channels: 1 });
    writer.appended(161);
    const { header, trailer } = writer.finish();
    expect(trailer).toEqual(new Uint8Array(1));
    expect(le32(header, 4)).toBe(58 - 8 + 162);
  });

  it('recovers a file whose writer died before finalising', () => {
    const { file } = record(50);
    // The process died mid-frame: half a stereo frame at the end.
    const crashed = file.subarray(0, file.length - 1);
    expect(parseWav(crashed)).toMatchObject({ ok: true, value: { data: new Uint8Array(0) } });
    const r = recoverWavHeader(crashed);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value).toMatchObject({ intact: false, dataBytes: 15998, length: 58 + 15998 });
    const fixed = new Uint8Array(r.value.length);
    fixed.set(crashed.subarray(0, r.value.length));
    fixed.set(r.value.header, 0);
    const parsed = parseWav(fixed);
    if (!parsed.ok) throw new Error(parsed.error.code);
    expect(parsed.value.data.length).toBe(15998);
    expect(parsed.value.data[15997]).toBe(49);
    expect(le32(fixed, 46)).toBe(7999);
  });

  it('leaves finished files with trailing metadata alone and refuses non-WAVE files', () => {
    const file = encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, pcmBytes(ramp(10)));
    const tail = Uint8Array.from([...'LIST'].map((c) => c.charCodeAt(0)).concat([4, 0, 0, 0, 1, 2, 3, 4]));
    expect(recoverWavHeader(new Uint8Array([...file, ...tail]))).toMatchObject({
      ok: true,
      value: { intact: true, dataBytes: 20 },
    });
    expect(recoverWavHeader(new Uint8Array(40))).toMatchObject({
      ok: false,
      error: { code: 'MEDIA.WAV_NOT_RIFF' },
    });
  });
});

describe('prompts and 16 → 8 kHz resampling', () => {
  const sine = (hz: number, rate: number, n: number, amp = 10000) =>
    Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate)));
  const rms = (x: Int16Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

  it('passes the telephone band and removes what would alias into it', () => {
    const wav = (hz: number) =>
      encodeWav({ encoding: 'pcm16', sampleRate: 16000, channels: 1 }, pcmBytes(sine(hz, 16000, 16000)));
    for (const hz of [300, 1000, 3400]) {
      const r = promptFromWav(wav(hz));
      if (!r.ok) throw new Error(r.error.code);
      expect(r.value.length).toBe(8000);
      const core = r.value.subarray(100, 7900);
      expect(rms(core) / (10000 / Math.SQRT2)).toBeCloseTo(1, 2);
      // Same frequency at 8 kHz, same phase: the one-shot filter has no delay.
      const ref = sine(hz, 8000, 8000).subarray(100, 7900);
      expect(rms(core.map((v, i) => v - ref[i]!))).toBeLessThan(60);
    }
    for (const hz of [4600, 6000, 7000]) {
      const r = promptFromWav(wav(hz));
      if (!r.ok) throw new Error(r.error.code);
      // ≥ 60 dB below the 7071 RMS input.
      expect(rms(r.value.subarray(100, 7900))).toBeLessThan(7.1);
    }
  });

  it('mixes stereo down and passes 8 kHz through', () => {
    const st = Int16Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1000 : 3000));
    const r = promptFromWav(encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 2 }, pcmBytes(st)));
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect([...r.value]).toEqual(new Array(100).fill(2000));
    expect(promptFromWav(new Uint8Array(3))).toMatchObject({
      ok: false,
      error: { code: 'MEDIA.WAV_NOT_RIFF' },
    });
  });
});
