import type { CallContext } from './call-context';
import type { CallEvent, LegId } from './call-events';
import type { MediaAudioReport } from './media-port';

/**
 * The media layer's no-RTP reports as call facts: `LegAudioLost` when nothing has come from a
 * leg's far end for the watchdog's time, `LegAudioRestored` when packets come back. A report for
 * an endpoint that is no longer the leg's, or for a leg on hold either way, says nothing about a
 * fault and is dropped (RFC 3264 §8.4: a phone that holds with `inactive`, or answers our
 * `sendonly` with `recvonly`, stops sending); a restore is reported only after a loss that was.
 */
export class LegAudio {
  private readonly lost = new Set<LegId>();

  constructor(private readonly ctx: CallContext) {}

  /** Legs with audio reported lost (for leak checks). */
  get size(): number {
    return this.lost.size;
  }

  report(r: MediaAudioReport): void {
    const leg = this.ctx.legs.get(r.legId);
    if (leg === undefined || leg.terminated || leg.endpoint !== r.endpoint) return;
    const at = this.ctx.clock.now();
    if (r.kind === 'lost') {
      if (leg.heldRemotely || leg.heldLocally || this.lost.has(leg.id)) return;
      this.lost.add(leg.id);
      this.ctx.emit({
        type: 'LegAudioLost',
        legId: leg.id,
        at,
        direction: 'inbound',
        silentForMs: r.silentForMs,
      });
    } else if (this.lost.delete(leg.id)) {
      this.ctx.emit({
        type: 'LegAudioRestored',
        legId: leg.id,
        at,
        direction: 'inbound',
        silentForMs: r.silentForMs,
      });
    }
  }

  onEvent(event: CallEvent): void {
    if (event.type === 'LegEnded') this.lost.delete(event.legId);
  }
}
