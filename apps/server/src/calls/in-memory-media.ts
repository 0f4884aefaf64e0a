import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { CallQuality } from '@switchboard/media';
import {
  createAnswer,
  createOffer,
  parseSdp,
  serializeSdp,
  type LocalAudio,
  type MediaDirection,
} from '@switchboard/sip';
import { InMemoryConnections, type InMemoryMember } from './in-memory-connections';
import { ReportListeners } from './report-listeners';
import type {
  ConnectOptions,
  MediaAudioReport,
  MediaFaultReport,
  MediaEndpoint,
  MediaEndpointId,
  MediaPort,
  MediaQualityReport,
  MemberOptions,
  OpenEndpointRequest,
} from './media-port';

// The connection bookkeeping has a file of its own; its types are part of this stand-in's face.
export type { InMemoryConference, InMemoryMember } from './in-memory-connections';

interface Endpoint {
  readonly legId: string;
  readonly port: number;
  version: number;
  localSdp: string;
  remoteSdp: string | undefined;
}

/** Options of {@link InMemoryMedia}. */
export interface InMemoryMediaOptions {
  /** The address our SDP advertises; default 203.0.113.10. */
  readonly address?: string;
  /** First RTP port handed out (even, RFC 3550 §11); default 20000. */
  readonly firstPort?: number;
}

/**
 * A {@link MediaPort} without sockets: real SDP offer/answer (PCMU/PCMA + telephone-event through the
 * `sip` package's negotiation), endpoints, connections ({@link InMemoryConnections}) and music on
 * hold kept as inspectable state. It stands in for the RTP media layer in call-control tests and
 * until the two are wired.
 */
export class InMemoryMedia implements MediaPort {
  private readonly endpoints = new Map<MediaEndpointId, Endpoint>();
  private readonly links = new InMemoryConnections();
  /** Connected pairs, keyed `a|b` with the ids sorted. */
  readonly connections: Set<string> = this.links.pairs;
  readonly musicOnHold = new Set<MediaEndpointId>();
  /** Every recording path a connection was asked to record to, in order. */
  readonly recordingPaths: string[] = [];
  private readonly audioListeners = new ReportListeners<MediaAudioReport>();
  private readonly faultListeners = new ReportListeners<MediaFaultReport>();
  private readonly qualityListeners = new ReportListeners<MediaQualityReport>();
  private nextPort: number;
  private seq = 0;
  private readonly address: string;

  constructor(options: InMemoryMediaOptions = {}) {
    this.address = options.address ?? '203.0.113.10';
    this.nextPort = options.firstPort ?? 20_000;
  }

  /** Endpoints not yet released: zero once every call is over. */
  get openCount(): number {
    return this.endpoints.size;
  }

  /** The leg an endpoint serves (for assertions). */
  legOf(id: MediaEndpointId): string | undefined {
    return this.endpoints.get(id)?.legId;
  }

  /** The open endpoint serving a leg (for assertions). */
  endpointOf(legId: string): MediaEndpointId | undefined {
    for (const [id, e] of this.endpoints) if (e.legId === legId) return id;
    return undefined;
  }

  /** The remote's last SDP on an endpoint (for assertions). */
  remoteSdpOf(id: MediaEndpointId): string | undefined {
    return this.endpoints.get(id)?.remoteSdp;
  }

  /**
   * Tells the audio listeners what a no-RTP watchdog would on `legId`'s endpoint: `lost` after
   * `silentForMs` without packets, `restored` when they came back. False when the leg has none.
   */
  reportAudio(legId: string, kind: MediaAudioReport['kind'], silentForMs: number): boolean {
    const endpoint = this.endpointOf(legId);
    if (endpoint === undefined) return false;
    this.audioListeners.emit({ endpoint, legId, kind, silentForMs });
    return true;
  }

  onAudioReport(listener: (report: MediaAudioReport) => void): () => void {
    return this.audioListeners.add(listener);
  }

  /**
   * Tells the fault listeners what a media leg would on `legId`'s endpoint when its socket refused
   * a send or a packet handler threw. False when the leg has no endpoint.
   */
  reportFault(legId: string, fault: Pick<MediaFaultReport, 'kind' | 'code' | 'message'>): boolean {
    const endpoint = this.endpointOf(legId);
    if (endpoint === undefined) return false;
    this.faultListeners.emit({ endpoint, legId, ...fault });
    return true;
  }

  onMediaFault(listener: (report: MediaFaultReport) => void): () => void {
    return this.faultListeners.add(listener);
  }

  /**
   * Tells the quality listeners what a media leg would when `legId`'s endpoint closed: that may be
   * after the endpoint's release (media on a worker thread), when its id is no longer known here.
   */
  reportQuality(legId: string, quality: CallQuality): void {
    const endpoint = this.endpointOf(legId) ?? `released-${legId}`;
    this.qualityListeners.emit({ endpoint, legId, quality });
  }

