/**
 * Call control's {@link MediaPort} over the in-process {@link MediaService}: SDP offer/answer with
 * the `sip` package's negotiation (RFC 3264), one RTP leg per endpoint, bridges for connected
 * endpoints, a looping player for music on hold, and the leg's RFC 4733 key presses reported by
 * call leg id. The same object plays the voice context's prompts ({@link MediaServicePort.promptPlayer})
 * and music on hold ({@link MediaServicePort.holdMusic}), since both address callers by leg.
 */
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import {
  createAnswer,
  createOffer,
  parseSdp,
  serializeSdp,
  type LocalAudio,
  type MediaDirection,
  type NegotiatedAudio,
  type SessionDescription,
} from '@switchboard/sip';
import type {
  ConnectOptions,
  LegId,
  MediaEndpoint,
  MediaEndpointId,
  MediaPort,
  OpenEndpointRequest,
} from '../calls';
import type { Bridge, LegCodec, MediaLeg, MediaService, PlaybackItem, RecordingSummary } from '../media';
import { sipStatusOfMediaRejection } from '../media';
import { LegPlayback } from './leg-playback';
import type { HoldMusic, PromptPlayer } from './voice-ports';

/** Options of {@link MediaServicePort}. */
export interface MediaServicePortOptions {
  readonly media: MediaService;
  /** The address our SDP advertises; default the address the RTP sockets are bound to. */
  readonly advertisedAddress?: string;
  /** A key the caller pressed (RFC 4733), e.g. `voice.digit`. */
  readonly onDigit?: (legId: LegId, digit: string) => void;
  /** What music on hold loops; default silence, which still keeps NAT bindings and the stream alive. */
  readonly musicOnHold?: () => Promise<PlaybackItem | undefined>;
  /**
   * Where a connection is recorded (stereo WAV) when `connect` names no path, or `undefined` not
   * to record it.
   */
  readonly recordingPath?: (a: LegId, b: LegId) => string | undefined;
  /** A recording was closed (unbridge, hold, hang-up) or could not start (`error`). */
  readonly onRecordingClosed?: (summary: RecordingSummary) => void;
  /** Why a recording could not start; the call is connected unrecorded. */
  readonly onRecordingFailed?: (path: string, rejection: Rejection) => void;
}

interface Endpoint {
  readonly id: MediaEndpointId;
  readonly legId: LegId;
  readonly leg: MediaLeg;
  readonly playback: LegPlayback;
  version: number;
  bridge: Bridge | undefined;
}

/**
 * Our own offers (agent devices, callbacks) list PCMU only: a leg's law is fixed when its sockets
 * open, before the answer says which law the remote picked.
 */
const OFFER_CODEC: LegCodec = { law: 'pcmu', payloadType: 0, telephoneEventPayloadType: 101 };

/** The RTP media layer behind call control. */
export class MediaServicePort implements MediaPort {
  private readonly endpoints = new Map<MediaEndpointId, Endpoint>();
  private readonly byLeg = new Map<LegId, Endpoint>();
  private seq = 0;

  constructor(private readonly o: MediaServicePortOptions) {}

  /** Endpoints not yet released: zero once every call is over. */
  get openCount(): number {
    return this.endpoints.size;
  }

  /** The RTP leg serving a call leg, while it is open (for tests and diagnostics). */
  legOf(legId: LegId): MediaLeg | undefined {
    return this.byLeg.get(legId)?.leg;
  }

  async open(request: OpenEndpointRequest): Promise<Result<MediaEndpoint, Rejection>> {
    if (request.webrtc)
      return reject('MEDIA.WEBRTC_UNSUPPORTED', 'WebRTC legs need the WebRTC media layer', { status: 488 });
    const offer = request.remoteOffer === undefined ? undefined : negotiate(request.remoteOffer, 'sendrecv');
    if (offer !== undefined && !offer.ok) return offer;
    const codec = offer === undefined ? OFFER_CODEC : codecOf(offer.value);
    const remote = offer?.value.remote;
    const opened = await this.o.media.openLeg({ id: request.legId, codec, ...(remote ? { remote } : {}) });
    if (!opened.ok) {
      const { status } = sipStatusOfMediaRejection(opened.error);
      return reject(opened.error.code, opened.error.message, { ...opened.error.details, status });
    }
    const e = this.track(request.legId, opened.value);
    const sdp =
      request.remoteOffer === undefined
        ? serializeSdp(createOffer(this.local(e, 'sendrecv')))
        : this.answer(e, request.remoteOffer);
    if (typeof sdp !== 'string') {
      this.release(e.id);
      return sdp;
    }
    return ok({ id: e.id, localSdp: sdp });
  }

