/**
 * Caller identity: turns whatever a trunk puts in From / P-Asserted-Identity into an E.164 number,
 * and masks numbers for logs and screens (号码脱敏, `138****8000`).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { reject, ok, type Rejection, type Result } from '@switchboard/kernel';
import { RememberedAnswers } from '../remembered-answers';
import { CustomerCode } from './customer-codes';

/** What kind of line a number is, as far as the numbering plan tells. */
export type LineType = 'mobile' | 'fixed-line' | 'toll-free' | 'other';

/** A caller number that parsed and is valid in its numbering plan. */
export interface CallerNumber {
  /** `+8613812345678`. */
  readonly e164: string;
  /** ISO 3166 country of the numbering plan (`CN`), when one country owns the calling code. */
  readonly country: string | null;
  /** Country calling code without `+` (`86`). */
  readonly callingCode: string;
  /** National significant number: no trunk prefix, no country code (`13812345678`, `2087654321`). */
  readonly nationalNumber: string;
  readonly lineType: LineType;
  /** Safe for logs and agent screens: `138****5678`. */
  readonly masked: string;
}

/** Longest input looked at; a SIP header value longer than this is not a phone number. */
const MAX_INPUT_CHARS = 256;
/** E.164 allows at most 15 digits (ITU-T E.164 §6). */
const MAX_DIGITS = 15;

const ANONYMOUS = /^(anonymous|unknown|unavailable|private|restricted|withheld|anonymous\.invalid)$/i;
/** Visual separators people and some trunks put in numbers: `138-1234-5678`, `(020) 8765 4321`. */
const SEPARATORS = /[\s\-.()/\u00a0\u3000]/g;

/**
 * Normalizes a caller number to E.164. Rules, in order (the default country is China):
 * 1. `sip:`/`sips:`/`tel:` URIs (also `"Name" <sip:…>`) give their user part; URI parameters and
 *    the `;phone-context` are dropped, `%xx` escapes decoded.
 * 2. Empty, `anonymous`, `unknown`, `private`, `restricted`, `withheld` → `CUSTOMERS.CALLER_ANONYMOUS`.
 * 3. Full-width characters are folded (NFKC); separators (spaces, `-`, `.`, brackets) are removed;
 *    anything else but digits and one leading
 *    `+` → `CUSTOMERS.CALLER_NUMBER_INVALID`.
 * 4. `+CC…` and `00CC…` are international (`+86 0…` loses the stray trunk `0`); `86` followed by
 *    at least 10 more digits is China without the `+`; `0` + mobile (`013812345678`, the long-distance prefix some Chinese trunks add to
 *    mobiles) drops the `0`; `0xx…` is a national landline with area code; `1xxxxxxxxxx` a mobile.
 * 5. The result must be a valid number of its plan (libphonenumber "max" metadata), else
 *    `CUSTOMERS.CALLER_NUMBER_INVALID`. Local numbers without area code cannot be placed and fail.
 */
export function normalizeCallerNumber(
  raw: string | null | undefined,
  defaultCountry: CountryCode = 'CN',
): Result<CallerNumber, Rejection> {
  // Only the first MAX_INPUT_CHARS are read, so a longer header is the same input.
  const input = (raw ?? '').slice(0, MAX_INPUT_CHARS);
  return recentNumbers.answer(`${defaultCountry}:${input}`, () => normalize(input, defaultCountry));
}

/**
 * Numbers normalized lately, by input. One call normalizes its caller's number several times (the
 * screen pop, the flow's CRM look-up, the order check), and libphonenumber takes about 25 µs each
 * time. Bounded, and started over when full, so it holds a few minutes of callers at most.
 */
const recentNumbers = new RememberedAnswers<Result<CallerNumber, Rejection>>(1_024);

