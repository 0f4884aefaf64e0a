import { err, ok, type Result } from '@switchboard/kernel';
import { scanCSeq, type CSeq } from '../header/cseq';
import { scanNameAddrList, scanSingleNameAddr, type ContactList, type NameAddr } from '../header/name-addr';
import { isValidCallId, scanMaxForwards } from '../header/scalar-headers';
import { isToken, trimWhitespace } from '../header/scanner';
import { scanViaList, type Via } from '../header/via';
import type { Uri } from '../uri/uri';
import { canonicalHeaderName, type HeaderField } from './header-field';
import type { SipMessage, SipRequest, SipResponse } from './sip-message';
import { parseRejection, type SipParseRejection } from './sip-rejection';

/** The start line of a message, already split. */
export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly uri: Uri }
  | { readonly kind: 'response'; readonly status: number; readonly reason: string };

/** The seen-mask bits of From, To, Call-ID and CSeq, for building a {@link ReadPrefix}. */
export const SINGLE_BITS = { From: 1, To: 2, 'Call-ID': 4, CSeq: 8 } as const;

/** Headers that may appear at most once (RFC 3261 §20; RFC 4475 §3.3.8, §3.3.9), as bits of a seen-mask. */
const SINGLE: ReadonlyMap<string, number> = new Map([
  ['From', SINGLE_BITS.From],
  ['To', SINGLE_BITS.To],
  ['Call-ID', SINGLE_BITS['Call-ID']],
  ['CSeq', SINGLE_BITS.CSeq],
  ['Max-Forwards', 16],
  ['Content-Length', 32],
  ['Content-Type', 64],
]);

/** Required in every request and response (RFC 3261 §8.1.1, §8.2.6.2), in the order they are reported. */
const REQUIRED = ['Call-ID', 'From', 'To', 'CSeq', 'Via'] as const;

interface Typed {
  via: Via[];
  from?: NameAddr;
  to?: NameAddr;
  callId?: string;
  cseq?: CSeq;
  maxForwards?: number;
  contact?: ContactList;
  route: NameAddr[];
  recordRoute: NameAddr[];
  contentType?: string;
}

/**
 * The first `count` fields of a header list, already read into typed views because they were copied
 * unchanged from a message that passed {@link buildMessage} (a response's Via, From, To, Call-ID,
 * CSeq and Record-Route, RFC 3261 §8.2.6.2): they are not scanned again.
 */
export interface ReadPrefix {
  readonly count: number;
  /** The seen-mask bits of the prefix's fields ({@link SINGLE_BITS}). */
  readonly seen: number;
  readonly via: readonly Via[];
  readonly from: NameAddr | undefined;
  readonly to: NameAddr | undefined;
  readonly callId: string | undefined;
  readonly cseq: CSeq | undefined;
  readonly recordRoute: readonly NameAddr[];
}

/**
 * Validates a start line and header list and produces the message with its typed views. The one
 * path by which both parsed and locally built messages come to exist, so every `SipMessage` has
 * passed the same checks. Header names are expected in canonical spelling (see `canonicalHeaderName`).
 * With `prefix`, the leading fields it covers are taken as already read.
 */
