import { hasMagicCookie, type Via } from '../header/via';
import { tagOf, type SipRequest, type SipResponse } from '../message/sip-message';
import { serializeUri } from '../uri/uri';
import { defaultPort } from './transport';

/** The sent-by of a Via, normalized: host case-insensitive, default port filled in (§18.2.2). */
export function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? defaultPort(via.transport)}`;
}

/**
 * The key of a client transaction (RFC 3261 §17.1.3): the branch we generated plus the CSeq
 * method, so the CANCEL sharing its INVITE's branch is a transaction of its own.
 */
export function clientKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

/** The client transaction a response belongs to (§17.1.3), undefined when it carries no branch. */
export function responseKey(response: SipResponse): string | undefined {
  const branch = response.via[0]?.branch;
  return branch === undefined ? undefined : clientKey(branch, response.cseq.method);
}

/** True when the request's top Via carries an RFC 3261 branch, so §17.2.3's simple rule applies. */
export function isRfc3261Request(request: SipRequest): boolean {
  const via = request.via[0];
  return via !== undefined && hasMagicCookie(via);
}

/**
 * The key of the server transaction `request` belongs to (RFC 3261 §17.2.3). With the magic cookie:
 * branch, sent-by and method, ACK counting as INVITE. Without it (RFC 2543 peers): Request-URI,
 * From tag, Call-ID, CSeq number, method and top Via; the To tag is compared separately, because the
 * ACK carries the tag of the response while the INVITE carried none (see {@link matchesRfc2543}).
 * `method` overrides the request's, to find the INVITE a CANCEL refers to (§9.2).
 */
export function serverKey(request: SipRequest, method?: string): string {
  const m = method ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  const via = request.via[0];
  if (via !== undefined && hasMagicCookie(via)) return `${via.branch}|${sentBy(via)}|${m}`;
  const viaPart = via === undefined ? '' : `${sentBy(via)};${via.branch ?? ''}`;
  const fromTag = tagOf(request.from) ?? '';
  return `2543|${request.callId}|${fromTag}|${request.cseq.seq}|${m}|${serializeUri(request.uri)}|${viaPart}`;
}

/**
 * The To-tag part of the RFC 2543 matching rules (§17.2.3): an ACK matches when its To tag is the
 * tag of the response the transaction sent; other requests (retransmissions, CANCEL) when their To
 * tag equals the original request's.
 */
export function matchesRfc2543(
  request: SipRequest,
  original: SipRequest,
  responseTag: string | undefined,
): boolean {
  const tag = tagOf(request.to);
  if (request.method === 'ACK') return tag === responseTag;
  return tag === tagOf(original.to);
}
