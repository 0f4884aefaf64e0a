import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { BridgeLinks } from './bridge-links';
import type { CallContext } from './call-context';
import type { CommandOutcome, OriginateRequest } from './call-commands';
import type { CallEvent, HangUpCause, LegId } from './call-events';
import type { HoldControl } from './hold-control';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import type { OutboundCalls } from './outbound-calls';

/** A customer's leg waiting to be bridged to a transfer target. */
interface PendingTransfer {
  readonly customer: LegId;
  readonly from: LegId;
  readonly kind: 'blind' | 'attended';
}

/** An agent talking to a consulted party while the customer waits on hold. */
interface Consultation {
  readonly agent: LegId;
  readonly customer: LegId;
  readonly consult: LegId;
  connected: boolean;
}

/**
 * Transfers done inside the B2BUA rather than by REFER to the other party (RFC 5589 describes
 * that way). A contact center wants the platform to keep the customer's leg: it stays up
 * (and recorded, and counted) while only the agent's side changes, and a failed target leaves the
 * customer on music for routing to decide instead of a dropped call.
 *
 * - Blind: the transferring agent's leg ends at once (`transferred`), the customer hears music, a
 *   new leg is originated and linked; on answer the customer is bridged to it (`LegTransferred`),
 *   on failure `TransferFailed` is reported and the customer stays on music.
 * - Attended: `Consult` holds the customer (re-INVITE sendonly + music) and originates the consult
 *   leg, connected to the agent when answered (`ConsultationStarted`). `AttendedTransfer` ends the
 *   agent's leg, resumes the customer and bridges it to the consulted party. An agent who hangs up
 *   during the consultation completes the transfer the same way (blind if the target still rings).
 * - From a phone (REFER, see ReferFromPhone): {@link TransferControl.handOver} and
 *   {@link TransferControl.replace} move the partner the same way but keep the referring leg up
 *   until the outcome, and {@link TransferControl.restore} bridges it back after a failure.
 */
export class TransferControl {
  private readonly pending = new Map<LegId, PendingTransfer>();
  private readonly consultations = new Map<LegId, Consultation>();

  constructor(
    private readonly ctx: CallContext,
    private readonly links: BridgeLinks,
    private readonly hold: HoldControl,
    private readonly outbound: OutboundCalls,
  ) {}

  /** Transfers and consultations in progress. */
  get size(): number {
    return this.pending.size + this.consultations.size;
  }

  async blindTransfer(legId: LegId, target: OriginateRequest): Promise<Result<CommandOutcome, Rejection>> {
    const pair = this.bridgedPair(legId);
    if (!pair.ok) return pair;
    const { agent, customer } = pair.value;
    this.links.unlink(agent);
    this.ctx.end(agent, { cause: 'transferred', party: 'agent' }, 'signal');
    if (!customer.heldLocally && customer.endpoint !== undefined)
      this.ctx.media.startMusicOnHold(customer.endpoint);
    return this.transferTo(customer, agent.id, target);
  }

  async consult(legId: LegId, target: OriginateRequest): Promise<Result<CommandOutcome, Rejection>> {
    const pair = this.bridgedPair(legId);
    if (!pair.ok) return pair;
    const { agent, customer } = pair.value;
    if (!customer.heldLocally) {
      const held = await this.hold.hold(customer.id);
      if (!held.ok) return held;
    }
    const called = await this.outbound.originate(target);
    if (!called.ok || called.value.legId === undefined) return called;
    const consult = called.value.legId;
    this.consultations.set(agent.id, { agent: agent.id, customer: customer.id, consult, connected: false });
    return ok({ legId: consult });
  }

  async attendedTransfer(legId: LegId): Promise<Result<CommandOutcome, Rejection>> {
    const c = this.consultations.get(legId);
    const agent = this.ctx.legs.get(legId);
    if (c === undefined || !c.connected || agent === undefined) {
      return reject('CALLS.NO_CONSULTATION', 'The leg has no answered consultation', { legId });
    }
    this.consultations.delete(legId);
    this.links.unlink(agent);
    this.ctx.end(agent, { cause: 'transferred', party: 'agent' }, 'signal');
    return this.complete(c, 'attended');
  }

