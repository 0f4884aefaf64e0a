import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRtcpCompound, encodeRtcpCompound } from './rtcp-compound';
import { ntpMiddle32, ntpTimestamp, roundTripTimeMs, type RtcpPacket } from './rtcp-packet';
import { decodeUtf8, encodeUtf8 } from './utf8';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('RTCP compound packets (RFC 3550 §6)', () => {
  it('decodes an SR with one report block followed by SDES CNAME', () => {
    const r = decodeRtcpCompound(fixture('sr-sdes.rtcp'));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value).toEqual([
      {
        type: 'sr',
        ssrc: 0x11223344,
        ntpSeconds: 0xe1234567,
        ntpFraction: 0x80000000,
        rtpTimestamp: 8000,
        packetCount: 100,
        octetCount: 16000,
        reports: [
          {
            ssrc: 0xdeadbeef,
            fractionLost: 10,
            cumulativeLost: 4,
            highestSequence: 0x1044c,
            jitter: 80,
            lastSenderReport: 0x45678000,
            delaySinceLastSenderReport: 0x8000,
          },
        ],
      },
      { type: 'sdes', chunks: [{ ssrc: 0x11223344, items: [{ type: 1, value: 'sw@example.org' }] }] },
    ]);
  });

  it('decodes an empty RR followed by BYE with a reason', () => {
    const r = decodeRtcpCompound(fixture('rr-bye.rtcp'));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value).toEqual([
      { type: 'rr', ssrc: 0x55667788, reports: [] },
      { type: 'bye', sources: [0x55667788], reason: 'call ended' },
    ]);
  });

  it('keeps packet types it does not model', () => {
    const r = decodeRtcpCompound(fixture('rr-app.rtcp'));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value[1]).toMatchObject({ type: 'unknown', packetType: 204, count: 1 });
  });

  it('encodes back to the fixture bytes', () => {
    for (const name of ['sr-sdes.rtcp', 'rr-bye.rtcp', 'rr-app.rtcp']) {
      const bytes = fixture(name);
      const r = decodeRtcpCompound(bytes);
      if (!r.ok) throw new Error(r.error.code);
      expect(encodeRtcpCompound(r.value)).toEqual(bytes);
    }
  });

  it.each([
    ['sr-sdes.truncated.rtcp', 'MEDIA.RTCP_BAD_LENGTH'],
    ['sr-sdes.bad-version.rtcp', 'MEDIA.RTCP_BAD_VERSION'],
    ['sr-sdes.bad-length.rtcp', 'MEDIA.RTCP_BAD_LENGTH'],
    ['sdes-first.rtcp', 'MEDIA.RTCP_BAD_FIRST_PACKET'],
    ['rr-bye.padding-not-last.rtcp', 'MEDIA.RTCP_BAD_PADDING'],
    ['rr-sdes.item-overrun.rtcp', 'MEDIA.RTCP_MALFORMED'],
  ])('rejects the malformed twin %s with %s', (name, code) => {
    const r = decodeRtcpCompound(fixture(name));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('accepts a compound starting with SDES in reduced-size mode (RFC 5506)', () => {
    expect(decodeRtcpCompound(fixture('sdes-first.rtcp'), { reducedSize: true }).ok).toBe(true);
  });

  it('rejects a short datagram and a report whose count overruns it', () => {
    expect(decodeRtcpCompound(new Uint8Array([0x80, 0xc9]))).toMatchObject({
      error: { code: 'MEDIA.RTCP_TRUNCATED' },
    });
    const rr = Uint8Array.from([0x81, 0xc9, 0x00, 0x01, 0, 0, 0, 1]);
    expect(decodeRtcpCompound(rr)).toMatchObject({ error: { code: 'MEDIA.RTCP_MALFORMED' } });
  });

  it('accepts padding on the last packet and strips it', () => {
    const bytes = Uint8Array.from([0xa0, 0xc9, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 4]);
    expect(decodeRtcpCompound(bytes)).toEqual({ ok: true, value: [{ type: 'rr', ssrc: 9, reports: [] }] });
  });

  it('round-trips negative cumulative loss, UTF-8 text and several chunks', () => {
    const packets: RtcpPacket[] = [
      {
        type: 'rr',
        ssrc: 1,
        reports: [
          {
            ssrc: 2,
            fractionLost: 0,
            cumulativeLost: -3,
            highestSequence: 70000,
            jitter: 12,
            lastSenderReport: 0,
            delaySinceLastSenderReport: 0,
          },
        ],
      },
      {
        type: 'sdes',
        chunks: [
          {
            ssrc: 1,
            items: [
              { type: 1, value: '坐席-01@呼叫中心' },
              { type: 6, value: 'switchboard' },
            ],
          },
          { ssrc: 3, items: [] },
        ],
      },
      { type: 'bye', sources: [1, 3] },
    ];
    const r = decodeRtcpCompound(encodeRtcpCompound(packets));
    expect(r).toEqual({ ok: true, value: packets });
  });

  it('clips SDES text to 255 bytes on a character boundary', () => {
    const long = '中'.repeat(100);
    const bytes = encodeRtcpCompound([
      { type: 'rr', ssrc: 1, reports: [] },
      { type: 'bye', sources: [1], reason: long },
    ]);
    const r = decodeRtcpCompound(bytes);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value[1]).toEqual({ type: 'bye', sources: [1], reason: '中'.repeat(85) });
  });

  it('refuses to encode more than 31 report blocks', () => {
    const block = {
      ssrc: 1,
      fractionLost: 0,
      cumulativeLost: 0,
      highestSequence: 0,
      jitter: 0,
      lastSenderReport: 0,
      delaySinceLastSenderReport: 0,
    };
    expect(() => encodeRtcpCompound([{ type: 'rr', ssrc: 1, reports: new Array(32).fill(block) }])).toThrow(
      RangeError,
    );
  });

  it('never throws on random bytes, plausible headers included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void decodeRtcpCompound(b)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 200 }),
        fc.integer({ min: 200, max: 206 }),
        (b, type) => {
          b[0] = 0x80 | (b[0]! & 0x3f);
          b[1] = type;
          b[2] = 0;
          b[3] = Math.min(255, (b.length >> 2) - 1);
          void decodeRtcpCompound(b, { reducedSize: true });
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('NTP time and round-trip time (RFC 3550 §4, §6.4.1)', () => {
  it('converts Unix milliseconds to NTP halves', () => {
    expect(ntpTimestamp(0)).toEqual({ seconds: 2_208_988_800, fraction: 0 });
    expect(ntpTimestamp(1500)).toEqual({ seconds: 2_208_988_801, fraction: 0x80000000 });
    expect(ntpMiddle32(0x12345678, 0x9abcdef0)).toBe(0x56789abc);
  });

  it('computes RTT as A − LSR − DLSR', () => {
    const block = {
      ssrc: 1,
      fractionLost: 0,
      cumulativeLost: 0,
      highestSequence: 0,
      jitter: 0,
      lastSenderReport: 0x10000,
      delaySinceLastSenderReport: 0x8000,
    };
    // Arrival 1.75 s after the SR's middle bits, receiver held it 0.5 s: RTT 1.25 s.
    expect(roundTripTimeMs(0x10000 + 0x1c000, block)).toBe(1250);
    expect(roundTripTimeMs(0x10000, block)).toBeUndefined();
    expect(roundTripTimeMs(5, { ...block, lastSenderReport: 0 })).toBeUndefined();
  });
});

describe('UTF-8', () => {
  it('round-trips text and replaces invalid sequences', () => {
    for (const s of ['ascii', 'é', '中文', '😀']) expect(decodeUtf8(encodeUtf8(s))).toBe(s);
    expect(decodeUtf8(Uint8Array.from([0xc0, 0x80, 0x41, 0xe4, 0xb8]))).toBe('\ufffd\ufffdA\ufffd\ufffd');
  });
});
