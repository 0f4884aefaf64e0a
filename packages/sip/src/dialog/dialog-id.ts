import { tagOf, type SipMessage, type SipRequest } from '../message/sip-message';

/** A dialog's identity (RFC 3261 §12): Call-ID, local tag and remote tag, from this UA's side. */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/** A string key for maps of dialogs. */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

/**
 * The id of the dialog an incoming in-dialog request belongs to (§12.2.2): the To tag is ours, the
 * From tag the peer's. Undefined when either tag is missing (an out-of-dialog request).
 */
export function incomingRequestDialogId(request: SipRequest): DialogId | undefined {
  const localTag = tagOf(request.to);
  const remoteTag = tagOf(request.from);
  if (localTag === undefined || remoteTag === undefined) return undefined;
  return { callId: request.callId, localTag, remoteTag };
}

/**
 * The id of the dialog a response to one of our requests belongs to (§12.1.2): the From tag is
 * ours, the To tag the peer's. Undefined when the response carries no To tag.
 */
export function responseDialogId(message: SipMessage): DialogId | undefined {
  const localTag = tagOf(message.from);
  const remoteTag = tagOf(message.to);
  if (localTag === undefined || remoteTag === undefined) return undefined;
  return { callId: message.callId, localTag, remoteTag };
}
