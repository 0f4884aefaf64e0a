import type { Random, Rejection, Timers } from '@switchboard/kernel';
import {
  SipMethod,
  type InviteServerTransaction,
  UserAgentCore,
  type Destination,
  type Dialog,
  type DialogEndCause,
  type LocalEndpoint,
  type ServerTransaction,
  type SipMessage,
  type SipRequest,
  type TransactionLimit,
  type Transport,
  type UserAgentHandler,
} from '@switchboard/sip';
import { SERVER_CAPABILITIES } from '../calls/capabilities';
import { rejectCalls, type SipCallHandler } from './sip-call-handler';
import type { Registrar } from './registrar/registrar';
import {
  ALLOWED_METHODS,
  capabilityHeaders,
  optionsReply,
  unsupportedExtensionReply,
} from './sip-capabilities';
import type { SipMetrics } from './sip-metrics';
import type { SipReply } from './sip-reply';
import type { StatelessResponder } from './stateless-responder';
import { SERVER_HEADER } from './stateless-responder';
import { sipSourceOf, transactionSource } from './transaction-transport';
import type { SipSource } from './transport/sip-transport';

/** Collaborators of {@link SipUserAgent}. */
export interface SipUserAgentOptions {
  readonly registrar: Registrar;
  readonly metrics: SipMetrics;
  /** Sends the stateless 503 to a source over its transaction limit. */
  readonly responder: StatelessResponder;
  readonly timers: Timers;
  readonly random: Random;
  /** Where requests we originate leave. */
  readonly transport: Transport;
  readonly local: LocalEndpoint;
  /** Server transactions alive at once per source address and port (RFC 3261 §17.2). */
  readonly maxServerTransactionsPerSource: TransactionLimit;
}

const KNOWN_METHODS = new Set<string>(Object.values(SipMethod));
const NO_DIALOG: SipReply = { status: 481, reason: 'Call/Transaction Does Not Exist' };

/**
 * The server's transaction user (RFC 3261 §8.2, §17): the {@link UserAgentCore} over the transaction
 * layer, fed by the intake. Retransmitted requests are absorbed by their server transaction; REGISTER
 * goes to the registrar and OPTIONS gets the capabilities, both answered through that transaction;
 * calls go to the pluggable {@link SipCallHandler} (480 until call control attaches); BYE, CANCEL,
 * 481 for unknown dialogs and 2xx retransmission stay in the core.
 */
export class SipUserAgent implements UserAgentHandler {
  readonly core: UserAgentCore;
  private calls: SipCallHandler;
  /** The core whose transaction layer receives what the intake parsed: ours, or call control's. */
  private receiver: UserAgentCore;
  /** The registrar's promise for the request being received, so the intake bounds work in flight. */
  private pending: Promise<void> | undefined;

  constructor(private readonly options: SipUserAgentOptions) {
    this.core = new UserAgentCore({
      timers: options.timers,
      random: options.random,
      transport: options.transport,
      local: options.local,
      handler: this,
      // The server's one list, also on the 1xx/2xx this core sends and for its 420s.
      capabilities: SERVER_CAPABILITIES,
      // OPTIONS gets the server's own Allow list (with REGISTER), decided here like every reply.
      answerOptions: false,
      maxServerTransactionsPerSource: options.maxServerTransactionsPerSource,
    });
    this.calls = rejectCalls(this.core);
    this.receiver = this.core;
  }

  /**
   * Feeds everything received to `core` instead (call control owning its own user-agent core):
   * its transaction layer absorbs retransmissions and its handler gets INVITEs and dialogs; it hands
   * other out-of-dialog requests back through {@link otherRequest}.
   */
  attachCore(core: UserAgentCore): void {
    this.receiver = core;
  }

  /** REGISTER, OPTIONS, BYE without a dialog and the rest, answered as when this core receives them. */
  readonly otherRequest = (request: SipRequest, transaction: ServerTransaction): void => {
    this.outOfDialog(request, transaction);
  };

  /**
   * A connection opened for requests we sent never connected (RFC 3261 §18.4): the client
   * transactions waiting on it, in this core and in an attached one, end with a transport error now.
   */
  connectionFailed(destination: Destination, error: Rejection): void {
    this.core.layer.connectionFailed(destination, error);
    if (this.receiver !== this.core) this.receiver.layer.connectionFailed(destination, error);
  }

  /** Hands calls to `handler` from now on (call control attaching, or the answer test). */
  setCallHandler(handler: SipCallHandler): void {
    this.calls = handler;
  }

  /** Call control's session refresh (RFC 4028 §10) when it has one; the core's own otherwise. */
  get refreshSession(): ((dialog: Dialog) => void) | undefined {
    const calls = this.calls;
    return calls.refreshSession === undefined ? undefined : (dialog) => calls.refreshSession?.(dialog);
  }

