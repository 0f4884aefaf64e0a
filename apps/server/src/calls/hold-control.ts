import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { BridgeLinks } from './bridge-links';
import type { CallContext } from './call-context';
import type { LegId } from './call-events';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import type { ReInviteExchange } from './re-invite-exchange';

/**
 * Hold and resume (RFC 3264 §8.4, RFC 6337 §5). Our hold (the Hold command, e.g. the agent's hold
 * button on the desktop) disconnects the leg from its bridge, re-INVITEs it `sendonly` and plays
 * music into it; resume re-INVITEs `sendrecv` and reconnects. A hold by the remote (an agent's
 * phone sending its own sendonly re-INVITE) is answered by the exchange, and the bridged partner —
 * the caller — hears music until the phone resumes. Local and remote holds are tracked apart.
 */
export class HoldControl {
  constructor(
    private readonly ctx: CallContext,
    private readonly links: BridgeLinks,
    private readonly exchange: (leg: Leg) => ReInviteExchange,
  ) {}

  async hold(legId: LegId): Promise<Result<void, Rejection>> {
    const leg = this.ctx.legs.get(legId);
    if (leg === undefined || !isConnected(leg.state) || leg.heldLocally) {
      return reject('CALLS.NOT_HOLDABLE', 'Only an answered leg that is not on hold can be held', { legId });
    }
    leg.heldLocally = true;
    this.links.suspend(leg);
    const offered = await this.exchange(leg).offer('sendonly');
    if (leg.terminated) return reject('CALLS.LEG_ENDED', 'The leg has ended', { legId });
    if (!offered.ok) {
      leg.heldLocally = false;
      await this.links.restore(leg);
      return offered;
    }
    if (leg.endpoint !== undefined) this.ctx.media.startMusicOnHold(leg.endpoint);
    leg.apply('hold');
    this.ctx.emit({ type: 'LegHeld', legId, at: this.ctx.clock.now(), by: 'local' });
    return ok(undefined);
  }

  async resume(legId: LegId): Promise<Result<void, Rejection>> {
    const leg = this.ctx.legs.get(legId);
    if (leg === undefined || !leg.heldLocally) {
      return reject('CALLS.NOT_HELD', 'The leg is not on hold', { legId });
    }
    if (leg.endpoint !== undefined) this.ctx.media.stopMusicOnHold(leg.endpoint);
    const offered = await this.exchange(leg).offer('sendrecv');
    if (leg.terminated) return reject('CALLS.LEG_ENDED', 'The leg has ended', { legId });
    if (!offered.ok) {
      if (leg.endpoint !== undefined) this.ctx.media.startMusicOnHold(leg.endpoint);
      return offered;
    }
    leg.heldLocally = false;
    if (!leg.heldRemotely) leg.apply('resume');
    this.ctx.emit({ type: 'LegResumed', legId, at: this.ctx.clock.now(), by: 'local' });
    return this.links.restore(leg);
  }

  /** The remote's new offer holds (`held`) or resumes the leg. */
  remoteHold(leg: Leg, held: boolean): void {
    if (held === leg.heldRemotely || leg.terminated) return;
    leg.heldRemotely = held;
    const partner = this.links.partnerOf(leg);
    const at = this.ctx.clock.now();
    if (held) {
      this.links.suspend(leg);
      leg.apply('hold');
      if (partner?.endpoint !== undefined) this.ctx.media.startMusicOnHold(partner.endpoint);
      this.ctx.emit({ type: 'LegHeld', legId: leg.id, at, by: 'remote' });
      return;
    }
    if (!leg.heldLocally) leg.apply('resume');
    if (partner?.endpoint !== undefined && !partner.heldLocally)
      this.ctx.media.stopMusicOnHold(partner.endpoint);
    this.ctx.emit({ type: 'LegResumed', legId: leg.id, at, by: 'remote' });
    void this.links.restore(leg);
  }
}
