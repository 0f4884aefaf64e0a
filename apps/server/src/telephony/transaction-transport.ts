/**
 * Where the sans-I/O transaction layer of `@switchboard/sip` meets the sockets: its `Transport`
 * sends to `{ host, port, flow }`, the server's transports to `{ address, port, connectionId }`.
 */
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import type { Destination, Flow, SipMessage, Source, Transport } from '@switchboard/sip';
import type { SipDestination, SipProtocol, SipSource, SipTransport } from './transport/sip-transport';

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

/** The flow a message arrived over, as the SIP core carries it (RFC 5626 spirit). */
export function flowOf(source: Pick<SipSource, 'protocol' | 'connectionId'>): Flow {
  return source.connectionId === undefined
    ? { transport: source.protocol }
    : { transport: source.protocol, connectionId: source.connectionId };
}

/** The transaction layer's view of where a message came from. */
export function transactionSource(source: SipSource): Source {
  return {
    host: source.address,
    port: source.port,
    flow: flowOf(source),
    transport: new SourceTransport(source),
  };
}

/** The socket-level source of a server transaction's request, when it arrived over a socket. */
export function sipSourceOf(transport: Transport): SipSource | undefined {
  return transport instanceof SourceTransport ? transport.source : undefined;
}

/**
 * One socket transport as the transaction layer sees it: requests to a destination whose flow names
 * a connection go over that connection (RFC 5626 §5.3, RFC 7118 §5), others over a connection to
 * host and port, reused or opened (RFC 3261 §18.1.1).
 */
class SocketTransport implements Transport {
  constructor(private readonly socket: SipTransport) {}

  get protocol(): SipProtocol {
    return this.socket.protocol;
  }

  get reliable(): boolean {
    return this.socket.reliable;
  }

  send(message: SipMessage, destination: Destination): Result<void, Rejection> {
    return this.socket.send(message, socketDestination(destination));
  }
}

function socketDestination(destination: Destination): SipDestination {
  const connectionId = destination.flow?.connectionId;
  const { host: address, port } = destination;
  return connectionId === undefined ? { address, port } : { address, port, connectionId };
}

/**
 * The transport requests we originate leave on (the layer's default). It stands for every socket
 * transport once they are bound, and selects per destination (RFC 3261 §18.1.1): the flow's
 * transport, UDP when the destination names none (§18.1.1 lets a UA pick UDP for requests below the
 * path MTU). A WebSocket flow whose connection is gone fails at once rather than after Timer B: a
 * browser is reachable only over the connection it opened (RFC 7118 §5). Over TCP and TLS the socket
 * transport decides (`StreamTransport`): a registration's flow fails the same way (RFC 5626
 * §5.3), a dialog's requests go over a new connection to its remote target (§12.2.1.1, §18.1.1).
 * Before `bind` and after the sockets closed, sending fails as a value so the client transaction
 * reports a transport error.
 */
export class OutboundTransport implements Transport {
  readonly protocol = 'UDP';
  readonly reliable = false;
  private readonly sockets = new Map<string, SocketTransport>();
  private readonly live = new Map<string, SipTransport>();

  /** Uses `sockets` from now on (undefined: none); one per protocol. */
  bind(sockets: readonly SipTransport[] | undefined): void {
    this.sockets.clear();
    this.live.clear();
    for (const s of sockets ?? []) {
      this.sockets.set(s.protocol, new SocketTransport(s));
      this.live.set(s.protocol, s);
    }
  }

  send(message: SipMessage, destination: Destination): Result<void, Rejection> {
    const selected = this.select(destination);
    return selected.ok ? selected.value.send(message, destination) : selected;
  }

  select(destination: Destination): Result<Transport, Rejection> {
    const protocol = destination.flow?.transport.toUpperCase() ?? 'UDP';
    const transport = this.sockets.get(protocol);
    if (transport === undefined) {
      return this.sockets.size === 0
        ? err(rejection('SIP.TRANSPORT_CLOSED', 'SIP transports are not started'))
        : err(rejection('SIP.UNSUPPORTED_TRANSPORT', `This server does not send over ${protocol}`));
    }
    const connectionId = destination.flow?.connectionId;
    const socket = this.live.get(protocol);
    if (
      connectionId !== undefined &&
      socket?.hasConnection?.(connectionId) === false &&
      socket.opensConnections !== true
    ) {
      return err(
        rejection('SIP.FLOW_FAILED', `The ${protocol} connection of this flow is closed`, { connectionId }),
      );
    }
    return ok(transport);
  }
}
