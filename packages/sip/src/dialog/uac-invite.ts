import type { Rejection } from '@switchboard/kernel';
import { tagOf, type SipRequest, type SipResponse } from '../message/sip-message';
import type { ClientTransactionUser } from '../transaction/transaction';
import type { Destination } from '../transaction/transport';
import { createUacDialog } from './create-dialog';
import type { Dialog, LocalEndpoint } from './dialog';
import { targetOf } from './dialog-request';
import { responseDialogId } from './dialog-id';
import type { DialogEntry, DialogRegistry } from './dialog-registry';

/** What the application hears about an INVITE it sent (initial or re-INVITE). */
export interface InviteUser {
  /** Every response, with the dialog it created or belongs to. */
  receiveResponse(response: SipResponse, dialog: Dialog | undefined): void;
  /** The body of the ACK for a 2xx (the SDP answer after an offerless INVITE, §13.2.2.4). */
  ackBody?(response: SipResponse): { readonly body: string; readonly contentType: string } | undefined;
  transportError?(error: Rejection): void;
}

/** What {@link inviteClientUser} needs from the user-agent core. */
export interface InviteContext {
  readonly registry: DialogRegistry;
  readonly local: LocalEndpoint;
  createBranch(): string;
  sendAck(ack: SipRequest, destination: Destination): void;
  /** Ends a dialog created by an extra 2xx of a forked INVITE with BYE (§13.2.2.4). */
  hangUp(entry: DialogEntry): void;
  /** A 2xx to `invite` refreshed the session: (re)start the session timer from its Session-Expires. */
  sessionRefreshed(entry: DialogEntry, response: SipResponse, invite: SipRequest): void;
}

/**
 * The transaction user of an INVITE client transaction (RFC 3261 §13.2.2): 1xx with a To tag make
 * early dialogs (one per fork), a 2xx confirms its dialog and is ACKed end to end, retransmitted 2xx
 * are ACKed again without bothering the application, a non-2xx final ends the early dialogs, and a
 * 2xx from a second fork is ACKed and hung up (§13.2.2.4).
 */
export function inviteClientUser(
  context: InviteContext,
  request: SipRequest,
  fallback: Destination,
  user: InviteUser,
): ClientTransactionUser {
  const handler = new InviteResponseHandler(context, request, fallback, user);
  // Methods, not arrow properties: the runtime's name-keeping wraps each arrow property in a call
  // costing about a microsecond, on every INVITE.
  return {
    receiveResponse(r) {
      handler.receive(r);
    },
    transportError(e) {
      handler.transportError(e);
    },
  };
}

/** The user once the INVITE is answered: nothing it could still be told needs the application. */
const SETTLED: InviteUser = { receiveResponse: () => undefined };

class InviteResponseHandler {
  private confirmedTag: string | undefined;
  /**
   * The ACK of the confirmed 2xx, kept here as well as on the dialog: a 2xx retransmitted after the
   * dialog ended (our BYE crossed the callee's retransmission) is ACKed again from it, where looking
   * the dialog up would find nothing and build a new one that nothing would ever end.
   */
  private confirmedAck: { readonly ack: SipRequest; readonly destination: Destination } | undefined;

  constructor(
    private readonly context: InviteContext,
    private readonly request: SipRequest,
    private readonly fallback: Destination,
    private user: InviteUser,
  ) {}

  transportError(error: Rejection): void {
    this.user.transportError?.(error);
  }

  receive(response: SipResponse): void {
    const id = responseDialogId(response);
    const entry = id === undefined ? undefined : this.context.registry.get(id);
    if (response.status >= 300) this.rejected(response, entry);
    else if (response.status < 200 || id === undefined) this.provisional(response, entry, id !== undefined);
    else this.accepted(response, entry, id.remoteTag);
  }

  private rejected(response: SipResponse, entry: DialogEntry | undefined): void {
    const localTag = tagOf(this.request.from);
    const forks = localTag === undefined ? [] : this.context.registry.forksOf(this.request.callId, localTag);
    for (const f of forks) if (f.dialog.state === 'early') this.context.registry.end(f, 'rejected');
    this.user.receiveResponse(response, entry?.dialog);
  }

  private provisional(response: SipResponse, entry: DialogEntry | undefined, tagged: boolean): void {
    // §12.1.2: a 101-199 with a To tag creates an early dialog; 100 never does.
    const e = entry ?? (tagged && response.status > 100 ? this.create(response) : undefined);
    this.user.receiveResponse(response, e?.dialog);
  }

  private accepted(response: SipResponse, found: DialogEntry | undefined, remoteTag: string): void {
    const seq = this.request.cseq.seq;
    if (found?.lastAck !== undefined && found.lastAck.seq === seq) {
      this.context.sendAck(found.lastAck.ack, found.lastAck.destination);
      return;
    }
    if (found === undefined && remoteTag === this.confirmedTag && this.confirmedAck !== undefined) {
      this.context.sendAck(this.confirmedAck.ack, this.confirmedAck.destination);
      return;
    }
    const entry = found ?? this.create(response);
    if (entry === undefined) return;
    const target = targetOf(response);
    // §12.1.2 / §13.2.2.4: the 2xx recomputes an early dialog's route set; a re-INVITE's only the target.
    if (entry.dialog.state === 'early') entry.dialog.confirm([...response.recordRoute].reverse(), target);
    else if (target !== undefined) entry.dialog.refreshTarget(target);
    entry.dialog.confirm();
    this.acknowledge(entry, response);
    if (this.confirmedTag !== undefined && this.confirmedTag !== remoteTag) {
      this.context.hangUp(entry);
      return;
    }
    this.confirmedTag = remoteTag;
    this.context.sessionRefreshed(entry, response, this.request);
    const user = this.user;
    // The transaction lingers 64*T1 in Accepted (RFC 6026) for 2xx retransmissions, which the
    // dialog's last ACK answers, and forks' extra 2xx, which are hung up: neither needs the
    // application, so it is let go now instead of holding the whole call in memory for 32 s.
    this.user = SETTLED;
    user.receiveResponse(response, entry.dialog);
  }

  private create(response: SipResponse): DialogEntry | undefined {
    // The dialog keeps the flow the INVITE went over (the callee's connection, RFC 7118 §5).
    const d = createUacDialog(this.request, response, this.context.local, this.fallback.flow);
    return d.ok ? this.context.registry.add(d.value) : undefined;
  }

  private acknowledge(entry: DialogEntry, response: SipResponse): void {
    const body = this.user.ackBody?.(response);
    const seq = this.request.cseq.seq;
    const ack = entry.dialog.createAck(seq, {
      branch: this.context.createBranch(),
      body: body?.body,
      contentType: body?.contentType,
    });
    if (!ack.ok) return;
    const destination = entry.dialog.nextHop() ?? this.fallback;
    entry.lastAck = { seq, ack: ack.value, destination };
    if (this.confirmedTag === undefined) this.confirmedAck = { ack: ack.value, destination };
    this.context.sendAck(ack.value, destination);
  }
}
