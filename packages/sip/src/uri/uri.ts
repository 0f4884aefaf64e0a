import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { createParams, type Params } from '../header/params';
import { asciiLower, isAlpha, isDigit, isHexDigit, isHostChar, parseDigits } from '../header/scanner';
import {
  escapeText,
  HEADER_CHARS,
  isEscapedText,
  PARAM_CHARS,
  PASSWORD_CHARS,
  TEL_CHARS,
  unescapeText,
  USER_CHARS,
} from './uri-escape';

/** One `?name=value` header of a SIP URI (RFC 3261 §19.1.1), decoded. */
export interface UriHeader {
  readonly name: string;
  readonly value: string;
}

/**
 * A `sip:` or `sips:` URI (RFC 3261 §19.1). Components are decoded (`%75se%72` is `user`); the host
 * keeps its case and IPv6 references keep their brackets (`[2001:db8::1]`).
 */
export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  readonly host: string;
  readonly port?: number;
  /** uri-parameters by lower-cased name (`transport`, `lr`, `maddr`, `user`, …). */
  readonly params: Params;
  readonly headers: readonly UriHeader[];
}

/** A `tel:` URI (RFC 3966): the subscriber number as written, and its parameters. */
export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  readonly number: string;
  readonly params: Params;
}

/** Any other absoluteURI (RFC 3261 §25.1): kept opaque, forwarded as received (RFC 4475 §3.3.2). */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  readonly scheme: string;
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

/** Parses a URI; undefined when malformed. The hot-path form used inside header parsers. */
export function scanUri(text: string): Uri | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || !isAlpha(text.charCodeAt(0))) return undefined;
  for (let i = 1; i < colon; i++) {
    const c = text.charCodeAt(i);
    if (!isAlpha(c) && !isDigit(c) && c !== 0x2b && c !== 0x2d && c !== 0x2e) return undefined;
  }
  const scheme = asciiLower(text.slice(0, colon));
  const rest = text.slice(colon + 1);
  if (rest.length === 0) return undefined;
  if (scheme === 'sip' || scheme === 'sips') return scanSipUri(scheme, rest);
  if (scheme === 'tel') return scanTelUri(rest);
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3c || c === 0x3e || c === 0x22) return undefined;
  }
  return { kind: 'absolute', scheme, opaque: rest };
}

/** Parses a URI (RFC 3261 §19.1, §25.1; RFC 3966 for `tel:`). */
export function parseUri(text: string): Result<Uri, Rejection> {
  const uri = scanUri(text);
  return uri === undefined ? err(rejection('SIP.BAD_URI', 'Malformed URI', { uri: text })) : ok(uri);
}

function scanSipUri(scheme: 'sip' | 'sips', s: string): SipUri | undefined {
  let user: string | undefined;
  let password: string | undefined;
  // '@' may not appear unescaped after the userinfo, so the first one ends it (users may contain ';').
  const at = s.indexOf('@');
  let i = 0;
  if (at >= 0) {
    const info = s.slice(0, at);
    const pc = info.indexOf(':');
    const rawUser = pc < 0 ? info : info.slice(0, pc);
    if (rawUser.length === 0 || !isEscapedText(rawUser, USER_CHARS)) return undefined;
    user = unescapeText(rawUser);
    if (pc >= 0) {
      const rawPassword = info.slice(pc + 1);
      if (!isEscapedText(rawPassword, PASSWORD_CHARS)) return undefined;
      password = unescapeText(rawPassword);
    }
    i = at + 1;
  }
  const hostStart = i;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0 || !isIpv6Reference(s, i + 1, close)) return undefined;
    i = close + 1;
  } else {
    while (i < s.length && isHostChar(s.charCodeAt(i))) i++;
  }
  if (i === hostStart) return undefined;
  const host = s.slice(hostStart, i);
  let port: number | undefined;
  if (s.charCodeAt(i) === 0x3a) {
    let j = i + 1;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    port = parseDigits(s.slice(i + 1, j), 65535);
    if (port === undefined) return undefined;
    i = j;
  }
  const params = createParams();
  while (i < s.length && s.charCodeAt(i) === 0x3b) {
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) !== 0x3b && s.charCodeAt(j) !== 0x3f) j++;
    if (!scanUriParam(s.slice(i + 1, j), params)) return undefined;
    i = j;
  }
  const headers: UriHeader[] = [];
  if (i < s.length && s.charCodeAt(i) === 0x3f) {
    for (const part of s.slice(i + 1).split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) return undefined;
      const name = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (!isEscapedText(name, HEADER_CHARS) || !isEscapedText(value, HEADER_CHARS)) return undefined;
      headers.push({ name: unescapeText(name), value: unescapeText(value) });
    }
    i = s.length;
  }
  if (i !== s.length) return undefined;
  return makeSipUri(scheme, user, password, host, port, params, headers);
}

