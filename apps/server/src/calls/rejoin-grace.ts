import type { TimerHandle } from '@switchboard/kernel';
import type { CallContext } from './call-context';
import type { CallEvent, LegId } from './call-events';
import { isConnected } from './leg-state';

/**
 * How long an answered leg outlives the WebSocket its dialog came over: a browser softphone that
 * reloads mid-call opens a new WebSocket and takes the call back with an INVITE carrying Replaces
 * (RFC 3891) within this time. 30 s covers a reload, a re-login and ICE; it is also when a browser
 * gone for good stops answering ICE consent checks (RFC 7675).
 */
export const REJOIN_GRACE_MS = 30_000;

/**
 * Answered legs whose signalling flow closed (a browser's WebSocket, RFC 7118 §5: nothing can reach
 * the browser until it connects again). Such a leg is not ended at once: its media, bridge and
 * recording stay up for the grace period, waiting for a rejoin (`LegDialogReplaced`). Without one,
 * the leg ends as a timeout of the system (a BYE is tried over the dead flow), and its bridge hangs
 * up the partner as for any ended leg.
 */
export class RejoinGrace {
  private readonly waiting = new Map<LegId, TimerHandle>();

  constructor(
    private readonly ctx: CallContext,
    private readonly graceMs: number = REJOIN_GRACE_MS,
  ) {}

  /** Legs waiting for a rejoin (for leak checks). */
  get size(): number {
    return this.waiting.size;
  }

  /** The connection `connectionId` closed: its answered legs wait for a rejoin. */
  flowClosed(connectionId: string): void {
    for (const leg of this.ctx.legs.all()) {
      const dialog = leg.dialog;
      if (leg.terminated || !isConnected(leg.state) || dialog?.flow?.connectionId !== connectionId) continue;
      if (this.waiting.has(leg.id)) continue;
      const timer = this.ctx.timers.set(this.graceMs, () => {
        this.waiting.delete(leg.id);
        // Rejoined meanwhile: the leg's dialog is the new one, over a live flow.
        if (!leg.terminated && leg.dialog === dialog)
          this.ctx.end(leg, { cause: 'timeout', party: 'system' }, 'signal');
      });
      this.waiting.set(leg.id, timer);
    }
  }

  /** A rejoin or the leg's end stops the wait. */
  onEvent(event: CallEvent): void {
    if (event.type !== 'LegEnded' && event.type !== 'LegDialogReplaced') return;
    const timer = this.waiting.get(event.legId);
    if (timer === undefined) return;
    this.ctx.timers.clear(timer);
    this.waiting.delete(event.legId);
  }
}
