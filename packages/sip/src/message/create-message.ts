import { err, type Result } from '@switchboard/kernel';
import { scanSingleNameAddr, type NameAddr } from '../header/name-addr';
import { isToken } from '../header/scanner';
import type { Uri } from '../uri/uri';
import { buildMessage, canonicalFields, SINGLE_BITS, type ReadPrefix } from './build-message';
import type { HeaderField } from './header-field';
import type { SipRequest, SipResponse } from './sip-message';
import { parseRejection, type SipParseRejection } from './sip-rejection';

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/** Parts of a request the stack originates. */
export interface RequestParts {
  readonly method: string;
  readonly uri: Uri;
  readonly headers: readonly HeaderField[];
  readonly body?: Uint8Array | string;
}

/**
 * Builds a request through the same validation as parsing, so a request the stack sends obeys the
 * rules it enforces on others (RFC 3261 §8.1.1). Header values with CR or LF are refused.
 */
export function createRequest(parts: RequestParts): Result<SipRequest, SipParseRejection> {
  const headers = canonicalFields(parts.headers);
  const bad = checkFields(headers, 'request') ?? (isToken(parts.method) ? undefined : badMethod(headers));
  if (bad !== undefined) return err(bad);
  const r = buildMessage(
    { kind: 'request', method: parts.method, uri: parts.uri },
    headers,
    toBytes(parts.body),
  );
  return r as Result<SipRequest, SipParseRejection>;
}

/** Options for {@link createResponse}. */
export interface ResponseOptions {
  /** Added to To when the request's To has no tag (RFC 3261 §8.2.6.2). */
  readonly toTag?: string;
  /** Extra headers (Contact, Allow, WWW-Authenticate, …) appended after the copied ones. */
  readonly headers?: readonly HeaderField[];
  readonly body?: Uint8Array | string;
}

/**
 * Builds a response to `request` (RFC 3261 §8.2.6.2): Via (all, in order), From, To (with `toTag`
 * added when it has none), Call-ID and CSeq are copied; Record-Route is copied into responses that
 * can establish a dialog (§12.1.1: 101–299).
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reason: string,
  options: ResponseOptions = {},
): Result<SipResponse, SipParseRejection> {
  const copied: HeaderField[] = [];
  const withRecordRoute = status > 100 && status < 300;
  let seen = 0;
  let to: NameAddr | undefined = request.to;
  let unchecked = false;
  for (const f of request.headers) {
    const n = f.name;
    if (n === 'Via') copied.push(f);
    else if (n === 'From' || n === 'Call-ID' || n === 'CSeq') {
      copied.push(f);
      seen |= SINGLE_BITS[n];
    } else if (n === 'To') {
      const field = withToTag(f, request.to.params.tag, options.toTag);
      if (field !== f) {
        to = scanSingleNameAddr(field.value);
        unchecked = /[\r\n]/.test(field.value);
      }
      copied.push(field);
      seen |= SINGLE_BITS.To;
    } else if (n === 'Record-Route' && withRecordRoute) copied.push(f);
  }
  const headers = [...copied, ...canonicalFields(options.headers ?? [])];
  // The copied fields passed these checks when the request was built; only the added ones (and a
  // To given a bad tag) are new.
  const bad = checkFields(headers, 'response', unchecked ? 0 : copied.length);
  if (bad !== undefined) return err(bad);
  // The copied fields are already read in the request's typed views; a To that gained a tag is read
  // again (and, should it not scan, the whole list is, for the usual rejection).
  const prefix: ReadPrefix | undefined =
    to === undefined
      ? undefined
      : {
          count: copied.length,
          seen,
          via: request.via,
          from: request.from,
          to,
          callId: request.callId,
          cseq: request.cseq,
          recordRoute: withRecordRoute ? request.recordRoute : [],
        };
  const r = buildMessage(
    { kind: 'response', status, reason: safeReason(reason) },
    headers,
    toBytes(options.body),
    prefix,
  );
  return r as Result<SipResponse, SipParseRejection>;
}

function withToTag(
  f: HeaderField,
  existing: string | null | undefined,
  toTag: string | undefined,
): HeaderField {
  if (toTag === undefined || (existing !== undefined && existing !== null)) return f;
  return { name: 'To', value: `${f.value};tag=${toTag}` };
}

/**
 * The octets of the error response to a request the parser refused (`400 Bad Request` with the
 * problem as reason phrase, `505`, `513`), built from the header lines that could be read; undefined
 * when the refused message was a response or lacks the Via and CSeq a client needs to match it
 * (RFC 3261 §17.1.3), in which case it is simply dropped.
 */
export function createErrorResponseBytes(rejection: SipParseRejection): Uint8Array | undefined {
  if (rejection.messageKind !== 'request') return undefined;
  const keep = rejection.headers.filter(
    (f) =>
      f.name === 'Via' || f.name === 'From' || f.name === 'To' || f.name === 'Call-ID' || f.name === 'CSeq',
  );
  if (!keep.some((f) => f.name === 'Via') || !keep.some((f) => f.name === 'CSeq')) return undefined;
  let head = `SIP/2.0 ${rejection.status} ${safeReason(rejection.message)}\r\n`;
  for (const f of keep) head += `${f.name}: ${f.value}\r\n`;
  return encoder.encode(head + 'Content-Length: 0\r\n\r\n');
}

function checkFields(
  headers: readonly HeaderField[],
  kind: 'request' | 'response',
  from = 0,
): SipParseRejection | undefined {
  for (let i = from; i < headers.length; i++) {
    const f = headers[i] as HeaderField;
    if (!isToken(f.name) || /[\r\n]/.test(f.value)) {
      return parseRejection('SIP.BAD_HEADER_VALUE', `Malformed ${f.name} header`, kind, headers);
    }
  }
  return undefined;
}

function badMethod(headers: readonly HeaderField[]): SipParseRejection {
  return parseRejection('SIP.BAD_START_LINE', 'Malformed Request-Line', 'request', headers);
}

function safeReason(reason: string): string {
  return reason.replace(/[\r\n]+/g, ' ');
}

function toBytes(body: Uint8Array | string | undefined): Uint8Array {
  if (body === undefined) return EMPTY;
  return typeof body === 'string' ? encoder.encode(body) : body;
}
