import type { Rejection, Result } from '@switchboard/kernel';
import { serializeVia } from '../header/via';
import { createRequest } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import { getHeader, getHeaderLines, type SipRequest } from '../message/sip-message';

/**
 * A CANCEL for `request` (RFC 3261 §9.1): Request-URI, Call-ID, To, From and CSeq number copied, one
 * Via equal to the request's top Via (the server matches the CANCEL to the INVITE by its branch,
 * §9.2), the same Route headers, and CSeq method CANCEL. No body, no Require/Proxy-Require.
 */
export function createCancel(
  request: SipRequest,
  extra: readonly HeaderField[] = [],
): Result<SipRequest, Rejection> {
  const topVia = request.via[0];
  const headers: HeaderField[] = [];
  if (topVia !== undefined) headers.push({ name: 'Via', value: serializeVia(topVia) });
  headers.push({ name: 'Max-Forwards', value: '70' });
  for (const route of getHeaderLines(request, 'Route')) headers.push({ name: 'Route', value: route });
  headers.push(
    { name: 'From', value: getHeader(request, 'From') ?? '' },
    { name: 'To', value: getHeader(request, 'To') ?? '' },
    { name: 'Call-ID', value: request.callId },
    { name: 'CSeq', value: `${request.cseq.seq} CANCEL` },
    ...extra,
  );
  return createRequest({ method: 'CANCEL', uri: request.uri, headers });
}
