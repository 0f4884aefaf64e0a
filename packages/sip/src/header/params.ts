import { isTokenChar, isWhitespace, quotedStringEnd, skipWhitespace, tokenEnd } from './scanner';

/**
 * Header or URI parameters by lower-cased name (parameter names are case-insensitive, RFC 3261
 * §7.3.1); `null` is a parameter without a value (`;lr`). The record inherits nothing, so a parameter
 * called `__proto__` is just a parameter.
 */
export type Params = Readonly<Record<string, string | null>>;

/**
 * The class of parameter records: it inherits nothing, since its prototype is an empty frozen
 * object whose own prototype is null, so `__proto__` or `constructor` from the wire are plain
 * parameters. Not `Object.create(null)`: V8 keeps such objects in dictionary mode, about three
 * times the memory of an ordinary object and slower to read, and every parsed URI and header
 * carries a few of them.
 */
class ParamRecord {}
delete (ParamRecord.prototype as { constructor?: unknown }).constructor;
Object.setPrototypeOf(ParamRecord.prototype, null);
Object.freeze(ParamRecord.prototype);

/**
 * A fresh parameter record that inherits nothing, with `entries` copied (names lower-cased) except
 * `omit`. Leaving a parameter out here, rather than deleting it afterwards, keeps the record out of
 * V8's slow dictionary mode.
 */
export function createParams(
  entries?: Readonly<Record<string, string | null>>,
  omit?: string,
): Record<string, string | null> {
  const p = new ParamRecord() as Record<string, string | null>;
  if (entries === undefined) return p;
  for (const k of Object.keys(entries)) {
    const name = k.toLowerCase();
    if (name !== omit) p[name] = entries[k] ?? null;
  }
  return p;
}

/** Result of scanning `*( SEMI generic-param )`: the parameters and where scanning stopped. */
export interface ParamsScan {
  readonly params: Record<string, string | null>;
  readonly end: number;
}

/**
 * Scans header parameters `*( SEMI generic-param )` starting at `i` (RFC 3261 §25.1:
 * `generic-param = token [ EQUAL gen-value ]`, `gen-value = token / host / quoted-string`).
 * Whitespace around `;` and `=` is allowed (SEMI and EQUAL include SWS). Stops before `,` or the end;
 * returns undefined on an empty or malformed parameter. Quoted values keep their quotes, so they are
 * re-sent exactly as received.
 */
export function scanHeaderParams(s: string, i: number): ParamsScan | undefined {
  const params = createParams();
  let j = skipWhitespace(s, i);
  while (j < s.length && s.charCodeAt(j) === 0x3b) {
    j = skipWhitespace(s, j + 1);
    const nameEnd = tokenEnd(s, j);
    if (nameEnd === j) return undefined;
    const name = s.slice(j, nameEnd).toLowerCase();
    j = skipWhitespace(s, nameEnd);
    let value: string | null = null;
    if (j < s.length && s.charCodeAt(j) === 0x3d) {
      j = skipWhitespace(s, j + 1);
      const valueEnd = genValueEnd(s, j);
      if (valueEnd <= j) return undefined;
      value = s.slice(j, valueEnd);
      j = skipWhitespace(s, valueEnd);
    }
    params[name] = value;
  }
  return { params, end: j };
}

/** End of a gen-value (token, host incl. IPv6 reference, or quoted-string) starting at `i`; -1 if bad. */
function genValueEnd(s: string, i: number): number {
  if (i >= s.length) return -1;
  const c = s.charCodeAt(i);
  if (c === 0x22) return quotedStringEnd(s, i);
  if (c === 0x5b) {
    const close = s.indexOf(']', i + 1);
    return close < 0 ? -1 : close + 1;
  }
  let j = i;
  // host adds ':' (IPv6 without brackets is not valid, but ports never appear here either).
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (!isTokenChar(d) && d !== 0x3a) break;
    j++;
  }
  if (j < s.length) {
    const d = s.charCodeAt(j);
    if (d !== 0x3b && d !== 0x2c && !isWhitespace(d)) return -1;
  }
  return j;
}

/** Renders header parameters as `;name=value` pairs in insertion order. */
export function serializeHeaderParams(params: Params): string {
  let out = '';
  for (const name of Object.keys(params)) {
    const v = params[name];
    out += v === null || v === undefined ? `;${name}` : `;${name}=${v}`;
  }
  return out;
}

/** A parameter's value with surrounding quotes removed (for quoted gen-values such as `+sip.instance`). */
export function paramText(params: Params, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  return v.length >= 2 && v.charCodeAt(0) === 0x22 ? v.slice(1, -1) : v;
}
