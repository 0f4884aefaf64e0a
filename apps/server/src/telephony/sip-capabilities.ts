import { getHeaderValues, SipMethod, type HeaderField, type SipRequest } from '@switchboard/sip';
import type { SipReply } from './sip-reply';

/**
 * Methods the server's UA core recognises today (RFC 3261 §20.5). INVITE, ACK, CANCEL and BYE are
 * listed because they are answered meaningfully (480/481), not refused; the list grows as call
 * control, REFER, INFO and UPDATE land.
 */
export const ALLOWED_METHODS: readonly string[] = [
  SipMethod.INVITE,
  SipMethod.ACK,
  SipMethod.CANCEL,
  SipMethod.BYE,
  SipMethod.OPTIONS,
  SipMethod.REGISTER,
];

/** Option tags the server supports (RFC 3261 §19.2); none yet. */
export const SUPPORTED_OPTIONS: readonly string[] = [];

/** Allow, Accept and Supported, for OPTIONS and 405 responses (RFC 3261 §11.2, §20.1, §20.5, §20.37). */
export function capabilityHeaders(): HeaderField[] {
  return [
    { name: 'Allow', value: ALLOWED_METHODS.join(', ') },
    { name: 'Accept', value: 'application/sdp' },
    { name: 'Accept-Language', value: 'en' },
    { name: 'Supported', value: SUPPORTED_OPTIONS.join(', ') },
  ];
}

/** The 200 answer to OPTIONS addressed to the server (RFC 3261 §11.2). */
export function optionsReply(): SipReply {
  return { status: 200, reason: 'OK', headers: capabilityHeaders() };
}

/**
 * `420 Bad Extension` when the request requires option tags the server lacks (RFC 3261 §8.2.2.3),
 * never for ACK or CANCEL; undefined when everything required is supported.
 */
export function unsupportedExtensionReply(request: SipRequest): SipReply | undefined {
  if (request.method === SipMethod.ACK || request.method === SipMethod.CANCEL) return undefined;
  const missing = getHeaderValues(request, 'Require').filter((tag) => !SUPPORTED_OPTIONS.includes(tag));
  if (missing.length === 0) return undefined;
  return {
    status: 420,
    reason: 'Bad Extension',
    headers: [{ name: 'Unsupported', value: missing.join(', ') }],
  };
}
