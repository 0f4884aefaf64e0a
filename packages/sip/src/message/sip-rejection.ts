import type { Rejection } from '@switchboard/kernel';
import type { HeaderField } from './header-field';

/** Stable codes of messages the parser refuses. */
export type SipParseCode =
  | 'SIP.EMPTY'
  | 'SIP.MESSAGE_TOO_LARGE'
  | 'SIP.INCOMPLETE'
  | 'SIP.BAD_START_LINE'
  | 'SIP.BAD_REQUEST_URI'
  | 'SIP.VERSION_NOT_SUPPORTED'
  | 'SIP.BAD_STATUS_CODE'
  | 'SIP.BAD_HEADER_LINE'
  | 'SIP.TOO_MANY_HEADERS'
  | 'SIP.MISSING_HEADER'
  | 'SIP.DUPLICATE_HEADER'
  | 'SIP.BAD_HEADER_VALUE'
  | 'SIP.CSEQ_METHOD_MISMATCH'
  | 'SIP.BODY_TRUNCATED';

/**
 * Why a message was refused. `message` is short ASCII usable as the reason phrase of the error
 * response (`Missing Call-ID header`); `status` is the response to send when the message was a
 * request (400, 505 or 513); a refused response is dropped and counted (RFC 3261 §18.1.2, §18.2.1).
 * `headers` are the header fields read before the failure, enough to address the error response.
 */
export interface SipParseRejection extends Rejection {
  readonly code: SipParseCode;
  readonly messageKind: 'request' | 'response' | 'unknown';
  readonly status: 400 | 505 | 513;
  readonly headers: readonly HeaderField[];
}

/** Builds a parse rejection; the status follows from the code. */
export function parseRejection(
  code: SipParseCode,
  message: string,
  messageKind: SipParseRejection['messageKind'],
  headers: readonly HeaderField[] = [],
  details?: Record<string, unknown>,
): SipParseRejection {
  const status = code === 'SIP.VERSION_NOT_SUPPORTED' ? 505 : code === 'SIP.MESSAGE_TOO_LARGE' ? 513 : 400;
  const base = { code, message, messageKind, status, headers } as const;
  return details === undefined ? base : { ...base, details };
}
