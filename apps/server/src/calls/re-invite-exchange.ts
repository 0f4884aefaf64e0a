import { ok, reject, type Random, type Rejection, type Result, type TimerHandle } from '@switchboard/kernel';
import {
  isOnHold,
  parseSdp,
  type MediaDirection,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';
import type { CallContext } from './call-context';
import type { Leg } from './leg';
import { sdpBody } from './sdp-body';
import { reasonPhrase } from './sip-status';

/**
 * How long to wait before retrying a re-INVITE refused with 491 (RFC 3261 §14.1): the owner of the
 * Call-ID (the side that sent the initial INVITE) waits 2.1–4 s, the other 0–2 s, in 10 ms units, so
 * the two retries do not collide again.
 */
export function glareRetryDelay(ownsCallId: boolean, random: Random): number {
  return ownsCallId ? 2100 + 10 * Math.floor(random.next() * 191) : 10 * Math.floor(random.next() * 201);
}

type ExchangeState = 'idle' | 'offering' | 'backoff';

/** Told when the remote's new offer holds (sendonly/inactive, or c=0.0.0.0) or resumes us. */
export type RemoteHoldListener = (leg: Leg, held: boolean) => void;

/**
 * The offer/answer exchanges inside one leg's confirmed dialog (RFC 3261 §14, RFC 3264 §8, RFC 3311):
 * ```
 *          offer()                 2xx: apply answer / non-491 failure
 *   idle ------------> offering ----------------------------------> idle
 *    ^                    | 491 Request Pending
 *    |  retry timer       V
 *    +--------------- backoff  (a re-INVITE from the peer is answered meanwhile)
 * ```
 * Our offers go one at a time (queued); a re-INVITE from the peer while ours is pending is glare
 * and gets 491 (§14.2). A 481 or 408 to our re-INVITE ends the leg (§12.2.1.2).
 */
export class ReInviteExchange {
  private state: ExchangeState = 'idle';
  private retry: { timer: TimerHandle; done: (r: Result<void, Rejection>) => void } | undefined;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly ctx: CallContext,
    private readonly leg: Leg,
    private readonly remoteHold: RemoteHoldListener,
  ) {}

  /** Sends a re-INVITE with a new offer for `direction`; resolves once the answer is applied. */
  offer(direction: MediaDirection): Promise<Result<void, Rejection>> {
    return new Promise((done) => {
      const run = (): void => this.send(direction, done);
      if (this.state === 'idle') run();
      else this.waiting.push(run);
    });
  }

  /** A re-INVITE or UPDATE from the peer inside the dialog. */
  receive(request: SipRequest, tx: ServerTransaction): void {
    const respond = (status: number, body?: string): void => {
      const sdp = body === undefined ? {} : { body, contentType: 'application/sdp' };
      this.ctx.core.respond(tx, status, reasonPhrase(status), sdp);
    };
    if (this.state === 'offering') return respond(491);
    const endpoint = this.leg.endpoint;
    const offer = sdpBody(request);
    if (endpoint === undefined) return respond(488);
    if (offer === undefined) {
      // RFC 4028 refresh by UPDATE carries no offer; an offerless re-INVITE wants ours (answer in ACK).
      if (request.method === 'UPDATE') return respond(200);
      const ours = this.ctx.media.createOffer(endpoint, this.leg.heldLocally ? 'sendonly' : 'sendrecv');
      if (!ours.ok) return respond(500);
      this.leg.answerInAck = true;
      return respond(200, ours.value);
    }
    const answer = this.ctx.media.answerOffer(endpoint, offer);
    if (!answer.ok) return respond(Number(answer.error.details?.status ?? 488));
    respond(200, answer.value);
    const parsed = parseSdp(offer);
    if (parsed.ok) this.remoteHold(this.leg, isOnHold(parsed.value));
  }

  /** The leg ended: stop a pending retry and fail what is queued. */
  dispose(): void {
    if (this.retry !== undefined) {
      this.ctx.timers.clear(this.retry.timer);
      const { done } = this.retry;
      this.retry = undefined;
      this.finish(done, legEnded(this.leg));
    }
    this.next();
  }

  private send(direction: MediaDirection, done: (r: Result<void, Rejection>) => void): void {
    const { leg } = this;
    if (leg.terminated || leg.dialog === undefined || leg.endpoint === undefined) {
      return this.finish(done, legEnded(leg));
    }
    const sdp = this.ctx.media.createOffer(leg.endpoint, direction);
    if (!sdp.ok) return this.finish(done, sdp);
    this.state = 'offering';
    const sent = this.ctx.core.sendRequest(
      leg.dialog,
      'INVITE',
      { body: sdp.value, contentType: 'application/sdp' },
      {
        receiveResponse: (r) => this.response(r, direction, done),
        transportError: (e) => this.finish(done, { ok: false, error: e }),
      },
    );
    if (!sent.ok) this.finish(done, sent);
  }

  private response(
    r: SipResponse,
    direction: MediaDirection,
    done: (r: Result<void, Rejection>) => void,
  ): void {
    if (r.status < 200) return;
    if (r.status < 300) {
      const body = sdpBody(r);
      const endpoint = this.leg.endpoint;
      const applied =
        body === undefined || endpoint === undefined
          ? ok(undefined)
          : this.ctx.media.acceptAnswer(endpoint, body);
      return this.finish(done, applied);
    }
    if (r.status === 491 && !this.leg.terminated) {
      this.state = 'backoff';
      const delay = glareRetryDelay(this.leg.direction === 'outbound', this.ctx.random);
      const timer = this.ctx.timers.set(delay, () => {
        this.retry = undefined;
        this.send(direction, done);
      });
      this.retry = { timer, done };
      return;
    }
    this.finish(done, reject('CALLS.REINVITE_FAILED', 'The re-INVITE was refused', { status: r.status }));
    if (r.status === 481 || r.status === 408) {
      this.ctx.end(this.leg, { cause: 'failed', party: 'system', sipStatus: r.status }, 'signal');
    }
  }

  private finish(done: (r: Result<void, Rejection>) => void, result: Result<void, Rejection>): void {
    this.state = 'idle';
    done(result);
    this.next();
  }

  private next(): void {
    while (this.state === 'idle' && this.waiting.length > 0) this.waiting.shift()!();
  }
}

function legEnded(leg: Leg): Result<never, Rejection> {
  return reject('CALLS.LEG_ENDED', 'The leg has ended', { legId: leg.id });
}
