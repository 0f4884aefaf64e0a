/**
 * A browser softphone as an agent device, end to end: headless Chromium registers 1001 over
 * SIP/WebSocket with digest auth (`sip-softphone-test-page.ts`), a caller on TCP with a plain
 * PCMU RTP peer calls in and is answered by call control over the real media layer, the agent's
 * registered devices are rung (a WebRTC offer from werift in the INVITE, the browser's answer in
 * its 200), and the two are bridged and recorded. Audio is checked both ways and in the WAV.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantId } from '@switchboard/kernel';
import { decodeG711, encodeG711, parseWav, ToneGenerator, wavSamples } from '@switchboard/media';
import { getHeader, type SipResponse } from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallControl, CallEvent, LegId } from '../calls';
import { MediaService, MediaWorkerPool, type RecordingSummary } from '../media';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { attachCallControl } from '../telephony/attach-call-control';
import { uuidV7Ids } from '../uuid-v7';
import { MediaServicePort } from '../voice/media-service-port';
import { registrarAgentDevices } from '../voice/registrar-agent-devices';
import { RawSipPeer, peerSdp } from '../../test/support/raw-sip-peer';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';
import { ChromiumSoftphone, type HeardPeak, type SipSoftphonePage } from './chromium-softphone';
import { peakFrequency } from './tone-probe';
import type { WebRtcEndpointEvent } from './webrtc-endpoint';

const BROWSER_HZ = 440;
const CALLER_HZ = 1000;

let dir: string;
let stack: SipTestStack;
let media: MediaService;
let port: MediaServicePort;
let control: CallControl;
let workers: MediaWorkerPool | undefined;
let browser: ChromiumSoftphone;
let wavPath: string;
const events: CallEvent[] = [];
const browserEvents: { legId: string; event: WebRtcEndpointEvent }[] = [];
const recordings: RecordingSummary[] = [];
const stops: (() => void)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-browser-agent-'));
  const wav = join(dir, 'mic-440.wav');
  // The agent's fake microphone: a 440 Hz sine, looped by Chromium while the track lives.
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
  wavPath = wav;
});

afterAll(async () => {
  for (const stop of stops.splice(0)) stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * SIP on loopback with `/sip` over WebSocket, and call control over the real media layer: in
 * process, or on one media worker thread as the live server runs it by default.
 */
async function startCenter(onWorker: boolean): Promise<void> {
  events.length = 0;
  browserEvents.length = 0;
  recordings.length = 0;
  stack = await startSipTestStack({ http: true });
  const minPort = 34000 + 2 * Math.floor(Math.random() * 3000);
  const ports = { bindAddress: '127.0.0.1', minPort, maxPort: minPort + 99 };
  media = new MediaService({ ports });
  workers = onWorker ? new MediaWorkerPool({ workers: 1, ports }) : undefined;
  port = new MediaServicePort({
    media,
    ...(workers === undefined ? {} : { workers }),
    webrtc: {
      ice: { bindAddress: '127.0.0.1' },
      noRtpTimeoutMs: 2000,
      onEvent: (legId, event) => browserEvents.push({ legId, event }),
    },
    onRecordingClosed: (summary) => recordings.push(summary),
  });
  control = attachCallControl(stack.telephony, {
    media: port,
    inbound: { offer: () => ({ action: 'answer' }) },
    ids: uuidV7Ids(stack.clock),
    clock: stack.clock,
  });
  control.onEvent((e) => events.push(e));
  browser = await ChromiumSoftphone.launch(wavPath);
}

