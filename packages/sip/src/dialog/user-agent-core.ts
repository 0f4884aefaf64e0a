import { reject, type Rejection, type Result } from '@switchboard/kernel';
import { createResponse } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import { getHeader, getHeaderValues, tagOf, type SipRequest, type SipResponse } from '../message/sip-message';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction';
import { NO_CLIENT_USER, type ClientTransactionUser } from '../transaction/transaction';
import {
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
  type TransactionLayerOptions,
  type TransactionLayerUser,
} from '../transaction/transaction-layer';
import { flowProtocol, type Destination, type Source } from '../transaction/transport';
import { localOver, type Dialog, type DialogRequestOptions, type LocalEndpoint } from './dialog';
import { dialogKey, incomingRequestDialogId, responseDialogId, type DialogId } from './dialog-id';
import { DialogRegistry, type DialogEndCause, type DialogEntry } from './dialog-registry';
import { createOptionsResponse, DEFAULT_CAPABILITIES, type Capabilities } from './options-response';
import { SessionRefresher } from './session-refresh';
import { TerminatingDialogs } from './terminating-dialogs';
import {
  negotiateSessionTimer,
  parseSessionExpires,
  SessionTimer,
  type SessionTimerPolicy,
} from './session-timer';
import { inviteClientUser, type InviteContext, type InviteUser } from './uac-invite';
import { requestOverFlow } from './request-over-flow';
import { answerRequest, type AnswerOptions, type UasContext } from './uas-answer';

/** What the application (the B2BUA's call control) hears from the core. */
export interface UserAgentHandler {
  /** A request to act on: out of dialog (`dialog` undefined) or in dialog after the §12.2.2 checks. */
  receiveRequest(request: SipRequest, transaction: ServerTransaction, dialog: Dialog | undefined): void;
  /** The ACK for a 2xx we sent (it may carry the SDP answer). */
  receiveAck?(ack: SipRequest, dialog: Dialog): void;
  /** The caller cancelled; the INVITE was already answered 487 (§9.2). */
  receiveCancel?(cancel: SipRequest, invite: InviteServerTransaction): void;
  dialogEnded?(dialog: Dialog, cause: DialogEndCause): void;
  /**
   * Our turn to refresh the session (RFC 4028 §10); without it the core refreshes by UPDATE or
   * re-INVITE itself ({@link SessionRefresher}).
   */
  refreshSession?(dialog: Dialog): void;
}

/** Options of {@link UserAgentCore}: the transaction layer's, plus who we are and what we support. */
export interface UserAgentCoreOptions extends Omit<TransactionLayerOptions, 'user'> {
  readonly local: LocalEndpoint;
  readonly handler: UserAgentHandler;
  readonly capabilities?: Capabilities;
  readonly sessionTimer?: SessionTimerPolicy;
  /** Answer OPTIONS with 200 and our capabilities without asking the application (default true). */
  readonly answerOptions?: boolean;
}

/** Options of {@link UserAgentCore.sendRequest}. */
export interface InDialogRequestOptions {
  readonly headers?: readonly HeaderField[];
  readonly body?: string;
  readonly contentType?: string;
}

/**
 * A minimal user-agent core for a B2BUA (RFC 3261 §8, §12–§15): dialogs created from our answers
 * and from responses to our INVITEs, in-dialog request checks (481, 500), 2xx retransmission until
 * ACK with BYE on give-up, re-ACK of retransmitted 2xx, BYE handling, OPTIONS answers, CANCEL, and
 * session timers (RFC 4028) honoured. Call control stays with the application.
 */
export class UserAgentCore implements TransactionLayerUser {
  readonly layer: TransactionLayer;
  readonly dialogs: DialogRegistry;
  private readonly options: UserAgentCoreOptions;
  private readonly uas: UasContext;
  private readonly refresher: SessionRefresher;
  private readonly terminating = new TerminatingDialogs();
  /** What every INVITE we send (initial or re-INVITE) needs, built once rather than per INVITE. */
  private readonly inviteContext: InviteContext;

