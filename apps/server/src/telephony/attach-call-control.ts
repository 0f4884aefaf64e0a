/**
 * Puts B2BUA call control ({@link CallControl}) on the live SIP transports: it owns a user-agent
 * core built over telephony's outbound transport and local endpoint, every message received goes
 * to that core's transaction layer, and REGISTER, OPTIONS and the rest come back to telephony's
 * own handling. With an admission gate, new INVITEs pass it before they become legs. Shared by the
 * server and the SIP benchmark's B2BUA mode.
 */
import type { Clock, IdGenerator, Timers } from '@switchboard/kernel';
import {
  getHeader,
  type Dialog,
  type ServerTransaction,
  type SipRequest,
  type TransactionLimit,
} from '@switchboard/sip';
import { CallControl, type CallControlOptions, type InboundCallHandler, type MediaPort } from '../calls';
import { cryptoRandom } from './sip-node-ports';
import { systemTimers } from './sip-timers';
import type { Telephony } from './telephony';
import { sipSourceOf } from './transaction-transport';
import type { InviteGate } from './trunks/trunks';

/** What {@link attachCallControl} needs beyond the transports. */
export interface AttachCallControlOptions {
  readonly media: MediaPort;
  readonly inbound: InboundCallHandler;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly timers?: Timers;
  /** Bound on live server transactions per source; telephony's own bound when absent. */
  readonly maxServerTransactionsPerSource?: TransactionLimit;
  /**
   * The answer test number (`--sip-answer-test-number`), answered here once call control owns calls.
   * It is not gated: the operator turns it on to test connectivity (a provider before its trunk is
   * configured, a benchmark), and it reaches no tenant, flow or agent.
   */
  readonly answerTest?: { readonly number: string; readonly ringMs: number };
  /**
   * Admission of new INVITEs (trunk source or extension digest, `trunks/invite-admission.ts`); every
   * INVITE reaches call control without it (the SIP benchmark).
   */
  readonly admission?: InviteGate;
  /** Where phones' REFERs send their partner (blind transfer); none declines them (603). */
  readonly referTargets?: CallControlOptions['referTargets'];
  /** How long a browser's call outlives its WebSocket, waiting for a rejoin; default 30 s. */
  readonly rejoinGraceMs?: number;
  /**
   * Whether the server can take a new call now (`protection/overload-guard.ts`): gated INVITEs
   * that start a call are answered 503 while it says no. Every call is taken without it.
   */
  readonly overload?: { admitCall(): boolean };
}

/**
 * How long a trunk should keep new calls away after a 503 for overload (RFC 3261 §21.5.4): long
 * enough for a backlog of a few seconds to drain, short enough that a proxy marking us down for
 * it soon tries again.
 */
const OVERLOAD_RETRY_AFTER_S = 2;

/**
 * Builds call control, attaches its core to `telephony` and returns it. A browser's WebSocket that
 * closes is reported to call control (`flowClosed`): its calls wait a while for a rejoin.
 */
