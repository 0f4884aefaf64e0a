import { err, type Result } from '@switchboard/kernel';
import { scanContentLength } from '../header/scalar-headers';
import { isDigit, isToken, isTokenChar, isWhitespace, trimWhitespace } from '../header/scanner';
import { scanUri } from '../uri/uri';
import { buildMessage, type StartLine } from './build-message';
import { canonicalHeaderName, type HeaderField } from './header-field';
import type { SipMessage } from './sip-message';
import { parseRejection, type SipParseRejection } from './sip-rejection';

/** How the bytes arrived, which decides what Content-Length means (RFC 3261 §18.3). */
export type TransportFraming = 'datagram' | 'stream';

/** Limits and framing for {@link parseMessage}. */
export interface ParseOptions {
  /**
   * `datagram` (UDP, one WebSocket message): without Content-Length the body is the rest of the
   * datagram; octets beyond Content-Length are ignored (RFC 4475 §3.1.1.8). `stream` (TCP/TLS):
   * the bytes are one message as cut by `StreamFramer`. Default `datagram`.
   */
  readonly framing?: TransportFraming;
  /** Larger messages are refused with 513 (RFC 3261 §21.5.14). Default 65 535 octets. */
  readonly maxMessageSize?: number;
  /** More header lines are refused; bounds the work an attacker can cause. Default 256. */
  readonly maxHeaders?: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 65_535;
export const DEFAULT_MAX_HEADERS = 256;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Parses one SIP request or response (RFC 3261 §7, §25). Never throws: a malformed message comes
 * back as a coded {@link SipParseRejection} saying whether it was a request (answer `status`) or a
 * response (drop and count). Lines may end in CRLF or, leniently, LF; leading CRLFs are skipped
 * (§7.5); folded header lines are joined (§7.3.1); compact header names are expanded (§7.3.3).
 */
export function parseMessage(
  input: Uint8Array | string,
  options: ParseOptions = {},
): Result<SipMessage, SipParseRejection> {
  const buf = typeof input === 'string' ? encoder.encode(input) : input;
  const maxSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start >= buf.length) return err(parseRejection('SIP.EMPTY', 'Empty message', 'unknown'));
  const kind = startsWithSip(buf, start) ? 'response' : 'request';
  if (buf.length > maxSize) return err(parseRejection('SIP.MESSAGE_TOO_LARGE', 'Message Too Large', kind));

  // Find the empty line ending the header section: LF followed by LF or CRLF.
  let headEnd = -1;
  let bodyStart = -1;
  for (let i = start; ;) {
    const lf = buf.indexOf(0x0a, i);
    if (lf < 0) break;
    const n = buf[lf + 1];
    if (n === 0x0a) {
      headEnd = lf;
      bodyStart = lf + 2;
      break;
    }
    if (n === 0x0d && buf[lf + 2] === 0x0a) {
      headEnd = lf;
      bodyStart = lf + 3;
      break;
    }
    i = lf + 1;
  }
  if (headEnd < 0) return err(parseRejection('SIP.INCOMPLETE', 'Missing end of headers', kind));

  const head = decoder.decode(buf.subarray(start, headEnd));
  let firstEnd = head.indexOf('\n');
  if (firstEnd < 0) firstEnd = head.length;
  const split = splitHeaders(head, firstEnd + 1, kind, options.maxHeaders ?? DEFAULT_MAX_HEADERS);
  if (!Array.isArray(split)) return err(split);
  const headers = split;

  const startLine = parseStartLine(head.slice(0, withoutCr(head, 0, firstEnd)), headers);
  if ('code' in startLine) return err(startLine);

  let contentLength: number | undefined;
  for (const f of headers) {
    if (f.name !== 'Content-Length') continue;
    if (contentLength !== undefined) {
      return err(parseRejection('SIP.DUPLICATE_HEADER', 'Multiple Content-Length headers', kind, headers));
    }
    contentLength = scanContentLength(f.value);
    if (contentLength === undefined) {
      return err(parseRejection('SIP.BAD_HEADER_VALUE', 'Malformed Content-Length header', kind, headers));
    }
  }
  const available = buf.length - bodyStart;
  if (contentLength !== undefined && contentLength > available) {
    // RFC 4475 §3.1.2.2: a datagram shorter than its Content-Length is answered 400.
    return err(parseRejection('SIP.BODY_TRUNCATED', 'Content-Length exceeds body', kind, headers));
  }
  const body = buf.subarray(bodyStart, bodyStart + (contentLength ?? available));
  return buildMessage(startLine, headers, body);
}

function startsWithSip(buf: Uint8Array, i: number): boolean {
  return (
    (buf[i] === 0x53 || buf[i] === 0x73) &&
    (buf[i + 1] === 0x49 || buf[i + 1] === 0x69) &&
    (buf[i + 2] === 0x50 || buf[i + 2] === 0x70) &&
    buf[i + 3] === 0x2f
  );
}

/** The end of the line `[from, end)` without its CR, when it ends in one. */
function withoutCr(head: string, from: number, end: number): number {
  return end > from && head.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
}

/**
 * Splits the header lines of `head` from `from` on, joining folded continuations with one SP (RFC
 * 3261 §7.3.1). Works on offsets into `head` and slices only names and values: splitting into
 * lines first made four strings per header where two do.
 */
