import {
  telephoneEventPackets,
  type TelephoneEventName,
  type TelephoneEventPacket,
} from '@switchboard/media';
import type { MediaRuntime } from './media-clock';
import type { RtpSender } from './rtp-sender';

/**
 * The key presses one leg sends as RFC 4733 events (§2.5.1: start with marker, updates every
 * 20 ms, three end packets), queued with the time each is due and sent from the shared ticker,
 * so a press costs no timer of its own and keeps the leg's 20 ms pacing.
 */
export class LegDtmfSender {
  private queue: { dueMs: number; packet: TelephoneEventPacket }[] = [];

  constructor(
    private readonly sender: RtpSender,
    private readonly runtime: MediaRuntime,
    /** The negotiated `telephone-event/8000` payload type; without one nothing can be sent. */
    private readonly payloadType: number | undefined,
  ) {}

  /** Queues a press starting now; false when no telephone-event type was negotiated. */
  send(digit: TelephoneEventName, durationMs: number): boolean {
    if (this.payloadType === undefined) return false;
    const now = this.runtime.clock.now();
    const packets = telephoneEventPackets({
      event: digit,
      durationMs,
      timestamp: this.sender.nextTimestamp(),
      sequenceNumber: 0,
    });
    for (const packet of packets) this.queue.push({ dueMs: now + packet.sendAtMs, packet });
    return true;
  }

  /** Sends the packets due by `nowMs` (ticker time). */
  flush(nowMs: number): void {
    const pt = this.payloadType;
    if (pt === undefined) return;
    while (this.queue.length > 0 && this.queue[0]!.dueMs <= nowMs) {
      const { packet } = this.queue.shift()!;
      this.sender.sendEvent(pt, packet.payload, packet.timestamp, packet.marker, nowMs);
    }
  }
}
