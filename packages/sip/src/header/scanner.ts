/**
 * Character classes and small scanning steps of the SIP grammar (RFC 3261 §25.1). Every parser in
 * this package walks a string by index with these helpers: one pass, no regular expressions, no
 * backtracking, so hostile input costs linear time.
 */

const TOKEN_EXTRA = "-.!%*_+`'~";
/** `word` adds these to token (RFC 3261 §25.1, used by Call-ID). */
const WORD_EXTRA = '()<>:\\"/[]?{}';

function table(extra: string, alnum = true): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
    for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
    for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  }
  for (let i = 0; i < extra.length; i++) t[extra.charCodeAt(i)] = 1;
  return t;
}

const TOKEN = table(TOKEN_EXTRA);
const WORD = table(TOKEN_EXTRA + WORD_EXTRA);
const HOST = table('-._');

/** `token` characters (RFC 3261 §25.1). */
export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

/** `word` characters (RFC 3261 §25.1). */
export function isWordChar(c: number): boolean {
  return c < 128 && WORD[c] === 1;
}

/** Characters of a hostname or IPv4 address (the underscore is tolerated: seen in the wild). */
export function isHostChar(c: number): boolean {
  return c < 128 && HOST[c] === 1;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** SP or HTAB; folded lines were already joined with a single SP (RFC 3261 §7.3.1). */
export function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** True when every character of `s` is a token character and `s` is not empty. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** Index of the first non-whitespace character at or after `i`. */
export function skipWhitespace(s: string, i: number): number {
  while (i < s.length && isWhitespace(s.charCodeAt(i))) i++;
  return i;
}

/** Index just after the token starting at `i` (equal to `i` when there is none). */
export function tokenEnd(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Index just after the quoted-string whose opening quote is at `i`, or -1 when it is not closed.
 * Quoted-pairs are skipped so `\"` does not end the string (RFC 3261 §25.1).
 */
export function quotedStringEnd(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) {
      // quoted-pair may escape anything but CR and LF; a trailing backslash leaves it unclosed.
      if (j + 1 >= s.length) return -1;
      const n = s.charCodeAt(j + 1);
      if (n === 0x0a || n === 0x0d) return -1;
      j += 2;
      continue;
    }
    if (c === 0x22) return j + 1;
    j++;
  }
  return -1;
}

/** The content of a quoted-string (quotes removed, quoted-pairs resolved). */
export function unquote(quoted: string): string {
  let out = '';
  let start = 1;
  const end = quoted.length - 1;
  for (let j = 1; j < end; j++) {
    if (quoted.charCodeAt(j) === 0x5c) {
      out += quoted.slice(start, j) + quoted.charAt(j + 1);
      j++;
      start = j + 1;
    }
  }
  return out + quoted.slice(start, end);
}

/**
 * Renders `text` as a quoted-string: `"` and `\` and control characters become quoted-pairs; CR and
 * LF cannot be quoted at all (RFC 3261 §25.1), so they become spaces rather than break the message.
 */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) out += ' ';
    else if (c === 0x22 || c === 0x5c || (c < 0x20 && c !== 0x09) || c === 0x7f) out += '\\' + text.charAt(i);
    else out += text.charAt(i);
  }
  return out + '"';
}

/**
 * Splits a comma-separated header value into its elements, ignoring commas inside quoted strings and
 * angle brackets (RFC 3261 §7.3.1). Empty elements are dropped; elements are trimmed.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 0x22) {
      const end = quotedStringEnd(value, i);
      i = end < 0 ? value.length : end;
      continue;
    }
    if (c === 0x3c) {
      const end = value.indexOf('>', i + 1);
      i = end < 0 ? value.length : end + 1;
      continue;
    }
    if (c === 0x2c) {
      pushTrimmed(out, value.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  pushTrimmed(out, value.slice(start));
  return out;
}

function pushTrimmed(out: string[], part: string): void {
  const t = trimWhitespace(part);
  if (t.length > 0) out.push(t);
}

/** Parses `1*DIGIT` exactly (leading zeros allowed); undefined when not all digits or too large. */
export function parseDigits(s: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (s.length === 0 || s.length > 16) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    n = n * 10 + (c - 0x30);
  }
  return n <= max ? n : undefined;
}

/** Lower-cases ASCII letters only, as SIP's case-insensitive rules require (no locale rules). */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}

/**
 * Upper-cases ASCII letters only; returns `s` itself when it has no lower-case letter, the usual
 * case for transports and protocol names, which then costs no call into V8's locale-aware runtime.
 */
export function asciiUpper(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return s.toUpperCase();
  }
  return s;
}

/**
 * Removes leading and trailing SP/HTAB only (String#trim would also eat U+FEFF and other spaces),
 * from `s[from, end)` when a range is given: one slice, without cutting the range out first.
 */
export function trimWhitespace(s: string, from = 0, end = s.length): string {
  let a = from;
  let b = end;
  while (a < b && isWhitespace(s.charCodeAt(a))) a++;
  while (b > a && isWhitespace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
