import type { Capabilities } from '@switchboard/sip';

/**
 * What the server announces in Allow, Accept and Supported (RFC 3261 §20.1, §20.5, §20.37): one
 * list, whether telephony answers (REGISTER, OPTIONS before call control attaches) or call control
 * does (OPTIONS in and out of dialogs, 405s, the Allow of our INVITEs), so a peer never sees two
 * different servers.
 *
 * - Allow: REGISTER (the registrar), the call methods, INFO (DTMF relay), UPDATE (RFC 3311: hold
 *   and session refresh), REFER (a phone's transfer, RFC 3515) and NOTIFY (its progress).
 * - Accept: SDP, sipfrag (REFER progress, RFC 3420) and dtmf-relay INFO bodies.
 * - Supported: `timer` (RFC 4028: we negotiate, refresh and enforce session intervals),
 *   `norefersub` (RFC 4488: `Refer-Sub: false` is honoured) and `replaces` (RFC 3891: an INVITE
 *   carrying Replaces takes over the leg of the dialog it names, `InviteReplaces`; Replaces in a
 *   REFER's Refer-To is an attended transfer, `ReferFromPhone`).
 */
export const SERVER_CAPABILITIES: Capabilities = Object.freeze({
  allow: Object.freeze([
    'INVITE',
    'ACK',
    'CANCEL',
    'BYE',
    'OPTIONS',
    'REGISTER',
    'INFO',
    'UPDATE',
    'REFER',
    'NOTIFY',
  ]),
  accept: Object.freeze(['application/sdp', 'message/sipfrag', 'application/dtmf-relay']),
  supported: Object.freeze(['timer', 'norefersub', 'replaces']),
});

/** The Allow header value of {@link SERVER_CAPABILITIES}. */
export const ALLOW = SERVER_CAPABILITIES.allow.join(', ');
