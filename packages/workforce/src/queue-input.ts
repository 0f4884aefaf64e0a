import { rejection, type Rejection } from '@switchboard/kernel';
import {
  checkArrivalRate,
  checkHandleTime,
  checkTargetTime,
  firstRejection,
  WORKFORCE_LIMITS,
  WorkforceRejectionCode,
} from './workforce-limits';

/** What every queueing model (Erlang C, Erlang A) needs to know about the demand. */
export interface QueueInput {
  /** λ: contacts offered per second. */
  readonly arrivalRate: number;
  /** AHT in seconds (talk + hold + wrap-up); its inverse is the service rate μ. */
  readonly averageHandleTime: number;
  /** Service-level threshold T in seconds: service level = answered within T / offered. */
  readonly targetTime: number;
}

/** Offered load A = λ · AHT, in erlangs. */
export function offeredLoad(input: Pick<QueueInput, 'arrivalRate' | 'averageHandleTime'>): number {
  return input.arrivalRate * input.averageHandleTime;
}

/** Validates a {@link QueueInput}, including that its offered load stays within the documented limit. */
export function checkQueueInput(input: QueueInput): Rejection | undefined {
  const problem = firstRejection(
    checkArrivalRate(input.arrivalRate),
    checkHandleTime(input.averageHandleTime),
    checkTargetTime(input.targetTime),
  );
  if (problem) return problem;
  const load = offeredLoad(input);
  if (load > WORKFORCE_LIMITS.maxOfferedLoad)
    return rejection(
      WorkforceRejectionCode.invalidTraffic,
      `offered load ${load} erlangs exceeds the maximum of ${WORKFORCE_LIMITS.maxOfferedLoad}`,
      { value: load },
    );
  return undefined;
}
