/**
 * The one table from stable rejection codes to HTTP statuses. A context that adds a code adds its line
 * here; a code missing from the table answers 422 (an expected refusal nobody mapped yet) and is
 * logged so the gap is noticed.
 */
export const PROBLEM_STATUS: Readonly<Record<string, number>> = {
  // Protocol-level problems found before a handler runs.
  'HTTP.MALFORMED_JSON': 400,
  'HTTP.VALIDATION_FAILED': 400,
  'HTTP.BAD_REQUEST': 400,
  'HTTP.NOT_FOUND': 404,
  'HTTP.PAYLOAD_TOO_LARGE': 413,
  'HTTP.UNSUPPORTED_MEDIA_TYPE': 415,
  'HTTP.TOO_MANY_REQUESTS': 429,
  'HTTP.INTERNAL_ERROR': 500,
  'HTTP.UNAVAILABLE': 503,
  // Authentication and access.
  'AUTH.UNAUTHENTICATED': 401,
  'AUTH.INVALID_CREDENTIALS': 401,
  'AUTH.FORBIDDEN': 403,
  'AUTH.TOO_MANY_ATTEMPTS': 429,
  // Identity administration.
  'IDENTITY.USER_NOT_FOUND': 404,
  'IDENTITY.USERNAME_TAKEN': 409,
  'IDENTITY.LAST_ADMIN': 409,
  'IDENTITY.WEAK_PASSWORD': 422,
  'IDENTITY.DEPARTMENT_NOT_FOUND': 404,
  'IDENTITY.DEPARTMENT_NAME_TAKEN': 409,
  'IDENTITY.DEPARTMENT_IN_USE': 409,
  'IDENTITY.TOKEN_NOT_FOUND': 404,
  'IDENTITY.TOKEN_LIFETIME_TOO_LONG': 422,
  // Event store (store/store-error.ts): conflicts are the caller's to retry; failures are ours.
  'STORE.VERSION_CONFLICT': 409,
  'STORE.DUPLICATE_EVENT': 409,
  'STORE.IDEMPOTENCY_KEY_REUSED': 409,
  'STORE.INVALID_APPEND': 422,
  'STORE.TENANT_MISMATCH': 422,
  'STORE.WRITE_FAILED': 503,
  'STORE.READ_FAILED': 503,
  // Routing (packages/routing RoutingCode and expression codes; the server's routing host adds
  // UNAVAILABLE and NOT_AN_AGENT). State conflicts are 409: the request was fine, the moment was not.
  'ROUTING.UNKNOWN_AGENT': 404,
  'ROUTING.AGENT_ALREADY_LOGGED_IN': 409,
  'ROUTING.AGENT_LOGGED_OUT': 409,
  'ROUTING.AGENT_ALREADY_READY': 409,
  'ROUTING.AGENT_ALREADY_NOT_READY': 409,
  'ROUTING.AGENT_HAS_ACTIVE_CONTACTS': 409,
  'ROUTING.UNKNOWN_CHANNEL': 422,
  'ROUTING.NOT_IN_WRAP_UP': 409,
  'ROUTING.WRAP_UP_NOT_EXTENDABLE': 409,
  'ROUTING.INVALID_AGENT': 422,
  'ROUTING.UNKNOWN_QUEUE': 404,
  'ROUTING.INVALID_QUEUE': 422,
  'ROUTING.UNKNOWN_STRATEGY': 422,
  'ROUTING.UNKNOWN_CONTACT': 404,
  'ROUTING.CONTACT_ALREADY_EXISTS': 409,
  'ROUTING.INVALID_CONTACT': 422,
  'ROUTING.CONTACT_NOT_WAITING': 409,
  'ROUTING.CONTACT_NOT_OFFERED': 409,
  'ROUTING.OFFERED_TO_ANOTHER_AGENT': 409,
  'ROUTING.CONTACT_NOT_CONNECTED': 409,
  'ROUTING.CONTACT_NOT_HELD': 409,
  'ROUTING.CONTACT_ALREADY_HELD': 409,
  'ROUTING.NOT_A_CALLBACK': 409,
  'ROUTING.ALREADY_A_CALLBACK': 409,
  'ROUTING.EXPRESSION_SYNTAX': 422,
  'ROUTING.EXPRESSION_TYPE': 422,
  'ROUTING.EXPRESSION_TOO_COMPLEX': 422,
  'ROUTING.UNKNOWN_SKILL': 422,
  'ROUTING.UNKNOWN_ATTRIBUTE': 422,
  'ROUTING.UNAVAILABLE': 503,
  'ROUTING.NOT_AN_AGENT': 409,
  // Customers (customers/customer-codes.ts): a withheld or garbage number cannot be looked up.
  'CUSTOMERS.CUSTOMER_NOT_FOUND': 404,
  'CUSTOMERS.ORDER_NOT_FOUND': 404,
  'CUSTOMERS.CALLER_ANONYMOUS': 422,
  'CUSTOMERS.CALLER_NUMBER_INVALID': 422,
  'CUSTOMERS.TOO_MANY_LOOKUPS': 429,
  // Recordings (recordings/recording-codes.ts): another tenant's recording is as absent as none.
  'RECORDINGS.RECORDING_NOT_FOUND': 404,
  'RECORDINGS.AUDIO_MISSING': 404,
  // SIP trunks (telephony/trunks): another tenant's trunk is as absent as none.
  'TRUNKS.TRUNK_NOT_FOUND': 404,
  'TRUNKS.NAME_TAKEN': 409,
  'TRUNKS.INVALID_TRUNK': 422,
  // Live-call actions (call-actions/call-action-codes.ts): state conflicts are 409 (the request was
  // fine, the moment was not); what the server cannot do at all is 503.
  'CALL.NOT_FOUND': 404,
  'CALL.NOT_YOUR_CALL': 403,
  'CALL.NOT_CONNECTED': 409,
  'CALL.ALREADY_HELD': 409,
  'CALL.NOT_HELD': 409,
  'CALL.CONSULTING': 409,
  'CALL.NO_CONSULTATION': 409,
  'CALL.CONFERENCING': 409,
  'CALL.CONSULTATION_NOT_CONNECTED': 409,
  'CALL.TRANSFER_PENDING': 409,
  'CALL.AGENT_NOT_AVAILABLE': 409,
  'CALL.SAME_AGENT': 409,
  'CALL.NO_DEVICE': 409,
  'CALL.NO_OUTBOUND_TRUNK': 503,
  'CALL.NOT_RECORDED': 409,
  'CALL.ALREADY_PAUSED': 409,
  'CALL.NOT_PAUSED': 409,
  'CALL.MONITORING_UNAVAILABLE': 503,
  'CALL.CONFERENCE_UNAVAILABLE': 503,
  'CALL.ALREADY_MONITORING': 409,
  'CALL.NOT_MONITORING': 409,
  'CALL.MONITOR_NOT_CONNECTED': 409,
  'CALL.CALL_CONTROL_REFUSED': 409,
  // Call records: another tenant's call, and an agent's colleague's call, are as absent as none.
  'CDR.NOT_FOUND': 404,
  // Real-time: an event-stream upgrade from a page of another origin.
  'REALTIME.ORIGIN_NOT_ALLOWED': 403,
};

/** Status used for a code that is not in {@link PROBLEM_STATUS}. */
export const UNMAPPED_REJECTION_STATUS = 422;

/** The HTTP status for a rejection code, and whether the code was known. */
export function statusForCode(code: string): { status: number; known: boolean } {
  const status = PROBLEM_STATUS[code];
  return status === undefined ? { status: UNMAPPED_REJECTION_STATUS, known: false } : { status, known: true };
}
