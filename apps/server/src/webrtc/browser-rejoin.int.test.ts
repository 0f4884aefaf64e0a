/**
 * A browser softphone that reloads mid-call takes the call back, end to end: headless Chromium
 * registers 1001 over SIP/WebSocket (`sip-softphone-test-page.ts`), a caller on TCP with a plain
 * PCMU RTP peer calls in (both pass the real admission gate with digest), the agent's browser is
 * rung with a WebRTC offer and bridged, recorded. Then the tab reloads: the call stays up while
 * the browser is gone (no audio is reported as `LegAudioLost`), the page registers again and
 * sends an INVITE with Replaces and a new offer, and audio flows both ways again in the same leg,
 * bridge and recording; a key the rejoined page presses (RFC 4733, under Chromium's own number for
 * telephone-event, not the one the agent's RTP leg was opened with) is heard on the agent's leg.
 * Without a rejoin the call ends once the grace period is over.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantId } from '@switchboard/kernel';
import { decodeG711, encodeG711, parseWav, ToneGenerator, wavSamples } from '@switchboard/media';
import {
  createDigestAuthorization,
  getHeader,
  getHeaderLines,
  selectDigestChallenge,
  type SipResponse,
} from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallControl, CallEvent, LegId } from '../calls';
import { MediaService, MediaWorkerPool, type RecordingSummary } from '../media';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import { attachCallControl } from '../telephony/attach-call-control';
import { InviteAdmission } from '../telephony/trunks/invite-admission';
import { uuidV7Ids } from '../uuid-v7';
import { MediaServicePort } from '../voice/media-service-port';
import { registrarAgentDevices } from '../voice/registrar-agent-devices';
import { RawSipPeer, peerSdp } from '../../test/support/raw-sip-peer';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';
import { ChromiumSoftphone, type SipSoftphonePage } from './chromium-softphone';
import { peakFrequency } from './tone-probe';

const BROWSER_HZ = 440;
const CALLER_HZ = 1000;
const HOTLINE = '4008001234';

let dir: string;
let wavPath: string;
let stack: SipTestStack;
let media: MediaService;
let port: MediaServicePort;
let control: CallControl;
let browser: ChromiumSoftphone;
const events: CallEvent[] = [];
const recordings: RecordingSummary[] = [];
/** Key presses the media layer detected, by call leg. */
const digits: { readonly legId: LegId; readonly digit: string }[] = [];
const stops: (() => void)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-browser-rejoin-'));
  wavPath = join(dir, 'mic-440.wav');
  // The agent's fake microphone: a 440 Hz sine, looped by Chromium while the track lives.
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    wavPath,
    'synth',
    '4',
    'sine',
    '440',
    'vol',
    '0.5',
  ]);
});

