/** `c=` connection data (RFC 8866 §5.7): `IN IP4 192.0.2.1`; multicast TTL/count stay in `address`. */
export interface SdpConnection {
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** `o=` origin (RFC 8866 §5.2). Session id and version are kept as text: they may exceed 2**53. */
export interface SdpOrigin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** `a=name` or `a=name:value` (RFC 8866 §5.13); unknown attributes are kept and re-sent as they are. */
export interface SdpAttribute {
  readonly name: string;
  readonly value?: string;
}

/** `t=` with its `r=` lines (RFC 8866 §5.9–5.10). */
export interface SdpTiming {
  readonly start: string;
  readonly stop: string;
  readonly repeats: readonly string[];
}

/** One `m=` section (RFC 8866 §5.14) with its own `i=`, `c=`, `b=`, `k=` and `a=` lines. */
export interface SdpMedia {
  /** `audio`, `video`, `application`, … */
  readonly media: string;
  /** 0 means the stream is rejected or disabled (RFC 3264 §6, §8.2). */
  readonly port: number;
  readonly portCount?: number;
  /** `RTP/AVP`, `RTP/SAVPF`, `UDP/TLS/RTP/SAVPF`, … */
  readonly proto: string;
  /** Payload type numbers for RTP, as text. */
  readonly formats: readonly string[];
  readonly info?: string;
  readonly connections: readonly SdpConnection[];
  readonly bandwidths: readonly string[];
  readonly key?: string;
  readonly attributes: readonly SdpAttribute[];
}

/** A session description (RFC 8866 §5), fields in the order they are written. */
export interface SessionDescription {
  readonly version: number;
  readonly origin: SdpOrigin;
  readonly sessionName: string;
  readonly info?: string;
  readonly uri?: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly connection?: SdpConnection;
  readonly bandwidths: readonly string[];
  readonly timings: readonly SdpTiming[];
  readonly zone?: string;
  readonly key?: string;
  readonly attributes: readonly SdpAttribute[];
  readonly media: readonly SdpMedia[];
}

/** Stream direction (RFC 8866 §6.7, RFC 3264 §5.1). */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** The first attribute called `name`, or undefined. */
export function getAttribute(attrs: readonly SdpAttribute[], name: string): SdpAttribute | undefined {
  return attrs.find((a) => a.name === name);
}

/** Every value of attribute `name` (attributes without value are skipped). */
export function getAttributeValues(attrs: readonly SdpAttribute[], name: string): string[] {
  const out: string[] = [];
  for (const a of attrs) if (a.name === name && a.value !== undefined) out.push(a.value);
  return out;
}

function directionIn(attrs: readonly SdpAttribute[]): SdpDirection | undefined {
  for (const a of attrs) if (DIRECTIONS.has(a.name)) return a.name as SdpDirection;
  return undefined;
}

/** The direction of a stream: its own attribute, else the session-level one, else sendrecv (RFC 8866 §6.7). */
export function mediaDirection(sdp: SessionDescription, m: SdpMedia): SdpDirection {
  return directionIn(m.attributes) ?? directionIn(sdp.attributes) ?? 'sendrecv';
}

/** The connection of a stream: its own `c=`, else the session-level one (RFC 8866 §5.7). */
export function mediaConnection(sdp: SessionDescription, m: SdpMedia): SdpConnection | undefined {
  return m.connections[0] ?? sdp.connection;
}

/** True when the stream carries ICE (RFC 8839), where `c=0.0.0.0` is normal and means nothing about hold. */
export function usesIce(sdp: SessionDescription, m: SdpMedia): boolean {
  const has = (attrs: readonly SdpAttribute[]): boolean =>
    attrs.some((a) => a.name === 'ice-ufrag' || a.name === 'candidate');
  return has(m.attributes) || has(sdp.attributes);
}

/**
 * True when the remote side puts this stream on hold: `sendonly` or `inactive` (RFC 3264 §8.4), or
 * the RFC 2543 form `c=IN IP4 0.0.0.0` outside ICE.
 */
export function isStreamOnHold(sdp: SessionDescription, m: SdpMedia): boolean {
  const d = mediaDirection(sdp, m);
  if (d === 'sendonly' || d === 'inactive') return true;
  const c = mediaConnection(sdp, m);
  return c !== undefined && c.address === '0.0.0.0' && !usesIce(sdp, m);
}

/** True when every active audio stream of the description is on hold. */
export function isOnHold(sdp: SessionDescription): boolean {
  const audio = sdp.media.filter((m) => m.media === 'audio' && m.port !== 0);
  return audio.length > 0 && audio.every((m) => isStreamOnHold(sdp, m));
}

/** Where our side of a session receives media: the address and the origin line's identity. */
export interface LocalSessionAddress {
  readonly address: string;
  readonly addrType?: 'IP4' | 'IP6';
  readonly origin: Pick<SdpOrigin, 'username' | 'sessionId' | 'sessionVersion'>;
}

/**
 * The session-level lines every description we write shares (RFC 8866 §5): origin and connection
 * at our address, `s=-`, and one unbounded `t=0 0`.
 */
export function localSession(
  local: LocalSessionAddress,
  attributes: readonly SdpAttribute[],
  media: readonly SdpMedia[],
): SessionDescription {
  const addrType = local.addrType ?? 'IP4';
  const { username, sessionId, sessionVersion } = local.origin;
  return {
    version: 0,
    // Written out, not spread: a spread copy that gains properties is V8's slow path (ADR 0007).
    origin: { username, sessionId, sessionVersion, netType: 'IN', addrType, address: local.address },
    sessionName: '-',
    emails: [],
    phones: [],
    connection: { netType: 'IN', addrType, address: local.address },
    bandwidths: [],
    timings: [{ start: '0', stop: '0', repeats: [] }],
    attributes,
    media,
  };
}
