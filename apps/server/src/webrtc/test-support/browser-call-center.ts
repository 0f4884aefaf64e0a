/**
 * A contact center for calls between a SIP caller and an agent's browser softphone: SIP on
 * loopback with `/sip` over WebSocket, call control over the real media layer (in process or on a
 * media worker thread), and a headless Chromium with the fake microphone. It keeps what call
 * control and the media layer report (call events, recordings, key presses) for the test to await.
 */
import { expect } from 'vitest';
import type { CallControl, CallEvent, LegId, OriginateTarget } from '../../calls';
import { MediaService, MediaWorkerPool, type RecordingSummary } from '../../media';
import type { RtpTestPeer } from '../../media/rtp-test-peer';
import { MediaServicePort } from '../../voice/media-service-port';
import { callControlRig, digestAdmission } from '../../../test/support/call-control-rig';
import { peerSdp, type RawSipPeer } from '../../../test/support/raw-sip-peer';
import {
  DEMO_SIP_PASSWORD,
  startSipTestStack,
  type SipTestStack,
} from '../../../test/support/sip-test-stack';
import { ChromiumSoftphone } from '../chromium-softphone';
import type { WebRtcEndpointOptions } from '../webrtc-endpoint';
import { rtpAddressOf, sendPcmuTone } from './pcmu-caller';
import { testPortRange } from '../../../test/support/test-ports';

/** The demo shop's hotline, which callers dial and agents are rung from. */
export const HOTLINE = '4008001234';

/** How {@link startBrowserCallCenter} sets the center up. */
export interface BrowserCallCenterOptions {
  /** The WAV Chromium plays as its microphone (see `fakeMicrophone`). */
  readonly microphone: string;
  /** Media on one media worker thread, as the live server runs it by default; else in process. */
  readonly onWorker?: boolean;
  /** The browser legs' watchdog and events; ICE is always bound to loopback. */
  readonly webrtc?: Pick<WebRtcEndpointOptions, 'noRtpTimeoutMs' | 'onEvent'>;
  /** INVITEs pass the real admission gate, by digest (no trunk); else every INVITE is answered. */
  readonly digestAdmission?: boolean;
  /** How long a browser's call waits for it to rejoin; call control's default when absent. */
  readonly rejoinGraceMs?: number;
}

/** A key press the media layer detected, by call leg. */
export interface DetectedDigit {
  readonly legId: LegId;
  readonly digit: string;
}

export interface BrowserCallCenter {
  readonly stack: SipTestStack;
  readonly port: MediaServicePort;
  /** The media worker (`onWorker`), where browsers' WebRTC legs run too. */
  readonly workers: MediaWorkerPool | undefined;
  readonly control: CallControl;
  readonly browser: ChromiumSoftphone;
  /** Call control's events, in order; a test may empty it between calls. */
  readonly events: CallEvent[];
  readonly recordings: RecordingSummary[];
  readonly digits: DetectedDigit[];
  /** The first event of `type` (of `legId` when given) so far or to come; fails after `timeoutMs`. */
  event<T extends CallEvent['type']>(
    type: T,
    legId?: LegId,
    timeoutMs?: number,
  ): Promise<Extract<CallEvent, { type: T }>>;
  /** The devices `username` (a demo agent) is rung on, as routing would ring them. */
  agentTargets(username: string): Promise<readonly OriginateTarget[]>;
  /**
   * Extension 1002 on `phone` calls the hotline with `rtp` as its media (answering the digest
   * challenge when the center admits by digest) and is answered by our media; its microphone then
   * plays `hz` (stop it with `stopTone`).
   */
  answeredCaller(phone: RawSipPeer, rtp: RtpTestPeer, hz: number): Promise<AnsweredCaller>;
  /**
   * Rings `targets` near `callerLeg` and bridges the two, recorded to `recordingPath`; resolves
   * with the agent's leg once it answered.
   */
  ringAndBridge(targets: readonly OriginateTarget[], callerLeg: LegId, recordingPath: string): Promise<LegId>;
  /** Closes Chromium, the media and the SIP stack. */
  close(): Promise<void>;
}

/** A caller answered by our media, playing its tone. */
export interface AnsweredCaller {
  readonly legId: LegId;
  readonly stopTone: () => void;
}

/** Starts the center; see {@link BrowserCallCenter}. */
export async function startBrowserCallCenter(options: BrowserCallCenterOptions): Promise<BrowserCallCenter> {
  const recordings: RecordingSummary[] = [];
  const digits: DetectedDigit[] = [];
  const stack = await startSipTestStack({ http: true });
  const ports = { bindAddress: '127.0.0.1', ...testPortRange(100) };
  const media = new MediaService({ ports });
  const workers = options.onWorker === true ? new MediaWorkerPool({ workers: 1, ports }) : undefined;
  const port = new MediaServicePort({
    media,
    ...(workers === undefined ? {} : { workers }),
    webrtc: { ice: { bindAddress: '127.0.0.1' }, ...options.webrtc },
    onRecordingClosed: (summary) => recordings.push(summary),
    onDigit: (legId, digit) => digits.push({ legId, digit }),
  });
  const rig = callControlRig(stack, {
    media: port,
    ...(options.digestAdmission === true ? { admission: digestAdmission(stack) } : {}),
    ...(options.rejoinGraceMs === undefined ? {} : { rejoinGraceMs: options.rejoinGraceMs }),
  });
  const { control, events } = rig;
  const browser = await ChromiumSoftphone.launch(options.microphone);
  const event: BrowserCallCenter['event'] = (type, legId, timeoutMs = 15_000) =>
    rig.event(type, legId, timeoutMs);

  return {
    stack,
    port,
    workers,
    control,
    browser,
    events,
    recordings,
    digits,
    event,
    agentTargets: (username) => rig.targetsOf(username),
    async answeredCaller(phone, rtp, hz) {
      const answered = await phone.call('1002', HOTLINE, peerSdp(rtp.address.port), DEMO_SIP_PASSWORD);
      const legId = (await event('LegAnswered')).legId;
      const stopTone = sendPcmuTone(rtp, rtpAddressOf(Buffer.from(answered.body).toString()), hz);
      return { legId, stopTone };
    },
    async ringAndBridge(targets, callerLeg, recordingPath) {
      const originated = await control.execute({
        type: 'Originate',
        request: { targets, callerId: { number: HOTLINE }, timeoutMs: 30_000, near: callerLeg },
      });
      if (!originated.ok || originated.value.legId === undefined) throw new Error('Originate refused');
      const agentLeg = originated.value.legId;
      const bridged = await control.execute({ type: 'Bridge', legIds: [callerLeg, agentLeg], recordingPath });
      expect(bridged.ok).toBe(true);
      await event('LegAnswered', agentLeg);
      return agentLeg;
    },
    async close() {
      // Chromium first: a socket it keeps open to the HTTP server would hold the server's close
      // until it times out.
      await browser.close();
      // Closing the port closes its media workers too.
      await port.closeAll();
      media.closeAll();
      await stack.close();
    },
  };
}