  createOffer(id: MediaEndpointId, direction: MediaDirection): Result<string, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    e.version += 1;
    return ok(serializeSdp(createOffer(this.local(e, direction))));
  }

  acceptAnswer(id: MediaEndpointId, sdp: string): Result<void, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    const parsed = parseSdp(sdp);
    if (!parsed.ok) return reject('MEDIA.BAD_SDP', parsed.error.message, { status: 400 });
    const remote = remoteOf(parsed.value);
    if (remote !== undefined) e.leg.setRemote(remote);
    return ok(undefined);
  }

  answerOffer(id: MediaEndpointId, sdp: string): Result<string, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    e.version += 1;
    const answer = this.answer(e, sdp);
    return typeof answer === 'string' ? ok(answer) : answer;
  }

  async connect(
    a: MediaEndpointId,
    b: MediaEndpointId,
    options?: ConnectOptions,
  ): Promise<Result<void, Rejection>> {
    const ea = this.endpoints.get(a);
    const eb = this.endpoints.get(b);
    if (ea === undefined) return unknown(a);
    if (eb === undefined) return unknown(b);
    this.disconnect(a, b);
    // Prompts or music would otherwise interleave with the other party's voice.
    ea.playback.stopAll();
    eb.playback.stopAll();
    const path = options?.recordingPath ?? this.o.recordingPath?.(ea.legId, eb.legId);
    let bridged = await this.o.media.bridge(ea.leg, eb.leg, path);
    if (!bridged.ok && path !== undefined) {
      // A full disk must not cost the caller their agent: talk unrecorded, and say so.
      this.o.onRecordingFailed?.(path, bridged.error);
      this.o.onRecordingClosed?.({ path, dataBytes: 0, durationMs: 0, pausedMs: 0, error: bridged.error });
      bridged = await this.o.media.bridge(ea.leg, eb.leg);
    }
    if (!bridged.ok) return bridged;
    ea.bridge = bridged.value;
    eb.bridge = bridged.value;
    return ok(undefined);
  }

  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    this.unbridge(this.endpoints.get(a));
    this.unbridge(this.endpoints.get(b));
  }

  startMusicOnHold(id: MediaEndpointId): void {
    this.endpoints.get(id)?.playback.startMusic();
  }

  stopMusicOnHold(id: MediaEndpointId): void {
    this.endpoints.get(id)?.playback.stopMusic();
  }

  release(id: MediaEndpointId): void {
    const e = this.endpoints.get(id);
    if (e === undefined) return;
    this.unbridge(e);
    e.playback.dispose();
    e.leg.close();
    this.endpoints.delete(id);
    if (this.byLeg.get(e.legId) === e) this.byLeg.delete(e.legId);
  }

  /** Prompts addressed by call leg. */
  promptPlayer(): PromptPlayer {
    return {
      play: (legId, audio, onEnd) => {
        const e = this.byLeg.get(legId);
        if (e === undefined) {
          queueMicrotask(() => onEnd('failed'));
          return { stop: () => undefined };
        }
        return e.playback.playPrompt(audio.path, onEnd);
      },
    };
  }

  /** Music on hold addressed by call leg. */
  holdMusic(): HoldMusic {
    return {
      start: (legId) => this.byLeg.get(legId)?.playback.startMusic(),
      stop: (legId) => this.byLeg.get(legId)?.playback.stopMusic(),
    };
  }

  /** Releases every endpoint (shutdown). */
  closeAll(): void {
    for (const id of [...this.endpoints.keys()]) this.release(id);
  }

  /** Stops relaying between `e` and its partner and closes the recording; both legs stay open. */
  private unbridge(e: Endpoint | undefined): void {
    const bridge = e?.bridge;
    if (bridge === undefined) return;
    bridge.unbridge();
    const closing = bridge.recorder?.close();
    const onClosed = this.o.onRecordingClosed;
    if (closing !== undefined && onClosed !== undefined) void closing.then(onClosed);
    for (const leg of [bridge.caller, bridge.agent]) {
      const side = this.byLeg.get(leg.id);
      if (side?.bridge === bridge) side.bridge = undefined;
    }
  }

  private track(legId: LegId, leg: MediaLeg): Endpoint {
    const playback = new LegPlayback(this.o.media, leg, this.o.musicOnHold);
    const e: Endpoint = { id: `rtp-${++this.seq}`, legId, leg, playback, version: 1, bridge: undefined };
    const onDigit = this.o.onDigit;
    if (onDigit !== undefined) leg.on('dtmf', ({ digit }) => onDigit(legId, digit));
    this.endpoints.set(e.id, e);
    this.byLeg.set(legId, e);
    return e;
  }

  /** Our answer to `offer`, in the leg's fixed law (a re-INVITE cannot switch codecs here). */
  private answer(e: Endpoint, offer: string): string | Result<never, Rejection> {
    const agreed = negotiate(offer, 'sendrecv', this.local(e, 'sendrecv'));
    if (!agreed.ok) return agreed;
    if (agreed.value.remote !== undefined) e.leg.setRemote(agreed.value.remote);
    return serializeSdp(agreed.value.sdp);
  }

  private local(e: Endpoint, direction: MediaDirection): LocalAudio {
    const { address, rtpPort } = e.leg.local;
    return {
      address: this.o.advertisedAddress ?? address,
      port: rtpPort,
      codecs: [e.leg.codec.law === 'pcmu' ? 'PCMU' : 'PCMA'],
      ptime: 20,
      direction,
      origin: { username: '-', sessionId: String(rtpPort), sessionVersion: String(e.version) },
    };
  }
}

