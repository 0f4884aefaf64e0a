/**
 * The socket side of RFC 3261 §18, shaped so that the transaction layer of `@switchboard/sip` can sit
 * on top of it: each protocol is one {@link SipTransport} that hands received bytes up with their
 * {@link SipSource} and sends messages down to a {@link SipDestination}. `send` has the signature of
 * the sans-I/O `Transport` interface (`{ protocol, reliable, send(message, destination) }`).
 */
import type { Rejection, Result } from '@switchboard/kernel';
import type { SipMessage } from '@switchboard/sip';

/** Via transport tokens of the transports the server runs (RFC 3261 §18, RFC 7118 §5). */
export type SipProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/**
 * Where a message is sent. On connection-oriented transports `connectionId` names the connection to
 * reuse (RFC 3261 §18.2.2, RFC 7118 §5); without it the connection to `address:port` is looked up.
 */
export interface SipDestination {
  readonly address: string;
  readonly port: number;
  readonly connectionId?: string;
}

/** Where a message came from: the packet's source, the connection it arrived on, and the transport. */
export interface SipSource extends SipDestination {
  readonly protocol: SipProtocol;
  readonly transport: SipTransport;
}

/** One transport protocol bound to the network. */
export interface SipTransport {
  readonly protocol: SipProtocol;
  /** Reliable transports need no retransmissions (RFC 3261 §17.1.1.2). */
  readonly reliable: boolean;
  /** Serializes and sends a message; an error it can see at once (no connection) comes back as a value. */
  send(message: SipMessage, destination: SipDestination): Result<void, Rejection>;
  /** Sends octets as they are (error responses built from refused messages, keepalive pongs). */
  sendBytes(bytes: Uint8Array, destination: SipDestination): Result<void, Rejection>;
  /** Connection-oriented transports: whether the connection is still open (a flow's liveness). */
  hasConnection?(connectionId: string): boolean;
  /**
   * True for transports that open connections (TCP, TLS): a message whose named connection is gone
   * is still theirs to send, and they decide by the message whether a new connection may carry it.
   */
  readonly opensConnections?: boolean;
  /** Stops receiving and closes every socket; idempotent. */
  close(): Promise<void>;
}

/** What a transport calls for every message-sized chunk of octets it received. */
export type ReceiveBytes = (bytes: Uint8Array, source: SipSource) => void;

/** Called when a connection of a connection-oriented transport is gone. */
export type ConnectionClosed = (connectionId: string, protocol: SipProtocol) => void;

/** True for the transports whose messages are cut from a byte stream by Content-Length (RFC 3261 §18.3). */
export function isStreamFramed(protocol: SipProtocol): boolean {
  return protocol === 'TCP' || protocol === 'TLS';
}

/** `address:port` with IPv6 addresses bracketed: the key of a connection's remote end. */
export function remoteKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, from dual-stack sockets) as plain IPv4. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
