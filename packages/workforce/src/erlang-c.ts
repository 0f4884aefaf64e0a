import { err, ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import { logErlangB } from './erlang-b';
import { checkQueueInput, offeredLoad, type QueueInput } from './queue-input';
import { checkAgents, firstRejection, WorkforceRejectionCode } from './workforce-limits';

/** Input of {@link erlangC}. */
export interface ErlangCInput extends QueueInput {
  /** n: agents handling the queue, a whole number. */
  readonly agents: number;
}

/** Steady-state measures of a queue; the definitions are those of ARCHITECTURE.md. */
export interface ErlangCResult {
  /** Probability that an arriving contact has to wait (finds every agent busy). */
  readonly pWait: number;
  /** Share of offered contacts answered within the threshold T. */
  readonly serviceLevel: number;
  /** Average speed of answer in seconds: mean wait of answered contacts. */
  readonly asa: number;
  /** Share of logged-in agent time spent handling contacts. */
  readonly occupancy: number;
}

/**
 * Erlang C measures for offered load A < n, with B = B(n, A) given as a logarithm.
 *
 * C(n, A) = n·B / (n − A(1 − B)) (Cooper §5.2), evaluated as B / (1 − ρ + ρB) with ρ = A/n: the
 * denominator stays ≥ 1 − ρ, so no intermediate overflows however small B is. Waiting time of M/M/n FCFS: P(W > t) = C·e^(−(nμ − λ)t),
 * hence SL(T) = 1 − C·e^(−(n − A)T/AHT), ASA = C·AHT/(n − A), occupancy = ρ.
 */
export function erlangCMetrics(
  load: number,
  agents: number,
  averageHandleTime: number,
  targetTime: number,
  logBlocking: number = logErlangB(load, agents),
): ErlangCResult {
  const rho = load / agents;
  const blocking = Math.exp(logBlocking);
  const pWait = blocking / (1 - rho + rho * blocking);
  const drainRate = (agents - load) / averageHandleTime;
  return {
    pWait,
    serviceLevel: 1 - pWait * Math.exp(-drainRate * targetTime),
    asa: pWait / drainRate,
    occupancy: rho,
  };
}

/**
 * Erlang C (M/M/n, infinite patience, FCFS): probability of wait, service level, ASA, occupancy.
 * With no abandonment the queue has a steady state only when the offered load A = λ·AHT is below
 * the agent count; otherwise it is rejected with `WORKFORCE.UNSTABLE_QUEUE` (Erlang A describes
 * that regime). Other rejections: see `WorkforceRejectionCode`.
 */
export function erlangC(input: ErlangCInput): Result<ErlangCResult, Rejection> {
  const problem = firstRejection(checkQueueInput(input), checkAgents(input.agents));
  if (problem) return err(problem);
  const load = offeredLoad(input);
  if (load >= input.agents)
    return reject(
      WorkforceRejectionCode.unstableQueue,
      `offered load ${load} erlangs needs more than ${input.agents} agents: without abandonment the queue grows without bound`,
      { load, agents: input.agents },
    );
  return ok(erlangCMetrics(load, input.agents, input.averageHandleTime, input.targetTime));
}
