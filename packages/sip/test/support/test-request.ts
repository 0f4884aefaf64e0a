/**
 * Test support: SIP messages as a trunk at 198.51.100.7 sends them over UDP, and the responses the
 * message layer builds to them. Each throws when the text does not parse, so a test fails at once.
 */
import { createResponse, type ResponseOptions } from '../../src/message/create-message';
import { parseMessage } from '../../src/message/parse-message';
import type { SipMessage, SipRequest, SipResponse } from '../../src/message/sip-message';
import type { Source, Transport } from '../../src/transaction/transport';

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