type Negotiated = NegotiatedAudio & { readonly sdp: SessionDescription };

/** RFC 3264 §6 answer to `offer` with `local`, or (before sockets exist) just which codec to use. */
function negotiate(
  offer: string,
  direction: MediaDirection,
  local?: LocalAudio,
): Result<Negotiated, Rejection> {
  const parsed = parseSdp(offer);
  if (!parsed.ok) return reject('MEDIA.BAD_SDP', parsed.error.message, { status: 400 });
  const probe: LocalAudio = local ?? {
    address: '0.0.0.0',
    port: 9,
    codecs: ['PCMU', 'PCMA'],
    direction,
    origin: { username: '-', sessionId: '0', sessionVersion: '0' },
  };
  const answered = createAnswer(parsed.value, probe);
  if (!answered.ok) return reject(answered.error.code, answered.error.message, { status: 488 });
  return ok({ ...answered.value.audio, sdp: answered.value.sdp });
}

function codecOf(audio: NegotiatedAudio): LegCodec {
  const law = audio.codec.encoding.toUpperCase() === 'PCMA' ? 'pcma' : 'pcmu';
  const te = audio.telephoneEvent?.payloadType;
  return {
    law,
    payloadType: audio.codec.payloadType,
    ...(te === undefined ? {} : { telephoneEventPayloadType: te }),
  };
}

/** Where the remote's answer wants our RTP (first audio stream's `c=` and port). */
function remoteOf(sdp: SessionDescription): { address: string; port: number } | undefined {
  const m = sdp.media.find((x) => x.media === 'audio' && x.port !== 0);
  const c = m?.connections[0] ?? sdp.connection;
  if (m === undefined || c === undefined || c.address === '0.0.0.0') return undefined;
  return { address: c.address, port: m.port };
}

function unknown(id: string): Result<never, Rejection> {
  return reject('MEDIA.UNKNOWN_ENDPOINT', 'No such media endpoint', { endpoint: id });
}
