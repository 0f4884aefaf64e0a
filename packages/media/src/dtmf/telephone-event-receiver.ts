import { timestampDelta } from '../rtp/sequence';
import { decodeTelephoneEvent, telephoneEventName, type TelephoneEventName } from './telephone-event';

/**
 * A key press seen on the stream. `started` comes with the first packet of an event (useful for
 * barge-in), `ended` exactly once per event, whether signalled by an end packet, implied by the
 * next event, or declared by {@link TelephoneEventReceiver.expire} after the end packets were lost.
 */
export interface DtmfNotice {
  readonly type: 'started' | 'ended';
  readonly event: TelephoneEventName;
  /** RTP timestamp of the event start, which identifies the event (RFC 4733 §2.5.2). */
  readonly timestamp: number;
  /** Duration so far in timestamp units (for `ended`, the final duration). */
  readonly duration: number;
}

export interface TelephoneEventReceiverOptions {
  /** An event with no packet for this long is ended by {@link TelephoneEventReceiver.expire}. */
  readonly timeoutMs?: number;
}

export interface TelephoneEventCounters {
  readonly packets: number;
  readonly duplicates: number;
  readonly malformed: number;
  readonly unsupported: number;
  readonly events: number;
}

interface ActiveEvent {
  event: number;
  name: TelephoneEventName;
  timestamp: number;
  /** Duration accumulated by earlier segments of a long event (§2.5.1). */
  carried: number;
  duration: number;
  lastArrivalMs: number;
}

/** How many ended events are remembered to recognise their late redundant end packets. */
const ENDED_MEMORY = 4;
/** A segment this long was cut by the sender's 16-bit duration field, not by the key. */
const SEGMENT_FULL = 0xffff - 2000;

/**
 * Receiver of RFC 4733 telephone-events for one stream:
 *
 * ```
 *           first packet of a new timestamp         E bit / next event / timeout
 *   idle ───────────────────────────────▶ active ───────────────────────────────▶ idle
 *                  (started)               │  ▲            (ended)
 *                                          └──┘ continuation: duration grows
 * ```
 * Duplicates — the redundant end packets (§2.5.1) and any retransmission — are recognised by the
 * event timestamp (§2.5.2) and suppressed, so each event is reported once.
 */
export class TelephoneEventReceiver {
  private active: ActiveEvent | undefined;
  private readonly ended: number[] = [];
  private readonly timeoutMs: number;
  private counts = { packets: 0, duplicates: 0, malformed: 0, unsupported: 0, events: 0 };

  constructor(options: TelephoneEventReceiverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 300;
  }

  /** Feeds one telephone-event RTP packet (timestamp, marker and payload) that arrived at `arrivalMs`. */
  receive(timestamp: number, marker: boolean, payload: Uint8Array, arrivalMs: number): DtmfNotice[] {
    this.counts.packets++;
    const decoded = decodeTelephoneEvent(payload);
    if (!decoded.ok) {
      this.counts.malformed++;
      return [];
    }
    const { event, end, duration } = decoded.value;
    timestamp >>>= 0;
    if (this.wasEnded(timestamp)) {
      this.counts.duplicates++;
      return [];
    }
    const name = telephoneEventName(event);
    if (name === undefined) {
      this.counts.unsupported++;
      return [];
    }
    const notices: DtmfNotice[] = [];
    let current = this.active;
    if (current && current.timestamp !== timestamp) {
      const ahead = timestampDelta(timestamp, current.timestamp);
      if (ahead < 0) {
        // A straggler from before the current event.
        this.counts.duplicates++;
        return [];
      }
      if (!marker && event === current.event && current.duration >= SEGMENT_FULL && ahead <= 0xffff) {
        // Next segment of a long event: same event, new timestamp, no marker (§2.5.1).
        current.carried += ahead;
        current.timestamp = timestamp;
        current.duration = 0;
      } else {
        notices.push(this.finish(current));
        current = undefined;
      }
    }
    if (!current) {
      if (this.isOlderThanEnded(timestamp)) {
        this.counts.duplicates++;
        return notices;
      }
      current = { event, name, timestamp, carried: 0, duration, lastArrivalMs: arrivalMs };
      this.active = current;
      this.counts.events++;
      notices.push({ type: 'started', event: name, timestamp, duration });
    }
    current.duration = Math.max(current.duration, duration);
    current.lastArrivalMs = arrivalMs;
    if (end) notices.push(this.finish(current));
    return notices;
  }

  /** Ends an event whose packets stopped coming (end packets lost); call on the media tick. */
  expire(nowMs: number): DtmfNotice[] {
    const current = this.active;
    if (!current || nowMs - current.lastArrivalMs < this.timeoutMs) return [];
    return [this.finish(current)];
  }

  /** Packet and event counters for the leg's statistics. */
  get counters(): TelephoneEventCounters {
    return { ...this.counts };
  }

  private finish(current: ActiveEvent): DtmfNotice {
    this.active = undefined;
    this.ended.push(current.timestamp);
    if (this.ended.length > ENDED_MEMORY) this.ended.shift();
    return {
      type: 'ended',
      event: current.name,
      timestamp: current.timestamp,
      duration: current.carried + current.duration,
    };
  }

  private wasEnded(timestamp: number): boolean {
    return this.ended.includes(timestamp);
  }

  private isOlderThanEnded(timestamp: number): boolean {
    const last = this.ended[this.ended.length - 1];
    return last !== undefined && timestampDelta(timestamp, last) < 0;
  }
}
