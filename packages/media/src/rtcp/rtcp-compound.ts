import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import {
  RTCP_BYE,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  type Goodbye,
  type ReportBlock,
  type RtcpPacket,
  type SdesChunk,
  type SdesItem,
} from './rtcp-packet';
import { decodeUtf8, encodeUtf8 } from './utf8';

/** Stable codes for RTCP that is counted and dropped, never thrown. */
export type RtcpDecodeError =
  | 'MEDIA.RTCP_TRUNCATED'
  | 'MEDIA.RTCP_BAD_VERSION'
  | 'MEDIA.RTCP_BAD_LENGTH'
  | 'MEDIA.RTCP_BAD_PADDING'
  | 'MEDIA.RTCP_BAD_FIRST_PACKET'
  | 'MEDIA.RTCP_MALFORMED';

export interface RtcpDecodeOptions {
  /**
   * Accept compounds that do not start with SR/RR (reduced-size RTCP, RFC 5506). Off by default:
   * RFC 3550 §6.1 requires the first packet to be a report.
   */
  readonly reducedSize?: boolean;
}

const BLOCK_BYTES = 24;

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function fail(code: RtcpDecodeError, message: string): Result<never, Rejection> {
  return err(rejection(code, message));
}

function readBlocks(b: Uint8Array, at: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++, at += BLOCK_BYTES) {
    const lost = (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!;
    blocks.push({
      ssrc: u32(b, at),
      fractionLost: b[at + 4]!,
      // Signed 24-bit (§6.4.1): sign-extend through the top byte.
      cumulativeLost: (lost << 8) >> 8,
      highestSequence: u32(b, at + 8),
      jitter: u32(b, at + 12),
      lastSenderReport: u32(b, at + 16),
      delaySinceLastSenderReport: u32(b, at + 20),
    });
  }
  return blocks;
}

/** SDES chunks (§6.5): SSRC, items (type, length, text), a null item, padding to 32 bits. */
function readSdes(body: Uint8Array, count: number): SdesChunk[] | undefined {
  const chunks: SdesChunk[] = [];
  let at = 0;
  for (let c = 0; c < count; c++) {
    if (at + 4 > body.length) return undefined;
    const ssrc = u32(body, at);
    at += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (at >= body.length) return undefined;
      const type = body[at]!;
      if (type === 0) break;
      if (at + 2 > body.length) return undefined;
      const length = body[at + 1]!;
      if (at + 2 + length > body.length) return undefined;
      items.push({ type, value: decodeUtf8(body.subarray(at + 2, at + 2 + length)) });
      at += 2 + length;
    }
    // Skip the terminating null and the padding up to the next 32-bit boundary.
    at = (at + 4) & ~3;
    chunks.push({ ssrc, items });
  }
  return chunks;
}

function readBye(body: Uint8Array, count: number): Goodbye | undefined {
  if (count * 4 > body.length) return undefined;
  const sources: number[] = [];
  for (let i = 0; i < count; i++) sources.push(u32(body, 4 * i));
  const at = count * 4;
  if (at >= body.length) return { type: 'bye', sources };
  const length = body[at]!;
  if (at + 1 + length > body.length) return undefined;
  return { type: 'bye', sources, reason: decodeUtf8(body.subarray(at + 1, at + 1 + length)) };
}

function readPacket(packetType: number, count: number, body: Uint8Array): RtcpPacket | undefined {
  switch (packetType) {
    case RTCP_SR:
      if (body.length < 24 + count * BLOCK_BYTES) return undefined;
      return {
        type: 'sr',
        ssrc: u32(body, 0),
        ntpSeconds: u32(body, 4),
        ntpFraction: u32(body, 8),
        rtpTimestamp: u32(body, 12),
        packetCount: u32(body, 16),
        octetCount: u32(body, 20),
        reports: readBlocks(body, 24, count),
      };
    case RTCP_RR:
      if (body.length < 4 + count * BLOCK_BYTES) return undefined;
      return { type: 'rr', ssrc: u32(body, 0), reports: readBlocks(body, 4, count) };
    case RTCP_SDES: {
      const chunks = readSdes(body, count);
      return chunks && { type: 'sdes', chunks };
    }
    case RTCP_BYE:
      return readBye(body, count);
    default:
      return { type: 'unknown', packetType, count, body };
  }
}

/**
 * Decodes a compound RTCP packet with the validity checks of RFC 3550 §A.2: version 2 in every
 * packet, the first one SR or RR without padding, padding only in the last, and lengths adding up
 * exactly to the datagram. Types it does not model (APP, RTPFB, PSFB, XR) come back as `unknown`.
 */
