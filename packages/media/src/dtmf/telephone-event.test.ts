import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeTelephoneEvent,
  encodeTelephoneEvent,
  telephoneEventCode,
  telephoneEventName,
} from './telephone-event';
import { TelephoneEventReceiver, type DtmfNotice } from './telephone-event-receiver';
import { telephoneEventPackets } from './telephone-event-sender';

const ev = (event: number, end: boolean, duration: number, volume = 10) =>
  encodeTelephoneEvent({ event, end, volume, duration });
const brief = (ns: DtmfNotice[]) => ns.map((n) => `${n.type}:${n.event}@${n.timestamp}/${n.duration}`);

describe('RFC 4733 telephone-event payload (§2.3)', () => {
  it('maps event codes 0–16 to digits and flash', () => {
    expect(['0', '9', '*', '#', 'A', 'D', 'flash'].map((n) => telephoneEventCode(n as never))).toEqual([
      0, 9, 10, 11, 12, 15, 16,
    ]);
    expect(telephoneEventName(11)).toBe('#');
    expect(telephoneEventName(17)).toBeUndefined();
  });

  it('encodes and decodes event, end bit, volume and duration', () => {
    const bytes = ev(11, true, 0x08c0, 10);
    expect([...bytes]).toEqual([0x0b, 0x8a, 0x08, 0xc0]);
    expect(decodeTelephoneEvent(bytes)).toEqual({
      ok: true,
      value: { event: 11, end: true, volume: 10, duration: 2240 },
    });
    expect(decodeTelephoneEvent(Uint8Array.of(1, 2, 3))).toMatchObject({
      ok: false,
      error: { code: 'MEDIA.DTMF_TRUNCATED' },
    });
  });
});

describe('TelephoneEventReceiver (RFC 4733 §2.5.2)', () => {
  it('reports start on the first packet and end once despite three end packets', () => {
    const rx = new TelephoneEventReceiver();
    const out = [
      ...rx.receive(1000, true, ev(5, false, 160), 0),
      ...rx.receive(1000, false, ev(5, false, 320), 20),
      ...rx.receive(1000, false, ev(5, true, 800), 100),
      ...rx.receive(1000, false, ev(5, true, 800), 120),
      ...rx.receive(1000, false, ev(5, true, 800), 140),
    ];
    expect(brief(out)).toEqual(['started:5@1000/160', 'ended:5@1000/800']);
    expect(rx.counters).toMatchObject({ packets: 5, duplicates: 2, events: 1 });
  });

  it('reports an event whose start packets were lost from its end packet alone', () => {
    const rx = new TelephoneEventReceiver();
    expect(brief(rx.receive(2000, false, ev(10, true, 960), 0))).toEqual([
      'started:*@2000/960',
      'ended:*@2000/960',
    ]);
  });

  it('ends the previous event implicitly when a new one starts', () => {
    const rx = new TelephoneEventReceiver();
    rx.receive(0, true, ev(1, false, 160), 0);
    expect(brief(rx.receive(1600, true, ev(2, false, 160), 200))).toEqual([
      'ended:1@0/160',
      'started:2@1600/160',
    ]);
  });

  it('ignores stragglers of ended events and unknown events', () => {
    const rx = new TelephoneEventReceiver();
    rx.receive(0, true, ev(1, true, 800), 0);
    rx.receive(1600, true, ev(2, true, 800), 200);
    expect(rx.receive(0, false, ev(1, false, 320), 210)).toEqual([]);
    expect(rx.receive(800, false, ev(1, false, 320), 215)).toEqual([]);
    expect(rx.receive(9000, true, ev(40, false, 160), 220)).toEqual([]);
    expect(rx.receive(9000, true, Uint8Array.of(1), 220)).toEqual([]);
    expect(rx.counters).toMatchObject({ duplicates: 2, unsupported: 1, malformed: 1, events: 2 });
  });

  it('expires an event whose end packets never came', () => {
    const rx = new TelephoneEventReceiver({ timeoutMs: 300 });
    rx.receive(0, true, ev(7, false, 160), 0);
    rx.receive(0, false, ev(7, false, 320), 20);
    expect(rx.expire(200)).toEqual([]);
    expect(brief(rx.expire(320))).toEqual(['ended:7@0/320']);
    expect(rx.expire(1000)).toEqual([]);
    expect(rx.receive(0, false, ev(7, true, 480), 1000)).toEqual([]);
  });

  it('joins the segments of a long event (§2.5.1)', () => {
    const rx = new TelephoneEventReceiver();
    rx.receive(100, true, ev(16, false, 160), 0);
    rx.receive(100, false, ev(16, false, 0xffff), 8000);
    expect(rx.receive(100 + 0xffff, false, ev(16, false, 800), 8100)).toEqual([]);
    expect(brief(rx.receive(100 + 0xffff, false, ev(16, true, 1600), 8200))).toEqual([
      `ended:flash@${100 + 0xffff}/${0xffff + 1600}`,
    ]);
  });

  it('receives what the sender produces, one digit per event', () => {
    const rx = new TelephoneEventReceiver();
    const notices: DtmfNotice[] = [];
    let seq = 65530;
    let ts = 0xffffff00;
    for (const digit of ['1', '#', '1'] as const) {
      const packets = telephoneEventPackets({
        event: digit,
        durationMs: 100,
        timestamp: ts,
        sequenceNumber: seq,
      });
      for (const p of packets) notices.push(...rx.receive(p.timestamp, p.marker, p.payload, p.sendAtMs));
      seq += packets.length;
      ts = (ts + 1600) >>> 0;
    }
    expect(notices.filter((n) => n.type === 'ended').map((n) => n.event)).toEqual(['1', '#', '1']);
    expect(notices.filter((n) => n.type === 'ended').every((n) => n.duration === 800)).toBe(true);
  });
});

