/**
 * Stable rejection codes of the customers context (caller identity, CRM look-ups). HTTP statuses for
 * them live in `http/problem-status.ts`.
 */
export const CustomerCode = {
  /** The trunk withheld the number (anonymous, restricted, empty). */
  CALLER_ANONYMOUS: 'CUSTOMERS.CALLER_ANONYMOUS',
  /** What the trunk sent is not a valid phone number. */
  CALLER_NUMBER_INVALID: 'CUSTOMERS.CALLER_NUMBER_INVALID',
  CUSTOMER_NOT_FOUND: 'CUSTOMERS.CUSTOMER_NOT_FOUND',
  ORDER_NOT_FOUND: 'CUSTOMERS.ORDER_NOT_FOUND',
  /** The user spent their budget of look-ups by phone number for now. */
  TOO_MANY_LOOKUPS: 'CUSTOMERS.TOO_MANY_LOOKUPS',
} as const;

export type CustomerCode = (typeof CustomerCode)[keyof typeof CustomerCode];
