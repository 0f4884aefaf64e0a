import type { AgentView, ContactView } from '../expression';

/**
 * What happens to a contact a queue cannot keep: it waited too long, the queue is full, or the
 * queue is closed. The engine emits `ContactOverflowed` with the action and an effect for the server.
 */
export type OverflowAction =
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'voicemail' }
  | { readonly kind: 'callback'; readonly prompt?: string }
  | { readonly kind: 'hang-up'; readonly prompt?: string };

/** One routing step: agents matching `expression`, tried until `timeoutSeconds` pass (TaskRouter). */
export interface RoutingStep {
  readonly expression: string;
  /** Absent on the last step: it applies until the contact leaves the queue. */
  readonly timeoutSeconds?: number;
}

/** Which ready agent a queue prefers; `kind` names a strategy in the engine's registry. */
export interface StrategyConfig {
  readonly kind: string;
  /** For `highest-skill`: the skill whose level ranks agents. */
  readonly skill?: string;
  /** For `least-occupied`: the window occupancy is measured over (default 30 minutes). */
  readonly windowMinutes?: number;
}

/** Wrap-up (after-call work) for contacts answered from a queue. */
export interface WrapUpPolicy {
  /** Length of timed wrap-up; `null` means untimed: it ends when the agent completes it. */
  readonly seconds: number | null;
  /** How far an agent may extend a timed wrap-up in total. */
  readonly maxExtensionSeconds: number;
  /** When a timed wrap-up runs out: true leaves the agent available, false makes them not ready. */
  readonly autoReady: boolean;
}

/** Virtual hold and automatic callbacks. */
export interface CallbackPolicy {
  /** Turn a caller who hangs up while waiting into a callback that keeps their place. */
  readonly onAbandon: boolean;
  /** Abandons shorter than this are not called back (misdials, impatient redials). */
  readonly minWaitSeconds: number;
  /** Dial attempts before a callback is given up. */
  readonly maxAttempts: number;
  /** Pause between a failed attempt and the next one. */
  readonly retrySeconds: number;
  /** How long an agent stays reserved while the server dials the customer. */
  readonly dialTimeoutSeconds: number;
}

/** A queue as an administrator configures it. Optional fields take the defaults below. */
export interface QueueConfig {
  readonly queueId: string;
  /** The agent channel the queue's contacts use (`voice`, `chat`, `email`…). */
  readonly channel?: string;
  readonly steps: readonly RoutingStep[];
  readonly strategy?: StrategyConfig;
  /** E.g. 80/20: 80 % answered within 20 s. */
  readonly serviceLevel?: { readonly thresholdSeconds: number; readonly targetPercent: number };
  readonly maxWaitSeconds?: number;
  readonly maxWaitAction?: OverflowAction;
  readonly maxLength?: number;
  readonly maxLengthAction?: OverflowAction;
  /** For contacts that arrive while the business-hours input says closed. */
  readonly closedAction?: OverflowAction;
  readonly ringTimeoutSeconds?: number;
  readonly wrapUp?: Partial<WrapUpPolicy>;
  readonly callback?: Partial<CallbackPolicy>;
  /** Added to contact priority when agents of several queues compete (Asterisk's queue weight). */
  readonly weight?: number;
  /** Abandons shorter than this are left out of statistics; 0 (default) keeps them all. */
  readonly shortAbandonSeconds?: number;
  /** Business hours at creation; the server flips it with `SetQueueOpen`. */
  readonly open?: boolean;
}

/** A queue config with every default filled in; what `QueueConfigured` carries. */
export interface NormalizedQueueConfig {
  readonly queueId: string;
  readonly channel: string;
  readonly steps: readonly RoutingStep[];
  readonly strategy: StrategyConfig;
  readonly serviceLevel: { readonly thresholdSeconds: number; readonly targetPercent: number };
  readonly maxWaitSeconds: number | null;
  readonly maxWaitAction: OverflowAction;
  readonly maxLength: number | null;
  readonly maxLengthAction: OverflowAction;
  readonly closedAction: OverflowAction;
  readonly ringTimeoutSeconds: number;
  readonly wrapUp: WrapUpPolicy;
  readonly callback: CallbackPolicy;
  readonly weight: number;
  readonly shortAbandonSeconds: number;
  readonly open: boolean;
}

/** Attributes a contact carries into expressions: VIP level, caller region, language, IVR choices. */
export type ContactAttributes = ContactView['attributes'];

/** Attributes an agent carries into expressions: languages, region, team… */
export type AgentAttributes = AgentView['attributes'];

/** Fills in defaults (80/20, 20 s ring, 0 s auto-ready wrap-up, longest idle). */
export function normalizeQueueConfig(config: QueueConfig): NormalizedQueueConfig {
  return {
    queueId: config.queueId,
    channel: config.channel ?? 'voice',
    steps: config.steps.map((s) =>
      s.timeoutSeconds === undefined
        ? { expression: s.expression }
        : { expression: s.expression, timeoutSeconds: s.timeoutSeconds },
    ),
    strategy: config.strategy ?? { kind: 'longest-idle' },
    serviceLevel: config.serviceLevel ?? { thresholdSeconds: 20, targetPercent: 80 },
    maxWaitSeconds: config.maxWaitSeconds ?? null,
    maxWaitAction: config.maxWaitAction ?? { kind: 'voicemail' },
    maxLength: config.maxLength ?? null,
    maxLengthAction: config.maxLengthAction ?? { kind: 'hang-up', prompt: 'queue-full' },
    closedAction: config.closedAction ?? { kind: 'hang-up', prompt: 'closed' },
    ringTimeoutSeconds: config.ringTimeoutSeconds ?? 20,
    wrapUp: { seconds: 0, maxExtensionSeconds: 0, autoReady: true, ...config.wrapUp },
    callback: {
      onAbandon: false,
      minWaitSeconds: 0,
      maxAttempts: 3,
      retrySeconds: 300,
      dialTimeoutSeconds: 60,
      ...config.callback,
    },
    weight: config.weight ?? 0,
    shortAbandonSeconds: config.shortAbandonSeconds ?? 0,
    open: config.open ?? true,
  };
}
