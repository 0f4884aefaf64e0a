/**
 * A browser softphone as an agent device, end to end: headless Chromium registers 1001 over
 * SIP/WebSocket with digest auth (`sip-softphone-test-page.ts`), a caller on TCP with a plain
 * PCMU RTP peer calls in and is answered by call control over the real media layer, the agent's
 * registered devices are rung (a WebRTC offer from werift in the INVITE, the browser's answer in
 * its 200), and the two are bridged and recorded. Audio is checked both ways and in the WAV.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { RawSipPeer } from '../../test/support/raw-sip-peer';
import { DEMO_SIP_PASSWORD } from '../../test/support/sip-test-stack';
import {
  BROWSER_HZ,
  fakeMicrophone,
  pageHears,
  until,
  type FakeMicrophone,
} from './test-support/chromium-call';
import { HOTLINE, startBrowserCallCenter, type BrowserCallCenter } from './test-support/browser-call-center';
import { callerHearsTone, readStereoRecording } from './test-support/pcmu-caller';
import { peakFrequency } from './tone-probe';
import type { WebRtcEndpointEvent } from './webrtc-endpoint';

const CALLER_HZ = 1000;

let mic: FakeMicrophone;
let center: BrowserCallCenter;
const browserEvents: { legId: string; event: WebRtcEndpointEvent }[] = [];
const stops: (() => void)[] = [];

beforeAll(async () => {
  mic = await fakeMicrophone('sb-browser-agent-');
});

afterAll(async () => {
  for (const stop of stops.splice(0)) stop();
  await mic?.remove();
});

/** Browsers' WebRTC legs open on the center's media worker (0 without one). */
async function browserLegsOnWorker(): Promise<number> {
  const health = (await center.workers?.health()) ?? [];
  return health.reduce((sum, h) => sum + (h.ok ? h.value.activity.browserLegs : 0), 0);
}

/**
 * The center with its media in process, or on one media worker thread as the live server runs it
 * by default; the browser legs report their events here.
 */
async function startCenter(onWorker: boolean): Promise<void> {
  browserEvents.length = 0;
  center = await startBrowserCallCenter({
    microphone: mic.wav,
    onWorker,
    webrtc: { noRtpTimeoutMs: 2000, onEvent: (legId, event) => browserEvents.push({ legId, event }) },
  });
}

