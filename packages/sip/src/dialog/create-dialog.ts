import { reject, ok, type Rejection, type Result } from '@switchboard/kernel';
import { tagOf, type SipRequest, type SipResponse } from '../message/sip-message';
import type { Flow } from '../transaction/transport';
import { Dialog, localOver, withTag, type LocalEndpoint } from './dialog';
import { targetOf } from './dialog-request';

/** True when the request came over TLS end to end with a sips Request-URI (§12.1.1). */
function isSecure(request: SipRequest): boolean {
  return request.uri.kind === 'sip' && request.uri.scheme === 'sips';
}

/**
 * The UAC side of a dialog created by a response to our INVITE (or SUBSCRIBE, REFER) (§12.1.2): a
 * 1xx with a To tag makes an early dialog, a 2xx a confirmed one. Route set = the response's
 * Record-Route in reverse order; remote target = its Contact; local CSeq = the request's; remote
 * CSeq empty. `flow` is the one the request was sent over: the dialog keeps it, and our Via and
 * Contact in the dialog name its transport.
 */
export function createUacDialog(
  request: SipRequest,
  response: SipResponse,
  local: LocalEndpoint,
  flow?: Flow,
): Result<Dialog, Rejection> {
  const localTag = tagOf(request.from);
  const remoteTag = tagOf(response.to);
  if (localTag === undefined || remoteTag === undefined) {
    return reject('SIP.NO_DIALOG', 'A dialog needs a From tag and a To tag', { status: response.status });
  }
  if (response.status < 101 || response.status > 299) {
    return reject('SIP.NO_DIALOG', 'Only 101-299 responses create dialogs', { status: response.status });
  }
  return ok(
    new Dialog({
      id: { callId: request.callId, localTag, remoteTag },
      role: 'uac',
      state: response.status < 200 ? 'early' : 'confirmed',
      localUri: withTag(request.from, undefined),
      remoteUri: withTag(response.to, undefined),
      // A 1xx without Contact is broken but seen; the Request-URI is the best target we have.
      remoteTarget: targetOf(response) ?? request.uri,
      routeSet: [...response.recordRoute].reverse(),
      localSeq: request.cseq.seq,
      remoteSeq: undefined,
      secure: isSecure(request),
      local: localOver(local, flow?.transport),
      ...(flow === undefined ? {} : { flow }),
    }),
  );
}

/**
 * The UAS side of a dialog created when we answer `request` with a 1xx or 2xx carrying `localTag`
 * (§12.1.1): route set = the request's Record-Route in order; remote target = its Contact; remote
 * CSeq = the request's; local CSeq empty. `flow` is the one the request arrived over: the dialog
 * keeps it, so our requests go back over the caller's connection (RFC 3261 §18.1.1, RFC 7118 §5).
 */
export function createUasDialog(
  request: SipRequest,
  localTag: string,
  state: 'early' | 'confirmed',
  local: LocalEndpoint,
  flow?: Flow,
): Result<Dialog, Rejection> {
  const remoteTag = tagOf(request.from);
  const target = targetOf(request);
  if (remoteTag === undefined) return reject('SIP.NO_DIALOG', 'The request has no From tag');
  if (target === undefined) return reject('SIP.NO_DIALOG', 'The request has no Contact');
  return ok(
    new Dialog({
      id: { callId: request.callId, localTag, remoteTag },
      role: 'uas',
      state,
      localUri: withTag(request.to, undefined),
      remoteUri: withTag(request.from, undefined),
      remoteTarget: target,
      routeSet: [...request.recordRoute],
      localSeq: undefined,
      remoteSeq: request.cseq.seq,
      secure: isSecure(request),
      local: localOver(local, flow?.transport),
      ...(flow === undefined ? {} : { flow }),
    }),
  );
}
