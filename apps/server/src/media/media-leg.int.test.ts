import {
  encodeRtcpCompound,
  encodeRtpPacket,
  telephoneEventPackets,
  ULAW_SILENCE,
  type TelephoneEventName,
} from '@switchboard/media';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchUdpSocket } from './batch-udp-socket';
import type { MediaLeg } from './media-leg';
import type { MediaLegEvents } from './media-leg-types';
import { MediaTestHarness, PCMU, rtpOf } from './media-test-harness';
import { eventually, RtpTestPeer } from './rtp-test-peer';

const frame = new Uint8Array(160).fill(ULAW_SILENCE);
let h: MediaTestHarness;
const peers: RtpTestPeer[] = [];
async function peer(): Promise<RtpTestPeer> {
  const p = await RtpTestPeer.open();
  peers.push(p);
  return p;
}
afterEach(() => {
  h?.close();
  for (const p of peers.splice(0)) p.close();
});

function sendStream(
  p: RtpTestPeer,
  to: { address: string; port: number },
  ssrc: number,
  seq0: number,
  n: number,
) {
  for (let i = 0; i < n; i++)
    p.sendRtp(
      { payloadType: 0, sequenceNumber: seq0 + i, timestamp: 1000 + 160 * (seq0 + i), ssrc, payload: frame },
      to,
    );
}

/** Every `event` the leg emits from now on, in order. */
function collect<K extends keyof MediaLegEvents & string>(leg: MediaLeg, event: K): MediaLegEvents[K][] {
  const seen: MediaLegEvents[K][] = [];
  leg.on(event, (payload) => seen.push(payload));
  return seen;
}

