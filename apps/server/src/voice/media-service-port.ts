/**
 * Call control's {@link MediaPort} over the RTP media layer, in process ({@link MediaService}) or on
 * media worker threads ({@link MediaWorkerPool}): SDP offer/answer with the `sip` package's
 * negotiation (RFC 3264), one RTP leg per endpoint, bridges and conferences (supervisors, three-way
 * calls) for connected endpoints, a looping player for music on hold, and the leg's key presses
 * (RFC 4733, or in-band tones) reported by call leg id. A browser softphone's leg (`webrtc`) is a
 * werift WebRTC leg relayed to one of those RTP legs (`../webrtc/webrtc-endpoint.ts`). The same object plays the voice context's
 * prompts ({@link MediaServicePort.promptPlayer}) and music on hold ({@link MediaServicePort.holdMusic}),
 * since both address callers by leg.
 */
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import { createOffer, parseSdp, serializeSdp, type LocalAudio, type MediaDirection } from '@switchboard/sip';
import type {
  ConnectOptions,
  LegId,
  MediaAudioReport,
  MediaEndpoint,
  MediaEndpointId,
  MediaFaultReport,
  MediaPort,
  MemberOptions,
  OpenEndpointRequest,
} from '../calls';
import {
  InProcessMediaBackend,
  sipStatusOfMediaRejection,
  WorkerMediaBackend,
  type BackendLeg,
  type LegAudio,
  type LegCodec,
  type MediaBackend,
  type MediaService,
  type MediaWorkerPool,
  type PlaybackItem,
  type RecordingSummary,
  type TappableLeg,
} from '../media';
import { WebRtcEndpoint, type WebRtcEndpointEvent, type WebRtcEndpointOptions } from '../webrtc';
import { LegPlayback } from './leg-playback';
import { codecOf, negotiate, remoteOf } from './media-service-sdp';
import type { HoldMusic, PromptPlayer } from './voice-ports';

/** Options of {@link MediaServicePort}. */
export interface MediaServicePortOptions {
  /** The in-process media layer; with `workers` it only serves the prompt library. */
  readonly media: MediaService;
  /** Media worker threads: when given, every leg, bridge, conference and recording runs there. */
  readonly workers?: MediaWorkerPool;
  /** The address our SDP advertises; default the address the RTP sockets are bound to. */
  readonly advertisedAddress?: string;
  /** A key the caller pressed (RFC 4733 or in-band), e.g. `voice.digit`. */
  readonly onDigit?: (legId: LegId, digit: string) => void;
  /** What music on hold loops in process; default silence, which still keeps NAT bindings alive. */
  readonly musicOnHold?: () => Promise<PlaybackItem | undefined>;
  /** The WAV music on hold loops on media workers (they load prompts by path); default silence. */
  readonly musicOnHoldPath?: () => Promise<string | undefined>;
  /**
   * Where a connection is recorded (stereo WAV) when `connect` names no path, or `undefined` not
   * to record it.
   */
  readonly recordingPath?: (a: LegId, b: LegId) => string | undefined;
  /** A recording was closed (unbridge, hold, hang-up) or could not start (`error`). */
  readonly onRecordingClosed?: (summary: RecordingSummary) => void;
  /** Why a recording could not start; the call is connected unrecorded. */
  readonly onRecordingFailed?: (path: string, rejection: Rejection) => void;
  /**
   * Browser softphones (`webrtc` legs): ICE addresses, timeouts and the leg events (no audio,
   * transport failure, rejoin). Without it a WebRTC leg is still served, with werift's defaults.
   */
  readonly webrtc?: WebRtcEndpointOptions;
}

interface Endpoint {
  readonly id: MediaEndpointId;
  readonly legId: LegId;
  readonly leg: BackendLeg;
  readonly playback: LegAudio;
  version: number;
  /** A browser softphone's WebRTC side, relayed to `leg`: its SDP is the one signalled. */
  readonly webrtc?: WebRtcEndpoint;
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
  private readonly backend: MediaBackend;
  private readonly audioListeners = new Set<(report: MediaAudioReport) => void>();
  private readonly faultListeners = new Set<(report: MediaFaultReport) => void>();
  /** The browser legs' options, their events seen here first (no-audio reports) and then by `o`. */
  private readonly webrtc: WebRtcEndpointOptions;
  private seq = 0;