  onQualityReport(listener: (report: MediaQualityReport) => void): () => void {
    return this.qualityListeners.add(listener);
  }

  /** The conference an endpoint is in (a mixed call of three or more, or with a mute). */
  conferenceOf(id: MediaEndpointId): ReadonlyMap<MediaEndpointId, Readonly<InMemoryMember>> | undefined {
    return this.links.conferenceOf(id);
  }

  /** True when the two endpoints are connected. */
  areConnected(a: MediaEndpointId, b: MediaEndpointId): boolean {
    return this.links.areConnected(a, b);
  }

  async open(request: OpenEndpointRequest): Promise<Result<MediaEndpoint, Rejection>> {
    const id = `media-${++this.seq}`;
    const port = this.nextPort;
    this.nextPort += 2;
    const endpoint: Endpoint = { legId: request.legId, port, version: 1, localSdp: '', remoteSdp: undefined };
    if (request.remoteOffer === undefined) {
      endpoint.localSdp = serializeSdp(createOffer(this.local(endpoint, 'sendrecv')));
    } else {
      const answer = this.answer(endpoint, request.remoteOffer);
      if (!answer.ok) return answer;
    }
    this.endpoints.set(id, endpoint);
    return ok({ id, localSdp: endpoint.localSdp });
  }

  createOffer(id: MediaEndpointId, direction: MediaDirection): Result<string, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    e.version += 1;
    e.localSdp = serializeSdp(createOffer(this.local(e, direction)));
    return ok(e.localSdp);
  }

  acceptAnswer(id: MediaEndpointId, sdp: string): Result<void, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    const parsed = parseSdp(sdp);
    if (!parsed.ok) return parsed;
    e.remoteSdp = sdp;
    return ok(undefined);
  }

  answerOffer(id: MediaEndpointId, sdp: string): Result<string, Rejection> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknown(id);
    e.version += 1;
    return this.answer(e, sdp);
  }

  /** A new device's offer for the endpoint (INVITE with Replaces): answered like a re-INVITE's. */
  async answerTakeover(id: MediaEndpointId, offer: string | undefined): Promise<Result<string, Rejection>> {
    return offer === undefined ? this.createOffer(id, 'sendrecv') : this.answerOffer(id, offer);
  }

  async connect(
    a: MediaEndpointId,
    b: MediaEndpointId,
    options?: ConnectOptions,
  ): Promise<Result<void, Rejection>> {
    if (!this.endpoints.has(a)) return unknown(a);
    if (!this.endpoints.has(b)) return unknown(b);
    if (options?.recordingPath !== undefined) this.recordingPaths.push(options.recordingPath);
    this.links.connect(a, b);
    return ok(undefined);
  }

  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    this.links.disconnect(a, b);
  }

  async join(
    id: MediaEndpointId,
    to: MediaEndpointId,
    options: MemberOptions = {},
  ): Promise<Result<void, Rejection>> {
    if (!this.endpoints.has(id)) return unknown(id);
    if (!this.endpoints.has(to)) return unknown(to);
    if (id === to) return reject('MEDIA.SAME_LEG', 'An endpoint cannot join itself');
    if (this.links.shareConference(id, to)) return this.updateMember(id, options);
    return this.links.join(id, to, options);
  }

  async updateMember(id: MediaEndpointId, options: MemberOptions): Promise<Result<void, Rejection>> {
    if (!this.endpoints.has(id)) return unknown(id);
    return this.links.updateMember(id, options);
  }

  leave(id: MediaEndpointId): void {
    this.links.leave(id);
  }

  startMusicOnHold(id: MediaEndpointId): void {
    if (this.endpoints.has(id)) this.musicOnHold.add(id);
  }

  stopMusicOnHold(id: MediaEndpointId): void {
    this.musicOnHold.delete(id);
  }

  release(id: MediaEndpointId): void {
    this.leave(id);
    this.endpoints.delete(id);
    this.musicOnHold.delete(id);
  }

  private answer(e: Endpoint, offer: string): Result<string, Rejection> {
    const parsed = parseSdp(offer);
    if (!parsed.ok) return reject('MEDIA.BAD_SDP', parsed.error.message, { status: 400 });
    const answered = createAnswer(parsed.value, this.local(e, 'sendrecv'));
    if (!answered.ok) return answered;
    e.remoteSdp = offer;
    e.localSdp = serializeSdp(answered.value.sdp);
    return ok(e.localSdp);
  }

  private local(e: Endpoint, direction: MediaDirection): LocalAudio {
    return {
      address: this.address,
      port: e.port,
      codecs: ['PCMU', 'PCMA'],
      ptime: 20,
      direction,
      origin: { username: '-', sessionId: String(e.port), sessionVersion: String(e.version) },
    };
  }
}

function unknown(id: string): Result<never, Rejection> {
  return reject('MEDIA.UNKNOWN_ENDPOINT', 'No such media endpoint', { endpoint: id });
}
