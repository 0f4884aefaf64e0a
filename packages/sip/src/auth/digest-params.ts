import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { isTokenChar, quote, quotedStringEnd, skipWhitespace, tokenEnd, unquote } from '../header/scanner';
import { parseDigestAlgorithm, type DigestAlgorithm } from './digest-hash';

/** A `Digest` challenge from WWW-Authenticate / Proxy-Authenticate (RFC 3261 §22.4, RFC 7616 §3.3). */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: DigestAlgorithm;
  /** qop options offered (`auth`, `auth-int`); empty for RFC 2069-style challenges. */
  readonly qop: readonly string[];
  readonly opaque?: string;
  readonly stale: boolean;
}

/** `Digest` credentials from Authorization / Proxy-Authorization (RFC 3261 §22.4, RFC 7616 §3.4). */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  readonly qop?: string;
  readonly nc?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
}

/**
 * Splits `scheme auth-param *(COMMA auth-param)` into the scheme and lower-cased parameters with
 * quoted values unquoted. Undefined on malformed input or a repeated parameter (RFC 7616 §3.3).
 */
export function scanAuthParams(value: string): { scheme: string; params: Map<string, string> } | undefined {
  let i = skipWhitespace(value, 0);
  const schemeEnd = tokenEnd(value, i);
  if (schemeEnd === i) return undefined;
  const scheme = value.slice(i, schemeEnd);
  const params = new Map<string, string>();
  i = skipWhitespace(value, schemeEnd);
  while (i < value.length) {
    const nameEnd = tokenEnd(value, i);
    if (nameEnd === i) return undefined;
    const name = value.slice(i, nameEnd).toLowerCase();
    i = skipWhitespace(value, nameEnd);
    if (value.charCodeAt(i) !== 0x3d) return undefined;
    i = skipWhitespace(value, i + 1);
    let v: string;
    if (value.charCodeAt(i) === 0x22) {
      const end = quotedStringEnd(value, i);
      if (end < 0) return undefined;
      v = unquote(value.slice(i, end));
      i = end;
    } else {
      const end = tokenEndLoose(value, i);
      if (end === i) return undefined;
      v = value.slice(i, end);
      i = end;
    }
    if (params.has(name)) return undefined;
    params.set(name, v);
    i = skipWhitespace(value, i);
    if (i < value.length) {
      if (value.charCodeAt(i) !== 0x2c) return undefined;
      i = skipWhitespace(value, i + 1);
    }
  }
  return { scheme, params };
}

/** Token values; also '/' and ':' since some clients send `uri=sip:…` unquoted. */
function tokenEndLoose(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!isTokenChar(c) && c !== 0x2f && c !== 0x3a && c !== 0x40) break;
    i++;
  }
  return i;
}

const malformed = (what: string): Rejection => rejection('SIP.AUTH_MALFORMED', `Malformed ${what}`);

/** Parses a WWW-Authenticate / Proxy-Authenticate value; only the Digest scheme is understood. */
export function parseDigestChallenge(value: string): Result<DigestChallenge, Rejection> {
  const scanned = scanAuthParams(value);
  if (scanned === undefined) return err(malformed('challenge'));
  if (scanned.scheme.toLowerCase() !== 'digest')
    return err(rejection('SIP.AUTH_UNSUPPORTED', 'Unsupported scheme'));
  const p = scanned.params;
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  const algorithm = parseDigestAlgorithm(p.get('algorithm'));
  if (realm === undefined || nonce === undefined) return err(malformed('challenge'));
  if (algorithm === undefined) return err(rejection('SIP.AUTH_UNSUPPORTED', 'Unsupported algorithm'));
  const qop = (p.get('qop') ?? '')
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q.length > 0);
  const opaque = p.get('opaque');
  const stale = (p.get('stale') ?? '').toLowerCase() === 'true';
  return ok(
    opaque === undefined
      ? { realm, nonce, algorithm, qop, stale }
      : { realm, nonce, algorithm, qop, opaque, stale },
  );
}

/** Parses an Authorization / Proxy-Authorization value; only the Digest scheme is understood. */
export function parseDigestCredentials(value: string): Result<DigestCredentials, Rejection> {
  const scanned = scanAuthParams(value);
  if (scanned === undefined) return err(malformed('credentials'));
  if (scanned.scheme.toLowerCase() !== 'digest')
    return err(rejection('SIP.AUTH_UNSUPPORTED', 'Unsupported scheme'));
  const p = scanned.params;
  const [username, realm, nonce, uri, response] = ['username', 'realm', 'nonce', 'uri', 'response'].map((k) =>
    p.get(k),
  );
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined
  ) {
    return err(malformed('credentials'));
  }
  const algorithm = parseDigestAlgorithm(p.get('algorithm'));
  if (algorithm === undefined) return err(rejection('SIP.AUTH_UNSUPPORTED', 'Unsupported algorithm'));
  const creds: { -readonly [K in keyof DigestCredentials]: DigestCredentials[K] } = {
    username,
    realm,
    nonce,
    uri,
    response: response.toLowerCase(),
    algorithm,
  };
  for (const k of ['qop', 'nc', 'cnonce', 'opaque'] as const) {
    const v = p.get(k);
    if (v !== undefined) creds[k] = k === 'qop' ? v.toLowerCase() : v;
  }
  return ok(creds);
}

/** Renders a challenge for WWW-Authenticate (RFC 7616 §3.3: qop quoted, algorithm a token). */
export function serializeDigestChallenge(c: DigestChallenge): string {
  let out = `Digest realm=${quote(c.realm)}, nonce=${quote(c.nonce)}`;
  if (c.opaque !== undefined) out += `, opaque=${quote(c.opaque)}`;
  out += `, algorithm=${c.algorithm}`;
  if (c.qop.length > 0) out += `, qop=${quote(c.qop.join(','))}`;
  if (c.stale) out += ', stale=TRUE';
  return out;
}

/** Renders credentials for Authorization (RFC 7616 §3.4: qop, nc and algorithm unquoted). */
export function serializeDigestCredentials(c: DigestCredentials): string {
  let out = `Digest username=${quote(c.username)}, realm=${quote(c.realm)}, nonce=${quote(c.nonce)}, uri=${quote(c.uri)}`;
  out += `, response=${quote(c.response)}, algorithm=${c.algorithm}`;
  if (c.cnonce !== undefined) out += `, cnonce=${quote(c.cnonce)}`;
  if (c.opaque !== undefined) out += `, opaque=${quote(c.opaque)}`;
  if (c.qop !== undefined) out += `, qop=${c.qop}`;
  if (c.nc !== undefined) out += `, nc=${c.nc}`;
  return out;
}
