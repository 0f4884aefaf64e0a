/**
 * The RTP inside the captures sip-tester ships, read the way sipp's `play_pcap_audio` sends it, and
 * new captures written in the same shape: so a test knows what audio a sipp caller sent, and can
 * send the same audio with other packetization.
 */
import { readFileSync } from 'node:fs';
import { ALAW_TO_LINEAR, ULAW_TO_LINEAR, type G711Law } from '@switchboard/media';

/** One RTP packet of a capture (RFC 3550 §5.1 fields a test needs). */
export interface CapturedRtp {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
  /** Capture time relative to the first packet. */
  readonly atMs: number;
}

const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_UDP = 17;

/** The RTP packets of a libpcap file (Ethernet, IPv4, UDP), in capture order. */
export function readRtpCapture(path: string): CapturedRtp[] {
  const bytes = readFileSync(path);
  const magic = bytes.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4) throw new Error(`${path}: not a little-endian microsecond pcap`);
  if (bytes.readUInt32LE(20) !== LINKTYPE_ETHERNET) throw new Error(`${path}: not an Ethernet capture`);
  const packets: CapturedRtp[] = [];
  let first: number | undefined;
  for (let at = 24; at + 16 <= bytes.length;) {
    const atUs = bytes.readUInt32LE(at) * 1e6 + bytes.readUInt32LE(at + 4);
    const length = bytes.readUInt32LE(at + 8);
    const frame = bytes.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    if (frame.readUInt16BE(12) !== ETHERTYPE_IPV4) continue;
    const ip = frame.subarray(14);
    if (ip[9] !== IPPROTO_UDP) continue;
    const udp = ip.subarray((ip[0]! & 0x0f) * 4);
    const rtp = udp.subarray(8, udp.readUInt16BE(4));
    // RFC 3550 §5.1: fixed header, then CSRCs, then an optional extension.
    let payloadAt = 12 + (rtp[0]! & 0x0f) * 4;
    if (rtp[0]! & 0x10) payloadAt += 4 + rtp.readUInt16BE(payloadAt + 2) * 4;
    first ??= atUs;
    packets.push({
      payloadType: rtp[1]! & 0x7f,
      marker: (rtp[1]! & 0x80) !== 0,
      sequence: rtp.readUInt16BE(2),
      timestamp: rtp.readUInt32BE(4),
      ssrc: rtp.readUInt32BE(8),
      payload: new Uint8Array(rtp.subarray(payloadAt)),
      atMs: (atUs - first) / 1000,
    });
  }
  return packets;
}

/** The linear audio of G.711 packets, in sequence. */
export function decodeG711(packets: readonly CapturedRtp[], law: G711Law): Int16Array {
  const table = law === 'pcma' ? ALAW_TO_LINEAR : ULAW_TO_LINEAR;
  const total = packets.reduce((n, p) => n + p.payload.length, 0);
  const out = new Int16Array(total);
  let i = 0;
  for (const p of packets) for (const byte of p.payload) out[i++] = table[byte]!;
  return out;
}

/**
 * The same G.711 audio as `packets`, cut into `frameMs` packets: one SSRC, contiguous sequence
 * numbers and timestamps from the first packet's, one packet every `frameMs` of capture time.
 */
export function repacketize(packets: readonly CapturedRtp[], frameMs: number): CapturedRtp[] {
  const first = packets[0];
  if (first === undefined) throw new Error('no packets to repacketize');
  const samples = Buffer.concat(packets.map((p) => p.payload));
  const frame = frameMs * 8;
  const out: CapturedRtp[] = [];
  for (let k = 0; (k + 1) * frame <= samples.length; k++)
    out.push({
      ...first,
      marker: k === 0,
      sequence: (first.sequence + k) & 0xffff,
      timestamp: (first.timestamp + k * frame) >>> 0,
      payload: new Uint8Array(samples.subarray(k * frame, (k + 1) * frame)),
      atMs: k * frameMs,
    });
  return out;
}

/**
 * `packets` renumbered to go on from `previous` in one RTP stream (RFC 3550 §5.1): its SSRC,
 * sequence numbers after its last, timestamps `gapMs` after its last. Captures taken apart restart
 * their numbering; a receiver rightly drops a key press whose event timestamp goes back in time
 * (RFC 4733 §2.5.2), so two captures played in one call must be made one stream first.
 */
export function continueStream(
  packets: readonly CapturedRtp[],
  previous: readonly CapturedRtp[],
  gapMs = 1000,
): CapturedRtp[] {
  const last = previous.at(-1);
  const first = packets[0];
  if (last === undefined || first === undefined) throw new Error('no packets to renumber');
  const sequenceShift = last.sequence + 1 - first.sequence;
  const timestampShift = last.timestamp + gapMs * 8 - first.timestamp;
  return packets.map((p) => ({
    ...p,
    ssrc: last.ssrc,
    sequence: (p.sequence + sequenceShift) & 0xffff,
    timestamp: (p.timestamp + timestampShift) >>> 0,
  }));
}

/**
 * A pcap sipp can play: Ethernet, IPv4 and UDP headers around each RTP packet, each at its
 * capture time.
 */
export function writeRtpCapture(packets: readonly CapturedRtp[]): Uint8Array {
  const records: Buffer[] = [pcapHeader()];
  for (const p of packets) {
    const rtp = Buffer.alloc(12);
    rtp[0] = 0x80;
    rtp[1] = (p.marker ? 0x80 : 0) | p.payloadType;
    rtp.writeUInt16BE(p.sequence, 2);
    rtp.writeUInt32BE(p.timestamp, 4);
    rtp.writeUInt32BE(p.ssrc, 8);
    records.push(pcapRecord(Math.round(p.atMs * 1000), Buffer.concat([rtp, p.payload])));
  }
  return new Uint8Array(Buffer.concat(records));
}

function pcapHeader(): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65_535, 16);
  header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  return header;
}

/**
 * One captured UDP datagram. sipp replaces the addresses and ports with the call's own and
 * recomputes the UDP checksum, so these only need to be well-formed.
 */
function pcapRecord(atUs: number, rtp: Buffer): Buffer {
  const ethernet = Buffer.alloc(14);
  ethernet.writeUInt16BE(ETHERTYPE_IPV4, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + rtp.length, 2);
  ip[8] = 64;
  ip[9] = IPPROTO_UDP;
  ip.set([127, 0, 0, 1], 12);
  ip.set([127, 0, 0, 1], 16);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(10_000, 0);
  udp.writeUInt16BE(10_002, 2);
  udp.writeUInt16BE(8 + rtp.length, 4);
  const frame = Buffer.concat([ethernet, ip, udp, rtp]);
  const record = Buffer.alloc(16);
  record.writeUInt32LE(Math.floor(atUs / 1e6), 0);
  record.writeUInt32LE(atUs % 1e6, 4);
  record.writeUInt32LE(frame.length, 8);
  record.writeUInt32LE(frame.length, 12);
  return Buffer.concat([record, frame]);
}
