import { asciiLower, splitList } from '../header/scanner';

/**
 * One header field line as received or to be sent: known names in their canonical long spelling
 * (`Call-ID`, `CSeq`, `WWW-Authenticate`), unknown names exactly as received; the value with folding
 * replaced by single spaces and outer whitespace trimmed (RFC 3261 §7.3.1), otherwise untouched.
 */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

/** Compact forms (RFC 3261 §7.3.3, and the extensions that defined one). */
const COMPACT: Readonly<Record<string, string>> = {
  a: 'Accept-Contact', // RFC 3841
  b: 'Referred-By', // RFC 3892
  c: 'Content-Type',
  d: 'Request-Disposition', // RFC 3841
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact', // RFC 3841
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info', // RFC 4474
  o: 'Event', // RFC 6665
  r: 'Refer-To', // RFC 3515
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events', // RFC 6665
  v: 'Via',
  x: 'Session-Expires', // RFC 4028
  y: 'Identity', // RFC 8224
};

const KNOWN = [
  'Accept',
  'Accept-Contact',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Authentication-Info',
  'Authorization',
  'Call-ID',
  'Call-Info',
  'Contact',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Content-Length',
  'Content-Type',
  'CSeq',
  'Date',
  'Error-Info',
  'Event',
  'Expires',
  'From',
  'Identity',
  'Identity-Info',
  'In-Reply-To',
  'Max-Forwards',
  'MIME-Version',
  'Min-Expires',
  'Min-SE',
  'Organization',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Path',
  'Priority',
  'Privacy',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'RAck',
  'Reason',
  'Record-Route',
  'Refer-To',
  'Referred-By',
  'Reject-Contact',
  'Replaces',
  'Reply-To',
  'Request-Disposition',
  'Require',
  'Retry-After',
  'Route',
  'RSeq',
  'Server',
  'Service-Route',
  'Session-Expires',
  'Subject',
  'Subscription-State',
  'Supported',
  'Timestamp',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
];

const CANONICAL = new Map<string, string>();
/**
 * Names already in canonical spelling, the common case on the wire: found without lower-casing.
 * The value is this module's own copy of the name, so a parsed header's name is the interned
 * literal and every later `name === 'Via'` is a pointer comparison, not a character-by-character
 * one against a slice of the message.
 */
const EXACT = new Map<string, string>(KNOWN.map((n) => [n, n]));
for (const name of KNOWN) CANONICAL.set(name.toLowerCase(), name);
for (const [short, long] of Object.entries(COMPACT)) CANONICAL.set(short, long);

/**
 * Headers whose values are comma-separated lists (RFC 3261 §7.3.1). Others (WWW-Authenticate,
 * Authorization, Date, unknown headers) may contain commas that do not separate values, so they are
 * never split.
 */
const LISTS = new Set([
  'Accept',
  'Accept-Contact',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Call-Info',
  'Contact',
  'Content-Encoding',
  'Content-Language',
  'Error-Info',
  'In-Reply-To',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Path',
  'Proxy-Require',
  'Reason',
  'Record-Route',
  'Reject-Contact',
  'Require',
  'Route',
  'Service-Route',
  'Supported',
  'Unsupported',
  'Via',
  'Warning',
]);

/** Long forms of compact names, keyed by the compact letter. */
export const COMPACT_FORMS: Readonly<Record<string, string>> = COMPACT;

/** Canonical spelling of a header name: compact forms expanded, known names normalized, others kept. */
export function canonicalHeaderName(name: string): string {
  return EXACT.get(name) ?? CANONICAL.get(asciiLower(name)) ?? name;
}

/** True when `name` (any spelling) is a header this package knows. */
export function isKnownHeader(name: string): boolean {
  return CANONICAL.has(asciiLower(name));
}

/** True when the header's values may be combined into one comma-separated line (RFC 3261 §7.3.1). */
export function isListHeader(name: string): boolean {
  return LISTS.has(canonicalHeaderName(name));
}

/** The compact form of a canonical name, when it has one (used by the compact serializer). */
export function compactHeaderName(name: string): string | undefined {
  for (const [short, long] of Object.entries(COMPACT)) {
    if (long === name && 'cefiklmstv'.includes(short)) return short;
  }
  return undefined;
}

/** True when `field` is the header `name` (any spelling; compact forms match their long names). */
export function headerMatches(field: HeaderField, canonical: string): boolean {
  return (
    field.name === canonical ||
    (field.name.length === canonical.length && asciiLower(field.name) === asciiLower(canonical))
  );
}

/** All values of `name` among `fields`: list headers split at top-level commas, others one per line. */
export function headerValues(fields: readonly HeaderField[], name: string): string[] {
  const canonical = canonicalHeaderName(name);
  const split = LISTS.has(canonical);
  const out: string[] = [];
  for (const f of fields) {
    if (!headerMatches(f, canonical)) continue;
    if (split) out.push(...splitList(f.value));
    else out.push(f.value);
  }
  return out;
}
