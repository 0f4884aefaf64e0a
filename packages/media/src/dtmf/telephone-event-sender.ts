import { encodeTelephoneEvent, telephoneEventCode, type TelephoneEventName } from './telephone-event';

export interface TelephoneEventSendOptions {
  readonly event: TelephoneEventName;
  readonly durationMs: number;
  /** RTP timestamp of the event start: the media clock at the moment the key went down. */
  readonly timestamp: number;
  /** Sequence number of the first packet; each packet takes the next one. */
  readonly sequenceNumber: number;
  /** Power level in −dBm0; 10 is what most phones send. */
  readonly volume?: number;
  readonly clockRate?: number;
  /** Interval between update packets (RFC 4733 §2.5.1); the media's 20 ms by default. */
  readonly intervalMs?: number;
  /** Copies of the final packet (§2.5.1 recommends three). */
  readonly endRepeats?: number;
}

/** One packet to send `sendAtMs` after the event started; header fields for the RTP packet. */
export interface TelephoneEventPacket {
  readonly sendAtMs: number;
  readonly marker: boolean;
  readonly timestamp: number;
  readonly sequenceNumber: number;
  readonly payload: Uint8Array;
}

/**
 * The packets that signal one event (RFC 4733 §2.5.1): every packet carries the event's start
 * timestamp; the first has the marker bit; each update reports the duration so far, one interval
 * apart; the end is sent `endRepeats` times with the E bit and the final duration, each with a new
 * sequence number. Durations are capped at 0xFFFF units (8.19 s at 8 kHz), far beyond a key press,
 * so long-event segmentation (§2.5.1) is not needed on the send side.
 */
export function telephoneEventPackets(options: TelephoneEventSendOptions): TelephoneEventPacket[] {
  const clockRate = options.clockRate ?? 8000;
  const intervalMs = options.intervalMs ?? 20;
  const endRepeats = Math.max(1, options.endRepeats ?? 3);
  const volume = options.volume ?? 10;
  const event = telephoneEventCode(options.event);
  const total = Math.min(0xffff, Math.round((options.durationMs * clockRate) / 1000));
  const step = Math.max(1, Math.round((intervalMs * clockRate) / 1000));
  const packets: TelephoneEventPacket[] = [];
  let seq = options.sequenceNumber;
  const push = (sendAtMs: number, duration: number, end: boolean) => {
    packets.push({
      sendAtMs,
      marker: packets.length === 0,
      timestamp: options.timestamp >>> 0,
      sequenceNumber: seq & 0xffff,
      payload: encodeTelephoneEvent({ event, end, volume, duration }),
    });
    seq++;
  };
  // Updates report how long the key has been down at the moment they are sent.
  for (let elapsed = step; elapsed < total; elapsed += step)
    push((elapsed * 1000) / clockRate, elapsed, false);
  const endAtMs = (total * 1000) / clockRate;
  for (let i = 0; i < endRepeats; i++) push(endAtMs + i * intervalMs, total, true);
  return packets;
}
