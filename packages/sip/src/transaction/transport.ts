import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import type { SipMessage } from '../message/sip-message';
import type { Via } from '../header/via';
import { asciiUpper } from '../header/scanner';

/**
 * The flow a message travels over (RFC 5626 §3.1 spirit, RFC 7118 §5): the transport and, for a
 * connection-oriented transport, the connection the socket side named. The core only carries it;
 * the connection id means nothing here.
 */
export interface Flow {
  /** The Via transport token: `UDP`, `TCP`, `TLS`, `WS`, `WSS`. */
  readonly transport: string;
  /**
   * A connection to use and no other (a REGISTER's, a dialog's): when it is gone the flow has failed
   * and sending fails at once (RFC 5626 §5.3, RFC 7118 §5: a browser cannot be connected to).
   * Without it, a connection to host and port is reused or opened (RFC 3261 §18.1.1).
   */
  readonly connectionId?: string;
}

/** Where a message goes or came from: an IP address (or host name), a port and, optionally, the flow. */
export interface Destination {
  readonly host: string;
  readonly port: number;
  /** Absent: the transport the layer was given (UDP on the server). */
  readonly flow?: Flow;
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
  /**
   * For a transport standing for several (the server's outbound side): the one that carries
   * `destination`'s flow (§18.1.1), or why none can (transport not running, connection gone).
   * Absent: this transport carries every destination.
   */
  select?(destination: Destination): Result<Transport, Rejection>;
}

/** Where a request arrived from and over which transport (`flow` names its connection, if any). */
export interface Source extends Destination {
  readonly transport: Transport;
}

/** The default port of a transport: 5061 for TLS/WSS-less SIPS, 5060 otherwise (RFC 3261 §19.1.2). */
export function defaultPort(protocol: string): number {
  return asciiUpper(protocol) === 'TLS' ? 5061 : 5060;
}

/** True for the transports whose requests travel over a connection (RFC 3261 §18, RFC 7118). */
export function isConnectionOriented(protocol: string): boolean {
  return asciiUpper(protocol) !== 'UDP';
}

/**
 * The transport that carries `destination`: `transport` itself unless it selects per flow. When it
 * cannot, the result still is a transport, one whose sends fail with the reason, so that the client
 * transaction reports a transport error to its user like any refused send (§17.1.4).
 */
export function selectTransport(transport: Transport, destination: Destination): Transport {
  const selected = transport.select?.(destination) ?? ok(transport);
  if (selected.ok) return selected.value;
  return {
    protocol: flowTransport(destination) ?? transport.protocol,
    reliable: transport.reliable,
    send: () => err(selected.error),
  };
}

/** The Via transport token requests to `destination` carry over `transport` (before selection). */
export function flowProtocol(destination: Destination, transport: Transport): string {
  return flowTransport(destination) ?? transport.protocol;
}

/**
 * Where the responses to a request go (RFC 3261 §18.2.2, RFC 3581 §4): back over the connection on
 * reliable transports; to `maddr` when present; to the packet's source address and port when the
 * client asked for `rport`; otherwise to the source address (what `received` would say) and the
 * sent-by port.
 */
export function responseDestination(via: Via, source: Source): Destination {
  if (source.transport.reliable) {
    return source.flow === undefined
      ? { host: source.host, port: source.port }
      : { host: source.host, port: source.port, flow: source.flow };
  }
  if (via.maddr !== undefined) return { host: via.maddr, port: via.port ?? defaultPort(via.transport) };
  if (via.rport !== undefined) return { host: source.host, port: source.port };
  return { host: source.host, port: via.port ?? defaultPort(via.transport) };
}

function flowTransport(destination: Destination): string | undefined {
  return destination.flow === undefined ? undefined : asciiUpper(destination.flow.transport);
}
