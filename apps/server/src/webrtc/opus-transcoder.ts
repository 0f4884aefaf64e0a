import {
  FRAME_SAMPLES,
  OPUS_RTP_CLOCK_RATE,
  OpusReceiveTimeline,
  PcmFrameAssembler,
  RtpPacketView,
  SAMPLE_RATE,
  decodeG711,
  encodeG711,
  multiplyRtpTimestamp,
  opusConcealmentPackets,
  opusPacketSamples,
  readRtpPacket,
  rescaleTelephoneEvent,
  type RtpPacketFields,
} from '@switchboard/media';
import { OpusCodec } from './opus-codec';

/** Opus's RTP clock over G.711's: 6 (RFC 7587 §4.1, RFC 3551 §4.5.14). */
const CLOCK_RATIO = OPUS_RTP_CLOCK_RATE / SAMPLE_RATE;

/** The payload types on each side of a transcoded stream. */
export interface OpusTranscoderFormats {
  /** The browser's `opus/48000/2` (RFC 7587 §7). */
  readonly opus: number;
  /** The browser's `telephone-event/48000`, when negotiated. */
  readonly opusEvents?: number;
  /** PCMU towards the leg (and so the bridge). */
  readonly pcmu: number;
  /** `telephone-event/8000` towards the leg, when negotiated. */
  readonly pcmuEvents?: number;
}

/** Figures of one transcoder. */
export interface OpusTranscoderStats {
  /** Opus packets from the browser decoded, and PCMU frames handed to the leg. */
  readonly decoded: number;
  readonly toLeg: number;
  /** Opus packets dropped: malformed (bad TOC, refused by libopus) or late (gap already concealed). */
  readonly malformed: number;
  readonly late: number;
  /** Gaps concealed by the decoder, and their total length in ms. */
  readonly concealments: number;
  readonly concealedMs: number;
  /** 20 ms Opus frames encoded for the browser, and frames libopus refused (dropped). */
  readonly encoded: number;
  readonly encodeErrors: number;
  /** RFC 4733 packets moved between the two clocks, each way. */
  readonly eventsToLeg: number;
  readonly eventsToBrowser: number;
}

/** Where the transcoder's packets go; `payload` may be reused once the call returns. */
export type TranscodedPacketSink = (packet: RtpPacketFields) => void;

/**
 * Opus on the browser's side, PCMU on the leg's, for a browser that will not send or receive
 * PCMU. Both directions go through 8 kHz linear audio with no resampler: libopus decodes to and
 * encodes from 8 kHz itself.
 *
 * ```
 *   browser ── Opus 48 kHz clock ──▶ decode (PLC for gaps) ──▶ 20 ms frames ──▶ PCMU ──▶ leg
 *   browser ◀── Opus, ts × 6 ◀── encode 20 ms ◀── 20 ms frames ◀── PCMU (any ptime) ◀── leg
 * ```
 *
 * Browser → leg: each packet is placed by {@link OpusReceiveTimeline} (late ones dropped, short
 * gaps concealed by the decoder, long ones left silent), decoded whatever its frame size (10 to
 * 120 ms, DTX packets included), and re-cut into 20 ms PCMU frames on the leg's 8 kHz clock with
 * our own sequence numbers. `telephone-event/48000` becomes `/8000` on the same timeline, its
 * durations divided by 6. Leg → browser: PCMU of any packet length is re-cut into 20 ms frames,
 * encoded, and stamped with the leg's timestamp × 6; events are scaled the same way. Werift then
 * puts its SSRC on them and protects them.
 *
 * Nothing here knows werift: packets come and go as the media package's RTP fields.
 */
export class OpusTranscoder {
  private readonly codec = new OpusCodec();
  private readonly timeline = new OpusReceiveTimeline();
  private readonly toLegFrames = new PcmFrameAssembler(FRAME_SAMPLES);
  private readonly toBrowserFrames = new PcmFrameAssembler(FRAME_SAMPLES);
  private readonly view = new RtpPacketView();
  private readonly pcmu = new Uint8Array(FRAME_SAMPLES);
  private linear = new Int16Array(FRAME_SAMPLES * 3);
  /** Our sequence numbers on each side, started from the first packet's (RFC 3550 §5.1). */
  private legSequence: number | undefined;
  private legSsrc = 0;
  private browserSequence: number | undefined;
  private browserSsrc = 0;
  private closed = false;
  private readonly counters = {
    decoded: 0,
    toLeg: 0,
    malformed: 0,
    encoded: 0,
    encodeErrors: 0,
    eventsToLeg: 0,
    eventsToBrowser: 0,
  };

  constructor(
    readonly formats: OpusTranscoderFormats,
    private readonly toLeg: TranscodedPacketSink,
    private readonly toBrowser: TranscodedPacketSink,
  ) {}

  /** Current figures. */
  stats(): OpusTranscoderStats {
    const t = this.timeline.stats;
    return {
      ...this.counters,
      late: t.late,
      concealments: t.concealments,
      concealedMs: (t.concealedSamples * 1000) / OPUS_RTP_CLOCK_RATE,
    };
  }

