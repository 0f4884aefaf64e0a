import type { Rejection, Result } from '@switchboard/kernel';
import { createResponse } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import type { SipRequest, SipResponse } from '../message/sip-message';

/** What this UA can do, as announced in Allow, Accept and Supported (RFC 3261 §11.2, §20). */
export interface Capabilities {
  readonly allow: readonly string[];
  readonly accept: readonly string[];
  readonly supported: readonly string[];
}

/**
 * What a user-agent core announces when its application names nothing: the methods its dialogs
 * handle, SDP and sipfrag bodies, and `timer` (RFC 4028), which the core honours by itself. Not
 * `replaces`: matching an INVITE with Replaces to a dialog and taking its call over (RFC 3891 §3) is
 * the application's work, so an application that does it lists the tag in its own capabilities.
 */
export const DEFAULT_CAPABILITIES: Capabilities = Object.freeze({
  allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'UPDATE', 'REFER', 'NOTIFY'],
  accept: ['application/sdp', 'message/sipfrag', 'application/dtmf-relay'],
  supported: ['timer'],
});

/** Allow, Accept and Supported header fields for `c` (also useful on 405 and 415 responses). */
export function capabilityHeaders(c: Capabilities = DEFAULT_CAPABILITIES): HeaderField[] {
  return [
    { name: 'Allow', value: c.allow.join(', ') },
    { name: 'Accept', value: c.accept.join(', ') },
    { name: 'Supported', value: c.supported.join(', ') },
  ];
}

/**
 * The 200 to an OPTIONS request (RFC 3261 §11.2): the same capability headers an INVITE would get,
 * so trunks using OPTIONS as a keepalive see what we support. `toTag` is required outside a dialog
 * (§8.2.6.2) and ignored when the request already has one.
 */
export function createOptionsResponse(
  request: SipRequest,
  toTag: string,
  capabilities: Capabilities = DEFAULT_CAPABILITIES,
  extra: readonly HeaderField[] = [],
): Result<SipResponse, Rejection> {
  return createResponse(request, 200, 'OK', {
    toTag,
    headers: [...capabilityHeaders(capabilities), ...extra],
  });
}
