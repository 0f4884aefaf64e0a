import { err, ok, reject, type Random, type Rejection, type Result, type Timers } from '@switchboard/kernel';
import { hasMagicCookie } from '../header/via';
import { createResponse } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message';
import { createBranch, createTag } from './branch';
import { createCancel } from './create-cancel';
import { InviteClientTransaction } from './invite-client-transaction';
import { InviteServerTransaction } from './invite-server-transaction';
import { NonInviteClientTransaction } from './non-invite-client-transaction';
import { NonInviteServerTransaction } from './non-invite-server-transaction';
import { timerValues, type TimerValues } from './timer-values';
import { NO_CLIENT_USER, type ClientTransactionUser, type TransactionEnvironment } from './transaction';
import { clientKey, isRfc3261Request, matchesRfc2543, responseKey, serverKey } from './transaction-key';
import {
  responseDestination,
  selectTransport,
  type Destination,
  type Source,
  type Transport,
} from './transport';

/** Either client transaction. */
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
/** Either server transaction. */
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** The transaction user above the layer: the UA core of the B2BUA (RFC 3261 §8, §17). */
export interface TransactionLayerUser {
  /** A new request (not ACK, not a CANCEL) with its new server transaction; the TU answers through it. */
  receiveRequest(request: SipRequest, transaction: ServerTransaction, source: Source): void;
  /** An ACK no transaction absorbed: the end-to-end ACK for a 2xx (§13.2.2.4, §17.2.3). */
  receiveAck(ack: SipRequest, source: Source): void;
  /** A response matching no client transaction (§18.1.2), e.g. a 2xx retransmission after Timer M. */
  receiveStrayResponse?(response: SipResponse, source: Source): void;
  /** A CANCEL matched `invite`; the layer already answered 200 to it and 487 to the INVITE (§9.2). */
  receiveCancel?(cancel: SipRequest, invite: InviteServerTransaction): void;
  /** Timer H fired: the ACK for a non-2xx final response never came (§17.2.1). */
  serverTimeout?(transaction: InviteServerTransaction): void;
  /** A response could not be sent (§17.2.4). */
  serverTransportError?(error: Rejection, transaction: ServerTransaction): void;
}

/** Options of {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  readonly timers: Timers;
  readonly random: Random;
  /**
   * The transport requests go out on unless `sendRequest` names another; one that selects per flow
   * (`Transport.select`) picks the transport of each destination (RFC 3261 §18.1.1).
   */
  readonly transport: Transport;
  readonly user: TransactionLayerUser;
  readonly timerValues?: Partial<TimerValues>;
  /**
   * Server transactions alive at once per source address and port; default 200. A function gives
   * each source host its own bound (a carrier's trunk carries far more than one phone).
   */
  readonly maxServerTransactionsPerSource?: TransactionLimit;
}

/** A bound on live server transactions per source: one number, or one per source host. */
export type TransactionLimit = number | ((host: string) => number);

/**
 * The transaction layer (RFC 3261 §17): matches incoming requests and responses to transactions
 * (§17.1.3, §17.2.3, with the RFC 2543 fallback), creates server transactions for new requests,
 * answers CANCEL (§9.2), and hands everything else to the TU. Transactions leave the maps when they
 * terminate. Sans-I/O: messages leave through the {@link Transport} interface.
 */
