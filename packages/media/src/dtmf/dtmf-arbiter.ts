import type { TelephoneEventName } from './telephone-event';

/** Where a key press was seen: RFC 4733 telephone-events, or dual tones in the audio itself. */
export type DtmfSource = 'rfc4733' | 'in-band';

export interface DtmfArbiterOptions {
  /**
   * How long after a press from one source a press of the same digit from the other source is
   * taken for the same key press, ms. Default 150: longer than the in-band detector's lag behind
   * the event packets (about 50 ms), shorter than the gap between two real presses of one key.
   */
  readonly guardMs?: number;
}

/**
 * Merges the two ways one leg can signal a key press so each press is reported once. A peer that
 * negotiated telephone-event should not also send the tones in band (RFC 4733 §2.6), but some
 * gateways do both; a peer without RFC 4733 sends tones only. Presses are reported by whichever
 * source saw them first; the other source's report of the same digit, while that press lasts or
 * within `guardMs` after it, is a duplicate. Reports from one source are never merged with each
 * other: each source already suppresses its own repeats (end-packet redundancy, tone re-arming).
 */
export class DtmfArbiter {
  private readonly guardMs: number;
  private digit: TelephoneEventName | undefined;
  private source: DtmfSource = 'rfc4733';
  /** The press holds until its end is known (RFC 4733 end), then `guardMs` after it. */
  private untilMs = 0;
  private open = false;

  constructor(options: DtmfArbiterOptions = {}) {
    this.guardMs = options.guardMs ?? 150;
  }

  /**
   * A press of `digit` started on `source` at `nowMs`; false when it duplicates a press already
   * reported by the other source. `lasting` keeps the press open until {@link ended}.
   */
  started(source: DtmfSource, digit: TelephoneEventName, nowMs: number, lasting = false): boolean {
    if (this.isDuplicate(source, digit, nowMs)) return false;
    this.digit = digit;
    this.source = source;
    this.open = lasting;
    this.untilMs = nowMs + this.guardMs;
    return true;
  }

  /** The open press of `source` ended at `nowMs`: the guard runs from now. */
  ended(source: DtmfSource, nowMs: number): void {
    if (this.source !== source || !this.open) return;
    this.open = false;
    this.untilMs = nowMs + this.guardMs;
  }

  private isDuplicate(source: DtmfSource, digit: TelephoneEventName, nowMs: number): boolean {
    return this.digit === digit && this.source !== source && (this.open || nowMs <= this.untilMs);
  }
}
