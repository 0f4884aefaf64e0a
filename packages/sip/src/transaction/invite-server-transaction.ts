import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import { tagOf, type SipRequest, type SipResponse } from '../message/sip-message';
import { nextInterval, transactionTimeout } from './timer-values';
import {
  localResponse,
  Transaction,
  type ServerTransactionUser,
  type TransactionEnvironment,
} from './transaction';
import type { Destination } from './transport';

/** States of the INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1). */
export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

/**
 * INVITE server transaction (RFC 3261 §17.2.1 Figure 7, with the Accepted state of RFC 6026 §7.1
 * Figure 5: a 2xx no longer destroys the transaction, so INVITE retransmissions arriving after it are
 * absorbed instead of looking like new calls, and the TU's 2xx retransmissions go out through it).
 * ```
 *                      |INVITE
 *                      |pass INV to TU; 100 if TU silent for 200 ms
 *   INVITE             V
 *   send last 1xx +-----------+  2xx from TU         +-----------+
 *        +--------|           |--------------------->|           |---+ 2xx from TU
 *        |        | Proceeding|  send response       | Accepted  |<--+ send response
 *        +------->|           |                      |           |---+ INVITE, ACK:
 *                 +-----------+                      +-----------+<--+ absorbed / to TU
 *   1xx from TU      |  |  ^                               |
 *   send response    |  |  |                               | Timer L (64*T1)
 *                    |  +--+                               |
 *   300-699 from TU  |                                     |
 *   send response    V                                     |
 *                 +-----------+  Timer G: send response    |
 *   INVITE        |           |----------+                 |
 *   send response | Completed |<---------+                 |
 *      +--------->|           |--------------------------->|
 *      +----------|           |  Timer H: inform TU        |
 *                 +-----------+                            |
 *                    | ACK                                 |
 *                    V                                     |
 *                 +-----------+                            |
 *                 | Confirmed |  ACK, INVITE: absorbed     |
 *                 +-----------+                            |
 *                    | Timer I (T4; 0 if reliable)         |
 *                    V                                     V
 *                 +------------------------------------------+
 *                 |                Terminated                |
 *                 +------------------------------------------+
 * ```
 * Timer G retransmits the final response over unreliable transports only (T1 doubling up to T2).
 */
export class InviteServerTransaction extends Transaction<InviteServerState> {
  private readonly user: ServerTransactionUser;
  private lastResponse: SipResponse | undefined;
  private interval = 0;

  constructor(
    key: string,
    request: SipRequest,
    destination: Destination,
    env: TransactionEnvironment,
    user: ServerTransactionUser = {},
  ) {
    super(key, request, destination, env, 'proceeding');
    this.user = user;
  }

  /**
   * Arms the 100 Trying (§17.2.1): sent after `tryingDelay` unless the TU answered first, at once
   * when the delay is 0. Separate from the constructor so the layer files the transaction first.
   */
  start(): void {
    const delay = this.env.timerValues.tryingDelay;
    if (delay <= 0) this.sendTrying();
    else this.startTimer('Trying', delay, () => this.sendTrying());
  }

  /** The last response sent, if any. */
  get response(): SipResponse | undefined {
    return this.lastResponse;
  }

  /** The To tag of the last response sent with one: the tag a 487 after CANCEL must reuse (§9.2). */
  get localTag(): string | undefined {
    const r = this.lastResponse;
    return r === undefined ? undefined : tagOf(r.to);
  }

  /** A retransmission of the INVITE (§17.2.1): the last response is sent again, except in Accepted. */
  receiveRequest(_retransmission: SipRequest): void {
    const s = this.state;
    if ((s === 'proceeding' || s === 'completed') && this.lastResponse !== undefined) {
      this.sendMessage(this.lastResponse);
    }
  }

  /**
   * An ACK that matched this transaction. Returns true when absorbed (the ACK for a non-2xx
   * response, §17.2.1), false when it belongs to the TU (an ACK for a 2xx, RFC 6026 §7.1).
   */
  receiveAck(_ack: SipRequest): boolean {
    if (this.state === 'accepted') return false;
    if (this.state !== 'completed') return true;
    this.stopTimer('G');
    this.stopTimer('H');
    this.transition('confirmed');
    if (this.reliable) this.terminate();
    else this.startTimer('I', this.env.timerValues.t4, () => this.terminate());
    return true;
  }

  /** Sends a response from the TU (§17.2.1); refused when the state does not allow it. */
  respond(response: SipResponse): Result<void, Rejection> {
    const s = this.state;
    const status = response.status;
    const allowed = s === 'proceeding' || (s === 'accepted' && status >= 200 && status < 300);
    if (!allowed) return reject('SIP.TRANSACTION_STATE', `Cannot send ${status} in state ${s}`, { state: s });
    this.stopTimer('Trying');
    this.lastResponse = response;
    if (!this.sendMessage(response)) return ok(undefined);
    if (status < 200 || s === 'accepted') return ok(undefined);
    if (status < 300) {
      this.transition('accepted');
      this.startTimer('L', transactionTimeout(this.env.timerValues), () => this.terminate());
      return ok(undefined);
    }
    this.transition('completed');
    if (!this.reliable) {
      this.interval = this.env.timerValues.t1;
      this.startTimer('G', this.interval, () => this.onTimerG());
    }
    this.startTimer('H', transactionTimeout(this.env.timerValues), () => this.onTimerH());
    return ok(undefined);
  }

  protected onTransportError(error: Rejection): void {
    this.transition('terminated');
    this.user.transportError?.(error);
  }

  private sendTrying(): void {
    if (this.state !== 'proceeding' || this.lastResponse !== undefined) return;
    this.lastResponse = localResponse(this.request, 100, 'Trying');
    this.sendMessage(this.lastResponse);
  }

  private onTimerG(): void {
    if (this.state !== 'completed' || this.lastResponse === undefined) return;
    if (!this.sendMessage(this.lastResponse)) return;
    this.interval = nextInterval(this.env.timerValues, this.interval, true);
    this.startTimer('G', this.interval, () => this.onTimerG());
  }

  private onTimerH(): void {
    if (this.state !== 'completed') return;
    this.terminate();
    this.user.timeout?.();
  }

  private terminate(): void {
    this.stopAllTimers();
    this.transition('terminated');
  }
}
