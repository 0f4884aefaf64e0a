import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { checkAgents, WorkforceRejectionCode } from './workforce-limits';

/**
 * Agents to schedule so that, after shrinkage (breaks, training, absence: the share of paid time not
 * available for contacts), `agents` are on the phones: ⌈agents / (1 − shrinkage)⌉.
 * Shrinkage must be in [0, 1). Rejects `WORKFORCE.INVALID_SHRINKAGE` and agent-count errors.
 */
export function scheduledAgents(agents: number, shrinkage: number): Result<number, Rejection> {
  const problem = checkAgents(agents);
  if (problem) return err(problem);
  if (!Number.isFinite(shrinkage) || shrinkage < 0 || shrinkage >= 1)
    return err(
      rejection(
        WorkforceRejectionCode.invalidShrinkage,
        `shrinkage must be at least 0 and below 1, got ${shrinkage}`,
        { value: shrinkage },
      ),
    );
  // The small allowance keeps an exact quotient such as 12 / 0.75 from rounding up to 17.
  return ok(Math.ceil(agents / (1 - shrinkage) - 1e-9));
}
