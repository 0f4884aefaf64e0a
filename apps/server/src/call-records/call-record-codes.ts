/** Stable rejection codes of call records; HTTP statuses live in `http/problem-status.ts`. */
export const CallRecordCode = {
  /** No call of that contact in the caller's tenant, or not one of the agent's own calls. */
  NOT_FOUND: 'CDR.NOT_FOUND',
} as const;

export type CallRecordCode = (typeof CallRecordCode)[keyof typeof CallRecordCode];