describe('MediaLeg', () => {
  it('latches to the source of the first valid packets when the caller is behind NAT', async () => {
    h = new MediaTestHarness();
    // The SDP names a private address that nothing listens on; media comes from the peer.
    const leg = await h.leg(PCMU, { address: '127.0.0.1', port: 9 });
    const caller = await peer();
    const latched = collect(leg, 'latched');
    sendStream(caller, rtpOf(leg), 0x1111, 10, 3);
    await eventually(() => latched.length === 1, 3000, 'latched');
    expect(latched[0]).toEqual({ remote: caller.address, previous: { address: '127.0.0.1', port: 9 } });
    leg.sendFrame(frame);
    await caller.waitForRtp(1);
    expect(caller.rtp[0]).toMatchObject({ payloadType: 0, ssrc: leg.sender.ssrc });

    // Once latched, another source is dropped, whatever it sends. The socket stays unconnected
    // (the caller is not at the signalled address), so the leg sees and counts the strays.
    const intruder = await peer();
    const before = leg.stats().counters;
    sendStream(intruder, rtpOf(leg), 0x2222, 500, 5);
    sendStream(caller, rtpOf(leg), 0x1111, 13, 1);
    await eventually(() => leg.stats().counters.accepted === before.accepted + 1, 3000, 'caller packet');
    const after = leg.stats().counters;
    expect(after.stray - before.stray).toBe(5);
    expect(leg.remote).toEqual(caller.address);

    // A re-INVITE with a new address reopens learning.
    leg.setRemote({ address: '127.0.0.1', port: 11 });
    sendStream(intruder, rtpOf(leg), 0x2222, 505, 2);
    await eventually(() => latched.length === 2, 3000, 'relatched');
    expect(leg.remote).toEqual(intruder.address);
  });

  it('takes the stream back for the signalled peer when a stray stream latched first', async () => {
    h = new MediaTestHarness();
    const agent = await peer();
    const leg = await h.leg(PCMU, agent.address);
    const latched = collect(leg, 'latched');
    // Packets for the port's previous holder, still arriving in sequence.
    const stray = await peer();
    sendStream(stray, rtpOf(leg), 0x2222, 500, 3);
    await eventually(() => latched.length === 1, 3000, 'latched to the stray stream');
    expect(leg.remote).toEqual(stray.address);

    sendStream(agent, rtpOf(leg), 0x1111, 10, 2);
    await eventually(() => latched.length === 2, 3000, 'taken back');
    expect(latched[1]).toEqual({ remote: agent.address, previous: stray.address });
    leg.sendFrame(frame);
    await agent.waitForRtp(1);
    expect(agent.rtp[0]).toMatchObject({ ssrc: leg.sender.ssrc });

    // Back on the signalled address the socket connects: the kernel discards the stray stream.
    const before = leg.stats().counters;
    sendStream(stray, rtpOf(leg), 0x2222, 503, 5);
    sendStream(agent, rtpOf(leg), 0x1111, 12, 1);
    await eventually(() => leg.stats().counters.accepted === before.accepted + 1, 3000, 'agent packet');
    const after = leg.stats().counters;
    expect(after.received + after.stray - before.received - before.stray).toBe(1);
    expect(leg.remote).toEqual(agent.address);
  });

  it('keeps the socket unconnected and counts strays when relatching after silence is allowed', async () => {
    h = new MediaTestHarness();
    const caller = await peer();
    const leg = await h.leg(PCMU, caller.address, { latch: { relatchAfterSilenceMs: 5000 } });
    sendStream(caller, rtpOf(leg), 0x1111, 10, 3);
    await eventually(() => leg.stats().counters.accepted >= 2, 3000, 'caller packets');
    const intruder = await peer();
    sendStream(intruder, rtpOf(leg), 0x2222, 500, 5);
    await eventually(() => leg.stats().counters.stray === 5, 3000, 'stray packets');
    expect(leg.remote).toEqual(caller.address);
  });

  it('follows an SSRC change and reports it', async () => {
    h = new MediaTestHarness();
    const caller = await peer();
    const leg = await h.leg(PCMU, caller.address);
    const changes = collect(leg, 'ssrc-changed');
    sendStream(caller, rtpOf(leg), 0xaaaa, 1, 5);
    await eventually(() => changes.length === 1);
    sendStream(caller, rtpOf(leg), 0xbbbb, 9000, 5);
    await eventually(() => changes.length === 2, 3000, 'second SSRC');
    expect(changes).toEqual([
      { ssrc: 0xaaaa, previous: undefined },
      { ssrc: 0xbbbb, previous: 0xaaaa },
    ]);
    expect(leg.stats().receive).toMatchObject({ ssrc: 0xbbbb, ssrcChanges: 1 });
  });

  it('counts and ignores garbage, truncated, unknown-type and RTCP-on-RTP packets, then works on', async () => {
    h = new MediaTestHarness();
    const caller = await peer();
    const leg = await h.leg(PCMU, caller.address);
    const to = rtpOf(leg);
    caller.sendRaw(new Uint8Array([1, 2, 3]), to);
    caller.sendRaw(new Uint8Array(40).fill(0x3f), to);
    caller.sendRaw(new Uint8Array([0x80, 0x00, 0x00]), to);
    caller.sendRtp({ payloadType: 18, sequenceNumber: 1, timestamp: 0, ssrc: 5, payload: frame }, to);
    const block = {
      ssrc: 1,
      fractionLost: 0,
      cumulativeLost: 0,
      highestSequence: 0,
      jitter: 0,
      lastSenderReport: 0,
      delaySinceLastSenderReport: 0,
    };
    caller.sendRaw(encodeRtcpCompound([{ type: 'rr', ssrc: 5, reports: [block] }]), to);
    for (let i = 0; i < 50; i++)
      caller.sendRaw(
        Uint8Array.from({ length: i * 7 }, (_, k) => (k * 131 + i) & 0xff),
        to,
      );
    // Garbage on the RTCP port too.
    caller.sendRaw(new Uint8Array([0x81, 0xc9, 0xff, 0xff]), {
      address: to.address,
      port: leg.local.rtcpPort,
    });
    sendStream(caller, to, 0x77, 1, 4);
    await eventually(() => leg.stats().counters.accepted === 3, 3000, 'valid packets after garbage');
    const c = leg.stats().counters;
    expect(
      c.truncated + c.badVersion + c.unknownPayloadType + c.rtcpOnRtpPort + c.badPadding,
    ).toBeGreaterThanOrEqual(54);
    expect(c.unknownPayloadType).toBeGreaterThanOrEqual(1);
    expect(c.rtcpOnRtpPort).toBe(1);
    await eventually(() => leg.stats().counters.rtcpMalformed === 1, 3000, 'RTCP garbage counted');
  });

  it('turns RFC 4733 telephone-events into one digit event each, redundant end packets included', async () => {
    h = new MediaTestHarness();
    const caller = await peer();
    const leg = await h.leg(PCMU, caller.address);
    const digits = collect(leg, 'dtmf');
    let seq = 100;
    sendStream(caller, rtpOf(leg), 0x99, seq, 2);
    seq += 2;
    for (const [i, digit] of (['5', '#'] as TelephoneEventName[]).entries()) {
      for (const p of telephoneEventPackets({
        event: digit,
        durationMs: 120,
        timestamp: 8000 * (i + 1),
        sequenceNumber: 0,
      }))
        caller.sendRtp(
          {
            payloadType: 101,
            marker: p.marker,
            sequenceNumber: seq++,
            timestamp: p.timestamp,
            ssrc: 0x99,
            payload: p.payload,
          },
          rtpOf(leg),
        );
    }
    await eventually(() => digits.length === 2, 3000, 'two digits');
    expect(digits).toEqual([
      { digit: '5', durationMs: 120, source: 'rfc4733' },
      { digit: '#', durationMs: 120, source: 'rfc4733' },
    ]);
    expect(leg.stats().dtmf.duplicates).toBe(4);
  });

  it('reports no RTP after the watchdog period and its return', async () => {
    h = new MediaTestHarness();
    const caller = await peer();
    const leg = await h.leg(PCMU, caller.address, { noRtpTimeoutMs: 3000 });
    const events: string[] = [];
    leg.on('rtp-timeout', (e) => events.push(`timeout ${e.silentMs}`));
    leg.on('rtp-resumed', () => events.push('resumed'));
    h.advance(2000);
    expect(events).toEqual([]);
    h.advance(1000);
    expect(events).toEqual(['timeout 3000']);
    h.advance(5000);
    expect(events).toHaveLength(1);
    sendStream(caller, rtpOf(leg), 0x42, 1, 3);
    await eventually(() => events.length === 2, 3000, 'resumed');
    expect(events[1]).toBe('resumed');
  });

  it('sends RTCP RR, then SR once it sends media, and reads the remote report about our stream', async () => {
    h = new MediaTestHarness();
    const caller = await peer();
    const callerRtcp = await peer();
    const leg = await h.leg(PCMU, { ...caller.address, rtcpPort: callerRtcp.address.port });
    sendStream(caller, rtpOf(leg), 0x55, 1, 5);
    await eventually(() => leg.stats().counters.accepted === 4);
    h.clock.advance(4000);
    await callerRtcp.waitFor((p) => p.received.length >= 1, 3000, 'first RTCP');
    expect(callerRtcp.received[0]!.bytes[1]).toBe(201);
    for (let i = 0; i < 3; i++) leg.sendFrame(frame);
    h.clock.advance(8000);
    await callerRtcp.waitFor((p) => p.received.some((d) => d.bytes[1] === 200), 3000, 'an SR');
    const reports = collect(leg, 'rtcp-report');
    const block = {
      ssrc: leg.sender.ssrc,
      fractionLost: 64,
      cumulativeLost: 3,
      highestSequence: 3,
      jitter: 80,
      lastSenderReport: 0,
      delaySinceLastSenderReport: 0,
    };
    callerRtcp.sendRaw(encodeRtcpCompound([{ type: 'rr', ssrc: 0x55, reports: [block] }]), {
      address: '127.0.0.1',
      port: leg.local.rtcpPort,
    });
    await eventually(() => reports.length === 1, 3000, 'remote report');
    expect(reports[0]).toMatchObject({ kind: 'rr', fractionLost: 0.25, cumulativeLost: 3, jitterMs: 10 });
    expect(reports[0]!.roundTripMs).toBeUndefined();

    // A report answering our SR (its NTP middle 32 bits as LSR, held 125 ms): a round trip; the
    // next report, without LSR, carries none, and the leg's figures keep the one measured.
    const sr = callerRtcp.received.find((d) => d.bytes[1] === 200)!.bytes;
    const lsr = ((sr[10]! << 24) | (sr[11]! << 16) | (sr[12]! << 8) | sr[13]!) >>> 0;
    const sendRr = (lastSenderReport: number, delaySinceLastSenderReport: number) =>
      callerRtcp.sendRaw(
        encodeRtcpCompound([
          { type: 'rr', ssrc: 0x55, reports: [{ ...block, lastSenderReport, delaySinceLastSenderReport }] },
        ]),
        { address: '127.0.0.1', port: leg.local.rtcpPort },
      );
    h.clock.advance(200);
    sendRr(lsr, 0x2000);
    await eventually(() => reports.length === 2, 3000, 'a report answering our SR');
    const roundTripMs = reports[1]!.roundTripMs;
    expect(roundTripMs).toBeGreaterThanOrEqual(0);
    sendRr(0, 0);
    await eventually(() => reports.length === 3, 3000, 'a report without LSR');
    expect(reports[2]!.roundTripMs).toBeUndefined();
    expect(leg.stats()).toMatchObject({ lastRemoteReport: reports[2], roundTripMs });
  });

  it('figures interarrival jitter from arrival times, however late a batch of packets is read', async () => {
    h = new MediaTestHarness();
    const opened = BatchUdpSocket.open('127.0.0.1', 0);
    if (!opened.ok) throw new Error(opened.error);
    const caller = opened.value;
    try {
      const leg = await h.leg(PCMU, { address: '127.0.0.1', port: caller.localPort });
      // Six packets 20 ms apart in real time, the thread held all along (a busy loop, not a timer):
      // all are read in one batch at one clock reading. Read times alone would give each a transit
      // 20 ms shorter than the one before, a §A.8 jitter of several ms; arrival times give about 0.
      for (let i = 0; i < 6; i++) {
        const start = performance.now();
        caller.send(
          encodeRtpPacket({
            payloadType: 0,
            sequenceNumber: i,
            timestamp: 160 * i,
            ssrc: 0x77,
            payload: frame,
          }),
          leg.local.rtpPort,
          '127.0.0.1',
        );
        while (performance.now() - start < 20);
      }
      await eventually(() => leg.stats().counters.accepted >= 4, 3000, 'the batch');
      expect(leg.stats().receive.jitterMs).toBeLessThan(1);
    } finally {
      caller.close();
    }
  });
});
