import { createErrorResponseBytes, parseMessage, type SipParseRejection } from '@switchboard/sip';

/**
 * The error response to a request refused before its header fields could be read: the parser
 * refuses oversize messages before reading any header (`513`, RFC 3261 §21.5.14), and a stream that
 * cannot be framed (bad Content-Length, §18.3) yields no message at all. The header section alone is
 * parsed again to find the Via, From, To, Call-ID and CSeq the response must copy. Undefined when the
 * header section did not end within `maxHeadBytes` or the message was a response: then it is dropped.
 */
export function headOnlyResponseBytes(
  bytes: Uint8Array,
  maxHeadBytes: number,
  refused: Pick<SipParseRejection, 'code' | 'message' | 'status'>,
): Uint8Array | undefined {
  const headEnd = endOfHeaders(bytes, maxHeadBytes);
  if (headEnd < 0) return undefined;
  // Parsed without its body (and with any Content-Length removed), the head yields either a message
  // or a rejection that still carries the header fields; both are enough to address the response.
  const head = new TextDecoder()
    .decode(bytes.subarray(0, headEnd))
    .replace(/^(content-length|l)[ \t]*:.*\r?\n/gim, '');
  const parsed = parseMessage(head, { framing: 'datagram', maxMessageSize: maxHeadBytes });
  const headers = parsed.ok ? parsed.value.headers : parsed.error.headers;
  const kind = parsed.ok ? parsed.value.kind : parsed.error.messageKind;
  if (kind !== 'request') return undefined;
  return createErrorResponseBytes({ ...refused, messageKind: 'request', headers });
}

/** Index just past the empty line ending the header section, or -1 within `limit` octets. */
function endOfHeaders(bytes: Uint8Array, limit: number): number {
  const end = Math.min(bytes.length, limit);
  for (let i = 0; i < end - 1; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}