export function attachCallControl(
  telephony: Pick<
    Telephony,
    'outboundTransport' | 'local' | 'otherRequest' | 'attachCore' | 'serverTransactionLimit'
  > &
    Partial<Pick<Telephony, 'onWebSocketClosed' | 'metrics'>>,
  o: AttachCallControlOptions,
): CallControl {
  const timers = o.timers ?? systemTimers;
  const { answerTest, overload } = o;
  const inbound: InboundCallHandler =
    answerTest === undefined
      ? o.inbound
      : {
          offer: (offer) => {
            if (offer.dialed !== answerTest.number) return o.inbound.offer(offer);
            if (answerTest.ringMs === 0) return { action: 'answer' };
            timers.set(answerTest.ringMs, () => {
              void control.execute({ type: 'AnswerInbound', legId: offer.legId });
            });
            return { action: 'ring' };
          },
        };
  const options: CallControlOptions & { readonly maxServerTransactionsPerSource: TransactionLimit } = {
    transport: telephony.outboundTransport,
    local: telephony.local,
    clock: o.clock,
    timers,
    random: cryptoRandom,
    ids: o.ids,
    media: o.media,
    otherRequest: telephony.otherRequest,
    inbound,
    ...(o.referTargets === undefined ? {} : { referTargets: o.referTargets }),
    ...(o.rejoinGraceMs === undefined ? {} : { rejoinGraceMs: o.rejoinGraceMs }),
    // Not a CallControlOptions field yet, but its core takes every option it is given.
    maxServerTransactionsPerSource: o.maxServerTransactionsPerSource ?? telephony.serverTransactionLimit,
  };
  const control =
    o.admission === undefined
      ? new CallControl(options)
      : new AdmittedCallControl(
          options,
          o.admission,
          // Only a configured answer test is ungated: a Request-URI without a user matches no number.
          (request) => answerTest !== undefined && dialedUser(request) === answerTest.number,
          overload === undefined
            ? undefined
            : {
                admitCall: () => overload.admitCall(),
                shed: (transaction) =>
                  telephony.metrics?.dropped(
                    sipSourceOf(transaction.transport)?.protocol ?? 'UDP',
                    'overloaded',
                  ),
              },
        );
  telephony.attachCore(control.core);
  telephony.onWebSocketClosed?.((connectionId) => control.flowClosed(connectionId));
  return control;
}

/**
 * Call control behind the admission gate: an INVITE outside a dialog becomes a leg only once the
 * gate admitted it; otherwise it is answered with the gate's refusal (407 with the challenge, 403,
 * 404) and call control never hears of it. The INVITE server transaction answers 100 Trying while
 * the gate looks up trunks and credentials (RFC 3261 §17.2.1), and a CANCEL arriving meanwhile ends
 * it with 487 (§9.2), after which the verdict is dropped.
 *
 * Before the gate, an overloaded server answers a new call 503 with Retry-After, through its
 * transaction (so retransmissions get the same answer), having spent nothing else on it.
 */
class AdmittedCallControl extends CallControl {
  constructor(
    options: CallControlOptions,
    private readonly gate: InviteGate,
    private readonly ungated: (request: SipRequest) => boolean,
    private readonly overload:
      { admitCall(): boolean; shed(transaction: ServerTransaction): void } | undefined,
  ) {
    super(options);
  }

  override receiveRequest(
    request: SipRequest,
    transaction: ServerTransaction,
    dialog: Dialog | undefined,
  ): void {
    if (dialog !== undefined || request.method !== 'INVITE' || this.ungated(request)) {
      super.receiveRequest(request, transaction, dialog);
      return;
    }
    // A takeover (Replaces, a reloaded browser) carries on a call already up: never shed.
    const overload = this.overload;
    if (overload !== undefined && getHeader(request, 'Replaces') === undefined && !overload.admitCall()) {
      this.core.respond(transaction, 503, 'Service Unavailable', {
        headers: [{ name: 'Retry-After', value: String(OVERLOAD_RETRY_AFTER_S) }],
      });
      overload.shed(transaction);
      return;
    }
    void this.admit(request, transaction);
  }

  private async admit(request: SipRequest, transaction: ServerTransaction): Promise<void> {
    // The packet's source address; the response destination stands in without a socket source.
    const source = sipSourceOf(transaction.transport)?.address ?? transaction.destination.host;
    let verdict: Awaited<ReturnType<InviteGate['admit']>> | undefined;
    try {
      verdict = await this.gate.admit(request, source);
    } catch {
      // A database failure: the caller may retry elsewhere (RFC 3261 §21.5.1).
      verdict = undefined;
    }
    if (transaction.state !== 'proceeding') return;
    if (verdict === undefined) this.core.respond(transaction, 500, 'Server Internal Error');
    // An extension's INVITE carries who it proved to be: only that extension may take its calls
    // over with Replaces (RFC 3891 §6).
    else if (verdict.kind === 'admit')
      this.receiveInvite(request, transaction, verdict.via === 'extension' ? verdict.aor : undefined);
    else
      this.core.respond(transaction, verdict.status, verdict.reasonPhrase, {
        headers: verdict.headers ?? [],
      });
  }
}

function dialedUser(request: SipRequest): string | undefined {
  return request.uri.kind === 'sip' ? request.uri.user : undefined;
}
