import type { TimerHandle } from '@switchboard/kernel';
import {
  getHeader,
  NO_REFER_SUB,
  parseReferTo,
  replacedDialogId,
  serializeUri,
  wantsReferSubscription,
  type Replaces,
  type ServerTransaction,
  type SipRequest,
  type Uri,
} from '@switchboard/sip';
import type { CallContext } from './call-context';
import type { CallerId } from './call-commands';
import type { CallEvent, HangUpCause, LegId } from './call-events';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import { ReferNotifier } from './refer-notifier';
import type { ReferDecision, ReferTargetResolver } from './refer-target-resolver';
import { reasonPhrase, statusOfCause } from './sip-status';
import type { TransferControl } from './transfer-control';

/**
 * How long a phone whose transfer succeeded gets to hang up by itself (RFC 5589 §6.1, §7.1: the
 * transferor sends BYE once told 200) before we end its leg; phones that wait for our BYE get it.
 */
export const REFERRER_HANG_UP_GRACE_MS = 2000;

/** One phone transfer in progress, keyed by the referring leg. */
interface PhoneTransfer {
  readonly referrer: LegId;
  readonly transferee: LegId;
  notifier: ReferNotifier | undefined;
  state: 'resolving' | 'transferring' | 'succeeded' | 'over';
  hangUp: TimerHandle | undefined;
}

/**
 * REFER from a phone inside one of our dialogs (RFC 3515, RFC 5589): the phone's leg asks us to move
 * its bridged partner elsewhere. We answer 202, report progress in NOTIFYs (unless `Refer-Sub:
 * false`, RFC 4488) and do the move ourselves with {@link TransferControl}, so the customer's leg
 * stays ours (recorded, counted) instead of the phone inviting anyone:
 *
 * - blind (`Refer-To: <sip:1002@…>`): the {@link ReferTargetResolver} turns the target into an
 *   originate request; the partner hears music until the new leg answers and is bridged to it;
 * - attended (`Refer-To: <…?Replaces=…>`, RFC 3891): the Replaces names the phone's other dialog
 *   with us (its consultation); that leg ends and its partner is bridged to ours.
 *
 * On success the phone gets `200 OK` in sipfrag and its leg ends (its own BYE, or ours after
 * {@link REFERRER_HANG_UP_GRACE_MS}); on failure it gets the failure status and its partner is
 * bridged back to it. `TransferRequested` tells the higher layers a phone started a transfer.
 */
export class ReferFromPhone {
  private readonly transfers = new Map<LegId, PhoneTransfer>();

  constructor(
    private readonly ctx: CallContext,
    private readonly control: TransferControl,
    private readonly resolver: ReferTargetResolver,
  ) {}

  /** Phone transfers in progress (for leak checks). */
  get size(): number {
    return this.transfers.size;
  }

  /** A REFER inside `leg`'s dialog. */
  receive(leg: Leg, request: SipRequest, tx: ServerTransaction): void {
    const referTo = parseReferTo(request);
    if (!referTo.ok) return this.refuse(tx, 400, referTo.error.message);
    if (this.transfers.has(leg.id)) return this.refuse(tx, 403, 'Transfer Already in Progress');
    const pair = this.control.bridgedPair(leg.id);
    if (!pair.ok) return this.refuse(tx, 403, 'No Call to Transfer');
    const { replaces, target } = referTo.value;
    const partner = pair.value.customer;
    if (replaces === undefined) void this.blind(leg, partner, target.uri, request, tx);
    else void this.attended(leg, partner, target.uri, replaces, request, tx);
  }

  /** Follows the transfers started here to their outcome. */
  onEvent(event: CallEvent): void {
    if (event.type === 'LegTransferred') {
      const t = this.transfers.get(event.fromLegId);
      if (t?.state === 'transferring') this.succeeded(t);
    } else if (event.type === 'TransferFailed') {
      const t = this.byTransferee(event.legId);
      if (t?.state === 'transferring') this.failed(t, failureStatus(event.cause, event.sipStatus));
    } else if (event.type === 'LegEnded') {
      this.referrerEnded(event.legId);
      const t = this.byTransferee(event.legId);
      if (t?.state === 'transferring') this.transfereeEnded(t);
    }
  }

