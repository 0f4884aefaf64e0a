import { err, ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { NameAddr } from '../header/name-addr';
import { createParams } from '../header/params';
import { createRequest } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import type { SipRequest } from '../message/sip-message';
import type { Destination, Flow } from '../transaction/transport';
import type { Uri } from '../uri/uri';
import type { DialogId } from './dialog-id';
import { dialogRequestHeaders, nextHopOf, TARGET_REFRESH_METHODS, targetOf } from './dialog-request';

/** States of a dialog (RFC 3261 §12): created early by a 1xx with a To tag, confirmed by a 2xx. */
export type DialogState = 'early' | 'confirmed' | 'terminated';

/** Where this UA is reached, for the Via and Contact of requests it sends in the dialog. */
export interface LocalEndpoint {
  /** Our Contact: the remote target the peer will use (§12.1.1, §12.1.2). */
  readonly contact: NameAddr;
  /** Via sent-by and transport (§18.1.1). */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  /**
   * This UA as reached over another transport: its Via token and sent-by, and a Contact that names
   * the transport (`;transport=tcp`, RFC 3261 §19.1.4; `;transport=ws`, RFC 7118 §5). Absent: one
   * endpoint serves every transport.
   */
  over?(transport: string): LocalEndpoint;
}

/** `local` as reached over `transport` (itself when it does not tell transports apart). */
export function localOver(local: LocalEndpoint, transport: string | undefined): LocalEndpoint {
  if (transport === undefined || transport.toUpperCase() === local.transport.toUpperCase()) return local;
  return local.over?.(transport.toUpperCase()) ?? local;
}

/** Everything a dialog holds (RFC 3261 §12.1). */
export interface DialogInit {
  readonly id: DialogId;
  readonly role: 'uac' | 'uas';
  readonly state: 'early' | 'confirmed';
  /** Our URI (From of our requests) and the peer's (To), without tags. */
  readonly localUri: NameAddr;
  readonly remoteUri: NameAddr;
  readonly remoteTarget: Uri;
  readonly routeSet: readonly NameAddr[];
  readonly localSeq?: number;
  readonly remoteSeq?: number;
  readonly secure: boolean;
  readonly local: LocalEndpoint;
  /**
   * The flow the dialog was reached or called over (RFC 5626 spirit, RFC 7118 §5): with a
   * connection, our requests in the dialog travel over that connection.
   */
  readonly flow?: Flow;
}

/** Why an in-dialog request is refused, as the SIP response to send. */
export interface DialogRefusal {
  readonly status: number;
  readonly reason: string;
}

/** Options of {@link Dialog.createRequest}. */
export interface DialogRequestOptions {
  /** The branch of the new Via, fresh per transaction (use the transaction layer's `createBranch`). */
  readonly branch: string;
  readonly headers?: readonly HeaderField[];
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
}

/**
 * A dialog (RFC 3261 §12): its id, route set, remote target and sequence numbers, and the rules
 * for requests inside it. It neither sends nor keeps timers; the user-agent core does.
 */
export class Dialog {
  readonly id: DialogId;
  readonly role: 'uac' | 'uas';
  readonly localUri: NameAddr;
  readonly remoteUri: NameAddr;
  readonly secure: boolean;
  readonly local: LocalEndpoint;
  readonly flow: Flow | undefined;
  private current: DialogState;
  private target: Uri;
  private routes: readonly NameAddr[];
  private localCSeq: number | undefined;
  private remoteCSeq: number | undefined;

  constructor(init: DialogInit) {
    this.id = init.id;
    this.role = init.role;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.secure = init.secure;
    this.local = init.local;
    this.flow = init.flow;
    this.current = init.state;
    this.target = init.remoteTarget;
    this.routes = init.routeSet;
    this.localCSeq = init.localSeq;
    this.remoteCSeq = init.remoteSeq;
  }

  get state(): DialogState {
    return this.current;
  }

  get remoteTarget(): Uri {
    return this.target;
  }

  get routeSet(): readonly NameAddr[] {
    return this.routes;
  }

  get localSeq(): number | undefined {
    return this.localCSeq;
  }

  get remoteSeq(): number | undefined {
    return this.remoteCSeq;
  }

  /**
   * Early → confirmed on a 2xx (§12.1, §13.2.2.4). For the UAC the route set is recomputed from the
   * 2xx (Record-Route reversed, §12.1.2) and the remote target taken from its Contact.
   */
  confirm(routeSet?: readonly NameAddr[], remoteTarget?: Uri): void {
    if (this.current === 'terminated') return;
    this.current = 'confirmed';
    if (routeSet !== undefined) this.routes = routeSet;
    if (remoteTarget !== undefined) this.target = remoteTarget;
  }

  /** The dialog is over (BYE sent or received, non-2xx final ending an early dialog, §12.3). */
  terminate(): void {
    this.current = 'terminated';
  }

  /** Replaces the remote target after a target refresh (§12.2.1.2, §12.2.2). */
  refreshTarget(target: Uri): void {
    this.target = target;
  }

  /**
   * Checks an incoming in-dialog request (§12.2.2): a CSeq lower than the last one is out of order
   * and refused with 500; otherwise the remote sequence number advances and a target refresh request
   * with a Contact replaces the remote target. ACK and CANCEL reuse the INVITE's number and pass.
   */
  receiveRequest(request: SipRequest): Result<void, DialogRefusal> {
    if (this.current === 'terminated') return err({ status: 481, reason: 'Call/Transaction Does Not Exist' });
    const m = request.method;
    if (m === 'ACK' || m === 'CANCEL') return ok(undefined);
    const seq = request.cseq.seq;
    if (this.remoteCSeq !== undefined && seq < this.remoteCSeq) {
      return err({ status: 500, reason: 'Out of Order CSeq' });
    }
    this.remoteCSeq = seq;
    const target = targetOf(request);
    if (TARGET_REFRESH_METHODS.has(m) && target !== undefined) this.target = target;
    return ok(undefined);
  }

  /**
   * Builds a request inside the dialog (§12.2.1.1): To/From with the dialog's tags, Call-ID, the next
   * local CSeq, Request-URI and Route from the remote target and route set (loose or strict routing),
   * our Contact on target-refresh methods. ACK and CANCEL are refused: see {@link createAck}.
   */
  createRequest(method: string, options: DialogRequestOptions): Result<SipRequest, Rejection> {
    if (method === 'ACK' || method === 'CANCEL') {
      return reject('SIP.DIALOG_METHOD', `${method} is not built with the next CSeq`, { method });
    }
    if (this.current === 'terminated') return reject('SIP.DIALOG_TERMINATED', 'The dialog is terminated');
    const seq = (this.localCSeq ?? 0) + 1;
    const built = this.build(method, seq, options);
    if (built.ok) this.localCSeq = seq;
    return built;
  }

  /**
   * The ACK for a 2xx to an INVITE of this dialog (§13.2.2.4): end to end, with the INVITE's CSeq
   * number, a branch of its own, routed like any in-dialog request; it may carry the SDP answer
   * when the INVITE had no offer.
   */
  createAck(inviteSeq: number, options: DialogRequestOptions): Result<SipRequest, Rejection> {
    return this.build('ACK', inviteSeq, options);
  }

  /**
   * Where requests of this dialog go next: the first route, else the remote target (§12.2.1.1,
   * §8.1.2), over the dialog's connection when it has one. A phone behind NAT that called over TCP
   * and a browser over WebSocket are reachable only over the connection they opened (RFC 3261
   * §18.1.1 reuse, RFC 5626 §5.3, RFC 7118 §5), whatever transport their Contact names.
   */
  nextHop(): Destination | undefined {
    const hop = nextHopOf(this.routes, this.target);
    if (hop === undefined || this.flow?.connectionId === undefined) return hop;
    return { host: hop.host, port: hop.port, flow: this.flow };
  }

  /** The local URI with our tag, as the From of our requests. */
  localAddress(): NameAddr {
    return withTag(this.localUri, this.id.localTag);
  }

  /** The remote URI with the peer's tag, as the To of our requests. */
  remoteAddress(): NameAddr {
    return withTag(this.remoteUri, this.id.remoteTag);
  }

  private build(method: string, seq: number, options: DialogRequestOptions): Result<SipRequest, Rejection> {
    const { uri, headers } = dialogRequestHeaders(this, method, seq, options);
    const r = createRequest({ method, uri, headers, body: options.body });
    return r.ok ? r : err(r.error);
  }
}

/** `addr` with only the given tag among its parameters' tag (other parameters kept). */
export function withTag(addr: NameAddr, tag: string | undefined): NameAddr {
  const params = createParams(addr.params, 'tag');
  if (tag !== undefined) params.tag = tag;
  return { displayName: addr.displayName, uri: addr.uri, params };
}
