/**
 * What the media layer needs to know about an Opus packet without decoding it: its duration, read
 * from the table-of-contents (TOC) byte and frame count (RFC 6716 §3.1, §3.2), and packets that
 * carry no audio at all, which a decoder treats as lost and conceals (RFC 6716 §3.2.1, §4.4).
 */

/** The RTP clock of Opus, whatever the audio bandwidth or the decoder's rate (RFC 7587 §4.1). */
export const OPUS_RTP_CLOCK_RATE = 48000;

/** Samples of 48 kHz audio in one millisecond. */
const PER_MS = OPUS_RTP_CLOCK_RATE / 1000;

/** The longest packet: 120 ms of audio (RFC 6716 §3.2.5, code 3 at most 120 ms in all). */
export const OPUS_MAX_PACKET_SAMPLES = 120 * PER_MS;

/**
 * Frame duration of a TOC configuration, in 48 kHz samples (RFC 6716 §3.1 Table 2): configs 0–11
 * are SILK (10/20/40/60 ms), 12–15 hybrid (10/20 ms), 16–31 CELT (2.5/5/10/20 ms).
 */
export function opusFrameSamples(config: number): number {
  if (config < 12) return [10, 20, 40, 60][config % 4]! * PER_MS;
  if (config < 16) return [10, 20][config % 2]! * PER_MS;
  return [2.5, 5, 10, 20][config % 4]! * PER_MS;
}

/**
 * Audio carried by one Opus packet, in 48 kHz samples (the RTP timestamp units of RFC 7587
 * §4.1), or `undefined` when the packet is empty or malformed: code 1 with an odd payload length
 * (§3.2.3 R3), code 2 or 3 without its length or count byte, a frame count of 0, or more than
 * 120 ms (§3.2.5 R5). Only the first bytes are read; the frames themselves are the decoder's.
 */
export function opusPacketSamples(
  packet: Uint8Array,
  offset = 0,
  length = packet.length - offset,
): number | undefined {
  if (length < 1) return undefined;
  const toc = packet[offset]!;
  const code = toc & 0x3;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 1) {
    if ((length - 1) % 2 !== 0) return undefined;
    frames = 2;
  } else if (code === 2) {
    if (length < 2) return undefined;
    frames = 2;
  } else {
    if (length < 2) return undefined;
    frames = packet[offset + 1]! & 0x3f;
    if (frames === 0) return undefined;
  }
  const samples = frames * opusFrameSamples(toc >> 3);
  return samples > OPUS_MAX_PACKET_SAMPLES ? undefined : samples;
}

/** TOC-only packets by duration, longest first: SILK NB configs 3, 2, 1, 0, then CELT NB 17, 16. */
const CONCEALMENT_TOCS: readonly { readonly samples: number; readonly toc: number }[] = [
  { samples: 60 * PER_MS, toc: 3 << 3 },
  { samples: 40 * PER_MS, toc: 2 << 3 },
  { samples: 20 * PER_MS, toc: 1 << 3 },
  { samples: 10 * PER_MS, toc: 0 << 3 },
  { samples: 5 * PER_MS, toc: 17 << 3 },
  { samples: 2.5 * PER_MS, toc: 16 << 3 },
];

/**
 * One-byte packets (a TOC byte, code 0, and a zero-length frame) that together last `samples`
 * (48 kHz), longest first. A decoder treats a zero-length frame as lost and conceals it for the
 * TOC's frame duration (RFC 6716 §3.2.1; libopus runs its packet loss concealment in the mode of
 * the previous frame, whatever mode the TOC names), so decoding these fills a gap of exactly that
 * length. A remainder below 2.5 ms, which no Opus frame can carry, is left out.
 */
export function opusConcealmentPackets(samples: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let left = Math.max(0, Math.floor(samples));
  for (const { samples: size, toc } of CONCEALMENT_TOCS)
    for (; left >= size; left -= size) packets.push(Uint8Array.of(toc));
  return packets;
}
