import type { Rejection, Result } from '@switchboard/kernel';
import {
  createRequest,
  serializeUri,
  sipUri,
  type Destination,
  type HeaderField,
  type LocalEndpoint,
  type SipRequest,
  type SipUri,
} from '@switchboard/sip';
import { SERVER_HEADER } from '../stateless-responder';
import type { TlsPeer } from '../transport/tls-peers';
import { defaultProviderPort, type HostPort, type Trunk, type TrunkProvider } from './trunk';

/** Creates branches and tags (the transaction layer does). */
export interface TagSource {
  createBranch(): string;
  createTag(): string;
}

/** Where requests to a trunk's provider go: the provider's URI, the next hop and our endpoint over it. */
export interface ProviderHop {
  /**
   * `sip:<host>[:port][;transport=tcp|tls]`: the Request-URI of REGISTER and OPTIONS (RFC 3261
   * §10.2). TLS is asked for with the transport parameter, hop by hop, as carriers expect, rather
   * than with a `sips:` URI, which would promise TLS up to the callee (RFC 5630 §3.1.3).
   */
  readonly uri: SipUri;
  readonly destination: Destination;
  /** Our Via sent-by and Contact over the trunk's transport. */
  readonly local: LocalEndpoint;
}

/**
 * The hop towards `provider`: its own address, or the outbound proxy's when one is set (RFC 3261
 * §8.1.2). `resolve` turns a host name into the address to send to (the last one DNS gave). Over
 * TCP and TLS the destination names the transport only, so a connection to that address is reused
 * or opened (§18.1.1); see {@link providerTlsPeer} for who must answer over TLS.
 */
export function providerHop(
  trunk: Pick<Trunk, 'provider' | 'outboundProxy'> & { readonly provider: TrunkProvider },
  local: LocalEndpoint,
  resolve: (host: string) => string,
): ProviderHop {
  const { provider } = trunk;
  const transport = provider.transport.toUpperCase();
  const next: HostPort = trunk.outboundProxy ?? provider;
  return {
    uri: sipUri({
      host: provider.host,
      ...(provider.port === defaultProviderPort(provider.transport) ? {} : { port: provider.port }),
      ...(provider.transport === 'udp' ? {} : { params: { transport: provider.transport } }),
    }),
    destination: {
      host: resolve(next.host),
      port: next.port,
      ...(transport === 'UDP' ? {} : { flow: { transport } }),
    },
    local: transport === local.transport.toUpperCase() ? local : (local.over?.(transport) ?? local),
  };
}

/**
 * Who must answer at the hop of a trunk over TLS (RFC 5922 §7.2): a certificate for the host the
 * trunk names (the outbound proxy's when set, since that is who we connect to), at every address
 * the host resolved to; undefined for other transports.
 */
export function providerTlsPeer(
  trunk: Pick<Trunk, 'provider' | 'outboundProxy'> & { readonly provider: TrunkProvider },
  addresses: readonly string[],
): TlsPeer[] | undefined {
  const { provider } = trunk;
  if (provider.transport !== 'tls') return undefined;
  const next: HostPort = trunk.outboundProxy ?? provider;
  const settings = {
    serverName: next.host,
    verify: provider.tls?.verify ?? true,
    ...(provider.tls?.ca === undefined ? {} : { ca: provider.tls.ca }),
  };
  return [...new Set(addresses)].map((address) => ({ address, port: next.port, settings }));
}

/** What one out-of-dialog request to the provider says. */
export interface ProviderRequestParts {
  readonly method: 'REGISTER' | 'OPTIONS';
  readonly hop: ProviderHop;
  readonly from: SipUri;
  readonly to: SipUri;
  readonly fromTag: string;
  readonly callId: string;
  readonly cseq: number;
  readonly headers?: readonly HeaderField[];
}

/** Builds REGISTER or OPTIONS (RFC 3261 §8.1.1, §10.2, §11.1) with a fresh branch and `rport`. */
export function buildProviderRequest(
  tags: TagSource,
  parts: ProviderRequestParts,
): Result<SipRequest, Rejection> {
  const { local } = parts.hop;
  const sentBy = local.port === undefined ? local.host : `${local.host}:${local.port}`;
  const headers: HeaderField[] = [
    { name: 'Via', value: `SIP/2.0/${local.transport} ${sentBy};branch=${tags.createBranch()};rport` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `<${serializeUri(parts.from)}>;tag=${parts.fromTag}` },
    { name: 'To', value: `<${serializeUri(parts.to)}>` },
    { name: 'Call-ID', value: parts.callId },
    { name: 'CSeq', value: `${parts.cseq} ${parts.method}` },
    { name: 'User-Agent', value: SERVER_HEADER.value },
    ...(parts.headers ?? []),
  ];
  return createRequest({ method: parts.method, uri: parts.hop.uri, headers });
}
