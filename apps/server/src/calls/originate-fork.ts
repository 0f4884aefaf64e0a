import type { Rejection, TimerHandle } from '@switchboard/kernel';
import {
  InviteClientTransaction,
  type Destination,
  type Dialog,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';
import type { CallContext } from './call-context';
import type { OriginateRequest, OriginateTarget } from './call-commands';
import type { Leg } from './leg';
import { authenticatedInvite, buildInvite } from './outbound-invite';
import { sdpBody } from './sdp-body';
import { bestFailure, causeOfStatus } from './sip-status';

interface Branch {
  readonly target: OriginateTarget;
  readonly callId: string;
  tx: InviteClientTransaction | undefined;
  /** The final status once the branch is over (2xx included); 503 when it could not be sent. */
  final: number | undefined;
  /** The INVITE last sent and where, for the retry with credentials. */
  sent: { readonly request: SipRequest; readonly destination: Destination } | undefined;
  /** Credentials were sent already: another challenge is a failure (RFC 3261 §22.2). */
  authenticated: boolean;
}

/** Where a fork stands. */
export type ForkOutcome = 'ringing' | 'answered' | 'failed' | 'abandoned';

/**
 * The INVITEs of one outbound leg, sent in parallel to every target (an agent's registered phones
 * and softphones). One state machine for the whole fork:
 * ```
 *              first 2xx: CANCEL the other branches, BYE any later 2xx
 *   ringing ----------------------------------------------------------> answered
 *      |  \
 *      |   \ every branch failed (best status, RFC 3261 §16.7 step 6)
 *      |    +---------------------------------------------------------> failed
 *      | ring timeout (RONA) or HangUp: CANCEL every branch (§9.1)
 *      +--------------------------------------------------------------> abandoned
 * ```
 * Branches keep running after the outcome until each has its final response (a 487 for a
 * cancelled one, a 2xx that crossed our CANCEL and is hung up with BYE, §15); the fork is then
 * settled and forgotten.
 */
export class OriginateFork {
  private state: ForkOutcome = 'ringing';
  private timer: TimerHandle | undefined;
  private done = false;
  private readonly branches: Branch[];

  constructor(
    private readonly ctx: CallContext,
    private readonly leg: Leg,
    private readonly request: OriginateRequest,
    callIds: readonly string[],
    private readonly settled: (fork: OriginateFork) => void,
  ) {
    this.branches = request.targets.map((target, i) => ({
      target,
      callId: callIds[i]!,
      tx: undefined,
      final: undefined,
      sent: undefined,
      authenticated: false,
    }));
  }

  get outcome(): ForkOutcome {
    return this.state;
  }

  /** Sends every INVITE with our offer and arms the ring timeout. */
  start(sdp: string, timeoutMs: number): void {
    this.leg.abortOutbound = () => this.abort();
    for (const b of this.branches) this.send(b, sdp);
    if (this.state === 'ringing' && this.branches.some((b) => b.final === undefined)) {
      this.timer = this.ctx.timers.set(timeoutMs, () => this.timedOut());
    }
  }

  /** Our side gave up (HangUp, the bridged caller left): CANCEL what is still ringing. */
  abort(): void {
    if (this.state !== 'ringing') return;
    this.state = 'abandoned';
    this.stopTimer();
    this.cancelPending();
    this.settleCheck();
  }

  private send(b: Branch, sdp: string): void {
    const built = buildInvite(this.ctx.core.layer, this.ctx.local, {
      target: b.target,
      callId: b.callId,
      callerId: this.request.callerId,
      sdp,
      headers: this.request.headers,
    });
    if (!built.ok) return this.failed(b, 400);
    this.dispatch(b, built.value.request, built.value.destination);
  }

  private dispatch(b: Branch, request: SipRequest, destination: Destination): void {
    b.sent = { request, destination };
    const sent = this.ctx.core.sendInvite(request, destination, {
      receiveResponse: (r, d) => this.receive(b, r, d),
      transportError: (e: Rejection) => this.transportFailed(b, e),
    });
    if (!sent.ok) return this.failed(b, 503);
    if (sent.value instanceof InviteClientTransaction && b.final === undefined) b.tx = sent.value;
  }

  private receive(b: Branch, response: SipResponse, dialog: Dialog | undefined): void {
    if (response.status < 200) this.provisional(response);
    else if (response.status < 300) this.accepted(b, response, dialog);
    else if ((response.status === 401 || response.status === 407) && this.authenticate(b, response)) return;
    else this.failed(b, response.status);
  }

  /**
   * A provider (a trunk) challenged the INVITE: sent once more with the target's credentials
   * (RFC 3261 §22.2). Only while the fork still rings, and only once: a second challenge means the
   * credentials are wrong. The new INVITE leaves on the next tick, once the transaction has ACKed
   * the challenge (§17.1.1.3): strict peers expect the ACK first.
   */
  private authenticate(b: Branch, challenged: SipResponse): boolean {
    const credentials = b.target.credentials;
    const sent = b.sent;
    if (credentials === undefined || b.authenticated || sent === undefined || this.state !== 'ringing')
      return false;
    const { layer } = this.ctx.core;
    const request = authenticatedInvite(layer, this.ctx.random, sent.request, challenged, credentials);
    if (request === undefined) return false;
    b.authenticated = true;
    b.tx = undefined;
    this.ctx.timers.set(0, () => {
      // Hung up meanwhile (nothing to CANCEL without a transaction): the branch ends as challenged.
      if (this.state === 'ringing') this.dispatch(b, request, sent.destination);
      else this.failed(b, challenged.status);
    });
    return true;
  }

  private provisional(response: SipResponse): void {
    if (this.state !== 'ringing' || this.leg.state !== 'offered' || response.status === 100) return;
    const early = response.status === 183 && sdpBody(response) !== undefined;
    if (!this.leg.apply(early ? 'early-media' : 'ring')) return;
    this.ctx.emit({ type: 'LegRinging', legId: this.leg.id, at: this.ctx.clock.now(), earlyMedia: early });
  }

  private accepted(b: Branch, response: SipResponse, dialog: Dialog | undefined): void {
    b.final = response.status;
    if (this.state !== 'ringing' || dialog === undefined) {
      // A second device answered, or the answer crossed our CANCEL: hang that one up (§15).
      if (dialog !== undefined) this.ctx.core.bye(dialog);
      this.settleCheck();
      return;
    }
    this.state = 'answered';
    this.stopTimer();
    this.cancelPending();
    const leg = this.leg;
    leg.abortOutbound = undefined;
    leg.dialog = dialog;
    leg.peer = b.target.peer;
    this.ctx.legs.bindDialog(leg);
    const sdp = sdpBody(response);
    const media =
      sdp === undefined || leg.endpoint === undefined
        ? undefined
        : this.ctx.media.acceptAnswer(leg.endpoint, sdp);
    leg.apply('answer');
    this.ctx.emit({ type: 'LegAnswered', legId: leg.id, at: this.ctx.clock.now(), contact: b.target.uri });
    if (sdp === undefined || (media !== undefined && !media.ok)) {
      this.ctx.end(leg, { cause: 'media-failed', party: 'system' }, 'signal');
    }
    this.settleCheck();
  }

  private failed(b: Branch, status: number): void {
    if (b.final !== undefined) return;
    b.final = status;
    if (this.state === 'ringing' && this.branches.every((x) => x.final !== undefined)) {
      this.state = 'failed';
      this.stopTimer();
      const best = bestFailure(this.branches.map((x) => x.final!)) ?? status;
      const party = best === 408 || best === 503 ? 'system' : this.leg.remoteParty;
      this.leg.abortOutbound = undefined;
      this.ctx.end(this.leg, { cause: causeOfStatus(best), party, sipStatus: best }, 'silent');
    }
    this.settleCheck();
  }

  private transportFailed(b: Branch, _error: Rejection): void {
    this.failed(b, 503);
  }

  private timedOut(): void {
    this.timer = undefined;
    if (this.state !== 'ringing') return;
    // RONA: the routing side hears no-answer from the system and may offer the contact elsewhere.
    this.ctx.end(this.leg, { cause: 'no-answer', party: 'system' }, 'signal');
  }

  private cancelPending(): void {
    for (const b of this.branches) {
      // §9.1: the layer holds the CANCEL until a provisional response arrived; refused after a final.
      if (b.final === undefined && b.tx !== undefined) this.ctx.core.layer.cancel(b.tx);
    }
  }

  private settleCheck(): void {
    if (this.done || this.state === 'ringing' || this.branches.some((b) => b.final === undefined)) return;
    this.done = true;
    this.stopTimer();
    this.settled(this);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.ctx.timers.clear(this.timer);
    this.timer = undefined;
  }
}
