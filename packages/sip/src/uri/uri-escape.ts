import { isHexDigit } from '../header/scanner';

/**
 * Percent-escaping of SIP URI components (RFC 3261 §19.1.2 and §25.1). Each component has its own
 * set of characters that may appear unescaped; everything else is sent as `%HH` of its UTF-8 bytes.
 * Escaped and unescaped forms of the same character are equivalent (§19.1.4), so parsed components
 * hold decoded text and are escaped again, minimally, when serialized.
 */

const UNRESERVED = "-_.!~*'()";

function allowed(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of UNRESERVED + extra) t[ch.charCodeAt(0)] = 1;
  return t;
}

/** `user = 1*( unreserved / escaped / user-unreserved )`. */
export const USER_CHARS = allowed('&=+$,;?/');
/** `password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )`. */
export const PASSWORD_CHARS = allowed('&=+$,');
/** `paramchar = param-unreserved / unreserved / escaped`. */
export const PARAM_CHARS = allowed('[]/:&+$');
/** `hname` / `hvalue` characters: `hnv-unreserved / unreserved / escaped`. */
export const HEADER_CHARS = allowed('[]/?:+$');
/** Characters of a `telephone-subscriber` (RFC 3966), kept unescaped. */
export const TEL_CHARS = allowed('+-.()*#[]/:&$=,');

const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** True when every character of `s` is in `set` or part of a well-formed `%HH` escape. */
export function isEscapedText(s: string, set: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= s.length || !isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2)))
        return false;
      i += 2;
    } else if (c >= 128 || set[c] !== 1) {
      return false;
    }
  }
  return true;
}

/**
 * Decodes `%HH` escapes to text (as UTF-8). Never throws: invalid UTF-8 becomes U+FFFD, which is
 * then re-escaped consistently, so parse → serialize → parse is stable.
 */
export function unescapeText(s: string): string {
  const first = s.indexOf('%');
  if (first < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 128) {
      bytes.push(c);
    } else {
      // Only validated (ASCII) components reach here; encode anything else rather than lose it.
      for (const b of encoder.encode(s.charAt(i))) bytes.push(b);
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** Escapes every character of `text` that is not in `set` as `%HH` of its UTF-8 bytes. */
export function escapeText(text: string, set: Uint8Array): string {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 128 || set[c] !== 1) break;
    i++;
  }
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (const b of encoder.encode(text.slice(i))) {
    if (b < 128 && set[b] === 1) out += String.fromCharCode(b);
    else out += '%' + HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return out;
}
