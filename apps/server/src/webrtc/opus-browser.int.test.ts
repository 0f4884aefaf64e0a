/**
 * A browser that insists on Opus, with a real headless Chromium: the page rewrites its own SDP
 * (offer or answer) to keep only `opus/48000/2` and `telephone-event/48000`, so the server must
 * transcode at the WebRTC transport. Checked both ways with tone probes, with RFC 4733 key presses
 * from the browser's RTCDTMFSender, first on a bare `WebRtcLeg` answering the page's offer, then
 * end to end: a SIP caller rung through to the WebSocket-registered agent, whose page answers our
 * offer with Opus only, bridged and recorded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantId } from '@switchboard/kernel';
import { decodeG711, encodeG711, parseWav, ToneGenerator, wavSamples } from '@switchboard/media';
import { getHeader, type SipResponse } from '@switchboard/sip';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallControl, CallEvent, LegId } from '../calls';
import { MediaService, type RecordingSummary } from '../media';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { attachCallControl } from '../telephony/attach-call-control';
import { uuidV7Ids } from '../uuid-v7';
import { MediaServicePort } from '../voice/media-service-port';
import { registrarAgentDevices } from '../voice/registrar-agent-devices';
import { RawSipPeer, peerSdp } from '../../test/support/raw-sip-peer';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';
import { ChromiumSoftphone, type HeardPeak } from './chromium-softphone';
import { PcmuCollector, peakFrequency } from './tone-probe';
import { WebRtcLeg } from './webrtc-leg';

const BROWSER_HZ = 440;
const SERVER_HZ = 1000;

let dir: string;
let browser: ChromiumSoftphone;
const stops: (() => void)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-opus-'));
  const wav = join(dir, 'mic-440.wav');
  // The fake microphone: a 440 Hz sine, looped by Chromium for as long as the track lives.
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    wav,
    'synth',
    '4',
    'sine',
    '440',
    'vol',
    '0.5',
  ]);
  browser = await ChromiumSoftphone.launch(wav);
}, 60_000);

afterAll(async () => {
  for (const stop of stops.splice(0)) stop();
  await rm(dir, { recursive: true, force: true });
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

/** The payload types of the page's audio section, as its local description has them. */
async function pageCodecs(page: Page, variable: string): Promise<string[]> {
  const sdp = (await page.evaluate(`${variable}.localDescription.sdp`)) as string;
  return sdp
    .split('\r\n')
    .filter((l) => l.startsWith('a=rtpmap:'))
    .map((l) => l.split(' ')[1]!);
}

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` naming `what`. */
async function until<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the page hears `hz` (±15 Hz, above -40 dBFS); `peak` reads the page's analyser. */
function pageHears(peak: () => Promise<HeardPeak>, hz: number): Promise<HeardPeak> {
  return until(
    async () => {
      const p = await peak();
      return Math.abs(p.hz - hz) <= 15 && p.db > -40 ? p : undefined;
    },
    10_000,
    `the browser to hear ${hz} Hz`,
  );
}

/** Keeps the page's loopback candidates only, so the test's media never leaves 127.0.0.1. */
function loopbackOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === '127.0.0.1')
    .join('\r\n');
}

/** RFC 4733 packets for `digit` seen on a leg: event code, end bit and duration (8 kHz units). */
interface SeenEvent {
  readonly event: number;
  readonly end: boolean;
  readonly duration: number;
}

describe('a browser that offers Opus only, answered by a WebRtcLeg', () => {
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

      audio.clear();
      await until(() => audio.samples >= 8000, 8000, 'one second of PCMU from the browser');
      const fromBrowser = peakFrequency(audio.last(8000));
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

      const tone = new ToneGenerator({
        name: '1 kHz',
        components: [{ hz: SERVER_HZ, levelDbm0: -6 }],
        cadence: [],
      });
      const frame = new Int16Array(160);
      const timer = setInterval(() => {
        tone.fill(frame);
        leg.sendLinear(frame);
      }, 20);
      stops.push(() => clearInterval(timer));
      const heard = await pageHears(() => tab.peak(), SERVER_HZ);
      console.log(`browser heard ${heard.hz.toFixed(1)} Hz at ${heard.db.toFixed(1)} dBFS over Opus`);
      expect(await codecsInUse(tab.page, 'pc')).toEqual({ sent: 'audio/opus', received: 'audio/opus' });
    } finally {
      for (const stop of stops.splice(0)) stop();
      await tab.close();
    }
  }, 60_000);
});

describe('a browser agent that insists on Opus, end to end', () => {
  let stack: SipTestStack;
  let media: MediaService;
  let port: MediaServicePort;
  let control: CallControl;
  const events: CallEvent[] = [];
  const digits: { legId: string; digit: string }[] = [];
  const recordings: RecordingSummary[] = [];

  beforeAll(async () => {
    stack = await startSipTestStack({ http: true });
    const minPort = 38000 + 2 * Math.floor(Math.random() * 1500);
    media = new MediaService({ ports: { bindAddress: '127.0.0.1', minPort, maxPort: minPort + 49 } });
    port = new MediaServicePort({
      media,
      webrtc: { ice: { bindAddress: '127.0.0.1' } },
      onRecordingClosed: (summary) => recordings.push(summary),
      onDigit: (legId, digit) => digits.push({ legId, digit }),
    });
    control = attachCallControl(stack.telephony, {
      media: port,
      inbound: { offer: () => ({ action: 'answer' }) },
      ids: uuidV7Ids(stack.clock),
      clock: stack.clock,
    });
    control.onEvent((e) => events.push(e));
  }, 60_000);

  afterAll(async () => {
    // The browser first: a socket it keeps open to the HTTP server would hold the server's close.
    await browser?.close();
    await port?.closeAll();
    media?.closeAll();
    await stack?.close();
  });

  function event<T extends CallEvent['type']>(
    type: T,
    legId?: LegId,
  ): Promise<Extract<CallEvent, { type: T }>> {
    const found = (): Extract<CallEvent, { type: T }> | undefined =>
      events.find(
        (e): e is Extract<CallEvent, { type: T }> =>
          e.type === type && (legId === undefined || ('legId' in e && e.legId === legId)),
      );
    return until(found, 15_000, `${type}${legId === undefined ? '' : ` of ${legId}`}`);
  }

  /** Calls 4008001234 from `phone` with `sdp` and ACKs the 200; resolves with the 200. */
  async function callIn(phone: RawSipPeer, user: string, sdp: string): Promise<SipResponse> {
    const callId = `caller-${Math.random()}@${phone.host}`;
    const base = { from: `<sip:${user}@switchboard>;tag=caller`, callId, cseq: 1 };
    phone.send(
      phone.requestText({
        ...base,
        method: 'INVITE',
        uri: 'sip:4008001234@127.0.0.1',
        to: '<sip:4008001234@127.0.0.1>',
        extra: [`Contact: ${phone.contactOf(user)}`, 'Content-Type: application/sdp'],
        body: sdp,
      }),
    );
    const ok = await phone.next<SipResponse>(
      (m) => m.kind === 'response' && m.status === 200 && m.callId === callId,
    );
    const contact = (getHeader(ok, 'Contact') ?? '').replace(/^<|>$/g, '');
    phone.send(phone.requestText({ ...base, method: 'ACK', uri: contact, to: getHeader(ok, 'To') ?? '' }));
    return ok;
  }

  /** The caller's microphone: a continuous PCMU tone every 20 ms to `to`. */
  function callerTone(peer: RtpTestPeer, to: { address: string; port: number }): void {
    const tone = new ToneGenerator({
      name: '1 kHz',
      components: [{ hz: SERVER_HZ, levelDbm0: -6 }],
      cadence: [],
    });
    const frame = new Int16Array(160);
    let seq = 0;
    const timer = setInterval(() => {
      tone.fill(frame);
      const payload = new Uint8Array(160);
      encodeG711('pcmu', frame, payload);
      seq++;
      peer.sendRtp(
        { payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: seq * 160, ssrc: 0xca11, payload },
        to,
      );
    }, 20);
    stops.push(() => clearInterval(timer));
  }

  /** The strongest frequency in the last second of PCMU the caller received. */
  function callerHears(peer: RtpTestPeer): { hz: number; share: number } {
    const packets = peer.rtp.filter((p) => p.payloadType === 0).slice(-50);
    const samples = new Int16Array(packets.length * 160);
    packets.forEach((p, i) =>
      decodeG711('pcmu', p.payload, samples.subarray(i * 160), Math.min(160, p.payload.length)),
    );
    return peakFrequency(samples);
  }

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
      events.length = 0;
      digits.length = 0;
      const phone = await browser.openSipPhone(`http://127.0.0.1:${stack.httpPort}`);
      const caller = await RawSipPeer.stream(stack.ports.tcp);
      const callerRtp = await RtpTestPeer.open();
      try {
        await phone.page.evaluate(insistOnOpus(...c.insist));
        expect(
          await phone.register(`ws://127.0.0.1:${stack.httpPort}/sip`, c.extension, DEMO_SIP_PASSWORD),
        ).toBe(200);
        const agent = await stack.agent(c.agent);
        const targets = await registrarAgentDevices(stack.telephony.registrar).targetsFor(
          agent.tenantId as TenantId,
          agent.userId,
        );
        expect(targets).toMatchObject([{ webrtc: true }]);

        expect((await caller.register('1002', DEMO_SIP_PASSWORD)).status).toBe(200);
        const answered = await callIn(caller, '1002', peerSdp(callerRtp.address.port));
        const callerLeg = (await event('LegAnswered')).legId;
        const body = Buffer.from(answered.body).toString();
        callerTone(callerRtp, {
          address: /c=IN IP4 (\S+)/.exec(body)?.[1] ?? '',
          port: Number(/m=audio (\d+)/.exec(body)?.[1]),
        });

        const originated = await control.execute({
          type: 'Originate',
          request: { targets, callerId: { number: '4008001234' }, timeoutMs: 30_000, near: callerLeg },
        });
        if (!originated.ok || originated.value.legId === undefined) throw new Error('Originate refused');
        const agentLeg = originated.value.legId;
        const recordingPath = join(dir, `opus-call-${c.extension}.wav`);
        const bridged = await control.execute({
          type: 'Bridge',
          legIds: [callerLeg, agentLeg],
          recordingPath,
        });
        expect(bridged.ok).toBe(true);
        await event('LegAnswered', agentLeg);
        await until(async () => (await phone.state()) === 'connected', 10_000, 'the browser to connect');
        // Our offer put PCMU first, then Opus; the page answered with Opus and its events only.
        expect(await pageCodecs(phone.page, 'pc')).toEqual(['opus/48000/2', 'telephone-event/48000']);

        const heard = await pageHears(() => phone.peak(), SERVER_HZ);
        console.log(`browser heard the caller's ${heard.hz.toFixed(0)} Hz at ${heard.db.toFixed(1)} dBFS`);
        await until(
          () => {
            const peak = callerHears(callerRtp);
            return Math.abs(peak.hz - BROWSER_HZ) <= 10 && peak.share > 0.5;
          },
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
        await event('LegEnded', agentLeg);
        const summary = await until(
          () => recordings.find((r) => r.path === recordingPath),
          5_000,
          'the recording',
        );
        expect(summary.error).toBeUndefined();
        const wav = parseWav(new Uint8Array(await readFile(recordingPath)));
        if (!wav.ok) throw new Error(wav.error.message);
        const samples = wavSamples(wav.value);
        const channel = (i: 0 | 1) =>
          Int16Array.from({ length: samples.length >> 1 }, (_, k) => samples[2 * k + i]!);
        const left = peakFrequency(channel(0));
        const right = peakFrequency(channel(1));
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
