/**
 * A {@link MediaPort} decorator that remembers which endpoint serves which leg. Call control keeps
 * endpoints private to its legs; the voice collaborators address callers by leg id (music on hold,
 * prompts), so this is where leg ids become endpoints.
 */
import type { Rejection, Result } from '@switchboard/kernel';
import type { MediaDirection } from '@switchboard/sip';
import type {
  ConnectOptions,
  LegId,
  MediaAudioReport,
  MediaEndpoint,
  MediaEndpointId,
  MediaFaultReport,
  MediaPort,
  MediaQualityReport,
  OpenEndpointRequest,
} from '../calls';
import type { MemberOptions } from '../calls/media-port';
import type { HoldMusic } from './voice-ports';

/** Media with a leg → endpoint index. */
export class TrackedMedia implements MediaPort {
  private readonly endpoints = new Map<LegId, MediaEndpointId>();

  constructor(private readonly inner: MediaPort) {}

  /** The endpoint of a leg while it is open. */
  endpointOf(legId: LegId): MediaEndpointId | undefined {
    return this.endpoints.get(legId);
  }

  /** Music on hold addressed by leg. */
  holdMusic(): HoldMusic {
    return {
      start: (legId) => this.withEndpoint(legId, (e) => this.inner.startMusicOnHold(e)),
      stop: (legId) => this.withEndpoint(legId, (e) => this.inner.stopMusicOnHold(e)),
    };
  }

  async open(request: OpenEndpointRequest): Promise<Result<MediaEndpoint, Rejection>> {
    const opened = await this.inner.open(request);
    if (opened.ok) this.endpoints.set(request.legId, opened.value.id);
    return opened;
  }

  createOffer(endpoint: MediaEndpointId, direction: MediaDirection): Result<string, Rejection> {
    return this.inner.createOffer(endpoint, direction);
  }

  acceptAnswer(endpoint: MediaEndpointId, sdp: string): Result<void, Rejection> {
    return this.inner.acceptAnswer(endpoint, sdp);
  }

  answerOffer(endpoint: MediaEndpointId, sdp: string): Result<string, Rejection> {
    return this.inner.answerOffer(endpoint, sdp);
  }

  async answerTakeover(
    endpoint: MediaEndpointId,
    offer: string | undefined,
  ): Promise<Result<string, Rejection>> {
    if (this.inner.answerTakeover !== undefined) return this.inner.answerTakeover(endpoint, offer);
    return offer === undefined
      ? this.inner.createOffer(endpoint, 'sendrecv')
      : this.inner.answerOffer(endpoint, offer);
  }

  onAudioReport(listener: (report: MediaAudioReport) => void): () => void {
    return this.inner.onAudioReport?.(listener) ?? (() => undefined);
  }

  onMediaFault(listener: (report: MediaFaultReport) => void): () => void {
    return this.inner.onMediaFault?.(listener) ?? (() => undefined);
  }

  onQualityReport(listener: (report: MediaQualityReport) => void): () => void {
    return this.inner.onQualityReport?.(listener) ?? (() => undefined);
  }

  connect(
    a: MediaEndpointId,
    b: MediaEndpointId,
    options?: ConnectOptions,
  ): Promise<Result<void, Rejection>> {
    return this.inner.connect(a, b, options);
  }

  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    this.inner.disconnect(a, b);
  }

  join(
    endpoint: MediaEndpointId,
    to: MediaEndpointId,
    options?: MemberOptions,
  ): Promise<Result<void, Rejection>> {
    return this.inner.join(endpoint, to, options);
  }

  updateMember(endpoint: MediaEndpointId, options: MemberOptions): Promise<Result<void, Rejection>> {
    return this.inner.updateMember(endpoint, options);
  }

  leave(endpoint: MediaEndpointId): void {
    this.inner.leave(endpoint);
  }

  startMusicOnHold(endpoint: MediaEndpointId): void {
    this.inner.startMusicOnHold(endpoint);
  }

  stopMusicOnHold(endpoint: MediaEndpointId): void {
    this.inner.stopMusicOnHold(endpoint);
  }

  release(endpoint: MediaEndpointId): void {
    for (const [legId, e] of this.endpoints) if (e === endpoint) this.endpoints.delete(legId);
    this.inner.release(endpoint);
  }

  private withEndpoint(legId: LegId, act: (endpoint: MediaEndpointId) => void): void {
    const endpoint = this.endpoints.get(legId);
    if (endpoint !== undefined) act(endpoint);
  }
}
