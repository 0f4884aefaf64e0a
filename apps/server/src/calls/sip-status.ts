import type { HangUpCause } from './call-events';

/** Reason phrases of the final responses call control sends (RFC 3261 §21). */
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Decline',
};

/** The standard reason phrase for `status`. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 600 ? 'Global Failure' : status >= 500 ? 'Server Error' : 'Failed');
}

/** The hang-up cause a final failure status of an INVITE stands for. */
export function causeOfStatus(status: number): HangUpCause {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  if (status === 408) return 'no-answer';
  if (status === 480) return 'unavailable';
  if (status === 487) return 'cancelled';
  if (status === 404 || status === 484 || status === 604) return 'unknown-number';
  if (status === 488 || status === 606) return 'media-failed';
  return 'failed';
}

/** The status to refuse an unanswered inbound INVITE with, for a cause (RFC 3261 §21.4–§21.6). */
export function statusOfCause(cause: HangUpCause): number {
  switch (cause) {
    case 'busy':
      return 486;
    case 'declined':
      return 603;
    case 'unknown-number':
      return 404;
    case 'media-failed':
      return 488;
    case 'cancelled':
      return 487;
    case 'failed':
      return 500;
    default:
      return 480;
  }
}

/**
 * The most telling final status of a failed fork (after RFC 3261 §16.7 step 6): a 6xx ends the
 * search everywhere, then Busy Here, then anything but the 487s we caused ourselves by cancelling.
 */
export function bestFailure(statuses: readonly number[]): number | undefined {
  return (
    statuses.find((s) => s >= 600) ??
    statuses.find((s) => s === 486) ??
    statuses.find((s) => s !== 487) ??
    statuses[0]
  );
}