  /**
   * A phone's blind transfer (REFER, RFC 5589 §6): the partner of `legId` is linked to a new leg to
   * `target` and hears music meanwhile; the referring leg stays up, unlinked, until the outcome
   * (`LegTransferred` from it, or `TransferFailed` on its partner) tells the phone how it went.
   */
  async handOver(legId: LegId, target: OriginateRequest): Promise<Result<CommandOutcome, Rejection>> {
    const pair = this.bridgedPair(legId);
    if (!pair.ok) return pair;
    const { agent, customer } = pair.value;
    this.links.unlink(agent);
    if (!hearsMusic(customer, agent) && customer.endpoint !== undefined)
      this.ctx.media.startMusicOnHold(customer.endpoint);
    return this.transferTo(customer, agent.id, target);
  }

  /**
   * A phone's attended transfer (REFER with Replaces, RFC 5589 §7, RFC 3891): the phone's leg
   * `replacedId` (its consultation) is ended and its partner takes over the partner of `legId`.
   * The referring leg stays up, unlinked, until the outcome, as with {@link handOver}.
   */
  async replace(legId: LegId, replacedId: LegId): Promise<Result<CommandOutcome, Rejection>> {
    const pair = this.bridgedPair(legId);
    if (!pair.ok) return pair;
    const { agent, customer } = pair.value;
    const replaced = this.ctx.legs.get(replacedId);
    const target = replaced === undefined ? undefined : this.links.partnerOf(replaced);
    if (replaced === undefined || target === undefined || replaced === agent || target === customer) {
      return reject('CALLS.NOT_BRIDGED', 'The replaced leg is not bridged to another party', { replacedId });
    }
    this.links.unlink(agent);
    this.links.unlink(replaced);
    // RFC 3891 §3: the replaced dialog ends; an unanswered one is refused rather than hung up.
    this.ctx.end(replaced, { cause: 'transferred', party: 'agent', sipStatus: 487 }, 'signal');
    const music = hearsMusic(customer, agent);
    if (isConnected(target.state)) {
      if (customer.heldLocally) {
        const resumed = await this.hold.resume(customer.id);
        if (!resumed.ok) return resumed;
      } else if (music && customer.endpoint !== undefined) this.ctx.media.stopMusicOnHold(customer.endpoint);
    } else if (!music && customer.endpoint !== undefined) this.ctx.media.startMusicOnHold(customer.endpoint);
    this.pending.set(target.id, { customer: customer.id, from: agent.id, kind: 'attended' });
    const linked = await this.links.bridge(customer.id, target.id);
    return linked.ok ? ok({ legId: target.id }) : linked;
  }

  /**
   * A phone's transfer failed: its partner is bridged back to the referring leg. The music stops
   * unless the phone still holds its own leg; its resume reconnects them (see HoldControl).
   */
  async restore(customerId: LegId, legId: LegId): Promise<Result<void, Rejection>> {
    const customer = this.ctx.legs.get(customerId);
    const agent = this.ctx.legs.get(legId);
    if (customer === undefined || agent === undefined) return reject('CALLS.UNKNOWN_LEG', 'No such leg');
    if (!agent.heldRemotely && !customer.heldLocally && customer.endpoint !== undefined)
      this.ctx.media.stopMusicOnHold(customer.endpoint);
    return this.links.bridge(customer.id, agent.id);
  }

  /** Runs before the bridge links see an event, so a transferring leg is unlinked in time. */
  onEvent(event: CallEvent): void {
    if (event.type === 'LegAnswered') this.answered(event.legId);
    else if (event.type === 'LegsBridged') this.bridged(event.legIds);
    else if (event.type === 'LegEnded') this.ended(event.legId, event.cause, event.sipStatus);
  }

  private async transferTo(
    customer: Leg,
    from: LegId,
    target: OriginateRequest,
  ): Promise<Result<CommandOutcome, Rejection>> {
    const called = await this.outbound.originate(target);
    if (!called.ok || called.value.legId === undefined) {
      this.ctx.emit({
        type: 'TransferFailed',
        legId: customer.id,
        at: this.ctx.clock.now(),
        targetLegId: '',
        cause: 'failed',
      });
      return called;
    }
    const to = called.value.legId;
    this.pending.set(to, { customer: customer.id, from, kind: 'blind' });
    const linked = await this.links.bridge(customer.id, to);
    return linked.ok ? ok({ legId: to }) : linked;
  }

