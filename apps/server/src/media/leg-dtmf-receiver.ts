import {
  DtmfArbiter,
  TelephoneEventReceiver,
  type DtmfNotice,
  type G711Law,
  type RtpPacketView,
  type TelephoneEventCounters,
} from '@switchboard/media';
import { InBandDtmf } from './in-band-dtmf';
import type { MediaLegEvents } from './media-leg-types';

/** How much tone the detector confirms before it reports: two 205-sample Goertzel blocks. */
const IN_BAND_CONFIRM_MS = 51;

/** Where a {@link LegDtmfReceiver} reports: the leg's `dtmf-started` and `dtmf` events. */
export type DtmfReport = <K extends 'dtmf-started' | 'dtmf'>(event: K, payload: MediaLegEvents[K]) => void;

/**
 * The key presses one leg hears: RFC 4733 events (§2.5: a press starts with the marker and ends
 * with its end packets, or times out) and, unless the leg's options turned it off, the tones in
 * its audio (Goertzel, {@link InBandDtmf}). A press carried both ways is reported once, by the way
 * that saw it first ({@link DtmfArbiter}). The leg decides which packets come here; this decides
 * what they mean.
 */
export class LegDtmfReceiver {
  private events = new TelephoneEventReceiver();
  private readonly arbiter = new DtmfArbiter();
  private readonly inBand: InBandDtmf | undefined;
  /** The current RFC 4733 press duplicated an in-band one: its end is not reported either. */
  private eventSuppressed = false;
  /** An RFC 4733 press is under way: its end may have to be timed out. */
  private active = false;

  constructor(
    law: G711Law,
    inBand: boolean,
    private readonly report: DtmfReport,
  ) {
    this.inBand = inBand ? new InBandDtmf(law) : undefined;
  }

  /** Whether tones in the audio are listened for at all. */
  get hearsTones(): boolean {
    return this.inBand !== undefined;
  }

  /** RFC 4733 packet and event counters of the current source. */
  get counters(): TelephoneEventCounters {
    return this.events.counters;
  }

  /** One accepted `telephone-event` packet. */
  receiveEvent(packet: RtpPacketView, nowMs: number): void {
    this.handleNotices(this.events.receive(packet.timestamp, packet.marker, packet.payload(), nowMs), nowMs);
  }

  /** One accepted audio packet, searched for tones. */
  receiveAudio(packet: RtpPacketView, nowMs: number): void {
    const detector = this.inBand;
    if (detector === undefined) return;
    const digits = detector.process(packet);
    for (let i = 0; i < digits.length; i++) {
      const digit = digits[i]!.digit;
      if (!this.arbiter.started('in-band', digit, nowMs)) continue;
      this.report('dtmf-started', { digit, source: 'in-band' });
      this.report('dtmf', { digit, durationMs: IN_BAND_CONFIRM_MS, source: 'in-band' });
    }
  }

  /** Ends a press whose end packets never came (ticker time). */
  expire(nowMs: number): void {
    if (this.active) this.handleNotices(this.events.expire(nowMs), nowMs);
  }

  /** The remote's stream changed SSRC; `replaced` when there was a source before it. */
  sourceChanged(replaced: boolean): void {
    // Event timestamps of the old source mean nothing for the new one.
    if (replaced) this.events = new TelephoneEventReceiver();
    this.inBand?.reset();
    this.active = false;
  }

  private handleNotices(notices: readonly DtmfNotice[], nowMs: number): void {
    for (const n of notices) {
      this.active = n.type === 'started';
      if (n.type === 'started') {
        this.eventSuppressed = !this.arbiter.started('rfc4733', n.event, nowMs, true);
        if (!this.eventSuppressed) this.report('dtmf-started', { digit: n.event, source: 'rfc4733' });
      } else if (!this.eventSuppressed) {
        this.arbiter.ended('rfc4733', nowMs);
        this.report('dtmf', { digit: n.event, durationMs: (n.duration * 1000) / 8000, source: 'rfc4733' });
      } else this.eventSuppressed = false;
    }
  }
}