/** One object shape for every SIP URI (absent parts are `undefined`), which keeps property access monomorphic. */
function makeSipUri(
  scheme: 'sip' | 'sips',
  user: string | undefined,
  password: string | undefined,
  host: string,
  port: number | undefined,
  params: Params,
  headers: readonly UriHeader[],
): SipUri {
  return { kind: 'sip', scheme, user, password, host, port, params, headers };
}

function scanUriParam(p: string, params: Record<string, string | null>): boolean {
  const eq = p.indexOf('=');
  const name = eq < 0 ? p : p.slice(0, eq);
  if (name.length === 0 || !isEscapedText(name, PARAM_CHARS)) return false;
  let value: string | null = null;
  if (eq >= 0) {
    const raw = p.slice(eq + 1);
    if (!isEscapedText(raw, PARAM_CHARS)) return false;
    value = unescapeText(raw);
  }
  params[asciiLower(unescapeText(name))] = value;
  return true;
}

function isIpv6Reference(s: string, from: number, to: number): boolean {
  if (to - from < 2) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isHexDigit(c) && c !== 0x3a && c !== 0x2e) return false;
  }
  return true;
}

function scanTelUri(s: string): TelUri | undefined {
  const semi = s.indexOf(';');
  const number = semi < 0 ? s : s.slice(0, semi);
  if (number.length === 0 || !isEscapedText(number, TEL_CHARS)) return undefined;
  const params = createParams();
  if (semi >= 0) {
    for (const part of s.slice(semi + 1).split(';')) if (!scanUriParam(part, params)) return undefined;
  }
  return { kind: 'tel', scheme: 'tel', number, params };
}

/** A host as the network names it: an IPv6 reference (`[2001:db8::1]`) without its brackets. */
export function unbracketHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Renders a URI with minimal escaping (RFC 3261 §19.1.2). */
export function serializeUri(uri: Uri): string {
  if (uri.kind === 'absolute') return `${uri.scheme}:${uri.opaque}`;
  if (uri.kind === 'tel') return `tel:${uri.number}${serializeUriParams(uri.params)}`;
  let out = uri.scheme + ':';
  if (uri.user !== undefined) {
    out += escapeText(uri.user, USER_CHARS);
    if (uri.password !== undefined) out += ':' + escapeText(uri.password, PASSWORD_CHARS);
    out += '@';
  }
  out += uri.host;
  if (uri.port !== undefined) out += ':' + uri.port;
  out += serializeUriParams(uri.params);
  for (let k = 0; k < uri.headers.length; k++) {
    const h = uri.headers[k] as UriHeader;
    out += (k === 0 ? '?' : '&') + escapeText(h.name, HEADER_CHARS) + '=' + escapeText(h.value, HEADER_CHARS);
  }
  return out;
}

function serializeUriParams(params: Params): string {
  let out = '';
  for (const name of Object.keys(params)) {
    const v = params[name];
    out += ';' + escapeText(name, PARAM_CHARS);
    if (v !== null && v !== undefined) out += '=' + escapeText(v, PARAM_CHARS);
  }
  return out;
}

/** Builds a SIP URI from parts, for requests the stack originates. */
export function sipUri(parts: {
  scheme?: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params?: Readonly<Record<string, string | null>>;
  headers?: readonly UriHeader[];
}): SipUri {
  const params = createParams(parts.params);
  return makeSipUri(
    parts.scheme ?? 'sip',
    parts.user,
    parts.password,
    parts.host,
    parts.port,
    params,
    parts.headers ?? [],
  );
}
