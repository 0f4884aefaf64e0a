/**
 * Where the sans-I/O transaction layer of `@switchboard/sip` meets the sockets: its `Transport`
 * sends to `{ host, port }`, the server's transports to `{ address, port, connectionId }`.
 */
import { err, rejection, type Rejection, type Result } from '@switchboard/kernel';
import type { Destination, SipMessage, Source, Transport } from '@switchboard/sip';
import type { SipSource, SipTransport } from './transport/sip-transport';

/**
 * The transport a server transaction answers through: the socket transport its request came in on,
 * bound to that request's connection so that responses on TCP, TLS and WebSocket go back over it
 * (RFC 3261 §18.2.2, RFC 7118 §5). It also remembers the whole {@link SipSource}, which the
 * registrar needs for the binding's flow.
 */
export class SourceTransport implements Transport {
  constructor(readonly source: SipSource) {}

  get protocol(): string {
    return this.source.protocol;
  }

  get reliable(): boolean {
    return this.source.transport.reliable;
  }

  send(message: SipMessage, destination: Destination): Result<void, Rejection> {
    const { connectionId } = this.source;
    return this.source.transport.send(message, {
      address: destination.host,
      port: destination.port,
      ...(connectionId === undefined ? {} : { connectionId }),
    });
  }
}

/** The transaction layer's view of where a message came from. */
export function transactionSource(source: SipSource): Source {
  return { host: source.address, port: source.port, transport: new SourceTransport(source) };
}

/** The socket-level source of a server transaction's request, when it arrived over a socket. */
export function sipSourceOf(transport: Transport): SipSource | undefined {
  return transport instanceof SourceTransport ? transport.source : undefined;
}

/**
 * The transport requests we originate leave on (the layer's default): UDP, bound once the sockets
 * are (RFC 3261 §18.1.1 lets a UA pick UDP for requests below the path MTU). Before `bind` and after
 * the socket closed, sending fails as a value so the client transaction reports a transport error.
 */
export class OutboundTransport implements Transport {
  readonly protocol = 'UDP';
  readonly reliable = false;
  private socket: SipTransport | undefined;

  /** Uses `socket` from now on (undefined: none). */
  bind(socket: SipTransport | undefined): void {
    this.socket = socket;
  }

  send(message: SipMessage, destination: Destination): Result<void, Rejection> {
    if (this.socket === undefined) {
      return err(rejection('SIP.TRANSPORT_CLOSED', 'SIP transports are not started'));
    }
    return this.socket.send(message, { address: destination.host, port: destination.port });
  }
}