  constructor(private readonly o: MediaServicePortOptions) {
    const onEvent = o.webrtc?.onEvent;
    this.webrtc = {
      ...o.webrtc,
      onEvent: (legId, event) => {
        this.webRtcEvent(legId, event);
        onEvent?.(legId, event);
      },
    };
    const onRecordingClosed = o.onRecordingClosed;
    const recordings = onRecordingClosed === undefined ? {} : { onRecordingClosed };
    const musicPath = o.musicOnHoldPath;
    this.backend =
      o.workers === undefined
        ? new InProcessMediaBackend({
            media: o.media,
            audio: (leg) => new LegPlayback(o.media, leg, o.musicOnHold),
            ...recordings,
          })
        : new WorkerMediaBackend({
            pool: o.workers,
            ...(musicPath === undefined
              ? {}
              : {
                  musicOnHold: async () => {
                    const path = await musicPath();
                    return path === undefined ? undefined : { kind: 'prompt' as const, path };
                  },
                }),
            ...recordings,
          });
  }

  /** Endpoints not yet released: zero once every call is over. */
  get openCount(): number {
    return this.endpoints.size;
  }

  /**
   * The RTP leg serving a call leg, while it is open: its address, and its received packets for a
   * consumer on this thread (voicemail recording), which cross from a media worker when there is one.
   */
  legOf(legId: LegId): (TappableLeg & Pick<BackendLeg, 'id' | 'local'>) | undefined {
    const e = this.byLeg.get(legId);
    if (e === undefined) return undefined;
    const tap = this.backend.tap(e.leg);
    return {
      id: e.leg.id,
      local: e.leg.local,
      codec: tap.codec,
      setSink: (sink) => tap.setSink(sink),
      on: (event, listener) => tap.on(event, listener),
      off: (event, listener) => tap.off(event, listener),
    };
  }

  async open(request: OpenEndpointRequest): Promise<Result<MediaEndpoint, Rejection>> {
    if (request.webrtc) return this.openWebRtc(request);
    const offer = request.remoteOffer === undefined ? undefined : negotiate(request.remoteOffer, 'sendrecv');
    if (offer !== undefined && !offer.ok) return offer;
    const codec = offer === undefined ? OFFER_CODEC : codecOf(offer.value);
    const remote = offer?.value.remote;
    const near = request.near === undefined ? undefined : this.byLeg.get(request.near)?.leg.id;
    const opened = await this.backend.openLeg({
      id: request.legId,
      codec,
      ...(remote ? { remote } : {}),
      ...(near === undefined ? {} : { near }),
    });
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
    // A browser's session is not renegotiated (hold plays music on the RTP side): the same
    // description again is an offer that changes nothing (RFC 3264 §8).
    if (e.webrtc !== undefined) return ok(e.webrtc.localSdp);
    e.version += 1;
    return ok(serializeSdp(createOffer(this.local(e, direction))));
  }

