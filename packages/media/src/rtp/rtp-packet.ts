import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';

/**
 * RTP fixed header and payload (RFC 3550 §5.1):
 *
 * ```
 *  0                   1                   2                   3
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers (0..15)     |
 * | [profile-defined | length] header extension (§5.3.1)          |
 * | payload ...                          | padding | pad count    |
 * ```
 */
export interface RtpPacket {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrc: readonly number[];
  /** §5.3.1 header extension; `data` length is a multiple of 4. */
  readonly extension?: { readonly profile: number; readonly data: Uint8Array };
  readonly payload: Uint8Array;
  /** Bytes of padding (§5.1 P bit), including the count octet; 0 when none. */
  readonly paddingLength: number;
}

/** Stable codes for packets that are counted and dropped, never thrown. */
export type RtpDecodeError =
  'MEDIA.RTP_TRUNCATED' | 'MEDIA.RTP_BAD_VERSION' | 'MEDIA.RTP_BAD_PADDING' | 'MEDIA.RTP_LOOKS_LIKE_RTCP';

/** Result of {@link readRtpPacket}: `'ok'` or the reason the packet is dropped. */
export type RtpDecodeStatus = 'ok' | RtpDecodeError;

/** Bytes of the fixed header (§5.1). */
export const RTP_HEADER_BYTES = 12;

/**
 * A reusable, mutable view on a received packet for the hot path: {@link readRtpPacket} fills it
 * in place and points at the payload by offset, so parsing allocates nothing.
 */
export class RtpPacketView {
  bytes: Uint8Array = new Uint8Array(0);
  marker = false;
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  csrcCount = 0;
  hasExtension = false;
  extensionProfile = 0;
  extensionOffset = 0;
  extensionLength = 0;
  payloadOffset = 0;
  payloadLength = 0;
  paddingLength = 0;

