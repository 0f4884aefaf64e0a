import { createHash } from 'node:crypto';
import { createResponse, serializeMessage, tagOf, type SipRequest } from '@switchboard/sip';
import type { SipMetrics } from './sip-metrics';
import type { SipReply } from './sip-reply';
import type { SipSource } from './transport/sip-transport';
import { responseDestination } from './transport/via-received';

/** The Server header value (RFC 3261 §20.35): the product only, no version for scanners to match. */
export const SERVER_HEADER = { name: 'Server', value: 'Switchboard' } as const;

/**
 * Sends final responses without keeping transaction state (a stateless UAS, RFC 3261 §8.2.7):
 * retransmitted requests simply get the same response again, so the To tag is derived from the
 * request rather than drawn at random. Used for the refusals made before any transaction exists:
 * 503 to a source over its in-flight or transaction limit.
 */
export class StatelessResponder {
  constructor(
    private readonly metrics: SipMetrics,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Builds the response to `request` and sends it where §18.2.2 says; false when it could not be sent. */
  respond(request: SipRequest, source: SipSource, reply: SipReply): boolean {
    const built = createResponse(request, reply.status, reply.reason, {
      ...(reply.status > 100 ? { toTag: statelessToTag(request) } : {}),
      headers: [...(reply.headers ?? []), SERVER_HEADER],
      ...(reply.body === undefined ? {} : { body: reply.body }),
    });
    if (!built.ok) {
      this.onError(new Error(`cannot build ${reply.status} response: ${built.error.message}`));
      this.metrics.dropped(source.protocol, 'internal_error');
      return false;
    }
    const sent = source.transport.sendBytes(
      serializeMessage(built.value),
      responseDestination(request.via[0], source),
    );
    if (!sent.ok) {
      this.metrics.dropped(source.protocol, 'send_failed');
      return false;
    }
    this.metrics.responseSent(reply.status);
    return true;
  }
}

/**
 * A To tag that is the same for every retransmission of one request (RFC 3261 §8.2.7: a stateless
 * UAS must answer a retransmission with the same tag): a hash of Call-ID, From tag and top branch.
 */
export function statelessToTag(request: SipRequest): string {
  const key = `${request.callId}\n${tagOf(request.from) ?? ''}\n${request.via[0]?.branch ?? ''}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
