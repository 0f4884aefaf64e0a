import type { Params } from '../header/params';
import { asciiLower } from '../header/scanner';
import type { SipUri, Uri } from './uri';

/** Parameters that must match when present in either URI (RFC 3261 §19.1.4). */
const SIGNIFICANT = ['user', 'ttl', 'method', 'maddr', 'transport'];

/**
 * URI equivalence of RFC 3261 §19.1.4: case-sensitive user and password, case-insensitive host and
 * parameter values, an explicit port differs from an absent one, `user`/`ttl`/`method`/`maddr`/
 * `transport` must agree when either URI has them, other parameters only when both have them, and
 * URI headers must all agree. Escaped and unescaped characters compare equal because components are
 * held decoded.
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind !== b.kind || a.scheme !== b.scheme) return false;
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.opaque === b.opaque;
  if (a.kind === 'tel' && b.kind === 'tel') return telNumber(a.number) === telNumber(b.number);
  if (a.kind !== 'sip' || b.kind !== 'sip') return false;
  return sipUriEquals(a, b);
}

function sipUriEquals(a: SipUri, b: SipUri): boolean {
  if (a.user !== b.user || a.password !== b.password) return false;
  if (asciiLower(a.host) !== asciiLower(b.host) || a.port !== b.port) return false;
  if (!paramsAgree(a.params, b.params)) return false;
  if (a.headers.length !== b.headers.length) return false;
  for (const h of a.headers) {
    const other = b.headers.find((x) => asciiLower(x.name) === asciiLower(h.name));
    if (other === undefined || other.value !== h.value) return false;
  }
  return true;
}

function paramsAgree(a: Params, b: Params): boolean {
  for (const name of SIGNIFICANT) {
    if ((a[name] === undefined) !== (b[name] === undefined)) return false;
  }
  for (const name of Object.keys(a)) {
    const bv = b[name];
    if (bv === undefined) continue;
    const av = a[name];
    if (av === null || bv === null ? av !== bv : asciiLower(av as string) !== asciiLower(bv)) return false;
  }
  return true;
}

/** Visual separators do not count in telephone numbers (RFC 3966 §5.1.1). */
function telNumber(n: string): string {
  let out = '';
  for (const ch of n) if (ch !== '-' && ch !== '.' && ch !== '(' && ch !== ')') out += ch;
  return asciiLower(out);
}
