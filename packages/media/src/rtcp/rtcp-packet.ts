/**
 * RTCP packet types of RFC 3550 §6.4–6.6. Values are plain numbers as on the wire: SSRCs and NTP
 * halves are unsigned 32-bit, `cumulativeLost` is signed 24-bit, `fractionLost` is 8-bit fixed
 * point (lost/expected × 256).
 */

/** RFC 3550 §12.1 packet types. */
export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;

/** One reception report block (§6.4.1), 24 bytes on the wire. */
export interface ReportBlock {
  readonly ssrc: number;
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | max_seq). */
  readonly highestSequence: number;
  /** Interarrival jitter in RTP timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from this source (LSR), 0 if none. */
  readonly lastSenderReport: number;
  /** Delay since that SR in units of 1/65536 s (DLSR), 0 if none. */
  readonly delaySinceLastSenderReport: number;
}

/** Sender report (§6.4.1). */
export interface SenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
}

/** Receiver report (§6.4.2). */
export interface ReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
}

/** SDES item types (§6.5); CNAME is the one every compound packet must carry (§6.1). */
export const SdesItemType = {
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

export interface SdesItem {
  readonly type: number;
  readonly value: string;
}

export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

/** Source description (§6.5). */
export interface SourceDescription {
  readonly type: 'sdes';
  readonly chunks: readonly SdesChunk[];
}

/** Goodbye (§6.6). */
export interface Goodbye {
  readonly type: 'bye';
  readonly sources: readonly number[];
  readonly reason?: string;
}

/** A packet type this package does not interpret (APP, feedback, XR): kept, not rejected. */
export interface UnknownRtcpPacket {
  readonly type: 'unknown';
  readonly packetType: number;
  /** The 5-bit count/subtype field of the common header. */
  readonly count: number;
  /** Everything after the 4-byte common header, padding removed. */
  readonly body: Uint8Array;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | UnknownRtcpPacket;

/** Seconds between the NTP era 0 epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/**
 * Splits a wall-clock time (ms since the Unix epoch, read by the caller from its Clock port) into
 * the 64-bit NTP timestamp halves of an SR (§4).
 */
export function ntpTimestamp(unixMs: number): { seconds: number; fraction: number } {
  const totalSeconds = Math.floor(unixMs / 1000);
  const remainderMs = unixMs - totalSeconds * 1000;
  return {
    seconds: (totalSeconds + NTP_UNIX_OFFSET_S) >>> 0,
    fraction: Math.floor((remainderMs / 1000) * 0x1_0000_0000) >>> 0,
  };
}

/** The middle 32 bits of an NTP timestamp: the LSR field of a report block (§6.4.1). */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/**
 * Round-trip time from a report block received at `arrivalMiddle32` (the middle NTP bits of the
 * arrival time), per §6.4.1: A − LSR − DLSR. Returns milliseconds, or `undefined` when the block
 * carries no LSR or the result is negative (clock steps).
 */
export function roundTripTimeMs(arrivalMiddle32: number, block: ReportBlock): number | undefined {
  if (block.lastSenderReport === 0) return undefined;
  const units = (arrivalMiddle32 - block.lastSenderReport - block.delaySinceLastSenderReport) | 0;
  if (units < 0) return undefined;
  return (units / 65536) * 1000;
}
