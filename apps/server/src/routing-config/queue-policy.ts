/**
 * A queue's policy as the administrator sets it: overflow, automatic callbacks, and the waiting
 * caller's experience. Routing takes the first two as part of its `QueueConfig`
 * ({@link routingPolicyOf}); the voice context plays the third.
 */
import type { OverflowAction, QueueConfig } from '@switchboard/routing';

/** Where a caller goes after the maximum wait: voicemail, a callback, a hang-up, or another queue. */
export type QueueOverflow = 'voicemail' | 'callback' | 'hang-up' | { readonly queueId: string };

/** One queue's policy. */
export interface QueuePolicy {
  /** Longest wait before overflow; null waits for ever. */
  readonly maxWaitSeconds: number | null;
  readonly overflow: QueueOverflow;
  readonly callback: {
    /** A caller who hangs up after waiting `minWaitSeconds` or more becomes a callback contact. */
    readonly onAbandon: boolean;
    readonly minWaitSeconds: number;
    readonly maxAttempts: number;
    readonly retrySeconds: number;
  };
  readonly announcements: {
    /** Position and expected-wait announcements every this many seconds. */
    readonly everySeconds: number;
    /** The first announcement (with a comfort prompt) comes this long after entering the queue. */
    readonly comfortDelaySeconds: number;
    /** Announcements end with "press 1 to keep your place and be called back". */
    readonly offerCallback: boolean;
  };
  readonly voicemailMaxSeconds: number;
  /** The queue's answered calls are recorded (stereo, caller left, agent right). */
  readonly recordCalls: boolean;
}

/** The policy of a queue without a row. */
export const DEFAULT_QUEUE_POLICY_SETTINGS: QueuePolicy = {
  maxWaitSeconds: null,
  overflow: 'voicemail',
  callback: { onAbandon: false, minWaitSeconds: 10, maxAttempts: 3, retrySeconds: 300 },
  announcements: { everySeconds: 30, comfortDelaySeconds: 15, offerCallback: false },
  voicemailMaxSeconds: 120,
  recordCalls: true,
};

/** The part of routing's queue configuration a policy sets. */
export function routingPolicyOf(
  policy: QueuePolicy,
): Pick<QueueConfig, 'maxWaitSeconds' | 'maxWaitAction' | 'callback'> {
  const o = policy.overflow;
  const action: OverflowAction =
    typeof o === 'object'
      ? { kind: 'queue', queueId: o.queueId }
      : o === 'hang-up'
        ? { kind: 'hang-up' }
        : { kind: o };
  return {
    ...(policy.maxWaitSeconds === null ? {} : { maxWaitSeconds: policy.maxWaitSeconds }),
    maxWaitAction: action,
    callback: {
      onAbandon: policy.callback.onAbandon,
      minWaitSeconds: policy.callback.minWaitSeconds,
      maxAttempts: policy.callback.maxAttempts,
      retrySeconds: policy.callback.retrySeconds,
    },
  };
}