  acceptAnswer(id: MediaEndpointId, sdp: string): Result<void, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    if (e.webrtc !== undefined) return e.webrtc.acceptAnswer(sdp);
    const parsed = parseSdp(sdp);
    if (!parsed.ok) return reject('MEDIA.BAD_SDP', parsed.error.message, { status: 400 });
    const remote = remoteOf(parsed.value);
    if (remote !== undefined) e.leg.setRemote(remote);
    return ok(undefined);
  }

  answerOffer(id: MediaEndpointId, sdp: string): Result<string, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    if (e.webrtc !== undefined)
      return reject('MEDIA.WEBRTC_RENEGOTIATION', 'A browser leg takes no new offer in its dialog', {
        status: 488,
      });
    e.version += 1;
    const answer = this.answer(e, sdp);
    return typeof answer === 'string' ? ok(answer) : answer;
  }

  /**
   * A new dialog takes the endpoint over (INVITE with Replaces): a browser's new offer is answered
   * on a new transport of its WebRTC leg (`WebRtcEndpoint.rejoin`); a plain RTP endpoint answers
   * like a re-INVITE, its remote re-pointed to the new device, or offers when there is no offer.
   * The connections, recording and players of the endpoint are not touched.
   */
  async answerTakeover(id: MediaEndpointId, offer: string | undefined): Promise<Result<string, Rejection>> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    if (e.webrtc === undefined)
      return offer === undefined ? this.createOffer(id, 'sendrecv') : this.answerOffer(id, offer);
    if (offer === undefined)
      return reject('MEDIA.WEBRTC_OFFER_REQUIRED', 'A browser takes a call over with an offer of its own', {
        status: 488,
      });
    return e.webrtc.rejoin(offer);
  }

  /** Subscribes to the no-RTP reports of every endpoint (call control turns them into call events). */
  onAudioReport(listener: (report: MediaAudioReport) => void): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  /** Subscribes to the media faults of every endpoint's RTP leg (call control decides the call's fate). */
  onMediaFault(listener: (report: MediaFaultReport) => void): () => void {
    this.faultListeners.add(listener);
    return () => this.faultListeners.delete(listener);
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
    // Prompts or music would otherwise interleave with the other party's voice.
    ea.playback.stopAll();
    eb.playback.stopAll();
    const path = options?.recordingPath ?? this.o.recordingPath?.(ea.legId, eb.legId);
    let bridged = await this.backend.connect(ea.leg, eb.leg, path);
    if (!bridged.ok && path !== undefined) {
      // A full disk must not cost the caller their agent: talk unrecorded, and say so.
      this.o.onRecordingFailed?.(path, bridged.error);
      this.o.onRecordingClosed?.({ path, dataBytes: 0, durationMs: 0, pausedMs: 0, error: bridged.error });
      bridged = await this.backend.connect(ea.leg, eb.leg);
    }
    return bridged;
  }

  /** Also keeps the recording with the caller, silent, until it is connected again (hold, transfers). */
  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    for (const id of [a, b]) {
      const e = this.endpoints.get(id);
      if (e !== undefined) this.backend.disconnect(e.leg);
    }
  }

  /**
   * Pauses or resumes the recording of the call leg `legId` is in (card numbers: silence is written
   * while paused, and counted); false when nothing records it. Shaped for the call actions'
   * `mediaRecordingSwitch`.
   */
  pauseRecording(legId: LegId, paused: boolean): boolean {
    const e = this.byLeg.get(legId);
    return e !== undefined && this.backend.pauseRecording(e.leg, paused);
  }

  /** Whether a recording is written for the call leg `legId`'s call. */
  isRecording(legId: LegId): boolean {
    const e = this.byLeg.get(legId);
    return e !== undefined && this.backend.isRecording(e.leg);
  }

  /** True while the call leg `legId` has an open endpoint. */
  hasLeg(legId: LegId): boolean {
    return this.byLeg.has(legId);
  }

  async join(
    id: MediaEndpointId,
    to: MediaEndpointId,
    options: MemberOptions = {},
  ): Promise<Result<void, Rejection>> {
    const e = this.endpoints.get(id);
    const target = this.endpoints.get(to);
    if (e === undefined) return unknown(id);
    if (target === undefined) return unknown(to);
    const member = this.member(options);
    if (!member.ok) return member;
    e.playback.stopAll();
    target.playback.stopAll();
    return this.backend.join(e.leg, target.leg, member.value);
  }

  async updateMember(id: MediaEndpointId, options: MemberOptions): Promise<Result<void, Rejection>> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    const member = this.member(options);
    if (!member.ok) return member;
    return this.backend.update(e.leg, member.value);
  }

  leave(id: MediaEndpointId): void {
    const e = this.endpoints.get(id);
    if (e !== undefined) this.backend.leave(e.leg);
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
    // Closing the leg takes it out of its call: a conference goes on without it.
    e.playback.dispose();
    e.webrtc?.close();
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

  /** Drops a prompt played once (a voicemail) from the prompt caches, here and on the workers. */
  forgetPrompt(path: string): void {
    this.o.media.prompts.forget(path);
    this.o.workers?.forgetPrompt(path);
  }

  /** Releases every endpoint and finishes every recording (shutdown). */
  async closeAll(): Promise<void> {
    for (const id of [...this.endpoints.keys()]) this.release(id);
    await this.backend.close();
  }

  /** Member options with the whisper target as the media leg id. */
  private member(options: MemberOptions): Result<MemberOptions, Rejection> {
    if (options.whisperTo === undefined) return ok(options);
    const target = this.endpoints.get(options.whisperTo);
    if (target === undefined) return unknown(options.whisperTo);
    return ok({ ...options, whisperTo: target.leg.id });
  }

  /**
   * A browser softphone's endpoint: a WebRTC leg (our offer, or our answer to the browser's)
   * relayed to a plain RTP leg of the backend, so bridges, recordings, music and prompts treat
   * it like any other leg and PCMU crosses untouched.
   */
  private async openWebRtc(request: OpenEndpointRequest): Promise<Result<MediaEndpoint, Rejection>> {
    const near = request.near === undefined ? undefined : this.byLeg.get(request.near)?.leg.id;
    const opened = await WebRtcEndpoint.open(
      {
        legId: request.legId,
        ...(request.remoteOffer === undefined ? {} : { remoteOffer: request.remoteOffer }),
      },
      async (codec) => {
        const leg = await this.backend.openLeg({
          id: request.legId,
          codec,
          ...(near === undefined ? {} : { near }),
        });
        if (leg.ok) return leg;
        const { status } = sipStatusOfMediaRejection(leg.error);
        return reject(leg.error.code, leg.error.message, { ...leg.error.details, status });
      },
      this.webrtc,
    );
    if (!opened.ok) return opened;
    const e = this.track(request.legId, opened.value.rtp, opened.value.endpoint);
    return ok({ id: e.id, localSdp: opened.value.endpoint.localSdp });
  }

  private track(legId: LegId, leg: BackendLeg, webrtc?: WebRtcEndpoint): Endpoint {
    const playback = this.backend.audio(leg);
    const e: Endpoint = {
      id: `rtp-${++this.seq}`,
      legId,
      leg,
      playback,
      version: 1,
      ...(webrtc === undefined ? {} : { webrtc }),
    };
    const onDigit = this.o.onDigit;
    if (onDigit !== undefined) leg.on('dtmf', ({ digit }) => onDigit(legId, digit));
    // A browser's silence is its WebRTC leg's to report; the RTP leg behind it only hears the gateway.
    if (webrtc === undefined) {
      leg.on('rtp-timeout', ({ silentMs }) => this.reportAudio(e, 'lost', silentMs));
      leg.on('rtp-resumed', ({ silentMs }) => this.reportAudio(e, 'restored', silentMs));
    }
    // A browser's RTP leg faults too: what it cannot send to the gateway never reaches the browser.
    leg.on('media-fault', (fault) => this.reportFault(e, fault));
    this.endpoints.set(e.id, e);
    this.byLeg.set(legId, e);
    return e;
  }

  /** The no-RTP watchdog of a browser's WebRTC leg, reported like an RTP leg's. */
  private webRtcEvent(legId: LegId, event: WebRtcEndpointEvent): void {
    if (event.type !== 'rtp-timeout' && event.type !== 'rtp-resumed') return;
    const e = this.byLeg.get(legId);
    if (e?.webrtc !== undefined)
      this.reportAudio(e, event.type === 'rtp-timeout' ? 'lost' : 'restored', event.silentMs);
  }

  private reportAudio(e: Endpoint, kind: MediaAudioReport['kind'], silentForMs: number): void {
    if (!this.endpoints.has(e.id)) return;
    for (const listener of [...this.audioListeners])
      listener({ endpoint: e.id, legId: e.legId, kind, silentForMs });
  }

  private reportFault(e: Endpoint, fault: Pick<MediaFaultReport, 'kind' | 'code' | 'message'>): void {
    if (!this.endpoints.has(e.id)) return;
    const { kind, code, message } = fault;
    for (const listener of [...this.faultListeners])
      listener({ endpoint: e.id, legId: e.legId, kind, code, message });
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

function unknown(id: string): Result<never, Rejection> {
  return reject('MEDIA.UNKNOWN_ENDPOINT', 'No such media endpoint', { endpoint: id });
}
