import type { HeaderField } from '@switchboard/sip';

/**
 * A final answer to a request, decided by the code that handles the method (registrar, capabilities)
 * and sent by whoever owns the request: the stateless responder today, a server transaction later.
 * SIP failures stay SIP (`{ status: 486, reason: 'Busy Here' }`).
 */
export interface SipReply {
  readonly status: number;
  readonly reason: string;
  readonly headers?: readonly HeaderField[];
  readonly body?: string;
}
