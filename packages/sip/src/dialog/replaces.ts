import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { scanHeaderParams } from '../header/params';
import { trimWhitespace, unquote } from '../header/scanner';
import type { DialogId } from './dialog-id';

/** The Replaces header (RFC 3891 §6.1): which dialog a new INVITE replaces (attended transfer). */
export interface Replaces {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  /** Only replace an early dialog (§3: else answer 486). */
  readonly earlyOnly: boolean;
}

/** Parses `callid *(SEMI replaces-param)`; to-tag and from-tag are required (§6.1). */
export function parseReplaces(value: string): Result<Replaces, Rejection> {
  const v = trimWhitespace(value);
  const semi = v.indexOf(';');
  const callId = trimWhitespace(semi < 0 ? v : v.slice(0, semi));
  const scanned = semi < 0 ? undefined : scanHeaderParams(v, semi);
  const bad = err(rejection('SIP.BAD_REPLACES', 'Malformed Replaces header', { value }));
  if (callId.length === 0 || scanned === undefined || scanned.end !== v.length) return bad;
  const p = scanned.params;
  const toTag = p['to-tag'];
  const fromTag = p['from-tag'];
  if (typeof toTag !== 'string' || typeof fromTag !== 'string') return bad;
  return ok({ callId, toTag: tagValue(toTag), fromTag: tagValue(fromTag), earlyOnly: 'early-only' in p });
}

/** Parameter values keep their quotes when scanned; a quoted tag is legal (gen-value). */
function tagValue(v: string): string {
  return v.startsWith('"') ? unquote(v) : v;
}

/** Renders a Replaces value. */
export function serializeReplaces(r: Replaces): string {
  return `${r.callId};to-tag=${r.toTag};from-tag=${r.fromTag}${r.earlyOnly ? ';early-only' : ''}`;
}

/**
 * The dialog a received Replaces names, from the recipient's side (§3): its to-tag is our local
 * tag, its from-tag the peer's.
 */
export function replacedDialogId(r: Replaces): DialogId {
  return { callId: r.callId, localTag: r.toTag, remoteTag: r.fromTag };
}

/** The Replaces a transferor puts in Refer-To for the dialog `id` it holds with the target (RFC 5589 §7). */
export function replacesForDialog(id: DialogId, earlyOnly = false): Replaces {
  // Seen from the transfer target, our local tag is its remote tag: to-tag names the target's side.
  return { callId: id.callId, toTag: id.remoteTag, fromTag: id.localTag, earlyOnly };
}
