import type { MediaLeg } from '../media/media-leg';
import { MediaService } from '../media/media-service';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumSoftphone, type SoftphonePage } from './chromium-softphone';
import {
  fakeMicrophone,
  loopbackOnly,
  pageHears,
  reportedQuality,
  sendToneToBrowser,
  serverHears,
  until,
  type FakeMicrophone,
} from './test-support/chromium-call';
import { callerHears, sendPcmuTone } from './test-support/pcmu-caller';
import { PcmuCollector } from './tone-probe';
import { WebRtcLeg, type WebRtcLegEvents, type WebRtcLegOptions } from './webrtc-leg';
import { testPortRange } from '../../test/support/test-ports';

let mic: FakeMicrophone;
let browser: ChromiumSoftphone;
const legs: WebRtcLeg[] = [];
const stops: (() => void)[] = [];

beforeAll(async () => {
  mic = await fakeMicrophone('sb-webrtc-');
  browser = await ChromiumSoftphone.launch(mic.wav);
});

afterAll(async () => {
  await browser?.close();
  await mic?.remove();
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  for (const leg of legs.splice(0)) leg.close();
});

function openLeg(id: string, extra: Partial<WebRtcLegOptions> = {}): WebRtcLeg {
  const leg = new WebRtcLeg({ id, ice: { bindAddress: '127.0.0.1' }, ...extra });
  legs.push(leg);
  return leg;
}

/** Offer from the page, answer from the leg, until both ends say connected. */
async function connect(leg: WebRtcLeg, tab: SoftphonePage): Promise<void> {
  const answer = await leg.answer(loopbackOnly(await tab.offer()));
  if (!answer.ok) throw new Error(`offer refused: ${answer.error.code} ${answer.error.message}`);
  await tab.answer(answer.value);
  await until(() => leg.state === 'connected', 10_000, 'the leg to connect');
  await until(async () => (await tab.state()) === 'connected', 5_000, 'the page to connect');
}

/** Resolves with the next `event` of `leg`; fails after `timeoutMs`. */
function nextEvent<K extends keyof WebRtcLegEvents & string>(
  leg: WebRtcLeg,
  event: K,
  timeoutMs: number,
): Promise<WebRtcLegEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    leg.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Records a leg's lifecycle events by name, in order. */
function journal(leg: WebRtcLeg): string[] {
  const seen: string[] = [];
  const names: (keyof WebRtcLegEvents)[] = [
    'transport-connected',
    'transport-closed',
    'transport-failed',
    'rejoined',
    'rtp-timeout',
    'rtp-resumed',
  ];
  for (const name of names) leg.on(name, () => seen.push(name));
  return seen;
}