async function stopCenter(): Promise<void> {
  // Before the server: Chromium may hold a preconnected socket to it, which would keep its HTTP
  // server from closing until the socket times out.
  await browser?.close();
  // Closing the port closes its media workers too.
  await port?.closeAll();
  media?.closeAll();
  await stack?.close();
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

/** Our RTP address in an SDP body. */
function rtpAddressOf(sdp: string): { address: string; port: number } {
  return { address: /c=IN IP4 (\S+)/.exec(sdp)?.[1] ?? '', port: Number(/m=audio (\d+)/.exec(sdp)?.[1]) };
}

/** The caller's microphone: a continuous PCMU tone every 20 ms to `to`. */
function callerTone(peer: RtpTestPeer, to: { address: string; port: number }, hz: number): void {
  const tone = new ToneGenerator({ name: `${hz} Hz`, components: [{ hz, levelDbm0: -6 }], cadence: [] });
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

/** The strongest frequency in the last second the caller received. */
function callerHears(peer: RtpTestPeer): { hz: number; share: number } {
  const packets = peer.rtp.slice(-50);
  const samples = new Int16Array(packets.length * 160);
  packets.forEach((p, i) =>
    decodeG711('pcmu', p.payload, samples.subarray(i * 160), Math.min(160, p.payload.length)),
  );
  return peakFrequency(samples);
}

function pageHears(phone: SipSoftphonePage, hz: number): Promise<HeardPeak> {
  return until(
    async () => {
      const peak = await phone.peak();
      return Math.abs(peak.hz - hz) <= 15 && peak.db > -40 ? peak : undefined;
    },
    10_000,
    `the browser to hear ${hz} Hz`,
  );
}

/** One channel of an interleaved stereo recording. */
function channel(samples: Int16Array, index: 0 | 1): Int16Array {
  return Int16Array.from({ length: samples.length >> 1 }, (_, i) => samples[2 * i + index]!);
}

describe.each([
  { where: 'in process', onWorker: false },
  { where: 'on a media worker', onWorker: true },
])('a browser softphone as the agent device, media $where', ({ onWorker }) => {
  beforeAll(() => startCenter(onWorker), 60_000);
  afterAll(() => stopCenter());

  it('rings the WebSocket-registered agent with a WebRTC offer, bridges PCMU both ways and records it', async () => {
    const phone = await browser.openSipPhone(`http://127.0.0.1:${stack.httpPort}`);
    const caller = await RawSipPeer.stream(stack.ports.tcp);
    const callerRtp = await RtpTestPeer.open();
    try {
      expect(await phone.register(`ws://127.0.0.1:${stack.httpPort}/sip`, '1001', DEMO_SIP_PASSWORD)).toBe(
        200,
      );
      const agent = await stack.agent('agent1');
      const targets = await registrarAgentDevices(stack.telephony.registrar).targetsFor(
        agent.tenantId as TenantId,
        agent.userId,
      );
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({ webrtc: true });

      // The customer calls in with plain PCMU RTP and is answered by our media.
      expect((await caller.register('1002', DEMO_SIP_PASSWORD)).status).toBe(200);
      const answered = await callIn(caller, '1002', peerSdp(callerRtp.address.port));
      const callerLeg = (await event('LegAnswered')).legId;
      callerTone(callerRtp, rtpAddressOf(Buffer.from(answered.body).toString()), CALLER_HZ);

      const originated = await control.execute({
        type: 'Originate',
        request: { targets, callerId: { number: '4008001234' }, timeoutMs: 30_000, near: callerLeg },
      });
      if (!originated.ok || originated.value.legId === undefined) throw new Error('Originate refused');
      const agentLeg = originated.value.legId;
      const recordingPath = join(dir, `call-${onWorker ? 'worker' : 'main'}.wav`);
      const bridged = await control.execute({ type: 'Bridge', legIds: [callerLeg, agentLeg], recordingPath });
      expect(bridged.ok).toBe(true);
      await event('LegAnswered', agentLeg);
      // Our ACK leaves as the 200 is taken (LegAnswered); the page logs it once it has arrived.
      await until(async () => (await phone.log()).includes('ACK'), 10_000, 'the ACK at the browser');
      expect(await phone.log()).toEqual(expect.arrayContaining(['INVITE', 'answered', 'ACK']));
      await until(async () => (await phone.state()) === 'connected', 10_000, 'the browser to connect');
      expect(await phone.codec()).toBe('audio/PCMU');
      expect(browserEvents).toContainEqual({
        legId: agentLeg,
        event: { type: 'transport-connected', generation: 1 },
      });

      // The browser hears the caller's tone, and the caller the browser's microphone.
      const heard = await pageHears(phone, CALLER_HZ);
      console.log(`browser heard ${heard.hz.toFixed(0)} Hz at ${heard.db.toFixed(1)} dBFS`);
      await until(
        () => {
          const peak = callerHears(callerRtp);
          return Math.abs(peak.hz - BROWSER_HZ) <= 10 && peak.share > 0.5;
        },
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
      await event('LegEnded', agentLeg);
      await until(async () => (await phone.log()).includes('ended'), 5_000, 'BYE at the browser');
      const summary = await until(
        () => recordings.find((r) => r.path === recordingPath),
        5_000,
        'the recording',
      );
      expect(summary.error).toBeUndefined();
      const wav = parseWav(new Uint8Array(await readFile(recordingPath)));
      if (!wav.ok) throw new Error(wav.error.message);
      expect(wav.value.format.channels).toBe(2);
      const samples = wavSamples(wav.value);
      const left = peakFrequency(channel(samples, 0));
      const right = peakFrequency(channel(samples, 1));
      console.log(`recording: caller ${left.hz} Hz, agent ${right.hz} Hz`);
      expect(Math.abs(left.hz - CALLER_HZ)).toBeLessThanOrEqual(10);
      expect(Math.abs(right.hz - BROWSER_HZ)).toBeLessThanOrEqual(10);
      expect(port.openCount).toBe(0);
    } finally {
      for (const stop of stops.splice(0)) stop();
      await caller.close();
      callerRtp.close();
      await phone.close();
    }
  }, 90_000);

  it('hangs up a browser whose answer has neither PCMU nor Opus instead of leaving a call without audio', async () => {
    const phone = await RawSipPeer.websocket(`ws://127.0.0.1:${stack.httpPort}/sip`);
    try {
      expect((await phone.register('1003', DEMO_SIP_PASSWORD)).status).toBe(200);
      const agent = await stack.agent('agent3');
      const targets = await registrarAgentDevices(stack.telephony.registrar).targetsFor(
        agent.tenantId as TenantId,
        agent.userId,
      );
      expect(targets.map((t) => [t.uri.startsWith('sip:1003@'), t.webrtc])).toEqual([[true, true]]);
      const before = port.openCount;
      const originated = await control.execute({
        type: 'Originate',
        request: { targets, callerId: { number: '4008001234' }, timeoutMs: 30_000 },
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
      expect(await event('LegEnded', legId)).toMatchObject({ cause: 'media-failed', party: 'system' });
      expect(port.openCount).toBe(before);
    } finally {
      await phone.close();
    }
  }, 30_000);
});
