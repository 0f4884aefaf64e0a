/**
 * Phone numbers in the Chinese numbering plan as trunks want them. A number is read as:
 * - `+<cc><nsn>` or `00<cc><nsn>`: international (E.164, ITU-T E.123 international prefix 00);
 * - `0<nsn>`: national with the trunk prefix (landlines: `010 12345678`, `0755 1234567`);
 * - seven digits or more without a prefix: a national significant number dialled without the trunk
 *   prefix (mobiles `1xx xxxx xxxx`, 400/800 hotlines);
 * - fewer digits: a short code (95xxx service numbers, 110, 10086), which has no E.164 form and is
 *   sent as it is whatever the dial format.
 */
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import type { DialFormat } from './trunk';

/** China's country code (ITU-T E.164 assignment). */
export const CHINA_COUNTRY_CODE = '86';

/** Rejection of a number that is not dialable. */
export const INVALID_NUMBER = 'TRUNKS.INVALID_NUMBER';

/** A number understood: international digits (country code first, no `+`), or a short code. */
export type ParsedNumber =
  | { readonly kind: 'international'; readonly digits: string }
  | { readonly kind: 'short'; readonly digits: string };

/**
 * Reads a dialled number, ignoring the separators people type (spaces, `-`, `.`, parentheses).
 * Anything else, or a number of the wrong length, is refused with {@link INVALID_NUMBER}.
 */
export function parseNumber(raw: string): Result<ParsedNumber, Rejection> {
  const compact = raw.replace(/[\s\-.()]/g, '');
  const bad = (why: string): Result<never, Rejection> =>
    err(rejection(INVALID_NUMBER, `"${raw}" is not a dialable number: ${why}`, { number: raw }));
  if (!/^\+?\d+$/.test(compact)) return bad('only digits and a leading + are allowed');
  let international: string;
  if (compact.startsWith('+')) international = compact.slice(1);
  else if (compact.startsWith('00')) international = compact.slice(2);
  else if (compact.startsWith('0')) international = CHINA_COUNTRY_CODE + compact.slice(1);
  else if (compact.length >= 7) international = CHINA_COUNTRY_CODE + compact;
  else if (compact.length >= 3) return ok({ kind: 'short', digits: compact });
  else return bad('too short');
  // E.164 §6.1: at most 15 digits including the country code.
  if (international.length < 8 || international.length > 15) return bad('wrong length for a phone number');
  return ok({ kind: 'international', digits: international });
}

/** The number as the trunk's dial format writes it; see the module comment for the rules. */
export function formatNumber(raw: string, format: DialFormat): Result<string, Rejection> {
  const parsed = parseNumber(raw);
  if (!parsed.ok) return parsed;
  return ok(renderNumber(parsed.value, format));
}

/** Renders a parsed number: `+<digits>` in E.164; national numbers in their domestic form otherwise. */
export function renderNumber(number: ParsedNumber, format: DialFormat): string {
  if (number.kind === 'short') return number.digits;
  if (format === 'e164') return `+${number.digits}`;
  if (!number.digits.startsWith(CHINA_COUNTRY_CODE)) return `00${number.digits}`;
  const nsn = number.digits.slice(CHINA_COUNTRY_CODE.length);
  return dialledWithoutTrunkPrefix(nsn) ? nsn : `0${nsn}`;
}

/**
 * True when two numbers are the same line however written (`+8613800138000`, `13800138000`,
 * `0086 138 0013 8000`); invalid numbers equal nothing.
 */
export function sameNumber(a: string, b: string): boolean {
  const x = parseNumber(a);
  const y = parseNumber(b);
  return x.ok && y.ok && x.value.kind === y.value.kind && x.value.digits === y.value.digits;
}

/** Mobiles (11 digits starting with 1) and 400/800 numbers take no trunk prefix in China. */
function dialledWithoutTrunkPrefix(nsn: string): boolean {
  return /^1\d{10}$/.test(nsn) || /^[48]00\d{7}$/.test(nsn);
}
