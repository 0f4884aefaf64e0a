import { isWordChar, parseDigits, trimWhitespace } from './scanner';

/** Max-Forwards is `1*DIGIT` in 0..255 (RFC 3261 §20.22); leading zeros are fine (RFC 4475 §3.1.1.1). */
export function scanMaxForwards(value: string): number | undefined {
  return parseDigits(value, 255);
}

/** Content-Length is `1*DIGIT` (RFC 3261 §20.14); a sign or anything else is malformed (RFC 4475 §3.1.2.3). */
export function scanContentLength(value: string): number | undefined {
  return parseDigits(value);
}

/** `callid = word [ "@" word ]` (RFC 3261 §25.1). */
export function isValidCallId(value: string): boolean {
  if (value.length === 0) return false;
  let at = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x40) {
      if (at || i === 0 || i === value.length - 1) return false;
      at = true;
    } else if (!isWordChar(c)) {
      return false;
    }
  }
  return true;
}

/**
 * `delta-seconds` (Expires, Retry-After, Contact `expires`), capped at 2**32-1 as RFC 3261 §20.19
 * allows for overlarge values (RFC 4475 §3.1.2.4); undefined when not digits.
 */
export function parseDeltaSeconds(value: string): number | undefined {
  let digits = trimWhitespace(value);
  if (digits.length === 0) return undefined;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  digits = digits.replace(/^0+(?=\d)/, '');
  if (digits.length > 10) return 2 ** 32 - 1;
  return Math.min(parseDigits(digits) ?? 0, 2 ** 32 - 1);
}