export function decodeRtcpCompound(
  bytes: Uint8Array,
  options: RtcpDecodeOptions = {},
): Result<RtcpPacket[], Rejection> {
  if (bytes.length < 4) return fail('MEDIA.RTCP_TRUNCATED', 'RTCP shorter than a common header');
  const first = bytes[1]!;
  if (!options.reducedSize && first !== RTCP_SR && first !== RTCP_RR)
    return fail('MEDIA.RTCP_BAD_FIRST_PACKET', `compound starts with packet type ${first}`);
  const packets: RtcpPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) return fail('MEDIA.RTCP_TRUNCATED', 'trailing bytes after last packet');
    const b0 = bytes[at]!;
    if (b0 >> 6 !== 2) return fail('MEDIA.RTCP_BAD_VERSION', `version ${b0 >> 6} at offset ${at}`);
    const size = 4 * (((bytes[at + 2]! << 8) | bytes[at + 3]!) + 1);
    if (at + size > bytes.length)
      return fail('MEDIA.RTCP_BAD_LENGTH', `packet at ${at} overruns the datagram`);
    const last = at + size === bytes.length;
    let padding = 0;
    if (b0 & 0x20) {
      if (!last) return fail('MEDIA.RTCP_BAD_PADDING', 'padding before the last packet');
      padding = bytes[at + size - 1]!;
      if (padding === 0 || padding > size - 4) return fail('MEDIA.RTCP_BAD_PADDING', 'bad padding count');
    }
    const body = bytes.subarray(at + 4, at + size - padding);
    const packet = readPacket(bytes[at + 1]!, b0 & 0x1f, body);
    if (!packet) return fail('MEDIA.RTCP_MALFORMED', `packet type ${bytes[at + 1]} at ${at} is malformed`);
    packets.push(packet);
    at += size;
  }
  return ok(packets);
}

function clipText(text: string): Uint8Array {
  const bytes = encodeUtf8(text);
  if (bytes.length <= 255) return bytes;
  // Cut at a character boundary: never leave a partial UTF-8 sequence behind.
  let end = 255;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** Common header (§6.4.1): V=2, no padding (nothing here needs it), count, type, length − 1 in words. */
function writeHeader(out: number[], count: number, type: number, words: number): void {
  out.push(0x80 | count, type, (words >> 8) & 0xff, words & 0xff);
}

function pushU32(out: number[], v: number): void {
  out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function pushBlocks(out: number[], blocks: readonly ReportBlock[]): void {
  for (const b of blocks) {
    pushU32(out, b.ssrc);
    out.push(b.fractionLost & 0xff);
    const lost = b.cumulativeLost & 0xffffff;
    out.push((lost >> 16) & 0xff, (lost >> 8) & 0xff, lost & 0xff);
    pushU32(out, b.highestSequence);
    pushU32(out, b.jitter);
    pushU32(out, b.lastSenderReport);
    pushU32(out, b.delaySinceLastSenderReport);
  }
}

function bodyOf(packet: RtcpPacket): { count: number; type: number; body: number[] } {
  const body: number[] = [];
  switch (packet.type) {
    case 'sr':
      for (const v of [packet.ssrc, packet.ntpSeconds, packet.ntpFraction, packet.rtpTimestamp])
        pushU32(body, v);
      pushU32(body, packet.packetCount);
      pushU32(body, packet.octetCount);
      pushBlocks(body, packet.reports);
      return { count: packet.reports.length, type: RTCP_SR, body };
    case 'rr':
      pushU32(body, packet.ssrc);
      pushBlocks(body, packet.reports);
      return { count: packet.reports.length, type: RTCP_RR, body };
    case 'sdes':
      for (const chunk of packet.chunks) {
        pushU32(body, chunk.ssrc);
        for (const item of chunk.items) {
          const text = clipText(item.value);
          body.push(item.type & 0xff, text.length, ...text);
        }
        // A null item ends the chunk; pad with nulls to the 32-bit boundary (§6.5).
        do body.push(0);
        while (body.length % 4 !== 0);
      }
      return { count: packet.chunks.length, type: RTCP_SDES, body };
    case 'bye':
      for (const s of packet.sources) pushU32(body, s);
      if (packet.reason !== undefined) {
        const text = clipText(packet.reason);
        body.push(text.length, ...text);
        while (body.length % 4 !== 0) body.push(0);
      }
      return { count: packet.sources.length, type: RTCP_BYE, body };
    case 'unknown':
      body.push(...packet.body);
      while (body.length % 4 !== 0) body.push(0);
      return { count: packet.count, type: packet.packetType, body };
  }
}

/**
 * Encodes packets back to back into one compound datagram (§6.1). A packet with more than 31
 * report blocks, chunks or sources cannot be expressed and is a caller bug (split it, §6.4.2).
 */
export function encodeRtcpCompound(packets: readonly RtcpPacket[]): Uint8Array {
  const out: number[] = [];
  for (const packet of packets) {
    const { count, type, body } = bodyOf(packet);
    if (count > 31) throw new RangeError(`RTCP ${packet.type} with ${count} entries; at most 31 fit`);
    writeHeader(out, count, type, body.length / 4);
    for (const b of body) out.push(b);
  }
  return Uint8Array.from(out);
}