  private async complete(
    c: Consultation,
    kind: 'blind' | 'attended',
  ): Promise<Result<CommandOutcome, Rejection>> {
    this.pending.set(c.consult, { customer: c.customer, from: c.agent, kind });
    const customer = this.ctx.legs.get(c.customer);
    const target = this.ctx.legs.get(c.consult);
    // A target still ringing keeps the customer on music; its answer resumes the customer.
    if (customer?.heldLocally === true && target !== undefined && isConnected(target.state)) {
      const resumed = await this.hold.resume(c.customer);
      if (!resumed.ok) return resumed;
    }
    const linked = await this.links.bridge(c.customer, c.consult);
    return linked.ok ? ok({ legId: c.consult }) : linked;
  }

  private answered(legId: LegId): void {
    const t = this.pending.get(legId);
    const customer = t === undefined ? undefined : this.ctx.legs.get(t.customer);
    if (customer !== undefined) {
      if (customer.heldLocally) void this.hold.resume(customer.id);
      else if (customer.endpoint !== undefined) this.ctx.media.stopMusicOnHold(customer.endpoint);
    }
    for (const c of this.consultations.values()) if (c.consult === legId) void this.connectConsultation(c);
  }

  private async connectConsultation(c: Consultation): Promise<void> {
    const agent = this.ctx.legs.get(c.agent);
    const consult = this.ctx.legs.get(c.consult);
    if (agent?.endpoint === undefined || consult?.endpoint === undefined) return;
    const connected = await this.ctx.media.connect(agent.endpoint, consult.endpoint);
    if (!connected.ok || this.consultations.get(c.agent) !== c) return;
    c.connected = true;
    this.ctx.emit({
      type: 'ConsultationStarted',
      legId: c.agent,
      at: this.ctx.clock.now(),
      consultLegId: c.consult,
    });
  }

  private bridged(legIds: readonly [LegId, LegId]): void {
    for (const id of legIds) {
      const t = this.pending.get(id);
      if (t === undefined || !legIds.includes(t.customer)) continue;
      this.pending.delete(id);
      this.ctx.emit({
        type: 'LegTransferred',
        legId: t.customer,
        at: this.ctx.clock.now(),
        kind: t.kind,
        fromLegId: t.from,
        toLegId: id,
      });
    }
  }

  private ended(legId: LegId, cause: HangUpCause, sipStatus: number | undefined): void {
    const t = this.pending.get(legId);
    if (t !== undefined) {
      this.pending.delete(legId);
      if (this.ctx.legs.get(t.customer) !== undefined) {
        this.ctx.emit({
          type: 'TransferFailed',
          legId: t.customer,
          at: this.ctx.clock.now(),
          targetLegId: legId,
          cause,
          sipStatus,
        });
      }
    }
    for (const [agentId, c] of this.consultations) {
      if (c.consult === legId || c.customer === legId) this.consultations.delete(agentId);
      else if (c.agent === legId) this.agentLeftConsultation(c);
    }
  }

  /** The consulting agent hung up: hand the customer over to the consulted party. */
  private agentLeftConsultation(c: Consultation): void {
    this.consultations.delete(c.agent);
    const agent = this.ctx.legs.get(c.agent);
    if (agent !== undefined) this.links.unlink(agent);
    // The agent's leg is already gone from the registry; drop the link through the customer.
    const customer = this.ctx.legs.get(c.customer);
    if (customer !== undefined) this.links.unlink(customer);
    void this.complete(c, c.connected ? 'attended' : 'blind');
  }

  /** The live leg bridged to `leg`, if any. */
  bridgedPartner(leg: Leg): Leg | undefined {
    return this.links.partnerOf(leg);
  }

  /**
   * `legId` (the agent side) and its partner, when both are answered and bridged and `legId` is not
   * consulting: what every transfer starts from.
   */
  bridgedPair(legId: LegId): Result<{ agent: Leg; customer: Leg }, Rejection> {
    const agent = this.ctx.legs.get(legId);
    const customer = agent === undefined ? undefined : this.links.partnerOf(agent);
    if (
      agent === undefined ||
      customer === undefined ||
      !isConnected(agent.state) ||
      !isConnected(customer.state)
    ) {
      return reject('CALLS.NOT_BRIDGED', 'Only an answered leg bridged to another can transfer', { legId });
    }
    if (this.consultations.has(legId))
      return reject('CALLS.CONSULTING', 'The leg is already consulting', { legId });
    return ok({ agent, customer });
  }
}

/** Whether `customer` already hears music: held by us, or by the phone of its partner `agent`. */
function hearsMusic(customer: Leg, agent: Leg): boolean {
  return customer.heldLocally || agent.heldRemotely;
}
