import type { Rejection, Result } from '@switchboard/kernel';
import type { MemberOptions } from './conference';
import type { LegCodec, MediaLegEvents, MediaLegStats, RemoteMedia, RtpSink } from './media-leg-types';
import type { OpenLegRequest } from './media-service';
import type { BrowserLegReport, BrowserLegSettings } from './media-worker-protocol';

/** How a prompt played to a leg ended, as the voice context sees it. */
export type LegAudioEnd = 'completed' | 'stopped' | 'failed';

/** A leg as signalling drives it, whether its sockets are on this thread or a media worker's. */
export interface BackendLeg {
  readonly id: string;
  readonly codec: LegCodec;
  /** Our RTP address, for SDP. */
  readonly local: { readonly address: string; readonly rtpPort: number };
  setRemote(remote: RemoteMedia): void;
  /** Closes the leg: it leaves its call, its ports go back to the pool. */
  close(): void;
  on(event: 'dtmf', listener: (e: MediaLegEvents['dtmf']) => void): unknown;
  /** The no-RTP watchdog: nothing received for a while, then packets again. */
  on(event: 'rtp-timeout' | 'rtp-resumed', listener: (e: MediaLegEvents['rtp-timeout']) => void): unknown;
  /** A refused send or a failed receive, once per kind until the remote changes (`MediaFault`). */
  on(event: 'media-fault', listener: (e: MediaLegEvents['media-fault']) => void): unknown;
  /** The leg closed, with its final figures (none when its media worker failed). */
  on(event: 'closed', listener: (e: { readonly stats?: MediaLegStats }) => void): unknown;
}

/**
 * A leg's received packets, taken on the main thread (voicemail recording): set a sink to take
 * them, none to give them back. `closed` comes when the leg closes.
 */
export interface TappableLeg {
  readonly codec: LegCodec;
  setSink(sink: RtpSink | undefined): void;
  on(event: 'closed', listener: () => void): unknown;
  off(event: 'closed', listener: () => void): unknown;
}

/** Prompts and music on hold of one leg, through one player so they never overlap. */
export interface LegAudio {
  /** Plays the WAV at `path`; `onEnd` once when it ends, never after the handle's `stop()`. */
  playPrompt(path: string, onEnd: (end: LegAudioEnd) => void): { stop(): void };
  /** Loops the hold music until {@link stopMusic}; a second start does nothing. */
  startMusic(): void;
  stopMusic(): void;
  /** Stops whatever plays (the leg is about to be connected). */
  stopAll(): void;
  /** Stops and detaches; nothing plays afterwards. */
  dispose(): void;
}

/** A request to open a leg, with the leg it will likely be connected to (see `near`). */
export interface BackendOpenLeg extends OpenLegRequest {
  /** Placement hint: media on worker threads puts this leg on the worker of `near`. */
  readonly near?: string;
}

/** A browser's media opened where the backend runs its legs (see {@link MediaBackend.openBrowserLeg}). */
export interface BackendOpenBrowserLeg {
  /** The RTP leg's id. */
  readonly id: string;
  /** The browser's offer (it called us); absent when we offer first. */
  readonly remoteOffer?: string;
  readonly near?: string;
  readonly settings: BrowserLegSettings;
}

/** A browser's WebRTC leg on a media worker, in front of its RTP leg there. */
export interface BackendBrowserLeg {
  /** The RTP leg behind the WebRTC leg: what bridges, recordings and players use. */
  readonly rtp: BackendLeg;
  /** Our offer or answer, candidates included. */
  readonly sdp: string;
  /** Hands the browser's answer to our offer over (checked here first, see `usableAnswer`). */
  acceptAnswer(sdp: string): void;
  /** A reloaded page's new offer; our answer, or a refusal with its SIP status. */
  rejoin(offer: string): Promise<Result<string, Rejection>>;
  /** Closes the WebRTC leg (the RTP leg is closed on its own). */
  close(): void;
}

/**
 * The media layer as signalling uses it: legs, their audio, and who hears whom (bridges and
 * conferences by leg, see `MediaConnections`). Implemented in process ({@link InProcessMediaBackend})
 * and over media worker threads ({@link WorkerMediaBackend}), so the server picks one by setting.
 * Finished recordings are reported through the callback each implementation is built with.
 */
export interface MediaBackend {
  openLeg(request: BackendOpenLeg): Promise<Result<BackendLeg, Rejection>>;
  /**
   * Opens a browser's WebRTC leg (werift) and its RTP leg together on the thread that will carry
   * the call, where the backend has such threads (media workers); without this method the WebRTC
   * leg runs on this thread in front of an {@link openLeg} leg.
   */
  openBrowserLeg?(
    request: BackendOpenBrowserLeg,
    onReport: (report: BrowserLegReport) => void,
  ): Promise<Result<BackendBrowserLeg, Rejection>>;
  audio(leg: BackendLeg): LegAudio;
  /** The leg's packets for a consumer on this thread (packets of a worker leg cross to it). */
  tap(leg: BackendLeg): TappableLeg;
  /** Bridges `a` (recording's left channel) and `b`; a recording that cannot start is refused. */
  connect(a: BackendLeg, b: BackendLeg, recordingPath?: string): Promise<Result<void, Rejection>>;
  /**
   * Dissolves the call `leg` is in; its recording stays with its caller (silence) until the caller
   * is connected again or closes (see `MediaConnections.disconnect`).
   */
  disconnect(leg: BackendLeg): void;
  /**
   * Pauses or resumes the recording `leg`'s call is written to (silence while paused); false when
   * nothing records it.
   */
  pauseRecording(leg: BackendLeg, paused: boolean): boolean;
  /** Whether a recording is written for `leg`'s call (as this thread knows it). */
  isRecording(leg: BackendLeg): boolean;
  join(leg: BackendLeg, to: BackendLeg, options: MemberOptions): Promise<Result<void, Rejection>>;
  update(leg: BackendLeg, options: MemberOptions): Promise<Result<void, Rejection>>;
  leave(leg: BackendLeg): void;
  /** Closes every leg, finishing recordings (shutdown). */
  close(): Promise<void>;
}
