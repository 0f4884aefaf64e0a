import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { scanUri, serializeUri, type Uri } from '../uri/uri';
import { scanHeaderParams, serializeHeaderParams, type Params } from './params';
import {
  isTokenChar,
  isWhitespace,
  quote,
  quotedStringEnd,
  skipWhitespace,
  trimWhitespace,
  unquote,
} from './scanner';

/**
 * A `name-addr` or `addr-spec` with header parameters: the value of From, To, Contact, Route,
 * Record-Route, Reply-To, Refer-To (RFC 3261 §20, §25.1). The display name is decoded (quotes and
 * quoted-pairs removed); `params` are the header parameters (`tag`, `expires`, `q`, …), not the URI's.
 */
export interface NameAddr {
  readonly displayName?: string;
  readonly uri: Uri;
  readonly params: Params;
}

/** Contact is either `*` (REGISTER removing all bindings, RFC 3261 §10.2.2) or a list of addresses. */
export type ContactList = '*' | readonly NameAddr[];

interface Scan {
  readonly value: NameAddr;
  readonly end: number;
}

/**
 * Scans one `(name-addr / addr-spec) *(SEMI param)` starting at `i`, stopping before a `,` or at the
 * end. An addr-spec (no angle brackets) ends at the first `;`, `,` or whitespace, so its `;params` are
 * header parameters, and a `?` in it is refused (RFC 3261 §20: such URIs need angle brackets).
 */
export function scanNameAddr(s: string, i: number): Scan | undefined {
  let j = skipWhitespace(s, i);
  let displayName: string | undefined;
  let bracketed = false;
  if (s.charCodeAt(j) === 0x22) {
    const end = quotedStringEnd(s, j);
    if (end < 0) return undefined;
    displayName = unquote(s.slice(j, end));
    j = skipWhitespace(s, end);
    if (s.charCodeAt(j) !== 0x3c) return undefined;
    bracketed = true;
  } else {
    // `display-name = *(token LWS)`: tokens up to '<' make a display name; anything else means addr-spec.
    let k = j;
    while (k < s.length && (isTokenChar(s.charCodeAt(k)) || isWhitespace(s.charCodeAt(k)))) k++;
    if (s.charCodeAt(k) === 0x3c) {
      const text = trimWhitespace(s.slice(j, k));
      if (text.length > 0) displayName = text;
      j = k;
      bracketed = true;
    }
  }
  let uri: Uri | undefined;
  if (bracketed) {
    const close = s.indexOf('>', j + 1);
    if (close < 0) return undefined;
    uri = scanUri(s.slice(j + 1, close));
    j = close + 1;
  } else {
    const start = j;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c === 0x3b || c === 0x2c || isWhitespace(c)) break;
      if (c === 0x3f || c === 0x3c || c === 0x3e || c === 0x22) return undefined;
      j++;
    }
    uri = scanUri(s.slice(start, j));
  }
  if (uri === undefined) return undefined;
  const scanned = scanHeaderParams(s, j);
  if (scanned === undefined) return undefined;
  const end = scanned.end;
  if (end < s.length && s.charCodeAt(end) !== 0x2c) return undefined;
  return { value: { displayName, uri, params: scanned.params }, end };
}

/** Scans a whole single-valued header (From, To): exactly one address, nothing after it. */
export function scanSingleNameAddr(s: string): NameAddr | undefined {
  const r = scanNameAddr(s, 0);
  return r !== undefined && r.end === s.length ? r.value : undefined;
}

/** Scans a comma-separated list of addresses (Contact, Route, Record-Route); empty elements are errors. */
export function scanNameAddrList(s: string, out: NameAddr[]): boolean {
  let i = 0;
  for (;;) {
    const r = scanNameAddr(s, i);
    if (r === undefined) return false;
    out.push(r.value);
    if (r.end >= s.length) return true;
    i = r.end + 1;
  }
}

/** Parses a From/To-style header value. */
export function parseNameAddr(value: string): Result<NameAddr, Rejection> {
  const v = scanSingleNameAddr(trimWhitespace(value));
  return v === undefined ? err(rejection('SIP.BAD_HEADER_VALUE', 'Malformed address', { value })) : ok(v);
}

/** Renders an address, always in name-addr form so URI parameters can never be mistaken for header ones. */
export function serializeNameAddr(v: NameAddr): string {
  const display = v.displayName === undefined ? '' : quote(v.displayName) + ' ';
  return `${display}<${serializeUri(v.uri)}>${serializeHeaderParams(v.params)}`;
}

/** Renders a Contact header value. */
export function serializeContactList(list: ContactList): string {
  return list === '*' ? '*' : list.map(serializeNameAddr).join(', ');
}