  private async blind(leg: Leg, partner: Leg, uri: Uri, request: SipRequest, tx: ServerTransaction) {
    const t = this.start(leg, partner, 'resolving');
    const decision = await this.resolve(leg, partner, uri, request);
    if (this.transfers.get(leg.id) !== t) return this.refuse(tx, 481, reasonPhrase(481));
    if (decision.action === 'refuse' || !this.stillBridged(leg, partner)) {
      this.transfers.delete(leg.id);
      if (decision.action === 'refuse') return this.refuse(tx, decision.status, decision.reason);
      return this.refuse(tx, 403, 'No Call to Transfer');
    }
    this.accept(t, leg, request, tx);
    this.requested(leg, partner, 'blind', uri, request);
    const moved = await this.control.handOver(leg.id, decision.request);
    if (!moved.ok && t.state === 'transferring') this.failed(t, 500);
  }

  private async attended(
    leg: Leg,
    partner: Leg,
    uri: Uri,
    replaces: Replaces,
    request: SipRequest,
    tx: ServerTransaction,
  ) {
    const t = this.start(leg, partner, 'transferring');
    this.accept(t, leg, request, tx);
    const replaced = this.replacedLeg(replaces);
    const refusal =
      replaced === undefined || replaced === leg || replaced === partner
        ? 481
        : replaces.earlyOnly && isConnected(replaced.state)
          ? 486 // RFC 3891 §3: early-only, but that dialog is confirmed.
          : this.control.bridgedPartner(replaced) === undefined
            ? 603
            : undefined;
    if (refusal !== undefined || replaced === undefined) {
      t.state = 'over';
      this.transfers.delete(leg.id);
      t.notifier?.report(refusal ?? 481, reasonPhrase(refusal ?? 481));
      return;
    }
    this.requested(leg, partner, 'attended', uri, request, replaced.id);
    const moved = await this.control.replace(leg.id, replaced.id);
    if (!moved.ok && t.state === 'transferring') this.failed(t, 603);
  }

  private start(leg: Leg, partner: Leg, state: PhoneTransfer['state']): PhoneTransfer {
    const t: PhoneTransfer = {
      referrer: leg.id,
      transferee: partner.id,
      notifier: undefined,
      state,
      hangUp: undefined,
    };
    this.transfers.set(leg.id, t);
    return t;
  }

  /** 202 Accepted and the first NOTIFY (RFC 3515 §2.4.4: sent at once, reporting 100 Trying). */
  private accept(t: PhoneTransfer, leg: Leg, request: SipRequest, tx: ServerTransaction): void {
    const subscribed = wantsReferSubscription(request);
    this.ctx.core.respond(tx, 202, 'Accepted', { headers: subscribed ? [] : [NO_REFER_SUB] });
    t.state = 'transferring';
    if (leg.dialog === undefined) return;
    t.notifier = new ReferNotifier(this.ctx.core, leg.dialog, request.cseq.seq, subscribed);
    t.notifier.report(100, 'Trying');
  }

  private async resolve(leg: Leg, partner: Leg, target: Uri, request: SipRequest): Promise<ReferDecision> {
    const referredBy = getHeader(request, 'Referred-By');
    try {
      return await this.resolver.resolveReferTarget({
        legId: leg.id,
        role: leg.role,
        transfereeLegId: partner.id,
        transferee: callerIdOf(partner),
        target,
        ...(referredBy === undefined ? {} : { referredBy }),
      });
    } catch {
      return { action: 'refuse', status: 500, reason: reasonPhrase(500) };
    }
  }

  private requested(
    leg: Leg,
    partner: Leg,
    kind: 'blind' | 'attended',
    target: Uri,
    request: SipRequest,
    replacedLegId?: LegId,
  ): void {
    const referredBy = getHeader(request, 'Referred-By');
    this.ctx.emit({
      type: 'TransferRequested',
      legId: leg.id,
      at: this.ctx.clock.now(),
      kind,
      transfereeLegId: partner.id,
      target: serializeUri(target),
      ...(replacedLegId === undefined ? {} : { replacedLegId }),
      ...(referredBy === undefined ? {} : { referredBy }),
    });
  }

