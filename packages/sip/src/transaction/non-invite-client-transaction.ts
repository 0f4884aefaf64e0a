import type { Rejection } from '@switchboard/kernel';
import type { SipRequest, SipResponse } from '../message/sip-message';
import { nextInterval, transactionTimeout } from './timer-values';
import {
  localResponse,
  NO_CLIENT_USER,
  Transaction,
  type ClientTransactionUser,
  type TransactionEnvironment,
} from './transaction';
import type { Destination } from './transport';

/** States of the non-INVITE client transaction (RFC 3261 §17.1.2). */
export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2.2, Figure 6).
 * ```
 *                         |Request from TU
 *                         |send request
 *     Timer E             V
 *     send request  +-----------+
 *         +---------|           |-------------------+
 *         |         |  Trying   |  Timer F          |
 *         +-------->|           |  or transport err.|
 *                   +-----------+  inform TU (408)  |
 *      200-699         |  |                         |
 *      resp. to TU     |  |1xx                      |
 *      +---------------+  |resp. to TU              |
 *      |                  |                         |
 *      |   Timer E        V       Timer F           |
 *      |   send req +-----------+ or transport err. |
 *      |  +---------|           | inform TU (408)   |
 *      |  |         |Proceeding |------------------>|
 *      |  +-------->|           |-----+             |
 *      |            +-----------+     |1xx          |
 *      |              |      ^        |resp to TU   |
 *      | 200-699      |      +--------+             |
 *      | resp. to TU  |                             |
 *      V              V                             |
 *  +-----------+  responses absorbed                |
 *  | Completed |  (late 1xx, retransmitted finals)  |
 *  +-----------+                                    |
 *        | Timer K (T4; 0 if reliable)              |
 *        V                                          |
 *  +-----------+                                    |
 *  | Terminated|<-----------------------------------+
 *  +-----------+
 * ```
 * Timer E retransmits over unreliable transports only: T1 doubling up to T2 in Trying, every T2 in
 * Proceeding (§17.1.2.2).
 */
export class NonInviteClientTransaction extends Transaction<NonInviteClientState> {
  private user: ClientTransactionUser;
  private interval = 0;

  constructor(
    key: string,
    request: SipRequest,
    destination: Destination,
    env: TransactionEnvironment,
    user: ClientTransactionUser,
  ) {
    super(key, request, destination, env, 'trying');
    this.user = user;
  }

  /** Sends the request and arms Timers E (unreliable only) and F (§17.1.2.2). */
  start(): void {
    const v = this.env.timerValues;
    if (!this.sendMessage(this.request)) return;
    if (!this.reliable) {
      this.interval = v.t1;
      this.startTimer('E', v.t1, () => this.onTimerE());
    }
    this.startTimer('F', transactionTimeout(v), () => this.onTimerF());
  }

  /** A response matched to this transaction by the layer (§17.1.3). */
  receiveResponse(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (response.status < 200) {
      this.transition('proceeding');
      this.user.receiveResponse(response);
      return;
    }
    this.stopAllTimers();
    this.transition('completed');
    const user = this.user;
    // Completed only absorbs retransmissions for Timer K: the user (and the dialog or call it holds)
    // is let go now rather than kept in memory until then.
    this.user = NO_CLIENT_USER;
    user.receiveResponse(response);
    if (this.reliable) this.terminate();
    else this.startTimer('K', this.env.timerValues.t4, () => this.terminate());
  }

  protected onTransportError(error: Rejection): void {
    this.transition('terminated');
    this.user.transportError(error);
  }

  private onTimerE(): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (!this.sendMessage(this.request)) return;
    const v = this.env.timerValues;
    this.interval = this.state === 'trying' ? nextInterval(v, this.interval, true) : v.t2;
    this.startTimer('E', this.interval, () => this.onTimerE());
  }

  private onTimerF(): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.terminate();
    this.user.receiveResponse(localResponse(this.request, 408, 'Request Timeout'));
  }

  private terminate(): void {
    this.stopAllTimers();
    this.transition('terminated');
  }
}
