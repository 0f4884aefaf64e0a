import type { CallContext, EndSignal } from './call-context';
import type { LegEnding } from './call-events';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import { reasonPhrase, statusOfCause } from './sip-status';

/**
 * Ends `leg` once and accounts for it. With `signal`, the SIP that ends it from our side is sent:
 * BYE on a confirmed dialog (RFC 3261 §15.1.1), a final error response to an unanswered inbound
 * INVITE (§13.3.1.3: never BYE an early UAS dialog), CANCEL of the pending outbound INVITEs (§9.1).
 * The media endpoint is released, the leg leaves the registry and `LegEnded` is emitted last.
 */
export function endLeg(ctx: CallContext, leg: Leg, ending: LegEnding, signal: EndSignal): void {
  if (leg.terminated) return;
  const answered = isConnected(leg.state);
  leg.apply('end');
  leg.ending = ending;
  if (signal === 'signal') hangUpSip(ctx, leg, ending, answered);
  leg.abortOutbound = undefined;
  if (leg.endpoint !== undefined) ctx.media.release(leg.endpoint);
  ctx.legs.remove(leg);
  ctx.emit({ type: 'LegEnded', legId: leg.id, at: ctx.clock.now(), answered, ...ending });
}

function hangUpSip(ctx: CallContext, leg: Leg, ending: LegEnding, answered: boolean): void {
  if (answered && leg.dialog !== undefined) {
    ctx.core.bye(leg.dialog);
    return;
  }
  if (leg.direction === 'outbound') {
    leg.abortOutbound?.();
    return;
  }
  const tx = leg.invite;
  // A CANCEL already drew 487 from the transaction layer (§9.2): nothing left to answer.
  if (tx === undefined || tx.terminated || (tx.response?.status ?? 0) >= 200) return;
  const status = ending.sipStatus ?? statusOfCause(ending.cause);
  ctx.core.respond(tx, status, reasonPhrase(status));
}
