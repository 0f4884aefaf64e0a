import { timestampDelta } from '../rtp/sequence';
import { OPUS_RTP_CLOCK_RATE } from './opus-packet';

/** What {@link OpusReceiveTimeline} is built with. */
export interface OpusReceiveTimelineOptions {
  /** The rate audio is decoded at and re-timestamped in; default 8000 (G.711's clock). */
  readonly outputRate?: number;
  /**
   * A gap up to this long is lost packets, concealed by the decoder; a longer one is a pause
   * (DTX, a muted or replaced track) and stays silent. Default 100 ms: one lost 60 ms packet, or
   * a burst of five 20 ms packets, after which concealment has faded to nothing anyway.
   */
  readonly maxConcealMs?: number;
  /**
   * A packet this far behind the expected one is a restarted source (new timestamp base), not a
   * late packet; default 1000 ms.
   */
  readonly restartAfterMs?: number;
}

/** What the timeline says of a packet: play it (after any concealment), or drop it as late. */
export type OpusReceiveVerdict = 'play' | 'late';

/** Counters of one timeline. */
export interface OpusReceiveTimelineStats {
  readonly played: number;
  /** Arrived after the audio it carried had been played or concealed: dropped. */
  readonly late: number;
  /** Gaps filled by concealment, and their total length in 48 kHz samples. */
  readonly concealments: number;
  readonly concealedSamples: number;
  /** Gaps too long to conceal (or around a telephone-event), left silent. */
  readonly pauses: number;
  readonly restarts: number;
}

/**
 * The receive side of an Opus stream turned into a narrowband one, as pure arithmetic on RTP
 * timestamps: which packets to play, which gaps to conceal (decoder PLC) and which to leave
 * silent, and where each piece lands on the output clock.
 *
 * Opus timestamps count 48 kHz samples whatever the audio bandwidth (RFC 7587 §4.1), and a packet
 * lasts what its TOC says (10 to 120 ms, RFC 6716 §3.2), so the next packet is expected at this
 * one's timestamp plus its duration. Loss shows as a later timestamp than expected. Packets are
 * played as they come (no jitter buffer here: the receiver downstream has one), so a packet
 * arriving after its gap was concealed is late and dropped.
 *
 * Output timestamps are `outputRate` samples on one line: `anchor + (ts − anchorTs) / ratio`,
 * re-anchored as the source advances so wraparound never matters, and continued (not reset) when
 * the source restarts. RFC 4733 events take the same mapping ({@link eventTimestamp}). A browser
 * sends no audio while it plays an event (the event packets take the audio's place), so the gap
 * around an event is a pause, never concealed: concealment would smear speech over the key press.
 */
export class OpusReceiveTimeline {
  /** After `play`: 48 kHz samples to conceal before the packet, 0 when none. */
  concealSamples = 0;
  /** After `play`: output timestamp where the concealment (or the packet, when none) starts. */
  concealTimestamp = 0;
  /** After `play`: output timestamp of the packet's first sample. */
  timestamp = 0;
  /** After `play`: the packet starts a talkspurt (first, after a pause or restart, or marked). */
  marker = false;

  private readonly ratio: number;
  private readonly maxConceal: number;
  private readonly restartAfter: number;
  private started = false;
  private anchorIn = 0;
  private anchorOut = 0;
  private next = 0;
  private eventSinceAudio = false;
  private readonly counters = {
    played: 0,
    late: 0,
    concealments: 0,
    concealedSamples: 0,
    pauses: 0,
    restarts: 0,
  };

  constructor(options: OpusReceiveTimelineOptions = {}) {
    const outputRate = options.outputRate ?? 8000;
    this.ratio = OPUS_RTP_CLOCK_RATE / outputRate;
    this.maxConceal = ((options.maxConcealMs ?? 100) * OPUS_RTP_CLOCK_RATE) / 1000;
    this.restartAfter = ((options.restartAfterMs ?? 1000) * OPUS_RTP_CLOCK_RATE) / 1000;
  }

  /** Current counters. */
  get stats(): OpusReceiveTimelineStats {
    return { ...this.counters };
  }

  /**
   * Places an audio packet with RTP `timestamp` lasting `samples` (48 kHz, from its TOC) and the
   * sender's `marker`. On `play` the fields above say what to conceal first and where it goes.
   */
  accept(timestamp: number, samples: number, marker: boolean): OpusReceiveVerdict {
    if (!this.started) {
      this.started = true;
      this.anchorIn = timestamp >>> 0;
      this.anchorOut = Math.floor((timestamp >>> 0) / this.ratio) >>> 0;
      return this.play(timestamp, samples, 0, true);
    }
    const gap = timestampDelta(timestamp, this.next);
    if (gap < 0) {
      if (gap > -this.restartAfter) {
        this.counters.late++;
        return 'late';
      }
      // The output goes on where the stream would have been; only the source's base moved.
      this.counters.restarts++;
      this.anchorOut = this.map(this.next);
      this.anchorIn = timestamp >>> 0;
      return this.play(timestamp, samples, 0, true);
    }
    if (gap === 0) return this.play(timestamp, samples, 0, marker);
    if (gap <= this.maxConceal && !this.eventSinceAudio) {
      this.counters.concealments++;
      this.counters.concealedSamples += gap;
      return this.play(timestamp, samples, gap, marker);
    }
    this.counters.pauses++;
    return this.play(timestamp, samples, 0, true);
  }

  /**
   * The output timestamp of an RFC 4733 event packet (its timestamp is the event's start, the
   * same on every packet of the event, RFC 4733 §2.3.1). Audio that resumes after it is not
   * concealed.
   */
  eventTimestamp(timestamp: number): number {
    if (!this.started) {
      // Events before any audio: anchor on the event; audio will follow on the same line.
      this.started = true;
      this.anchorIn = timestamp >>> 0;
      this.anchorOut = Math.floor((timestamp >>> 0) / this.ratio) >>> 0;
      this.next = timestamp >>> 0;
    }
    this.eventSinceAudio = true;
    return this.map(timestamp);
  }

  /** 48 kHz samples as output samples (event durations, decoded lengths). */
  toOutput(samples: number): number {
    return Math.round(samples / this.ratio);
  }

  private play(timestamp: number, samples: number, conceal: number, marker: boolean): 'play' {
    this.counters.played++;
    this.concealSamples = conceal;
    this.concealTimestamp = this.map(timestamp - conceal);
    this.timestamp = this.map(timestamp);
    this.marker = marker;
    this.next = (timestamp + samples) >>> 0;
    this.eventSinceAudio = false;
    // Keep the anchor within ±2^29 of the stream so a signed 32-bit delta never wraps.
    if (Math.abs(timestampDelta(timestamp, this.anchorIn)) > 0x20000000) {
      this.anchorOut = this.timestamp;
      this.anchorIn = timestamp >>> 0;
    }
    return 'play';
  }

  private map(timestamp: number): number {
    return (this.anchorOut + Math.floor(timestampDelta(timestamp, this.anchorIn) / this.ratio)) >>> 0;
  }
}
