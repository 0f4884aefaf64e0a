import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRtpPacket, readRtpPacket } from './rtp-packet';
import { RtpLegReceiver } from './rtp-leg-receiver';

const packet = (payloadType: number, seq: number, ssrc = 42, payload = new Uint8Array(160)) =>
  encodeRtpPacket({ payloadType, sequenceNumber: seq, timestamp: seq * 160, ssrc, payload });

describe('RtpLegReceiver', () => {
  const payloadTypes = { 0: 'pcmu', 101: 'telephone-event', 13: 'comfort-noise' } as const;

  it('routes negotiated payload types and counts everything it drops', () => {
    const rx = new RtpLegReceiver({ payloadTypes });
    const verdicts = [
      rx.receive(packet(0, 1), 0),
      rx.receive(packet(0, 2), 20),
      rx.receive(packet(101, 3, 42, Uint8Array.of(1, 0, 0, 160)), 40),
      rx.receive(packet(13, 4, 42, Uint8Array.of(40)), 60),
      rx.receive(packet(18, 5), 80),
      rx.receive(packet(0, 6).subarray(0, 7), 100),
      rx.receive(Uint8Array.of(0x40, ...new Uint8Array(20)), 120),
      rx.receive(Uint8Array.of(0x80, 200, 0, 6, ...new Uint8Array(24)), 140),
      rx.receive(packet(0, 900, 7), 160),
      rx.receive(packet(0, 20000), 180),
    ];
    expect(verdicts).toEqual([
      'dropped',
      'pcmu',
      'telephone-event',
      'comfort-noise',
      'dropped',
      'dropped',
      'dropped',
      'dropped',
      'dropped',
      'dropped',
    ]);
    expect(rx.counters).toEqual({
      received: 10,
      accepted: 3,
      truncated: 1,
      badVersion: 1,
      badPadding: 0,
      rtcpOnRtpPort: 1,
      unknownPayloadType: 1,
      foreignSsrc: 1,
      probation: 1,
      badSequence: 1,
    });
    expect(rx.packet.sequenceNumber).toBe(20000);
  });

  it('accounts for every datagram, whatever the bytes', () => {
    const rx = new RtpLegReceiver({ payloadTypes, minSequential: 1 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        rx.receive(b, 0);
      }),
      { numRuns: 1000 },
    );
    const c = rx.counters;
    const dropped =
      c.truncated +
      c.badVersion +
      c.badPadding +
      c.rtcpOnRtpPort +
      c.unknownPayloadType +
      c.foreignSsrc +
      c.probation +
      c.badSequence;
    expect(c.accepted + dropped).toBe(c.received);
  });

  it('classifies a packet the caller read into its view exactly as receive() does', () => {
    const stream = [
      packet(0, 1),
      packet(0, 2),
      packet(101, 3, 42, Uint8Array.of(1, 0, 0, 160)),
      packet(18, 4),
      packet(0, 900, 7),
      packet(0, 20000),
      packet(0, 5),
    ];
    const whole = new RtpLegReceiver({ payloadTypes });
    const split = new RtpLegReceiver({ payloadTypes });
    const verdicts = stream.map((bytes, i) => {
      expect(readRtpPacket(bytes, split.packet)).toBe('ok');
      return [whole.receive(bytes, i * 20), split.receiveRead(i * 20)];
    });
    for (const [a, b] of verdicts) expect(b).toBe(a);
    expect(split.counters).toEqual(whole.counters);
    expect(split.statistics.snapshot()).toEqual(whole.statistics.snapshot());
  });
});
