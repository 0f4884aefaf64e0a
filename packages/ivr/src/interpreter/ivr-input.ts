import type { Scalar } from '../flow/flow-types';
import type { CalendarState } from '../flow/predicate';

/**
 * Caller facts the server supplies at start: `number` (E.164 or national), and by convention
 * `vipLevel`, `customerId`, `province`, `city`, `carrier`. Conditions and templates read them as
 * `caller.<name>`.
 */
export type CallerAttributes = Readonly<Record<string, Scalar>> & { readonly number?: string };

/**
 * Everything that happens to an IVR call, reported by the server. Each input may carry `now`
 * (epoch milliseconds); the interpreter never reads a clock, so time-of-day conditions see the
 * latest `now` it was given.
 */
export type IvrInput =
  | {
      readonly type: 'Started';
      /** Flow and version the entry point resolved when the call arrived. */
      readonly flowId: string;
      readonly version: number;
      readonly now: number;
      /** Tenant time zone offset from UTC in minutes (China: 480), for time-of-day conditions. */
      readonly utcOffsetMinutes?: number;
      readonly caller: CallerAttributes;
      readonly calendar: CalendarState;
    }
  | { readonly type: 'PromptFinished'; readonly promptId: string; readonly now?: number }
  | { readonly type: 'DigitReceived'; readonly digit: string; readonly now?: number }
  | { readonly type: 'TimerFired'; readonly timerId: string; readonly now?: number }
  | {
      readonly type: 'LookupCompleted';
      readonly requestId: string;
      /** False when the service answered with an error (HTTP 4xx/5xx, CRM error). */
      readonly ok: boolean;
      readonly data?: unknown;
      readonly now?: number;
    }
  | {
      readonly type: 'LookupFailed';
      readonly requestId: string;
      readonly reason?: string;
      readonly now?: number;
    }
  | { readonly type: 'CallerHungUp'; readonly now?: number }
  /**
   * The agent ended the conversation while the caller stays on the line: a parked flow (routed by a
   * node with `afterCall`) resumes there. Transfers and forced releases are not this input.
   */
  | { readonly type: 'AgentHungUp'; readonly now?: number };

/** The `type` of an input. */
export type IvrInputType = IvrInput['type'];

/** Keys a caller can press (RFC 4733 events 0–11); A–D are ignored as they are not on phones. */
export const DTMF_KEYS = '0123456789*#';

export function isDtmfKey(digit: string): boolean {
  return digit.length === 1 && DTMF_KEYS.includes(digit);
}
