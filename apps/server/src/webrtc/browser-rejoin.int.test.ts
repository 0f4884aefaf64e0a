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
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { RawSipPeer } from '../../test/support/raw-sip-peer';
import { DEMO_SIP_PASSWORD } from '../../test/support/sip-test-stack';
import { startBrowserCallCenter, type BrowserCallCenter } from './test-support/browser-call-center';
import {
  BROWSER_HZ,
  fakeMicrophone,
  pageHears,
  until,
  type FakeMicrophone,
} from './test-support/chromium-call';
import { callerHearsTone, readStereoRecording } from './test-support/pcmu-caller';
import { peakFrequency } from './tone-probe';

const CALLER_HZ = 1000;

let mic: FakeMicrophone;
let center: BrowserCallCenter;
const stops: (() => void)[] = [];

beforeAll(async () => {
  mic = await fakeMicrophone('sb-browser-rejoin-');
});

afterAll(async () => {
  for (const stop of stops.splice(0)) stop();
  await mic?.remove();
});

/**
 * The center with admission by digest (no trunk); `rejoinGraceMs` is how long a browser's call
 * waits for it.
 */
async function startCenter(onWorker: boolean, rejoinGraceMs?: number): Promise<void> {
  center = await startBrowserCallCenter({
    microphone: mic.wav,
    onWorker,
    // A reloading tab sends nothing for a second or two: reported after 1.5 s.
    webrtc: { noRtpTimeoutMs: 1500 },
    digestAdmission: true,
    ...(rejoinGraceMs === undefined ? {} : { rejoinGraceMs }),
  });
}

/**
 * 1001 registers in Chromium, 1002 calls the hotline and is answered, 1001's browser is rung and
 * bridged to the caller, recorded to `recordingPath`; resolves once audio flows both ways.
 */
async function bridgedCall(recordingPath: string) {
  const { stack } = center;
  const phone = await center.browser.openSipPhone(`http://127.0.0.1:${stack.httpPort}`);
  expect(await phone.register(`ws://127.0.0.1:${stack.httpPort}/sip`, '1001', DEMO_SIP_PASSWORD)).toBe(200);
  const caller = await RawSipPeer.stream(stack.ports.tcp);
  const callerRtp = await RtpTestPeer.open();
  const answered = await center.answeredCaller(caller, callerRtp, CALLER_HZ);
  stops.push(answered.stopTone);
  const callerLeg = answered.legId;
  const targets = await center.agentTargets('agent1');
  expect(targets).toEqual([expect.objectContaining({ webrtc: true, peer: 'sip:1001@switchboard' })]);
  const agentLeg = await center.ringAndBridge(targets, callerLeg, recordingPath);
  await until(async () => (await phone.state()) === 'connected', 10_000, 'the browser to connect');
  await pageHears(phone, CALLER_HZ);
  await until(() => callerHearsTone(callerRtp, BROWSER_HZ), 10_000, `the caller to hear ${BROWSER_HZ} Hz`);
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
  afterAll(() => center?.close());

  it('rejoins the same call with INVITE and Replaces: audio both ways again, one leg, one recording', async () => {
    const { control, port, events, digits, recordings, event } = center;
    const recordingPath = join(mic.dir, 'rejoined.wav');
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
      await pageHears(phone, CALLER_HZ);
      await until(
        () => callerHearsTone(callerRtp, BROWSER_HZ, heardBefore),
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
      const agentSide = (await readStereoRecording(recordingPath)).right;
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
  afterAll(() => center?.close());

  it('keeps the call for the grace period, then ends it and hangs up the caller', async () => {
    const { stack, control, port, event } = center;
    const call = await bridgedCall(join(mic.dir, 'abandoned.wav'));
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
