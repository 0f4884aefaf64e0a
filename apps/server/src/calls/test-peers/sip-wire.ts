import { ok, type Clock, type Rejection, type Result, type Timers } from '@switchboard/kernel';
import {
  parseMessage,
  serializeMessage,
  type Destination,
  type SipMessage,
  type Source,
  type Transport,
} from '@switchboard/sip';

/** Receives what the wire delivers to an address. */
export type WireReceiver = (message: SipMessage, source: Source) => void;

/** Options of {@link SipWire}. */
export interface SipWireOptions {
  /** One-way delay of every datagram; default 5 ms. */
  readonly latencyMs?: number;
  /** Drops a datagram when this returns true (lossy "UDP"); default never. */
  readonly drop?: (message: SipMessage, from: Destination, to: Destination) => boolean;
  /** Delivers a datagram twice when this returns true; default never. */
  readonly duplicate?: (message: SipMessage) => boolean;
}

/** One line of the wire log. */
export interface WireRecord {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly summary: string;
  readonly dropped: boolean;
}

/**
 * An in-memory UDP network between in-process user agents: every message is serialized to bytes
 * and parsed again on delivery (so what crosses is what a socket would carry), delivered after a
 * latency on the given clock, and may be dropped or duplicated to exercise retransmissions.
 */
export class SipWire {
  private readonly receivers = new Map<string, WireReceiver>();
  private readonly transports = new Map<string, Transport>();
  readonly log: WireRecord[] = [];

  constructor(
    private readonly clock: Clock & Timers,
    private readonly options: SipWireOptions = {},
  ) {}

  /** The unreliable transport that sends from `host:port`. */
  transport(host: string, port = 5060): Transport {
    const key = `${host}:${port}`;
    const existing = this.transports.get(key);
    if (existing !== undefined) return existing;
    const t: Transport = {
      protocol: 'UDP',
      reliable: false,
      send: (message, destination) => this.send({ host, port }, message, destination),
    };
    this.transports.set(key, t);
    return t;
  }

  /** Delivers datagrams addressed to `host:port` to `receiver`. */
  listen(host: string, port: number, receiver: WireReceiver): void {
    this.receivers.set(`${host}:${port}`, receiver);
  }

  /** Lines of the log as `METHOD`/`status METHOD` from → to, for readable assertions. */
  summaries(filter?: (r: WireRecord) => boolean): string[] {
    return this.log
      .filter((r) => !r.dropped && (filter?.(r) ?? true))
      .map((r) => `${r.summary} ${r.from}->${r.to}`);
  }

  private send(from: Destination, message: SipMessage, to: Destination): Result<void, Rejection> {
    const bytes = serializeMessage(message);
    const dropped = this.options.drop?.(message, from, to) ?? false;
    const fromKey = `${from.host}:${from.port}`;
    const toKey = `${to.host}:${to.port}`;
    this.log.push({ at: this.clock.now(), from: fromKey, to: toKey, summary: summarize(message), dropped });
    if (dropped) return ok(undefined);
    const copies = this.options.duplicate?.(message) === true ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.clock.set(this.options.latencyMs ?? 5, () => this.deliver(bytes, from, toKey));
    }
    return ok(undefined);
  }

  private deliver(bytes: Uint8Array, from: Destination, toKey: string): void {
    const receiver = this.receivers.get(toKey);
    if (receiver === undefined) return;
    const parsed = parseMessage(bytes);
    if (!parsed.ok) throw new Error(`wire: unparsable message ${parsed.error.message}`);
    const [host, port] = toKey.split(':');
    receiver(parsed.value, {
      host: from.host,
      port: from.port,
      transport: this.transport(host!, Number(port)),
    });
  }
}

function summarize(m: SipMessage): string {
  return m.kind === 'request' ? m.method : `${m.status} ${m.cseq.method}`;
}
