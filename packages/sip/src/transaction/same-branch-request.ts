import type { Rejection, Result } from '@switchboard/kernel';
import { serializeVia } from '../header/via';
import { createRequest } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import { getHeader, getHeaderLines, type SipRequest } from '../message/sip-message';

/**
 * A request that rides on `original`'s branch, as CANCEL (RFC 3261 §9.1) and the ACK for a non-2xx
 * final response (§17.1.1.3) do: the same Request-URI, Call-ID, From and CSeq number, one Via equal
 * to `original`'s top Via (so the server matches it to `original`, §9.2, §17.2.3), the same Route
 * headers, Max-Forwards 70, then `to` as the To header value and the `extra` headers.
 */
export function createSameBranchRequest(
  original: SipRequest,
  method: 'ACK' | 'CANCEL',
  to: string,
  extra: readonly HeaderField[] = [],
): Result<SipRequest, Rejection> {
  const topVia = original.via[0];
  const headers: HeaderField[] = [];
  if (topVia !== undefined) headers.push({ name: 'Via', value: serializeVia(topVia) });
  headers.push({ name: 'Max-Forwards', value: '70' });
  for (const route of getHeaderLines(original, 'Route')) headers.push({ name: 'Route', value: route });
  headers.push(
    { name: 'From', value: getHeader(original, 'From') ?? '' },
    { name: 'To', value: to },
    { name: 'Call-ID', value: original.callId },
    { name: 'CSeq', value: `${original.cseq.seq} ${method}` },
    ...extra,
  );
  return createRequest({ method, uri: original.uri, headers });
}
