import type { Rejection, Result } from '@switchboard/kernel';
import type { HeaderField } from '../message/header-field';
import { getHeader, type SipRequest } from '../message/sip-message';
import { createSameBranchRequest } from './same-branch-request';

/**
 * A CANCEL for `request` (RFC 3261 §9.1): Request-URI, Call-ID, To, From and CSeq number copied, one
 * Via equal to the request's top Via (the server matches the CANCEL to the INVITE by its branch,
 * §9.2), the same Route headers, and CSeq method CANCEL. No body, no Require/Proxy-Require.
 */
export function createCancel(
  request: SipRequest,
  extra: readonly HeaderField[] = [],
): Result<SipRequest, Rejection> {
  return createSameBranchRequest(request, 'CANCEL', getHeader(request, 'To') ?? '', extra);
}
