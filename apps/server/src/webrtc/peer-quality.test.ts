import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { RtcpReceiverInfo, RtcpRrPacket, RtcpSenderInfo, RtcpSrPacket, RtpHeader } from 'werift';
import { PeerQuality } from './peer-quality';

const BROWSER_SSRC = 0x1234;
const OUR_SSRC = 0xabcd;

/** `count` 20 ms PCMU packets from the browser, one per 20 ms (± `wobbleMs` every other one). */
function stream(
  quality: PeerQuality,
  clock: VirtualClock,
  count: number,
  options: { lost?: readonly number[]; wobbleMs?: number; keyPressEvery?: number } = {},
): void {
  for (let n = 0; n < count; n++) {
    clock.advance(20 + (n % 2 === 0 ? 1 : -1) * (options.wobbleMs ?? 0));
    if (options.lost?.includes(n)) continue;
    quality.received(header(n, n * 160), 8000, true);
    // A key press rides in the same sequence space with a frozen timestamp (RFC 4733 §2.5.1.2).
    const every = options.keyPressEvery;
    if (every !== undefined && n % every === 0) quality.received(header(n + 10_000, 0), 8000, false);
  }
}

function header(sequenceNumber: number, timestamp: number): RtpHeader {
  return new RtpHeader({
    ssrc: BROWSER_SSRC,
    sequenceNumber: sequenceNumber & 0xffff,
    timestamp,
    payloadType: 0,
  });
}

function reportBlock(ssrc: number, packetsLost: number, jitter: number): RtcpReceiverInfo {
  return new RtcpReceiverInfo({
    ssrc,
    fractionLost: 0,
    packetsLost,
    highestSequence: 0,
    jitter,
    lsr: 0,
    dlsr: 0,
  });
}

function senderReport(...reports: RtcpReceiverInfo[]): RtcpSrPacket {
  return new RtcpSrPacket({ ssrc: BROWSER_SSRC, senderInfo: new RtcpSenderInfo(), reports });
}

describe('PeerQuality', () => {
  it('has nothing to tell before the browser was heard', () => {
    const quality = new PeerQuality(new VirtualClock(0));
    quality.sent();
    quality.rtcp(senderReport(reportBlock(OUR_SSRC, 0, 0)), OUR_SSRC, 8000);
    expect(quality.quality()).toBeUndefined();
  });

  it('counts the browser packets that never arrived, and our own as its reports say', () => {
    const clock = new VirtualClock(0);
    const quality = new PeerQuality(clock);
    stream(quality, clock, 100, { lost: [10, 20, 30, 40, 50] });
    for (let n = 0; n < 200; n++) quality.sent();
    // A report about another stream of the browser's (or an old one) says nothing about ours.
    quality.rtcp(
      new RtcpRrPacket({ ssrc: BROWSER_SSRC, reports: [reportBlock(0x9999, 50, 800)] }),
      OUR_SSRC,
      8000,
    );
    expect(quality.quality()?.outbound).toBeNull();
    // 4 of our 200 lost; jitter 160 timestamp units of 8 kHz is 20 ms.
    quality.rtcp(senderReport(reportBlock(0x9999, 50, 800), reportBlock(OUR_SSRC, 4, 160)), OUR_SSRC, 8000);
    const q = quality.quality()!;
    // RFC 3550 §A.1: counting starts once the source has passed probation, at its second packet.
    expect(q.packetsReceived).toBe(94);
    expect(q.packetsLost).toBe(5);
    expect(q.inbound).toMatchObject({ lossPct: 5.05, jitterMs: 0 });
    expect(q.outbound).toMatchObject({ lossPct: 2, jitterMs: 20 });
    expect(q.inbound.mos).toBeLessThan(q.outbound!.mos);
    expect(q.roundTripMs).toBeNull();
  });

  it("reads a report's lost count as signed: duplicates make it negative, which is no loss", () => {
    const clock = new VirtualClock(0);
    const quality = new PeerQuality(clock);
    stream(quality, clock, 10);
    for (let n = 0; n < 10; n++) quality.sent();
    quality.rtcp(
      new RtcpRrPacket({ ssrc: BROWSER_SSRC, reports: [reportBlock(OUR_SSRC, 0xffffff, 0)] }),
      OUR_SSRC,
      8000,
    );
    expect(quality.quality()?.outbound).toMatchObject({ lossPct: 0, jitterMs: 0 });
  });

  it('measures jitter on audio only: key presses repeat their timestamp', () => {
    const measure = (keyPressEvery?: number) => {
      const clock = new VirtualClock(0);
      const quality = new PeerQuality(clock);
      stream(quality, clock, 200, { wobbleMs: 4, ...(keyPressEvery === undefined ? {} : { keyPressEvery }) });
      return quality.quality()!.inbound.jitterMs;
    };
    const audioOnly = measure();
    // RFC 3550 §A.8 converges on the mean |D|: packets 24 then 16 ms apart differ from 20 by 4 ms.
    expect(audioOnly).toBeGreaterThan(3.5);
    expect(audioOnly).toBeLessThanOrEqual(4);
    expect(measure(5)).toBe(audioOnly);
  });

  it("converts the browser's jitter at the clock rate of what we send it (Opus: 48 kHz)", () => {
    const clock = new VirtualClock(0);
    const quality = new PeerQuality(clock);
    stream(quality, clock, 10);
    quality.rtcp(senderReport(reportBlock(OUR_SSRC, 0, 480)), OUR_SSRC, 48000);
    expect(quality.quality()?.outbound?.jitterMs).toBe(10);
  });

  it("keeps werift's newest round trip, and scores the network delay it implies", () => {
    const clock = new VirtualClock(0);
    const quality = new PeerQuality(clock);
    stream(quality, clock, 50);
    const block = senderReport(reportBlock(OUR_SSRC, 0, 0));
    // No report answered one of our sender reports yet.
    quality.roundTrips(0, 0);
    quality.rtcp(block, OUR_SSRC, 8000);
    const before = quality.quality()!;
    expect(before.roundTripMs).toBeNull();
    // Two measurements came in together (40 and 60 ms): their mean, not the running average.
    quality.roundTrips(0.1, 2);
    expect(quality.quality()!.roundTripMs).toBe(50);
    // The next one, 0.6 s: the newest counts, as on an RTP leg.
    quality.roundTrips(0.7, 3);
    expect(quality.quality()!.roundTripMs).toBe(600);
    // 300 ms one way is past G.107's knee (about 177 ms): the score drops both ways.
    const after = quality.quality()!;
    expect(after.inbound.mos).toBeLessThan(before.inbound.mos - 0.3);
    expect(after.outbound!.mos).toBeLessThan(before.outbound!.mos - 0.3);
    // Totals that did not grow say nothing new; a later report keeps the round trip.
    quality.roundTrips(0.7, 3);
    quality.rtcp(block, OUR_SSRC, 8000);
    expect(quality.quality()!.roundTripMs).toBe(600);
  });

  it('never reports a negative round trip: a DLSR rounded up on a fast link', () => {
    const clock = new VirtualClock(0);
    const quality = new PeerQuality(clock);
    stream(quality, clock, 10);
    quality.rtcp(senderReport(reportBlock(OUR_SSRC, 0, 0)), OUR_SSRC, 8000);
    quality.roundTrips(-0.0001, 1);
    expect(quality.quality()!.roundTripMs).toBe(0);
  });
});
