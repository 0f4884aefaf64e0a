import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { SipRequest, SipResponse } from '../message/sip-message';
import { transactionTimeout } from './timer-values';
import { Transaction, type ServerTransactionUser, type TransactionEnvironment } from './transaction';
import type { Destination } from './transport';

/** States of the non-INVITE server transaction (RFC 3261 §17.2.2). */
export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8).
 * ```
 *                         |Request received
 *                         |pass to TU
 *                         V
 *                   +-----------+
 *                   |           |  request: absorbed
 *                   |  Trying   |-------------+
 *                   |           |             |
 *                   +-----------+             |200-699 from TU
 *                         |                   |send response
 *                         |1xx from TU        |
 *                         |send response      |
 *                         V                   |
 *    Request        +-----------+             |
 *    send last 1xx  |           |             |
 *        +----------| Proceeding|------------>|
 *        +--------->|           | 200-699     |
 *                   +-----------+ from TU     |
 *                      |    ^   send resp.    |
 *      1xx from TU     +----+                 |
 *      send response                          V
 *    Request              +-----------+
 *    send final response  |           |
 *        +----------------| Completed |
 *        +--------------->|           |
 *                         +-----------+
 *                               | Timer J (64*T1; 0 if reliable)
 *                               V
 *                         +-----------+
 *                         | Terminated|
 *                         +-----------+
 * ```
 */
export class NonInviteServerTransaction extends Transaction<NonInviteServerState> {
  private readonly user: ServerTransactionUser;
  private lastResponse: SipResponse | undefined;

  constructor(
    key: string,
    request: SipRequest,
    destination: Destination,
    env: TransactionEnvironment,
    user: ServerTransactionUser = {},
  ) {
    super(key, request, destination, env, 'trying');
    this.user = user;
  }

  /** The last response sent, if any. */
  get response(): SipResponse | undefined {
    return this.lastResponse;
  }

  /**
   * A retransmission of the request (§17.2.2): absorbed in Trying (the TU has not answered yet), the
   * last response sent again in Proceeding and Completed.
   */
  receiveRequest(_retransmission: SipRequest): void {
    if (this.state === 'trying' || this.state === 'terminated' || this.lastResponse === undefined) return;
    this.sendMessage(this.lastResponse);
  }

  /** Sends a response from the TU (§17.2.2); refused once a final response went out. */
  respond(response: SipResponse): Result<void, Rejection> {
    const s = this.state;
    if (s !== 'trying' && s !== 'proceeding') {
      return reject('SIP.TRANSACTION_STATE', `Cannot send ${response.status} in state ${s}`, { state: s });
    }
    this.lastResponse = response;
    if (!this.sendMessage(response)) return ok(undefined);
    if (response.status < 200) {
      this.transition('proceeding');
      return ok(undefined);
    }
    this.transition('completed');
    if (this.reliable) this.terminate();
    else this.startTimer('J', transactionTimeout(this.env.timerValues), () => this.terminate());
    return ok(undefined);
  }

  protected onTransportError(error: Rejection): void {
    this.transition('terminated');
    this.user.transportError?.(error);
  }

  private terminate(): void {
    this.stopAllTimers();
    this.transition('terminated');
  }
}