afterAll(async () => {
  for (const stop of stops.splice(0)) stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * SIP on loopback with `/sip` over WebSocket, admission by digest (no trunk), call control over
 * the real media layer, and Chromium; `rejoinGraceMs` is how long a browser's call waits for it.
 */
async function startCenter(onWorker: boolean, rejoinGraceMs?: number): Promise<void> {
  events.length = 0;
  recordings.length = 0;
  digits.length = 0;
  stack = await startSipTestStack({ http: true });
  const minPort = 34000 + 2 * Math.floor(Math.random() * 3000);
  const ports = { bindAddress: '127.0.0.1', minPort, maxPort: minPort + 99 };
  media = new MediaService({ ports });
  const workers = onWorker ? new MediaWorkerPool({ workers: 1, ports }) : undefined;
  port = new MediaServicePort({
    media,
    ...(workers === undefined ? {} : { workers }),
    // A reloading tab sends nothing for a second or two: reported after 1.5 s.
    webrtc: { ice: { bindAddress: '127.0.0.1' }, noRtpTimeoutMs: 1500 },
    onRecordingClosed: (summary) => recordings.push(summary),
    onDigit: (legId, digit) => digits.push({ legId, digit }),
  });
  const entryPoints = new RoutingConfigRepository(stack.database.db);
  const admission = new InviteAdmission({
    rules: () => [],
    numberOwner: async (dialed) => (await entryPoints.findEntryPointByNumber(dialed))?.tenantId,
    authenticator: stack.telephony.authenticator,
    onAuthFailure: () => undefined,
  });
  control = attachCallControl(stack.telephony, {
    media: port,
    inbound: { offer: () => ({ action: 'answer' }) },
    ids: uuidV7Ids(stack.clock),
    clock: stack.clock,
    admission: { admit: (request, source) => admission.decide(request, source) },
    ...(rejoinGraceMs === undefined ? {} : { rejoinGraceMs }),
  });
  control.onEvent((e) => events.push(e));
  browser = await ChromiumSoftphone.launch(wavPath);
}

async function stopCenter(): Promise<void> {
  await browser?.close();
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
  timeoutMs = 15_000,
): Promise<Extract<CallEvent, { type: T }>> {
  const found = (): Extract<CallEvent, { type: T }> | undefined =>
    events.find(
      (e): e is Extract<CallEvent, { type: T }> =>
        e.type === type && (legId === undefined || ('legId' in e && e.legId === legId)),
    );
  return until(found, timeoutMs, `${type}${legId === undefined ? '' : ` of ${legId}`}`);
}

/**
 * The caller, extension `user`, calls the hotline with `sdp`: challenged with 407, it sends the
 * INVITE again with Proxy-Authorization (RFC 3261 §22.3), then ACKs the 200.
 */
async function callIn(phone: RawSipPeer, user: string, sdp: string): Promise<SipResponse> {
  const callId = `caller-${randomUUID()}`;
  const uri = `sip:${HOTLINE}@127.0.0.1`;
  const from = `<sip:${user}@switchboard>;tag=caller`;
  const invite = (cseq: number, extra: string[]): string =>
    phone.requestText({
      method: 'INVITE',
      uri,
      from,
      to: `<${uri}>`,
      callId,
      cseq,
      extra: [`Contact: ${phone.contactOf(user)}`, ...extra, 'Content-Type: application/sdp'],
      body: sdp,
    });
  phone.send(invite(1, []));
  const challenged = await phone.next<SipResponse>((m) => m.kind === 'response' && m.status === 407);
  // The ACK of a final failure reuses the INVITE's branch (RFC 3261 §17.1.1.3).
  phone.send(
    [
      `ACK ${uri} SIP/2.0`,
      `Via: ${getHeader(challenged, 'Via')}`,
      'Max-Forwards: 70',
      `From: ${from}`,
      `To: ${getHeader(challenged, 'To')}`,
      `Call-ID: ${callId}`,
      'CSeq: 1 ACK',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  const challenge = selectDigestChallenge(getHeaderLines(challenged, 'Proxy-Authenticate'));
  if (challenge === undefined) throw new Error('no digest challenge');
  const credentials = createDigestAuthorization({
    challenge,
    username: user,
    password: DEMO_SIP_PASSWORD,
    method: 'INVITE',
    uri,
    nc: 1,
    cnonce: randomUUID().slice(0, 8),
  });
  phone.send(invite(2, [`Proxy-Authorization: ${credentials}`]));
  const ok = await phone.next<SipResponse>(
    (m) => m.kind === 'response' && m.status === 200 && m.callId === callId,
  );
  const contact = (getHeader(ok, 'Contact') ?? '').replace(/^<|>$/g, '');
  phone.send(
    phone.requestText({ method: 'ACK', uri: contact, from, to: getHeader(ok, 'To') ?? '', callId, cseq: 2 }),
  );
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

/** Whether the last second the caller received, among packets after `from`, is the browser's tone. */
function callerHearsBrowser(peer: RtpTestPeer, from: number): boolean {
  const packets = peer.rtp.slice(from).slice(-50);
  if (packets.length < 25) return false;
  const samples = new Int16Array(packets.length * 160);
  packets.forEach((p, i) =>
    decodeG711('pcmu', p.payload, samples.subarray(i * 160), Math.min(160, p.payload.length)),
  );
  const peak = peakFrequency(samples);
  return Math.abs(peak.hz - BROWSER_HZ) <= 10 && peak.share > 0.5;
}

function pageHearsCaller(phone: SipSoftphonePage): Promise<unknown> {
  return until(
    async () => {
      const peak = await phone.peak();
      return Math.abs(peak.hz - CALLER_HZ) <= 15 && peak.db > -40;
    },
    10_000,
    `the browser to hear ${CALLER_HZ} Hz`,
  );
}

/** One channel of an interleaved stereo recording. */
function channel(samples: Int16Array, index: 0 | 1): Int16Array {
  return Int16Array.from({ length: samples.length >> 1 }, (_, i) => samples[2 * i + index]!);
}

/**
 * 1001 registers in Chromium, 1002 calls the hotline and is answered, 1001's browser is rung and
 * bridged to the caller, recorded to `recordingPath`; resolves once audio flows both ways.
 */
async function bridgedCall(recordingPath: string) {
  const phone = await browser.openSipPhone(`http://127.0.0.1:${stack.httpPort}`);
  expect(await phone.register(`ws://127.0.0.1:${stack.httpPort}/sip`, '1001', DEMO_SIP_PASSWORD)).toBe(200);
  const caller = await RawSipPeer.stream(stack.ports.tcp);
  const callerRtp = await RtpTestPeer.open();
  const answered = await callIn(caller, '1002', peerSdp(callerRtp.address.port));
  const callerLeg = (await event('LegAnswered')).legId;
  callerTone(callerRtp, rtpAddressOf(Buffer.from(answered.body).toString()), CALLER_HZ);
  const agent = await stack.agent('agent1');
  const targets = await registrarAgentDevices(stack.telephony.registrar).targetsFor(
    agent.tenantId as TenantId,
    agent.userId,
  );
  expect(targets).toEqual([expect.objectContaining({ webrtc: true, peer: 'sip:1001@switchboard' })]);
  const originated = await control.execute({
    type: 'Originate',
    request: { targets, callerId: { number: HOTLINE }, timeoutMs: 30_000, near: callerLeg },
  });
  if (!originated.ok || originated.value.legId === undefined) throw new Error('Originate refused');
  const agentLeg = originated.value.legId;
  expect((await control.execute({ type: 'Bridge', legIds: [callerLeg, agentLeg], recordingPath })).ok).toBe(
    true,
  );
  await event('LegAnswered', agentLeg);
  await until(async () => (await phone.state()) === 'connected', 10_000, 'the browser to connect');
  await pageHearsCaller(phone);
  await until(() => callerHearsBrowser(callerRtp, 0), 10_000, `the caller to hear ${BROWSER_HZ} Hz`);
  const close = async (): Promise<void> => {
    for (const stop of stops.splice(0)) stop();
    await caller.close();
    callerRtp.close();
    await phone.close();
  };
  return { phone, caller, callerRtp, callerLeg, agentLeg, close };
}

describe('a browser softphone that reloads mid-call', () => {
  beforeAll(() => startCenter(true), 60_000);
  afterAll(() => stopCenter());

  it('rejoins the same call with INVITE and Replaces: audio both ways again, one leg, one recording', async () => {
    const recordingPath = join(dir, 'rejoined.wav');
    const call = await bridgedCall(recordingPath);
    const { phone, callerRtp, callerLeg, agentLeg } = call;
    try {
      const before = control.leg(agentLeg)?.dialog;
      if (before === undefined) throw new Error('the agent leg has no dialog');
      expect(await phone.keptDialog()).toMatchObject({
        callId: before.callId,
        localTag: before.remoteTag,
        remoteTag: before.localTag,
      });

      // F5: the peer connection and the WebSocket are gone, the call is not.
      await phone.reload();
      const lost = await event('LegAudioLost', agentLeg);
      expect(lost).toMatchObject({ direction: 'inbound' });
      expect(lost.silentForMs).toBeGreaterThanOrEqual(1500);
      expect(events.filter((e) => e.type === 'LegEnded')).toEqual([]);
      const heardBefore = callerRtp.rtp.length;

      // The page comes back: registers again and takes the call back with a new offer.
      expect(await phone.rejoin(DEMO_SIP_PASSWORD)).toBe(200);
      const replaced = await event('LegDialogReplaced', agentLeg);
      expect(replaced.replacedCallId).toBe(before.callId);
      expect((await phone.keptDialog())?.callId).toBe(replaced.callId);
      await until(async () => (await phone.state()) === 'connected', 10_000, 'the browser to connect again');
      await event('LegAudioRestored', agentLeg);

      // Audio both ways again, measured on what arrived after the rejoin only.
      await pageHearsCaller(phone);
      await until(
        () => callerHearsBrowser(callerRtp, heardBefore),
        10_000,
        `the caller to hear ${BROWSER_HZ} Hz again`,
      );

      // A key pressed on the rejoined page: Chromium's offer numbered telephone-event/8000 itself
      // (126), the agent's RTP leg still expects our 101; the press must reach the agent's leg
      // and, relayed as an event, the caller.
      expect(await phone.offeredEventType()).not.toBe(101);
      const eventsBefore = callerRtp.rtp.length;
      expect(await phone.dtmf('7')).toBe(true);
      await until(
        () => digits.find((d) => d.legId === agentLeg && d.digit === '7'),
        10_000,
        'key 7 on the agent leg',
      );
      expect(digits).toEqual([{ legId: agentLeg, digit: '7' }]);
      // RFC 4733 §2.3.1: the first payload octet is the event, 7 for the digit 7.
      await until(
        () => callerRtp.rtp.slice(eventsBefore).some((p) => p.payloadType === 101 && p.payload[0] === 7),
        5_000,
        'key 7 relayed to the caller as telephone-event 101',
      );

      // Still one call: the same two legs, one bridge; the old dialog was hung up (BYE) and only
      // the caller's and the new dialog are left.
      expect(events.filter((e) => e.type === 'LegOffered').map((e) => e.legId)).toEqual([
        callerLeg,
        agentLeg,
      ]);
      expect(events.filter((e) => e.type === 'LegsBridged')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'LegEnded')).toEqual([]);
      expect(control.leg(agentLeg)).toMatchObject({
        bridgedTo: callerLeg,
        dialog: { callId: replaced.callId },
      });
      expect(control.core.dialogs.get(before)).toBeUndefined();
      expect(control.activity()).toMatchObject({ links: 2, dialogs: 2, rejoins: 0 });

      // The caller hangs up: the BYE reaches the reloaded page over its new WebSocket, and the
      // one recording carries the agent before and after the reload.
      await control.execute({ type: 'HangUp', legId: callerLeg });
      await event('LegEnded', agentLeg);
      await until(async () => (await phone.log()).includes('ended'), 5_000, 'BYE at the reloaded page');
      const summary = await until(
        () => recordings.find((r) => r.path === recordingPath),
        5_000,
        'the recording',
      );
      expect(recordings.filter((r) => r.path === recordingPath)).toHaveLength(1);
      expect(summary.error).toBeUndefined();
      const wav = parseWav(new Uint8Array(await readFile(recordingPath)));
      if (!wav.ok) throw new Error(wav.error.message);
      const agentSide = channel(wavSamples(wav.value), 1);
      const lastSecond = agentSide.subarray(agentSide.length - 8000);
      expect(Math.abs(peakFrequency(lastSecond).hz - BROWSER_HZ)).toBeLessThanOrEqual(10);
      expect(Math.abs(peakFrequency(agentSide.subarray(0, 16000)).hz - BROWSER_HZ)).toBeLessThanOrEqual(10);
      expect(port.openCount).toBe(0);
    } finally {
      await call.close();
    }
  }, 120_000);
});

describe('a browser softphone that does not come back', () => {
  const GRACE_MS = 3000;
  beforeAll(() => startCenter(false, GRACE_MS), 60_000);
  afterAll(() => stopCenter());

  it('keeps the call for the grace period, then ends it and hangs up the caller', async () => {
    const call = await bridgedCall(join(dir, 'abandoned.wav'));
    const { phone, caller, callerLeg, agentLeg } = call;
    try {
      const closedAt = stack.clock.now();
      await phone.close();
      // No audio from the agent first, then the end: never before the grace period is over.
      await event('LegAudioLost', agentLeg);
      const ended = await event('LegEnded', agentLeg, GRACE_MS + 15_000);
      expect(ended).toMatchObject({ cause: 'timeout', party: 'system', answered: true });
      expect(ended.at - closedAt).toBeGreaterThanOrEqual(GRACE_MS);
      expect(await event('LegEnded', callerLeg)).toMatchObject({ answered: true, party: 'system' });
      const bye = await caller.request('BYE');
      caller.answer(bye, 200, 'OK');
      expect(control.activity()).toMatchObject({ legs: 0, rejoins: 0, silentLegs: 0 });
      await until(() => port.openCount === 0, 5_000, 'the media to be released');
    } finally {
      await call.close();
    }
  }, 90_000);
});