  /** A packet from the browser, already SRTP-decrypted. Types other than Opus's pass unchanged. */
  fromBrowser(packet: RtpPacketFields): void {
    if (this.closed) return;
    if (packet.payloadType === this.formats.opus) this.decode(packet);
    else if (packet.payloadType === this.formats.opusEvents) this.eventToLeg(packet);
    else this.toLeg(packet);
  }

  /** A serialized PCMU packet of the leg (its `RtpSender`), any packet length. */
  audioFromLeg(packet: Uint8Array): void {
    if (this.closed || readRtpPacket(packet, this.view) !== 'ok') return;
    const v = this.view;
    const n = v.payloadLength;
    if (this.linear.length < n) this.linear = new Int16Array(n);
    decodeG711('pcmu', v.bytes, this.linear, n, v.payloadOffset);
    this.browserSsrc = v.ssrc;
    this.browserSequence ??= (v.sequenceNumber - 1) & 0xffff;
    this.toBrowserFrames.push(this.linear.subarray(0, n), v.timestamp, v.marker, this.encodeFrame);
  }

  /** A serialized `telephone-event/8000` packet of the leg, sent at 48 kHz; dropped if not negotiated. */
  eventFromLeg(packet: Uint8Array): void {
    const type = this.formats.opusEvents;
    if (this.closed || type === undefined || readRtpPacket(packet, this.view) !== 'ok') return;
    const v = this.view;
    this.browserSequence ??= (v.sequenceNumber - 1) & 0xffff;
    this.counters.eventsToBrowser++;
    this.toBrowser({
      marker: v.marker,
      payloadType: type,
      sequenceNumber: this.nextBrowserSequence(),
      timestamp: multiplyRtpTimestamp(v.timestamp, CLOCK_RATIO),
      ssrc: v.ssrc,
      payload: rescaleTelephoneEvent(v.payload(), CLOCK_RATIO),
    });
  }

  /** Frees the codec; later packets are ignored. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.codec.close();
  }

  private decode(packet: RtpPacketFields): void {
    const samples = opusPacketSamples(packet.payload);
    if (samples === undefined) {
      this.counters.malformed++;
      return;
    }
    const t = this.timeline;
    if (t.accept(packet.timestamp, samples, packet.marker ?? false) === 'late') return;
    this.legSsrc = packet.ssrc;
    this.legSequence ??= (packet.sequenceNumber - 1) & 0xffff;
    if (t.concealSamples > 0) {
      let at = t.concealTimestamp;
      for (const lost of opusConcealmentPackets(t.concealSamples)) {
        const pcm = this.codec.decode(lost);
        if (pcm === undefined) break;
        this.toLegFrames.push(pcm, at, false, this.pcmuFrame);
        at = (at + pcm.length) >>> 0;
      }
    }
    const pcm = this.codec.decode(packet.payload);
    if (pcm === undefined) {
      // The timeline counted it; the frames around it are cut at the hole and padded with silence.
      this.counters.malformed++;
      return;
    }
    this.counters.decoded++;
    this.toLegFrames.push(pcm, t.timestamp, t.marker, this.pcmuFrame);
  }

  private eventToLeg(packet: RtpPacketFields): void {
    const type = this.formats.pcmuEvents;
    const timestamp = this.timeline.eventTimestamp(packet.timestamp);
    if (type === undefined) return;
    // Audio decoded before the key press goes first, so the leg sees the two in order.
    this.toLegFrames.flush(this.pcmuFrame);
    this.legSequence ??= (packet.sequenceNumber - 1) & 0xffff;
    this.counters.eventsToLeg++;
    this.toLeg({
      marker: packet.marker,
      payloadType: type,
      sequenceNumber: this.nextLegSequence(),
      timestamp,
      ssrc: packet.ssrc,
      payload: rescaleTelephoneEvent(packet.payload, 1 / CLOCK_RATIO),
    });
  }

  private readonly pcmuFrame = (frame: Int16Array, timestamp: number, marker: boolean): void => {
    encodeG711('pcmu', frame, this.pcmu, frame.length);
    this.counters.toLeg++;
    this.toLeg({
      marker,
      payloadType: this.formats.pcmu,
      sequenceNumber: this.nextLegSequence(),
      timestamp,
      ssrc: this.legSsrc,
      payload: this.pcmu,
    });
  };

  private readonly encodeFrame = (frame: Int16Array, timestamp: number, marker: boolean): void => {
    let payload: Uint8Array;
    try {
      payload = this.codec.encode(frame);
    } catch {
      // A frame libopus refuses is lost, counted; never thrown into the leg's sending path.
      this.counters.encodeErrors++;
      return;
    }
    this.counters.encoded++;
    this.toBrowser({
      marker,
      payloadType: this.formats.opus,
      sequenceNumber: this.nextBrowserSequence(),
      timestamp: multiplyRtpTimestamp(timestamp, CLOCK_RATIO),
      ssrc: this.browserSsrc,
      payload,
    });
  };

  private nextLegSequence(): number {
    this.legSequence = ((this.legSequence ?? 0) + 1) & 0xffff;
    return this.legSequence;
  }

  private nextBrowserSequence(): number {
    this.browserSequence = ((this.browserSequence ?? 0) + 1) & 0xffff;
    return this.browserSequence;
  }
}