describe.each([
  { where: 'in process', onWorker: false },
  { where: 'on a media worker', onWorker: true },
])('a browser softphone as the agent device, media $where', ({ onWorker }) => {
  beforeAll(() => startCenter(onWorker), 60_000);
  afterAll(() => center?.close());

  it('rings the WebSocket-registered agent with a WebRTC offer, bridges PCMU both ways and records it', async () => {
    const { stack, control, port, recordings } = center;
    const phone = await center.browser.openSipPhone(`http://127.0.0.1:${stack.httpPort}`);
    const caller = await RawSipPeer.stream(stack.ports.tcp);
    const callerRtp = await RtpTestPeer.open();
    try {
      expect(await phone.register(`ws://127.0.0.1:${stack.httpPort}/sip`, '1001', DEMO_SIP_PASSWORD)).toBe(
        200,
      );
      const targets = await center.agentTargets('agent1');
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({ webrtc: true });

      // The customer calls in with plain PCMU RTP and is answered by our media.
      expect((await caller.register('1002', DEMO_SIP_PASSWORD)).status).toBe(200);
      const answered = await center.answeredCaller(caller, callerRtp, CALLER_HZ);
      stops.push(answered.stopTone);
      const callerLeg = answered.legId;

      const recordingPath = join(mic.dir, `call-${onWorker ? 'worker' : 'main'}.wav`);
      const agentLeg = await center.ringAndBridge(targets, callerLeg, recordingPath);
      // Our ACK leaves as the 200 is taken (LegAnswered); the page logs it once it has arrived.
      await until(async () => (await phone.log()).includes('ACK'), 10_000, 'the ACK at the browser');
      expect(await phone.log()).toEqual(expect.arrayContaining(['INVITE', 'answered', 'ACK']));
      await until(async () => (await phone.state()) === 'connected', 10_000, 'the browser to connect');
      expect(await phone.codec()).toBe('audio/PCMU');
      expect(browserEvents).toContainEqual({
        legId: agentLeg,
        event: { type: 'transport-connected', generation: 1 },
      });
      // On a worker, werift runs there with the call, not on the main thread.
      expect(await browserLegsOnWorker()).toBe(onWorker ? 1 : 0);

      // The browser hears the caller's tone, and the caller the browser's microphone.
      const heard = await pageHears(phone, CALLER_HZ);
      console.log(`browser heard ${heard.hz.toFixed(0)} Hz at ${heard.db.toFixed(1)} dBFS`);
      await until(
        () => callerHearsTone(callerRtp, BROWSER_HZ),
        10_000,
        `the caller to hear ${BROWSER_HZ} Hz`,
      );
      expect(callerRtp.rtp.every((p) => p.payloadType === 0)).toBe(true);

      // The browser's microphone stops: the no-RTP watchdog reports it by call leg.
      await phone.stopSending();
      await until(
        () => browserEvents.find((e) => e.legId === agentLeg && e.event.type === 'rtp-timeout'),
        10_000,
        'rtp-timeout of the browser leg',
      );

      // The caller hangs up: the browser gets a BYE, the recording closes with both voices.
      await control.execute({ type: 'HangUp', legId: callerLeg });
      await center.event('LegEnded', agentLeg);
      await until(async () => (await phone.log()).includes('ended'), 5_000, 'BYE at the browser');
      const summary = await until(
        () => recordings.find((r) => r.path === recordingPath),
        5_000,
        'the recording',
      );
      expect(summary.error).toBeUndefined();
      const recording = await readStereoRecording(recordingPath);
      expect(recording.channels).toBe(2);
      const left = peakFrequency(recording.left);
      const right = peakFrequency(recording.right);
      console.log(`recording: caller ${left.hz} Hz, agent ${right.hz} Hz`);
      expect(Math.abs(left.hz - CALLER_HZ)).toBeLessThanOrEqual(10);
      expect(Math.abs(right.hz - BROWSER_HZ)).toBeLessThanOrEqual(10);
      expect(port.openCount).toBe(0);
      // The worker closed the browser's WebRTC leg with its RTP leg: no transport outlives the call.
      await until(async () => (await browserLegsOnWorker()) === 0, 5_000, 'the browser leg closed');

      // The agent's quality is the browser's, from its WebRTC transport, not the gateway's loopback.
      const { quality } = await center.event('LegMediaQuality', agentLeg);
      console.log(`agent leg quality: ${JSON.stringify(quality)}`);
      // The microphone stopped early on (above): a second or so of its audio, none of it lost.
      expect(quality.packetsReceived).toBeGreaterThan(10);
      expect(quality.inbound.lossPct).toBe(0);
    } finally {
      for (const stop of stops.splice(0)) stop();
      await caller.close();
      callerRtp.close();
      await phone.close();
    }
  }, 90_000);

  it('hangs up a browser whose answer has neither PCMU nor Opus instead of leaving a call without audio', async () => {
    const { stack, control, port } = center;
    const phone = await RawSipPeer.websocket(`ws://127.0.0.1:${stack.httpPort}/sip`);
    try {
      expect((await phone.register('1003', DEMO_SIP_PASSWORD)).status).toBe(200);
      const targets = await center.agentTargets('agent3');
      expect(targets.map((t) => [t.uri.startsWith('sip:1003@'), t.webrtc])).toEqual([[true, true]]);
      const before = port.openCount;
      const originated = await control.execute({
        type: 'Originate',
        request: { targets, callerId: { number: HOTLINE }, timeoutMs: 30_000 },
      });
      if (!originated.ok || originated.value.legId === undefined) throw new Error('Originate refused');
      const legId = originated.value.legId;
      const invite = await phone.request('INVITE');
      const offer = Buffer.from(invite.body).toString();
      // werift's offer: ICE, DTLS-SRTP, PCMU first, then Opus and events at 8 and 48 kHz (RFC 8829 §5.2, RFC 5764).
      expect(offer).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0 111 101 110\r\n/);
      expect(offer).toMatch(/a=fingerprint:sha-256 /);
      expect(offer).toMatch(/a=setup:actpass/);
      expect(offer).toMatch(/a=candidate:.* 127\.0\.0\.1 /);
      const g722Only = ['v=0', 'o=- 2 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
        .concat(['m=audio 9 UDP/TLS/RTP/SAVPF 9', 'a=rtpmap:9 G722/8000', 'a=sendrecv', ''])
        .join('\r\n');
      phone.answer(invite, 200, 'OK', { toTag: 'g722-only', user: '1003', sdp: g722Only });
      await phone.request('ACK');
      const bye = await phone.request('BYE');
      phone.answer(bye, 200, 'OK');
      expect(await center.event('LegEnded', legId)).toMatchObject({ cause: 'media-failed', party: 'system' });
      expect(port.openCount).toBe(before);
    } finally {
      await phone.close();
    }
  }, 30_000);
});
