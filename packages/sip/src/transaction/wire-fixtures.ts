import { ok, reject, type Clock, type Rejection, type Result } from '@switchboard/kernel';
import { createResponse, type ResponseOptions } from '../message/create-message';
import { parseMessage } from '../message/parse-message';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message';
import type { Destination, Source, Transport } from './transport';

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

/** Parses wire text (lines joined with CRLF, blank line added) and throws when it does not parse. */
export function wire(lines: readonly string[], body = ''): SipMessage {
  const r = parseMessage(
    [...lines, `Content-Length: ${new TextEncoder().encode(body).length}`, '', body].join('\r\n'),
  );
  if (!r.ok) throw new Error(`wire: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** Parts of a test request; everything has a plausible default. */
export interface TestRequestParts {
  readonly method?: string;
  readonly uri?: string;
  readonly branch?: string;
  readonly via?: string;
  readonly callId?: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly cseq?: number;
  readonly extra?: readonly string[];
  readonly body?: string;
}

/** A request as a trunk at 198.51.100.7 would send it over UDP. */
export function testRequest(p: TestRequestParts = {}): SipRequest {
  const method = p.method ?? 'INVITE';
  const via = p.via ?? `SIP/2.0/UDP 198.51.100.7:5060;branch=${p.branch ?? 'z9hG4bKtest1'}`;
  const toTag = p.toTag === undefined ? '' : `;tag=${p.toTag}`;
  const m = wire(
    [
      `${method} ${p.uri ?? 'sip:4008001234@203.0.113.10'} SIP/2.0`,
      `Via: ${via}`,
      'Max-Forwards: 70',
      `From: "Caller" <sip:13912345678@198.51.100.7>;tag=${p.fromTag ?? 'from1'}`,
      `To: <sip:4008001234@203.0.113.10>${toTag}`,
      `Call-ID: ${p.callId ?? 'call-1@198.51.100.7'}`,
      `CSeq: ${p.cseq ?? 1} ${method}`,
      'Contact: <sip:13912345678@198.51.100.7:5060>',
      ...(p.extra ?? []),
    ],
    p.body ?? '',
  );
  if (m.kind !== 'request') throw new Error('testRequest: not a request');
  return m;
}

/** A response to `request`, built by the message layer. */
export function testResponse(
  request: SipRequest,
  status: number,
  reason = 'Reason',
  options: ResponseOptions = {},
): SipResponse {
  const r = createResponse(request, status, reason, options);
  if (!r.ok) throw new Error(`testResponse: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** The source of the trunk's packets. */
export function trunkSource(transport: Transport): Source {
  return { host: '198.51.100.7', port: 5060, transport };
}
