import {
  createParams,
  serializeVia,
  splitList,
  unbracketHost,
  type SipRequest,
  type Via,
} from '@switchboard/sip';
import type { SipDestination, SipSource } from './sip-transport';

/**
 * Stamps the topmost Via of a received request with where it really came from (RFC 3261 §18.2.1):
 * `received` when the sent-by host is a name or another address than the packet's source, and, when
 * the client asked with a bare `rport`, `rport=<source port>` plus `received` (RFC 3581 §4). Responses
 * copy the Via, so they carry the stamp back; the request is returned unchanged when nothing applies.
 */
export function stampReceived(request: SipRequest, source: Pick<SipSource, 'address' | 'port'>): SipRequest {
  const top = request.via[0];
  if (top === undefined) return request;
  const wantsRport = top.rport === null;
  const differs = unbracketHost(top.host).toLowerCase() !== source.address.toLowerCase();
  if (!wantsRport && !differs) return request;
  const params = createParams(top.params);
  params.received = source.address;
  if (wantsRport) params.rport = String(source.port);
  const stamped: Via = {
    ...top,
    params,
    received: source.address,
    rport: wantsRport ? source.port : top.rport,
  };
  const index = request.headers.findIndex((f) => f.name === 'Via');
  const field = request.headers[index];
  if (field === undefined) return request;
  // The first value of the first Via line is the topmost Via (RFC 3261 §7.3.1, §20.42).
  const rest = splitList(field.value).slice(1);
  const value = [serializeVia(stamped), ...rest].join(', ');
  const headers = request.headers.map((f, i) => (i === index ? { name: 'Via', value } : f));
  return { ...request, headers, via: [stamped, ...request.via.slice(1)] };
}

/**
 * Where a response to a request goes (RFC 3261 §18.2.2, RFC 3581 §4): over the connection the
 * request came on for reliable transports; to `maddr` when present; to the packet's source address and
 * port when the client asked for rport; otherwise to the source address and the sent-by port (the
 * address `received` names, or sent-by itself when no `received` was needed).
 */
export function responseDestination(via: Via | undefined, source: SipSource): SipDestination {
  if (source.transport.reliable || via === undefined) return sourceDestination(source);
  if (via.maddr !== undefined) return { address: via.maddr, port: via.port ?? 5060 };
  if (via.rport !== undefined) return { address: source.address, port: source.port };
  return { address: source.address, port: via.port ?? 5060 };
}

/** The packet source as a destination, keeping the connection to reuse. */
export function sourceDestination(source: SipSource): SipDestination {
  return source.connectionId === undefined
    ? { address: source.address, port: source.port }
    : { address: source.address, port: source.port, connectionId: source.connectionId };
}