function normalize(raw: string, defaultCountry: CountryCode): Result<CallerNumber, Rejection> {
  const user = userPart(raw);
  if (user === '' || ANONYMOUS.test(user))
    return reject(CustomerCode.CALLER_ANONYMOUS, 'The caller withheld the number');
  const candidate = international(user.replace(SEPARATORS, ''));
  const invalid = () =>
    reject(CustomerCode.CALLER_NUMBER_INVALID, 'Not a valid phone number', { masked: maskPhoneNumber(user) });
  if (!/^\+?\d+$/.test(candidate) || candidate.replace('+', '').length > MAX_DIGITS) return invalid();
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  if (parsed === undefined || !parsed.isValid()) return invalid();
  const e164 = parsed.number;
  // Frozen: the same answer is handed to every caller that asks (`recentNumbers`).
  return ok(
    Object.freeze({
      e164,
      country: parsed.country ?? null,
      callingCode: parsed.countryCallingCode,
      nationalNumber: parsed.nationalNumber,
      lineType: lineTypeOf(parsed.getType()),
      masked: maskPhoneNumber(e164),
    }),
  );
}

/** The user part of a SIP/tel URI, or the trimmed input when it is not a URI. */
function userPart(raw: string): string {
  // NFKC folds full-width digits and `＋` typed with Chinese input methods into ASCII.
  let s = raw.slice(0, MAX_INPUT_CHARS).normalize('NFKC').trim();
  const bracketed = /<([^>]*)>/.exec(s);
  if (bracketed) s = bracketed[1]!.trim();
  const uri = /^(sips?|tel):(.*)$/i.exec(s);
  if (uri) {
    const rest = uri[2]!;
    const user =
      uri[1]!.toLowerCase() === 'tel' ? rest : rest.includes('@') ? rest.slice(0, rest.indexOf('@')) : '';
    s = user.split(';')[0]!;
    try {
      s = decodeURIComponent(s);
    } catch {
      // A broken %-escape is garbage; the digit check below rejects it.
    }
  }
  return s.trim();
}

/** Rewrites the prefixes Chinese trunks use so that libphonenumber sees an unambiguous form. */
function international(digits: string): string {
  const plus = digits.startsWith('+') ? digits : digits.startsWith('00') ? `+${digits.slice(2)}` : undefined;
  // `+86 0755…`: the national trunk prefix kept after the country code, a common mistake.
  if (plus !== undefined) return plus.startsWith('+860') ? `+86${plus.slice(4)}` : plus;
  // `86` + national significant number (10–11 digits): a national number never starts with 86.
  if (digits.startsWith('86') && digits.length >= 12) return `+${digits}`;
  // Long-distance prefix in front of a mobile number: 0 + 1[3-9]xxxxxxxxx.
  if (/^01[3-9]\d{9}$/.test(digits)) return digits.slice(1);
  return digits;
}

function lineTypeOf(type: string | undefined): LineType {
  if (type === 'MOBILE') return 'mobile';
  if (type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE') return 'fixed-line';
  if (type === 'TOLL_FREE' || type === 'SHARED_COST') return 'toll-free';
  return 'other';
}

/**
 * Masks a phone number for logs and UIs: the first three and last four digits stay, the middle
 * becomes `****` whatever its length (so the length leaks nothing): `13812345678` → `138****5678`,
 * `+8613800138000` → `138****8000`, `02087654321` → `020****4321`. Chinese E.164 numbers are shown in
 * national form (with the trunk `0` for landlines), others keep `+`. Never throws; input without
 * enough digits becomes all stars.
 */
export function maskPhoneNumber(input: string | null | undefined): string {
  const text = (input ?? '').slice(0, MAX_INPUT_CHARS).normalize('NFKC');
  const plus = text.trim().startsWith('+');
  let digits = text.replace(/\D/g, '');
  let prefix = plus ? '+' : '';
  if (plus && digits.startsWith('86')) {
    digits = digits.slice(2);
    prefix = digits.startsWith('1') ? '' : '0';
  }
  const shown = prefix === '0' ? `0${digits}` : digits;
  const lead = prefix === '+' ? '+' : '';
  if (shown.length >= 8) return `${lead}${shown.slice(0, 3)}****${shown.slice(-4)}`;
  if (shown.length >= 5) return `${lead}${shown.slice(0, 1)}****${shown.slice(-2)}`;
  return '****';
}
