import {
  decodeG711,
  decodeTelephoneEvent,
  encodeG711,
  encodeRtpPacket,
  encodeTelephoneEvent,
  ToneGenerator,
  type RtpPacketFields,
} from '@switchboard/media';
import { afterEach, describe, expect, it } from 'vitest';
import { toneShare } from '../../test/support/tone-analysis';
import { OpusCodec } from './opus-codec';
import { OpusTranscoder } from './opus-transcoder';

const FORMATS = { opus: 111, opusEvents: 110, pcmu: 0, pcmuEvents: 101 };

interface Captured extends RtpPacketFields {
  readonly marker: boolean;
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function rig() {
  const toLeg: Captured[] = [];
  const toBrowser: Captured[] = [];
  const keep = (into: Captured[]) => (p: RtpPacketFields) =>
    into.push({ ...p, marker: p.marker ?? false, payload: p.payload.slice() });
  const transcoder = new OpusTranscoder(FORMATS, keep(toLeg), keep(toBrowser));
  open.push(transcoder);
  return { transcoder, toLeg, toBrowser };
}

/** A browser's encoder: a phase-continuous tone at 48 kHz, Opus packets of `ms` each. */
function browserPackets(
  hz: number,
  ms: number,
  count: number,
  firstTimestamp = 3_000_000_000,
): RtpPacketFields[] {
  const encoder = new OpusCodec({ sampleRate: 48000 });
  open.push(encoder);
  const samples = ms * 48;
  let t = 0;
  return Array.from({ length: count }, (_, k) => {
    const frame = new Int16Array(samples);
    for (let i = 0; i < samples; i++, t++)
      frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * t) / 48000));
    return {
      payloadType: 111,
      sequenceNumber: (40_000 + k) & 0xffff,
      timestamp: (firstTimestamp + k * samples) >>> 0,
      ssrc: 0xb10b,
      marker: k === 0,
      payload: encoder.encode(frame),
    };
  });
}

/** PCMU payloads of the leg's packets, decoded and joined. */
function legAudio(packets: Captured[]): Int16Array {
  const audio = packets.filter((p) => p.payloadType === 0);
  const out = new Int16Array(audio.length * 160);
  audio.forEach((p, i) => decodeG711('pcmu', p.payload, out.subarray(i * 160), 160));
  return out;
}

const steps = (values: number[]) => values.slice(1).map((v, i) => (v - values[i]!) >>> 0);

describe('OpusTranscoder, browser to leg', () => {
  it('turns 20 ms Opus packets into 20 ms PCMU frames on an 8 kHz timeline, keeping the tone', () => {
    const { transcoder, toLeg } = rig();
    for (const p of browserPackets(1000, 20, 50)) transcoder.fromBrowser(p);
    expect(toLeg).toHaveLength(50);
    expect(toLeg.every((p) => p.payloadType === 0 && p.payload.length === 160 && p.ssrc === 0xb10b)).toBe(
      true,
    );
    expect(new Set(steps(toLeg.map((p) => p.timestamp)))).toEqual(new Set([160]));
    expect(new Set(steps(toLeg.map((p) => p.sequenceNumber)))).toEqual(new Set([1]));
    expect(toLeg[0]!.marker).toBe(true);
    expect(toneShare(legAudio(toLeg).subarray(8000 / 2), 1000)).toBeGreaterThan(0.9);
  });

  it('re-cuts 10 ms and 60 ms packets into the same 20 ms frames', () => {
    for (const ms of [10, 60]) {
      const { transcoder, toLeg } = rig();
      for (const p of browserPackets(700, ms, 600 / ms)) transcoder.fromBrowser(p);
      expect(toLeg).toHaveLength(30);
      expect(new Set(steps(toLeg.map((p) => p.timestamp)))).toEqual(new Set([160]));
      expect(toneShare(legAudio(toLeg).subarray(1600), 700)).toBeGreaterThan(0.9);
    }
  });

  it('conceals a lost packet so the leg gets every frame, and drops it when it comes late', () => {
    const { transcoder, toLeg } = rig();
    const packets = browserPackets(1000, 20, 40);
    const lost = packets.splice(20, 1)[0]!;
    for (const p of packets) transcoder.fromBrowser(p);
    transcoder.fromBrowser(lost);
    expect(toLeg).toHaveLength(40);
    expect(new Set(steps(toLeg.map((p) => p.timestamp)))).toEqual(new Set([160]));
    // The concealed frame goes on with the tone rather than a hole of silence.
    const concealed = legAudio(toLeg.slice(20, 21));
    expect(toneShare(concealed, 1000)).toBeGreaterThan(0.5);
    expect(transcoder.stats()).toMatchObject({ decoded: 39, concealments: 1, concealedMs: 20, late: 1 });
  });

  it('moves a telephone-event/48000 key press to /8000 on the same timeline, audio first', () => {
    const { transcoder, toLeg } = rig();
    const packets = browserPackets(1000, 10, 5);
    for (const p of packets) transcoder.fromBrowser(p);
    const start = (packets[4]!.timestamp + 480) >>> 0;
    const event = (duration: number, end: boolean) => ({
      payloadType: 110,
      sequenceNumber: 50_000,
      timestamp: start,
      ssrc: 0xb10b,
      marker: !end && duration === 960,
      payload: encodeTelephoneEvent({ event: 5, end, volume: 10, duration }),
    });
    transcoder.fromBrowser(event(960, false));
    transcoder.fromBrowser(event(5760, true));
    const audio = toLeg.filter((p) => p.payloadType === 0);
    const events = toLeg.filter((p) => p.payloadType === 101);
    // Five 10 ms packets: two full frames and a half frame completed with silence, before the event.
    expect(audio).toHaveLength(3);
    expect(toLeg.indexOf(events[0]!)).toBe(3);
    expect(events.map((e) => e.timestamp)).toEqual([
      (audio[2]!.timestamp + 80) >>> 0,
      (audio[2]!.timestamp + 80) >>> 0,
    ]);
    expect(events.map((e) => decodeTelephoneEvent(e.payload))).toEqual([
      { ok: true, value: { event: 5, end: false, volume: 10, duration: 160 } },
      { ok: true, value: { event: 5, end: true, volume: 10, duration: 960 } },
    ]);
    expect(events[0]!.marker).toBe(true);
  });

  it('counts malformed Opus packets and passes other payload types through untouched', () => {
    const { transcoder, toLeg } = rig();
    transcoder.fromBrowser({
      payloadType: 111,
      sequenceNumber: 1,
      timestamp: 0,
      ssrc: 1,
      payload: new Uint8Array(0),
    });
    transcoder.fromBrowser({
      payloadType: 111,
      sequenceNumber: 2,
      timestamp: 960,
      ssrc: 1,
      payload: Uint8Array.of(0x0b, 0),
    });
    transcoder.fromBrowser({
      payloadType: 13,
      sequenceNumber: 3,
      timestamp: 0,
      ssrc: 1,
      payload: Uint8Array.of(40),
    });
    expect(transcoder.stats().malformed).toBe(2);
    expect(toLeg.map((p) => p.payloadType)).toEqual([13]);
  });
});

