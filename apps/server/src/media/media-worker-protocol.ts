import type { MessagePort } from 'node:worker_threads';
import type { Rejection } from '@switchboard/kernel';
import type { CallQuality, TelephoneEventName, ToneSpec } from '@switchboard/media';
import type { PeerIceOptions, WebRtcEndpointEvent } from '../webrtc';
import type { RecordingEncoding, RecordingSummary } from './call-recorder';
import type { MemberOptions } from './conference';
import type { LegCodec, MediaLegEvents, MediaLegStats, RemoteMedia } from './media-leg-types';
import type { MediaServiceHoldings } from './media-service';
import type { LoopLag } from './loop-lag-probe';
import type { MediaTickerStats } from './media-ticker';
import type { PlayOptions, PlayerEvents } from './player';
import type { RtpPortPoolOptions } from './rtp-port-pool';
import type { SourceLatchOptions } from './source-latch';
import type { ThreadScheduling } from './thread-priority';

// Messages between the main thread and a media worker. Only control travels here (a few messages
// per call: open, bridge, events, close); RTP never crosses threads. Everything is plain data
// for the structured clone of `postMessage`.

/** What a worker is started with (its `workerData`). */
export interface MediaWorkerSetup {
  /** The worker's own slice of the RTP port range. */
  readonly ports: RtpPortPoolOptions;
  readonly noRtpTimeoutMs?: number;
  readonly latch?: SourceLatchOptions;
  readonly recordingEncoding?: RecordingEncoding;
  readonly inBandDtmf?: boolean;
  /** SCHED_RR priority (1–99) the worker thread asks for at start; unset or 0 keeps it ordinary. */
  readonly realtimePriority?: number;
}

/** Something to play, as data: prompts travel by path and are loaded (once) by the worker. */
export type WorkerPlaybackItem =
  | { readonly kind: 'prompt'; readonly path: string }
  | { readonly kind: 'tone'; readonly tone: ToneSpec; readonly durationMs?: number }
  | { readonly kind: 'silence'; readonly durationMs: number };

/** Opening a leg on a worker. */
export interface WorkerOpenLeg {
  readonly id: string;
  readonly codec: LegCodec;
  readonly remote?: RemoteMedia;
  /** Forward each RTCP report to the main thread (one message per leg every few seconds). */
  readonly reportRtcp?: boolean;
}

/**
 * Opening a browser softphone's media on a worker: its WebRTC leg (werift: ICE, DTLS-SRTP) and
 * the RTP leg behind it (`WebRtcEndpoint`), both on that worker's thread, so neither the browser's
 * packets nor its cryptography touch the main thread.
 */
export interface WorkerOpenBrowserLeg {
  /** The RTP leg's id, which the leg commands (`bridge`, `connect`, `play`…) name. */
  readonly id: string;
  /** The browser's offer (it called us); absent when we offer first. */
  readonly remoteOffer?: string;
  readonly settings: BrowserLegSettings;
}

