/**
 * A browser that insists on Opus, with a real headless Chromium: the page rewrites its own SDP
 * (offer or answer) to keep only `opus/48000/2` and `telephone-event/48000`, so the server must
 * transcode at the WebRTC transport. Checked both ways with tone probes, with RFC 4733 key presses
 * from the browser's RTCDTMFSender, first on a bare `WebRtcLeg` answering the page's offer, then
 * end to end: a SIP caller rung through to the WebSocket-registered agent, whose page answers our
 * offer with Opus only, bridged and recorded.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { RawSipPeer } from '../../test/support/raw-sip-peer';
import { DEMO_SIP_PASSWORD } from '../../test/support/sip-test-stack';
import { ChromiumSoftphone } from './chromium-softphone';
import { startBrowserCallCenter, type BrowserCallCenter } from './test-support/browser-call-center';
import {
  BROWSER_HZ,
  fakeMicrophone,
  loopbackOnly,
  pageHears,
  reportedQuality,
  sendToneToBrowser,
  serverHears,
  until,
  type FakeMicrophone,
} from './test-support/chromium-call';
import { callerHearsTone, readStereoRecording } from './test-support/pcmu-caller';
import { PcmuCollector, peakFrequency } from './tone-probe';
import { WebRtcLeg } from './webrtc-leg';

const SERVER_HZ = 1000;

let mic: FakeMicrophone;
const stops: (() => void)[] = [];

beforeAll(async () => {
  mic = await fakeMicrophone('sb-opus-');
});

afterAll(async () => {
  for (const stop of stops.splice(0)) stop();
  await mic?.remove();
});

/** How a page insists on Opus: which of its own descriptions, or the server's offer, it rewrites. */
type Insistence = 'createOffer' | 'createAnswer' | 'setRemoteDescription';

/**
 * A script for the page that keeps only Opus and its 48 kHz events in the descriptions it
 * creates (munged before `setLocalDescription`, as a softphone wanting wideband does), or in the
 * offer it is given (a browser that cannot send PCMU at all).
 */
function insistOnOpus(...where: Insistence[]): string {
  return `(() => {
  const keep = (sdp) => {
    const lines = sdp.split('\\r\\n');
    const kept = lines
      .map((l) => /^a=rtpmap:(\\d+) (opus\\/48000|telephone-event\\/48000)/i.exec(l))
      .filter(Boolean)
      .map((m) => m[1]);
    return lines
      .map((l) => (l.startsWith('m=audio ') ? l.split(' ').slice(0, 3).concat(kept).join(' ') : l))
      .filter((l) => {
        const m = /^a=(rtpmap|fmtp|rtcp-fb):(\\d+) /.exec(l);
        return !m || kept.includes(m[2]);
      })
      .join('\\r\\n');
  };
  for (const name of ${JSON.stringify(where)}) {
    const original = RTCPeerConnection.prototype[name];
    RTCPeerConnection.prototype[name] =
      name === 'setRemoteDescription'
        ? function (description) {
            return original.call(this, description.type === 'offer' ? { type: 'offer', sdp: keep(description.sdp) } : description);
          }
        : async function (...args) {
            const description = await original.apply(this, args);
            return { type: description.type, sdp: keep(description.sdp) };
          };
  }
})()`;
}

/** The codecs the page's peer connection `variable` sends and receives now (getStats). */
async function codecsInUse(page: Page, variable: string): Promise<{ sent?: string; received?: string }> {
  return (await page.evaluate(`(async () => {
    const stats = await ${variable}.getStats();
    const codec = (type) => {
      let id;
      stats.forEach((r) => { if (r.type === type && r.codecId) id = r.codecId; });
      return id && stats.get(id) ? stats.get(id).mimeType : undefined;
    };
    return { sent: codec('outbound-rtp'), received: codec('inbound-rtp') };
  })()`)) as { sent?: string; received?: string };
}

/** RTP packets the page's audio sender has sent, by its own statistics. */
async function packetsSent(page: Page, variable: string): Promise<number> {
  return (await page.evaluate(`(async () => {
    let sent = 0;
    (await ${variable}.getStats()).forEach((r) => { if (r.type === 'outbound-rtp') sent += r.packetsSent; });
    return sent;
  })()`)) as number;
}