describe('OpusTranscoder, leg to browser', () => {
  /** The leg's RtpSender output: PCMU of a 1 kHz tone, `ms` per packet. */
  function legPackets(ms: number, count: number): Uint8Array[] {
    const tone = new ToneGenerator({ name: '1 kHz', components: [{ hz: 1000, levelDbm0: -6 }], cadence: [] });
    const n = ms * 8;
    return Array.from({ length: count }, (_, k) => {
      const linear = new Int16Array(n);
      tone.fill(linear);
      const payload = new Uint8Array(n);
      encodeG711('pcmu', linear, payload);
      return encodeRtpPacket({
        payloadType: 0,
        sequenceNumber: (65_530 + k) & 0xffff,
        timestamp: (0xffffff00 + k * n) >>> 0,
        ssrc: 0x5e4d,
        marker: k === 0,
        payload,
      });
    });
  }

  it('encodes 30 ms PCMU packets as 20 ms Opus frames stamped at 48 kHz, across the wrap', () => {
    const { transcoder, toBrowser } = rig();
    for (const p of legPackets(30, 40)) transcoder.audioFromLeg(p);
    expect(toBrowser).toHaveLength(60);
    expect(toBrowser.every((p) => p.payloadType === 111)).toBe(true);
    expect(new Set(steps(toBrowser.map((p) => p.timestamp)))).toEqual(new Set([960]));
    expect(new Set(steps(toBrowser.map((p) => p.sequenceNumber)).map((d) => d & 0xffff))).toEqual(
      new Set([1]),
    );
    expect(toBrowser[0]).toMatchObject({
      marker: true,
      timestamp: Math.imul(0xffffff00, 6) >>> 0,
      sequenceNumber: 65_530,
    });
    // What a browser decodes at 48 kHz is still the tone.
    const browser = new OpusCodec({ sampleRate: 48000 });
    open.push(browser);
    const heard = toBrowser.map((p) => browser.decode(p.payload)!.slice());
    expect(heard.every((h) => h.length === 960)).toBe(true);
    const tail = new Int16Array(960 * 30);
    heard.slice(30).forEach((h, i) => tail.set(h, i * 960));
    expect(toneShare(tail, 1000, 48000)).toBeGreaterThan(0.9);
  });

  it('sends the leg’s telephone-event/8000 as /48000 with timestamps and durations × 6', () => {
    const { transcoder, toBrowser } = rig();
    const packet = encodeRtpPacket({
      payloadType: 101,
      sequenceNumber: 7,
      timestamp: 8000,
      ssrc: 0x5e4d,
      marker: true,
      payload: encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 }),
    });
    transcoder.eventFromLeg(packet);
    expect(toBrowser).toHaveLength(1);
    expect(toBrowser[0]).toMatchObject({ payloadType: 110, timestamp: 48_000, marker: true });
    expect(decodeTelephoneEvent(toBrowser[0]!.payload)).toEqual({
      ok: true,
      value: { event: 11, end: true, volume: 10, duration: 4800 },
    });
  });

  it('drops events when the browser negotiated none at 48 kHz, and everything once closed', () => {
    const toBrowser: RtpPacketFields[] = [];
    const transcoder = new OpusTranscoder(
      { opus: 111, pcmu: 0 },
      () => undefined,
      (p) => toBrowser.push(p),
    );
    const event = encodeRtpPacket({
      payloadType: 101,
      sequenceNumber: 1,
      timestamp: 0,
      ssrc: 1,
      payload: new Uint8Array(4),
    });
    transcoder.eventFromLeg(event);
    transcoder.close();
    transcoder.audioFromLeg(legPackets(20, 1)[0]!);
    transcoder.close();
    expect(toBrowser).toEqual([]);
  });
});
