import type { ServerTransaction, SipRequest, UserAgentCore } from '@switchboard/sip';
import type { DtmfRelay } from './dtmf-relay';
import type { Leg } from './leg';
import { ALLOW } from './outbound-invite';
import type { ReInviteExchange } from './re-invite-exchange';
import type { ReferFromPhone } from './refer-from-phone';

/** Who handles what inside a dialog. */
export interface InDialogHandlers {
  exchange(leg: Leg): ReInviteExchange;
  readonly dtmf: DtmfRelay;
  readonly refer: ReferFromPhone;
}

/**
 * Requests inside a leg's dialog after the core's §12.2.2 checks (BYE and OPTIONS never get here; a
 * BYE that crosses ours is answered 200 there, RFC 5407 §3.1.1):
 * re-INVITE and UPDATE go to the offer/answer exchange, INFO to DTMF, REFER (a phone's transfer key,
 * RFC 3515) to {@link ReferFromPhone}; NOTIFY without a subscription gets 481 (RFC 6665 §4.1.3);
 * anything else 405 with Allow (RFC 3261 §8.2.1).
 */
export function handleInDialog(
  core: UserAgentCore,
  leg: Leg | undefined,
  request: SipRequest,
  tx: ServerTransaction,
  handlers: InDialogHandlers,
): void {
  // A dialog no leg owns: a losing fork's, or one whose leg already ended.
  if (leg === undefined || leg.terminated) {
    core.respond(tx, 481, 'Call/Transaction Does Not Exist');
    return;
  }
  switch (request.method) {
    case 'INVITE':
    case 'UPDATE':
      handlers.exchange(leg).receive(request, tx);
      return;
    case 'INFO':
      handlers.dtmf.receive(leg, request, tx);
      return;
    case 'REFER':
      handlers.refer.receive(leg, request, tx);
      return;
    case 'NOTIFY':
      core.respond(tx, 481, 'Subscription Does Not Exist');
      return;
    default:
      core.respond(tx, 405, 'Method Not Allowed', { headers: [{ name: 'Allow', value: ALLOW }] });
  }
}
