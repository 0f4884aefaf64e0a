import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RtpPacketView,
  decodeRtpPacket,
  encodeRtpPacket,
  isRtcpPacket,
  readRtpPacket,
  rtpPacketSize,
  writeRtpPacket,
} from './rtp-packet';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('RTP packet (RFC 3550 §5.1)', () => {
  it('decodes a 20 ms PCMU packet with the marker set', () => {
    const r = decodeRtpPacket(fixture('pcmu-20ms.rtp'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      marker: true,
      payloadType: 0,
      sequenceNumber: 0x1234,
      timestamp: 960,
      ssrc: 0xdeadbeef,
      csrc: [],
      paddingLength: 0,
    });
    expect(r.value.payload.length).toBe(160);
    expect(r.value.extension).toBeUndefined();
  });

  it('decodes CSRCs, a header extension and padding', () => {
    const r = decodeRtpPacket(fixture('pcma-csrc-extension-padding.rtp'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.payloadType).toBe(8);
    expect(r.value.sequenceNumber).toBe(0xffff);
    expect(r.value.timestamp).toBe(0xfffffff0);
    expect(r.value.csrc).toEqual([0x11111111, 0x22222222]);
    expect(r.value.extension?.profile).toBe(0xbede);
    expect([...r.value.extension!.data]).toEqual([0x10, 0xaa, 0, 0]);
    expect([...r.value.payload]).toEqual([1, 2, 3, 4]);
    expect(r.value.paddingLength).toBe(4);
  });

  it('encodes back to the fixture bytes', () => {
    for (const name of ['pcmu-20ms.rtp', 'pcma-csrc-extension-padding.rtp']) {
      const bytes = fixture(name);
      const r = decodeRtpPacket(bytes);
      if (!r.ok) throw new Error(r.error.code);
      expect(encodeRtpPacket(r.value)).toEqual(bytes);
    }
  });

  it.each([
    ['pcmu-20ms.truncated.rtp', 'MEDIA.RTP_TRUNCATED'],
    ['pcmu-20ms.bad-version.rtp', 'MEDIA.RTP_BAD_VERSION'],
    ['pcma-csrc-extension-padding.bad-padding.rtp', 'MEDIA.RTP_BAD_PADDING'],
    ['pcma-csrc-extension-padding.extension-overrun.rtp', 'MEDIA.RTP_TRUNCATED'],
    ['csrc-overrun.rtp', 'MEDIA.RTP_TRUNCATED'],
  ])('rejects the malformed twin %s with %s', (name, code) => {
    const r = decodeRtpPacket(fixture(name));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('rejects a zero padding count and payload types that collide with RTCP', () => {
    const p = encodeRtpPacket({
      payloadType: 0,
      sequenceNumber: 1,
      timestamp: 0,
      ssrc: 1,
      payload: new Uint8Array(4),
      paddingLength: 2,
    });
    p[p.length - 1] = 0;
    expect(decodeRtpPacket(p)).toMatchObject({ ok: false, error: { code: 'MEDIA.RTP_BAD_PADDING' } });
    const sr = encodeRtpPacket({
      payloadType: 72,
      marker: true,
      sequenceNumber: 1,
      timestamp: 0,
      ssrc: 1,
      payload: new Uint8Array(0),
    });
    expect(decodeRtpPacket(sr)).toMatchObject({ ok: false, error: { code: 'MEDIA.RTP_LOOKS_LIKE_RTCP' } });
    expect(isRtcpPacket(sr)).toBe(true);
    expect(isRtcpPacket(fixture('pcmu-20ms.rtp'))).toBe(false);
    expect(isRtcpPacket(new Uint8Array(1))).toBe(false);
  });

  it('reads into a reused view and writes into a reused buffer', () => {
    const view = new RtpPacketView();
    const out = new Uint8Array(1500);
    const payload = new Uint8Array(160).fill(0x55);
    for (let seq = 65530; seq < 65542; seq++) {
      const n = writeRtpPacket(
        { payloadType: 8, sequenceNumber: seq, timestamp: seq * 160, ssrc: 7, payload },
        out,
      );
      expect(n).toBe(172);
      expect(readRtpPacket(out, view, n)).toBe('ok');
      expect(view.sequenceNumber).toBe(seq & 0xffff);
      expect(view.timestamp).toBe((seq * 160) >>> 0);
      expect(view.payloadOffset).toBe(12);
      expect(view.payloadLength).toBe(160);
    }
    expect(readRtpPacket(out, view, 2000)).toBe('MEDIA.RTP_TRUNCATED');
  });

  it('refuses to write what does not fit or cannot be expressed', () => {
    const base = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: new Uint8Array(160) };
    expect(writeRtpPacket(base, new Uint8Array(100))).toBe(-1);
    expect(writeRtpPacket({ ...base, csrc: new Array<number>(16).fill(1) }, new Uint8Array(400))).toBe(-1);
    expect(writeRtpPacket({ ...base, paddingLength: 256 }, new Uint8Array(600))).toBe(-1);
    const ext = { ...base, extension: { profile: 1, data: new Uint8Array(5) } };
    expect(rtpPacketSize(ext)).toBe(12 + 4 + 8 + 160);
  });

  it('never throws on random bytes, and round-trips what it accepts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeRtpPacket(bytes);
        if (r.ok) expect(encodeRtpPacket(r.value).length).toBe(bytes.length);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 300 }), (bytes) => {
        // Version 2 forced so the deeper branches (CSRC, extension, padding) get exercised.
        bytes[0] = 0x80 | (bytes[0]! & 0x3f);
        decodeRtpPacket(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});
