import type { CSeq } from '../header/cseq';
import type { ContactList, NameAddr } from '../header/name-addr';
import type { Via } from '../header/via';
import type { Uri } from '../uri/uri';
import { canonicalHeaderName, headerMatches, headerValues, type HeaderField } from './header-field';

/** Methods of RFC 3261 and the extensions the stack handles. Methods are case-sensitive (§7.1). */
export const SipMethod = {
  ACK: 'ACK',
  BYE: 'BYE',
  CANCEL: 'CANCEL',
  INFO: 'INFO',
  INVITE: 'INVITE',
  MESSAGE: 'MESSAGE',
  NOTIFY: 'NOTIFY',
  OPTIONS: 'OPTIONS',
  PRACK: 'PRACK',
  PUBLISH: 'PUBLISH',
  REFER: 'REFER',
  REGISTER: 'REGISTER',
  SUBSCRIBE: 'SUBSCRIBE',
  UPDATE: 'UPDATE',
} as const;

/**
 * What every SIP message carries. `headers` is the complete header list in order (the source of truth
 * for serialization, so unknown headers survive a round trip); the typed fields are validated views
 * of the headers the stack needs, filled once when the message is parsed or built.
 */
export interface SipMessageBase {
  readonly headers: readonly HeaderField[];
  /** The body bytes (for parsed messages, a view into the received buffer). */
  readonly body: Uint8Array;
  /** Every Via value, topmost first (RFC 3261 §20.42). */
  readonly via: readonly Via[];
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: CSeq;
  /** Absent in RFC 2543-era requests (RFC 4475 §3.4.1) and in responses. */
  readonly maxForwards?: number;
  /** Contact values; undefined when there is no Contact header. */
  readonly contact?: ContactList;
  readonly route: readonly NameAddr[];
  readonly recordRoute: readonly NameAddr[];
  /** The Content-Type value as received (`application/sdp`), when present. */
  readonly contentType?: string;
}

/** A SIP request (RFC 3261 §7.1). */
export interface SipRequest extends SipMessageBase {
  readonly kind: 'request';
  /** Case-sensitive method token; unknown methods are kept as they are (RFC 4475 §3.1.1.2). */
  readonly method: string;
  readonly uri: Uri;
}

/** A SIP response (RFC 3261 §7.2). */
export interface SipResponse extends SipMessageBase {
  readonly kind: 'response';
  readonly status: number;
  /** Reason phrase, possibly empty or non-ASCII (RFC 4475 §3.1.1.12, §3.1.1.13). */
  readonly reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** The first value of header `name` (any spelling, compact forms included), as a raw string. */
export function getHeader(msg: Pick<SipMessageBase, 'headers'>, name: string): string | undefined {
  const canonical = canonicalHeaderName(name);
  for (const f of msg.headers) if (headerMatches(f, canonical)) return f.value;
  return undefined;
}

/** Every line of header `name`, unsplit. */
export function getHeaderLines(msg: Pick<SipMessageBase, 'headers'>, name: string): string[] {
  const canonical = canonicalHeaderName(name);
  const out: string[] = [];
  for (const f of msg.headers) if (headerMatches(f, canonical)) out.push(f.value);
  return out;
}

/**
 * Every value of header `name`: list headers (Allow, Supported, Require, …) split at top-level commas,
 * others (WWW-Authenticate, Date, unknown headers) one per line (RFC 3261 §7.3.1).
 */
export function getHeaderValues(msg: Pick<SipMessageBase, 'headers'>, name: string): string[] {
  return headerValues(msg.headers, name);
}

/** The `tag` parameter of From or To, when present (RFC 3261 §19.3). */
export function tagOf(addr: NameAddr): string | undefined {
  const t = addr.params.tag;
  return t === null ? undefined : t;
}
