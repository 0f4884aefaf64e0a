import type { Rejection, Result } from '@switchboard/kernel';
import { serializeVia } from '../header/via';
import { createRequest } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import { getHeader, getHeaderLines, type SipRequest, type SipResponse } from '../message/sip-message';

/**
 * The ACK a client transaction sends for a 300–699 response to an INVITE (RFC 3261 §17.1.1.3): same
 * Request-URI, Call-ID, From and CSeq number as the INVITE, the To of the response (with its tag),
 * one Via equal to the INVITE's top Via (so the server transaction matches it), and the INVITE's
 * Route headers. It is hop-by-hop and part of the INVITE transaction; the ACK for a 2xx is not
 * (§13.2.2.4) and is built by the dialog.
 */
export function createNon2xxAck(invite: SipRequest, response: SipResponse): Result<SipRequest, Rejection> {
  const topVia = invite.via[0];
  const headers: HeaderField[] = [];
  if (topVia !== undefined) headers.push({ name: 'Via', value: serializeVia(topVia) });
  headers.push({ name: 'Max-Forwards', value: '70' });
  for (const route of getHeaderLines(invite, 'Route')) headers.push({ name: 'Route', value: route });
  headers.push(
    { name: 'From', value: getHeader(invite, 'From') ?? '' },
    { name: 'To', value: getHeader(response, 'To') ?? '' },
    { name: 'Call-ID', value: invite.callId },
    { name: 'CSeq', value: `${invite.cseq.seq} ACK` },
  );
  return createRequest({ method: 'ACK', uri: invite.uri, headers });
}
