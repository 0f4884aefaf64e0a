import { err, ok, reject, type Random, type Rejection, type Result } from '@switchboard/kernel';
import {
  createCnonce,
  createDigestAuthorization,
  createRequest,
  createVia,
  getHeaderLines,
  selectDigestChallenge,
  serializeUri,
  nextHopOf,
  parseUri,
  quote,
  serializeNameAddr,
  serializeVia,
  type Destination,
  type HeaderField,
  type LocalEndpoint,
  type SipRequest,
  type SipResponse,
  type TransactionLayer,
} from '@switchboard/sip';
import type { CallerId, OriginateTarget } from './call-commands';
import { ALLOW } from './capabilities';

/** Methods the server accepts (RFC 3261 §20.5), from the one capability list. */
export { ALLOW } from './capabilities';

/** An INVITE ready to send and where it goes. */
export interface OutboundInvite {
  readonly request: SipRequest;
  readonly destination: Destination;
}

/** What the INVITE is built from. */
export interface InviteParts {
  readonly target: OriginateTarget;
  readonly callId: string;
  readonly callerId: CallerId;
  readonly sdp: string;
  readonly headers?: readonly HeaderField[];
}

/**
 * A new out-of-dialog INVITE (RFC 3261 §8.1.1, §13.2.1) with our SDP offer: a fresh Call-ID and
 * From tag per branch (forks to several contacts are independent calls, so one failing never ends
 * another's early dialog), CSeq 1, our Contact, and caller ID per {@link CallerId}.
 */
export function buildInvite(
  layer: TransactionLayer,
  local: LocalEndpoint,
  parts: InviteParts,
): Result<OutboundInvite, Rejection> {
  const uri = parseUri(parts.target.uri);
  if (!uri.ok) return uri;
  const destination = parts.target.destination ?? nextHopOf([], uri.value);
  if (destination === undefined)
    return reject('CALLS.NO_ROUTE', 'The target is not a SIP URI', { ...parts.target });
  const via = createVia({
    transport: local.transport,
    host: local.host,
    port: local.port,
    branch: layer.createBranch(),
    rport: true,
  });
  const headers: HeaderField[] = [
    { name: 'Via', value: serializeVia(via) },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `${fromAddress(parts.callerId, local.host)};tag=${layer.createTag()}` },
    { name: 'To', value: serializeNameAddr({ uri: uri.value, params: {} }) },
    { name: 'Call-ID', value: parts.callId },
    { name: 'CSeq', value: '1 INVITE' },
    { name: 'Contact', value: serializeNameAddr(local.contact) },
    { name: 'Allow', value: ALLOW },
    ...identityHeaders(parts.callerId),
    ...(parts.headers ?? []),
    { name: 'Content-Type', value: 'application/sdp' },
  ];
  const built = createRequest({ method: 'INVITE', uri: uri.value, headers, body: parts.sdp });
  return built.ok ? ok({ request: built.value, destination }) : err(built.error);
}

/** A fresh Call-ID (RFC 3261 §8.1.1.4): random and unique, with our host for readability. */
export function newCallId(layer: TransactionLayer, local: LocalEndpoint): string {
  return `${layer.createTag()}${layer.createTag()}@${local.host}`;
}

function fromAddress(id: CallerId, ourHost: string): string {
  if (id.withheld === true) return '"Anonymous" <sip:anonymous@anonymous.invalid>';
  const name = id.name === undefined ? '' : `${quote(id.name)} `;
  return `${name}<sip:${id.number}@${id.host ?? ourHost}>`;
}

function identityHeaders(id: CallerId): HeaderField[] {
  const out: HeaderField[] = [];
  if (id.assertedIdentity !== undefined)
    out.push({ name: 'P-Asserted-Identity', value: `<${id.assertedIdentity}>` });
  if (id.withheld === true) out.push({ name: 'Privacy', value: 'id' });
  return out;
}

/**
 * The INVITE again with credentials after a provider's 401 or 407 (RFC 3261 §8.1.3.5, §22.2): same
 * Call-ID, From tag, To and offer; a new branch; CSeq one higher, as for any new request in the
 * call; and Authorization (Proxy-Authorization for a 407) answering the first digest challenge we
 * support. Undefined when the challenge cannot be answered (no usable Digest challenge).
 */
export function authenticatedInvite(
  layer: Pick<TransactionLayer, 'createBranch'>,
  random: Random,
  previous: SipRequest,
  challenged: SipResponse,
  credentials: { readonly username: string; readonly password: string },
): SipRequest | undefined {
  const proxy = challenged.status === 407;
  const challenge = selectDigestChallenge(
    getHeaderLines(challenged, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'),
  );
  const top = previous.via[0];
  if (challenge === undefined || top === undefined) return undefined;
  const authName = proxy ? 'Proxy-Authorization' : 'Authorization';
  const authorization = createDigestAuthorization({
    challenge,
    username: credentials.username,
    password: credentials.password,
    method: 'INVITE',
    uri: serializeUri(previous.uri),
    nc: 1,
    cnonce: createCnonce(random),
  });
  const via = createVia({
    transport: top.transport,
    host: top.host,
    ...(top.port === undefined ? {} : { port: top.port }),
    branch: layer.createBranch(),
    rport: true,
  });
  const headers: HeaderField[] = [];
  for (const h of previous.headers) {
    const name = h.name.toLowerCase();
    if (name === 'via' || name === 'v') {
      if (headers.every((x) => x.name !== 'Via')) headers.push({ name: 'Via', value: serializeVia(via) });
    } else if (name === 'cseq') headers.push({ name: 'CSeq', value: `${previous.cseq.seq + 1} INVITE` });
    else if (name === authName.toLowerCase() || name === 'content-length') continue;
    else headers.push(h);
  }
  const contentType = headers.findIndex((h) => h.name.toLowerCase() === 'content-type');
  headers.splice(contentType < 0 ? headers.length : contentType, 0, { name: authName, value: authorization });
  const built = createRequest({ method: 'INVITE', uri: previous.uri, headers, body: previous.body });
  return built.ok ? built.value : undefined;
}
