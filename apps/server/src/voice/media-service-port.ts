/**
 * Call control's {@link MediaPort} over the RTP media layer, in process (`MediaService`) or on
 * media worker threads (`MediaWorkerPool`): SDP offer/answer with the `sip` package's
 * negotiation (RFC 3264), one RTP leg per endpoint (`media-endpoint-legs.ts`), bridges and
 * conferences (supervisors, three-way calls) for connected endpoints (`endpoint-connections.ts`),
 * a looping player for music on hold, and the leg's key presses (RFC 4733, or in-band tones)
 * reported by call leg id (`media-endpoints.ts`). A browser softphone's leg (`webrtc`) is a werift
 * WebRTC leg relayed to one of those RTP legs (`../webrtc/webrtc-endpoint.ts`). The same object
 * plays the voice context's prompts ({@link MediaServicePort.promptPlayer}) and music on hold
 * ({@link MediaServicePort.holdMusic}), since both address callers by leg.
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
  MediaQualityReport,
  MemberOptions,
  OpenEndpointRequest,
} from '../calls';
import type { BackendLeg, MediaBackend, TappableLeg } from '../media';
import type { WebRtcEndpointOptions } from '../webrtc';
import { openBrowserLeg, openRtpLeg } from './media-endpoint-legs';
import { EndpointConnections } from './endpoint-connections';
import { MediaEndpoints, unknownEndpoint, type MediaServiceEndpoint } from './media-endpoints';
import { mediaBackendOf } from './media-service-backend';
import type { MediaServicePortOptions } from './media-service-port-options';
import { negotiate, remoteOf } from './media-service-sdp';
import type { HoldMusic, PromptPlayer } from './voice-ports';

// The options have a file of their own so the port's collaborators can name them without a cycle.
export type { MediaServicePortOptions } from './media-service-port-options';

/** The RTP media layer behind call control. */
export class MediaServicePort implements MediaPort {
  private readonly endpoints: MediaEndpoints;
  private readonly backend: MediaBackend;
  private readonly connections: EndpointConnections;
  /** The browser legs' options, their events seen here first (no-audio reports) and then by `o`. */
  private readonly webrtc: WebRtcEndpointOptions;

  constructor(private readonly o: MediaServicePortOptions) {
    const endpoints = new MediaEndpoints(o.onDigit);
    this.endpoints = endpoints;
    const onEvent = o.webrtc?.onEvent;
    this.webrtc = {
      ...o.webrtc,
      onEvent: (legId, event) => {
        endpoints.webRtcEvent(legId, event);
        onEvent?.(legId, event);
      },
    };
    this.backend = mediaBackendOf(o);
    this.connections = new EndpointConnections(endpoints, this.backend, o);
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
    const e = this.endpoints.ofLeg(legId);
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
    const near = request.near === undefined ? undefined : this.endpoints.ofLeg(request.near)?.leg.id;
    if (request.webrtc) {
      const opened = await openBrowserLeg(this.backend, request, near, this.webrtc);
      if (!opened.ok) return opened;
      const e = this.track(request.legId, opened.value.rtp, opened.value.endpoint);
      return ok({ id: e.id, localSdp: opened.value.endpoint.localSdp });
    }
    const opened = await openRtpLeg(this.backend, request, near);
    if (!opened.ok) return opened;
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
    if (e === undefined) return unknownEndpoint(id);
    // A browser's session is not renegotiated (hold plays music on the RTP side): the same
    // description again is an offer that changes nothing (RFC 3264 §8).
    if (e.webrtc !== undefined) return ok(e.webrtc.localSdp);
    e.version += 1;
    return ok(serializeSdp(createOffer(this.local(e, direction))));
  }