  constructor(options: UserAgentCoreOptions) {
    this.options = options;
    this.layer = new TransactionLayer({ ...options, user: this });
    this.dialogs = new DialogRegistry((d, cause) => options.handler.dialogEnded?.(d, cause));
    this.uas = {
      registry: this.dialogs,
      local: options.local,
      layer: this.layer,
      timers: options.timers,
      sessionPolicy: options.sessionTimer,
      ackTimeout: (entry) => this.hangUp(entry, 'ack-timeout'),
      startSessionTimer: (entry, interval, weRefresh) => this.startSessionTimer(entry, interval, weRefresh),
    };
    this.refresher = new SessionRefresher({
      random: options.random,
      send: (entry, method, headers, sdp, onFinal) => {
        const body = sdp === undefined ? {} : { body: sdp.body, contentType: sdp.contentType };
        const user = { receiveResponse: (r: SipResponse) => onFinal(r), transportError: () => undefined };
        return this.sendRequest(entry.dialog, method, { headers, ...body }, user).ok;
      },
      restart: (entry, interval, weRefresh) => this.startSessionTimer(entry, interval, weRefresh),
      expireIn: (entry, ms) => this.sessionTimerOf(entry).expireIn(ms),
      hangUp: (entry) => this.hangUp(entry, 'session-expired'),
      later: (ms, action) => void options.timers.set(ms, action),
    });
    this.inviteContext = {
      registry: this.dialogs,
      local: options.local,
      createBranch: () => this.layer.createBranch(),
      sendAck: (ack, destination) => {
        // An ACK carrying the answer to an offer in the 2xx (§13.2.2.4).
        const entry = this.entryOf(responseDialogId(ack));
        if (entry !== undefined)
          this.refresher.noteSent(entry.dialog, ack.body, getHeader(ack, 'Content-Type'));
        this.layer.sendStateless(ack, destination);
      },
      hangUp: (entry) => this.hangUp(entry, 'forked-away'),
      sessionRefreshed: (entry, response, invite) => {
        this.refresher.notePeer(entry.dialog, response);
        this.refresher.noteSent(entry.dialog, invite.body, getHeader(invite, 'Content-Type'));
        const se = parseSessionExpires(getHeader(response, 'Session-Expires') ?? '');
        if (se !== undefined) this.startSessionTimer(entry, se.interval, se.refresher !== 'uas');
      },
    };
  }

  /** Answers a request the handler received; creates/confirms the dialog for 1xx/2xx to INVITE. */
  respond(
    transaction: ServerTransaction,
    status: number,
    reason: string,
    options: AnswerOptions = {},
  ): Result<SipResponse, Rejection> {
    const request = transaction.request;
    const answered = answerRequest(
      this.uas,
      transaction,
      status,
      reason,
      this.withCapabilities(request, status, options),
    );
    if (
      answered.ok &&
      status > 100 &&
      status < 300 &&
      (request.method === 'INVITE' || request.method === 'UPDATE')
    ) {
      // What a session refresh needs later: the peer's Allow and the description we answered with.
      const localTag = tagOf(answered.value.to);
      const remoteTag = tagOf(request.from);
      const entry =
        localTag === undefined || remoteTag === undefined
          ? undefined
          : this.dialogs.get({ callId: request.callId, localTag, remoteTag });
      if (entry !== undefined) {
        this.refresher.notePeer(entry.dialog, request);
        this.refresher.noteSent(entry.dialog, options.body, options.contentType);
      }
    }
    return answered;
  }

  /**
   * Sends an out-of-dialog INVITE (its top Via branch from `layer.createBranch()`), built with our
   * local endpoint, over the destination's flow: the Via and our Contact are re-stamped for that
   * flow's transport (§18.1.1, RFC 7118 §5), and the dialog it creates keeps the flow.
   */
  sendInvite(
    request: SipRequest,
    destination: Destination,
    user: InviteUser,
  ): Result<ClientTransaction, Rejection> {
    const fitted = requestOverFlow(request, this.options.local, this.localFor(destination));
    if (!fitted.ok) return fitted;
    return this.layer.sendRequest(
      fitted.value,
      destination,
      inviteClientUser(this.inviteContext, fitted.value, destination, user),
    );
  }

