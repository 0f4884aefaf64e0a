import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { logErlangB } from './erlang-b';
import type { ErlangCInput, ErlangCResult } from './erlang-c';
import { poissonSums } from './poisson-sums';
import { checkQueueInput, offeredLoad } from './queue-input';
import { logAddExp, logPoissonTerm } from './special-functions';
import { checkAgents, checkPatience, firstRejection } from './workforce-limits';

/** Input of {@link erlangA}: an Erlang C queue whose callers give up after an exponential patience. */
export interface ErlangAInput extends ErlangCInput {
  /** Mean patience in seconds (1/θ): how long a caller would wait, on average, before hanging up. */
  readonly patience: number;
}

/**
 * Measures of the Erlang A queue. `serviceLevel` counts abandoned contacts as failures, `asa` is over
 * answered contacts only, `meanWait` is over all offered contacts with abandoners counted for the
 * time they waited, `occupancy` uses the carried load A·(1 − pAbandon).
 */
export interface ErlangAResult extends ErlangCResult {
  /** Share of offered contacts that hang up before being answered. */
  readonly pAbandon: number;
  /** Mean wait in seconds over all offered contacts, answered or abandoned. */
  readonly meanWait: number;
}

/**
 * Erlang A measures for any load (no stability condition: abandonment bounds the queue).
 *
 * Model: M/M/n+M (Palm 1943; Garnett, Mandelbaum & Reiman, "Designing a Call Center with Impatient
 * Customers", MSOM 4(3), 2002; Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of performance
 * measures", 2007). With μ = 1/AHT, θ = 1/patience, x = λ/θ, y = nμ/θ the birth–death chain gives,
 * relative to π_n (all agents busy, nobody waiting):
 *   - not waiting: Σ_{j<n} π_j/π_n = (1 − B)/B with B = B(n, A) the Erlang B value;
 *   - waiting with k ahead: p_k = D(y+k, x)/D(y, x), D(b, u) = u^b e^(−u)/Γ(b+1), so the waiting mass
 *     S = Σ p_k = P(y, x)/D(y, x) (P the regularized incomplete gamma) and P(wait) = S/((1−B)/B + S).
 * A caller who finds k waiting reaches an agent after the virtual wait V, a sum of exponentials with
 * rates θ(y+k), …, θy, so e^(−θV) ~ Beta(y, k+1); it is answered when its patience exceeds V. From
 * that, with a = y + 1 and t_k = D(a+k, ·):
 *   - abandonment: P(ab) = θ·E[queue]/λ = π_n Σ k·p_k / x;
 *   - answered after waiting more than T: π_n (y/x)·P(y+1, x e^(−θT))/D(y, x);
 *   - E[V; answered] = π_n (y/(xθ)) Σ_k H_(k+1) D(y+1+k, x)/D(y, x), H the harmonic sums of
 *     `poissonSums` (from E[V e^(−θV)] of the hypoexponential V);
 *   - mean wait over all = E[queue]/λ = P(ab)/θ (Little's law).
 * Everything is combined as logarithms, so n up to 20,000 and loads far above n stay finite.
 */
export function erlangAMetrics(
  load: number,
  agents: number,
  averageHandleTime: number,
  targetTime: number,
  patience: number,
  logBlocking: number = logErlangB(load, agents),
): ErlangAResult {
  const arrivalRate = load / averageHandleTime;
  const x = arrivalRate * patience;
  const y = (agents * patience) / averageHandleTime;
  const yOverX = y / x;

  // Masses are kept in units of the largest waiting term D(y+m, x): a heavily loaded queue puts that
  // unit near e^(10^10) relative to π_n, and adding then removing such a logarithm would cost digits.
  const at = poissonSums(y, x);
  const logUnit = at.logScale - logPoissonTerm(y, x);
  // ln((1 − B)/B) is the mass of callers who find a free agent relative to π_n.
  const logNoWait = Math.log1p(-Math.exp(logBlocking)) - logBlocking - logUnit;
  const logWaiting = Math.log(at.total);
  const logAbandoned = Math.log(at.indexWeighted / x);
  const logAnsweredAfterWait = Math.log(yOverX * at.tail);
  const logAnswerDelay = Math.log(yOverX * patience * at.harmonicWeighted);

  // Callers answered after waiting more than T: P(y + 1, x e^(−θT)) = Σ_k D(y+1+k, x e^(−θT)).
  const late = poissonSums(y + 1, x * Math.exp(-targetTime / patience));
  const logLateShare = late.logScale - at.logScale + Math.log(late.total / at.tail);
  const logAnsweredInTime =
    logLateShare >= 0 ? -Infinity : logAnsweredAfterWait + Math.log1p(-Math.exp(logLateShare));

  const logOffered = logAddExp(logNoWait, logWaiting);
  const logAnswered = logAddExp(logNoWait, logAnsweredAfterWait);
  const pAbandon = Math.exp(logAbandoned - logOffered);
  return {
    pWait: Math.exp(logWaiting - logOffered),
    serviceLevel: Math.exp(logAddExp(logNoWait, logAnsweredInTime) - logOffered),
    asa: Math.exp(logAnswerDelay - logAnswered),
    // Carried load over agents; the cap only absorbs rounding in a queue that keeps everyone busy.
    occupancy: Math.min(1, (load * Math.exp(logAnswered - logOffered)) / agents),
    pAbandon,
    meanWait: pAbandon * patience,
  };
}

/**
 * Erlang A (M/M/n+M): probability of wait, service level, ASA over answered contacts, abandonment,
 * mean wait over all contacts and occupancy for exponential patience with the given mean.
 * As patience → ∞ the results tend to Erlang C (when the load is below n).
 * Rejections: see `WorkforceRejectionCode`.
 */
export function erlangA(input: ErlangAInput): Result<ErlangAResult, Rejection> {
  const problem = firstRejection(
    checkQueueInput(input),
    checkAgents(input.agents),
    checkPatience(input.patience),
  );
  if (problem) return err(problem);
  return ok(
    erlangAMetrics(
      offeredLoad(input),
      input.agents,
      input.averageHandleTime,
      input.targetTime,
      input.patience,
    ),
  );
}
