import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { BridgeLinks } from './bridge-links';
import type { CallContext } from './call-context';
import type { CallEvent, LegEnded, LegId } from './call-events';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import type { ConferenceLeaveReason } from './mix-events';

/**
 * Three-way calls and conferences (三方通话): answered legs join the media around an anchor leg
 * (the customer's, bridged to the agent) as parties, each hearing everyone but itself. The anchor
 * and its bridged partner stay linked as before (either hanging up still ends the other); added
 * legs are members only here.
 *
 * An added leg that hangs up leaves (`ConferenceLeft`), and a call back to two parties is a plain
 * bridge again. When the call around them ends, the added legs are hung up too; a hold of the
 * anchor or its partner takes the call's media apart, so added legs leave it and wait on music.
 */
export class ConferenceControl {
  /** Added legs by id, each with the anchor of its conference. */
  private readonly anchorOf = new Map<LegId, LegId>();

  constructor(
    private readonly ctx: CallContext,
    private readonly links: BridgeLinks,
  ) {}

  /** Legs added to conferences now. */
  get size(): number {
    return this.anchorOf.size;
  }

  /** The Conference and AddToConference commands: `legIds[0]` is the anchor. */
  async join(legIds: readonly LegId[]): Promise<Result<void, Rejection>> {
    const [anchorId, ...rest] = legIds;
    const anchor = anchorId === undefined ? undefined : this.ctx.legs.get(anchorId);
    if (anchor === undefined || rest.length === 0 || new Set(legIds).size !== legIds.length)
      return reject('CALLS.BAD_CONFERENCE', 'A conference needs an anchor leg and other, distinct legs', {
        legIds,
      });
    const root = this.anchorOf.get(anchor.id) ?? anchor.id;
    const partner = this.links.partnerOf(anchor);
    for (const id of rest) {
      const leg = this.ctx.legs.get(id);
      if (leg === undefined) return reject('CALLS.UNKNOWN_LEG', 'No such leg', { legId: id });
      if (!talking(leg) || !talking(anchor))
        return reject('CALLS.NOT_TALKING', 'Only answered legs that are not on hold can confer', {
          legId: id,
        });
      const linked = this.links.partnerOf(leg);
      if (linked !== undefined && linked.id !== anchor.id)
        return reject('CALLS.ALREADY_BRIDGED', 'The leg is in another call', { legId: id });
    }
    for (const id of rest) {
      const leg = this.ctx.legs.get(id);
      if (leg === undefined || this.anchorOf.get(id) === root) continue;
      const joined = await this.ctx.media.join(leg.endpoint!, anchor.endpoint!, { role: 'party' });
      if (!joined.ok) return joined;
      // The anchor's bridged partner is in the call already; only others are members here.
      if (id === partner?.id) continue;
      this.anchorOf.set(id, root);
      this.ctx.emit({ type: 'ConferenceJoined', legId: id, conferenceLegId: root, at: this.ctx.clock.now() });
    }
    return ok(undefined);
  }

  /** The Mute command: works on any connected leg, in a conference or a two-party call. */
  async mute(legId: LegId, muted: boolean): Promise<Result<void, Rejection>> {
    const leg = this.ctx.legs.get(legId);
    if (leg === undefined) return reject('CALLS.UNKNOWN_LEG', 'No such leg', { legId });
    if (leg.endpoint === undefined || !isConnected(leg.state))
      return reject('CALLS.NOT_TALKING', 'Only an answered leg can be muted', { legId });
    const updated = await this.ctx.media.updateMember(leg.endpoint, { muted });
    if (!updated.ok) return updated;
    this.ctx.emit({ type: 'LegMuted', legId, muted, at: this.ctx.clock.now() });
    return ok(undefined);
  }

  /** Members leave when they hang up, when the call around them ends, or on hold. */
  onEvent(event: CallEvent): void {
    if (event.type === 'LegEnded') this.ended(event);
    else if (event.type === 'LegHeld') {
      // An added party's own hold only silences it; a hold of the call itself breaks the mix up.
      const root = this.rootAround(event.legId);
      if (root !== undefined) this.dissolve(root, 'call-held');
    }
  }

  private ended(event: LegEnded): void {
    const root = this.anchorOf.get(event.legId);
    if (root !== undefined) {
      this.anchorOf.delete(event.legId);
      this.emitLeft(event.legId, root, 'hung-up');
      return;
    }
    // The anchor (or its partner) ended: the links end the other; added legs go with them.
    const around = this.rootAround(event.legId);
    if (around === undefined) return;
    for (const [id, r] of [...this.anchorOf]) {
      if (r !== around) continue;
      this.anchorOf.delete(id);
      const leg = this.ctx.legs.get(id);
      this.emitLeft(id, r, 'call-ended');
      if (leg !== undefined) this.ctx.end(leg, { cause: 'normal', party: event.party }, 'signal');
    }
  }

  /** The root of the conference that `legId` anchors or is the anchor's partner of. */
  private rootAround(legId: LegId): LegId | undefined {
    for (const root of new Set(this.anchorOf.values())) {
      if (root === legId) return root;
      const anchor = this.ctx.legs.get(root);
      const partner = anchor === undefined ? undefined : this.links.partnerOf(anchor);
      if (partner?.id === legId) return root;
    }
    return undefined;
  }

  private dissolve(root: LegId, reason: ConferenceLeaveReason): void {
    for (const [id, r] of [...this.anchorOf]) {
      if (r !== root) continue;
      this.anchorOf.delete(id);
      const leg = this.ctx.legs.get(id);
      if (leg?.endpoint !== undefined) {
        this.ctx.media.leave(leg.endpoint);
        this.ctx.media.startMusicOnHold(leg.endpoint);
      }
      this.emitLeft(id, r, reason);
    }
  }

  private emitLeft(legId: LegId, root: LegId, reason: ConferenceLeaveReason): void {
    this.ctx.emit({ type: 'ConferenceLeft', legId, conferenceLegId: root, reason, at: this.ctx.clock.now() });
  }
}

/** Answered, off hold, with media. */
function talking(leg: Leg): boolean {
  return isConnected(leg.state) && !leg.heldLocally && !leg.heldRemotely && leg.endpoint !== undefined;
}