  /** The i-th CSRC, read from the packet bytes. */
  csrc(i: number): number {
    const at = RTP_HEADER_BYTES + 4 * i;
    const b = this.bytes;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  /** The payload as a view on the packet (allocates a view object; use the offsets to avoid it). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * Parses `bytes[0, length)` into `view` without allocating. Applies the RFC 3550 §A.1 header
 * checks that a receiver can make on one packet: version 2, a padding count that fits, CSRC list
 * and extension inside the packet; and refuses payload types 72–76, which collide with RTCP SR/RR
 * when RTP and RTCP share a port (RFC 5761 §4).
 */
export function readRtpPacket(
  bytes: Uint8Array,
  view: RtpPacketView,
  length = bytes.length,
): RtpDecodeStatus {
  if (length < RTP_HEADER_BYTES || length > bytes.length) return 'MEDIA.RTP_TRUNCATED';
  const b0 = bytes[0]!;
  if (b0 >> 6 !== 2) return 'MEDIA.RTP_BAD_VERSION';
  const b1 = bytes[1]!;
  const payloadType = b1 & 0x7f;
  if (payloadType >= 72 && payloadType <= 76) return 'MEDIA.RTP_LOOKS_LIKE_RTCP';
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (offset > length) return 'MEDIA.RTP_TRUNCATED';
  let hasExtension = false;
  let extensionProfile = 0;
  let extensionOffset = 0;
  let extensionLength = 0;
  if (b0 & 0x10) {
    if (offset + 4 > length) return 'MEDIA.RTP_TRUNCATED';
    hasExtension = true;
    extensionProfile = (bytes[offset]! << 8) | bytes[offset + 1]!;
    extensionLength = 4 * ((bytes[offset + 2]! << 8) | bytes[offset + 3]!);
    extensionOffset = offset + 4;
    offset = extensionOffset + extensionLength;
    if (offset > length) return 'MEDIA.RTP_TRUNCATED';
  }
  let paddingLength = 0;
  if (b0 & 0x20) {
    paddingLength = bytes[length - 1]!;
    // §5.1: the last octet counts itself, so 0 is invalid, and padding cannot eat the header.
    if (paddingLength === 0 || offset + paddingLength > length) return 'MEDIA.RTP_BAD_PADDING';
  }
  view.bytes = bytes;
  view.marker = (b1 & 0x80) !== 0;
  view.payloadType = payloadType;
  view.sequenceNumber = (bytes[2]! << 8) | bytes[3]!;
  view.timestamp = u32(bytes, 4);
  view.ssrc = u32(bytes, 8);
  view.csrcCount = csrcCount;
  view.hasExtension = hasExtension;
  view.extensionProfile = extensionProfile;
  view.extensionOffset = extensionOffset;
  view.extensionLength = extensionLength;
  view.payloadOffset = offset;
  view.payloadLength = length - offset - paddingLength;
  view.paddingLength = paddingLength;
  return 'ok';
}

/** Parses one RTP packet into an immutable {@link RtpPacket}; payload and extension are views. */
export function decodeRtpPacket(bytes: Uint8Array): Result<RtpPacket, Rejection> {
  const view = new RtpPacketView();
  const status = readRtpPacket(bytes, view);
  if (status !== 'ok')
    return err(rejection(status, `RTP packet dropped: ${status}`, { length: bytes.length }));
  const csrc: number[] = [];
  for (let i = 0; i < view.csrcCount; i++) csrc.push(view.csrc(i));
  const base = {
    marker: view.marker,
    payloadType: view.payloadType,
    sequenceNumber: view.sequenceNumber,
    timestamp: view.timestamp,
    ssrc: view.ssrc,
    csrc,
    payload: view.payload(),
    paddingLength: view.paddingLength,
  };
  if (!view.hasExtension) return ok(base);
  const data = bytes.subarray(view.extensionOffset, view.extensionOffset + view.extensionLength);
  return ok({ ...base, extension: { profile: view.extensionProfile, data } });
}

/** Fields needed to write a packet; `csrc`, `extension` and `paddingLength` are optional. */
export interface RtpPacketFields {
  readonly marker?: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrc?: readonly number[];
  readonly extension?: { readonly profile: number; readonly data: Uint8Array };
  readonly payload: Uint8Array;
  readonly paddingLength?: number;
}

/** Size in bytes that {@link writeRtpPacket} needs for `packet`. */
export function rtpPacketSize(packet: RtpPacketFields): number {
  const ext = packet.extension ? 4 + ((packet.extension.data.length + 3) & ~3) : 0;
  return (
    RTP_HEADER_BYTES +
    4 * (packet.csrc?.length ?? 0) +
    ext +
    packet.payload.length +
    (packet.paddingLength ?? 0)
  );
}

/**
 * Writes `packet` into `out` at `offset` and returns the bytes written, or -1 when it does not fit
 * or a field is out of range (more than 15 CSRCs, padding over 255). No allocation: the sender
 * keeps one buffer per leg.
 */
export function writeRtpPacket(packet: RtpPacketFields, out: Uint8Array, offset = 0): number {
  const csrc = packet.csrc ?? NO_CSRC;
  const padding = packet.paddingLength ?? 0;
  if (csrc.length > 15 || padding < 0 || padding > 255) return -1;
  const size = rtpPacketSize(packet);
  if (offset < 0 || offset + size > out.length) return -1;
  // Plain byte stores: a DataView per packet would be the only allocation on the send path.
  out[offset] = 0x80 | (padding > 0 ? 0x20 : 0) | (packet.extension ? 0x10 : 0) | csrc.length;
  out[offset + 1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  out[offset + 2] = (packet.sequenceNumber >> 8) & 0xff;
  out[offset + 3] = packet.sequenceNumber & 0xff;
  putU32(out, offset + 4, packet.timestamp);
  putU32(out, offset + 8, packet.ssrc);
  let at = offset + RTP_HEADER_BYTES;
  for (let i = 0; i < csrc.length; i++, at += 4) putU32(out, at, csrc[i]!);
  if (packet.extension) {
    const data = packet.extension.data;
    const words = (data.length + 3) >> 2;
    out[at] = (packet.extension.profile >> 8) & 0xff;
    out[at + 1] = packet.extension.profile & 0xff;
    out[at + 2] = (words >> 8) & 0xff;
    out[at + 3] = words & 0xff;
    out.set(data, at + 4);
    out.fill(0, at + 4 + data.length, at + 4 + 4 * words);
    at += 4 + 4 * words;
  }
  out.set(packet.payload, at);
  at += packet.payload.length;
  if (padding > 0) {
    out.fill(0, at, at + padding - 1);
    out[at + padding - 1] = padding;
    at += padding;
  }
  return at - offset;
}

const NO_CSRC: readonly number[] = [];

function putU32(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0xff;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

/** Allocating convenience around {@link writeRtpPacket}. */
export function encodeRtpPacket(packet: RtpPacketFields): Uint8Array {
  const out = new Uint8Array(rtpPacketSize(packet));
  writeRtpPacket(packet, out);
  return out;
}

/**
 * RFC 5761 §4 demultiplexing of RTP and RTCP on one port: RTCP packet types 192–223 occupy the
 * second octet's range that RTP payload types 64–95 (with marker) would use.
 */
export function isRtcpPacket(bytes: Uint8Array): boolean {
  const second = bytes.length >= 2 ? bytes[1]! : 0;
  return second >= 192 && second <= 223;
}
