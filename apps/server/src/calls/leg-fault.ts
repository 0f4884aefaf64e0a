import type { BridgeLinks } from './bridge-links';
import type { CallContext } from './call-context';
import type { LegEnding } from './call-events';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import type { MediaFaultReport } from './media-port';

const MEDIA_FAILED: LegEnding = { cause: 'media-failed', party: 'system' };

/**
 * The media layer's faults as call facts (`LegMediaFault`), and what becomes of the call.
 *
 * A receive fault (handling one packet threw) costs that packet only: the next ones are handled
 * as usual, so the call goes on and the fact is there for whoever investigates.
 *
 * A send fault ends the leg's call, `media-failed` (party `system`), at once. Leaving it to the
 * no-RTP watchdog was the other choice, and it would not work: the watchdog watches what we
 * receive, and a leg that cannot send still receives, so it would never fire; when it does fire
 * (`LegAudioLost`) nothing is ended anyway. The far end's own watchdog is a phone's or a
 * browser's, which mostly have none, so the call would stay up one-way: the caller hears nothing
 * and hangs up on a center that seems to have gone, or waits, while the agent stays busy on a
 * call that cannot carry audio, out of routing, until someone notices. A refusal reported here is
 * no network hiccup either: the socket refused the datagram on the spot (it is closed, or the
 * address can never be sent to), while transient trouble (ICMP errors, a full buffer) comes back
 * asynchronously and is not a fault. Only new signalling or latching could revive the leg, and
 * nothing promises either. So the call ends, and contact centers prefer that: the agent is freed
 * for wrap-up and the next call, the caller can call again, and the cause is in the record.
 *
 * The leg and its bridged partner both end as `media-failed` (unlinked first, or the bridge
 * would report the partner's end as `normal`), the caller's leg first, so the call's end carries
 * the cause. An unanswered leg ends alone; its link then does what it does for any failed leg
 * (an agent's device that never answered leaves the caller waiting for the next agent).
 */
export class LegFault {
  constructor(
    private readonly ctx: CallContext,
    private readonly links: Pick<BridgeLinks, 'partnerOf' | 'unlink'>,
  ) {}

  report(r: MediaFaultReport): void {
    const leg = this.ctx.legs.get(r.legId);
    // A report for an endpoint the leg no longer has (or a leg already over) is about nothing.
    if (leg === undefined || leg.terminated || leg.endpoint !== r.endpoint) return;
    this.ctx.emit({
      type: 'LegMediaFault',
      legId: leg.id,
      at: this.ctx.clock.now(),
      kind: r.kind,
      code: r.code,
      message: r.message,
    });
    if (r.kind === 'send') this.endCall(leg);
  }

  private endCall(leg: Leg): void {
    const partner = isConnected(leg.state) ? this.links.partnerOf(leg) : undefined;
    if (partner === undefined) return this.ctx.end(leg, MEDIA_FAILED, 'signal');
    this.links.unlink(leg);
    const [first, second] =
      partner.direction === 'inbound' && leg.direction !== 'inbound' ? [partner, leg] : [leg, partner];
    this.ctx.end(first, MEDIA_FAILED, 'signal');
    this.ctx.end(second, MEDIA_FAILED, 'signal');
  }
}
