import {
  capabilityHeaders as headersOf,
  getHeaderValues,
  SipMethod,
  type HeaderField,
  type SipRequest,
} from '@switchboard/sip';
import { SERVER_CAPABILITIES } from '../calls/capabilities';
import type { SipReply } from './sip-reply';

/**
 * Methods the server allows (RFC 3261 §20.5): the one list call control announces too, so OPTIONS
 * gets the same answer whichever core receives it.
 */
export const ALLOWED_METHODS: readonly string[] = SERVER_CAPABILITIES.allow;

/** Option tags the server supports (RFC 3261 §19.2): see {@link SERVER_CAPABILITIES}. */
export const SUPPORTED_OPTIONS: readonly string[] = SERVER_CAPABILITIES.supported;

/** Allow, Accept and Supported, for OPTIONS and 405 responses (RFC 3261 §11.2, §20.1, §20.5, §20.37). */
export function capabilityHeaders(): HeaderField[] {
  return headersOf(SERVER_CAPABILITIES);
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
