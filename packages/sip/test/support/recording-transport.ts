/**
 * Test support for the transaction and dialog layers: a transport with no sockets that records
 * what it is asked to send.
 */
import { ok, reject, type Clock, type Rejection, type Result } from '@switchboard/kernel';
import type { SipMessage, SipRequest, SipResponse } from '../../src/message/sip-message';
import type { Destination, Transport } from '../../src/transaction/transport';

/** One message handed to a {@link RecordingTransport}. */
export interface SentMessage {
  readonly message: SipMessage;
  readonly destination: Destination;
  readonly at: number;
}

/**
 * A transport that records what it is given, for tests of the transaction and dialog layers:
 * no sockets, the send time read from the given clock, failures on demand.
 */
export class RecordingTransport implements Transport {
  readonly sent: SentMessage[] = [];
  /** While true, `send` refuses with `TRANSPORT.UNREACHABLE`. */
  failing = false;

  constructor(
    readonly protocol: string,
    readonly reliable: boolean,
    private readonly clock: Clock,
  ) {}

  send(message: SipMessage, destination: Destination): Result<void, Rejection> {
    if (this.failing) return reject('TRANSPORT.UNREACHABLE', 'Destination unreachable', { ...destination });
    this.sent.push({ message, destination, at: this.clock.now() });
    return ok(undefined);
  }

  /** Sent requests with `method`. */
  requests(method?: string): SipRequest[] {
    const out: SipRequest[] = [];
    for (const s of this.sent) {
      if (s.message.kind === 'request' && (method === undefined || s.message.method === method))
        out.push(s.message);
    }
    return out;
  }

  /** Sent responses, optionally only those with `status`. */
  responses(status?: number): SipResponse[] {
    const out: SipResponse[] = [];
    for (const s of this.sent) {
      if (s.message.kind === 'response' && (status === undefined || s.message.status === status))
        out.push(s.message);
    }
    return out;
  }

  /** Times (clock ms) at which messages matching `pick` were sent. */
  timesOf(pick: (m: SipMessage) => boolean): number[] {
    return this.sent.filter((s) => pick(s.message)).map((s) => s.at);
  }
}
