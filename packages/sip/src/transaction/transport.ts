import type { Rejection, Result } from '@switchboard/kernel';
import type { SipMessage } from '../message/sip-message';
import type { Via } from '../header/via';

/** Where a message goes or came from: an IP address (or host name) and a port. */
export interface Destination {
  readonly host: string;
  readonly port: number;
}

/**
 * What the transaction layer needs from a transport (RFC 3261 §18). Sockets live in apps/server;
 * this core only hands over messages. `send` reports a failure it can see at once (no connection,
 * message too large for the path); the transaction then tells its user (§17.1.4, §17.2.4).
 */
export interface Transport {
  /** The Via transport token: `UDP`, `TCP`, `TLS`, `WS`, `WSS`. */
  readonly protocol: string;
  /** Reliable transports carry no retransmissions and zero the wait timers D, I, J, K (§17.1.1.2). */
  readonly reliable: boolean;
  send(message: SipMessage, destination: Destination): Result<void, Rejection>;
}

/** Where a request arrived from and over which transport. */
export interface Source extends Destination {
  readonly transport: Transport;
}

/** The default port of a transport: 5061 for TLS/WSS-less SIPS, 5060 otherwise (RFC 3261 §19.1.2). */
export function defaultPort(protocol: string): number {
  return protocol.toUpperCase() === 'TLS' ? 5061 : 5060;
}

/**
 * Where the responses to a request go (RFC 3261 §18.2.2, RFC 3581 §4): back over the connection on
 * reliable transports; to `maddr` when present; to the packet's source address and port when the
 * client asked for `rport`; otherwise to the source address (what `received` would say) and the
 * sent-by port.
 */
export function responseDestination(via: Via, source: Source): Destination {
  if (source.transport.reliable) return { host: source.host, port: source.port };
  if (via.maddr !== undefined) return { host: via.maddr, port: via.port ?? defaultPort(via.transport) };
  if (via.rport !== undefined) return { host: source.host, port: source.port };
  return { host: source.host, port: via.port ?? defaultPort(via.transport) };
}
