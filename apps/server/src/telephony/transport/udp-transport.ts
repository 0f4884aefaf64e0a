import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { serializeMessageHead, type SipMessage } from '@switchboard/sip';
import type { ReceiveBytes, SipDestination, SipTransport } from './sip-transport';

/**
 * The receive buffer asked for: a burst of requests (a trunk failing over, registrations after an
 * outage) arriving while the event loop is busy is queued rather than dropped by the kernel. The
 * kernel caps it at net.core.rmem_max.
 */
const RECEIVE_BUFFER_BYTES = 4 << 20;

/** What a queue probe sends: no SIP message is five bytes long. */
const PROBE_DATAGRAM = Buffer.from('probe');

/** A datagram sent to our own SIP socket, to time the wait of everything queued before it. */
export interface QueueProbe {
  /** Sends one probe datagram; the transport calls back as it reads it, without parsing it. */
  send(): void;
  close(): Promise<void>;
}

/** Options of {@link UdpTransport.listen}. */
export interface UdpTransportOptions {
  readonly host: string;
  readonly port: number;
  readonly receive: ReceiveBytes;
  /** Socket errors after binding (they do not stop the socket). */
  readonly onError?: (error: Error) => void;
}

/**
 * SIP over UDP (RFC 3261 §18): one datagram is one message. Each datagram is handed up as it comes;
 * replies are fire-and-forget, send errors are reported through `onError`.
 */
export class UdpTransport implements SipTransport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  private closed = false;
  /**
   * The probe socket's address and port, and who hears its datagrams (see {@link openQueueProbe});
   * once closed, nobody hears them, but one may still wait in the queue and must not reach SIP.
   */
  private probe:
    { readonly address: string; readonly port: number; arrived: (() => void) | undefined } | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Binds the socket; rejects when the address is taken. */
  static listen(options: UdpTransportOptions): Promise<UdpTransport> {
    const socket = createSocket({ type: isIP(options.host) === 6 ? 'udp6' : 'udp4' });
    const transport = new UdpTransport(socket, options.onError ?? (() => undefined));
    socket.on('message', (bytes, rinfo) => {
      const probe = transport.probe;
      if (probe !== undefined && rinfo.port === probe.port && rinfo.address === probe.address) {
        if (probe.arrived !== undefined) {
          probe.arrived();
          return;
        }
        // The probe closed and its port may serve another socket now: only its own datagram is ours.
        if (PROBE_DATAGRAM.equals(bytes)) return;
      }
      options.receive(bytes, { protocol: 'UDP', address: rinfo.address, port: rinfo.port, transport });
    });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => {
        socket.off('error', reject);
        enlargeReceiveBuffer(socket);
        socket.on('error', (e) => transport.onError(e));
        resolve(transport);
      });
    });
  }

  /** The bound address and port. */
  address(): { address: string; port: number } {
    return this.socket.address();
  }

  /**
   * Opens a socket that sends probe datagrams to this one: each waits in the same kernel queue as
   * the SIP traffic, then for the event loop to read it, so the time until `arrived` runs is how
   * long a request arriving now waits before we look at it (`protection/overload-guard.ts`).
   * Probe datagrams are recognised by their source and never parsed, even one still queued when
   * the probe closes (shutdown closes it before the SIP socket); one probe per transport.
   */
  async openQueueProbe(arrived: () => void): Promise<QueueProbe> {
    const bound = this.socket.address();
    const v6 = isIP(bound.address) === 6;
    // A wildcard bind is reached on loopback.
    const target = bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address === '::' ? '::1' : bound.address;
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, target, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const { address, port } = socket.address();
    const probe: NonNullable<UdpTransport['probe']> = { address, port, arrived };
    this.probe = probe;
    // A full queue drops a probe like any datagram: the guard times it out as lost.
    socket.on('error', () => undefined);
    return {
      send: () => socket.send(PROBE_DATAGRAM, bound.port, target),
      close: () => {
        probe.arrived = undefined;
        return new Promise((resolve) => socket.close(() => resolve()));
      },
    };
  }

  send(message: SipMessage, destination: SipDestination): Result<void, Rejection> {
    // The head as a string and the body as a second part of the same datagram: Node writes the
    // string into its pooled buffers and sends both parts with one sendmsg, where encoding into a
    // fresh ArrayBuffer and copying the body behind it cost twice as much per message.
    const head = serializeMessageHead(message);
    return this.sendParts(message.body.length === 0 ? head : [head, message.body], destination);
  }

  sendBytes(bytes: Uint8Array, destination: SipDestination): Result<void, Rejection> {
    return this.sendParts(bytes, destination);
  }

  private sendParts(
    data: string | Uint8Array | (string | Uint8Array)[],
    destination: SipDestination,
  ): Result<void, Rejection> {
    if (this.closed) return err(rejection('SIP.TRANSPORT_CLOSED', 'UDP transport is closed'));
    this.socket.send(data, destination.port, destination.address, this.afterSend);
    return ok(undefined);
  }

  /** One callback for every send (Node reports send errors only to a callback). */
  private readonly afterSend = (e: Error | null): void => {
    if (e) this.onError(e);
  };

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

function enlargeReceiveBuffer(socket: Socket): void {
  try {
    if (socket.getRecvBufferSize() < RECEIVE_BUFFER_BYTES) socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
  } catch {
    // Only a smaller buffer: the default still works.
  }
}