/** The payload types of the page's audio section, as its local description has them. */
async function pageCodecs(page: Page, variable: string): Promise<string[]> {
  const sdp = (await page.evaluate(`${variable}.localDescription.sdp`)) as string;
  return sdp
    .split('\r\n')
    .filter((l) => l.startsWith('a=rtpmap:'))
    .map((l) => l.split(' ')[1]!);
}

/** RFC 4733 packets for `digit` seen on a leg: event code, end bit and duration (8 kHz units). */
interface SeenEvent {
  readonly event: number;
  readonly end: boolean;
  readonly duration: number;
}

describe('a browser that offers Opus only, answered by a WebRtcLeg', () => {
  let browser: ChromiumSoftphone;
  beforeAll(async () => {
    browser = await ChromiumSoftphone.launch(mic.wav);
  }, 60_000);
  afterAll(() => browser?.close());

  it('transcodes Opus to PCMU and back, and delivers its key presses at 8 kHz', async () => {
    const leg = new WebRtcLeg({ id: 'opus-call/agent', ice: { bindAddress: '127.0.0.1' } });
    stops.push(() => leg.close());
    const audio = new PcmuCollector();
    leg.setSink(audio);
    const events: SeenEvent[] = [];
    leg.on('rtp', ({ packet, kind }) => {
      if (kind !== 'telephone-event') return;
      const b = packet.bytes;
      const at = packet.payloadOffset;
      events.push({
        event: b[at]!,
        end: (b[at + 1]! & 0x80) !== 0,
        duration: (b[at + 2]! << 8) | b[at + 3]!,
      });
    });
    const tab = await browser.openPage();
    try {
      await tab.page.evaluate(insistOnOpus('createOffer'));
      const offer = await tab.offer();
      expect(await pageCodecs(tab.page, 'pc')).toEqual(['opus/48000/2', 'telephone-event/48000']);
      const answer = await leg.answer(loopbackOnly(offer));
      if (!answer.ok) throw new Error(`offer refused: ${answer.error.code} ${answer.error.message}`);
      expect(answer.value).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111 110\r\n/);
      expect(answer.value).toMatch(/a=fmtp:111 minptime=10;useinbandfec=0;maxplaybackrate=8000/);
      await tab.answer(answer.value);
      await until(() => leg.state === 'connected', 10_000, 'the leg to connect');
      expect(await tab.page.evaluate('softphone.codec()')).toBe('audio/opus');
      // The leg and everything behind it still see PCMU, with the server's event type.
      expect(leg.codec).toEqual({ law: 'pcmu', payloadType: 0, telephoneEventPayloadType: 101 });

      const fromBrowser = await serverHears(audio);
      console.log(`server heard ${fromBrowser.hz} Hz (share ${fromBrowser.share.toFixed(2)}) from Opus`);
      expect(Math.abs(fromBrowser.hz - BROWSER_HZ)).toBeLessThanOrEqual(10);
      expect(fromBrowser.share).toBeGreaterThan(0.5);

      await tab.dtmf('5');
      await until(() => events.some((e) => e.event === 5 && e.end), 3000, 'the end of RFC 4733 event 5');
      const end = events.find((e) => e.end)!;
      console.log(
        `server got ${events.length} telephone-event packets, digit 5 lasting ${end.duration} samples`,
      );
      // 120 ms at 8 kHz is 960: the browser's 48 kHz durations were divided by 6.
      expect(end.duration).toBeGreaterThanOrEqual(800);
      expect(end.duration).toBeLessThanOrEqual(1600);

      stops.push(sendToneToBrowser(leg, SERVER_HZ));
      const heard = await pageHears(tab, SERVER_HZ);
      console.log(`browser heard ${heard.hz.toFixed(1)} Hz at ${heard.db.toFixed(1)} dBFS over Opus`);
      expect(await codecsInUse(tab.page, 'pc')).toEqual({ sent: 'audio/opus', received: 'audio/opus' });

      // Quality is measured on the Opus packets as they came, before the transcoder conceals any
      // loss: every packet the browser says it sent (bar those sent since) was counted.
      const quality = await reportedQuality(leg);
      const sent = await packetsSent(tab.page, 'pc');
      console.log(`quality over Opus: ${JSON.stringify(quality)}; the browser sent ${sent} packets`);
      expect(quality.inbound.lossPct).toBe(0);
      expect(quality.packetsReceived).toBeLessThanOrEqual(sent);
      expect(quality.packetsReceived).toBeGreaterThan(sent - 25);
      expect(quality.outbound?.lossPct).toBe(0);
    } finally {
      for (const stop of stops.splice(0)) stop();
      await tab.close();
    }
  }, 60_000);
});