export function buildMessage(
  start: StartLine,
  headers: readonly HeaderField[],
  body: Uint8Array,
  prefix?: ReadPrefix,
): Result<SipMessage, SipParseRejection> {
  const kind = start.kind;
  const typed: Typed =
    prefix === undefined
      ? { via: [], route: [], recordRoute: [] }
      : {
          via: [...prefix.via],
          from: prefix.from,
          to: prefix.to,
          callId: prefix.callId,
          cseq: prefix.cseq,
          route: [],
          recordRoute: [...prefix.recordRoute],
        };
  let seen = prefix?.seen ?? 0;
  for (let i = prefix?.count ?? 0; i < headers.length; i++) {
    const field = headers[i] as HeaderField;
    const name = field.name;
    const bit = SINGLE.get(name);
    if (bit !== undefined) {
      if ((seen & bit) !== 0) {
        return fail('SIP.DUPLICATE_HEADER', `Multiple ${name} headers`, kind, headers, name);
      }
      seen |= bit;
    }
    if (!readField(typed, name, field.value)) {
      return fail('SIP.BAD_HEADER_VALUE', `Malformed ${name} header`, kind, headers, name);
    }
  }
  for (const name of REQUIRED) {
    const missing = name === 'Via' ? typed.via.length === 0 : (seen & (SINGLE.get(name) as number)) === 0;
    if (missing) return fail('SIP.MISSING_HEADER', `Missing ${name} header`, kind, headers, name);
  }
  const cseq = typed.cseq as CSeq;
  if (start.kind === 'request' && cseq.method !== start.method) {
    // RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.17/18.
    return err(parseRejection('SIP.CSEQ_METHOD_MISMATCH', 'CSeq method does not match', kind, headers));
  }
  // One object shape per kind (absent fields `undefined`) keeps property access monomorphic.
  if (start.kind === 'request') {
    const req: SipRequest = {
      kind: 'request',
      method: start.method,
      uri: start.uri,
      headers,
      body,
      via: typed.via,
      from: typed.from as NameAddr,
      to: typed.to as NameAddr,
      callId: typed.callId as string,
      cseq,
      maxForwards: typed.maxForwards,
      contact: typed.contact,
      route: typed.route,
      recordRoute: typed.recordRoute,
      contentType: typed.contentType,
    };
    return ok(req);
  }
  const res: SipResponse = {
    kind: 'response',
    status: start.status,
    reason: start.reason,
    headers,
    body,
    via: typed.via,
    from: typed.from as NameAddr,
    to: typed.to as NameAddr,
    callId: typed.callId as string,
    cseq,
    maxForwards: typed.maxForwards,
    contact: typed.contact,
    route: typed.route,
    recordRoute: typed.recordRoute,
    contentType: typed.contentType,
  };
  return ok(res);
}

/** Reads one header into the typed views; false when its value is malformed. */
function readField(t: Typed, name: string, value: string): boolean {
  switch (name) {
    case 'Via':
      return scanViaList(value, t.via);
    case 'From':
      t.from = scanSingleNameAddr(value);
      return t.from !== undefined;
    case 'To':
      t.to = scanSingleNameAddr(value);
      return t.to !== undefined;
    case 'Call-ID':
      t.callId = value;
      return isValidCallId(value);
    case 'CSeq':
      t.cseq = scanCSeq(value);
      return t.cseq !== undefined;
    case 'Max-Forwards':
      t.maxForwards = scanMaxForwards(value);
      return t.maxForwards !== undefined;
    case 'Contact':
      return readContact(t, value);
    case 'Route':
      return scanNameAddrList(value, t.route);
    case 'Record-Route':
      return scanNameAddrList(value, t.recordRoute);
    case 'Content-Type':
      t.contentType = value;
      return isMediaType(value);
    default:
      return true;
  }
}

/** `Contact: *` must stand alone (RFC 3261 §10.2.2, §20.10); lines of addresses accumulate. */
function readContact(t: Typed, value: string): boolean {
  if (value === '*') {
    if (t.contact !== undefined) return false;
    t.contact = '*';
    return true;
  }
  if (t.contact === '*') return false;
  const list = t.contact === undefined ? [] : [...t.contact];
  if (!scanNameAddrList(value, list)) return false;
  t.contact = list;
  return true;
}

/** `m-type SLASH m-subtype *(SEMI m-parameter)`, checked loosely: two tokens around a slash. */
function isMediaType(value: string): boolean {
  const semi = value.indexOf(';');
  const type = trimWhitespace(semi < 0 ? value : value.slice(0, semi));
  const slash = type.indexOf('/');
  return (
    slash > 0 &&
    isToken(trimWhitespace(type.slice(0, slash))) &&
    isToken(trimWhitespace(type.slice(slash + 1)))
  );
}

function fail(
  code: SipParseRejection['code'],
  message: string,
  kind: 'request' | 'response',
  headers: readonly HeaderField[],
  header: string,
): Result<never, SipParseRejection> {
  return err(parseRejection(code, message, kind, headers, { header }));
}

/** Canonicalizes the names of header fields given by callers building messages. */
export function canonicalFields(fields: readonly HeaderField[]): HeaderField[] {
  return fields.map((f) => ({ name: canonicalHeaderName(f.name), value: trimWhitespace(f.value) }));
}
