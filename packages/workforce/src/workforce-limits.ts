import { rejection, type Rejection } from '@switchboard/kernel';

/**
 * The documented input ranges. Beyond them the models stop describing a contact center (handle times
 * of weeks, ten thousand contacts a second) and the Erlang A sums grow without bound or underflow, so
 * such inputs are refused with a coded rejection instead of being computed slowly or wrongly.
 */
export const WORKFORCE_LIMITS = {
  /** Most agents (or trunks) any calculation accepts. */
  maxAgents: 20_000,
  /** Largest offered load, in erlangs. */
  maxOfferedLoad: 1_000_000,
  /** Smallest arrival rate, in contacts per second (about three contacts a century). */
  minArrivalRate: 1e-9,
  /** Largest arrival rate, in contacts per second. */
  maxArrivalRate: 10_000,
  /** Shortest handle time or patience, in seconds. */
  minSeconds: 0.001,
  /** Longest handle time, patience or service-level threshold, in seconds (about 11.6 days). */
  maxSeconds: 1_000_000,
} as const;

/** Stable rejection codes of this package; the CLI and HTTP layers carry them unchanged. */
export const WorkforceRejectionCode = {
  invalidArrivalRate: 'WORKFORCE.INVALID_ARRIVAL_RATE',
  invalidCallVolume: 'WORKFORCE.INVALID_CALL_VOLUME',
  invalidInterval: 'WORKFORCE.INVALID_INTERVAL',
  invalidHandleTime: 'WORKFORCE.INVALID_HANDLE_TIME',
  invalidTraffic: 'WORKFORCE.INVALID_TRAFFIC',
  invalidAgents: 'WORKFORCE.INVALID_AGENTS',
  tooManyAgents: 'WORKFORCE.TOO_MANY_AGENTS',
  invalidTrunks: 'WORKFORCE.INVALID_TRUNKS',
  tooManyTrunks: 'WORKFORCE.TOO_MANY_TRUNKS',
  invalidTargetTime: 'WORKFORCE.INVALID_TARGET_TIME',
  invalidPatience: 'WORKFORCE.INVALID_PATIENCE',
  invalidServiceLevel: 'WORKFORCE.INVALID_SERVICE_LEVEL',
  invalidAbandonRate: 'WORKFORCE.INVALID_ABANDON_RATE',
  invalidShrinkage: 'WORKFORCE.INVALID_SHRINKAGE',
  unstableQueue: 'WORKFORCE.UNSTABLE_QUEUE',
  targetUnreachable: 'WORKFORCE.TARGET_UNREACHABLE',
} as const;

/** One of the codes in {@link WorkforceRejectionCode}. */
export type WorkforceRejectionCode = (typeof WorkforceRejectionCode)[keyof typeof WorkforceRejectionCode];

/** A check yields the rejection for a bad value, or `undefined` when the value is acceptable. */
export type Check = Rejection | undefined;

/** The first failing check, so every entry point reports problems in the same order. */
export function firstRejection(...checks: readonly Check[]): Rejection | undefined {
  return checks.find((c) => c !== undefined);
}

function bad(code: WorkforceRejectionCode, message: string, value: number): Rejection {
  return rejection(code, message, { value });
}

/** λ: contacts per second, finite, > 0, within [`minArrivalRate`, `maxArrivalRate`]. */
export function checkArrivalRate(arrivalRate: number): Check {
  if (!Number.isFinite(arrivalRate) || arrivalRate <= 0)
    return bad(
      WorkforceRejectionCode.invalidArrivalRate,
      `arrival rate must be a number > 0 contacts per second, got ${arrivalRate}`,
      arrivalRate,
    );
  if (arrivalRate < WORKFORCE_LIMITS.minArrivalRate || arrivalRate > WORKFORCE_LIMITS.maxArrivalRate)
    return bad(
      WorkforceRejectionCode.invalidArrivalRate,
      `arrival rate must be between ${WORKFORCE_LIMITS.minArrivalRate} and ${WORKFORCE_LIMITS.maxArrivalRate} per second, got ${arrivalRate}`,
      arrivalRate,
    );
  return undefined;
}

/** A duration in seconds that must be positive: finite, within [`minSeconds`, `maxSeconds`]. */
function checkDuration(seconds: number, code: WorkforceRejectionCode, what: string): Check {
  if (
    !Number.isFinite(seconds) ||
    seconds < WORKFORCE_LIMITS.minSeconds ||
    seconds > WORKFORCE_LIMITS.maxSeconds
  )
    return bad(
      code,
      `${what} must be between ${WORKFORCE_LIMITS.minSeconds} and ${WORKFORCE_LIMITS.maxSeconds} s, got ${seconds}`,
      seconds,
    );
  return undefined;
}

/** Average handle time in seconds, within [`minSeconds`, `maxSeconds`]. */
export function checkHandleTime(averageHandleTime: number): Check {
  return checkDuration(averageHandleTime, WorkforceRejectionCode.invalidHandleTime, 'average handle time');
}

/** Offered load (erlangs): finite, > 0, at most `maxOfferedLoad`. */
export function checkTraffic(erlangs: number): Check {
  if (!Number.isFinite(erlangs) || erlangs <= 0 || erlangs > WORKFORCE_LIMITS.maxOfferedLoad)
    return bad(
      WorkforceRejectionCode.invalidTraffic,
      `offered traffic must be > 0 and at most ${WORKFORCE_LIMITS.maxOfferedLoad} erlangs, got ${erlangs}`,
      erlangs,
    );
  return undefined;
}

/** Agents (or, with `kind` `'trunks'`, trunks): a whole number from 1 to `maxAgents`. */
export function checkAgents(count: number, kind: 'agents' | 'trunks' = 'agents'): Check {
  const [invalid, tooMany] =
    kind === 'agents'
      ? ([WorkforceRejectionCode.invalidAgents, WorkforceRejectionCode.tooManyAgents] as const)
      : ([WorkforceRejectionCode.invalidTrunks, WorkforceRejectionCode.tooManyTrunks] as const);
  if (!Number.isInteger(count) || count < 1)
    return bad(invalid, `${kind} must be a whole number ≥ 1, got ${count}`, count);
  if (count > WORKFORCE_LIMITS.maxAgents)
    return bad(tooMany, `${count} ${kind} exceeds the maximum of ${WORKFORCE_LIMITS.maxAgents}`, count);
  return undefined;
}

/** Service-level threshold T in seconds: finite, ≥ 0, at most `maxSeconds`. */
export function checkTargetTime(targetTime: number): Check {
  if (!Number.isFinite(targetTime) || targetTime < 0 || targetTime > WORKFORCE_LIMITS.maxSeconds)
    return bad(
      WorkforceRejectionCode.invalidTargetTime,
      `service-level threshold must be ≥ 0 and at most ${WORKFORCE_LIMITS.maxSeconds} s, got ${targetTime}`,
      targetTime,
    );
  return undefined;
}

/** Mean patience in seconds, within [`minSeconds`, `maxSeconds`]. */
export function checkPatience(patience: number): Check {
  return checkDuration(patience, WorkforceRejectionCode.invalidPatience, 'mean patience');
}

/** A fraction strictly between 0 and 1 (a target that 0 or 1 would make trivial or unreachable). */
export function checkOpenFraction(value: number, code: WorkforceRejectionCode, what: string): Check {
  if (!Number.isFinite(value) || value <= 0 || value >= 1)
    return bad(code, `${what} must be strictly between 0 and 1, got ${value}`, value);
  return undefined;
}