describe('a browser agent that insists on Opus, end to end', () => {
  let center: BrowserCallCenter;
  beforeAll(async () => {
    center = await startBrowserCallCenter({ microphone: mic.wav });
  }, 60_000);
  afterAll(() => center?.close());

  it.each([
    {
      // Chromium then still sends PCMU, the first codec of our offer, and receives Opus.
      how: 'keeps only Opus in its answer',
      agent: 'agent1',
      extension: '1001',
      insist: ['createAnswer'] as Insistence[],
      sends: undefined,
    },
    {
      how: 'cannot send PCMU (removes it from our offer)',
      agent: 'agent3',
      extension: '1003',
      insist: ['setRemoteDescription'] as Insistence[],
      sends: 'audio/opus',
    },
  ])(
    'rings an agent whose browser $how: Opus to it, bridged, recorded, its keys heard',
    async (c) => {
      const { stack, control, events, digits, recordings } = center;
      events.length = 0;
      digits.length = 0;
      const phone = await center.browser.openSipPhone(`http://127.0.0.1:${stack.httpPort}`);
      const caller = await RawSipPeer.stream(stack.ports.tcp);
      const callerRtp = await RtpTestPeer.open();
      try {
        await phone.page.evaluate(insistOnOpus(...c.insist));
        expect(
          await phone.register(`ws://127.0.0.1:${stack.httpPort}/sip`, c.extension, DEMO_SIP_PASSWORD),
        ).toBe(200);
        const targets = await center.agentTargets(c.agent);
        expect(targets).toMatchObject([{ webrtc: true }]);

        expect((await caller.register('1002', DEMO_SIP_PASSWORD)).status).toBe(200);
        const answered = await center.answeredCaller(caller, callerRtp, SERVER_HZ);
        stops.push(answered.stopTone);
        const callerLeg = answered.legId;

        const recordingPath = join(mic.dir, `opus-call-${c.extension}.wav`);
        const agentLeg = await center.ringAndBridge(targets, callerLeg, recordingPath);
        await until(async () => (await phone.state()) === 'connected', 10_000, 'the browser to connect');
        // Our offer put PCMU first, then Opus; the page answered with Opus and its events only.
        expect(await pageCodecs(phone.page, 'pc')).toEqual(['opus/48000/2', 'telephone-event/48000']);

        const heard = await pageHears(phone, SERVER_HZ);
        console.log(`browser heard the caller's ${heard.hz.toFixed(0)} Hz at ${heard.db.toFixed(1)} dBFS`);
        await until(
          () => callerHearsTone(callerRtp, BROWSER_HZ),
          10_000,
          `the caller to hear ${BROWSER_HZ} Hz`,
        );
        const inUse = await codecsInUse(phone.page, 'pc');
        console.log(`the page sends ${inUse.sent} and receives ${inUse.received}`);
        // What the server sends it is Opus, encoded from the caller's PCMU.
        expect(inUse.received).toBe('audio/opus');
        if (c.sends !== undefined) expect(inUse.sent).toBe(c.sends);

        // RTCDTMFSender sends RFC 4733 events; the agent's RTP leg detects them at 8 kHz.
        await phone.page.evaluate(`pc.getSenders()[0].dtmf.insertDTMF('5#', 120, 70)`);
        await until(() => digits.filter((d) => d.legId === agentLeg).length >= 2, 5000, 'digits 5 and #');
        expect(digits.filter((d) => d.legId === agentLeg).map((d) => d.digit)).toEqual(['5', '#']);

        await control.execute({ type: 'HangUp', legId: callerLeg });
        await center.event('LegEnded', agentLeg);
        const summary = await until(
          () => recordings.find((r) => r.path === recordingPath),
          5_000,
          'the recording',
        );
        expect(summary.error).toBeUndefined();
        const recording = await readStereoRecording(recordingPath);
        const left = peakFrequency(recording.left);
        const right = peakFrequency(recording.right);
        console.log(`recording: caller ${left.hz} Hz, agent ${right.hz} Hz`);
        expect(Math.abs(left.hz - SERVER_HZ)).toBeLessThanOrEqual(10);
        expect(Math.abs(right.hz - BROWSER_HZ)).toBeLessThanOrEqual(10);
      } finally {
        for (const stop of stops.splice(0)) stop();
        await caller.close();
        callerRtp.close();
        await phone.close();
      }
    },
    90_000,
  );
});
