import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { WorkforceRejectionCode } from './workforce-limits';

/**
 * λ in contacts per second from a forecast volume: `calls` offered over `intervalSeconds`
 * (e.g. 100 calls in a 1800 s half hour → 0.0556/s). Rejects `WORKFORCE.INVALID_CALL_VOLUME`
 * (negative or non-finite; zero calls give λ = 0, refused later as an arrival rate) and
 * `WORKFORCE.INVALID_INTERVAL` (≤ 0 or non-finite).
 */
export function arrivalRateFromVolume(calls: number, intervalSeconds: number): Result<number, Rejection> {
  if (!Number.isFinite(calls) || calls < 0)
    return err(
      rejection(WorkforceRejectionCode.invalidCallVolume, `calls must be a number ≥ 0, got ${calls}`, {
        value: calls,
      }),
    );
  if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0)
    return err(
      rejection(
        WorkforceRejectionCode.invalidInterval,
        `interval must be a number of seconds > 0, got ${intervalSeconds}`,
        { value: intervalSeconds },
      ),
    );
  return ok(calls / intervalSeconds);
}