describe('telephoneEventPackets (RFC 4733 §2.5.1)', () => {
  it('sends marker first, growing durations, then the end three times with new sequence numbers', () => {
    const packets = telephoneEventPackets({
      event: '5',
      durationMs: 100,
      timestamp: 4000,
      sequenceNumber: 65534,
    });
    expect(packets.map((p) => [p.sendAtMs, p.marker, p.sequenceNumber, p.timestamp])).toEqual([
      [20, true, 65534, 4000],
      [40, false, 65535, 4000],
      [60, false, 0, 4000],
      [80, false, 1, 4000],
      [100, false, 2, 4000],
      [120, false, 3, 4000],
      [140, false, 4, 4000],
    ]);
    const decoded = packets.map((p) => decodeTelephoneEvent(p.payload));
    expect(decoded.map((d) => d.ok && [d.value.event, d.value.end, d.value.duration])).toEqual([
      [5, false, 160],
      [5, false, 320],
      [5, false, 480],
      [5, false, 640],
      [5, true, 800],
      [5, true, 800],
      [5, true, 800],
    ]);
  });
});

// sipp ships RFC 2833 captures of single digits; read their RTP straight out of the pcap. The test
// command installs sip-tester, so a missing folder is a broken setup and fails, never skips.
const SIPP_PCAPS = '/usr/share/sip-tester';
describe('sipp dtmf_2833 captures', () => {
  it('finds the captures that sip-tester ships', () => {
    expect(existsSync(SIPP_PCAPS), 'install the Debian package sip-tester').toBe(true);
  });

  function rtpPayloads(file: string): { timestamp: number; marker: boolean; payload: Uint8Array }[] {
    const b = new Uint8Array(readFileSync(file));
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out = [];
    for (let at = 24; at + 16 <= b.length;) {
      const captured = view.getUint32(at + 8, true);
      const frame = b.subarray(at + 16, at + 16 + captured);
      // Ethernet (14) + IPv4 (IHL) + UDP (8).
      const rtp = frame.subarray(14 + (frame[14]! & 0x0f) * 4 + 8);
      out.push({
        timestamp: new DataView(rtp.buffer, rtp.byteOffset).getUint32(4),
        marker: (rtp[1]! & 0x80) !== 0,
        payload: rtp.subarray(12),
      });
      at += 16 + captured;
    }
    return out;
  }

  it.each(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'pound', 'star'])(
    'detects digit %s exactly once',
    (name) => {
      const rx = new TelephoneEventReceiver();
      const notices = rtpPayloads(`${SIPP_PCAPS}/dtmf_2833_${name}.pcap`).flatMap((p, i) =>
        rx.receive(p.timestamp, p.marker, p.payload, i * 40),
      );
      const expected = name === 'pound' ? '#' : name === 'star' ? '*' : name;
      expect(notices.filter((n) => n.type === 'ended').map((n) => n.event)).toEqual([expected]);
      expect(notices.find((n) => n.type === 'ended')!.duration).toBe(2240);
    },
  );
});
