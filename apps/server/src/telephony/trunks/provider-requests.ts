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
import type { HostPort, Trunk, TrunkProvider } from './trunk';

/** Creates branches and tags (the transaction layer does). */
export interface TagSource {
  createBranch(): string;
  createTag(): string;
}

/** Where requests to a trunk's provider go: the provider's URI, the next hop and our endpoint over it. */
export interface ProviderHop {
  /** `sip:<host>[:port][;transport=tcp]`: the Request-URI of REGISTER and OPTIONS (RFC 3261 §10.2). */
  readonly uri: SipUri;
  readonly destination: Destination;
  /** Our Via sent-by and Contact over the trunk's transport. */
  readonly local: LocalEndpoint;
}

/**
 * The hop towards `provider`: its own address, or the outbound proxy's when one is set (RFC 3261
 * §8.1.2). `resolve` turns a host name into the address to send to (the last one DNS gave).
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
      ...(provider.port === 5060 ? {} : { port: provider.port }),
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