  /**
   * The intake's message handler: everything goes to the transaction layer; a source over its
   * transaction limit is told to back off with 503 and Retry-After (RFC 3261 §21.5.4).
   */
  readonly receive = (message: SipMessage, source: SipSource): Promise<void> | undefined => {
    this.pending = undefined;
    const accepted = this.receiver.layer.receive(message, transactionSource(source));
    const pending = this.pending;
    this.pending = undefined;
    if (!accepted.ok && accepted.error.code === 'SIP.TOO_MANY_TRANSACTIONS' && message.kind === 'request') {
      this.options.metrics.dropped(source.protocol, 'too_many_transactions');
      this.options.responder.respond(message, source, {
        status: 503,
        reason: 'Service Unavailable',
        headers: [{ name: 'Retry-After', value: '5' }],
      });
    }
    return pending;
  };

  receiveRequest(request: SipRequest, transaction: ServerTransaction, dialog: Dialog | undefined): void {
    if (dialog !== undefined) this.inDialog(request, transaction, dialog);
    else this.outOfDialog(request, transaction);
  }

  receiveAck(ack: SipRequest, dialog: Dialog): void {
    this.calls.receiveAck?.(ack, dialog);
  }

  receiveCancel(cancel: SipRequest, invite: InviteServerTransaction): void {
    this.calls.receiveCancel?.(cancel, invite);
  }

  dialogEnded(dialog: Dialog, cause: DialogEndCause): void {
    this.calls.dialogEnded?.(dialog, cause);
  }

  private outOfDialog(request: SipRequest, transaction: ServerTransaction): void {
    const source = sipSourceOf(transaction.transport);
    // §8.2.2.1: only SIP URIs (and tel, which this server does not route) are understood.
    if (request.uri.kind !== 'sip') {
      this.reply(transaction, { status: 416, reason: 'Unsupported URI Scheme' });
      return;
    }
    const unsupported = unsupportedExtensionReply(request);
    if (unsupported !== undefined) {
      this.reply(transaction, unsupported);
      return;
    }
    if (request.method === SipMethod.REGISTER && source !== undefined) {
      this.pending = this.register(request, transaction, source);
    } else if (request.method === SipMethod.INVITE) {
      this.calls.receiveRequest(request, transaction, undefined);
    } else if (request.method === SipMethod.BYE) {
      // §15.1.2: a BYE matching no dialog.
      this.reply(transaction, NO_DIALOG);
    } else {
      this.reply(transaction, methodReply(request));
    }
  }

  private inDialog(request: SipRequest, transaction: ServerTransaction, dialog: Dialog): void {
    if (request.method === SipMethod.OPTIONS) this.reply(transaction, optionsReply());
    else this.calls.receiveRequest(request, transaction, dialog);
  }

  /** The registrar may wait on the database; a failure still ends the transaction, with 500. */
  private async register(
    request: SipRequest,
    transaction: ServerTransaction,
    source: SipSource,
  ): Promise<void> {
    try {
      this.reply(transaction, await this.options.registrar.register(request, source));
    } catch (error) {
      this.reply(transaction, { status: 500, reason: 'Server Internal Error' });
      throw error;
    }
  }

  /** Sends `reply` through the server transaction (§17.2), which keeps it for retransmissions. */
  private reply(transaction: ServerTransaction, reply: SipReply): void {
    const sent = this.core.respond(transaction, reply.status, reply.reason, {
      headers: [...(reply.headers ?? []), SERVER_HEADER],
      ...(reply.body === undefined ? {} : { body: reply.body }),
    });
    if (sent.ok) this.options.metrics.responseSent(reply.status);
    else this.options.metrics.dropped(protocolOf(transaction), 'send_failed');
  }
}

/**
 * OPTIONS gets the capabilities (§11.2); allowed methods that need a dialog 481; other methods 405
 * with Allow, unknown ones 501 (§8.2.1).
 */
function methodReply(request: SipRequest): SipReply {
  if (request.method === SipMethod.OPTIONS) return optionsReply();
  // INFO, UPDATE, REFER, NOTIFY are allowed, but only inside a dialog this one is not (§12.2.2).
  if (ALLOWED_METHODS.includes(request.method)) return NO_DIALOG;
  return KNOWN_METHODS.has(request.method)
    ? { status: 405, reason: 'Method Not Allowed', headers: capabilityHeaders().slice(0, 1) }
    : { status: 501, reason: 'Not Implemented' };
}

function protocolOf(transaction: ServerTransaction): SipSource['protocol'] {
  return sipSourceOf(transaction.transport)?.protocol ?? 'UDP';
}
