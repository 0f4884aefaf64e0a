import { isToken, isWhitespace, parseDigits, trimWhitespace } from './scanner';

/** Sequence numbers must stay below 2**31 (RFC 3261 §8.1.1.5). */
export const MAX_CSEQ = 2 ** 31 - 1;

/** The CSeq header: sequence number and method (RFC 3261 §20.16). */
export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** Scans `1*DIGIT LWS Method`; undefined when malformed or when the number is 2**31 or more. */
export function scanCSeq(value: string): CSeq | undefined {
  let i = 0;
  while (i < value.length && !isWhitespace(value.charCodeAt(i))) i++;
  const seq = parseDigits(value.slice(0, i), MAX_CSEQ);
  if (seq === undefined) return undefined;
  const method = trimWhitespace(value.slice(i));
  return isToken(method) ? { seq, method } : undefined;
}

/** Renders a CSeq value. */
export function serializeCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}
