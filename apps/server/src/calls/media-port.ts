import type { Rejection, Result } from '@switchboard/kernel';
import type { CallQuality } from '@switchboard/media';
import type { MediaDirection } from '@switchboard/sip';
import type { LegId } from './call-events';

/** Id of one media endpoint (RTP ports, codec state, player) held for a leg. */
export type MediaEndpointId = string;

/** What {@link MediaPort.open} needs: the leg, and the remote offer when the INVITE carried one. */
export interface OpenEndpointRequest {
  readonly legId: LegId;
  /** The remote SDP offer (inbound INVITE with SDP); absent when we make the offer. */
  readonly remoteOffer?: string;
  /** The leg is a browser softphone (WebRTC: ICE, DTLS-SRTP, Opus). */
  readonly webrtc?: boolean;
  /**
   * A leg this one is about to be connected to (the caller an agent's leg is rung for): media
   * placed on worker threads puts both on one thread, so their packets never cross threads.
   */
  readonly near?: LegId;
}

/** How {@link MediaPort.connect} relays. */
export interface ConnectOptions {
  /**
   * Records the connection (stereo: `a` left, `b` right) to this file, chosen by the server from
   * its own ids. A recording that cannot start is logged and the call is connected unrecorded.
   */
  readonly recordingPath?: string;
}

/**
 * How an endpoint takes part in a conference: `party` hears everyone else and is heard by all
 * (a caller, an agent, a third party); `listen` hears all and is heard by nobody; `whisper` hears
 * all and is heard by `whisperTo` only; `barge` is a party who joined later.
 */
export type ConferenceRole = 'party' | 'listen' | 'whisper' | 'barge';

/** A conference member's role, whisper target and mute; fields left out keep their value. */
export interface MemberOptions {
  readonly role?: ConferenceRole;
  /** For `whisper`: the endpoint that alone hears this one (the agent's). */
  readonly whisperTo?: MediaEndpointId;
  readonly muted?: boolean;
}

/** An open endpoint and our SDP: the answer to `remoteOffer`, else our offer. */
export interface MediaEndpoint {
  readonly id: MediaEndpointId;
  readonly localSdp: string;
}

/**
 * What the media layer's no-RTP watchdog saw on an endpoint: nothing received for `silentForMs`
 * (`lost`), or packets again after that (`restored`, with the whole gap).
 */
export interface MediaAudioReport {
  readonly endpoint: MediaEndpointId;
  readonly legId: LegId;
  readonly kind: 'lost' | 'restored';
  readonly silentForMs: number;
}

/**
 * A failure on an endpoint's media path (the media layer's `media-fault`): `send`, its socket
 * refused a packet and it sends nothing more until its remote changes; `receive`, handling a
 * received packet threw and that packet was dropped. `code` is stable (Node's error code).
 */
export interface MediaFaultReport {
  readonly endpoint: MediaEndpointId;
  readonly legId: LegId;
  readonly kind: 'send' | 'receive';
  readonly code: string;
  readonly message: string;
}

/** An endpoint's call quality, measured over its whole life, reported once when it is released. */
export interface MediaQualityReport {
  readonly endpoint: MediaEndpointId;
  readonly legId: LegId;
  readonly quality: CallQuality;
}

/**
 * What call control needs from the media layer (implemented over the RTP legs, player and bridge of
 * `apps/server/src/media`; {@link InMemoryMedia} stands in for tests). Call control never touches
 * RTP: it asks for SDP and tells the media layer which endpoints talk to which (RFC 3264 offer/answer
 * rules are the media layer's to apply, since it owns the ports, codecs and o= versions).
 *
 * `open` and `connect` may do I/O (bind sockets, open a recording) and are asynchronous; the SDP
 * calls are pure work on the endpoint's state and synchronous. A refused offer is a rejection with
 * `details.status` (488 Not Acceptable Here, RFC 3264 §6).
 */
export interface MediaPort {
  open(request: OpenEndpointRequest): Promise<Result<MediaEndpoint, Rejection>>;
  /** A new offer from us for a re-INVITE: hold (`sendonly`/`inactive`) or resume (`sendrecv`). */
  createOffer(endpoint: MediaEndpointId, direction: MediaDirection): Result<string, Rejection>;
  /** The remote's answer to our last offer (2xx of our INVITE, or the ACK of an offerless INVITE). */
  acceptAnswer(endpoint: MediaEndpointId, sdp: string): Result<void, Rejection>;
  /** A new offer from the remote (re-INVITE, UPDATE): our answer. */
  answerOffer(endpoint: MediaEndpointId, sdp: string): Result<string, Rejection>;
  /**
   * A new dialog takes the endpoint over (INVITE with Replaces, RFC 3891): our answer to its
   * offer, the endpoint's connections, recording and players untouched. For a browser leg the
   * answer is a new ICE/DTLS transport, hence asynchronous; without an offer, a plain RTP endpoint
   * makes one (its answer comes in the ACK) and a browser leg refuses (488). Absent: call control
   * uses {@link answerOffer}.
   */
  answerTakeover?(endpoint: MediaEndpointId, offer: string | undefined): Promise<Result<string, Rejection>>;
  /** Subscribes to the endpoints' no-RTP reports; returns the unsubscribe function. Optional. */
  onAudioReport?(listener: (report: MediaAudioReport) => void): () => void;
  /** Subscribes to the endpoints' media faults; returns the unsubscribe function. Optional. */
  onMediaFault?(listener: (report: MediaFaultReport) => void): () => void;
  /**
   * Subscribes to the quality reports of released endpoints; returns the unsubscribe function.
   * A report may come after `release` returns (media on a worker thread). Optional.
   */
  onQualityReport?(listener: (report: MediaQualityReport) => void): () => void;
  /** Relays audio (and RFC 4733 events) between two endpoints; the recorder hangs off here. */
  connect(a: MediaEndpointId, b: MediaEndpointId, options?: ConnectOptions): Promise<Result<void, Rejection>>;
  /**
   * Stops relaying between the two (hold, transfers); a conference they share ends. The call's
   * recording stays with the caller (`a` of the connection that started it), writing silence, and
   * goes on with the caller's next connection that names no new recording path; it is finished
   * when the caller's endpoint is released.
   */
  disconnect(a: MediaEndpointId, b: MediaEndpointId): void;
  /**
   * Adds `endpoint` to the audio of `to`: a two-party connection becomes a conference (its
   * recording carries on), a conference gains a member, an unconnected `to` starts one. An endpoint
   * already with `to` only changes how it takes part. A `whisper` needs a `whisperTo` in the call.
   */
  join(
    endpoint: MediaEndpointId,
    to: MediaEndpointId,
    options?: MemberOptions,
  ): Promise<Result<void, Rejection>>;
  /** Changes how a connected endpoint takes part: mode switch, mute. */
  updateMember(endpoint: MediaEndpointId, options: MemberOptions): Promise<Result<void, Rejection>>;
  /**
   * Takes the endpoint out of its conference: two unmuted parties left become a plain two-party
   * connection again, one left is disconnected. Leaving a two-party connection ends it.
   */
  leave(endpoint: MediaEndpointId): void;
  /** Plays music on hold into the endpoint until stopped or released. */
  startMusicOnHold(endpoint: MediaEndpointId): void;
  stopMusicOnHold(endpoint: MediaEndpointId): void;
  /** Closes the endpoint and gives its ports back; it leaves its bridge or conference. Idempotent. */
  release(endpoint: MediaEndpointId): void;
}
