import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { scanHeaderParams } from '../header/params';
import { trimWhitespace, unquote } from '../header/scanner';
import { getHeaderLines, type SipRequest } from '../message/sip-message';
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

/**
 * The Replaces of a received request (RFC 3891 §3): undefined when it has none. More than one
 * Replaces, or one on a method other than INVITE, or a malformed value is `SIP.BAD_REPLACES`,
 * which the UAS answers 400 Bad Request (§3).
 */
export function replacesOf(
  request: Pick<SipRequest, 'method' | 'headers'>,
): Result<Replaces | undefined, Rejection> {
  const lines = getHeaderLines(request, 'Replaces');
  if (lines.length === 0) return ok(undefined);
  if (lines.length > 1)
    return err(rejection('SIP.BAD_REPLACES', 'More than one Replaces header', { count: lines.length }));
  if (request.method !== 'INVITE')
    return err(rejection('SIP.BAD_REPLACES', 'Replaces outside an INVITE', { method: request.method }));
  return parseReplaces(lines[0]!);
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
