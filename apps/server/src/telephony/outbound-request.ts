import { ok, type Rejection, type Result } from '@switchboard/kernel';
import {
  createRequest,
  serializeNameAddr,
  type HeaderField,
  type LocalEndpoint,
  type NameAddr,
  type SipRequest,
  type Uri,
  type UserAgentCore,
} from '@switchboard/sip';
import { SERVER_HEADER } from './stateless-responder';

/** What an out-of-dialog request we originate says (RFC 3261 §8.1.1). */
export interface OutboundRequestOptions {
  readonly method: string;
  /** The Request-URI: the callee's registered contact, or the number at a trunk. */
  readonly target: Uri;
  /** From without a tag (one is drawn, §8.1.1.3); To without a tag (§8.1.1.2). */
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** A fresh one is drawn when absent (§8.1.1.4). */
  readonly callId?: string;
  readonly headers?: readonly HeaderField[];
  readonly body?: string;
  readonly contentType?: string;
}

/**
 * Builds an out-of-dialog request for {@link UserAgentCore.sendInvite} (or `core.layer.sendRequest`):
 * a Via with our sent-by, a fresh RFC 3261 branch and `rport` (RFC 3581 §3), Max-Forwards 70, a From
 * tag, Call-ID, CSeq 1 and, for INVITE, our Contact (§8.1.1.8). Outgoing requests carry no Server
 * header but the same product token as User-Agent (§20.41).
 */
export function createOutboundRequest(
  core: UserAgentCore,
  local: LocalEndpoint,
  options: OutboundRequestOptions,
): Result<SipRequest, Rejection> {
  const sentBy = local.port === undefined ? local.host : `${local.host}:${local.port}`;
  const callId = options.callId ?? `${core.layer.createTag()}${core.layer.createTag()}@${local.host}`;
  const headers: HeaderField[] = [
    { name: 'Via', value: `SIP/2.0/${local.transport} ${sentBy};branch=${core.layer.createBranch()};rport` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `${serializeNameAddr(options.from)};tag=${core.layer.createTag()}` },
    { name: 'To', value: serializeNameAddr(options.to) },
    { name: 'Call-ID', value: callId },
    { name: 'CSeq', value: `1 ${options.method}` },
    { name: 'User-Agent', value: SERVER_HEADER.value },
  ];
  if (options.method === 'INVITE') headers.push({ name: 'Contact', value: serializeNameAddr(local.contact) });
  headers.push(...(options.headers ?? []));
  if (options.contentType !== undefined) headers.push({ name: 'Content-Type', value: options.contentType });
  const built = createRequest({ method: options.method, uri: options.target, headers, body: options.body });
  return built.ok ? ok(built.value) : built;
}
