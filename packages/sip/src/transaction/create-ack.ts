import type { Rejection, Result } from '@switchboard/kernel';
import { getHeader, type SipRequest, type SipResponse } from '../message/sip-message';
import { createSameBranchRequest } from './same-branch-request';

/**
 * The ACK a client transaction sends for a 300–699 response to an INVITE (RFC 3261 §17.1.1.3): same
 * Request-URI, Call-ID, From and CSeq number as the INVITE, the To of the response (with its tag),
 * one Via equal to the INVITE's top Via (so the server transaction matches it), and the INVITE's
 * Route headers. It is hop-by-hop and part of the INVITE transaction; the ACK for a 2xx is not
 * (§13.2.2.4) and is built by the dialog.
 */
export function createNon2xxAck(invite: SipRequest, response: SipResponse): Result<SipRequest, Rejection> {
  return createSameBranchRequest(invite, 'ACK', getHeader(response, 'To') ?? '');
}