  /**
   * Sends BYE, re-INVITE, UPDATE, INFO, REFER, NOTIFY… inside `dialog` (§12.2.1.1) to its next hop.
   * A BYE ends the dialog at once (§15.1.1); a re-INVITE's 2xx is ACKed like the first one.
   */
  sendRequest(
    dialog: Dialog,
    method: string,
    options: InDialogRequestOptions = {},
    user: InviteUser = SILENT_INVITE_USER,
  ): Result<ClientTransaction, Rejection> {
    const created = dialog.createRequest(method, withBranch(options, this.layer.createBranch()));
    if (!created.ok) return created;
    const destination = dialog.nextHop();
    if (destination === undefined) return reject('SIP.NO_ROUTE', 'The remote target is not a SIP URI');
    // A remote target naming another transport than the dialog's flow (`;transport=tcp` in a 2xx).
    const built = requestOverFlow(created.value, dialog.local, this.localFor(destination));
    if (!built.ok) return built;
    const { refresher } = this;
    // Methods, not arrow properties: the runtime's name-keeping wraps each arrow property in a call
    // costing about a microsecond, on every BYE.
    const txUser: ClientTransactionUser =
      method === 'INVITE'
        ? inviteClientUser(this.inviteContext, built.value, destination, user)
        : {
            receiveResponse(r) {
              // An UPDATE's accepted offer is our session description from now on (RFC 3311 §5.1).
              if (method === 'UPDATE' && r.status >= 200 && r.status < 300) {
                refresher.notePeer(dialog, r);
                refresher.noteSent(dialog, options.body, options.contentType);
              }
              user.receiveResponse(r, dialog);
            },
            transportError(e) {
              user.transportError?.(e);
            },
          };
    if (method !== 'BYE') return this.layer.sendRequest(built.value, destination, txUser);
    const key = dialogKey(dialog.id);
    const sent = this.layer.sendRequest(built.value, destination, this.terminating.track(key, txUser));
    if (!sent.ok) this.terminating.forget(key);
    const entry = this.dialogs.get(dialog.id);
    if (entry !== undefined) this.dialogs.end(entry, 'bye-sent');
    return sent;
  }

  /** Hangs up a dialog: BYE when confirmed (§15.1.1); an early UAS dialog must be rejected instead. */
  bye(dialog: Dialog): Result<ClientTransaction, Rejection> {
    return this.sendRequest(dialog, 'BYE');
  }

