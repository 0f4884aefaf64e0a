import type { Scalar } from '../flow/flow-types';
import type { CalendarState } from '../flow/predicate';
import type { Prompt } from '../flow/prompt';
import type { CallerAttributes } from './ivr-input';

/** One flow on the call stack; `returnTo` is the caller flow's node to continue at. */
export interface CallFrame {
  readonly flowId: string;
  readonly version: number;
  readonly returnTo: string | null;
}

/** What the current node is waiting for. */
export type NodeWait =
  /** A prompt plays; the node continues when it ends. */
  | { readonly kind: 'announce' }
  /**
   * Keys: `collected` so far in this attempt, `attempt` counts retries used, `queued` are prompts
   * still to play before listening (an invalid-input prompt is followed by the node's prompt).
   */
  | {
      readonly kind: 'digits';
      readonly attempt: number;
      readonly collected: string;
      readonly queued: readonly Prompt[];
    }
  /** A lookup is out; `attempt` starts at 1. */
  | { readonly kind: 'lookup'; readonly attempt: number; readonly requestId: string };

/**
 * Everything the interpreter knows about one call in the IVR. Plain data (JSON-serializable), so
 * the server may keep it in memory or hand it to another node; never mutated, each step returns a
 * new state.
 *
 * At most one prompt, one timer and one lookup are outstanding at any time, and leaving a node
 * releases all three: that is what makes "no dangling timers" hold by construction.
 */
export interface IvrState {
  /**
   * `parked`: a route node with `afterCall` handed the call to routing; the run is over (its
   * `FlowEnded` was emitted) but `AgentHungUp` resumes the flow at `resumeAt`.
   */
  readonly phase: 'idle' | 'running' | 'parked' | 'ended';
  /** Call stack of flows, the running flow last. Versions are pinned at start. */
  readonly frames: readonly CallFrame[];
  readonly nodeId: string | null;
  readonly wait: NodeWait | null;
  readonly playing: { readonly promptId: string; readonly bargeIn: boolean } | null;
  readonly timerId: string | null;
  readonly lookupId: string | null;
  /**
   * Keys pressed ahead of the node that will read them (before the flow started, during a lookup,
   * during a prompt that may not be cut), at most {@link MAX_TYPE_AHEAD}.
   */
  readonly typeAhead: string;
  readonly vars: Readonly<Record<string, Scalar>>;
  /** Contact attributes handed to routing with `RouteToQueue`. */
  readonly attributes: Readonly<Record<string, Scalar>>;
  readonly caller: CallerAttributes;
  readonly calendar: CalendarState;
  readonly now: number;
  readonly utcOffsetMinutes: number;
  /** Subflow id → version, resolved once at start so a later publication cannot reach this call. */
  readonly pins: Readonly<Record<string, number>>;
  /** Counter behind prompt, timer and lookup ids. */
  readonly seq: number;
  /** Where a parked flow resumes; null in every other phase. */
  readonly resumeAt: string | null;
}

/** Keys kept ahead of a node; more are dropped rather than letting a stuck key grow the state. */
export const MAX_TYPE_AHEAD = 32;

/** The state of a call before `Started`. */
export const INITIAL_IVR_STATE: IvrState = Object.freeze({
  phase: 'idle',
  frames: [],
  nodeId: null,
  wait: null,
  playing: null,
  timerId: null,
  lookupId: null,
  typeAhead: '',
  vars: {},
  attributes: {},
  caller: {},
  calendar: { open: true },
  now: 0,
  utcOffsetMinutes: 0,
  pins: {},
  seq: 0,
  resumeAt: null,
});
