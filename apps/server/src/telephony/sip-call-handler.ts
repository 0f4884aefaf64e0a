import type { UserAgentHandler, UserAgentCore } from '@switchboard/sip';

/**
 * The seam between SIP and call control, shaped as the user-agent core's own handler so that call
 * control attaches its `UserAgentHandler` unchanged. Telephony hands it:
 * - `receiveRequest` with `dialog` undefined: every INVITE outside a dialog (a new call, RFC 3261
 *   §13.3); it must get a final response through `core.respond(transaction, …)`, which creates and
 *   confirms the dialog (§12.1.1);
 * - `receiveRequest` with a dialog: requests inside a dialog except BYE and OPTIONS (re-INVITE,
 *   UPDATE, INFO, REFER, NOTIFY);
 * - `receiveAck`, `receiveCancel`, `dialogEnded`, `refreshSession` as the core reports them.
 *
 * REGISTER, OPTIONS, BYE, CANCEL, 481 for unknown dialogs and 2xx retransmission until ACK stay in
 * telephony and the core. The socket source of a request is `sipSourceOf(transaction.transport)`.
 */
export type SipCallHandler = UserAgentHandler;

/**
 * The default while no call control is attached: every INVITE gets `480 Temporarily Unavailable`
 * (RFC 3261 §21.4.18). The request is well-formed and the callee may exist, but nobody can be reached
 * right now; it is the same for every Request-URI, so it tells a scanner nothing about which numbers
 * exist, and unlike 404/501 it is not cached by the caller as a permanent failure. No dialog can
 * exist without an answer, so anything in one gets 481 (§12.2.2).
 */
export function rejectCalls(core: UserAgentCore): SipCallHandler {
  return {
    receiveRequest: (_request, transaction, dialog) => {
      if (dialog === undefined) core.respond(transaction, 480, 'Temporarily Unavailable');
      else core.respond(transaction, 481, 'Call/Transaction Does Not Exist');
    },
  };
}