/** How a worker builds a browser's WebRTC leg (plain data: it travels in `postMessage`). */
export interface BrowserLegSettings {
  readonly ice?: PeerIceOptions;
  readonly noRtpTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/** Commands that expect a reply carry `seq`; the reply echoes it. */
export type MediaWorkerCommand =
  | ({ readonly op: 'open-leg'; readonly seq: number } & WorkerOpenLeg)
  | { readonly op: 'set-remote'; readonly leg: string; readonly remote: RemoteMedia }
  | {
      readonly op: 'send-dtmf';
      readonly leg: string;
      readonly digit: TelephoneEventName;
      readonly durationMs?: number;
    }
  | { readonly op: 'close-leg'; readonly leg: string }
  | { readonly op: 'leg-stats'; readonly seq: number; readonly leg: string }
  | {
      readonly op: 'bridge';
      readonly seq: number;
      readonly bridge: string;
      readonly caller: string;
      readonly agent: string;
      readonly recordingPath?: string;
    }
  | { readonly op: 'pause-recording'; readonly bridge: string; readonly paused: boolean }
  | { readonly op: 'unbridge'; readonly seq: number; readonly bridge: string }
  | {
      readonly op: 'play';
      readonly seq: number;
      readonly leg: string;
      readonly item: WorkerPlaybackItem;
      readonly options?: PlayOptions;
    }
  | { readonly op: 'stop-playback'; readonly leg: string }
  | { readonly op: 'close-all'; readonly seq: number }
  /** Connections by leg id (see `MediaConnections`); a leg of another worker is imported first. */
  | {
      readonly op: 'connect';
      readonly seq: number;
      readonly a: string;
      readonly b: string;
      readonly recordingPath?: string;
    }
  /** With `keepRecording` the recording stays with its caller (see `MediaConnections.disconnect`). */
  | { readonly op: 'disconnect'; readonly leg: string; readonly keepRecording?: boolean }
  /** Pauses or resumes the recording `leg` is in or holds (see `MediaConnections.pauseRecording`). */
  | { readonly op: 'pause-leg-recording'; readonly leg: string; readonly paused: boolean }
  | {
      readonly op: 'join';
      readonly seq: number;
      readonly leg: string;
      readonly to: string;
      readonly options?: MemberOptions;
    }
  | {
      readonly op: 'update-member';
      readonly seq: number;
      readonly leg: string;
      readonly options: MemberOptions;
    }
  | { readonly op: 'leave'; readonly leg: string }
  /** The leg's packets go to `port` and what comes back from it is sent (see `LegExport`). */
  | { readonly op: 'export-leg'; readonly seq: number; readonly leg: string; readonly port: MessagePort }
  /** A leg of another worker, reached over `port`, joins this worker's connections. */
  | {
      readonly op: 'import-leg';
      readonly seq: number;
      readonly leg: string;
      readonly codec: LegCodec;
      readonly port: MessagePort;
    }
  | { readonly op: 'unexport'; readonly leg: string }
  /** A prompt played once (a voicemail): its decoded audio leaves the worker's cache. */
  | { readonly op: 'forget-prompt'; readonly path: string }
  | { readonly op: 'drop-import'; readonly leg: string }
  | ({ readonly op: 'open-browser-leg'; readonly seq: number } & WorkerOpenBrowserLeg)
  /** The browser's answer to our offer; werift's refusal comes back as an `answer-refused` event. */
  | { readonly op: 'browser-answer'; readonly leg: string; readonly sdp: string }
  /** A reloaded page's new offer (INVITE with Replaces); the reply is our answer. */
  | { readonly op: 'browser-rejoin'; readonly seq: number; readonly leg: string; readonly offer: string }
  /** Closes the WebRTC leg in front of RTP leg `leg` (the RTP leg is closed on its own). */
  | { readonly op: 'close-browser'; readonly leg: string }
  /** Timing health since the previous `health` with `reset` (or since start). */
  | { readonly op: 'health'; readonly seq: number; readonly reset?: boolean }
  /** Fault injection: the worker throws from its event loop, as a bug would. */
  | { readonly op: 'crash'; readonly message: string };

/** Events a worker reports; leg and player events carry the same payloads as in-process. */
export type MediaWorkerEvent =
  | { readonly ev: 'reply'; readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly ev: 'reply'; readonly seq: number; readonly ok: false; readonly error: Rejection }
  | {
      readonly ev: 'leg';
      readonly leg: string;
      readonly name: Exclude<keyof MediaLegEvents, 'closed'>;
      readonly payload: unknown;
    }
  | { readonly ev: 'leg-closed'; readonly leg: string; readonly stats: MediaLegStats }
  | {
      readonly ev: 'player';
      readonly leg: string;
      readonly name: keyof PlayerEvents;
      readonly payload: unknown;
    }
  /** What a browser's WebRTC leg reports (transport, no-RTP), by its RTP leg's id. */
  | { readonly ev: 'browser'; readonly leg: string; readonly event: WebRtcEndpointEvent }
  /** A browser's call quality, measured on its WebRTC transport, once its leg closed. */
  | { readonly ev: 'browser-quality'; readonly leg: string; readonly quality: CallQuality }
  /** A recording of this worker's connections was finished (or failed while writing). */
  | { readonly ev: 'recording-closed'; readonly summary: RecordingSummary };

/** Reply value of `open-leg`. */
export interface WorkerLegOpened {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
}

/** What a browser's WebRTC leg on a worker reports: its events, and its quality at the end. */
export type BrowserLegReport = Extract<MediaWorkerEvent, { ev: 'browser' | 'browser-quality' }>;

/** Reply value of `open-browser-leg`: our SDP, and the RTP leg behind it. */
export interface WorkerBrowserLegOpened {
  readonly sdp: string;
  readonly codec: LegCodec;
  readonly rtp: WorkerLegOpened;
}

/**
 * What a worker holds, for leak checks: every figure is zero once every call on it is over. A
 * worker lives as long as the server, through millions of calls; a leg, ticker subscriber or port
 * left behind by each would cost CPU on every tick and, in the end, the whole port range.
 */
export interface MediaWorkerActivity extends MediaServiceHoldings {
  readonly legs: number;
  /** Browsers' WebRTC legs (werift) on this worker. */
  readonly browserLegs: number;
  readonly players: number;
  /** Bridges made with the `bridge` command. */
  readonly bridges: number;
  /** Legs of other workers mixed here, and legs of this one exported to be mixed elsewhere. */
  readonly imports: number;
  readonly exports: number;
  /** Legs in a bridge or conference, and recordings kept for a caller connected to nobody. */
  readonly connectedLegs: number;
  readonly heldRecordings: number;
}

/** A worker with no call on it. */
export const IDLE_WORKER_ACTIVITY: MediaWorkerActivity = {
  legs: 0,
  browserLegs: 0,
  players: 0,
  bridges: 0,
  imports: 0,
  exports: 0,
  connectedLegs: 0,
  heldRecordings: 0,
  tickerSubscribers: 0,
  portPairs: 0,
  sockets: 0,
};

/** Reply value of `health`: is the worker keeping its 20 ms schedule, and what does it hold? */
export interface MediaWorkerHealth {
  readonly activity: MediaWorkerActivity;
  readonly ticker: MediaTickerStats;
  /** How late the worker's timers fired (its ticker's wait) since the last reset. */
  readonly timerLag: LoopLag;
  /** The worker thread's scheduling (absent where the native half is not available). */
  readonly scheduling?: ThreadScheduling;
  /** Why the real-time priority asked for was refused (an errno name such as `EPERM`). */
  readonly realtimeRefused?: string;
}

/** Reply value of `unbridge`: the recording's outcome when the bridge recorded. */
export type WorkerUnbridged = RecordingSummary | undefined;