function splitHeaders(
  head: string,
  from: number,
  kind: 'request' | 'response',
  maxHeaders: number,
): HeaderField[] | SipParseRejection {
  const headers: HeaderField[] = [];
  let name = '';
  let value = '';
  // The next CR at or after the current line, kept across lines so that finding it stays linear
  // in the head's length even for a head of LF-only lines.
  let cr = -1;
  for (let at = from; at <= head.length;) {
    let next = head.indexOf('\n', at);
    if (next < 0) next = head.length;
    const end = withoutCr(head, at, next);
    if (cr < at) {
      cr = head.indexOf('\r', at);
      if (cr < 0) cr = head.length;
    }
    if (cr < end) return parseRejection('SIP.BAD_HEADER_LINE', 'Bare CR in header', kind, headers);
    if (end > at && isWhitespace(head.charCodeAt(at))) {
      if (name === '') return parseRejection('SIP.BAD_HEADER_LINE', 'Malformed header line', kind, headers);
      const more = trimWhitespace(head, at, end);
      if (more.length > 0) value = value.length === 0 ? more : value + ' ' + more;
    } else {
      if (name !== '') headers.push({ name, value });
      if (headers.length >= maxHeaders)
        return parseRejection('SIP.TOO_MANY_HEADERS', 'Too many headers', kind, headers);
      let colon = head.indexOf(':', at);
      if (colon >= end) colon = -1;
      let nameEnd = colon;
      while (nameEnd > at && isWhitespace(head.charCodeAt(nameEnd - 1))) nameEnd--;
      const raw = colon < 0 ? '' : head.slice(at, nameEnd);
      if (!isToken(raw)) return parseRejection('SIP.BAD_HEADER_LINE', 'Malformed header line', kind, headers);
      name = canonicalHeaderName(raw);
      value = trimWhitespace(head, colon + 1, end);
    }
    if (next === head.length) break;
    at = next + 1;
  }
  if (name !== '') headers.push({ name, value });
  return headers;
}

/** `Request-Line = Method SP Request-URI SP SIP-Version`; `Status-Line = SIP-Version SP Status-Code SP Reason-Phrase`. */
function parseStartLine(line: string, headers: HeaderField[]): StartLine | SipParseRejection {
  const sp1 = line.indexOf(' ');
  if (startsWithSipVersion(line)) {
    const version = sp1 < 0 ? line : line.slice(0, sp1);
    const bad = checkVersion(version, 'response', headers);
    if (bad !== undefined) return bad;
    const code = line.slice(sp1 + 1, sp1 + 4);
    const codeOk =
      sp1 > 0 &&
      code.length === 3 &&
      isDigit(code.charCodeAt(0)) &&
      isDigit(code.charCodeAt(1)) &&
      isDigit(code.charCodeAt(2));
    // The reason phrase may be empty, but a fourth digit is an overlarge code (RFC 4475 §3.1.2.19).
    const followedBySpace = line.length === sp1 + 4 || line.charCodeAt(sp1 + 4) === 0x20;
    const status = Number(code);
    if (!codeOk || !followedBySpace || status < 100 || status > 699) {
      return parseRejection('SIP.BAD_STATUS_CODE', 'Malformed status code', 'response', headers);
    }
    return { kind: 'response', status, reason: line.slice(sp1 + 5) };
  }
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0)
    return parseRejection('SIP.BAD_START_LINE', 'Malformed Request-Line', 'request', headers);
  const method = line.slice(0, sp1);
  for (let i = 0; i < method.length; i++) {
    if (!isTokenChar(method.charCodeAt(i))) {
      return parseRejection('SIP.BAD_START_LINE', 'Malformed Request-Line', 'request', headers);
    }
  }
  const version = line.slice(sp2 + 1);
  if (!startsWithSipVersion(version)) {
    return parseRejection('SIP.BAD_START_LINE', 'Malformed Request-Line', 'request', headers);
  }
  const bad = checkVersion(version, 'request', headers);
  if (bad !== undefined) return bad;
  const uri = scanUri(line.slice(sp1 + 1, sp2));
  // Headers are not allowed in a Request-URI (RFC 3261 §19.1.1 table; RFC 4475 §3.1.2.11).
  if (uri === undefined || (uri.kind === 'sip' && uri.headers.length > 0)) {
    return parseRejection('SIP.BAD_REQUEST_URI', 'Malformed Request-URI', 'request', headers);
  }
  return { kind: 'request', method, uri };
}

function startsWithSipVersion(s: string): boolean {
  // `SIP/` in any case, read as character codes (`| 0x20` lower-cases ASCII letters).
  return (
    s.length >= 4 &&
    (s.charCodeAt(0) | 0x20) === 0x73 &&
    (s.charCodeAt(1) | 0x20) === 0x69 &&
    (s.charCodeAt(2) | 0x20) === 0x70 &&
    s.charCodeAt(3) === 0x2f
  );
}

/** `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`; well-formed versions other than 2.0 get 505 (RFC 3261 §21.5.7). */
function checkVersion(
  version: string,
  kind: 'request' | 'response',
  headers: HeaderField[],
): SipParseRejection | undefined {
  const v = version.slice(4);
  const dot = v.indexOf('.');
  const wellFormed =
    dot > 0 && dot < v.length - 1 && [...v].every((ch, i) => i === dot || isDigit(ch.charCodeAt(0)));
  if (!wellFormed) {
    const code = kind === 'request' ? 'SIP.BAD_START_LINE' : 'SIP.BAD_STATUS_CODE';
    const what = kind === 'request' ? 'Malformed Request-Line' : 'Malformed Status-Line';
    return parseRejection(code, what, kind, headers);
  }
  if (v !== '2.0')
    return parseRejection('SIP.VERSION_NOT_SUPPORTED', 'SIP Version Not Supported', kind, headers);
  return undefined;
}
