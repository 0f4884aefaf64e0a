import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import {
  serializeUri,
  tagOf,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';
import type { CallContext } from './call-context';
import type { HangUpCause, LegId } from './call-events';
import type { InboundCallHandler, InboundDecision, InboundOffer } from './inbound-call-handler';
import { Leg } from './leg';
import { isPending } from './leg-state';
import { sdpBody } from './sdp-body';

/**
 * Inbound legs (RFC 3261 §13.3, UAS): a new INVITE becomes a leg and is offered to the
 * {@link InboundCallHandler}; the answer (200 with our media's SDP), ringing (180) and refusals are
 * sent from here; a CANCEL (§9.2, already answered 487 by the transaction layer) ends the leg.
 */
export class InboundCalls {
  private readonly answering = new Set<LegId>();

  constructor(
    private readonly ctx: CallContext,
    private readonly handler: InboundCallHandler,
  ) {}

  /** A new out-of-dialog INVITE; `peer` is the identity its sender proved (see `Leg.peer`). */
  receiveInvite(request: SipRequest, transaction: ServerTransaction, peer?: string): void {
    const { ctx } = this;
    const leg = new Leg({
      id: ctx.ids.next(),
      direction: 'inbound',
      role: 'customer',
      callId: request.callId,
    });
    leg.invite = transaction;
    leg.peer = peer;
    leg.remoteOffer = sdpBody(request);
    ctx.legs.add(leg);
    ctx.emit({
      type: 'LegOffered',
      legId: leg.id,
      at: ctx.clock.now(),
      direction: 'inbound',
      role: leg.role,
      callId: request.callId,
      from: serializeUri(request.from.uri),
      to: [serializeUri(request.uri)],
    });
    this.decide(leg, offerOf(leg.id, request));
  }

  /** The caller cancelled before our final response (§9.2). */
  receiveCancel(invite: ServerTransaction): void {
    const leg = this.ctx.legs.forInvite(invite);
    if (leg === undefined || !isPending(leg.state)) return;
    this.ctx.end(leg, { cause: 'cancelled', party: leg.remoteParty, sipStatus: 487 }, 'silent');
  }

  /** Sends 180 Ringing, which creates the early dialog (§12.1.1). */
  ring(legId: LegId): Result<void, Rejection> {
    const leg = this.pending(legId);
    if (!leg.ok) return leg;
    const sent = this.ctx.core.respond(leg.value.invite!, 180, 'Ringing');
    if (!sent.ok) return sent;
    this.bindDialog(leg.value, sent.value);
    if (leg.value.state === 'offered' && leg.value.apply('ring')) {
      this.ctx.emit({ type: 'LegRinging', legId, at: this.ctx.clock.now(), earlyMedia: false });
    }
    return ok(undefined);
  }

  /**
   * Answers with our media (RFC 3264 §5/§6): the media layer answers the INVITE's offer, or makes an
   * offer when the INVITE had none (the answer then comes in the ACK, §13.2.1).
   */
  async answer(legId: LegId): Promise<Result<void, Rejection>> {
    const found = this.pending(legId);
    if (!found.ok) return found;
    const leg = found.value;
    if (this.answering.has(legId)) return reject('CALLS.ANSWER_IN_PROGRESS', 'The leg is being answered');
    this.answering.add(legId);
    const opened = await this.ctx.media.open({ legId, remoteOffer: leg.remoteOffer });
    this.answering.delete(legId);
    if (leg.terminated || leg.invite === undefined) {
      if (opened.ok) this.ctx.media.release(opened.value.id);
      return reject('CALLS.LEG_ENDED', 'The leg ended while media was opened', { legId });
    }
    if (!opened.ok) {
      const status = Number(opened.error.details?.status ?? 488);
      this.ctx.end(leg, { cause: 'media-failed', party: 'system', sipStatus: status }, 'signal');
      return opened;
    }
    leg.endpoint = opened.value.id;
    const sdp = { body: opened.value.localSdp, contentType: 'application/sdp' };
    const sent = this.ctx.core.respond(leg.invite, 200, 'OK', sdp);
    if (!sent.ok) {
      this.ctx.end(leg, { cause: 'failed', party: 'system' }, 'silent');
      return sent;
    }
    this.bindDialog(leg, sent.value);
    this.ctx.legs.releaseInvite(leg);
    leg.answerInAck = leg.remoteOffer === undefined;
    leg.apply('answer');
    this.ctx.emit({ type: 'LegAnswered', legId, at: this.ctx.clock.now() });
    return ok(undefined);
  }

  /** Refuses the call with a final error status (§13.3.1.3). */
  reject(legId: LegId, status: number, cause: HangUpCause): Result<void, Rejection> {
    const leg = this.pending(legId);
    if (!leg.ok) return leg;
    if (status < 300 || status > 699) return reject('CALLS.BAD_STATUS', 'A refusal needs a 3xx-6xx status');
    this.ctx.end(leg.value, { cause, party: 'system', sipStatus: status }, 'signal');
    return ok(undefined);
  }

  private decide(leg: Leg, offer: InboundOffer): void {
    let decision: InboundDecision | Promise<InboundDecision>;
    try {
      decision = this.handler.offer(offer);
    } catch {
      this.refuseOnError(leg);
      return;
    }
    if (decision instanceof Promise) {
      decision.then(
        (d) => void this.apply(leg, d),
        () => this.refuseOnError(leg),
      );
    } else void this.apply(leg, decision);
  }

  private async apply(leg: Leg, decision: InboundDecision): Promise<void> {
    if (leg.terminated) return;
    if (decision.action === 'answer') await this.answer(leg.id);
    else if (decision.action === 'ring') this.ring(leg.id);
    else if (decision.action === 'reject') this.reject(leg.id, decision.status, decision.cause);
  }

  private refuseOnError(leg: Leg): void {
    this.ctx.end(leg, { cause: 'failed', party: 'system', sipStatus: 500 }, 'signal');
  }

  private pending(legId: LegId): Result<Leg, Rejection> {
    const leg = this.ctx.legs.get(legId);
    if (leg === undefined) return reject('CALLS.UNKNOWN_LEG', 'No such leg', { legId });
    if (leg.direction !== 'inbound' || !isPending(leg.state) || leg.invite === undefined) {
      return reject('CALLS.NOT_ANSWERABLE', 'Only an unanswered inbound leg can be answered or refused', {
        legId,
        state: leg.state,
      });
    }
    return ok(leg);
  }

  /** The dialog our 1xx/2xx created or confirmed (§12.1.1), indexed for in-dialog requests. */
  private bindDialog(leg: Leg, response: SipResponse): void {
    const localTag = tagOf(response.to);
    const remoteTag = tagOf(response.from);
    if (localTag === undefined || remoteTag === undefined) return;
    const entry = this.ctx.core.dialogs.get({ callId: response.callId, localTag, remoteTag });
    if (entry === undefined) return;
    leg.dialog = entry.dialog;
    this.ctx.legs.bindDialog(leg);
  }
}

function offerOf(legId: LegId, request: SipRequest): InboundOffer {
  const user = (u: SipRequest['uri']): string =>
    u.kind === 'sip' ? (u.user ?? '') : u.kind === 'tel' ? u.number : '';
  return {
    legId,
    dialed: user(request.uri),
    caller: user(request.from.uri),
    callerName: request.from.displayName,
    request,
  };
}
