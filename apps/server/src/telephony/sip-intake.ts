import {
  createErrorResponseBytes,
  getHeader,
  parseMessage,
  type SipMessage,
  type SipParseRejection,
  type SipRequest,
} from '@switchboard/sip';
import type { SipProtection } from './protection/sip-protection';
import type { SipMetrics } from './sip-metrics';
import type { StatelessResponder } from './stateless-responder';
import { headOnlyResponseBytes } from './transport/head-only-response';
import { isStreamFramed, type SipSource } from './transport/sip-transport';
import { sourceDestination, stampReceived } from './transport/via-received';

/**
 * What receives parsed messages: the transaction layer, through `SipUserAgent.receive`.
 * Requests arrive with their top Via already stamped with `received`/`rport` (RFC 3261 §18.2.1). A
 * returned promise is work still in flight for the source (a REGISTER waiting on the database).
 */
export type SipMessageHandler = (message: SipMessage, source: SipSource) => void | Promise<void>;

/** Collaborators of {@link SipIntake}. */
export interface SipIntakeOptions {
  readonly protection: SipProtection;
  readonly metrics: SipMetrics;
  readonly handler: SipMessageHandler;
  /** Answers requests turned away after parsing (the in-flight bound). */
  readonly responder: StatelessResponder;
  /** Messages above this size are refused (RFC 3261 §21.5.14). */
  readonly maxMessageSize: number;
  /** Logs a failure that is a bug (a handler threw), never peer behaviour. */
  readonly onError: (error: unknown, source: SipSource) => void;
}

/**
 * The one path from received octets to a handler, shared by every transport: protection verdicts
 * before parsing, parsing, `400`/`505`/`513` for refused requests (with the parser's reason phrase),
 * silent drops for refused responses (RFC 3261 §18.1.2), the Via stamp, and the in-flight bound.
 * `receive` never throws and never waits, so one bad peer cannot crash or stall the others.
 */
export class SipIntake {
  constructor(private readonly options: SipIntakeOptions) {}

  /** Handles one message-sized chunk (a datagram, a WebSocket message, or a framed stream message). */
  receive(bytes: Uint8Array, source: SipSource): void {
    try {
      this.receiveUnguarded(bytes, source);
    } catch (error) {
      this.options.metrics.dropped(source.protocol, 'internal_error');
      this.options.onError(error, source);
    }
  }

  private receiveUnguarded(bytes: Uint8Array, source: SipSource): void {
    const { protection, metrics } = this.options;
    const verdict = protection.admit(source.address);
    if (verdict !== 'admit') {
      metrics.dropped(source.protocol, verdict);
      return;
    }
    const parsed = parseMessage(bytes, {
      framing: isStreamFramed(source.protocol) ? 'stream' : 'datagram',
      maxMessageSize: this.options.maxMessageSize,
    });
    if (!parsed.ok) {
      this.refuse(parsed.error, bytes, source);
      return;
    }
    const message = parsed.value;
    if (message.kind === 'response') {
      metrics.received(source.protocol, 'response');
      this.dispatch(message, source);
      return;
    }
    metrics.received(source.protocol, 'request', message.method);
    if (protection.rejectScanner(source.address, source.protocol, getHeader(message, 'User-Agent'))) {
      metrics.dropped(source.protocol, 'scanner');
      return;
    }
    this.admitRequest(stampReceived(message, source), source);
  }

  private admitRequest(request: SipRequest, source: SipSource): void {
    const { protection } = this.options;
    if (!protection.enter(source.address)) {
      this.options.metrics.dropped(source.protocol, 'too_many_in_flight');
      // ACK gets no response (RFC 3261 §17.1.1.3); others learn to back off (§21.5.4).
      if (request.method !== 'ACK') {
        this.options.responder.respond(request, source, {
          status: 503,
          reason: 'Service Unavailable',
          headers: [{ name: 'Retry-After', value: '5' }],
        });
      }
      return;
    }
    this.dispatch(request, source, () => protection.leave(source.address));
  }

  private dispatch(message: SipMessage, source: SipSource, done?: () => void): void {
    let pending: void | Promise<void>;
    try {
      pending = this.options.handler(message, source);
    } catch (error) {
      done?.();
      throw error;
    }
    if (pending === undefined) {
      done?.();
      return;
    }
    pending.then(done, (error: unknown) => {
      done?.();
      this.options.metrics.dropped(source.protocol, 'internal_error');
      this.options.onError(error, source);
    });
  }

  /** RFC 3261 §18.1.2, §18.2.1: answer a refused request when it can be addressed, drop the rest. */
  private refuse(rejection: SipParseRejection, bytes: Uint8Array, source: SipSource): void {
    const { metrics } = this.options;
    // Lone CRLFs are keepalives some clients send over UDP and WebSocket (RFC 5626 §3.5.1).
    if (rejection.code === 'SIP.EMPTY') return;
    metrics.parseError(rejection.code);
    if (rejection.messageKind === 'response') {
      metrics.dropped(source.protocol, 'malformed_response');
      return;
    }
    if (rejection.code === 'SIP.MESSAGE_TOO_LARGE') {
      metrics.dropped(source.protocol, 'oversize');
      // Over UDP the datagram is dropped: the sender has already had to fragment it and a reply
      // would be trusted to an unverified source. Connection-oriented peers get the 513.
      if (source.protocol !== 'UDP') this.sendRaw(this.headOnly(bytes, rejection), source, 513);
      return;
    }
    metrics.dropped(source.protocol, 'malformed_request');
    this.sendRaw(createErrorResponseBytes(rejection), source, rejection.status);
  }

  /**
   * A stream that can no longer be framed (oversize or malformed Content-Length, RFC 3261 §18.3):
   * answer the request whose head was read when possible; the transport closes the connection next.
   */
  refuseStream(rejection: SipParseRejection, bytes: Uint8Array, source: SipSource): void {
    this.options.metrics.parseError(rejection.code);
    const oversize = rejection.code === 'SIP.MESSAGE_TOO_LARGE';
    this.options.metrics.dropped(source.protocol, oversize ? 'oversize' : 'malformed_request');
    this.sendRaw(this.headOnly(bytes, rejection), source, rejection.status);
  }

  private headOnly(bytes: Uint8Array, rejection: SipParseRejection): Uint8Array | undefined {
    return headOnlyResponseBytes(bytes, this.options.maxMessageSize, rejection);
  }

  private sendRaw(bytes: Uint8Array | undefined, source: SipSource, status: number): void {
    if (bytes === undefined) {
      this.options.metrics.dropped(source.protocol, 'unanswerable');
      return;
    }
    // Error responses go back to the packet source: the Via may be the very thing that was malformed.
    const sent = source.transport.sendBytes(bytes, sourceDestination(source));
    if (sent.ok) this.options.metrics.responseSent(status);
    else this.options.metrics.dropped(source.protocol, 'send_failed');
  }
}