export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly perSource = new Map<string, number>();
  private readonly values: TimerValues;
  private readonly maxPerSource: TransactionLimit;

  constructor(private readonly options: TransactionLayerOptions) {
    this.values = timerValues(options.timerValues);
    this.maxPerSource = options.maxServerTransactionsPerSource ?? 200;
  }

  /** The timer constants in force. */
  get timerValues(): TimerValues {
    return this.values;
  }

  /** Live client transactions. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Live server transactions. */
  get serverCount(): number {
    return this.servers.size;
  }

  /** Sources with live server transactions (for leak checks and diagnostics). */
  get sourceCount(): number {
    return this.perSource.size;
  }

  /** A fresh RFC 3261 branch for a request about to be sent. */
  createBranch(): string {
    return createBranch(this.options.random);
  }

  /** A fresh From/To tag. */
  createTag(): string {
    return createTag(this.options.random);
  }

  /**
   * Takes a message from a transport. Requests over the per-source limit are refused with
   * `SIP.TOO_MANY_TRANSACTIONS` (answer them 503 with {@link respondStateless}); everything else is
   * accepted.
   */
  receive(message: SipMessage, source: Source): Result<void, Rejection> {
    if (message.kind === 'response') {
      this.receiveResponse(message, source);
      return ok(undefined);
    }
    return this.receiveRequest(message, source);
  }

  /**
   * Starts a client transaction for `request`, whose top Via must carry a branch with the magic
   * cookie (use {@link createBranch}). ACK is refused: a 2xx ACK is sent with {@link sendStateless}.
   * The transaction sends over the transport of the destination's flow; when there is none (the
   * flow's connection is gone), it ends at once with a transport error to `user` (§17.1.4).
   */
  sendRequest(
    request: SipRequest,
    destination: Destination,
    user: ClientTransactionUser,
    transport: Transport = this.options.transport,
  ): Result<ClientTransaction, Rejection> {
    const via = request.via[0];
    if (request.method === 'ACK')
      return reject('SIP.ACK_NOT_A_TRANSACTION', 'ACK is sent without a transaction');
    if (via === undefined || via.branch === undefined || !hasMagicCookie(via)) {
      return reject('SIP.BAD_BRANCH', 'The top Via needs a branch starting with z9hG4bK');
    }
    const key = clientKey(via.branch, request.method);
    if (this.clients.has(key)) return reject('SIP.DUPLICATE_TRANSACTION', 'Branch already in use', { key });
    const env = this.environment(selectTransport(transport, destination));
    const tx =
      request.method === 'INVITE'
        ? new InviteClientTransaction(key, request, destination, env, user)
        : new NonInviteClientTransaction(key, request, destination, env, user);
    this.clients.set(key, tx);
    tx.onStateChange((s) => {
      if (s === 'terminated' && this.clients.get(key) === tx) this.clients.delete(key);
    });
    tx.start();
    return ok(tx);
  }

  /**
   * Cancels an INVITE client transaction (§9.1): the CANCEL goes out once a provisional response
   * arrived, in a non-INVITE client transaction of its own. Refused after a final response.
   */
  cancel(
    invite: InviteClientTransaction,
    user: ClientTransactionUser = NO_CLIENT_USER,
    extraHeaders: readonly HeaderField[] = [],
  ): Result<void, Rejection> {
    const cancel = createCancel(invite.request, extraHeaders);
    if (!cancel.ok) return cancel;
    return invite.requestCancel(() => {
      this.sendRequest(cancel.value, invite.destination, user, invite.transport);
    });
  }

  /**
   * The socket side could not open the connection requests to `destination` were queued on (TCP
   * connection refused): every client transaction still waiting for its first response over that
   * transport to that host and port ends now with a transport error (§17.1.4), instead of at
   * Timer B or F. Returns how many did.
   */
  connectionFailed(destination: Destination, error: Rejection): number {
    const transport = destination.flow?.transport.toUpperCase();
    let failed = 0;
    for (const tx of [...this.clients.values()]) {
      const d = tx.destination;
      const waiting = tx.state === 'calling' || tx.state === 'trying';
      const same = d.host === destination.host && d.port === destination.port;
      if (!waiting || !same || tx.transport.protocol.toUpperCase() !== transport) continue;
      tx.transportFailed(error);
      failed++;
    }
    return failed;
  }

  /**
   * Sends a message outside any transaction: the ACK for a 2xx (§13.2.2.4), stateless responses;
   * over the transport of the destination's flow, like a request.
   */
  sendStateless(
    message: SipMessage,
    destination: Destination,
    transport: Transport = this.options.transport,
  ): Result<void, Rejection> {
    return selectTransport(transport, destination).send(message, destination);
  }

  /** Answers a request statelessly (§8.2.7), e.g. 503 to a source over its transaction limit. */
  respondStateless(
    request: SipRequest,
    status: number,
    reason: string,
    source: Source,
    headers: readonly HeaderField[] = [],
  ): Result<void, Rejection> {
    const via = request.via[0];
    if (via === undefined) return reject('SIP.NO_VIA', 'Request without Via cannot be answered');
    const response = createResponse(request, status, reason, { headers });
    if (!response.ok) return err(response.error);
    return source.transport.send(response.value, responseDestination(via, source));
  }

  private receiveResponse(response: SipResponse, source: Source): void {
    const key = responseKey(response);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (tx !== undefined) tx.receiveResponse(response);
    else this.options.user.receiveStrayResponse?.(response, source);
  }

  private receiveRequest(request: SipRequest, source: Source): Result<void, Rejection> {
    const tx = this.matchServer(request, serverKey(request));
    if (request.method === 'ACK') {
      const absorbed = tx instanceof InviteServerTransaction && tx.receiveAck(request);
      if (!absorbed) this.options.user.receiveAck(request, source);
      return ok(undefined);
    }
    if (tx !== undefined) {
      tx.receiveRequest(request);
      return ok(undefined);
    }
    const created = this.createServer(request, source);
    if (!created.ok) return created;
    // The transport refused the first 100 Trying: the TU was told through serverTransportError.
    if (created.value.terminated) return ok(undefined);
    if (request.method === 'CANCEL') this.answerCancel(request, created.value);
    else this.options.user.receiveRequest(request, created.value, source);
    return ok(undefined);
  }

  /** The server transaction `key` names, if the RFC 2543 To-tag rule (when it applies) agrees. */
  private matchServer(request: SipRequest, key: string): ServerTransaction | undefined {
    const tx = this.servers.get(key);
    if (tx === undefined || isRfc3261Request(request)) return tx;
    const tag = tx instanceof InviteServerTransaction ? tx.localTag : undefined;
    return matchesRfc2543(request, tx.request, tag) ? tx : undefined;
  }

  private createServer(request: SipRequest, source: Source): Result<ServerTransaction, Rejection> {
    const via = request.via[0];
    if (via === undefined) return reject('SIP.NO_VIA', 'Request without Via');
    const sourceKey = `${source.host}|${source.port}`;
    const count = this.perSource.get(sourceKey) ?? 0;
    const limit = typeof this.maxPerSource === 'number' ? this.maxPerSource : this.maxPerSource(source.host);
    if (count >= limit) {
      return reject('SIP.TOO_MANY_TRANSACTIONS', 'Too many concurrent transactions from this source', {
        source: sourceKey,
        limit,
      });
    }
    const key = serverKey(request);
    const env = this.environment(source.transport);
    const destination = responseDestination(via, source);
    const user = this.options.user;
    let tx: ServerTransaction;
    // Methods, not arrow properties: the runtime's name-keeping wraps each arrow property in a call
    // costing about a microsecond, and this runs for every request.
    if (request.method === 'INVITE') {
      const invite: InviteServerTransaction = new InviteServerTransaction(key, request, destination, env, {
        timeout() {
          user.serverTimeout?.(invite);
        },
        transportError(e) {
          user.serverTransportError?.(e, invite);
        },
      });
      tx = invite;
    } else {
      const other: NonInviteServerTransaction = new NonInviteServerTransaction(
        key,
        request,
        destination,
        env,
        {
          transportError(e) {
            user.serverTransportError?.(e, other);
          },
        },
      );
      tx = other;
    }
    this.track(key, sourceKey, tx);
    if (tx instanceof InviteServerTransaction) tx.start();
    return ok(tx);
  }

  private track(key: string, sourceKey: string, tx: ServerTransaction): void {
    this.servers.set(key, tx);
    this.perSource.set(sourceKey, (this.perSource.get(sourceKey) ?? 0) + 1);
    tx.onStateChange((s: string): void => {
      if (s !== 'terminated') return;
      if (this.servers.get(key) === tx) this.servers.delete(key);
      const left = (this.perSource.get(sourceKey) ?? 1) - 1;
      if (left <= 0) this.perSource.delete(sourceKey);
      else this.perSource.set(sourceKey, left);
    });
  }

  /**
   * §9.2: a CANCEL matching a pending INVITE gets 200 and the INVITE 487, both with the same To tag;
   * a CANCEL for an INVITE already answered finally gets 200 and changes nothing; an unmatched
   * CANCEL gets 481.
   */
  private answerCancel(cancel: SipRequest, cancelTx: ServerTransaction): void {
    const found = this.matchServer(cancel, serverKey(cancel, 'INVITE'));
    if (!(found instanceof InviteServerTransaction)) {
      respondLocally(cancelTx, cancel, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    const toTag = found.localTag ?? this.createTag();
    respondLocally(cancelTx, cancel, 200, 'OK', toTag);
    if (found.state !== 'proceeding') return;
    respondLocally(found, found.request, 487, 'Request Terminated', toTag);
    this.options.user.receiveCancel?.(cancel, found);
  }

  private environment(transport: Transport): TransactionEnvironment {
    return { timers: this.options.timers, timerValues: this.values, transport };
  }
}

function respondLocally(
  tx: ServerTransaction,
  request: SipRequest,
  status: number,
  reason: string,
  toTag?: string,
): void {
  const r = createResponse(request, status, reason, toTag === undefined ? {} : { toTag });
  if (r.ok) tx.respond(r.value);
}
