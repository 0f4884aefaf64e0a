import { reject, type Rejection, type Result } from '@switchboard/kernel';
import type { SipRequest, SipResponse } from '../message/sip-message';
import { createNon2xxAck } from './create-ack';
import { transactionTimeout } from './timer-values';
import {
  localResponse,
  Transaction,
  type ClientTransactionUser,
  type TransactionEnvironment,
} from './transaction';
import type { Destination } from './transport';

/** States of the INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2). */
export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

/**
 * INVITE client transaction (RFC 3261 §17.1.1.2 Figure 5, with the Accepted state of RFC 6026 §7.2
 * Figure 3 so that 2xx retransmissions still reach the TU, which re-sends its end-to-end ACK).
 * ```
 *                      |INVITE from TU
 *    Timer A fires     |INVITE sent        Timer B fires
 *    Reset A,          V                   or transport error
 *    INVITE sent +-----------+             inform TU (408)
 *      +---------|           |---------------------------------+
 *      |         |  Calling  |                                 |
 *      +-------->|           |-------------------+             |
 *                +-----------+ 2xx to TU         |             |
 *   300-699        |  |1xx to TU                 |             |
 *   ACK sent       |  V                          |             |
 *   resp. to TU    | +-----------+ 1xx to TU     |             |
 *      +-----------+ |Proceeding |---------+     |             |
 *      |             |           |<--------+     |             |
 *      |             +-----------+ 2xx to TU     |             |
 *      |   300-699     |      +------------------+             |
 *      |   ACK sent    |                         V             |
 *      V               |               +-----------+ 2xx to TU |
 *  +-----------+<------+               | Accepted  |---+       |
 *  | Completed |---+ 300-699: ACK sent |           |<--+       |
 *  |           |<--+ 1xx: absorbed     +-----------+ 1xx, 3xx+ |
 *  +-----------+                             |     absorbed    |
 *      | Timer D (0 if reliable)             | Timer M         |
 *      V                                     V                 |
 *  +-------------------------------------------+               |
 *  |                 Terminated                |<--------------+
 *  +-------------------------------------------+
 * ```
 * Timer A retransmits over unreliable transports only, doubling without cap (§17.1.1.2: the 64*T1
 * Timer B bounds it). Provisional responses after a final one, which proxies have been seen to
 * forward late, are absorbed. CANCEL (§9.1) may be sent only once a provisional response arrived.
 */
export class InviteClientTransaction extends Transaction<InviteClientState> {
  private readonly user: ClientTransactionUser;
  private interval = 0;
  private ack: SipRequest | undefined;
  private pendingCancel: (() => void) | undefined;

  constructor(
    key: string,
    request: SipRequest,
    destination: Destination,
    env: TransactionEnvironment,
    user: ClientTransactionUser,
  ) {
    super(key, request, destination, env, 'calling');
    this.user = user;
  }

  /** Sends the INVITE and arms Timers A (unreliable only) and B (§17.1.1.2). */
  start(): void {
    const t1 = this.env.timerValues.t1;
    if (!this.sendMessage(this.request)) return;
    if (!this.reliable) {
      this.interval = t1;
      this.startTimer('A', t1, () => this.onTimerA());
    }
    this.startTimer('B', transactionTimeout(this.env.timerValues), () => this.onTimerB());
  }

  /** A response matched to this transaction by the layer (§17.1.3). */
  receiveResponse(response: SipResponse): void {
    const s = this.state;
    const status = response.status;
    if (s === 'calling' || s === 'proceeding') {
      if (status < 200) this.onProvisional(response);
      else if (status < 300) this.onAccepted(response);
      else this.onFailure(response);
    } else if (s === 'completed') {
      // Retransmitted final response: the ACK was lost, send it again (§17.1.1.2); TU not told.
      if (status >= 300 && this.ack !== undefined) this.sendMessage(this.ack);
    } else if (s === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §7.2: 2xx retransmissions go to the TU, which answers with its own ACK.
      this.user.receiveResponse(response);
    }
  }

  /**
   * Asks for `sendCancel` to run when allowed (§9.1): at once in Proceeding, after the first
   * provisional response in Calling, refused once a final response arrived. If no final response
   * follows within 64*T1 of the CANCEL, the TU gets a local 487 and the transaction ends (§9.1).
   */
  requestCancel(sendCancel: () => void): Result<void, Rejection> {
    if (this.state === 'calling') {
      this.pendingCancel = sendCancel;
      return { ok: true, value: undefined };
    }
    if (this.state !== 'proceeding') {
      return reject('SIP.CANNOT_CANCEL', 'A final response was already received', { state: this.state });
    }
    this.fireCancel(sendCancel);
    return { ok: true, value: undefined };
  }

  protected onTransportError(error: Rejection): void {
    this.transition('terminated');
    this.user.transportError(error);
  }

  private onProvisional(response: SipResponse): void {
    if (this.state === 'calling') {
      // Timer B guards Calling only (Figure 5); a ringing call waits for the TU to CANCEL.
      this.stopTimer('A');
      this.stopTimer('B');
      this.transition('proceeding');
    }
    this.user.receiveResponse(response);
    const cancel = this.pendingCancel;
    this.pendingCancel = undefined;
    if (cancel !== undefined && this.state === 'proceeding') this.fireCancel(cancel);
  }

  private onAccepted(response: SipResponse): void {
    this.pendingCancel = undefined;
    this.stopAllTimers();
    this.transition('accepted');
    this.startTimer('M', transactionTimeout(this.env.timerValues), () => this.terminate());
    this.user.receiveResponse(response);
  }

  private onFailure(response: SipResponse): void {
    this.pendingCancel = undefined;
    this.stopAllTimers();
    const ack = createNon2xxAck(this.request, response);
    if (ack.ok) this.ack = ack.value;
    this.transition('completed');
    this.user.receiveResponse(response);
    if (this.ack !== undefined && !this.sendMessage(this.ack)) return;
    if (this.reliable) this.terminate();
    else this.startTimer('D', this.env.timerValues.timerD, () => this.terminate());
  }

  private fireCancel(sendCancel: () => void): void {
    this.startTimer('Cancel', transactionTimeout(this.env.timerValues), () => {
      if (this.state !== 'proceeding') return;
      this.terminate();
      this.user.receiveResponse(localResponse(this.request, 487, 'Request Terminated'));
    });
    sendCancel();
  }

  private onTimerA(): void {
    if (this.state !== 'calling') return;
    if (!this.sendMessage(this.request)) return;
    this.interval *= 2;
    this.startTimer('A', this.interval, () => this.onTimerA());
  }

  private onTimerB(): void {
    if (this.state !== 'calling') return;
    this.terminate();
    this.user.receiveResponse(localResponse(this.request, 408, 'Request Timeout'));
  }

  private terminate(): void {
    this.stopAllTimers();
    this.transition('terminated');
  }
}
