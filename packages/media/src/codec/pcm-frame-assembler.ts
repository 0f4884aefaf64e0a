import { timestampDelta } from '../rtp/sequence';
import { FRAME_SAMPLES } from './framing';

/** Receives each assembled frame; `frame` is reused, valid only during the call. */
export type PcmFrameSink = (frame: Int16Array, timestamp: number, marker: boolean) => void;

/**
 * Re-cuts linear audio that arrives in pieces of any length (10, 20, 30, 60 ms packets, concealed
 * gaps) into frames of one fixed length on one RTP timeline: 20 ms for G.711 (RFC 3551 §4.2), or
 * a length Opus can encode (RFC 6716 §2.1.4) when the pieces are 30 ms. Each frame carries the
 * RTP timestamp of its first sample and the marker of the piece that started it.
 *
 * A piece whose timestamp does not continue the pending samples (a pause, a concealment that
 * could not cover the whole gap, a new source) ends them: the partial frame is completed with
 * silence and emitted first, then the piece starts a new frame at its own timestamp. Nothing is
 * allocated per piece.
 */
export class PcmFrameAssembler {
  private readonly frame: Int16Array;
  private filled = 0;
  private start = 0;
  private marker = false;

  constructor(readonly frameSamples = FRAME_SAMPLES) {
    this.frame = new Int16Array(frameSamples);
  }

  /** Samples waiting for the rest of their frame. */
  get pending(): number {
    return this.filled;
  }

  /** Adds `samples`, whose first sample has RTP `timestamp`, and emits every frame completed. */
  push(samples: Int16Array, timestamp: number, marker: boolean, emit: PcmFrameSink): void {
    if (this.filled > 0 && timestampDelta(timestamp, this.start + this.filled) !== 0) this.flush(emit);
    if (this.filled === 0) {
      this.start = timestamp >>> 0;
      this.marker = marker;
    }
    const size = this.frameSamples;
    for (let at = 0; at < samples.length;) {
      const take = Math.min(size - this.filled, samples.length - at);
      this.frame.set(samples.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === size) {
        emit(this.frame, this.start, this.marker);
        this.start = (this.start + size) >>> 0;
        this.filled = 0;
        this.marker = false;
      }
    }
  }

  /** Emits the pending partial frame completed with silence, if any (end of a talkspurt). */
  flush(emit: PcmFrameSink): void {
    if (this.filled === 0) return;
    this.frame.fill(0, this.filled);
    const marker = this.marker;
    this.filled = 0;
    this.marker = false;
    emit(this.frame, this.start, marker);
  }

  /** Forgets pending samples without emitting them. */
  reset(): void {
    this.filled = 0;
    this.marker = false;
  }
}
