import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import {
  createAnswer,
  createOffer,
  parseSdp,
  serializeSdp,
  type LocalAudio,
  type MediaDirection,
} from '@switchboard/sip';
import type {
  ConnectOptions,
  MediaEndpoint,
  MediaEndpointId,
  MediaPort,
  OpenEndpointRequest,
} from './media-port';

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
 * `sip` package's negotiation), endpoints, connections and music on hold kept as inspectable state.
 * It stands in for the RTP media layer in call-control tests and until the two are wired.
 */
export class InMemoryMedia implements MediaPort {
  private readonly endpoints = new Map<MediaEndpointId, Endpoint>();
  /** Connected pairs, keyed `a|b` with the ids sorted. */
  readonly connections = new Set<string>();
  readonly musicOnHold = new Set<MediaEndpointId>();
  /** Every recording path a connection was asked to record to, in order. */
  readonly recordingPaths: string[] = [];
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

  /** True when the two endpoints are connected. */
  areConnected(a: MediaEndpointId, b: MediaEndpointId): boolean {
    return this.connections.has(pairKey(a, b));
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

  async connect(
    a: MediaEndpointId,
    b: MediaEndpointId,
    options?: ConnectOptions,
  ): Promise<Result<void, Rejection>> {
    if (!this.endpoints.has(a)) return unknown(a);
    if (!this.endpoints.has(b)) return unknown(b);
    if (options?.recordingPath !== undefined) this.recordingPaths.push(options.recordingPath);
    this.connections.add(pairKey(a, b));
    return ok(undefined);
  }

  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    this.connections.delete(pairKey(a, b));
  }

  startMusicOnHold(id: MediaEndpointId): void {
    if (this.endpoints.has(id)) this.musicOnHold.add(id);
  }

  stopMusicOnHold(id: MediaEndpointId): void {
    this.musicOnHold.delete(id);
  }

  release(id: MediaEndpointId): void {
    this.endpoints.delete(id);
    this.musicOnHold.delete(id);
    for (const key of [...this.connections]) if (key.split('|').includes(id)) this.connections.delete(key);
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

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function unknown(id: string): Result<never, Rejection> {
  return reject('MEDIA.UNKNOWN_ENDPOINT', 'No such media endpoint', { endpoint: id });
}