  acceptAnswer(id: MediaEndpointId, sdp: string): Result<void, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknownEndpoint(id);
    if (e.webrtc !== undefined) return e.webrtc.acceptAnswer(sdp);
    const parsed = parseSdp(sdp);
    if (!parsed.ok) return reject('MEDIA.BAD_SDP', parsed.error.message, { status: 400 });
    const remote = remoteOf(parsed.value);
    if (remote !== undefined) e.leg.setRemote(remote);
    return ok(undefined);
  }

  answerOffer(id: MediaEndpointId, sdp: string): Result<string, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknownEndpoint(id);
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
    if (e === undefined) return unknownEndpoint(id);
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
    return this.endpoints.onAudioReport(listener);
  }

  /** Subscribes to the media faults of every endpoint's RTP leg (call control decides the call's fate). */
  onMediaFault(listener: (report: MediaFaultReport) => void): () => void {
    return this.endpoints.onMediaFault(listener);
  }

  /** Subscribes to the call quality of every endpoint (a browser's too), reported once its leg has closed. */
  onQualityReport(listener: (report: MediaQualityReport) => void): () => void {
    return this.endpoints.onQualityReport(listener);
  }

  connect(
    a: MediaEndpointId,
    b: MediaEndpointId,
    options?: ConnectOptions,
  ): Promise<Result<void, Rejection>> {
    return this.connections.connect(a, b, options);
  }

  /** Also keeps the recording with the caller, silent, until it is connected again (hold, transfers). */
  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    this.connections.disconnect(a, b);
  }

  /**
   * Pauses or resumes the recording of the call leg `legId` is in (card numbers: silence is written
   * while paused, and counted); false when nothing records it. Shaped for the call actions'
   * `mediaRecordingSwitch`.
   */
  pauseRecording(legId: LegId, paused: boolean): boolean {
    return this.connections.pauseRecording(legId, paused);
  }

  /** Whether a recording is written for the call leg `legId`'s call. */
  isRecording(legId: LegId): boolean {
    return this.connections.isRecording(legId);
  }

  /** True while the call leg `legId` has an open endpoint. */
  hasLeg(legId: LegId): boolean {
    return this.endpoints.ofLeg(legId) !== undefined;
  }

  join(
    id: MediaEndpointId,
    to: MediaEndpointId,
    options: MemberOptions = {},
  ): Promise<Result<void, Rejection>> {
    return this.connections.join(id, to, options);
  }

  updateMember(id: MediaEndpointId, options: MemberOptions): Promise<Result<void, Rejection>> {
    return this.connections.update(id, options);
  }

  leave(id: MediaEndpointId): void {
    this.connections.leave(id);
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
    this.endpoints.remove(e);
  }

  /** Prompts addressed by call leg. */
  promptPlayer(): PromptPlayer {
    return {
      play: (legId, audio, onEnd) => {
        const e = this.endpoints.ofLeg(legId);
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
      start: (legId) => this.endpoints.ofLeg(legId)?.playback.startMusic(),
      stop: (legId) => this.endpoints.ofLeg(legId)?.playback.stopMusic(),
    };
  }

  /** Drops a prompt played once (a voicemail) from the prompt caches, here and on the workers. */
  forgetPrompt(path: string): void {
    this.o.media.prompts.forget(path);
    this.o.workers?.forgetPrompt(path);
  }

  /** Releases every endpoint and finishes every recording (shutdown). */
  async closeAll(): Promise<void> {
    for (const id of this.endpoints.ids()) this.release(id);
    await this.backend.close();
  }

  private track(
    legId: LegId,
    leg: BackendLeg,
    webrtc?: MediaServiceEndpoint['webrtc'],
  ): MediaServiceEndpoint {
    return this.endpoints.add(legId, leg, this.backend.audio(leg), webrtc);
  }

  /** Our answer to `offer`, in the leg's fixed law (a re-INVITE cannot switch codecs here). */
  private answer(e: MediaServiceEndpoint, offer: string): string | Result<never, Rejection> {
    const agreed = negotiate(offer, 'sendrecv', this.local(e, 'sendrecv'));
    if (!agreed.ok) return agreed;
    if (agreed.value.remote !== undefined) e.leg.setRemote(agreed.value.remote);
    return serializeSdp(agreed.value.sdp);
  }

  private local(e: MediaServiceEndpoint, direction: MediaDirection): LocalAudio {
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