  receiveRequest(request: SipRequest, transaction: ServerTransaction, _source: Source): void {
    const id = incomingRequestDialogId(request);
    if (request.method === 'OPTIONS' && this.options.answerOptions !== false) {
      const res = createOptionsResponse(
        request,
        tagOf(request.to) ?? this.layer.createTag(),
        this.capabilities,
      );
      if (res.ok) transaction.respond(res.value);
      return;
    }
    if (id === undefined) {
      if (this.refuseExtensions(request, transaction)) return;
      if (this.refuseSessionTimer(request, transaction)) return;
      this.options.handler.receiveRequest(request, transaction, undefined);
      return;
    }
    const entry = this.dialogs.get(id);
    if (entry === undefined) {
      // Both ends hung up at once: our BYE is still out (RFC 5407 §3.1.1).
      if (request.method === 'BYE' && this.terminating.has(dialogKey(id)))
        this.respond(transaction, 200, 'OK');
      else this.respond(transaction, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    const checked = entry.dialog.receiveRequest(request);
    if (!checked.ok) {
      this.respond(transaction, checked.error.status, checked.error.reason);
      return;
    }
    if (this.refuseExtensions(request, transaction)) return;
    if (this.refuseSessionTimer(request, transaction)) return;
    if (request.method === 'BYE') {
      this.respond(transaction, 200, 'OK');
      this.dialogs.end(entry, 'bye-received');
      return;
    }
    this.options.handler.receiveRequest(request, transaction, entry.dialog);
  }

  receiveAck(ack: SipRequest): void {
    const id = incomingRequestDialogId(ack);
    const entry = id === undefined ? undefined : this.dialogs.get(id);
    if (entry === undefined) return;
    if (entry.retransmitter?.seq === ack.cseq.seq) {
      entry.retransmitter.timer.stop();
      entry.retransmitter = undefined;
    }
    this.options.handler.receiveAck?.(ack, entry.dialog);
  }

  receiveCancel(cancel: SipRequest, invite: InviteServerTransaction): void {
    const tag = invite.localTag;
    const remoteTag = tagOf(invite.request.from);
    if (tag !== undefined && remoteTag !== undefined) {
      const entry = this.dialogs.get({ callId: invite.request.callId, localTag: tag, remoteTag });
      if (entry !== undefined && entry.dialog.state === 'early') this.dialogs.end(entry, 'cancelled');
    }
    this.options.handler.receiveCancel?.(cancel, invite);
  }

  /** A 2xx retransmitted after the INVITE transaction ended: ACK it again (§13.2.2.4). */
  receiveStrayResponse(response: SipResponse): void {
    if (response.cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const id = responseDialogId(response);
    const last = id === undefined ? undefined : this.dialogs.get(id)?.lastAck;
    if (last !== undefined && last.seq === response.cseq.seq)
      this.layer.sendStateless(last.ack, last.destination);
  }

  /**
   * Allow and Supported on 1xx/2xx to INVITE (RFC 3261 §13.3.1.4: they SHOULD be there), unless
   * the application wrote its own: the peer learns here whether we take UPDATE (RFC 4028 §7.4).
   */
  private withCapabilities(request: SipRequest, status: number, options: AnswerOptions): AnswerOptions {
    if (request.method !== 'INVITE' || status <= 100 || status >= 300) return options;
    const { headers: written = [], ...rest } = options;
    const given = new Set(written.map((h) => h.name.toLowerCase()));
    const { allow, supported } = this.capabilities;
    const added: HeaderField[] = [];
    if (!given.has('allow')) added.push({ name: 'Allow', value: allow.join(', ') });
    if (!given.has('supported') && supported.length > 0)
      added.push({ name: 'Supported', value: supported.join(', ') });
    // `headers` first, the rest spread after: a spread copy given a new property is slow (ADR 0007).
    return { headers: [...written, ...added], ...rest };
  }

  /** Our endpoint as seen over the transport that carries requests to `destination`. */
  private localFor(destination: Destination): LocalEndpoint {
    return localOver(this.options.local, flowProtocol(destination, this.options.transport));
  }

  private get capabilities(): Capabilities {
    return this.options.capabilities ?? DEFAULT_CAPABILITIES;
  }

  /**
   * RFC 3261 §8.2.2.3: a request requiring an option tag we do not list in Supported (`100rel`, or
   * `replaces` when the application does not take INVITEs with Replaces) is answered 420 naming them
   * in Unsupported, rather than half-honoured. ACK and CANCEL
   * are never refused, nor is BYE: a call must always be able to end.
   */
  private refuseExtensions(request: SipRequest, transaction: ServerTransaction): boolean {
    if (request.method === 'ACK' || request.method === 'CANCEL' || request.method === 'BYE') return false;
    const supported = new Set(this.capabilities.supported.map((t) => t.toLowerCase()));
    const missing = getHeaderValues(request, 'Require').filter((t) => !supported.has(t.toLowerCase()));
    if (missing.length === 0) return false;
    const r = createResponse(request, 420, 'Bad Extension', {
      toTag: tagOf(request.to) === undefined ? this.layer.createTag() : undefined,
      headers: [{ name: 'Unsupported', value: missing.join(', ') }],
    });
    if (r.ok) transaction.respond(r.value);
    return true;
  }

  /** RFC 4028 §6: an interval below our Min-SE is answered 422 with our Min-SE. */
  private refuseSessionTimer(request: SipRequest, transaction: ServerTransaction): boolean {
    if (request.method !== 'INVITE' && request.method !== 'UPDATE') return false;
    const decision = negotiateSessionTimer(request, this.options.sessionTimer);
    if (decision.kind !== 'reject') return false;
    const r = createResponse(request, 422, 'Session Interval Too Small', {
      toTag: tagOf(request.to) === undefined ? this.layer.createTag() : undefined,
      headers: [{ name: 'Min-SE', value: String(decision.minSe) }],
    });
    if (r.ok) transaction.respond(r.value);
    return true;
  }

  private startSessionTimer(entry: DialogEntry, intervalSeconds: number, weRefresh: boolean): void {
    entry.sessionInterval = intervalSeconds;
    this.sessionTimerOf(entry).start(intervalSeconds, weRefresh);
  }

  private sessionTimerOf(entry: DialogEntry): SessionTimer {
    entry.sessionTimer ??= new SessionTimer(
      this.options.timers,
      () => this.refresh(entry),
      () => this.hangUp(entry, 'session-expired'),
    );
    return entry.sessionTimer;
  }

  private entryOf(id: DialogId | undefined): DialogEntry | undefined {
    return id === undefined ? undefined : this.dialogs.get(id);
  }

  private refresh(entry: DialogEntry): void {
    const handler = this.options.handler;
    if (handler.refreshSession !== undefined) handler.refreshSession(entry.dialog);
    else this.refresher.refresh(entry);
  }

  private hangUp(entry: DialogEntry, cause: DialogEndCause): void {
    if (entry.dialog.state === 'confirmed') {
      const bye = entry.dialog.createRequest('BYE', { branch: this.layer.createBranch() });
      const destination = entry.dialog.nextHop();
      if (bye.ok && destination !== undefined) {
        const key = dialogKey(entry.dialog.id);
        const sent = this.layer.sendRequest(
          bye.value,
          destination,
          this.terminating.track(key, NO_CLIENT_USER),
        );
        if (!sent.ok) this.terminating.forget(key);
      }
    }
    this.dialogs.end(entry, cause);
  }
}

/** The user of an in-dialog request nobody waits on. */
const SILENT_INVITE_USER: InviteUser = { receiveResponse: () => undefined };

/**
 * `options` with the branch of a new transaction: the new property first and the options spread
 * after it, not a spread copy given a new property, which is V8's slow path (ADR 0007).
 */
function withBranch(options: InDialogRequestOptions, branch: string): DialogRequestOptions {
  return { branch, ...options };
}
