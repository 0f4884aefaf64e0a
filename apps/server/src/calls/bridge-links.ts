import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { CallContext } from './call-context';
import type { CallEvent, LegEnded, LegId } from './call-events';
import type { Leg } from './leg';
import { isConnected, isPending } from './leg-state';

interface Link {
  readonly a: LegId;
  readonly b: LegId;
  /** The linked legs we originated: their unanswered failure is only an attempt. */
  readonly outbound: ReadonlySet<LegId>;
  mediaUp: boolean;
  connecting: boolean;
  announced: boolean;
  /** Where the first connection is recorded; see {@link BridgeLinks.connect}. */
  readonly recordingPath: string | undefined;
}

/** Answers an unanswered inbound leg (the inbound side's `answer`). */
export type AnswerInboundFn = (legId: LegId) => Promise<Result<void, Rejection>>;

/** Whether `leg` stays up when its bridged partner ended as `partnerEnded` (the inbound side's say). */
export type KeepAfterPartnerFn = (leg: Leg, partnerEnded: LegEnded) => boolean;

/**
 * Links between two legs (the Bridge command). A link may be made before both legs are answered,
 * the classic B2BUA: the caller's leg rings while the agent's device rings, and is answered when
 * the agent answers. Media is connected through the media layer once both legs are answered and
 * neither is on hold (`LegsBridged` the first time).
 *
 * Hang-up propagation: when a linked leg ends, the other is hung up with the same party, unless the
 * ended leg was an outbound attempt that never answered (an agent's device busy or not answering:
 * routing decides what the caller hears next, RONA), or the other leg is kept by `keepAfterPartner`
 * (a caller kept on the line for a survey once the agent hung up). Transfers unlink first, so a
 * transferring agent's leg ends without taking the caller along.
 */
export class BridgeLinks {
  private readonly links = new Map<LegId, Link>();

  constructor(
    private readonly ctx: CallContext,
    private readonly answerInbound: AnswerInboundFn,
    private readonly keepAfterPartner: KeepAfterPartnerFn = () => false,
  ) {}

  /** Legs currently linked (two per link). */
  get size(): number {
    return this.links.size;
  }

  /** The live leg linked to `leg`, if any. */
  partnerOf(leg: Leg): Leg | undefined {
    const link = this.links.get(leg.id);
    return link === undefined ? undefined : this.ctx.legs.get(link.a === leg.id ? link.b : link.a);
  }

  /** The Bridge command. */
  async bridge(aId: LegId, bId: LegId, recordingPath?: string): Promise<Result<void, Rejection>> {
    const a = this.ctx.legs.get(aId);
    const b = this.ctx.legs.get(bId);
    if (a === undefined || b === undefined) return reject('CALLS.UNKNOWN_LEG', 'No such leg', { aId, bId });
    if (aId === bId) return reject('CALLS.SAME_LEG', 'A leg cannot be bridged to itself');
    const existing = this.links.get(aId);
    if (existing !== undefined && (existing.a === bId || existing.b === bId)) return this.progress(existing);
    if (existing !== undefined || this.links.has(bId)) {
      return reject('CALLS.ALREADY_BRIDGED', 'A leg is already bridged to another leg', { aId, bId });
    }
    const outbound = new Set([a, b].filter((l) => l.direction === 'outbound').map((l) => l.id));
    const link: Link = {
      a: aId,
      b: bId,
      outbound,
      mediaUp: false,
      connecting: false,
      announced: false,
      recordingPath,
    };
    this.links.set(aId, link);
    this.links.set(bId, link);
    return this.progress(link);
  }

  /** Dissolves `leg`'s link without hanging anyone up (transfers). */
  unlink(leg: Leg): void {
    const link = this.links.get(leg.id);
    if (link === undefined) return;
    this.suspend(leg);
    this.links.delete(link.a);
    this.links.delete(link.b);
  }

  /** Disconnects `leg`'s media from its partner's, keeping the link (hold). */
  suspend(leg: Leg): void {
    const link = this.links.get(leg.id);
    if (link === undefined || !link.mediaUp) return;
    const [a, b] = [this.ctx.legs.get(link.a), this.ctx.legs.get(link.b)];
    if (a?.endpoint !== undefined && b?.endpoint !== undefined)
      this.ctx.media.disconnect(a.endpoint, b.endpoint);
    link.mediaUp = false;
  }

  /** Reconnects `leg`'s media with its partner's when both are answered and off hold (resume). */
  async restore(leg: Leg): Promise<Result<void, Rejection>> {
    const link = this.links.get(leg.id);
    return link === undefined ? ok(undefined) : this.connect(link);
  }

  /** Reacts to answers (complete a pending link) and ends (propagate the hang-up). */
  onEvent(event: CallEvent): void {
    if (event.type === 'LegAnswered') {
      const link = this.links.get(event.legId);
      if (link !== undefined) void this.progress(link);
    } else if (event.type === 'LegEnded') this.ended(event);
  }

  private ended(event: LegEnded): void {
    const link = this.links.get(event.legId);
    if (link === undefined) return;
    this.links.delete(link.a);
    this.links.delete(link.b);
    const other = this.ctx.legs.get(link.a === event.legId ? link.b : link.a);
    if (other === undefined) return;
    link.mediaUp = false;
    if (!event.answered && link.outbound.has(event.legId)) return;
    if (this.keepAfterPartner(other, event)) return;
    const cause = isConnected(other.state) ? 'normal' : 'cancelled';
    this.ctx.end(other, { cause, party: event.party }, 'signal');
  }

  private async progress(link: Link): Promise<Result<void, Rejection>> {
    const a = this.ctx.legs.get(link.a);
    const b = this.ctx.legs.get(link.b);
    if (a === undefined || b === undefined) return ok(undefined);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      if (x.direction === 'inbound' && isPending(x.state) && isConnected(y.state)) {
        const answered = await this.answerInbound(x.id);
        if (!answered.ok) return answered;
      }
    }
    return this.connect(link);
  }

  private async connect(link: Link): Promise<Result<void, Rejection>> {
    if (link.mediaUp || link.connecting) return ok(undefined);
    const a = this.ctx.legs.get(link.a);
    const b = this.ctx.legs.get(link.b);
    if (a === undefined || b === undefined || !ready(a) || !ready(b)) return ok(undefined);
    link.connecting = true;
    // Only the first connection records: a file is created once, and a reconnection after hold
    // would otherwise collide with it.
    const recording =
      link.announced || link.recordingPath === undefined ? {} : { recordingPath: link.recordingPath };
    const connected = await this.ctx.media.connect(a.endpoint!, b.endpoint!, recording);
    link.connecting = false;
    if (!connected.ok) return connected;
    if (this.links.get(a.id) !== link || !ready(a) || !ready(b)) {
      if (a.endpoint !== undefined && b.endpoint !== undefined)
        this.ctx.media.disconnect(a.endpoint, b.endpoint);
      return ok(undefined);
    }
    link.mediaUp = true;
    if (!link.announced) {
      link.announced = true;
      this.ctx.emit({ type: 'LegsBridged', legIds: [a.id, b.id], at: this.ctx.clock.now() });
    }
    return ok(undefined);
  }
}

/** Answered, off hold, with media: ready to be connected. */
function ready(leg: Leg): boolean {
  return isConnected(leg.state) && !leg.heldLocally && !leg.heldRemotely && leg.endpoint !== undefined;
}
