import { err, ok, reject, type Err, type Rejection, type Result } from '@switchboard/kernel';
import { erlangAMetrics, type ErlangAResult } from './erlang-a';
import { erlangCMetrics, type ErlangCResult } from './erlang-c';
import { checkQueueInput, offeredLoad, type QueueInput } from './queue-input';
import {
  checkOpenFraction,
  checkPatience,
  firstRejection,
  WORKFORCE_LIMITS,
  WorkforceRejectionCode,
} from './workforce-limits';

/** Input of {@link requiredAgentsErlangC}. */
export interface ErlangCStaffingInput extends QueueInput {
  /** Service-level goal: the share of offered contacts to answer within `targetTime`, in (0, 1). */
  readonly serviceLevel: number;
}

/** Input of {@link requiredAgentsErlangA}. */
export interface ErlangAStaffingInput extends ErlangCStaffingInput {
  /** Mean patience in seconds. */
  readonly patience: number;
  /** Optional cap on the abandonment share, in (0, 1); both goals must hold. */
  readonly maxAbandonRate?: number;
}

/** The agent count found, with the measures the queue reaches at that count. */
export type Staffing<M> = M & {
  /** Smallest number of agents on the phones meeting every goal. */
  readonly agents: number;
};

/** Service levels this close below the goal count as meeting it, so rounding never adds an agent. */
const TOLERANCE = 1e-12;

/**
 * Smallest n in [low, high] with `meets(n)`, for a predicate that is false then true as n grows
 * (service level rises and abandonment falls with every added agent). Binary search: O(log n) model
 * evaluations, each O(n) for the Erlang B recursion.
 */
function smallestMeeting(low: number, high: number, meets: (agents: number) => boolean): number | undefined {
  if (!meets(high)) return undefined;
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function unreachable(what: string): Err<Rejection> {
  return reject(
    WorkforceRejectionCode.targetUnreachable,
    `${what} cannot be met with at most ${WORKFORCE_LIMITS.maxAgents} agents`,
    { maxAgents: WORKFORCE_LIMITS.maxAgents },
  );
}

/**
 * Fewest agents for which Erlang C reaches the service-level goal. Candidates start above the
 * offered load, the least staffing with a steady state.
 * Rejects `WORKFORCE.INVALID_SERVICE_LEVEL`, `WORKFORCE.TARGET_UNREACHABLE` and input errors.
 */
export function requiredAgentsErlangC(
  input: ErlangCStaffingInput,
): Result<Staffing<ErlangCResult>, Rejection> {
  const problem = firstRejection(
    checkQueueInput(input),
    checkOpenFraction(input.serviceLevel, WorkforceRejectionCode.invalidServiceLevel, 'service level'),
  );
  if (problem) return err(problem);
  const load = offeredLoad(input);
  const low = Math.floor(load) + 1;
  const measure = (agents: number) => erlangCMetrics(load, agents, input.averageHandleTime, input.targetTime);
  if (low > WORKFORCE_LIMITS.maxAgents) return unreachable(`service level ${input.serviceLevel}`);
  const agents = smallestMeeting(
    low,
    WORKFORCE_LIMITS.maxAgents,
    (n) => measure(n).serviceLevel >= input.serviceLevel - TOLERANCE,
  );
  if (agents === undefined) return unreachable(`service level ${input.serviceLevel}`);
  return ok({ agents, ...measure(agents) });
}

/**
 * Fewest agents for which Erlang A reaches the service-level goal and, when given, keeps the
 * abandonment share at or below `maxAbandonRate`. Staffing below the offered load is allowed: with
 * impatient callers such a queue still has a steady state.
 * Rejects `WORKFORCE.INVALID_SERVICE_LEVEL`, `WORKFORCE.INVALID_ABANDON_RATE`,
 * `WORKFORCE.TARGET_UNREACHABLE` and input errors.
 */
export function requiredAgentsErlangA(
  input: ErlangAStaffingInput,
): Result<Staffing<ErlangAResult>, Rejection> {
  const cap = input.maxAbandonRate;
  const problem = firstRejection(
    checkQueueInput(input),
    checkPatience(input.patience),
    checkOpenFraction(input.serviceLevel, WorkforceRejectionCode.invalidServiceLevel, 'service level'),
    cap === undefined
      ? undefined
      : checkOpenFraction(cap, WorkforceRejectionCode.invalidAbandonRate, 'abandon rate cap'),
  );
  if (problem) return err(problem);
  const load = offeredLoad(input);
  const measure = (agents: number) =>
    erlangAMetrics(load, agents, input.averageHandleTime, input.targetTime, input.patience);
  const agents = smallestMeeting(1, WORKFORCE_LIMITS.maxAgents, (n) => {
    const m = measure(n);
    return (
      m.serviceLevel >= input.serviceLevel - TOLERANCE && (cap === undefined || m.pAbandon <= cap + TOLERANCE)
    );
  });
  if (agents === undefined)
    return unreachable(
      cap === undefined
        ? `service level ${input.serviceLevel}`
        : `service level ${input.serviceLevel} with abandonment ≤ ${cap}`,
    );
  return ok({ agents, ...measure(agents) });
}
