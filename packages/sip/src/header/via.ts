import { createParams, scanHeaderParams, serializeHeaderParams, type Params } from './params';
import {
  asciiUpper,
  isDigit,
  isHexDigit,
  isHostChar,
  isToken,
  parseDigits,
  skipWhitespace,
  tokenEnd,
} from './scanner';

/** The RFC 3261 magic cookie that starts every compliant branch (§8.1.1.7). */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/**
 * One Via header value (RFC 3261 §20.42, §18.2): the sent-protocol, sent-by, and the parameters the
 * transport and transaction layers read. `params` holds every parameter (lower-cased names) and is
 * what gets serialized; the named fields are typed views of it.
 */
export interface Via {
  readonly protocolName: string;
  readonly protocolVersion: string;
  /** Upper-cased transport: `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, or an extension token. */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: Params;
  readonly branch?: string;
  readonly received?: string;
  /** RFC 3581: `null` when the client asked for rport (`;rport`), the port once a server filled it in. */
  readonly rport?: number | null;
  readonly maddr?: string;
  readonly ttl?: number;
}

/** Scans one via-parm starting at `i`; stops before `,` or at the end (RFC 3261 §25.1). */
export function scanVia(s: string, i: number): { value: Via; end: number } | undefined {
  let j = skipWhitespace(s, i);
  const nameEnd = tokenEnd(s, j);
  if (nameEnd === j) return undefined;
  const protocolName = asciiUpper(s.slice(j, nameEnd));
  j = slash(s, nameEnd);
  if (j < 0) return undefined;
  const versionEnd = tokenEnd(s, j);
  if (versionEnd === j) return undefined;
  const protocolVersion = s.slice(j, versionEnd);
  j = slash(s, versionEnd);
  if (j < 0) return undefined;
  const transportEnd = tokenEnd(s, j);
  if (transportEnd === j) return undefined;
  const transport = asciiUpper(s.slice(j, transportEnd));
  j = skipWhitespace(s, transportEnd);
  if (j === transportEnd) return undefined; // LWS is required before sent-by
  const hostStart = j;
  j = hostEnd(s, j);
  if (j <= hostStart) return undefined;
  const host = s.slice(hostStart, j);
  let port: number | undefined;
  let k = skipWhitespace(s, j);
  if (s.charCodeAt(k) === 0x3a) {
    k = skipWhitespace(s, k + 1);
    let e = k;
    while (e < s.length && isDigit(s.charCodeAt(e))) e++;
    port = parseDigits(s.slice(k, e), 65535);
    if (port === undefined) return undefined;
    j = e;
  }
  const scanned = scanHeaderParams(s, j);
  if (scanned === undefined) return undefined;
  if (scanned.end < s.length && s.charCodeAt(scanned.end) !== 0x2c) return undefined;
  const via = viaFromParts(protocolName, protocolVersion, transport, host, port, scanned.params);
  return via === undefined ? undefined : { value: via, end: scanned.end };
}

/** Scans a whole Via header value (one or more comma-separated via-parms) into `out`. */
export function scanViaList(s: string, out: Via[]): boolean {
  let i = 0;
  for (;;) {
    const r = scanVia(s, i);
    if (r === undefined) return false;
    out.push(r.value);
    if (r.end >= s.length) return true;
    i = r.end + 1;
  }
}

function slash(s: string, i: number): number {
  const j = skipWhitespace(s, i);
  return s.charCodeAt(j) === 0x2f ? skipWhitespace(s, j + 1) : -1;
}

function hostEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0) return -1;
    for (let k = i + 1; k < close; k++) {
      const c = s.charCodeAt(k);
      if (!isHexDigit(c) && c !== 0x3a && c !== 0x2e) return -1;
    }
    return close + 1;
  }
  while (i < s.length && isHostChar(s.charCodeAt(i))) i++;
  return i;
}

function isHost(s: string): boolean {
  return s.length > 0 && hostEnd(s, 0) === s.length;
}

function isIpv6Address(s: string): boolean {
  if (s.indexOf(':') < 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isHexDigit(c) && c !== 0x3a && c !== 0x2e) return false;
  }
  return true;
}

/** Validates the parameters with a defined syntax and fills the typed fields (RFC 3261 §20.42, RFC 3581). */
function viaFromParts(
  protocolName: string,
  protocolVersion: string,
  transport: string,
  host: string,
  port: number | undefined,
  params: Record<string, string | null>,
): Via | undefined {
  const branch = params.branch;
  if (branch !== undefined && (branch === null || !isToken(branch))) return undefined;
  const received = params.received;
  // `received` is an IPv4 or IPv6 address, the latter without brackets (RFC 3261 §20.42).
  if (received !== undefined && (received === null || !(isHost(received) || isIpv6Address(received))))
    return undefined;
  const rportText = params.rport;
  const rport = rportText === undefined || rportText === null ? rportText : parseDigits(rportText, 65535);
  if (rportText !== undefined && rportText !== null && rport === undefined) return undefined;
  const maddr = params.maddr;
  if (maddr !== undefined && (maddr === null || !isHost(maddr))) return undefined;
  const ttlText = params.ttl;
  const ttl = ttlText === undefined || ttlText === null ? undefined : parseDigits(ttlText, 255);
  if (ttlText !== undefined && ttl === undefined) return undefined;
  // One object shape for every Via (absent fields are `undefined`) keeps property access monomorphic.
  return {
    protocolName,
    protocolVersion,
    transport,
    host,
    port,
    params,
    branch: branch ?? undefined,
    received: received ?? undefined,
    rport,
    maddr: maddr ?? undefined,
    ttl,
  };
}

/** Builds a Via for a request the stack sends (RFC 3261 §8.1.1.7, §18.1.1); `rport: true` asks for RFC 3581. */
export function createVia(parts: {
  transport: string;
  host: string;
  port?: number;
  branch: string;
  rport?: boolean;
  params?: Readonly<Record<string, string | null>>;
}): Via {
  const params = createParams(parts.params);
  params.branch = parts.branch;
  if (parts.rport === true) params.rport = null;
  const via = viaFromParts('SIP', '2.0', parts.transport.toUpperCase(), parts.host, parts.port, params);
  if (via === undefined) throw new Error(`createVia: invalid parts ${JSON.stringify(parts)}`);
  return via;
}

/** Renders a Via value: `SIP/2.0/UDP host:port;params`. */
export function serializeVia(v: Via): string {
  const port = v.port === undefined ? '' : `:${v.port}`;
  return `${v.protocolName}/${v.protocolVersion}/${v.transport} ${v.host}${port}${serializeHeaderParams(v.params)}`;
}

/** True when the branch carries the RFC 3261 magic cookie, i.e. it can serve as a transaction id. */
export function hasMagicCookie(via: Via): boolean {
  return via.branch !== undefined && via.branch.startsWith(BRANCH_MAGIC_COOKIE);
}
