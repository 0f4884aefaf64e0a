import { err, ok, type Rejection, type Result, type Timers } from '@switchboard/kernel';
import { serializeNameAddr } from '../header/name-addr';
import { createResponse } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import { tagOf, type SipResponse } from '../message/sip-message';
import type { ServerTransaction, TransactionLayer } from '../transaction/transaction-layer';
import type { Flow } from '../transaction/transport';
import { createUasDialog } from './create-dialog';
import { localOver, type LocalEndpoint } from './dialog';
import { incomingRequestDialogId } from './dialog-id';
import type { DialogEntry, DialogRegistry } from './dialog-registry';
import { Invite2xxRetransmitter } from './invite-2xx-retransmitter';
import {
  negotiateSessionTimer,
  sessionTimerHeaders,
  type SessionTimerDecision,
  type SessionTimerPolicy,
} from './session-timer';

/** Options of an answer: extra headers and body; the To tag is chosen by the core unless given. */
export interface AnswerOptions {
  readonly toTag?: string;
  readonly headers?: readonly HeaderField[];
  readonly body?: string;
  readonly contentType?: string;
}

/** What answering needs from the user-agent core. */
export interface UasContext {
  readonly registry: DialogRegistry;
  readonly local: LocalEndpoint;
  readonly layer: TransactionLayer;
  readonly timers: Timers;
  readonly sessionPolicy?: SessionTimerPolicy;
  ackTimeout(entry: DialogEntry): void;
  startSessionTimer(entry: DialogEntry, intervalSeconds: number, weRefresh: boolean): void;
}

/**
 * Answers `transaction` as the UAS core (§8.2.6, §12.1.1, §13.3.1): a To tag is added outside a
 * dialog (the same one for every response to the request), Contact goes on 1xx/2xx to INVITE and
 * target refreshes, a 101–299 to an initial INVITE creates or confirms the dialog, a 2xx to INVITE is
 * retransmitted until ACK (§13.3.1.4), a final non-2xx ends an early dialog, and a 2xx to INVITE or
 * UPDATE carries and starts the negotiated session timer (RFC 4028 §9).
 */
export function answerRequest(
  ctx: UasContext,
  transaction: ServerTransaction,
  status: number,
  reason: string,
  options: AnswerOptions,
): Result<SipResponse, Rejection> {
  const request = transaction.request;
  const success = status >= 200 && status < 300;
  const decision = success ? negotiateSessionTimer(request, ctx.sessionPolicy) : undefined;
  const built = buildAnswer(ctx, transaction, status, reason, options, decision);
  if (!built.ok) return built;
  const response = built.value;
  const sent = transaction.respond(response);
  if (!sent.ok) return err(sent.error);
  const inDialog = tagOf(request.to) !== undefined;
  const entry =
    request.method === 'INVITE' && status > 100
      ? trackDialog(ctx, transaction, response, inDialog)
      : undefined;
  if (entry !== undefined && success) startRetransmission(ctx, entry, transaction, response);
  if (decision?.kind === 'accept') {
    const id = incomingRequestDialogId(request);
    const refreshed = entry ?? (id === undefined ? undefined : ctx.registry.get(id));
    if (refreshed !== undefined)
      ctx.startSessionTimer(refreshed, decision.interval, decision.refresher === 'uas');
  }
  return ok(response);
}

/** The response itself: To tag outside dialogs (§8.2.6.2), Contact (§12.1.1), session-timer headers. */
function buildAnswer(
  ctx: UasContext,
  transaction: ServerTransaction,
  status: number,
  reason: string,
  options: AnswerOptions,
  decision: SessionTimerDecision | undefined,
): Result<SipResponse, Rejection> {
  const request = transaction.request;
  const inDialog = tagOf(request.to) !== undefined;
  // One To tag for every response to the request, so the 180 and the 200 name the same dialog.
  const toTag =
    inDialog || status === 100
      ? undefined
      : (options.toTag ?? existingTag(transaction) ?? ctx.layer.createTag());
  const headers: HeaderField[] = [...(options.headers ?? [])];
  const refresh = request.method === 'INVITE' || request.method === 'UPDATE';
  if (refresh && status > 100 && status < 300) {
    // Our Contact as reached over the transport the request came on (RFC 7118 §5: `;transport=ws`).
    const local = localOver(ctx.local, transaction.transport.protocol);
    headers.push({ name: 'Contact', value: serializeNameAddr(local.contact) });
  }
  if (decision !== undefined && refresh) headers.push(...sessionTimerHeaders(decision));
  if (options.contentType !== undefined) headers.push({ name: 'Content-Type', value: options.contentType });
  const built = createResponse(request, status, reason, { toTag, headers, body: options.body });
  return built.ok ? built : err(built.error);
}

function existingTag(tx: ServerTransaction): string | undefined {
  const r = tx.response;
  return r === undefined ? undefined : tagOf(r.to);
}

/** The dialog a response to an INVITE creates, confirms, ends, or (re-INVITE) belongs to. */
function trackDialog(
  ctx: UasContext,
  tx: ServerTransaction,
  response: SipResponse,
  inDialog: boolean,
): DialogEntry | undefined {
  const request = tx.request;
  const localTag = tagOf(response.to);
  const remoteTag = tagOf(request.from);
  if (localTag === undefined || remoteTag === undefined) return undefined;
  let entry = ctx.registry.get({ callId: request.callId, localTag, remoteTag });
  const status = response.status;
  if (status >= 300) {
    if (entry !== undefined && !inDialog && entry.dialog.state === 'early')
      ctx.registry.end(entry, 'rejected');
    return undefined;
  }
  if (entry === undefined && !inDialog) {
    const state = status < 200 ? 'early' : 'confirmed';
    const created = createUasDialog(request, localTag, state, ctx.local, requestFlow(tx));
    if (created.ok) entry = ctx.registry.add(created.value);
  }
  if (entry !== undefined && status >= 200) entry.dialog.confirm();
  return entry;
}

/** The flow a request arrived over: its connection on reliable transports, else just the transport. */
function requestFlow(tx: ServerTransaction): Flow {
  return tx.destination.flow ?? { transport: tx.transport.protocol };
}

/** §13.3.1.4: resend the 2xx until the ACK arrives; after 64*T1, hang up with BYE. */
function startRetransmission(
  ctx: UasContext,
  entry: DialogEntry,
  tx: ServerTransaction,
  response: SipResponse,
): void {
  entry.retransmitter?.timer.stop();
  const timer = new Invite2xxRetransmitter(
    ctx.timers,
    ctx.layer.timerValues,
    () => {
      // RFC 6026 §7.1: through the transaction while it is Accepted, directly once Timer L ended it.
      if (tx.terminated || !tx.respond(response).ok)
        ctx.layer.sendStateless(response, tx.destination, tx.transport);
    },
    () => {
      entry.retransmitter = undefined;
      ctx.ackTimeout(entry);
    },
  );
  entry.retransmitter = { seq: response.cseq.seq, timer };
  timer.start();
}
