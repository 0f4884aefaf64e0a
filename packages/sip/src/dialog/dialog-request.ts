import type { NameAddr } from '../header/name-addr';
import { createVia, serializeVia } from '../header/via';
import { serializeNameAddr } from '../header/name-addr';
import { asciiUpper } from '../header/scanner';
import type { HeaderField } from '../message/header-field';
import type { SipMessage } from '../message/sip-message';
import { defaultPort, type Destination } from '../transaction/transport';
import { unbracketHost, type Uri } from '../uri/uri';
import type { Dialog, DialogRequestOptions } from './dialog';

/** Methods whose requests (and 2xx responses) replace the remote target (§12.2, RFC 3311, 3515, 6665). */
export const TARGET_REFRESH_METHODS: ReadonlySet<string> = new Set([
  'INVITE',
  'UPDATE',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
]);

/** The first Contact URI of a message: the remote target it offers (§12.1.1, §12.1.2). */
export function targetOf(message: SipMessage): Uri | undefined {
  const c = message.contact;
  return c === undefined || c === '*' ? undefined : c[0]?.uri;
}

/** True when a route entry is a loose router (`;lr`, RFC 3261 §16.12, §19.1.1). */
export function isLooseRoute(route: NameAddr): boolean {
  return route.uri.kind === 'sip' && route.uri.params.lr !== undefined;
}

/**
 * Request-URI, Route list and headers of an in-dialog request (§12.2.1.1): with an empty route set
 * or a loose first hop, the Request-URI is the remote target and Route the route set; with a strict
 * first hop (RFC 2543 proxies), the Request-URI is that hop and the remote target goes last in Route.
 */
export function dialogRequestHeaders(
  dialog: Dialog,
  method: string,
  seq: number,
  options: DialogRequestOptions,
): { uri: Uri; headers: HeaderField[] } {
  const routes = dialog.routeSet;
  const first = routes[0];
  let uri = dialog.remoteTarget;
  let routeValues = routes.map(serializeNameAddr);
  if (first !== undefined && !isLooseRoute(first)) {
    uri = first.uri;
    routeValues = [...routes.slice(1).map(serializeNameAddr), `<${serializeTarget(dialog)}>`];
  }
  const l = dialog.local;
  const via = createVia({
    transport: l.transport,
    host: l.host,
    port: l.port,
    branch: options.branch,
    rport: true,
  });
  const headers: HeaderField[] = [
    { name: 'Via', value: serializeVia(via) },
    { name: 'Max-Forwards', value: '70' },
    ...routeValues.map((value) => ({ name: 'Route', value })),
    { name: 'From', value: serializeNameAddr(dialog.localAddress()) },
    { name: 'To', value: serializeNameAddr(dialog.remoteAddress()) },
    { name: 'Call-ID', value: dialog.id.callId },
    { name: 'CSeq', value: `${seq} ${method}` },
  ];
  if (TARGET_REFRESH_METHODS.has(method))
    headers.push({ name: 'Contact', value: serializeNameAddr(l.contact) });
  if (options.contentType !== undefined) headers.push({ name: 'Content-Type', value: options.contentType });
  headers.push(...(options.headers ?? []));
  return { uri, headers };
}

function serializeTarget(dialog: Dialog): string {
  return serializeNameAddr({ uri: dialog.remoteTarget, params: {} }).slice(1, -1);
}

/**
 * Host, port and transport of the next hop: the first route entry, else the remote target (§8.1.2).
 * `maddr` wins over the host; the `transport` parameter (a sips URI: TLS) picks the transport
 * (§18.1.1, RFC 7118 §5), UDP when absent; names are left for the transport to resolve (RFC 3263 is
 * not done here).
 */
export function nextHopOf(routes: readonly NameAddr[], target: Uri): Destination | undefined {
  const uri = routes[0]?.uri ?? target;
  if (uri.kind !== 'sip') return undefined;
  const maddr = uri.params.maddr;
  const named = uri.params.transport;
  const transport = asciiUpper(typeof named === 'string' ? named : uri.scheme === 'sips' ? 'TLS' : 'UDP');
  const host = unbracketHost(typeof maddr === 'string' ? maddr : uri.host);
  const port = uri.port ?? defaultPort(transport);
  return transport === 'UDP' ? { host, port } : { host, port, flow: { transport } };
}