  private succeeded(t: PhoneTransfer): void {
    t.state = 'succeeded';
    const hangUp = (): void => {
      if (this.transfers.get(t.referrer) !== t) return;
      t.hangUp = this.ctx.timers.set(REFERRER_HANG_UP_GRACE_MS, () => {
        t.hangUp = undefined;
        const leg = this.ctx.legs.get(t.referrer);
        if (leg !== undefined) this.ctx.end(leg, { cause: 'transferred', party: 'agent' }, 'signal');
      });
    };
    if (t.notifier === undefined) return hangUp();
    t.notifier.report(200, 'OK');
    t.notifier.whenSent(hangUp);
  }

  /** The target failed: the phone hears why, and gets its partner back. */
  private failed(t: PhoneTransfer, status: number): void {
    t.state = 'over';
    this.transfers.delete(t.referrer);
    t.notifier?.report(status, reasonPhrase(status));
    void this.control.restore(t.transferee, t.referrer);
  }

  /** The customer hung up mid-transfer: nothing is left to transfer, so the phone's leg ends too. */
  private transfereeEnded(t: PhoneTransfer): void {
    t.state = 'over';
    this.transfers.delete(t.referrer);
    const end = (): void => {
      const leg = this.ctx.legs.get(t.referrer);
      if (leg !== undefined) this.ctx.end(leg, { cause: 'normal', party: 'caller' }, 'signal');
    };
    if (t.notifier === undefined) return end();
    t.notifier.report(487, reasonPhrase(487));
    t.notifier.whenSent(end);
  }

  private referrerEnded(legId: LegId): void {
    const t = this.transfers.get(legId);
    if (t === undefined) return;
    this.transfers.delete(legId);
    t.notifier?.stop();
    if (t.hangUp !== undefined) this.ctx.timers.clear(t.hangUp);
  }

  /**
   * The leg of the dialog a Replaces names, seen from our side (RFC 3891 §3: its to-tag is ours).
   * Some phones swap the tags; the other reading is tried too, which cannot match anyone else's.
   */
  private replacedLeg(r: Replaces): Leg | undefined {
    const id = replacedDialogId(r);
    const leg =
      this.ctx.legs.forDialog(id) ??
      this.ctx.legs.forDialog({ callId: id.callId, localTag: id.remoteTag, remoteTag: id.localTag });
    return leg === undefined || leg.terminated ? undefined : leg;
  }

  private byTransferee(legId: LegId): PhoneTransfer | undefined {
    for (const t of this.transfers.values()) if (t.transferee === legId) return t;
    return undefined;
  }

  private stillBridged(leg: Leg, partner: Leg): boolean {
    const pair = this.control.bridgedPair(leg.id);
    return pair.ok && pair.value.customer === partner;
  }

  private refuse(tx: ServerTransaction, status: number, reason?: string): void {
    if (tx.terminated || (tx.response?.status ?? 0) >= 200) return;
    this.ctx.core.respond(tx, status, reason ?? reasonPhrase(status));
  }
}

/** The caller ID to present for `leg`: the far party its dialog names (RFC 3261 §12.1). */
function callerIdOf(leg: Leg): CallerId {
  const remote = leg.dialog?.remoteUri;
  const uri = remote?.uri;
  const number = uri?.kind === 'sip' ? (uri.user ?? '') : uri?.kind === 'tel' ? uri.number : '';
  return remote?.displayName === undefined ? { number } : { number, name: remote.displayName };
}

/** The status a failed transfer reports in sipfrag: the target's own, else one for the cause. */
function failureStatus(cause: HangUpCause, sipStatus: number | undefined): number {
  if (sipStatus !== undefined) return sipStatus;
  return cause === 'no-answer' ? 408 : statusOfCause(cause);
}
