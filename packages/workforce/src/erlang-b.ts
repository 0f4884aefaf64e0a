import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { log1pExp } from './special-functions';
import { checkAgents, checkTraffic, firstRejection } from './workforce-limits';

/** Result of {@link erlangB}. */
export interface ErlangBResult {
  /** Probability that an arriving contact finds every trunk busy and is lost. */
  readonly blocking: number;
}

/**
 * ln B(n, A), the natural log of the Erlang B blocking probability, for any n ≥ 0 and A > 0.
 *
 * Uses the classic recursion B(k) = A·B(k−1) / (k + A·B(k−1)), B(0) = 1 (e.g. Cooper, "Introduction
 * to Queueing Theory", 2nd ed. §3.3), rewritten for L(k) = −ln B(k) as L(k) = ln(1 + (k/A)·e^L(k−1)),
 * a softplus that never overflows, so even B ≈ e^(−100000) keeps a usable logarithm for Erlang A.
 * O(n) time, no factorials or powers.
 */
export function logErlangB(traffic: number, trunks: number): number {
  const logTraffic = Math.log(traffic);
  let minusLogB = 0;
  for (let k = 1; k <= trunks; k++) minusLogB = log1pExp(Math.log(k) - logTraffic + minusLogB);
  return -minusLogB;
}

/**
 * Erlang B (M/M/n/n loss system): the share of contacts blocked when `traffic` erlangs are offered
 * to `trunks` servers with no waiting room, B(n, A) = (A^n/n!) / Σ_{k=0..n} A^k/k!.
 *
 * Rejects `WORKFORCE.INVALID_TRAFFIC` (≤ 0, non-finite, above the maximum),
 * `WORKFORCE.INVALID_TRUNKS` / `WORKFORCE.TOO_MANY_TRUNKS` for the trunk count.
 */
export function erlangB(traffic: number, trunks: number): Result<ErlangBResult, Rejection> {
  const problem = firstRejection(checkTraffic(traffic), checkAgents(trunks, 'trunks'));
  if (problem) return err(problem);
  return ok({ blocking: Math.exp(logErlangB(traffic, trunks)) });
}