describe('WebRtcLeg with a real headless Chromium', () => {
  it('answers with PCMU and carries audio both ways', async () => {
    const leg = openLeg('call-1/agent');
    const audio = new PcmuCollector();
    leg.setSink(audio);
    const tab = await browser.openPage();
    await connect(leg, tab);
    expect(leg.codec.law).toBe('pcmu');
    expect(await tab.page.evaluate('softphone.codec()')).toBe('audio/PCMU');

    const fromBrowser = await serverHears(audio);
    console.log(`server heard ${fromBrowser.hz} Hz (share ${fromBrowser.share.toFixed(2)})`);
    expect(Math.abs(fromBrowser.hz - 440)).toBeLessThanOrEqual(10);
    expect(fromBrowser.share).toBeGreaterThan(0.5);

    // RFC 4733 §2.3: the first payload octet is the event (5 is digit 5); bit 7 of the second is E (end).
    const events: { event: number; end: boolean }[] = [];
    leg.on('rtp', ({ packet, kind }) => {
      const at = packet.payloadOffset;
      if (kind === 'telephone-event')
        events.push({ event: packet.bytes[at]!, end: (packet.bytes[at + 1]! & 0x80) !== 0 });
    });
    await tab.dtmf('5');
    await until(() => events.some((e) => e.event === 5 && e.end), 3000, 'the end of RFC 4733 event 5');
    console.log(`server got ${events.length} telephone-event packets for digit 5 on payload type 126`);
    expect(leg.codec.telephoneEventPayloadType).toBe(126);

    stops.push(sendToneToBrowser(leg, 1000));
    const peak = await pageHears(tab, 1000, 8000);
    console.log(`browser heard ${peak.hz.toFixed(1)} Hz at ${peak.db.toFixed(1)} dBFS`);

    // Call quality both ways: ours from the browser's packets, the browser's from its RTCP reports.
    const quality = await reportedQuality(leg);
    console.log(`quality: ${JSON.stringify(quality)}`);
    expect(quality.packetsReceived).toBeGreaterThan(50);
    // Loopback loses nothing; both ends play at once, so G.711 scores its best.
    expect(quality.inbound.lossPct).toBe(0);
    expect(quality.outbound?.lossPct).toBe(0);
    expect(quality.inbound.jitterMs).toBeLessThan(60);
    expect(quality.inbound.mos).toBeGreaterThan(4.2);
    // The round trip, once a report of the browser's answers one of werift's sender reports.
    const { roundTripMs } = await until(
      () => {
        const q = leg.quality();
        // Wrapped: 0 ms is a round trip too.
        return q?.roundTripMs == null ? undefined : { roundTripMs: q.roundTripMs };
      },
      15_000,
      'a round trip',
    );
    console.log(`round trip: ${roundTripMs} ms`);
    expect(roundTripMs).toBeGreaterThanOrEqual(0);
    // Loopback, both ends on this machine: a few ms at most, unless a report waited for a CPU.
    expect(roundTripMs).toBeLessThan(100);
    const closed = nextEvent(leg, 'closed', 1000);
    leg.close();
    expect((await closed).quality?.packetsReceived).toBeGreaterThanOrEqual(quality.packetsReceived);
    await tab.close();
  });

  it('reports no RTP when the browser stops sending, while the transport stays up', async () => {
    const leg = openLeg('call-3/agent', { noRtpTimeoutMs: 1500 });
    const seen = journal(leg);
    const audio = new PcmuCollector();
    leg.setSink(audio);
    const tab = await browser.openPage();
    await connect(leg, tab);
    await until(() => audio.samples >= 1600, 5000, 'audio before stopping');
    const timedOut = nextEvent(leg, 'rtp-timeout', 6000);
    const stoppedAt = performance.now();
    await tab.stopSending();
    const { silentMs } = await timedOut;
    const firedAfterMs = performance.now() - stoppedAt;
    console.log(
      `rtp-timeout after ${silentMs.toFixed(0)} ms without RTP, ${firedAfterMs.toFixed(0)} ms after the track stopped`,
    );
    expect(silentMs).toBeGreaterThanOrEqual(1500);
    expect(firedAfterMs).toBeLessThan(4000);
    expect(leg.state).toBe('connected');
    expect(leg.stats().silent).toBe(true);
    expect(seen).toEqual(['transport-connected', 'rtp-timeout']);
    await tab.close();
  });

  it('reports a transport failure when the browser never completes ICE', async () => {
    const leg = openLeg('call-4/agent', { connectTimeoutMs: 2000 });
    const tab = await browser.openPage();
    const answer = await leg.answer(loopbackOnly(await tab.offer()));
    expect(answer.ok).toBe(true);
    const failed = nextEvent(leg, 'transport-failed', 8000);
    // The tab goes away before it applies the answer: nobody answers our connectivity checks.
    await tab.close();
    const { failure } = await failed;
    console.log(`transport failed: ${failure}`);
    expect(['ice', 'connect-timeout']).toContain(failure);
    expect(leg.state).toBe('disconnected');
  });

  it('keeps the call bridged to the SIP side when the page reloads and offers again', async () => {
    const media = new MediaService({ ports: { bindAddress: '127.0.0.1', ...testPortRange(20) } });
    stops.push(() => media.closeAll());
    const peer = await RtpTestPeer.open();
    stops.push(() => peer.close());
    const opened = await media.openLeg({
      id: 'call-5/caller',
      codec: { law: 'pcmu', payloadType: 0 },
      remote: peer.address,
    });
    if (!opened.ok) throw new Error(opened.error.code);
    const caller = opened.value;
    const agent = openLeg('call-5/agent', { noRtpTimeoutMs: 5000 });
    const seen = journal(agent);
    // Bridge is typed against the MediaLeg class; WebRtcLeg has the same AudioLeg shape.
    const bridged = await media.bridge(caller, agent as unknown as MediaLeg);
    if (!bridged.ok) throw new Error(bridged.error.code);
    const bridge = bridged.value;
    stops.push(sendPcmuTone(peer, { address: caller.local.address, port: caller.local.rtpPort }, 1000));

    const first = await browser.openPage();
    await connect(agent, first);
    await peer.waitForRtp(60, 5000);
    const before = callerHears(peer);
    const heardBefore = await pageHears(first, 1000, 8000);
    console.log(`before reload: caller heard ${before.hz} Hz, browser heard ${heardBefore.hz.toFixed(1)} Hz`);
    expect(Math.abs(before.hz - 440)).toBeLessThanOrEqual(10);

    const refused = await agent.answer('v=0\r\n');
    expect(!refused.ok && refused.error.code).toBe('WEBRTC.BAD_OFFER');
    expect(agent.generation).toBe(1);

    // Closing the tab is what a reload does: the old peer connection dies without a BYE.
    await first.close();
    const second = await browser.openPage();
    await connect(agent, second);
    expect(agent.generation).toBe(2);
    peer.clear();
    await peer.waitForRtp(60, 5000);
    const after = callerHears(peer);
    const heardAfter = await pageHears(second, 1000, 8000);
    console.log(
      `after rejoin: caller heard ${after.hz} Hz, browser heard ${heardAfter.hz.toFixed(1)} Hz; events ${seen.join(', ')}`,
    );
    expect(Math.abs(after.hz - 440)).toBeLessThanOrEqual(10);
    expect(bridge.bridged).toBe(true);
    expect(bridge.stats.agentToCaller).toBeGreaterThan(100);
    expect(seen).toContain('rejoined');
    expect(seen).not.toContain('rtp-timeout');
    await second.close();
  });
});
